/*
 * plan.c - plan import (row checks, cross-row checks, target breakdown
 * sums), listing and the derived-target flag (see plan.h).
 *
 * The whole file is read and checked before anything is written; checks
 * that need several rows work on index arrays sorted by (year, indicator,
 * ...), so a plan broken down to every county still checks in a few
 * milliseconds.
 */
#include "tracker/plan.h"
#include "tracker/tracker.h"

#include "base/csv.h"
#include "base/error.h"
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NOTES 100
#define MAX_ROWS 1000000L

const char *const plan_header[PLAN_COLUMNS] = {
    "year",	   "project_no", "project_title", "indicator", "indicator_name",
    "unit",	   "kind",	 "comparator",	  "target",    "orgunit",
    "aggregation", "numerator",	 "denominator"};

enum {
	COL_YEAR = 1,
	COL_PROJECT_NO,
	COL_TITLE,
	COL_INDICATOR,
	COL_NAME,
	COL_UNIT,
	COL_KIND,
	COL_CMP,
	COL_TARGET,
	COL_ORGUNIT,
	COL_AGG,
	COL_NUM,
	COL_DEN,
};

static int row_error(struct error *err, const char *file, long line, int col, const char *reason,
		     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int row_error(struct error *err, const char *file, long line, int col, const char *reason,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(err, ERR_INPUT, file, line, col, reason, fmt, ap);
	va_end(ap);
	return ERR_INPUT;
}

/* Strict decimal integer lo..hi: digits only. */
static bool parse_int(const char *s, long lo, long hi, int *out)
{
	long v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 9)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

int plan_parse_header(const struct csv_record *rec, const char *file, struct error *err)
{
	size_t i;

	for (i = 0; i < PLAN_COLUMNS; i++) {
		if (i >= rec->n || strcmp(rec->field[i], plan_header[i]) != 0)
			goto bad;
	}
	if (rec->n != PLAN_COLUMNS)
		goto bad;
	return 0;
bad:
	return row_error(err, file, rec->line, (int)(i < rec->n ? i + 1 : 0), "bad_header",
			 "表头应为 "
			 "year,project_no,project_title,indicator,indicator_name,unit,kind,"
			 "comparator,target,orgunit,aggregation,numerator,denominator");
}

int plan_parse_row(const struct csv_record *rec, const char *file, struct plan_row *row,
		   struct error *err)
{
	const char *const *f = rec->field;
	long ln = rec->line;
	struct error derr;
	char buf[DECIMAL_STRLEN];

	memset(row, 0, sizeof(*row));
	row->line = ln;
	if (rec->n != PLAN_COLUMNS)
		return row_error(err, file, ln, 0, "field_count", "应有%d列，实有%zu列",
				 PLAN_COLUMNS, rec->n);
	if (!parse_int(f[0], 1900, 9999, &row->year))
		return row_error(err, file, ln, COL_YEAR, "bad_year",
				 "年份 '%s' 无效（应为1900到9999）", f[0]);
	if (!parse_int(f[1], 1, 9999, &row->project_no))
		return row_error(err, file, ln, COL_PROJECT_NO, "bad_project_no",
				 "项目序号 '%s' 无效（应为1到9999的整数）", f[1]);
	if (!tracker_text_valid(f[2], PLAN_TEXT_MAX))
		return row_error(err, file, ln, COL_TITLE, "bad_title",
				 "项目名称为空、过长或含控制字符");
	if (!tracker_code_valid(f[3], PLAN_CODE_MAX))
		return row_error(err, file, ln, COL_INDICATOR, "bad_code",
				 "指标代码 '%s' 无效（应为1到%d个字母、数字、'_'、'.'或'-'）", f[3],
				 PLAN_CODE_MAX);
	if (!tracker_text_valid(f[4], PLAN_TEXT_MAX))
		return row_error(err, file, ln, COL_NAME, "bad_name",
				 "指标名称为空、过长或含控制字符");
	if (!tracker_text_valid(f[5], PLAN_UNIT_MAX))
		return row_error(err, file, ln, COL_UNIT, "bad_unit",
				 "计量单位为空、过长或含控制字符");
	if (strcmp(f[6], "count") == 0)
		row->kind = PLAN_COUNT;
	else if (strcmp(f[6], "rate") == 0)
		row->kind = PLAN_RATE;
	else
		return row_error(err, file, ln, COL_KIND, "bad_kind",
				 "指标类型 '%s' 无效（应为 count 或 rate）", f[6]);
	if (strcmp(f[7], ">=") == 0)
		row->comparator = ">=";
	else if (strcmp(f[7], "<=") == 0)
		row->comparator = "<=";
	else if (strcmp(f[7], "=") == 0)
		row->comparator = "=";
	else
		return row_error(err, file, ln, COL_CMP, "bad_comparator",
				 "比较方式 '%s' 无效（应为 >=、<= 或 =）", f[7]);
	if (decimal_parse(f[8], rec->len[8], &row->target, &derr))
		return row_error(err, file, ln, COL_TARGET, "bad_target",
				 "目标值 '%s' 不是有效的数", f[8]);
	if (decimal_is_negative(row->target))
		return row_error(err, file, ln, COL_TARGET, "negative_target",
				 "目标值 '%s' 不能为负", f[8]);
	if (row->kind == PLAN_RATE && decimal_cmp(row->target, decimal_from_int(100)) > 0) {
		decimal_format(row->target, buf, sizeof(buf));
		return row_error(err, file, ln, COL_TARGET, "rate_range",
				 "比率指标的目标值 %s 超出 0 到 100", buf);
	}
	if (!tracker_code_valid(f[9], ORGUNIT_CODE_MAX))
		return row_error(err, file, ln, COL_ORGUNIT, "bad_code", "单位代码 '%s' 无效",
				 f[9]);
	if (f[10][0] == '\0')
		row->aggregation = row->kind == PLAN_COUNT ? PLAN_SUM : PLAN_LAST;
	else if (strcmp(f[10], "sum") == 0)
		row->aggregation = PLAN_SUM;
	else if (strcmp(f[10], "last") == 0)
		row->aggregation = PLAN_LAST;
	else
		return row_error(err, file, ln, COL_AGG, "bad_aggregation",
				 "汇总方式 '%s' 无效（应为 sum、last 或留空）", f[10]);
	if ((f[11][0] == '\0') != (f[12][0] == '\0'))
		return row_error(err, file, ln, f[11][0] ? COL_DEN : COL_NUM, "half_formula",
				 "分子和分母须同时填写或同时留空");
	if (f[11][0]) {
		if (row->kind != PLAN_RATE)
			return row_error(err, file, ln, COL_NUM, "formula_not_rate",
					 "只有比率指标（rate）可以有分子和分母");
		if (!tracker_code_valid(f[11], PLAN_CODE_MAX))
			return row_error(err, file, ln, COL_NUM, "bad_code", "分子代码 '%s' 无效",
					 f[11]);
		if (!tracker_code_valid(f[12], PLAN_CODE_MAX))
			return row_error(err, file, ln, COL_DEN, "bad_code", "分母代码 '%s' 无效",
					 f[12]);
		if (strcmp(f[11], f[12]) == 0 || strcmp(f[11], f[3]) == 0)
			return row_error(err, file, ln, COL_NUM, "formula_self",
					 "分子 '%s' 须不同于分母和指标代码", f[11]);
		if (strcmp(f[12], f[3]) == 0)
			return row_error(err, file, ln, COL_DEN, "formula_self",
					 "分母 '%s' 须不同于分子和指标代码", f[12]);
	} else if (row->kind == PLAN_RATE && row->aggregation == PLAN_SUM) {
		/* Adding up a unit's monthly rates gives no rate at all; a rate
		 * over the year to date is Σnumerator ÷ Σdenominator. */
		return row_error(
		    err, file, ln, COL_AGG, "rate_sum",
		    "比率指标不能按 sum 累加（应为 last 或留空；按年累计的比率请填写分子和分母）");
	}
	row->project_title = f[2];
	row->indicator = f[3];
	row->name = f[4];
	row->unit = f[5];
	row->orgunit = f[9];
	row->numerator = f[11];
	row->denominator = f[12];
	return 0;
}

/* ---- import ---- */

struct notes {
	const char *file;
	tracker_note_fn fn;
	void *ctx;
	struct error *err;
	int errors;
	int total;
};

static void note_add(struct notes *nt, const struct error *e, bool warning)
{
	if (!warning && nt->errors == 0 && nt->err)
		*nt->err = *e;
	if (nt->total < MAX_NOTES && nt->fn)
		nt->fn(nt->ctx, e, warning);
	nt->total++;
	if (!warning)
		nt->errors++;
}

static void note_at(struct notes *nt, bool warning, long line, int col, const char *reason,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void note_at(struct notes *nt, bool warning, long line, int col, const char *reason,
		    const char *fmt, ...)
{
	struct error e;
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(&e, ERR_INPUT, nt->file, line, col, reason, fmt, ap);
	va_end(ap);
	note_add(nt, &e, warning);
}

/* A row kept after reading: its fields copied into one block. */
struct item {
	struct plan_row row;
	char *block;
	int64_t unit_id;
	char *parent; /* parent unit code, "" for a root */
	struct decimal child_sum;
	long n_children;
	bool sum_overflow;
};

struct plan_set {
	struct item *it;
	size_t n, cap;
};

static void set_free(struct plan_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->it[i].block);
		free(s->it[i].parent);
	}
	free(s->it);
}

