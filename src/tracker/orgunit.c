/*
 * orgunit.c - the organisation unit tree: import with whole-set checks,
 * listing, lookup and the names bulletins use (see orgunit.h).
 *
 * Import works on the whole set at once: rows are validated one by one,
 * then sorted by code (duplicates), resolved against the file and the units
 * already stored (parents may come later in the file), checked for cycles
 * and level steps, and only then written, parents first, in one transaction.
 * Lookups are binary searches over sorted arrays, so 47,000 units import in
 * a small fraction of a second.
 */
#include "tracker/orgunit.h"
#include "tracker/tracker.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NOTES 100
#define MAX_ROWS 2000000L

static const char *const level_names[] = {"", "province", "city", "county", "township", "village"};
static const char *const level_zh[] = {"", "省级", "市级", "县级", "乡级", "村级"};

int orgunit_level_parse(const char *s)
{
	int i;

	for (i = 1; i <= 5; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return 0;
}

const char *orgunit_level_name(int level)
{
	return level >= 1 && level <= 5 ? level_names[level] : "";
}

const char *orgunit_level_zh(int level)
{
	return level >= 1 && level <= 5 ? level_zh[level] : "";
}

/* Number of UTF-8 characters in s[0..len). */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Copy at most n-1 bytes of s[0..len) to out, never cutting a character. */
static char *copy_utf8(char *out, size_t n, const char *s, size_t len)
{
	if (n == 0)
		return out;
	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

char *orgunit_short_name(const char *name, char *out, size_t n)
{
	static const char *const suffixes[] = {"自治州", "地区", "市", "盟", "省"};
	size_t len = strlen(name), i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t sl = strlen(suffixes[i]);

		if (len > sl && memcmp(name + len - sl, suffixes[i], sl) == 0 &&
		    utf8_chars(name, len - sl) >= 2)
			return copy_utf8(out, n, name, len - sl);
	}
	return copy_utf8(out, n, name, len);
}

/* ---- import ---- */

/* Problems are reported through note and the first error is kept in err. */
struct notes {
	const char *file;
	tracker_note_fn fn;
	void *ctx;
	struct error *err;
	int count;
};

static void note_error(struct notes *nt, long line, long column, const char *reason,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void note_error(struct notes *nt, long line, long column, const char *reason,
		       const char *fmt, ...)
{
	struct error e;
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(&e, ERR_INPUT, nt->file, line, column, reason, fmt, ap);
	va_end(ap);
	if (nt->count == 0 && nt->err)
		*nt->err = e;
	if (nt->count < MAX_NOTES && nt->fn)
		nt->fn(nt->ctx, &e, false);
	nt->count++;
}

/* A unit already in the database. */
struct stored {
	int64_t id;
	char *code;
	char *name;
	char *parent;
	char *path;
	int level;
};

/* Working state of one row during import. */
struct work {
	const struct orgunit_row *row;
	size_t file_parent; /* index in rows of the parent, or SIZE_MAX */
	size_t db_parent;   /* index in stored of the parent, or SIZE_MAX */
	size_t db_self;	    /* index in stored of the same code, or SIZE_MAX */
	int64_t id;	    /* id after insert (or the stored id) */
	char *path;
	int state; /* cycle walk: 0 new, 1 on the current walk, 2 done */
};

static int cmp_row_index(const void *a, const void *b, void *rows_)
{
	const struct orgunit_row *rows = rows_;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(rows[i].code, rows[j].code);

	if (c)
		return c;
	return i < j ? -1 : i > j;
}

static size_t find_row(const struct orgunit_row *rows, const size_t *sorted, size_t n,
		       const char *code)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rows[sorted[mid]].code, code);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strcmp(rows[sorted[lo]].code, code) == 0)
		return sorted[lo];
	return SIZE_MAX;
}

static size_t find_stored(const struct stored *s, size_t n, const char *code)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s[mid].code, code);

		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else
			return mid;
	}
	return SIZE_MAX;
}

static void stored_free(struct stored *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].code);
		free(s[i].name);
		free(s[i].parent);
		free(s[i].path);
	}
	free(s);
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return strdup(t ? (const char *)t : "");
}

