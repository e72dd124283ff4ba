/*
 * programme.c - the programme list: import from CSV, load, look up
 * (programme.h, docs/subsidy-programmes.md).
 */
#include "subsidy/programme.h"

#include "base/csv.h"
#include "base/error.h"
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const freq_names[] = {
    NULL, "monthly", "quarterly", "yearly", "once",
};
static const char *const freq_labels[] = {
    NULL, "按月", "按季", "按年", "一次性",
};

const char *programme_frequency_name(enum programme_frequency f)
{
	return f >= FREQ_MONTHLY && f <= FREQ_ONCE ? freq_names[f] : "";
}

const char *programme_frequency_label(enum programme_frequency f)
{
	return f >= FREQ_MONTHLY && f <= FREQ_ONCE ? freq_labels[f] : "";
}

enum programme_frequency programme_frequency_parse(const char *s)
{
	int i;

	for (i = FREQ_MONTHLY; i <= FREQ_ONCE; i++)
		if (strcmp(s, freq_names[i]) == 0)
			return (enum programme_frequency)i;
	return 0;
}

bool programme_period_ok(enum programme_frequency f, enum period_type t)
{
	switch (f) {
	case FREQ_MONTHLY:
		return t == PERIOD_MONTH;
	case FREQ_QUARTERLY:
		return t == PERIOD_QUARTER;
	case FREQ_YEARLY:
	case FREQ_ONCE:
		return t == PERIOD_YEAR;
	}
	return false;
}

/* Digits only, no sign, value <= max. -1 when not such a number. */
static int64_t parse_count(const char *s, size_t len, int64_t max)
{
	int64_t v = 0;
	size_t i;

	if (len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

static bool code_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > PROGRAMME_CODE_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Text for a name or department: non-empty, bounded, no control bytes. */
static bool text_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 200)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Codes seen in one file (open addressing on an FNV-1a hash), so a code
 * given twice in the same file is an error instead of a silent overwrite. */
struct seen_codes {
	char (*slot)[PROGRAMME_CODE_MAX + 1];
	long *line;
	size_t cap, n;
};

static uint64_t code_hash(const char *s, size_t len)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	return h;
}

/* Returns the earlier line of code, 0 when new (then remembered), -1 on
 * memory failure. */
static long seen_add(struct seen_codes *t, const char *code, size_t len, long line)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64, j;
		char(*ns)[PROGRAMME_CODE_MAX + 1] = calloc(nc, sizeof(*ns));
		long *nl = calloc(nc, sizeof(*nl));

		if (!ns || !nl) {
			free(ns);
			free(nl);
			return -1;
		}
		for (j = 0; j < t->cap; j++) {
			if (!t->line[j])
				continue;
			i = code_hash(t->slot[j], strlen(t->slot[j])) & (nc - 1);
			while (nl[i])
				i = (i + 1) & (nc - 1);
			memcpy(ns[i], t->slot[j], sizeof(ns[i]));
			nl[i] = t->line[j];
		}
		free(t->slot);
		free(t->line);
		t->slot = ns;
		t->line = nl;
		t->cap = nc;
	}
	i = code_hash(code, len) & (t->cap - 1);
	while (t->line[i]) {
		if (strlen(t->slot[i]) == len && memcmp(t->slot[i], code, len) == 0)
			return t->line[i];
		i = (i + 1) & (t->cap - 1);
	}
	memcpy(t->slot[i], code, len);
	t->slot[i][len] = '\0';
	t->line[i] = line;
	t->n++;
	return 0;
}

struct rowerr {
	programme_reject_fn fn;
	void *ctx;
	const char *file;
	size_t n;
};