/* Copy the record and parse it from the copy. */
static int set_add(struct plan_set *s, const struct csv_record *rec, const char *file,
		   struct error *err)
{
	const char *fields[PLAN_COLUMNS];
	size_t lens[PLAN_COLUMNS], total = 0, i;
	struct csv_record view;
	struct item *it;
	char *p;
	int ret;

	if (rec->n != PLAN_COLUMNS) {
		struct plan_row r;

		return plan_parse_row(rec, file, &r, err);
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		struct item *t = realloc(s->it, nc * sizeof(*t));

		if (!t)
			return error_set(err, ERR_NOMEM, "内存不足");
		s->it = t;
		s->cap = nc;
	}
	it = &s->it[s->n];
	memset(it, 0, sizeof(*it));
	for (i = 0; i < PLAN_COLUMNS; i++)
		total += rec->len[i] + 1;
	it->block = malloc(total);
	if (!it->block)
		return error_set(err, ERR_NOMEM, "内存不足");
	p = it->block;
	for (i = 0; i < PLAN_COLUMNS; i++) {
		memcpy(p, rec->field[i], rec->len[i] + 1);
		fields[i] = p;
		lens[i] = rec->len[i];
		p += rec->len[i] + 1;
	}
	view.n = PLAN_COLUMNS;
	view.field = fields;
	view.len = lens;
	view.line = rec->line;
	ret = plan_parse_row(&view, file, &it->row, err);
	if (ret) {
		free(it->block);
		return ret;
	}
	s->n++;
	return 0;
}