/* Load every stored unit, sorted by code (SQLite's BINARY order is strcmp's). */
static int stored_load(struct db *db, struct stored **out, size_t *nout, struct error *err)
{
	sqlite3_stmt *st = NULL;
	struct stored *s = NULL;
	size_t n = 0, cap = 0;
	int rc, ret = 0;

	*out = NULL;
	*nout = 0;
	if (db_prepare(db,
		       "SELECT u.id, u.code, u.name, u.level, COALESCE(p.code, ''), u.path"
		       " FROM orgunit u LEFT JOIN orgunit p ON p.id = u.parent_id"
		       " ORDER BY u.code",
		       &st, err))
		return ERR_IO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct stored *t = realloc(s, nc * sizeof(*s));

			if (!t) {
				ret = error_set(err, ERR_NOMEM, "内存不足");
				goto out;
			}
			s = t;
			cap = nc;
		}
		s[n].id = sqlite3_column_int64(st, 0);
		s[n].code = dup_col(st, 1);
		s[n].name = dup_col(st, 2);
		s[n].level = sqlite3_column_int(st, 3);
		s[n].parent = dup_col(st, 4);
		s[n].path = dup_col(st, 5);
		n++;
		if (!s[n - 1].code || !s[n - 1].name || !s[n - 1].parent || !s[n - 1].path) {
			ret = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = db_fail(db, err, "读取组织机构");
out:
	sqlite3_finalize(st);
	if (ret) {
		stored_free(s, n);
		return ret;
	}
	*out = s;
	*nout = n;
	return 0;
}

static const char *parent_of(const struct orgunit_row *r)
{
	return r->parent ? r->parent : "";
}

/* Phase 1: each row alone. */
static void check_fields(const struct orgunit_row *rows, size_t n, struct notes *nt)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct orgunit_row *r = &rows[i];
		const char *p = parent_of(r);

		if (!tracker_code_valid(r->code, ORGUNIT_CODE_MAX))
			note_error(nt, r->line, 1, "bad_code",
				   "单位代码 '%s' 无效（应为1到%d个字母、数字、'_'、'.'或'-'）",
				   r->code, ORGUNIT_CODE_MAX);
		else if (!tracker_text_valid(r->name, ORGUNIT_NAME_MAX))
			note_error(nt, r->line, 2, "bad_name",
				   "单位 '%s' 的名称为空、过长或含控制字符", r->code);
		else if (r->level < ORGUNIT_PROVINCE || r->level > ORGUNIT_VILLAGE)
			note_error(
			    nt, r->line, 3, "unknown_level",
			    "未知的层级（应为 province、city、county、township 或 village）");
		else if (r->level == ORGUNIT_PROVINCE && p[0])
			note_error(nt, r->line, 4, "bad_parent", "省级单位 '%s' 不应有上级单位",
				   r->code);
		else if (r->level != ORGUNIT_PROVINCE && !p[0])
			note_error(nt, r->line, 4, "missing_parent", "单位 '%s' 缺少上级单位代码",
				   r->code);
		else if (p[0] && !tracker_code_valid(p, ORGUNIT_CODE_MAX))
			note_error(nt, r->line, 4, "bad_code", "上级单位代码 '%s' 无效", p);
		else if (strcmp(p, r->code) == 0)
			note_error(nt, r->line, 4, "cycle", "单位 '%s' 的上级是它自己", r->code);
	}
}