static void bad(struct rowerr *re, long line, long col, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void bad(struct rowerr *re, long line, long col, const char *reason, const char *fmt, ...)
{
	struct error e;
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(&e, ERR_INPUT, re->file, line, col, reason, fmt, ap);
	va_end(ap);
	re->n++;
	if (re->fn)
		re->fn(re->ctx, &e);
}

int programme_import(struct db *db, const char *path, const char *encoding,
		     programme_reject_fn reject, void *ctx, size_t *count, struct error *err)
{
	static const char *const header[] = {
	    "code", "name", "department", "frequency", "standard_fen", "min_age", "max_age",
	};
	struct csv_options opt = {.name = path, .encoding = encoding};
	struct rowerr re = {reject, ctx, path, 0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	sqlite3_stmt *up = NULL, *used = NULL;
	struct seen_codes seen = {0};
	long seq = 0, first;
	int rc;

	*count = 0;
	rc = csv_open_file(path, &opt, &r, err);
	if (rc)
		return rc;
	rc = csv_next(r, &rec, err);
	if (rc)
		goto out;
	if (rec.n == 0) {
		rc = error_at(err, ERR_INPUT, path, 1, 0, "文件为空，缺少表头");
		error_reason(err, "bad_header");
		goto out;
	}
	rc = csv_check_header(r, &rec, header, 7, err);
	if (rc)
		goto out;
	/* from the first data row on; a header of the wrong width is bad_header */
	csv_expect_fields(r, 7);
	rc = db_begin(db, err);
	if (rc)
		goto out;
	rc = ERR_IO;
	if (db_prepare(db,
		       "INSERT INTO programme(code, name, department, frequency,"
		       " standard_fen, min_age, max_age, seq)"
		       " VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
		       " ON CONFLICT(code) DO UPDATE SET name = excluded.name,"
		       " department = excluded.department,"
		       " frequency = excluded.frequency,"
		       " standard_fen = excluded.standard_fen,"
		       " min_age = excluded.min_age, max_age = excluded.max_age,"
		       " seq = excluded.seq",
		       &up, err) ||
	    db_prepare(db,
		       "SELECT p.frequency FROM programme p WHERE p.code = ?"
		       " AND EXISTS(SELECT 1 FROM entitlement n"
		       "            WHERE n.programme_id = p.id)",
		       &used, err))
		goto rollback;
	for (;;) {
		const char *const *f;
		const size_t *len;
		enum programme_frequency fr;
		int64_t std = 0, lo = -1, hi = -1;
		long line;

		rc = csv_next(r, &rec, err);
		if (rc) {
			/* an error of one row: report it, go on unless it ended
			 * the reading */
			bad(&re, err->line, err->column, err->reason, "%s", err->msg);
			if (csv_error_same_record(r))
				re.n--; /* the same row's ending error: listed, not counted again */
			if (rc == ERR_INPUT && !csv_ended(r)) {
				error_clear(err);
				continue;
			}
			break;
		}
		if (rec.n == 0)
			break;
		f = rec.field;
		len = rec.len;
		line = rec.line;
		(*count)++;
		seq++;
		if (!code_ok(f[0], len[0])) {
			bad(&re, line, 1, "bad_code",
			    "项目代码 '%s' 无效（应为 1 到 32 个字母、数字、- _ .）", f[0]);
			continue;
		}
		if (!text_ok(f[1], len[1])) {
			bad(&re, line, 2, "bad_name", "项目名称 '%s' 为空、过长或含控制字符", f[1]);
			continue;
		}
		if (!text_ok(f[2], len[2])) {
			bad(&re, line, 3, "bad_department", "主管部门 '%s' 为空、过长或含控制字符",
			    f[2]);
			continue;
		}
		fr = programme_frequency_parse(f[3]);
		if (!fr) {
			bad(&re, line, 4, "bad_frequency",
			    "发放频次 '%s' 无效（应为 monthly、quarterly、yearly 或 once）", f[3]);
			continue;
		}
		if (len[4] && (std = parse_count(f[4], len[4], (int64_t)1000000000000)) <= 0) {
			bad(&re, line, 5, "bad_standard",
			    "补贴标准 '%s' 无效（应为正整数分，或留空）", f[4]);
			continue;
		}
		if (len[5] && (lo = parse_count(f[5], len[5], 150)) < 0) {
			bad(&re, line, 6, "bad_age",
			    "最低年龄 '%s' 无效（应为 0 到 150 的整数，或留空）", f[5]);
			continue;
		}
		if (len[6] && (hi = parse_count(f[6], len[6], 150)) < 0) {
			bad(&re, line, 7, "bad_age",
			    "最高年龄 '%s' 无效（应为 0 到 150 的整数，或留空）", f[6]);
			continue;
		}
		if (lo >= 0 && hi >= 0 && lo > hi) {
			bad(&re, line, 7, "bad_age", "最高年龄 '%s' 小于最低年龄", f[6]);
			continue;
		}
		first = seen_add(&seen, f[0], len[0], line);
		if (first < 0) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto rollback;
		}
		if (first > 0) {
			bad(&re, line, 1, "duplicate_code", "项目代码 '%s' 与第 %ld 行重复", f[0],
			    first);
			continue;
		}
		sqlite3_bind_text(used, 1, f[0], (int)len[0], SQLITE_TRANSIENT);
		if (sqlite3_step(used) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(used, 0), freq_names[fr]) != 0) {
			sqlite3_reset(used);
			bad(&re, line, 4, "frequency_in_use",
			    "项目 '%s' 已有应发记录，不能更改发放频次", f[0]);
			continue;
		}
		sqlite3_reset(used);
		sqlite3_bind_text(up, 1, f[0], (int)len[0], SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, f[1], (int)len[1], SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 3, f[2], (int)len[2], SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 4, freq_names[fr], -1, SQLITE_STATIC);
		if (std > 0)
			sqlite3_bind_int64(up, 5, std);
		else
			sqlite3_bind_null(up, 5);
		if (lo >= 0)
			sqlite3_bind_int64(up, 6, lo);
		else
			sqlite3_bind_null(up, 6);
		if (hi >= 0)
			sqlite3_bind_int64(up, 7, hi);
		else
			sqlite3_bind_null(up, 7);
		sqlite3_bind_int64(up, 8, seq);
		if (sqlite3_step(up) != SQLITE_DONE) {
			rc = db_fail(db, err, "写入补贴项目");
			goto rollback;
		}
		sqlite3_reset(up);
	}
	if (err->code) {
		/* the reader stopped (I/O, encoding): nothing is written */
		if (err->code != ERR_INPUT) {
			rc = err->code;
			goto rollback;
		}
		error_clear(err);
	}
	if (re.n) {
		rc = error_set(err, ERR_INPUT, "%zu 行有错误，未导入任何项目", re.n);
		goto rollback;
	}
	sqlite3_finalize(up);
	sqlite3_finalize(used);
	up = used = NULL;
	rc = db_commit(db, err);
	if (rc)
		goto rollback;
	goto out;
rollback:
	sqlite3_finalize(up);
	sqlite3_finalize(used);
	db_rollback(db);
out:
	free(seen.slot);
	free(seen.line);
	csv_close(r);
	return rc;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return strdup(s ? s : "");
}

