/*
 * values.c - data value import/export and the roll-up aggregates (see
 * values.h, rollup.h, docs/values.md).
 *
 * The import is built for tens of millions of rows. Codes are resolved
 * through hash maps loaded once (no per-row lookup query). Values are
 * stored one row per (data element, unit, year) with a column per period
 * (schema.c), so a row is read and written once per import however many of
 * its periods the file holds: each touched (data element, unit, year) is a
 * "cell" in memory holding the unit's own values (loaded from the database
 * first when the element had values before), rows only update cells, and at
 * the end the changed cells are written in key order, then the aggregates
 * of the touched units' ancestors are recomputed bottom-up from the cells
 * and from what the database holds, and written with one upsert each. A
 * fresh village-level year is 21 million values, 1.8 million cells and
 * about a hundred thousand aggregate rows.
 */
#include "tracker/values.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const values_header[VALUES_COLUMNS] = {
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
};

#define CODE_MAX 64
#define STOREDBY_MAX 255
#define LASTUPDATED_MAX 64
#define COMMENT_MAX 2000

static const int64_t pow10_tab[5] = {1, 10, 100, 1000, 10000};

struct decimal values_decimal(int64_t units4, int scale)
{
	struct decimal d;

	if (scale < 0 || scale > 4)
		scale = 4;
	d.units = units4 / pow10_tab[4 - scale];
	d.scale = scale;
	return d;
}

/* ---- pure row parsing ---- */