int orgunit_import_rows(struct db *db, const char *name, const struct orgunit_row *rows, size_t n,
			bool in_tx, struct orgunit_import_stats *st, tracker_note_fn note,
			void *ctx, struct error *err)
{
	struct notes nt = {name, note, ctx, err, 0};
	struct stored *stored = NULL;
	struct work *w = NULL;
	size_t *sorted = NULL, *walk = NULL, nstored = 0, i, k;
	sqlite3_stmt *ins = NULL;
	struct orgunit_import_stats stats = {0, 0, 0};
	bool began = false;
	int ret = 0, level;

	error_clear(err);
	stats.rows = (long)n;
	check_fields(rows, n, &nt);
	if (nt.count)
		goto input;

	w = calloc(n ? n : 1, sizeof(*w));
	sorted = malloc((n ? n : 1) * sizeof(*sorted));
	walk = malloc((n ? n : 1) * sizeof(*walk));
	if (!w || !sorted || !walk) {
		ret = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}

	/* Phase 2: duplicates within the file. */
	for (i = 0; i < n; i++)
		sorted[i] = i;
	qsort_r(sorted, n, sizeof(*sorted), cmp_row_index, (void *)rows);
	for (i = 1; i < n; i++) {
		const struct orgunit_row *a = &rows[sorted[i - 1]];
		const struct orgunit_row *b = &rows[sorted[i]];

		if (strcmp(a->code, b->code) == 0)
			note_error(&nt, b->line, 1, "duplicate",
				   "单位代码 '%s' 重复（第%ld行已有）", b->code, a->line);
	}
	if (nt.count)
		goto input;

	/* Phase 3: against the stored units; resolve parents. */
	if (!in_tx) {
		/* Read and write under one lock: nobody changes the tree between. */
		if (db_begin(db, err)) {
			ret = ERR_IO;
			goto out;
		}
		began = true;
	}
	ret = stored_load(db, &stored, &nstored, err);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		const struct orgunit_row *r = &rows[i];
		const char *p = parent_of(r);

		w[i].row = r;
		w[i].file_parent = SIZE_MAX;
		w[i].db_parent = SIZE_MAX;
		w[i].db_self = find_stored(stored, nstored, r->code);
		if (w[i].db_self != SIZE_MAX) {
			const struct stored *s = &stored[w[i].db_self];

			if (strcmp(s->name, r->name) || s->level != r->level ||
			    strcmp(s->parent, p)) {
				note_error(&nt, r->line, 1, "exists",
					   "单位代码 '%s' 已存在（%s，%s，上级 '%s'），与本行不同",
					   r->code, s->name, orgunit_level_name(s->level),
					   s->parent);
				continue;
			}
			stats.existing++;
		}
		if (!p[0])
			continue;
		w[i].file_parent = find_row(rows, sorted, n, p);
		if (w[i].file_parent == SIZE_MAX)
			w[i].db_parent = find_stored(stored, nstored, p);
		if (w[i].file_parent == SIZE_MAX && w[i].db_parent == SIZE_MAX)
			note_error(&nt, r->line, 4, "unknown_parent", "未知的上级单位代码 '%s'", p);
	}
	if (nt.count)
		goto input;

	/* Phase 4: cycles through parents in the file. */
	for (i = 0; i < n; i++) {
		size_t cur = i, depth = 0;

		while (cur != SIZE_MAX && w[cur].state == 0) {
			w[cur].state = 1;
			walk[depth++] = cur;
			cur = w[cur].file_parent;
		}
		if (cur != SIZE_MAX && w[cur].state == 1)
			note_error(&nt, rows[cur].line, 4, "cycle", "单位 '%s' 的上级关系形成循环",
				   rows[cur].code);
		for (k = 0; k < depth; k++)
			w[walk[k]].state = 2;
	}
	if (nt.count)
		goto input;

	/* Phase 5: each level exactly one below its parent's. */
	for (i = 0; i < n; i++) {
		int plevel;

		if (w[i].file_parent != SIZE_MAX)
			plevel = rows[w[i].file_parent].level;
		else if (w[i].db_parent != SIZE_MAX)
			plevel = stored[w[i].db_parent].level;
		else
			continue;
		if (rows[i].level != plevel + 1)
			note_error(&nt, rows[i].line, 3, "bad_level",
				   "层级 '%s' 与上级 '%s'（%s）不衔接，应为 '%s'",
				   orgunit_level_name(rows[i].level), parent_of(&rows[i]),
				   orgunit_level_name(plevel), orgunit_level_name(plevel + 1));
	}
	if (nt.count)
		goto input;

	/* Write, parents first: a parent's level is always one less. */
	if (db_prepare(db,
		       "INSERT INTO orgunit(code, name, level, parent_id, path)"
		       " VALUES(?, ?, ?, ?, ?)",
		       &ins, err)) {
		ret = ERR_IO;
		goto out;
	}
	for (level = ORGUNIT_PROVINCE; level <= ORGUNIT_VILLAGE; level++) {
		for (i = 0; i < n; i++) {
			const struct orgunit_row *r = &rows[i];
			const char *ppath = "/";
			int64_t pid = 0;
			size_t plen, clen;

			if (r->level != level)
				continue;
			if (w[i].file_parent != SIZE_MAX) {
				pid = w[w[i].file_parent].id;
				ppath = w[w[i].file_parent].path;
			} else if (w[i].db_parent != SIZE_MAX) {
				pid = stored[w[i].db_parent].id;
				ppath = stored[w[i].db_parent].path;
			}
			plen = strlen(ppath);
			clen = strlen(r->code);
			w[i].path = malloc(plen + clen + 2);
			if (!w[i].path) {
				ret = error_set(err, ERR_NOMEM, "内存不足");
				goto out;
			}
			memcpy(w[i].path, ppath, plen);
			memcpy(w[i].path + plen, r->code, clen);
			w[i].path[plen + clen] = '/';
			w[i].path[plen + clen + 1] = '\0';
			if (w[i].db_self != SIZE_MAX) {
				w[i].id = stored[w[i].db_self].id;
				continue;
			}
			sqlite3_reset(ins);
			sqlite3_bind_text(ins, 1, r->code, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, r->name, -1, SQLITE_STATIC);
			sqlite3_bind_int(ins, 3, r->level);
			if (pid)
				sqlite3_bind_int64(ins, 4, pid);
			else
				sqlite3_bind_null(ins, 4);
			sqlite3_bind_text(ins, 5, w[i].path, -1, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE) {
				ret = db_fail(db, err, "写入组织机构");
				goto out;
			}
			w[i].id = sqlite3_last_insert_rowid(db_sqlite(db));
			stats.added++;
		}
	}
	sqlite3_finalize(ins);
	ins = NULL;
	if (began) {
		if (db_commit(db, err)) {
			ret = ERR_IO;
			goto out;
		}
		began = false;
	}
	goto out;