static int cmp_ind(const struct item *a, const struct item *b)
{
	if (a->row.year != b->row.year)
		return a->row.year < b->row.year ? -1 : 1;
	return strcmp(a->row.indicator, b->row.indicator);
}

static int cmp_by_indicator(const void *x, const void *y, void *ctx)
{
	const struct item *it = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = cmp_ind(&it[i], &it[j]);

	if (c)
		return c;
	return i < j ? -1 : i > j;
}

static int cmp_by_unit(const void *x, const void *y, void *ctx)
{
	const struct item *it = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = cmp_ind(&it[i], &it[j]);

	if (c)
		return c;
	c = strcmp(it[i].row.orgunit, it[j].row.orgunit);
	if (c)
		return c;
	return i < j ? -1 : i > j;
}

static int cmp_by_project(const void *x, const void *y, void *ctx)
{
	const struct item *it = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;

	if (it[i].row.year != it[j].row.year)
		return it[i].row.year < it[j].row.year ? -1 : 1;
	if (it[i].row.project_no != it[j].row.project_no)
		return it[i].row.project_no < it[j].row.project_no ? -1 : 1;
	return i < j ? -1 : i > j;
}

static const char *agg_name(enum plan_aggregation a)
{
	return a == PLAN_SUM ? "sum" : "last";
}

static const char *kind_name(enum plan_kind k)
{
	return k == PLAN_COUNT ? "count" : "rate";
}

/* Later rows of an indicator must repeat the first row's definition. */
static void check_definitions(struct plan_set *s, const size_t *idx, struct notes *nt)
{
	size_t g = 0, i;

	for (i = 0; i < s->n; i++) {
		const struct plan_row *d, *r;
		int col = 0;

		if (i == 0 || cmp_ind(&s->it[idx[i]], &s->it[idx[g]]) != 0) {
			g = i;
			continue;
		}
		d = &s->it[idx[g]].row;
		r = &s->it[idx[i]].row;
		if (d->project_no != r->project_no)
			col = COL_PROJECT_NO;
		else if (strcmp(d->name, r->name))
			col = COL_NAME;
		else if (strcmp(d->unit, r->unit))
			col = COL_UNIT;
		else if (d->kind != r->kind)
			col = COL_KIND;
		else if (strcmp(d->comparator, r->comparator))
			col = COL_CMP;
		else if (d->aggregation != r->aggregation)
			col = COL_AGG;
		else if (strcmp(d->numerator, r->numerator))
			col = COL_NUM;
		else if (strcmp(d->denominator, r->denominator))
			col = COL_DEN;
		if (col)
			note_at(nt, false, r->line, col, "definition_mismatch",
				"指标 '%s' 的%s与第%ld行的定义不一致", r->indicator,
				plan_header[col - 1], d->line);
	}
}