int programme_list_load(struct db *db, struct programme_list *out, struct error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step;

	out->p = NULL;
	out->n = 0;
	if (db_prepare(db,
		       "SELECT id, code, name, department, frequency,"
		       " standard_fen, min_age, max_age FROM programme"
		       " ORDER BY code",
		       &st, err))
		return ERR_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct programme *p;
		const char *code = (const char *)sqlite3_column_text(st, 1);

		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct programme *np = realloc(out->p, nc * sizeof(*np));

			if (!np)
				goto nomem;
			out->p = np;
			cap = nc;
		}
		p = &out->p[out->n];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(st, 0);
		snprintf(p->code, sizeof(p->code), "%s", code ? code : "");
		p->name = dup_col(st, 2);
		p->department = dup_col(st, 3);
		out->n++;
		if (!p->name || !p->department)
			goto nomem;
		p->frequency = programme_frequency_parse((const char *)sqlite3_column_text(st, 4));
		p->standard_fen =
		    sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 5);
		p->min_age =
		    sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
		p->max_age =
		    sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		programme_list_free(out);
		return db_fail(db, err, "读取补贴项目");
	}
	return 0;
nomem:
	sqlite3_finalize(st);
	programme_list_free(out);
	return error_set(err, ERR_NOMEM, "内存不足");
}

void programme_list_free(struct programme_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->p[i].name);
		free(l->p[i].department);
	}
	free(l->p);
	l->p = NULL;
	l->n = 0;
}

const struct programme *programme_list_find(const struct programme_list *l, const char *code,
					    size_t len)
{
	size_t lo = 0, hi = l->n;

	if (len > PROGRAMME_CODE_MAX || memchr(code, '\0', len))
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *c = l->p[mid].code;
		int cmp = strncmp(c, code, len);

		if (cmp == 0 && c[len] != '\0')
			cmp = 1;
		if (cmp == 0)
			return &l->p[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