input:
	ret = ERR_INPUT;
out:
	sqlite3_finalize(ins);
	if (began)
		db_rollback(db);
	if (w)
		for (i = 0; i < n; i++)
			free(w[i].path);
	free(w);
	free(sorted);
	free(walk);
	stored_free(stored, nstored);
	if (st) {
		if (ret)
			stats.added = 0;
		*st = stats;
	}
	return ret;
}

/* ---- CSV ---- */

static const char *const header[] = {"code", "name", "level", "parent_code"};

/* Rows read from CSV, their strings in one block each. */
struct rowset {
	struct orgunit_row *rows;
	char **blocks;
	size_t n, cap;
};

static void rowset_free(struct rowset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->blocks[i]);
	free(rs->blocks);
	free(rs->rows);
}

static int rowset_add(struct rowset *rs, const struct csv_record *rec, int level)
{
	char *blk, *p;
	size_t total = 0, i;

	if (rs->n == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 4096;
		struct orgunit_row *r = realloc(rs->rows, nc * sizeof(*r));
		char **b;

		if (!r)
			return ERR_NOMEM;
		rs->rows = r;
		b = realloc(rs->blocks, nc * sizeof(*b));
		if (!b)
			return ERR_NOMEM;
		rs->blocks = b;
		rs->cap = nc;
	}
	for (i = 0; i < 4; i++)
		total += rec->len[i] + 1;
	blk = malloc(total);
	if (!blk)
		return ERR_NOMEM;
	p = blk;
	for (i = 0; i < 4; i++) {
		memcpy(p, rec->field[i], rec->len[i] + 1);
		p += rec->len[i] + 1;
	}
	rs->blocks[rs->n] = blk;
	rs->rows[rs->n].code = blk;
	rs->rows[rs->n].name = blk + rec->len[0] + 1;
	rs->rows[rs->n].level = level;
	rs->rows[rs->n].parent = blk + rec->len[0] + rec->len[1] + rec->len[2] + 3;
	rs->rows[rs->n].line = rec->line;
	rs->n++;
	return 0;
}

static int import_reader(struct db *db, const char *name, struct csv_reader *r,
			 struct orgunit_import_stats *st, tracker_note_fn note, void *ctx,
			 struct error *err)
{
	struct notes nt = {name, note, ctx, err, 0};
	struct rowset rs = {0};
	struct csv_record rec;
	struct error e;
	int ret, level;
	bool first = true;