static void check_projects(struct plan_set *s, const size_t *idx, struct notes *nt)
{
	size_t g = 0, i;

	for (i = 1; i < s->n; i++) {
		const struct plan_row *d = &s->it[idx[g]].row;
		const struct plan_row *r = &s->it[idx[i]].row;

		if (d->year != r->year || d->project_no != r->project_no) {
			g = i;
			continue;
		}
		if (strcmp(d->project_title, r->project_title))
			note_at(nt, false, r->line, COL_TITLE, "title_mismatch",
				"项目 %d 的名称与第%ld行不一致（'%s'）", r->project_no, d->line,
				d->project_title);
	}
}

static void check_duplicates(struct plan_set *s, const size_t *idx, struct notes *nt)
{
	size_t i;

	for (i = 1; i < s->n; i++) {
		const struct item *a = &s->it[idx[i - 1]], *b = &s->it[idx[i]];

		if (cmp_ind(a, b) == 0 && strcmp(a->row.orgunit, b->row.orgunit) == 0)
			note_at(nt, false, b->row.line, COL_ORGUNIT, "duplicate",
				"指标 '%s' 在单位 '%s' 的目标重复（第%ld行已有）", b->row.indicator,
				b->row.orgunit, a->row.line);
	}
}

/* Resolve every unit code: id and parent code. */
static int resolve_units(struct db *db, struct plan_set *s, struct notes *nt, struct error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if (db_prepare(db,
		       "SELECT u.id, COALESCE(p.code, '') FROM orgunit u"
		       " LEFT JOIN orgunit p ON p.id = u.parent_id WHERE u.code = ?",
		       &st, err))
		return ERR_IO;
	for (i = 0; i < s->n; i++) {
		struct item *it = &s->it[i];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, it->row.orgunit, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 1);

			it->unit_id = sqlite3_column_int64(st, 0);
			it->parent = strdup(t ? (const char *)t : "");
			if (!it->parent) {
				sqlite3_finalize(st);
				return error_set(err, ERR_NOMEM, "内存不足");
			}
		} else if (rc == SQLITE_DONE) {
			note_at(nt, false, it->row.line, COL_ORGUNIT, "unknown_orgunit",
				"未知的单位代码 '%s'", it->row.orgunit);
		} else {
			sqlite3_finalize(st);
			return db_fail(db, err, "查询组织机构");
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* Find the item of the same indicator group at unit code (idx by unit). */
static size_t find_unit(const struct plan_set *s, const size_t *idx, size_t lo, size_t hi,
			const char *code)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->it[idx[mid]].row.orgunit, code);

		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else
			return idx[mid];
	}
	return SIZE_MAX;
}

/* Count targets: children's targets must add up to their parent's. */
static void check_breakdown(struct plan_set *s, const size_t *idx, bool allow, struct notes *nt,
			    long *mismatches)
{
	size_t g = 0, i, k;

	while (g < s->n) {
		size_t end = g + 1;

		while (end < s->n && cmp_ind(&s->it[idx[end]], &s->it[idx[g]]) == 0)
			end++;
		if (s->it[idx[g]].row.kind != PLAN_COUNT || end - g < 2) {
			g = end;
			continue;
		}
		for (i = g; i < end; i++) {
			s->it[idx[i]].child_sum = decimal_from_int(0);
			s->it[idx[i]].n_children = 0;
			s->it[idx[i]].sum_overflow = false;
		}
		for (i = g; i < end; i++) {
			struct item *c = &s->it[idx[i]];
			size_t p;

			if (!c->parent || !c->parent[0])
				continue;
			p = find_unit(s, idx, g, end, c->parent);
			if (p == SIZE_MAX)
				continue;
			if (decimal_add(s->it[p].child_sum, c->row.target, &s->it[p].child_sum))
				s->it[p].sum_overflow = true;
			s->it[p].n_children++;
		}
		for (k = g; k < end; k++) {
			struct item *p = &s->it[idx[k]];
			struct decimal diff;
			char a[DECIMAL_STRLEN], b[DECIMAL_STRLEN], d[DECIMAL_STRLEN];

			if (!p->n_children)
				continue;
			if (!p->sum_overflow && decimal_cmp(p->child_sum, p->row.target) == 0)
				continue;
			(*mismatches)++;
			if (p->sum_overflow || decimal_sub(p->child_sum, p->row.target, &diff)) {
				note_at(nt, allow, p->row.line, COL_TARGET, "breakdown_overflow",
					"指标 '%s' 单位 '%s' 的下级目标合计溢出", p->row.indicator,
					p->row.orgunit);
				continue;
			}
			decimal_format(decimal_normalize(p->row.target), a, sizeof(a));
			decimal_format(decimal_normalize(p->child_sum), b, sizeof(b));
			decimal_format(decimal_normalize(diff), d, sizeof(d));
			note_at(nt, allow, p->row.line, COL_TARGET, "breakdown_mismatch",
				"指标 '%s' 单位 '%s' 的目标为 %s，其 %ld 个下级单位的目标合计为 "
				"%s，相差 %s%s",
				p->row.indicator, p->row.orgunit, a, p->n_children, b,
				decimal_is_negative(diff) ? "" : "+", d);
		}
		g = end;
	}
}