static int row_fail(struct error *err, const char *file, long line, long col, const char *reason,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int row_fail(struct error *err, const char *file, long line, long col, const char *reason,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(err, ERR_INPUT, file, line, col, reason, fmt, ap);
	va_end(ap);
	return ERR_INPUT;
}

/* Quote at most 40 bytes of a field in a message, cut on a character. */
static void quote(const char *s, char *out, size_t n)
{
	size_t len = strlen(s), cut = len < 40 ? len : 40;

	while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	snprintf(out, n, "%.*s%s", (int)cut, s, cut < len ? "…" : "");
}

int values_parse_header(const struct csv_record *rec, const char *file, size_t *ncols,
			struct error *err)
{
	size_t i;

	*ncols = 0;
	if (rec->n < 6 || rec->n > VALUES_COLUMNS) {
		error_at(err, ERR_INPUT, file, rec->line, 0,
			 "表头应为 %s,%s,%s,%s,%s,%s[,storedby,lastupdated,comment,followup]",
			 values_header[0], values_header[1], values_header[2], values_header[3],
			 values_header[4], values_header[5]);
		error_reason(err, "bad_header");
		return ERR_INPUT;
	}
	for (i = 0; i < rec->n; i++) {
		if (strcmp(rec->field[i], values_header[i]) != 0) {
			char q[64];

			quote(rec->field[i], q, sizeof(q));
			error_at(err, ERR_INPUT, file, rec->line, (long)i + 1,
				 "表头第 %zu 列应为 '%s'，实为 '%s'", i + 1, values_header[i], q);
			error_reason(err, "bad_header");
			return ERR_INPUT;
		}
	}
	*ncols = rec->n;
	return 0;
}

static bool combo_ok(const char *s)
{
	return s[0] == '\0' || strcmp(s, "default") == 0 || strcmp(s, "HllvX50cXC0") == 0;
}

int values_parse_row(const struct csv_record *rec, size_t ncols, const char *file,
		     struct values_row *row, struct error *err)
{
	struct error perr;
	char q[64];
	const char *f;
	size_t len;

	row->dataelement = row->orgunit = "";
	row->node = -1;
	row->storedby = row->lastupdated = row->comment = row->followup = "";
	if (rec->n != ncols) {
		error_at(err, ERR_INPUT, file, rec->line,
			 (long)(rec->n < ncols ? rec->n + 1 : ncols + 1),
			 "有 %zu 个字段，应为 %zu 个", rec->n, ncols);
		error_reason(err, "field_count");
		return ERR_INPUT;
	}
	/* dataelement */
	f = rec->field[0];
	len = rec->len[0];
	if (len == 0)
		return row_fail(err, file, rec->line, 1, "empty_field", "缺少数据元代码");
	if (len > CODE_MAX) {
		quote(f, q, sizeof(q));
		return row_fail(err, file, rec->line, 1, "field_too_long", "数据元代码过长 '%s'",
				q);
	}
	row->dataelement = f;
	/* period (perr is filled only on failure) */
	if (period_parse(rec->field[1], rec->len[1], &row->period, &perr)) {
		error_at(err, ERR_INPUT, file, rec->line, 2, "%s", perr.msg);
		error_reason(err, "bad_period");
		return ERR_INPUT;
	}
	row->node = rollup_node(&row->period);
	if (row->node < 0) {
		quote(rec->field[1], q, sizeof(q));
		return row_fail(err, file, rec->line, 2, "unsupported_period",
				"不支持的周期 '%s'（数据值只接受年、半年、季、月）", q);
	}
	/* orgunit */
	f = rec->field[2];
	len = rec->len[2];
	if (len == 0)
		return row_fail(err, file, rec->line, 3, "empty_field", "缺少单位代码");
	if (len > CODE_MAX) {
		quote(f, q, sizeof(q));
		return row_fail(err, file, rec->line, 3, "field_too_long", "单位代码过长 '%s'", q);
	}
	row->orgunit = f;
	/* combos: only the default combination is supported */
	if (!combo_ok(rec->field[3])) {
		quote(rec->field[3], q, sizeof(q));
		return row_fail(err, file, rec->line, 4, "bad_combo",
				"不支持的分类选项组合 '%s'（只接受空或 default）", q);
	}
	if (!combo_ok(rec->field[4])) {
		quote(rec->field[4], q, sizeof(q));
		return row_fail(err, file, rec->line, 5, "bad_combo",
				"不支持的属性选项组合 '%s'（只接受空或 default）", q);
	}
	/* value */
	if (rec->len[5] == 0)
		return row_fail(err, file, rec->line, 6, "empty_field", "缺少数值");
	if (decimal_parse(rec->field[5], rec->len[5], &row->value, &perr)) {
		quote(rec->field[5], q, sizeof(q));
		return row_fail(err, file, rec->line, 6, "bad_value", "数值无效 '%s'", q);
	}
	if (row->value.scale > VALUES_MAX_SCALE) {
		quote(rec->field[5], q, sizeof(q));
		return row_fail(err, file, rec->line, 6, "too_precise",
				"数值 '%s' 的小数位数超过 4 位", q);
	}
	{
		int64_t u;

		if (__builtin_mul_overflow(row->value.units,
					   pow10_tab[VALUES_MAX_SCALE - row->value.scale], &u)) {
			quote(rec->field[5], q, sizeof(q));
			return row_fail(err, file, rec->line, 6, "bad_value", "数值 '%s' 超出范围",
					q);
		}
	}
	if (ncols > 6) {
		if (rec->len[6] > STOREDBY_MAX)
			return row_fail(err, file, rec->line, 7, "field_too_long", "storedby 过长");
		row->storedby = rec->field[6];
	}
	if (ncols > 7) {
		if (rec->len[7] > LASTUPDATED_MAX)
			return row_fail(err, file, rec->line, 8, "field_too_long",
					"lastupdated 过长");
		row->lastupdated = rec->field[7];
	}
	if (ncols > 8) {
		if (rec->len[8] > COMMENT_MAX)
			return row_fail(err, file, rec->line, 9, "field_too_long", "comment 过长");
		row->comment = rec->field[8];
	}
	if (ncols > 9) {
		f = rec->field[9];
		if (f[0] && strcmp(f, "true") != 0 && strcmp(f, "false") != 0) {
			quote(f, q, sizeof(q));
			return row_fail(err, file, rec->line, 10, "bad_followup",
					"followup 应为 true 或 false，实为 '%s'", q);
		}
		row->followup = f;
	}
	return 0;
}

/* ---- hash maps ---- */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* Code -> index; the codes themselves live in the caller's array. */
struct strmap {
	int32_t *slot; /* -1 empty */
	size_t mask;
	char *const *keys;
};

static int strmap_init(struct strmap *m, char *const *keys, size_t n)
{
	size_t cap = 16, i;

	while (cap < n * 2 + 1)
		cap <<= 1;
	m->slot = malloc(cap * sizeof(*m->slot));
	if (!m->slot)
		return ERR_NOMEM;
	memset(m->slot, 0xff, cap * sizeof(*m->slot));
	m->mask = cap - 1;
	m->keys = keys;
	for (i = 0; i < n; i++) {
		size_t h = (size_t)hash_bytes(keys[i], strlen(keys[i])) & m->mask;

		while (m->slot[h] >= 0)
			h = (h + 1) & m->mask;
		m->slot[h] = (int32_t)i;
	}
	return 0;
}

static int32_t strmap_get(const struct strmap *m, const char *s)
{
	size_t h = (size_t)hash_bytes(s, strlen(s)) & m->mask;

	while (m->slot[h] >= 0) {
		if (strcmp(m->keys[m->slot[h]], s) == 0)
			return m->slot[h];
		h = (h + 1) & m->mask;
	}
	return -1;
}

/* Packed key -> index, growing. */
struct keymap {
	uint64_t *key; /* UINT64_MAX empty */
	uint32_t *val;
	size_t mask, n;
};

static int keymap_init(struct keymap *m, size_t cap)
{
	size_t c = 1024;

	while (c < cap)
		c <<= 1;
	m->key = malloc(c * sizeof(*m->key));
	m->val = malloc(c * sizeof(*m->val));
	if (!m->key || !m->val)
		return ERR_NOMEM;
	memset(m->key, 0xff, c * sizeof(*m->key));
	m->mask = c - 1;
	m->n = 0;
	return 0;
}

static void keymap_free(struct keymap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static uint32_t *keymap_find(const struct keymap *m, uint64_t k)
{
	size_t h = (size_t)hash_u64(k) & m->mask;

	while (m->key[h] != UINT64_MAX) {
		if (m->key[h] == k)
			return &m->val[h];
		h = (h + 1) & m->mask;
	}
	return NULL;
}

static int keymap_put(struct keymap *m, uint64_t k, uint32_t v)
{
	size_t h;

	if ((m->n + 1) * 2 > m->mask + 1) {
		struct keymap bigger;
		size_t i;

		if (keymap_init(&bigger, (m->mask + 1) * 2)) {
			keymap_free(&bigger);
			return ERR_NOMEM;
		}
		for (i = 0; i <= m->mask; i++)
			if (m->key[i] != UINT64_MAX)
				keymap_put(&bigger, m->key[i], m->val[i]);
		keymap_free(m);
		*m = bigger;
	}
	h = (size_t)hash_u64(k) & m->mask;
	while (m->key[h] != UINT64_MAX)
		h = (h + 1) & m->mask;
	m->key[h] = k;
	m->val[h] = v;
	m->n++;
	return 0;
}

/* ---- the import state ---- */

/*
 * A formula rate's own code in a year (and read by no indicator of that
 * year as a numerator or denominator): the report computes the rate from
 * the numerator and denominator, so a value for the code itself would be
 * stored and never read.
 */
struct formula {
	uint32_t de;
	int year;
	char *num, *den; /* the codes to report instead */
};

/* A touched (data element, unit, year): the unit's own values. */
struct cell {
	uint32_t de;   /* index into the data element arrays */
	uint32_t unit; /* index into the unit arrays */
	int16_t year;
	uint8_t dirty; /* a value was added or changed */
	uint8_t scale[ROLLUP_NODES];
	struct rollup_own own;
};

/* A recomputed ancestor (data element, unit, year). */
struct anc {
	uint32_t de, unit;
	int32_t year;
	int32_t depth;
	struct rollup_agg agg;
};

#define CHUNK 65536

struct imp {
	struct db *db;
	const struct values_import_opts *o;
	struct values_import_stats *st;
	const char *file;
	char who[STOREDBY_MAX + 1];
	char now[32];
	int first_err;
	struct error first;

	/* units, by dense index */
	size_t n_units;
	int64_t *u_id;
	int32_t *u_parent, *u_child, *u_next, *u_depth;
	char **u_code;
	struct strmap u_map;

	/* data elements */
	size_t n_de;
	int64_t *de_id;
	char **de_code;
	unsigned char *de_count, *de_had;
	uint32_t *de_last; /* index of the element's last touched cell */
	struct strmap de_map;
	/* formula rates' own codes: values for them are never read */
	unsigned char *de_formula; /* the element is one in some year */
	struct formula *fm;
	size_t n_fm;

	/* touched cells */
	struct keymap cell_map;
	struct cell **chunks;
	size_t n_cells, n_chunks;

	sqlite3_stmt *own, *aud, *meta, *unmeta, *put;
	struct values_reader *reader;
};

struct values_reader {
	struct db *db;
	sqlite3_stmt *roll, *own;
};

static uint64_t pack(uint32_t de, uint32_t unit, int year)
{
	return ((uint64_t)de << 40) | ((uint64_t)unit << 14) | (uint64_t)(year - 1900);
}

static struct cell *cell_at(struct imp *im, size_t i)
{
	return &im->chunks[i / CHUNK][i % CHUNK];
}

/* Exact text of units4 (value times 10^4) with scale fraction digits. */
static size_t fmt_value(int64_t units4, int scale, char *out)
{
	struct decimal d = values_decimal(units4, scale);
	uint64_t mag = d.units < 0 ? -(uint64_t)d.units : (uint64_t)d.units;
	char tmp[32];
	size_t k = 0, n = 0;

	do {
		tmp[k++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag || k <= (size_t)scale);
	if (d.units < 0)
		out[n++] = '-';
	while (k > 0) {
		if (k == (size_t)scale)
			out[n++] = '.';
		out[n++] = tmp[--k];
	}
	out[n] = '\0';
	return n;
}

static int load_units(struct imp *im, struct error *err)
{
	sqlite3_stmt *st = NULL;
	struct keymap idmap = {0};
	int64_t *parent_id = NULL, n;
	size_t i = 0, k;
	int rc = ERR_IO;

	if (db_int(im->db, "SELECT count(*) FROM orgunit", &n, err))
		return ERR_IO;
	if (n >= (1 << 26))
		return error_set(err, ERR_IO, "单位过多（%lld）", (long long)n);
	im->n_units = (size_t)n;
	k = im->n_units ? im->n_units : 1;
	im->u_id = calloc(k, sizeof(*im->u_id));
	im->u_parent = calloc(k, sizeof(int32_t));
	im->u_child = calloc(k, sizeof(int32_t));
	im->u_next = calloc(k, sizeof(int32_t));
	im->u_depth = calloc(k, sizeof(int32_t));
	im->u_code = calloc(k, sizeof(char *));
	parent_id = calloc(k, sizeof(*parent_id));
	if (!im->u_id || !im->u_parent || !im->u_child || !im->u_next || !im->u_depth ||
	    !im->u_code || !parent_id || keymap_init(&idmap, k * 2)) {
		rc = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	if (db_prepare(im->db, "SELECT id, code, coalesce(parent_id, 0) FROM orgunit ORDER BY id",
		       &st, err))
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && i < im->n_units) {
		im->u_id[i] = sqlite3_column_int64(st, 0);
		im->u_code[i] = strdup((const char *)sqlite3_column_text(st, 1));
		parent_id[i] = sqlite3_column_int64(st, 2);
		if (!im->u_code[i] || keymap_put(&idmap, (uint64_t)im->u_id[i], (uint32_t)i)) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
		i++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = db_fail(im->db, err, "读取单位");
		goto out;
	}
	im->n_units = i;
	for (i = 0; i < im->n_units; i++) {
		im->u_child[i] = -1;
		im->u_next[i] = -1;
		im->u_parent[i] = -1;
	}
	/* Children lists, kept in id order (prepend while walking backwards). */
	for (i = im->n_units; i-- > 0;) {
		uint32_t *p = parent_id[i] ? keymap_find(&idmap, (uint64_t)parent_id[i]) : NULL;

		if (p) {
			im->u_parent[i] = (int32_t)*p;
			im->u_next[i] = im->u_child[*p];
			im->u_child[*p] = (int32_t)i;
		}
	}
	for (i = 0; i < im->n_units; i++) {
		int32_t d = 0, u = im->u_parent[i];

		while (u >= 0 && d < 64) {
			d++;
			u = im->u_parent[u];
		}
		if (d >= 64) {
			rc = error_set(err, ERR_IO, "单位 '%s' 的上级关系成环", im->u_code[i]);
			goto out;
		}
		im->u_depth[i] = d;
	}
	if (strmap_init(&im->u_map, im->u_code, im->n_units)) {
		rc = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	keymap_free(&idmap);
	free(parent_id);
	return rc;
}

static int load_formulas(struct imp *im, struct error *err);

static int load_des(struct imp *im, struct error *err)
{
	sqlite3_stmt *st = NULL, *cnt = NULL, *had = NULL;
	int64_t n;
	size_t i = 0, k;
	int rc = ERR_IO;

	if (db_int(im->db, "SELECT count(*) FROM dataelement", &n, err))
		return ERR_IO;
	if (n >= (1 << 23))
		return error_set(err, ERR_IO, "数据元过多");
	im->n_de = (size_t)n;
	k = im->n_de ? im->n_de : 1;
	im->de_id = calloc(k, sizeof(*im->de_id));
	im->de_code = calloc(k, sizeof(char *));
	im->de_count = calloc(k, 1);
	im->de_had = calloc(k, 1);
	im->de_last = malloc(k * sizeof(*im->de_last));
	if (!im->de_id || !im->de_code || !im->de_count || !im->de_had || !im->de_last)
		return error_set(err, ERR_NOMEM, "内存不足");
	for (i = 0; i < k; i++)
		im->de_last[i] = UINT32_MAX;
	i = 0;
	if (db_prepare(im->db, "SELECT id, code FROM dataelement ORDER BY id", &st, err) ||
	    db_prepare(im->db,
		       "SELECT EXISTS(SELECT 1 FROM indicator WHERE"
		       " (de_id = ?1 AND kind = 'count') OR numerator_id = ?1"
		       " OR denominator_id = ?1)",
		       &cnt, err) ||
	    db_prepare(im->db, "SELECT EXISTS(SELECT 1 FROM datavalue WHERE de_id = ?)", &had, err))
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && i < im->n_de) {
		im->de_id[i] = sqlite3_column_int64(st, 0);
		im->de_code[i] = strdup((const char *)sqlite3_column_text(st, 1));
		if (!im->de_code[i]) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
		sqlite3_bind_int64(cnt, 1, im->de_id[i]);
		if (sqlite3_step(cnt) == SQLITE_ROW)
			im->de_count[i] = (unsigned char)sqlite3_column_int(cnt, 0);
		sqlite3_reset(cnt);
		sqlite3_bind_int64(had, 1, im->de_id[i]);
		if (sqlite3_step(had) == SQLITE_ROW)
			im->de_had[i] = (unsigned char)sqlite3_column_int(had, 0);
		sqlite3_reset(had);
		i++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = db_fail(im->db, err, "读取数据元");
		goto out;
	}
	im->n_de = i;
	if (strmap_init(&im->de_map, im->de_code, im->n_de)) {
		rc = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	rc = load_formulas(im, err);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	sqlite3_finalize(had);
	return rc;
}

/* The index of data element id (im->de_id is in id order), or -1. */
static int32_t de_index(const struct imp *im, int64_t id)
{
	size_t lo = 0, hi = im->n_de;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (im->de_id[mid] == id)
			return (int32_t)mid;
		if (im->de_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int load_formulas(struct imp *im, struct error *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	im->de_formula = calloc(im->n_de ? im->n_de : 1, 1);
	if (!im->de_formula)
		return error_set(err, ERR_NOMEM, "内存不足");
	if (db_prepare(im->db,
		       "SELECT i.de_id, i.year, n.code, d.code FROM indicator i"
		       " JOIN dataelement n ON n.id = i.numerator_id"
		       " JOIN dataelement d ON d.id = i.denominator_id"
		       " WHERE NOT EXISTS(SELECT 1 FROM indicator j WHERE j.year = i.year"
		       " AND (j.numerator_id = i.de_id OR j.denominator_id = i.de_id))",
		       &st, err))
		return ERR_IO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int32_t de = de_index(im, sqlite3_column_int64(st, 0));
		struct formula *f;

		if (de < 0)
			continue;
		if (im->n_fm == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct formula *nf = realloc(im->fm, nc * sizeof(*nf));

			if (!nf) {
				rc = error_set(err, ERR_NOMEM, "内存不足");
				goto out;
			}
			im->fm = nf;
			cap = nc;
		}
		f = &im->fm[im->n_fm];
		f->de = (uint32_t)de;
		f->year = sqlite3_column_int(st, 1);
		f->num = strdup((const char *)sqlite3_column_text(st, 2));
		f->den = strdup((const char *)sqlite3_column_text(st, 3));
		im->n_fm++;
		if (!f->num || !f->den) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
		im->de_formula[de] = 1;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail(im->db, err, "读取指标");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The formula whose own code de is in year, or NULL. */
static const struct formula *formula_of(const struct imp *im, uint32_t de, int year)
{
	size_t i;

	if (!im->de_formula[de])
		return NULL;
	for (i = 0; i < im->n_fm; i++)
		if (im->fm[i].de == de && im->fm[i].year == year)
			return &im->fm[i];
	return NULL;
}

#define OWN_SQL                                                                                    \
	"SELECT y, s1, s2, q1, q2, q3, q4, m1, m2, m3, m4, m5, m6, m7, m8, m9,"                    \
	" m10, m11, m12 FROM datavalue WHERE de_id = ? AND orgunit_id = ? AND year = ?"

/* The 19 value columns of a datavalue row from column col0 of st. */
static int own_columns(sqlite3_stmt *st, int col0, int64_t de_id, int64_t ou_id, int year,
		       struct rollup_own *own, uint8_t *scale, struct error *err)
{
	int i;

	rollup_own_clear(own);
	for (i = 0; i < ROLLUP_NODES; i++) {
		const char *t = (const char *)sqlite3_column_text(st, col0 + i);
		struct decimal d;
		struct error e;

		if (!t)
			continue;
		if (decimal_parse(t, strlen(t), &d, &e) || d.scale > VALUES_MAX_SCALE ||
		    __builtin_mul_overflow(d.units, pow10_tab[VALUES_MAX_SCALE - d.scale],
					   &own->v[i]))
			return error_set(
			    err, ERR_IO,
			    "数据库中的数值无效 '%.40s'（数据元 %lld，单位 %lld，%d 年）", t,
			    (long long)de_id, (long long)ou_id, year);
		own->present |= 1u << i;
		if (scale)
			scale[i] = (uint8_t)d.scale;
	}
	return 0;
}

/*
 * A unit's own values of one data element in one year, from the database
 * (scale may be NULL). Values the program did not write are refused.
 */
static int read_own(struct db *db, sqlite3_stmt *st, int64_t de_id, int64_t ou_id, int year,
		    struct rollup_own *own, uint8_t *scale, struct error *err)
{
	int rc;

	rollup_own_clear(own);
	sqlite3_bind_int64(st, 1, de_id);
	sqlite3_bind_int64(st, 2, ou_id);
	sqlite3_bind_int(st, 3, year);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (own_columns(st, 0, de_id, ou_id, year, own, scale, err)) {
			sqlite3_reset(st);
			return ERR_IO;
		}
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, err, "读取数据值");
	return 0;
}

static const char *const rollup_cols =
    "y, s1, s2, q1, q2, q3, q4, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10,"
    " m11, m12, last1, last2, last3, last4, last5, last6, last7, last8,"
    " last9, last10, last11, last12";

int values_reader_open(struct db *db, struct values_reader **out, struct error *err)
{
	struct values_reader *r;
	struct buf sql;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return error_set(err, ERR_NOMEM, "内存不足");
	r->db = db;
	buf_init(&sql, 4096);
	buf_printf(
	    &sql, "SELECT %s FROM datavalue_rollup WHERE de_id = ? AND orgunit_id = ? AND year = ?",
	    rollup_cols);
	rc = db_prepare(db, buf_str(&sql), &r->roll, err);
	buf_free(&sql);
	if (!rc)
		rc = db_prepare(db, OWN_SQL, &r->own, err);
	if (rc) {
		values_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

void values_reader_close(struct values_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->roll);
	sqlite3_finalize(r->own);
	free(r);
}

/* A stored roll-up row (the rollup_cols) from column col0 of st. */
static void agg_columns(sqlite3_stmt *st, int col0, struct rollup_agg *out)
{
	int i;

	rollup_agg_clear(out);
	for (i = 0; i < ROLLUP_NODES + ROLLUP_MONTHS; i++) {
		if (sqlite3_column_type(st, col0 + i) == SQLITE_NULL)
			continue;
		if (i < ROLLUP_NODES) {
			out->sum[i] = sqlite3_column_int64(st, col0 + i);
			out->sum_present |= 1u << i;
		} else {
			out->last[i - ROLLUP_NODES] = sqlite3_column_int64(st, col0 + i);
			out->last_present |= 1u << (i - ROLLUP_NODES);
		}
	}
}

int values_reader_agg(struct values_reader *r, int64_t de_id, int64_t ou_id, int year,
		      bool own_only, struct rollup_agg *out, struct error *err)
{
	struct rollup_own own;
	int rc;

	rollup_agg_clear(out);
	if (!own_only) {
		sqlite3_bind_int64(r->roll, 1, de_id);
		sqlite3_bind_int64(r->roll, 2, ou_id);
		sqlite3_bind_int(r->roll, 3, year);
		rc = sqlite3_step(r->roll);
		if (rc == SQLITE_ROW) {
			agg_columns(r->roll, 0, out);
			sqlite3_reset(r->roll);
			return 0;
		}
		sqlite3_reset(r->roll);
		if (rc != SQLITE_DONE)
			return db_fail(r->db, err, "读取汇总");
	}
	if (read_own(r->db, r->own, de_id, ou_id, year, &own, NULL, err))
		return err ? err->code : ERR_IO;
	if (rollup_compute(&own, NULL, out))
		return error_set(err, ERR_INPUT, "汇总超出数值范围");
	return 0;
}

/* ---- import rows into cells ---- */

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s && s[0])
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int cell_get(struct imp *im, uint32_t de, uint32_t unit, int year, struct cell **out,
		    struct error *err)
{
	uint64_t k = pack(de, unit, year);
	uint32_t *v;
	struct cell *c;

	/* Rows of one cell tend to come together (by unit, or by element):
	 * the element's last cell saves most hash probes. */
	if (im->de_last[de] < im->n_cells) {
		c = cell_at(im, im->de_last[de]);
		if (c->unit == unit && c->year == year) {
			*out = c;
			return 0;
		}
	}
	v = keymap_find(&im->cell_map, k);
	if (v) {
		im->de_last[de] = *v;
		*out = cell_at(im, *v);
		return 0;
	}
	if (im->n_cells == im->n_chunks * CHUNK) {
		struct cell **nc = realloc(im->chunks, (im->n_chunks + 1) * sizeof(*nc));

		if (!nc)
			return error_set(err, ERR_NOMEM, "内存不足");
		im->chunks = nc;
		nc[im->n_chunks] = malloc(CHUNK * sizeof(struct cell));
		if (!nc[im->n_chunks])
			return error_set(err, ERR_NOMEM, "内存不足");
		im->n_chunks++;
	}
	if (im->n_cells >= UINT32_MAX)
		return error_set(err, ERR_NOMEM, "内存不足");
	c = cell_at(im, im->n_cells);
	memset(c, 0, sizeof(*c));
	c->de = de;
	c->unit = unit;
	c->year = (int16_t)year;
	if (keymap_put(&im->cell_map, k, (uint32_t)im->n_cells))
		return error_set(err, ERR_NOMEM, "内存不足");
	im->de_last[de] = (uint32_t)im->n_cells;
	im->n_cells++;
	/* The values stored before this import are the starting point. */
	if (im->de_had[de] &&
	    read_own(im->db, im->own, im->de_id[de], im->u_id[unit], year, &c->own, c->scale, err))
		return err->code ? err->code : ERR_IO;
	*out = c;
	return 0;
}

static bool has_meta(const struct values_row *row)
{
	return row->storedby[0] || row->lastupdated[0] || row->comment[0] || row->followup[0];
}

static int step_done(struct imp *im, sqlite3_stmt *st, const char *what, struct error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, err, what);
	return 0;
}

static int write_row(struct imp *im, const struct values_row *row, uint32_t de, uint32_t unit,
		     struct error *err)
{
	int64_t units = row->value.units * pow10_tab[VALUES_MAX_SCALE - row->value.scale];
	uint32_t bit = 1u << row->node;
	char ptext[PERIOD_STRLEN];
	bool replacing;
	struct cell *c = NULL;
	int rc;

	if ((rc = cell_get(im, de, unit, row->period.year, &c, err)))
		return rc;
	replacing = (c->own.present & bit) != 0;
	if (replacing && c->own.v[row->node] == units && c->scale[row->node] == row->value.scale) {
		im->st->unchanged++;
		return 0;
	}
	if (replacing || has_meta(row))
		period_format(&row->period, ptext, sizeof(ptext));
	if (replacing) {
		char oldt[32], newt[32];

		fmt_value(c->own.v[row->node], c->scale[row->node], oldt);
		fmt_value(units, row->value.scale, newt);
		sqlite3_bind_int64(im->aud, 1, im->de_id[de]);
		sqlite3_bind_int64(im->aud, 2, im->u_id[unit]);
		sqlite3_bind_text(im->aud, 3, ptext, -1, SQLITE_STATIC);
		sqlite3_bind_text(im->aud, 4, oldt, -1, SQLITE_STATIC);
		sqlite3_bind_text(im->aud, 5, newt, -1, SQLITE_STATIC);
		sqlite3_bind_text(im->aud, 6, row->storedby[0] ? row->storedby : im->who, -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(im->aud, 7, im->now, -1, SQLITE_STATIC);
		if ((rc = step_done(im, im->aud, "写入审计记录", err)))
			return rc;
		im->st->replaced++;
		if (!has_meta(row)) {
			/* the old value's storedby etc. do not describe the new one */
			sqlite3_bind_int64(im->unmeta, 1, im->de_id[de]);
			sqlite3_bind_int64(im->unmeta, 2, im->u_id[unit]);
			sqlite3_bind_text(im->unmeta, 3, ptext, -1, SQLITE_STATIC);
			if ((rc = step_done(im, im->unmeta, "更新数据值附注", err)))
				return rc;
		}
	} else {
		im->st->inserted++;
	}
	if (has_meta(row)) {
		sqlite3_bind_int64(im->meta, 1, im->de_id[de]);
		sqlite3_bind_int64(im->meta, 2, im->u_id[unit]);
		sqlite3_bind_text(im->meta, 3, ptext, -1, SQLITE_STATIC);
		bind_opt(im->meta, 4, row->storedby);
		bind_opt(im->meta, 5, row->lastupdated);
		bind_opt(im->meta, 6, row->comment);
		bind_opt(im->meta, 7, row->followup);
		if ((rc = step_done(im, im->meta, "写入数据值附注", err)))
			return rc;
	}
	c->own.v[row->node] = units;
	c->own.present |= bit;
	c->scale[row->node] = (uint8_t)row->value.scale;
	c->dirty = 1;
	return 0;
}

/* ---- writing cells ---- */

static int cmp_cell(const void *pa, const void *pb, void *ctx)
{
	struct imp *im = ctx;
	const struct cell *a = cell_at(im, *(const uint32_t *)pa);
	const struct cell *b = cell_at(im, *(const uint32_t *)pb);
	int64_t x, y;

	x = im->de_id[a->de];
	y = im->de_id[b->de];
	if (x != y)
		return x < y ? -1 : 1;
	x = im->u_id[a->unit];
	y = im->u_id[b->unit];
	if (x != y)
		return x < y ? -1 : 1;
	return a->year < b->year ? -1 : a->year > b->year;
}

/* Build "INSERT ... ON CONFLICT(key) DO UPDATE SET c = excluded.c, ..." */
static int upsert_sql(struct buf *sql, const char *table, const char *cols, int ncols)
{
	const char *p = cols;
	int i;

	buf_printf(sql, "INSERT INTO %s(de_id, orgunit_id, year, %s) VALUES(?, ?, ?", table, cols);
	for (i = 0; i < ncols; i++)
		buf_adds(sql, ", ?");
	buf_adds(sql, ") ON CONFLICT(de_id, orgunit_id, year) DO UPDATE SET ");
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		buf_printf(sql, "%s%.*s = excluded.%.*s", p == cols ? "" : ", ", (int)len, p,
			   (int)len, p);
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return sql->len && sql->len < sql->max ? 0 : ERR_INTERNAL;
}

static int write_cells(struct imp *im, struct error *err)
{
	sqlite3_stmt *st = NULL;
	uint32_t *order = NULL;
	size_t n = 0, i;
	struct buf sql;
	int rc;

	buf_init(&sql, 8192);
	rc = upsert_sql(&sql, "datavalue",
			"y, s1, s2, q1, q2, q3, q4, m1, m2, m3, m4, m5, m6, m7, m8,"
			" m9, m10, m11, m12",
			ROLLUP_NODES);
	if (!rc)
		rc = db_prepare(im->db, buf_str(&sql), &st, err);
	buf_free(&sql);
	if (rc)
		return rc == ERR_INTERNAL ? error_set(err, ERR_INTERNAL, "内部错误") : rc;
	order = malloc((im->n_cells ? im->n_cells : 1) * sizeof(*order));
	if (!order) {
		sqlite3_finalize(st);
		return error_set(err, ERR_NOMEM, "内存不足");
	}
	for (i = 0; i < im->n_cells; i++)
		if (cell_at(im, i)->dirty)
			order[n++] = (uint32_t)i;
	/* Key order: the B-tree is appended to, not scattered over. */
	qsort_r(order, n, sizeof(*order), cmp_cell, im);
	for (i = 0; i < n && !rc; i++) {
		const struct cell *c = cell_at(im, order[i]);
		char text[ROLLUP_NODES][32];
		int k;

		sqlite3_bind_int64(st, 1, im->de_id[c->de]);
		sqlite3_bind_int64(st, 2, im->u_id[c->unit]);
		sqlite3_bind_int(st, 3, c->year);
		for (k = 0; k < ROLLUP_NODES; k++) {
			if (c->own.present & (1u << k)) {
				size_t len = fmt_value(c->own.v[k], c->scale[k], text[k]);

				sqlite3_bind_text(st, 4 + k, text[k], (int)len, SQLITE_STATIC);
			} else {
				sqlite3_bind_null(st, 4 + k);
			}
		}
		rc = step_done(im, st, "写入数据值", err);
	}
	sqlite3_finalize(st);
	free(order);
	return rc;
}

/* ---- recomputing the aggregates ---- */

static int cmp_anc(const void *a, const void *b)
{
	const struct anc *x = a, *y = b;

	/* Deepest first, so children are done before their parents. */
	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	if (x->de != y->de)
		return x->de < y->de ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return x->year < y->year ? -1 : x->year > y->year;
}

/* Upsert a's aggregate as that of data element de_id. */
static int put_agg_id(struct imp *im, int64_t de_id, const struct anc *a, struct error *err)
{
	int i;

	sqlite3_bind_int64(im->put, 1, de_id);
	sqlite3_bind_int64(im->put, 2, im->u_id[a->unit]);
	sqlite3_bind_int(im->put, 3, a->year);
	for (i = 0; i < ROLLUP_NODES; i++) {
		if (a->agg.sum_present & (1u << i))
			sqlite3_bind_int64(im->put, 4 + i, a->agg.sum[i]);
		else
			sqlite3_bind_null(im->put, 4 + i);
	}
	for (i = 0; i < ROLLUP_MONTHS; i++) {
		if (a->agg.last_present & (1u << i))
			sqlite3_bind_int64(im->put, 4 + ROLLUP_NODES + i, a->agg.last[i]);
		else
			sqlite3_bind_null(im->put, 4 + ROLLUP_NODES + i);
	}
	return step_done(im, im->put, "写入汇总", err);
}

static int put_agg(struct imp *im, const struct anc *a, struct error *err)
{
	return put_agg_id(im, im->de_id[a->de], a, err);
}

static int rollup_update(struct imp *im, struct error *err)
{
	struct keymap amap = {0};
	struct anc *anc = NULL;
	size_t n_anc = 0, cap = 0, i;
	struct buf sql;
	int rc = ERR_IO;

	buf_init(&sql, 8192);
	rc = upsert_sql(&sql, "datavalue_rollup", rollup_cols, ROLLUP_NODES + ROLLUP_MONTHS);
	if (!rc)
		rc = db_prepare(im->db, buf_str(&sql), &im->put, err);
	buf_free(&sql);
	if (rc)
		return rc == ERR_INTERNAL ? error_set(err, ERR_INTERNAL, "内部错误") : rc;
	if (keymap_init(&amap, 4096)) {
		rc = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	/* The units to recompute: every changed unit with children and every
	 * strict ancestor of a changed unit. */
	for (i = 0; i < im->n_cells; i++) {
		struct cell *c = cell_at(im, i);
		int32_t u;

		if (!c->dirty)
			continue;
		/*
		 * A report may sum a unit's own values alone (a plain rate, or
		 * a root without children, which has no ancestor to catch it
		 * below): refuse now what it could not sum then.
		 */
		{
			struct rollup_agg own_only;

			if (rollup_compute(&c->own, NULL, &own_only)) {
				rc = error_at(err, ERR_INPUT, im->file, 0, 0,
					      "数据元 '%s' 在单位 '%s' 的 %d 年汇总超出数值范围"
					      "（最大约 9.2×10^14）",
					      im->de_code[c->de], im->u_code[c->unit], c->year);
				error_reason(err, "sum_overflow");
				goto out;
			}
		}
		u = im->u_child[c->unit] >= 0 ? (int32_t)c->unit : im->u_parent[c->unit];
		while (u >= 0) {
			uint64_t k = pack(c->de, (uint32_t)u, c->year);

			if (keymap_find(&amap, k))
				break; /* its ancestors are in already */
			if (n_anc == cap) {
				size_t nc = cap ? cap * 2 : 4096;
				struct anc *na = realloc(anc, nc * sizeof(*na));

				if (!na) {
					rc = error_set(err, ERR_NOMEM, "内存不足");
					goto out;
				}
				anc = na;
				cap = nc;
			}
			anc[n_anc].de = c->de;
			anc[n_anc].unit = (uint32_t)u;
			anc[n_anc].year = c->year;
			anc[n_anc].depth = im->u_depth[u];
			n_anc++;
			if (keymap_put(&amap, k, 0)) {
				rc = error_set(err, ERR_NOMEM, "内存不足");
				goto out;
			}
			u = im->u_parent[u];
		}
	}
	if (n_anc)
		qsort(anc, n_anc, sizeof(*anc), cmp_anc);
	for (i = 0; i < n_anc; i++)
		*keymap_find(&amap, pack(anc[i].de, anc[i].unit, anc[i].year)) = (uint32_t)i;
	for (i = 0; i < n_anc; i++) {
		struct anc *a = &anc[i];
		struct rollup_agg children, child;
		struct rollup_own own_db;
		const struct rollup_own *own = NULL;
		uint32_t *v;
		int32_t c;

		rollup_agg_clear(&children);
		for (c = im->u_child[a->unit]; c >= 0; c = im->u_next[c]) {
			uint64_t k = pack(a->de, (uint32_t)c, a->year);

			if ((v = keymap_find(&amap, k))) {
				if (rollup_agg_add(&children, &anc[*v].agg))
					goto overflow;
				continue;
			}
			/*
			 * Not recomputed in this import, so neither its own
			 * values nor any below it changed. A childless unit's
			 * figures are its own values (those of its cell, when a
			 * row named it, changed or not). A unit with children
			 * has a stored roll-up that is still right: its cell
			 * (an unchanged row) holds only its own values, which
			 * are not all of its figures.
			 */
			if (im->u_child[c] < 0 && (v = keymap_find(&im->cell_map, k))) {
				if (rollup_compute(&cell_at(im, *v)->own, NULL, &child))
					goto overflow;
			} else if (!im->de_had[a->de]) {
				continue; /* nothing stored for this element before */
			} else if ((rc =
					values_reader_agg(im->reader, im->de_id[a->de], im->u_id[c],
							  a->year, false, &child, err))) {
				goto out;
			}
			if (rollup_agg_add(&children, &child))
				goto overflow;
		}
		if ((v = keymap_find(&im->cell_map, pack(a->de, a->unit, a->year)))) {
			own = &cell_at(im, *v)->own;
		} else if (im->de_had[a->de]) {
			if ((rc = read_own(im->db, im->own, im->de_id[a->de], im->u_id[a->unit],
					   a->year, &own_db, NULL, err)))
				goto out;
			own = &own_db;
		}
		if (rollup_compute(own, &children, &a->agg))
			goto overflow;
		if ((rc = put_agg(im, a, err)))
			goto out;
	}
	rc = 0;
	goto out;
overflow:
	/* Each value fits, but their sum does not: name where, as a row error
	 * cannot (the rows are many). Nothing is written. */
	rc = error_at(err, ERR_INPUT, im->file, 0, 0,
		      "数据元 '%s' 在单位 '%s' 的 %d 年汇总超出数值范围（最大约 9.2×10^14）",
		      im->de_code[anc[i].de], im->u_code[anc[i].unit], anc[i].year);
	error_reason(err, "sum_overflow");
out:
	free(anc);
	keymap_free(&amap);
	sqlite3_finalize(im->put);
	im->put = NULL;
	return rc;
}

/* ---- the import ---- */

/*
 * A CSV error of one row, after which the reader goes on with the next row
 * (csv.h): a bad byte is one too, so that it rejects its row and never hides
 * the rows after it. An error of the input as a whole (an unterminated
 * quote, an I/O error) is not.
 */
static bool is_row_error(const char *reason)
{
	static const char *const row[] = {
		"field_count", "field_too_long", "record_too_long", "too_many_fields",
		"bad_quote", "invalid_utf8", "nul_byte", "bad_encoding",
	};
	size_t i;

	for (i = 0; i < sizeof(row) / sizeof(row[0]); i++)
		if (strcmp(reason, row[i]) == 0)
			return true;
	return false;
}

static void reject(struct imp *im, const struct error *e)
{
	im->st->rejected++;
	if (!im->first_err) {
		im->first = *e;
		im->first_err = 1;
	}
	if (im->o->reject)
		im->o->reject(im->o->ctx, e);
}

/* *done is set when the rows are read through: every row written (0), or
 * rejected rows without partial (ERR_INPUT, nothing to write). */
static int import_reader(struct imp *im, struct csv_reader *rd, bool *done, struct error *err)
{
	struct csv_record rec;
	struct values_row row;
	struct error e;
	size_t ncols;
	int rc;

	error_clear(&e);
	rc = csv_next(rd, &rec, &e);
	if (rc) {
		*err = e;
		return rc;
	}
	if (rec.n == 0) {
		error_at(err, ERR_INPUT, im->file, 1, 0, "文件为空，缺少表头");
		error_reason(err, "bad_header");
		return ERR_INPUT;
	}
	if (values_parse_header(&rec, im->file, &ncols, err))
		return ERR_INPUT;
	/* The field count is checked per row (values_parse_row), not by the
	 * reader, so that a blank line can be told apart and skipped. */
	for (;;) {
		const struct formula *fm;
		int32_t de, unit;
		char q[64];

		/* e is only read after a failure, which fills it */
		rc = csv_next(rd, &rec, &e);
		if (rc) {
			if (rc == ERR_INPUT && is_row_error(e.reason)) {
				im->st->rows++;
				reject(im, &e);
				continue;
			}
			/* The rest of the file cannot be read: fail whole. */
			*err = e;
			return rc;
		}
		if (rec.n == 0)
			break;
		if (rec.n == 1 && rec.len[0] == 0)
			continue; /* a blank line holds no value (as in plan import) */
		im->st->rows++;
		if (values_parse_row(&rec, ncols, im->file, &row, &e)) {
			reject(im, &e);
			continue;
		}
		de = strmap_get(&im->de_map, row.dataelement);
		if (de < 0) {
			quote(row.dataelement, q, sizeof(q));
			error_at(&e, ERR_INPUT, im->file, rec.line, 1, "未知的数据元代码 '%s'", q);
			error_reason(&e, "unknown_dataelement");
			reject(im, &e);
			continue;
		}
		if ((fm = formula_of(im, (uint32_t)de, row.period.year))) {
			quote(row.dataelement, q, sizeof(q));
			error_at(&e, ERR_INPUT, im->file, rec.line, 1,
				 "指标 '%s' 由分子 '%s' 和分母 '%s' 计算，请上报分子和分母", q,
				 fm->num, fm->den);
			error_reason(&e, "formula_indicator");
			reject(im, &e);
			continue;
		}
		unit = strmap_get(&im->u_map, row.orgunit);
		if (unit < 0) {
			quote(row.orgunit, q, sizeof(q));
			error_at(&e, ERR_INPUT, im->file, rec.line, 3, "未知的单位代码 '%s'", q);
			error_reason(&e, "unknown_orgunit");
			reject(im, &e);
			continue;
		}
		/*
		 * A count is never negative, and a minus sign is refused even on
		 * a zero ("-0", "-0.0"): the sign says the reporter meant a
		 * negative figure, which the stored 0 would hide.
		 */
		if (im->de_count[de] &&
		    (decimal_is_negative(row.value) || rec.field[5][0] == '-')) {
			quote(rec.field[5], q, sizeof(q));
			error_at(&e, ERR_INPUT, im->file, rec.line, 6,
				 "计数指标的数值不能为负 '%s'", q);
			error_reason(&e, "negative_count");
			reject(im, &e);
			continue;
		}
		if (im->first_err && !im->o->partial)
			continue; /* keep checking, write nothing more */
		if ((rc = write_row(im, &row, (uint32_t)de, (uint32_t)unit, err)))
			return rc;
	}
	if (im->first_err && !im->o->partial) {
		*err = im->first;
		*done = true;
		return ERR_INPUT;
	}
	if ((rc = write_cells(im, err)) || (rc = rollup_update(im, err)))
		return rc;
	*done = true;
	return 0;
}

static void imp_free(struct imp *im)
{
	size_t i;

	for (i = 0; i < im->n_units; i++)
		free(im->u_code[i]);
	free(im->u_id);
	free(im->u_parent);
	free(im->u_child);
	free(im->u_next);
	free(im->u_depth);
	free(im->u_code);
	free(im->u_map.slot);
	for (i = 0; i < im->n_de; i++)
		free(im->de_code[i]);
	free(im->de_id);
	free(im->de_code);
	free(im->de_count);
	free(im->de_had);
	free(im->de_last);
	free(im->de_map.slot);
	free(im->de_formula);
	for (i = 0; i < im->n_fm; i++) {
		free(im->fm[i].num);
		free(im->fm[i].den);
	}
	free(im->fm);
	keymap_free(&im->cell_map);
	for (i = 0; i < im->n_chunks; i++)
		free(im->chunks[i]);
	free(im->chunks);
	sqlite3_finalize(im->own);
	sqlite3_finalize(im->aud);
	sqlite3_finalize(im->meta);
	sqlite3_finalize(im->unmeta);
	sqlite3_finalize(im->put);
	values_reader_close(im->reader);
	memset(im, 0, sizeof(*im));
}

static int import_run(struct db *db, const char *path, const char *data, size_t len,
		      const struct values_import_opts *o, struct values_import_stats *st,
		      struct error *err)
{
	static const struct values_import_opts defaults;
	struct imp im;
	struct csv_options copt;
	struct csv_reader *rd = NULL;
	struct error herr;
	bool done = false;
	int rc, hrc;

	if (!o)
		o = &defaults;
	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.db = db;
	im.o = o;
	im.st = st;
	im.file = o->name ? o->name : (path ? path : "-");
	snprintf(im.who, sizeof(im.who), "%s", o->user && o->user[0] ? o->user : "unknown");
	date_now_utc(im.now, sizeof(im.now));
	memset(&copt, 0, sizeof(copt));
	copt.name = im.file;
	copt.encoding = o->encoding;
	copt.max_field = 4096;
	copt.max_record = 16384;
	copt.max_fields = 64;
	rc = path ? csv_open_file(path, &copt, &rd, err) : csv_open_mem(data, len, &copt, &rd, err);
	if (rc)
		return rc;
	/* A larger page cache while writing (64 MiB), the default after. */
	db_exec(db, "PRAGMA cache_size = -65536", NULL);
	if ((rc = db_begin(db, err)))
		goto out;
	if ((rc = load_units(&im, err)) || (rc = load_des(&im, err)))
		goto out;
	if (keymap_init(&im.cell_map, 1 << 16)) {
		rc = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	if ((rc = db_prepare(db, OWN_SQL, &im.own, err)) ||
	    (rc = db_prepare(db,
			     "INSERT INTO datavalue_audit(de_id, orgunit_id, period,"
			     " old_value, new_value, who, at) VALUES(?, ?, ?, ?, ?, ?, ?)",
			     &im.aud, err)) ||
	    (rc = db_prepare(db,
			     "INSERT INTO datavalue_meta(de_id, orgunit_id, period,"
			     " storedby, lastupdated, comment, followup)"
			     " VALUES(?, ?, ?, ?, ?, ?, ?)"
			     " ON CONFLICT(de_id, orgunit_id, period) DO UPDATE SET"
			     " storedby = excluded.storedby, lastupdated = excluded.lastupdated,"
			     " comment = excluded.comment, followup = excluded.followup",
			     &im.meta, err)) ||
	    (rc = db_prepare(db,
			     "DELETE FROM datavalue_meta WHERE de_id = ? AND orgunit_id = ?"
			     " AND period = ?",
			     &im.unmeta, err)) ||
	    (rc = values_reader_open(db, &im.reader, err)))
		goto out;
	rc = import_reader(&im, rd, &done, err);
	if (!done)
		goto out;
	/* Finalize before COMMIT so no statement holds the transaction open. */
	imp_free(&im);
	/* The rows are read through: the caller puts its reject file in
	 * place now, so that committed rows never lack their reject list;
	 * when it cannot, nothing is committed. */
	if (o->before_commit) {
		error_clear(&herr);
		if ((hrc = o->before_commit(o->ctx, &herr))) {
			*err = herr;
			rc = hrc;
			goto out;
		}
	}
	if (!rc)
		rc = db_commit(db, err);
out:
	if (rc)
		db_rollback(db);
	imp_free(&im);
	csv_close(rd);
	db_exec(db, "PRAGMA cache_size = -2000", NULL);
	return rc;
}

int values_import_file(struct db *db, const char *path, const struct values_import_opts *o,
		       struct values_import_stats *st, struct error *err)
{
	return import_run(db, path, NULL, 0, o, st, err);
}

int values_import_mem(struct db *db, const char *data, size_t len,
		      const struct values_import_opts *o, struct values_import_stats *st,
		      struct error *err)
{
	return import_run(db, NULL, data, len, o, st, err);
}

/* ---- export ---- */

static int flush_buf(struct buf *b, FILE *out)
{
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return ERR_IO;
	buf_reset(b);
	return 0;
}

int values_export(struct db *db, int year, FILE *out, struct error *err)
{
	sqlite3_stmt *st = NULL, *meta = NULL;
	int64_t n_meta = 0;
	struct buf b;
	size_t i;
	int rc, wrc = 0;

	if (db_int(db, "SELECT count(*) FROM datavalue_meta", &n_meta, err))
		return ERR_IO;
	if (db_prepare(db,
		       "SELECT d.code, o.code, v.de_id, v.orgunit_id, v.y, v.s1, v.s2,"
		       " v.q1, v.q2, v.q3, v.q4, v.m1, v.m2, v.m3, v.m4, v.m5, v.m6,"
		       " v.m7, v.m8, v.m9, v.m10, v.m11, v.m12"
		       " FROM datavalue v JOIN dataelement d ON d.id = v.de_id"
		       " JOIN orgunit o ON o.id = v.orgunit_id"
		       " WHERE v.year = ? ORDER BY v.de_id, v.orgunit_id",
		       &st, err) ||
	    db_prepare(db,
		       "SELECT storedby, lastupdated, comment, followup FROM datavalue_meta"
		       " WHERE de_id = ? AND orgunit_id = ? AND period = ?",
		       &meta, err)) {
		sqlite3_finalize(st);
		return ERR_IO;
	}
	sqlite3_bind_int(st, 1, year);
	buf_init(&b, 1 << 20);
	for (i = 0; i < VALUES_COLUMNS; i++)
		buf_printf(&b, "%s%s", i ? "," : "", values_header[i]);
	buf_addc(&b, '\n');
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !wrc) {
		const char *de = (const char *)sqlite3_column_text(st, 0);
		const char *ou = (const char *)sqlite3_column_text(st, 1);
		int node;

		for (node = 0; node < ROLLUP_NODES && !wrc; node++) {
			const char *v = (const char *)sqlite3_column_text(st, 4 + node);
			char ptext[PERIOD_STRLEN];
			struct period p;
			int c;

			if (!v)
				continue;
			rollup_node_period(year, node, &p);
			period_format(&p, ptext, sizeof(ptext));
			wrc |= csv_write_field(&b, de, strlen(de));
			wrc |= buf_printf(&b, ",%s,", ptext);
			wrc |= csv_write_field(&b, ou, strlen(ou));
			wrc |= buf_printf(&b, ",,,%s", v);
			if (n_meta) {
				sqlite3_bind_int64(meta, 1, sqlite3_column_int64(st, 2));
				sqlite3_bind_int64(meta, 2, sqlite3_column_int64(st, 3));
				sqlite3_bind_text(meta, 3, ptext, -1, SQLITE_STATIC);
				if (sqlite3_step(meta) == SQLITE_ROW) {
					for (c = 0; c < 4; c++) {
						const char *t =
						    (const char *)sqlite3_column_text(meta, c);

						wrc |= buf_addc(&b, ',');
						if (t)
							wrc |= csv_write_field(&b, t, strlen(t));
					}
				} else {
					wrc |= buf_adds(&b, ",,,,");
				}
				sqlite3_reset(meta);
			} else {
				wrc |= buf_adds(&b, ",,,,");
			}
			wrc |= buf_addc(&b, '\n');
			if (!wrc && b.len > (1 << 19))
				wrc = flush_buf(&b, out);
		}
	}
	if (!wrc)
		wrc = flush_buf(&b, out);
	buf_free(&b);
	sqlite3_finalize(meta);
	if (wrc) {
		sqlite3_finalize(st);
		return error_set(err, ERR_IO, "写出失败");
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, err, "导出数据值");
		sqlite3_finalize(st);
		return ERR_IO;
	}
	sqlite3_finalize(st);
	if (fflush(out))
		return error_set(err, ERR_IO, "写出失败");
	return 0;
}

/* ---- checking and repairing the aggregates ---- */

/* Same presence and the same figure in every present slot. */
static bool agg_equal(const struct rollup_agg *a, const struct rollup_agg *b, int *slot)
{
	int i;

	for (i = 0; i < ROLLUP_NODES + ROLLUP_MONTHS; i++) {
		bool pa, pb;
		int64_t va, vb;

		if (i < ROLLUP_NODES) {
			pa = a->sum_present & (1u << i);
			pb = b->sum_present & (1u << i);
			va = a->sum[i];
			vb = b->sum[i];
		} else {
			pa = a->last_present & (1u << (i - ROLLUP_NODES));
			pb = b->last_present & (1u << (i - ROLLUP_NODES));
			va = a->last[i - ROLLUP_NODES];
			vb = b->last[i - ROLLUP_NODES];
		}
		if (pa != pb || (pa && va != vb)) {
			*slot = i;
			return false;
		}
	}
	return true;
}

/* Exact text of units4 with the fewest fraction digits, or "无". */
static void fmt_figure(const struct rollup_agg *a, int slot, char *out, size_t n)
{
	bool present;
	int64_t v;
	int scale = 4;
	char t[32];

	if (slot < ROLLUP_NODES) {
		present = a->sum_present & (1u << slot);
		v = a->sum[slot];
	} else {
		present = a->last_present & (1u << (slot - ROLLUP_NODES));
		v = a->last[slot - ROLLUP_NODES];
	}
	if (!present) {
		snprintf(out, n, "无");
		return;
	}
	while (scale > 0 && v % pow10_tab[5 - scale] == 0)
		scale--;
	fmt_value(v, scale, t);
	snprintf(out, n, "%s", t);
}

/* The unit (index) of orgunit id, by binary search (u_id is in id order). */
static int32_t unit_index(const struct imp *im, int64_t id)
{
	size_t lo = 0, hi = im->n_units;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (im->u_id[mid] == id)
			return (int32_t)mid;
		if (im->u_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

enum { CK_OWN = 1, CK_MARKED = 2, CK_STORED = 4, CK_LISTED = 8 };

struct check {
	struct imp im;
	struct rollup_own *own;
	struct rollup_agg *agg, *stored;
	unsigned char *flag;
	uint32_t *list; /* units with any flag, this group */
	size_t n_list;
	sqlite3_stmt *vals, *rolls, *del;
};

static void check_list(struct check *k, uint32_t u, unsigned f)
{
	if (!(k->flag[u] & CK_LISTED))
		k->list[k->n_list++] = u;
	k->flag[u] |= (unsigned char)(f | CK_LISTED);
}

static int cmp_depth(const void *pa, const void *pb, void *ctx)
{
	const struct imp *im = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	if (im->u_depth[a] != im->u_depth[b])
		return im->u_depth[a] > im->u_depth[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* One (data element, year): recompute, compare, repair. */
static int check_group(struct check *k, int64_t de_id, int year, bool repair,
		       void (*on_diff)(void *ctx, const struct values_check_diff *d), void *ctx,
		       struct values_check_stats *cs, struct error *err)
{
	struct imp *im = &k->im;
	int32_t de = de_index(im, de_id);
	size_t i;
	int rc;

	k->n_list = 0;
	/* the values, and every unit above one */
	sqlite3_bind_int64(k->vals, 1, de_id);
	sqlite3_bind_int(k->vals, 2, year);
	while ((rc = sqlite3_step(k->vals)) == SQLITE_ROW) {
		int64_t ou_id = sqlite3_column_int64(k->vals, 0);
		int32_t u = unit_index(im, ou_id);

		if (u < 0)
			continue; /* no such unit: no report reads it */
		if (own_columns(k->vals, 1, de_id, ou_id, year, &k->own[u], NULL, err)) {
			sqlite3_reset(k->vals);
			return ERR_IO;
		}
		check_list(k, (uint32_t)u, CK_OWN);
		for (; u >= 0 && !(k->flag[u] & CK_MARKED); u = im->u_parent[u])
			check_list(k, (uint32_t)u, CK_MARKED);
	}
	sqlite3_reset(k->vals);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, err, "读取数据值");
	/* the stored aggregates */
	sqlite3_bind_int64(k->rolls, 1, de_id);
	sqlite3_bind_int(k->rolls, 2, year);
	while ((rc = sqlite3_step(k->rolls)) == SQLITE_ROW) {
		int32_t u = unit_index(im, sqlite3_column_int64(k->rolls, 0));

		if (u < 0)
			continue;
		agg_columns(k->rolls, 1, &k->stored[u]);
		check_list(k, (uint32_t)u, CK_STORED);
	}
	sqlite3_reset(k->rolls);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, err, "读取汇总");
	/* recompute bottom-up */
	qsort_r(k->list, k->n_list, sizeof(*k->list), cmp_depth, im);
	for (i = 0; i < k->n_list; i++) {
		uint32_t u = k->list[i];
		struct rollup_agg children;
		int32_t c;

		if (!(k->flag[u] & CK_MARKED))
			continue;
		rollup_agg_clear(&children);
		for (c = im->u_child[u]; c >= 0; c = im->u_next[c])
			if ((k->flag[c] & CK_MARKED) && rollup_agg_add(&children, &k->agg[c]))
				goto overflow;
		if (rollup_compute(k->flag[u] & CK_OWN ? &k->own[u] : NULL, &children, &k->agg[u]))
			goto overflow;
	}
	/* compare with what a report reads: the stored row, else own values */
	for (i = 0; i < k->n_list; i++) {
		uint32_t u = k->list[i];
		struct rollup_agg seen, want;
		bool canonical = (k->flag[u] & CK_MARKED) && im->u_child[u] >= 0;
		int slot = 0;

		cs->checked++;
		if (k->flag[u] & CK_STORED)
			seen = k->stored[u];
		else if (rollup_compute(k->flag[u] & CK_OWN ? &k->own[u] : NULL, NULL, &seen))
			goto overflow;
		if (k->flag[u] & CK_MARKED)
			want = k->agg[u];
		else
			rollup_agg_clear(&want);
		if (agg_equal(&seen, &want, &slot))
			continue;
		cs->differ++;
		if (on_diff) {
			struct values_check_diff d;

			memset(&d, 0, sizeof(d));
			d.dataelement = de >= 0 ? im->de_code[de] : "?";
			d.orgunit = im->u_code[u];
			d.year = year;
			if (slot < ROLLUP_NODES) {
				struct period p;

				rollup_node_period(year, slot, &p);
				period_format(&p, d.period, sizeof(d.period));
				d.last = false;
			} else {
				snprintf(d.period, sizeof(d.period), "%d%02d", year,
					 slot - ROLLUP_NODES + 1);
				d.last = true;
			}
			fmt_figure(&seen, slot, d.stored, sizeof(d.stored));
			fmt_figure(&want, slot, d.expected, sizeof(d.expected));
			on_diff(ctx, &d);
		}
		if (!repair)
			continue;
		if (canonical) {
			struct anc a;

			a.de = (uint32_t)(de >= 0 ? de : 0);
			a.unit = u;
			a.year = year;
			a.depth = im->u_depth[u];
			a.agg = want;
			if ((rc = put_agg_id(im, de_id, &a, err)))
				return rc;
		} else {
			sqlite3_bind_int64(k->del, 1, de_id);
			sqlite3_bind_int64(k->del, 2, im->u_id[u]);
			sqlite3_bind_int(k->del, 3, year);
			if ((rc = step_done(im, k->del, "删除汇总", err)))
				return rc;
		}
		cs->repaired++;
	}
	for (i = 0; i < k->n_list; i++)
		k->flag[k->list[i]] = 0;
	return 0;
overflow:
	for (i = 0; i < k->n_list; i++)
		k->flag[k->list[i]] = 0;
	rc = error_set(err, ERR_INPUT, "数据元 '%s' 在 %d 年的汇总超出数值范围（最大约 9.2×10^14）",
		       de >= 0 ? im->de_code[de] : "?", year);
	error_reason(err, "sum_overflow");
	return rc;
}

int values_rollup_check(struct db *db, bool repair,
			void (*on_diff)(void *ctx, const struct values_check_diff *d), void *ctx,
			struct values_check_stats *cs, struct error *err)
{
	struct check k;
	struct buf sql;
	sqlite3_stmt *groups = NULL;
	int64_t (*g)[2] = NULL;
	size_t n_g = 0, cap_g = 0, i, n;
	int rc;

	memset(cs, 0, sizeof(*cs));
	memset(&k, 0, sizeof(k));
	k.im.db = db;
	/* One snapshot; without repair a read transaction (a read-only
	 * database file can be checked). */
	if ((rc = repair ? db_begin(db, err) : db_exec(db, "BEGIN", err)))
		return rc;
	if ((rc = load_units(&k.im, err)) || (rc = load_des(&k.im, err)))
		goto out;
	n = k.im.n_units ? k.im.n_units : 1;
	k.own = malloc(n * sizeof(*k.own));
	k.agg = malloc(n * sizeof(*k.agg));
	k.stored = malloc(n * sizeof(*k.stored));
	k.flag = calloc(n, 1);
	k.list = malloc(n * sizeof(*k.list));
	if (!k.own || !k.agg || !k.stored || !k.flag || !k.list) {
		rc = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	buf_init(&sql, 8192);
	buf_printf(&sql, "SELECT orgunit_id, %s FROM datavalue_rollup WHERE de_id = ? AND year = ?",
		   rollup_cols);
	rc = db_prepare(db, buf_str(&sql), &k.rolls, err);
	buf_reset(&sql);
	if (!rc)
		rc =
		    upsert_sql(&sql, "datavalue_rollup", rollup_cols, ROLLUP_NODES + ROLLUP_MONTHS);
	if (rc == ERR_INTERNAL)
		rc = error_set(err, ERR_INTERNAL, "内部错误");
	if (!rc)
		rc = db_prepare(db, buf_str(&sql), &k.im.put, err);
	buf_free(&sql);
	if (rc ||
	    (rc = db_prepare(db,
			     "SELECT orgunit_id, y, s1, s2, q1, q2, q3, q4, m1, m2, m3, m4, m5,"
			     " m6, m7, m8, m9, m10, m11, m12 FROM datavalue"
			     " WHERE de_id = ? AND year = ?",
			     &k.vals, err)) ||
	    (rc = db_prepare(db,
			     "DELETE FROM datavalue_rollup WHERE de_id = ? AND orgunit_id = ?"
			     " AND year = ?",
			     &k.del, err)) ||
	    (rc = db_prepare(db,
			     "SELECT de_id, year FROM datavalue UNION"
			     " SELECT de_id, year FROM datavalue_rollup ORDER BY 1, 2",
			     &groups, err)))
		goto out;
	/* the groups first: the repair writes the table being listed */
	while ((rc = sqlite3_step(groups)) == SQLITE_ROW) {
		if (n_g == cap_g) {
			size_t nc = cap_g ? cap_g * 2 : 256;
			int64_t(*ng)[2] = realloc(g, nc * sizeof(*ng));

			if (!ng) {
				rc = error_set(err, ERR_NOMEM, "内存不足");
				goto out;
			}
			g = ng;
			cap_g = nc;
		}
		g[n_g][0] = sqlite3_column_int64(groups, 0);
		g[n_g][1] = sqlite3_column_int64(groups, 1);
		n_g++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail(db, err, "读取汇总");
		goto out;
	}
	sqlite3_finalize(groups);
	groups = NULL;
	for (i = 0; i < n_g; i++) {
		if (g[i][1] < 1900 || g[i][1] > 9999)
			continue;
		if ((rc = check_group(&k, g[i][0], (int)g[i][1], repair, on_diff, ctx, cs, err)))
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(groups);
	sqlite3_finalize(k.vals);
	sqlite3_finalize(k.rolls);
	sqlite3_finalize(k.del);
	free(g);
	free(k.own);
	free(k.agg);
	free(k.stored);
	free(k.flag);
	free(k.list);
	imp_free(&k.im); /* finalizes im.put */
	if (!rc && repair && cs->repaired) {
		if ((rc = db_commit(db, err)))
			db_rollback(db);
	} else {
		db_rollback(db);
	}
	return rc;
}