	error_clear(&e);
	for (;;) {
		ret = csv_next(r, &rec, &e);
		if (ret) {
			if (nt.count == 0)
				*err = e;
			if (note && nt.count < MAX_NOTES)
				note(ctx, &e, false);
			nt.count++;
			goto out;
		}
		if (rec.n == 0)
			break;
		if (first) {
			first = false;
			ret = csv_check_header(r, &rec, header, 4, &e);
			if (ret) {
				note_error(&nt, rec.line, 0, "bad_header", "%s", e.msg);
				goto out;
			}
			continue;
		}
		if (rec.n == 1 && rec.len[0] == 0)
			continue; /* a blank line holds no unit */
		if (rec.n != 4) {
			note_error(&nt, rec.line, 0, "field_count", "应有4列，实有%zu列", rec.n);
			continue;
		}
		if ((long)rs.n >= MAX_ROWS) {
			note_error(&nt, rec.line, 0, "too_many_rows", "行数超过上限 %ld", MAX_ROWS);
			break;
		}
		level = orgunit_level_parse(rec.field[2]);
		if (!level) {
			note_error(
			    &nt, rec.line, 3, "unknown_level",
			    "未知的层级 '%s'（应为 province、city、county、township 或 village）",
			    rec.field[2]);
			continue;
		}
		if (rowset_add(&rs, &rec, level)) {
			ret = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
	}
	if (first) {
		note_error(&nt, 1, 0, "bad_header",
			   "文件为空，应有表头 code,name,level,parent_code");
	}
	if (nt.count) {
		ret = ERR_INPUT;
		goto out;
	}
	ret = orgunit_import_rows(db, name, rs.rows, rs.n, false, st, note, ctx, err);
out:
	if (ret && st && nt.count) {
		st->rows = (long)rs.n;
		st->added = 0;
		st->existing = 0;
	}
	rowset_free(&rs);
	return ret;
}

int orgunit_import_file(struct db *db, const char *path, const char *encoding,
			struct orgunit_import_stats *st, tracker_note_fn note, void *ctx,
			struct error *err)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	int ret;

	opt.name = path;
	opt.encoding = encoding;
	ret = csv_open_file(path, &opt, &r, err);
	if (ret)
		return ret;
	ret = import_reader(db, path, r, st, note, ctx, err);
	csv_close(r);
	return ret;
}

int orgunit_import_mem(struct db *db, const char *name, const char *data, size_t len,
		       struct orgunit_import_stats *st, tracker_note_fn note, void *ctx,
		       struct error *err)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	int ret;

	opt.name = name;
	opt.encoding = "UTF-8";
	ret = csv_open_mem(data, len, &opt, &r, err);
	if (ret)
		return ret;
	ret = import_reader(db, name, r, st, note, ctx, err);
	csv_close(r);
	return ret;
}

/* ---- queries ---- */

static void copy_col(char *out, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, n, "%s", t ? (const char *)t : "");
}