/* Statements of the write phase. */
struct writer {
	struct db *db;
	sqlite3_stmt *proj_get, *proj_ins, *proj_upd, *de_ins, *de_get, *ind_get, *ind_upd,
	    *ind_ins, *tgt_del, *tgt_ins, *seq_max, *proj_gc;
};

static void writer_close(struct writer *w)
{
	sqlite3_finalize(w->proj_get);
	sqlite3_finalize(w->proj_ins);
	sqlite3_finalize(w->proj_upd);
	sqlite3_finalize(w->de_ins);
	sqlite3_finalize(w->de_get);
	sqlite3_finalize(w->ind_get);
	sqlite3_finalize(w->ind_upd);
	sqlite3_finalize(w->ind_ins);
	sqlite3_finalize(w->tgt_del);
	sqlite3_finalize(w->tgt_ins);
	sqlite3_finalize(w->seq_max);
	sqlite3_finalize(w->proj_gc);
}

static int writer_open(struct writer *w, struct db *db, struct error *err)
{
	memset(w, 0, sizeof(*w));
	w->db = db;
	if (db_prepare(db, "SELECT id FROM project WHERE year = ? AND project_no = ?", &w->proj_get,
		       err) ||
	    db_prepare(db, "INSERT INTO project(year, project_no, title) VALUES(?, ?, ?)",
		       &w->proj_ins, err) ||
	    db_prepare(db, "UPDATE project SET title = ? WHERE id = ?", &w->proj_upd, err) ||
	    db_prepare(db, "INSERT INTO dataelement(code) VALUES(?) ON CONFLICT(code) DO NOTHING",
		       &w->de_ins, err) ||
	    db_prepare(db, "SELECT id FROM dataelement WHERE code = ?", &w->de_get, err) ||
	    db_prepare(db, "SELECT id FROM indicator WHERE year = ? AND code = ?", &w->ind_get,
		       err) ||
	    db_prepare(db,
		       "UPDATE indicator SET project_id = ?, name = ?, unit = ?, kind = ?,"
		       " comparator = ?, aggregation = ?, de_id = ?, numerator_id = ?,"
		       " denominator_id = ? WHERE id = ?",
		       &w->ind_upd, err) ||
	    db_prepare(db,
		       "INSERT INTO indicator(project_id, year, code, name, unit, kind,"
		       " comparator, aggregation, de_id, numerator_id, denominator_id, seq)"
		       " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &w->ind_ins, err) ||
	    db_prepare(db, "DELETE FROM target WHERE indicator_id = ?", &w->tgt_del, err) ||
	    db_prepare(db,
		       "INSERT INTO target(indicator_id, orgunit_id, value, derived)"
		       " VALUES(?, ?, ?, 0)",
		       &w->tgt_ins, err) ||
	    db_prepare(db, "SELECT COALESCE(MAX(seq), 0) FROM indicator WHERE year = ?",
		       &w->seq_max, err) ||
	    db_prepare(db,
		       "DELETE FROM project WHERE year = ? AND id NOT IN"
		       " (SELECT project_id FROM indicator WHERE year = ?)",
		       &w->proj_gc, err)) {
		writer_close(w);
		return ERR_IO;
	}
	return 0;
}

/* Step a statement that returns no rows (or an id in column 0). */
static int step(struct writer *w, sqlite3_stmt *st, int64_t *id, struct error *err,
		const char *what)
{
	int rc = sqlite3_step(st);

	if (id)
		*id = 0;
	if (rc == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			rc = SQLITE_DONE; /* only the first row matters */
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(w->db, err, what);
	return 0;
}

static int dataelement_id(struct writer *w, const char *code, int64_t *id, struct error *err)
{
	sqlite3_bind_text(w->de_ins, 1, code, -1, SQLITE_STATIC);
	if (step(w, w->de_ins, NULL, err, "登记数据元素"))
		return ERR_IO;
	sqlite3_bind_text(w->de_get, 1, code, -1, SQLITE_STATIC);
	return step(w, w->de_get, id, err, "查询数据元素");
}

static int write_plan(struct db *db, struct plan_set *s, const size_t *by_ind,
		      struct plan_import_stats *stats, struct error *err)
{
	struct writer w;
	int64_t *ind_id = NULL, seq = 0;
	size_t i, g;
	int ret = 0, year = 0;
	bool year_known = false;
	size_t *first = NULL, nfirst = 0;

	if (writer_open(&w, db, err))
		return ERR_IO;
	ind_id = calloc(s->n ? s->n : 1, sizeof(*ind_id));
	first = malloc((s->n ? s->n : 1) * sizeof(*first));
	if (!ind_id || !first) {
		ret = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	/* The defining row of each indicator, in file order. */
	for (i = 0; i < s->n; i++)
		if (i == 0 || cmp_ind(&s->it[by_ind[i]], &s->it[by_ind[i - 1]]) != 0)
			first[nfirst++] = by_ind[i];
	for (i = 1; i < nfirst; i++) {
		size_t v = first[i], j = i;

		while (j > 0 && first[j - 1] > v) {
			first[j] = first[j - 1];
			j--;
		}
		first[j] = v;
	}

	for (g = 0; g < nfirst; g++) {
		const struct plan_row *r = &s->it[first[g]].row;
		int64_t pid, iid, de, num = 0, den = 0;

		if (!year_known || r->year != year) {
			year = r->year;
			year_known = true;
			sqlite3_bind_int(w.seq_max, 1, year);
			if ((ret = step(&w, w.seq_max, &seq, err, "查询指标顺序")))
				goto out;
		}
		/* Project: insert or retitle. */
		sqlite3_bind_int(w.proj_get, 1, r->year);
		sqlite3_bind_int(w.proj_get, 2, r->project_no);
		if ((ret = step(&w, w.proj_get, &pid, err, "查询项目")))
			goto out;
		if (pid) {
			sqlite3_bind_text(w.proj_upd, 1, r->project_title, -1, SQLITE_STATIC);
			sqlite3_bind_int64(w.proj_upd, 2, pid);
			if ((ret = step(&w, w.proj_upd, NULL, err, "更新项目")))
				goto out;
		} else {
			sqlite3_bind_int(w.proj_ins, 1, r->year);
			sqlite3_bind_int(w.proj_ins, 2, r->project_no);
			sqlite3_bind_text(w.proj_ins, 3, r->project_title, -1, SQLITE_STATIC);
			if ((ret = step(&w, w.proj_ins, NULL, err, "写入项目")))
				goto out;
			pid = sqlite3_last_insert_rowid(db_sqlite(db));
		}
		if ((ret = dataelement_id(&w, r->indicator, &de, err)))
			goto out;
		if (r->numerator[0] && ((ret = dataelement_id(&w, r->numerator, &num, err)) ||
					(ret = dataelement_id(&w, r->denominator, &den, err))))
			goto out;
		sqlite3_bind_int(w.ind_get, 1, r->year);
		sqlite3_bind_text(w.ind_get, 2, r->indicator, -1, SQLITE_STATIC);
		if ((ret = step(&w, w.ind_get, &iid, err, "查询指标")))
			goto out;
		if (iid) {
			sqlite3_stmt *u = w.ind_upd;

			sqlite3_bind_int64(u, 1, pid);
			sqlite3_bind_text(u, 2, r->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 3, r->unit, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 4, kind_name(r->kind), -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 5, r->comparator, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 6, agg_name(r->aggregation), -1, SQLITE_STATIC);
			sqlite3_bind_int64(u, 7, de);
			if (num) {
				sqlite3_bind_int64(u, 8, num);
				sqlite3_bind_int64(u, 9, den);
			} else {
				sqlite3_bind_null(u, 8);
				sqlite3_bind_null(u, 9);
			}
			sqlite3_bind_int64(u, 10, iid);
			if ((ret = step(&w, u, NULL, err, "更新指标")))
				goto out;
			sqlite3_bind_int64(w.tgt_del, 1, iid);
			if ((ret = step(&w, w.tgt_del, NULL, err, "删除旧目标")))
				goto out;
			stats->replaced++;
		} else {
			sqlite3_stmt *u = w.ind_ins;

			sqlite3_bind_int64(u, 1, pid);
			sqlite3_bind_int(u, 2, r->year);
			sqlite3_bind_text(u, 3, r->indicator, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 4, r->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 5, r->unit, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 6, kind_name(r->kind), -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 7, r->comparator, -1, SQLITE_STATIC);
			sqlite3_bind_text(u, 8, agg_name(r->aggregation), -1, SQLITE_STATIC);
			sqlite3_bind_int64(u, 9, de);
			if (num) {
				sqlite3_bind_int64(u, 10, num);
				sqlite3_bind_int64(u, 11, den);
			} else {
				sqlite3_bind_null(u, 10);
				sqlite3_bind_null(u, 11);
			}
			sqlite3_bind_int64(u, 12, ++seq);
			if ((ret = step(&w, u, NULL, err, "写入指标")))
				goto out;
			iid = sqlite3_last_insert_rowid(db_sqlite(db));
		}
		ind_id[first[g]] = iid;
		stats->indicators++;
	}
	/* Targets: every row takes its indicator's id from the defining row. */
	for (i = 0; i < s->n; i++) {
		const struct item *it;
		char text[DECIMAL_STRLEN];

		if (i > 0 && cmp_ind(&s->it[by_ind[i]], &s->it[by_ind[i - 1]]) == 0)
			ind_id[by_ind[i]] = ind_id[by_ind[i - 1]];
		it = &s->it[by_ind[i]];
		decimal_format(decimal_normalize(it->row.target), text, sizeof(text));
		sqlite3_bind_int64(w.tgt_ins, 1, ind_id[by_ind[i]]);
		sqlite3_bind_int64(w.tgt_ins, 2, it->unit_id);
		sqlite3_bind_text(w.tgt_ins, 3, text, -1, SQLITE_TRANSIENT);
		if ((ret = step(&w, w.tgt_ins, NULL, err, "写入目标")))
			goto out;
		stats->targets++;
	}
	/* Projects that lost their last indicator. */
	for (i = 0; i < s->n; i++) {
		if (i > 0 && s->it[i].row.year == s->it[i - 1].row.year)
			continue;
		sqlite3_bind_int(w.proj_gc, 1, s->it[i].row.year);
		sqlite3_bind_int(w.proj_gc, 2, s->it[i].row.year);
		if ((ret = step(&w, w.proj_gc, NULL, err, "清理项目")))
			goto out;
	}
out:
	free(ind_id);
	free(first);
	writer_close(&w);
	return ret;
}

static int import_reader(struct db *db, const char *name, struct csv_reader *rd,
			 const struct plan_import_opts *o, struct plan_import_stats *st,
			 tracker_note_fn note, void *ctx, struct error *err)
{
	struct notes nt = {name, note, ctx, err, 0, 0};
	struct plan_import_stats stats = {0};
	struct plan_set s = {0};
	struct csv_record rec;
	struct error e;
	size_t *by_ind = NULL, *by_unit = NULL, *by_proj = NULL, i;
	bool first = true, began = false;
	int ret = 0;

	error_clear(err);
	for (;;) {
		error_clear(&e);
		ret = csv_next(rd, &rec, &e);
		if (ret) {
			note_add(&nt, &e, false);
			goto out;
		}
		if (rec.n == 0)
			break;
		if (first) {
			first = false;
			if (plan_parse_header(&rec, name, &e)) {
				note_add(&nt, &e, false);
				ret = ERR_INPUT;
				goto out;
			}
			continue;
		}
		if (rec.n == 1 && rec.len[0] == 0)
			continue; /* a blank line holds no target */
		if ((long)s.n >= MAX_ROWS) {
			note_at(&nt, false, rec.line, 0, "too_many_rows", "行数超过上限 %ld",
				MAX_ROWS);
			break;
		}
		stats.rows++;
		ret = set_add(&s, &rec, name, &e);
		if (ret == ERR_NOMEM) {
			error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
		if (ret)
			note_add(&nt, &e, false);
	}
	ret = 0;
	if (first) {
		note_at(&nt, false, 1, 0, "bad_header", "文件为空，缺少表头");
	}
	if (nt.errors)
		goto input;

	by_ind = malloc((s.n ? s.n : 1) * sizeof(*by_ind));
	by_unit = malloc((s.n ? s.n : 1) * sizeof(*by_unit));
	by_proj = malloc((s.n ? s.n : 1) * sizeof(*by_proj));
	if (!by_ind || !by_unit || !by_proj) {
		ret = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	for (i = 0; i < s.n; i++)
		by_ind[i] = by_unit[i] = by_proj[i] = i;
	qsort_r(by_ind, s.n, sizeof(size_t), cmp_by_indicator, s.it);
	qsort_r(by_unit, s.n, sizeof(size_t), cmp_by_unit, s.it);
	qsort_r(by_proj, s.n, sizeof(size_t), cmp_by_project, s.it);
	check_definitions(&s, by_ind, &nt);
	check_projects(&s, by_proj, &nt);
	check_duplicates(&s, by_unit, &nt);
	if (nt.errors)
		goto input;

	if (db_begin(db, err)) {
		ret = ERR_IO;
		goto out;
	}
	began = true;
	ret = resolve_units(db, &s, &nt, err);
	if (ret)
		goto out;
	if (nt.errors)
		goto input;
	check_breakdown(&s, by_unit, o && o->allow_mismatch, &nt, &stats.mismatches);
	if (nt.errors)
		goto input;
	for (i = 0; i < s.n; i++)
		if (i == 0 || s.it[by_proj[i]].row.year != s.it[by_proj[i - 1]].row.year ||
		    s.it[by_proj[i]].row.project_no != s.it[by_proj[i - 1]].row.project_no)
			stats.projects++;
	ret = write_plan(db, &s, by_ind, &stats, err);
	if (ret)
		goto out;
	if (db_commit(db, err)) {
		ret = ERR_IO;
		goto out;
	}
	began = false;
	goto out;
input:
	ret = ERR_INPUT;
out:
	if (began)
		db_rollback(db);
	if (ret) {
		stats.indicators = stats.replaced = stats.targets = 0;
	}
	if (st)
		*st = stats;
	free(by_ind);
	free(by_unit);
	free(by_proj);
	set_free(&s);
	return ret;
}

int plan_import_file(struct db *db, const char *path, const struct plan_import_opts *o,
		     struct plan_import_stats *st, tracker_note_fn note, void *ctx,
		     struct error *err)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	int ret;

	opt.name = path;
	opt.encoding = o ? o->encoding : NULL;
	ret = csv_open_file(path, &opt, &r, err);
	if (ret)
		return ret;
	ret = import_reader(db, path, r, o, st, note, ctx, err);
	csv_close(r);
	return ret;
}

int plan_import_mem(struct db *db, const char *name, const char *data, size_t len,
		    const struct plan_import_opts *o, struct plan_import_stats *st,
		    tracker_note_fn note, void *ctx, struct error *err)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	int ret;

	opt.name = name;
	opt.encoding = o ? o->encoding : NULL;
	ret = csv_open_mem(data, len, &opt, &r, err);
	if (ret)
		return ret;
	ret = import_reader(db, name, r, o, st, note, ctx, err);
	csv_close(r);
	return ret;
}

/* ---- listing ---- */

static const char *col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

int plan_list(struct db *db, int year, int (*fn)(void *ctx, const struct plan_target *t), void *ctx,
	      struct error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (db_prepare(db,
		       "SELECT p.project_no, p.title, i.code, i.name, i.unit, i.kind,"
		       " i.comparator, t.value, u.code, u.name, i.aggregation,"
		       " COALESCE(n.code, ''), COALESCE(d.code, ''), t.derived"
		       " FROM indicator i JOIN project p ON p.id = i.project_id"
		       " JOIN target t ON t.indicator_id = i.id"
		       " JOIN orgunit u ON u.id = t.orgunit_id"
		       " LEFT JOIN dataelement n ON n.id = i.numerator_id"
		       " LEFT JOIN dataelement d ON d.id = i.denominator_id"
		       " WHERE i.year = ?"
		       " ORDER BY p.project_no, i.seq, u.level, u.code",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int(st, 1, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct plan_target t;

		t.year = year;
		t.project_no = sqlite3_column_int(st, 0);
		t.project_title = col_text(st, 1);
		t.indicator = col_text(st, 2);
		t.name = col_text(st, 3);
		t.unit = col_text(st, 4);
		t.kind = col_text(st, 5);
		t.comparator = col_text(st, 6);
		t.target = col_text(st, 7);
		t.orgunit = col_text(st, 8);
		t.orgunit_name = col_text(st, 9);
		t.aggregation = col_text(st, 10);
		t.numerator = col_text(st, 11);
		t.denominator = col_text(st, 12);
		t.derived = sqlite3_column_int(st, 13) != 0;
		ret = fn(ctx, &t);
		if (ret)
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = db_fail(db, err, "列出计划");
out:
	sqlite3_finalize(st);
	return ret;
}

int plan_mark_derived(struct db *db, int year, const char *indicator, const char *orgunit,
		      struct error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (db_prepare(db,
		       "UPDATE target SET derived = 1 WHERE"
		       " indicator_id = (SELECT id FROM indicator WHERE year = ? AND code = ?)"
		       " AND orgunit_id = (SELECT id FROM orgunit WHERE code = ?)",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, orgunit, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, err, "标记推算目标");
	if (sqlite3_changes(db_sqlite(db)) == 0)
		return error_set(err, ERR_INPUT, "%d年指标 '%s' 在单位 '%s' 没有目标", year,
				 indicator, orgunit);
	return 0;
}