int orgunit_find(struct db *db, const char *code, struct orgunit_info *u, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
	if (db_prepare(db,
		       "SELECT u.id, u.code, u.name, u.level, COALESCE(p.code, ''), u.path"
		       " FROM orgunit u LEFT JOIN orgunit p ON p.id = u.parent_id"
		       " WHERE u.code = ?",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		u->id = sqlite3_column_int64(st, 0);
		copy_col(u->code, sizeof(u->code), st, 1);
		copy_col(u->name, sizeof(u->name), st, 2);
		u->level = sqlite3_column_int(st, 3);
		copy_col(u->parent, sizeof(u->parent), st, 4);
		copy_col(u->path, sizeof(u->path), st, 5);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return error_set(err, ERR_INPUT, "未知的单位代码 '%s'", code);
	return db_fail(db, err, "查询组织机构");
}

int orgunit_list(struct db *db, const struct orgunit_filter *f,
		 int (*fn)(void *ctx, const struct orgunit *u), void *ctx, struct error *err)
{
	struct orgunit_info parent;
	struct buf sql;
	sqlite3_stmt *st = NULL;
	int rc, ret = 0, bind = 1;

	buf_init(&sql, 1024);
	if (f && f->parent) {
		ret = orgunit_find(db, f->parent, &parent, err);
		if (ret)
			goto out;
	}
	buf_adds(&sql, "SELECT u.id, u.code, u.name, u.level, COALESCE(p.code, ''), u.path"
		       " FROM orgunit u LEFT JOIN orgunit p ON p.id = u.parent_id WHERE 1 = 1");
	if (f && f->level)
		buf_adds(&sql, " AND u.level = ?");
	if (f && f->parent)
		buf_adds(&sql, f->direct ? " AND u.parent_id = ?"
					 : " AND substr(u.path, 1, ?) = ? AND u.id <> ?");
	buf_adds(&sql, " ORDER BY u.code");
	if (db_prepare(db, buf_str(&sql), &st, err)) {
		ret = ERR_IO;
		goto out;
	}
	if (f && f->level)
		sqlite3_bind_int(st, bind++, f->level);
	if (f && f->parent) {
		if (f->direct) {
			sqlite3_bind_int64(st, bind++, parent.id);
		} else {
			sqlite3_bind_int(st, bind++, (int)strlen(parent.path));
			sqlite3_bind_text(st, bind++, parent.path, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, bind++, parent.id);
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct orgunit u;
		const unsigned char *t;

		u.id = sqlite3_column_int64(st, 0);
		t = sqlite3_column_text(st, 1);
		u.code = t ? (const char *)t : "";
		t = sqlite3_column_text(st, 2);
		u.name = t ? (const char *)t : "";
		u.level = sqlite3_column_int(st, 3);
		t = sqlite3_column_text(st, 4);
		u.parent = t ? (const char *)t : "";
		t = sqlite3_column_text(st, 5);
		u.path = t ? (const char *)t : "";
		ret = fn(ctx, &u);
		if (ret)
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = db_fail(db, err, "列出组织机构");
out:
	sqlite3_finalize(st);
	buf_free(&sql);
	return ret;
}

int orgunit_count(struct db *db, int64_t *out, struct error *err)
{
	return db_int(db, "SELECT COUNT(*) FROM orgunit", out, err);
}

/* The n-th code (0-based) of a path "/41/4108/410822/" into out. */
static bool path_code(const char *path, int n, char *out, size_t size)
{
	const char *p = path, *e;

	if (*p == '/')
		p++;
	while (n-- > 0) {
		p = strchr(p, '/');
		if (!p)
			return false;
		p++;
	}
	e = strchr(p, '/');
	if (!e || e == p || (size_t)(e - p) >= size)
		return false;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return true;
}

/* The single child of unit id, when it has exactly one. */
static bool only_child(struct db *db, int64_t id, struct orgunit_info *child)
{
	sqlite3_stmt *st = NULL;
	bool one = false;

	if (db_prepare(db, "SELECT code FROM orgunit WHERE parent_id = ? LIMIT 2", &st, NULL))
		return false;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		char code[ORGUNIT_CODE_MAX + 1];

		copy_col(code, sizeof(code), st, 0);
		one = sqlite3_step(st) == SQLITE_DONE && orgunit_find(db, code, child, NULL) == 0;
	}
	sqlite3_finalize(st);
	return one;
}

char *orgunit_bulletin_name(struct db *db, const struct orgunit_info *u, char *out, size_t n)
{
	struct orgunit_info city;
	char code[ORGUNIT_CODE_MAX + 1];

	if (u->level <= ORGUNIT_CITY) {
		/* 省直辖县级行政区划 holding one unit (Henan: 济源) is that unit. */
		if (strncmp(u->name, "省直辖", strlen("省直辖")) == 0 &&
		    only_child(db, u->id, &city))
			return orgunit_short_name(city.name, out, n);
		return orgunit_short_name(u->name, out, n);
	}
	/* The city is the second code of the path. */
	if (!path_code(u->path, 1, code, sizeof(code)) || orgunit_find(db, code, &city, NULL))
		return orgunit_bulletin_name_of(u->level, u->name, NULL, out, n);
	return orgunit_bulletin_name_of(u->level, u->name, city.name, out, n);
}

char *orgunit_bulletin_name_of(int level, const char *name, const char *city, char *out, size_t n)
{
	char cshort[ORGUNIT_NAME_MAX + 1];
	size_t cl;

	if (level <= ORGUNIT_CITY)
		return orgunit_short_name(name, out, n);
	if (!city || strncmp(city, "省直辖", strlen("省直辖")) == 0) {
		if (level == ORGUNIT_COUNTY)
			return orgunit_short_name(name, out, n);
		return copy_utf8(out, n, name, strlen(name));
	}
	orgunit_short_name(city, cshort, sizeof(cshort));
	cl = strlen(cshort);
	if (strncmp(name, cshort, cl) == 0)
		return copy_utf8(out, n, name, strlen(name));
	snprintf(out, n, "%s%s", cshort, name);
	return out;
}

char *orgunit_bulletin_name_full(int level, const char *name, const char *city, const char *county,
				 const char *township, char *out, size_t n)
{
	char cshort[ORGUNIT_NAME_MAX + 1];
	const char *part[4];
	size_t np = 0, i, len = 0, pl;

	if (level <= ORGUNIT_COUNTY || !county)
		return orgunit_bulletin_name_of(level, name, city, out, n);
	if (city && strncmp(city, "省直辖", strlen("省直辖")) != 0) {
		orgunit_short_name(city, cshort, sizeof(cshort));
		part[np++] = cshort;
	}
	part[np++] = county;
	if (level == ORGUNIT_VILLAGE && township)
		part[np++] = township;
	part[np++] = name;
	if (n == 0)
		return out;
	out[0] = '\0';
	for (i = 0; i < np; i++) {
		/* "焦作" before "焦作城乡一体化示范区", "济源市" before "济源市沁园街道":
		 * the longer name already says it */
		if (i + 1 < np && strncmp(part[i + 1], part[i], strlen(part[i])) == 0)
			continue;
		pl = strlen(part[i]);
		copy_utf8(out + len, n - len, part[i], pl);
		len += strlen(out + len);
		if (len + 1 >= n)
			break;
	}
	return out;
}

/* ---- scope words and a unit's own bulletin name ---- */

const char *orgunit_scope(int level, const char *name)
{
	/* longer suffixes first: 自治区 before 区, 社区 and 街道 before 区 */
	static const struct {
		const char *suffix, *scope;
	} kinds[] = {
	    {"自治区", "全区"}, {"自治州", "全州"}, {"自治县", "全县"}, {"自治旗", "全旗"},
	    {"地区", "全地区"}, {"街道", "全街道"}, {"社区", "全社区"}, {"苏木", "全苏木"},
	    {"嘎查", "全嘎查"}, {"省", "全省"},	    {"市", "全市"},	{"盟", "全盟"},
	    {"区", "全区"},	{"县", "全县"},	    {"旗", "全旗"},	{"镇", "全镇"},
	    {"乡", "全乡"},	{"村", "全村"},
	};
	static const char *const by_level[] = {"全部", "全省", "全市", "全县", "全乡", "全村"};
	size_t len = name ? strlen(name) : 0, i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t sl = strlen(kinds[i].suffix);

		if (len > sl && memcmp(name + len - sl, kinds[i].suffix, sl) == 0)
			return kinds[i].scope;
	}
	return by_level[level >= ORGUNIT_PROVINCE && level <= ORGUNIT_VILLAGE ? level : 0];
}

static bool provincial(const char *name)
{
	return strncmp(name, "省直辖", strlen("省直辖")) == 0;
}

/*
 * The title name of u (orgunit_title) before the check against units of
 * the same name, into out (ORGUNIT_TITLE_MAX bytes); the name its scope is
 * read from and that one's level into kind / kind_level (may be NULL).
 */
static int title_base(struct db *db, const struct orgunit_info *u, bool several, char *out,
		      char *kind, int *kind_level, struct error *err)
{
	struct orgunit_info a, root, child;
	char anc[ORGUNIT_VILLAGE + 1][ORGUNIT_NAME_MAX + 1];
	bool has[ORGUNIT_VILLAGE + 1] = {false};
	char code[ORGUNIT_CODE_MAX + 1], rshort[ORGUNIT_NAME_MAX + 1];
	const char *own = u->name;
	int i, ret, own_level = u->level;
	size_t len;

	out[0] = '\0';
	root = *u;
	/* the ancestors: every code of the path before the unit's own */
	for (i = 0; path_code(u->path, i, code, sizeof(code)) && strcmp(code, u->code) != 0; i++) {
		if ((ret = orgunit_find(db, code, &a, err)))
			return ret == ERR_INPUT
				   ? error_set(err, ERR_INTERNAL, "单位 '%s' 的上级 '%s' 不存在",
					       u->code, code)
				   : ret;
		if (i == 0)
			root = a;
		if (a.level >= ORGUNIT_PROVINCE && a.level <= ORGUNIT_VILLAGE) {
			snprintf(anc[a.level], sizeof(anc[a.level]), "%s", a.name);
			has[a.level] = true;
		}
	}
	if (!u->parent[0]) {
		/* a root: named only when it is not the only one */
		if (several)
			copy_utf8(out, ORGUNIT_TITLE_MAX, u->name, strlen(u->name));
	} else if (u->level <= ORGUNIT_CITY) {
		if (provincial(u->name) && only_child(db, u->id, &child)) {
			own = child.name;
			own_level = child.level;
		}
		copy_utf8(out, ORGUNIT_TITLE_MAX, own, strlen(own));
	} else if (u->level == ORGUNIT_COUNTY &&
		   (!has[ORGUNIT_CITY] || provincial(anc[ORGUNIT_CITY]))) {
		/* stands for a city of its own (济源市): named as a city is */
		copy_utf8(out, ORGUNIT_TITLE_MAX, u->name, strlen(u->name));
	} else {
		orgunit_bulletin_name_full(
		    u->level, u->name, has[ORGUNIT_CITY] ? anc[ORGUNIT_CITY] : NULL,
		    has[ORGUNIT_COUNTY] ? anc[ORGUNIT_COUNTY] : NULL,
		    has[ORGUNIT_TOWNSHIP] ? anc[ORGUNIT_TOWNSHIP] : NULL, out, ORGUNIT_TITLE_MAX);
	}
	if (several && u->parent[0]) {
		orgunit_short_name(root.name, rshort, sizeof(rshort));
		len = strlen(rshort);
		if (strncmp(out, rshort, len) != 0) {
			char tail[ORGUNIT_TITLE_MAX];

			snprintf(tail, sizeof(tail), "%s", out);
			copy_utf8(out, ORGUNIT_TITLE_MAX, rshort, len);
			copy_utf8(out + len, ORGUNIT_TITLE_MAX - len, tail, strlen(tail));
		}
	}
	if (kind)
		snprintf(kind, ORGUNIT_NAME_MAX + 1, "%s", own);
	if (kind_level)
		*kind_level = own_level;
	return 0;
}

/* Most units of one name checked against each other (Henan has about 100
 * 城关镇); past this the code is added without looking further. */
#define TITLE_SAME_NAME_MAX 1000

int orgunit_title(struct db *db, const char *code, char *name, size_t n, const char **scope,
		  struct error *err)
{
	struct orgunit_info u, v;
	sqlite3_stmt *st = NULL;
	char mine[ORGUNIT_TITLE_MAX], other[ORGUNIT_TITLE_MAX], kind[ORGUNIT_NAME_MAX + 1];
	char codes[TITLE_SAME_NAME_MAX][ORGUNIT_CODE_MAX + 1];
	int64_t roots;
	int ret, rc, kind_level, k = 0, i;
	bool same = false;

	if ((ret = orgunit_find(db, code, &u, err)))
		return ret;
	if ((ret = db_int(db, "SELECT COUNT(*) FROM orgunit WHERE parent_id IS NULL", &roots, err)))
		return ret;
	if ((ret = title_base(db, &u, roots > 1, mine, kind, &kind_level, err)))
		return ret;
	if (scope)
		*scope = orgunit_scope(kind_level, kind);
	if (mine[0] && n) {
		/* another unit of the same own name that would read the same */
		if (db_prepare(
			db, "SELECT code FROM orgunit WHERE name = ? AND code <> ? ORDER BY code",
			&st, err))
			return ERR_IO;
		sqlite3_bind_text(st, 1, u.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, u.code, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < TITLE_SAME_NAME_MAX)
			copy_col(codes[k++], sizeof(codes[0]), st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(db, err, "查询组织机构");
		same = rc == SQLITE_ROW; /* too many to look at */
		for (i = 0; i < k && !same; i++) {
			if ((ret = orgunit_find(db, codes[i], &v, err)) ||
			    (ret = title_base(db, &v, roots > 1, other, NULL, NULL, err)))
				return ret;
			same = strcmp(mine, other) == 0;
		}
	}
	if (n == 0)
		return 0;
	if (same) {
		size_t len;

		/* the code after the name, kept whole: the name gives way */
		snprintf(other, sizeof(other), "（%s）", u.code);
		len = strlen(other);
		copy_utf8(name, n > len ? n - len : 1, mine, strlen(mine));
		snprintf(name + strlen(name), n - strlen(name), "%s", other);
	} else {
		copy_utf8(name, n, mine, strlen(mine));
	}
	return 0;
}
