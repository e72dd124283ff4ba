/*
 * report.c - the progress report: reads the plan and the rolled-up values,
 * judges each indicator (completion, 序时进度, colours) and writes it as
 * JSON, text or CSV (see report.h and docs/report.md).
 *
 * A report reads a few hundred aggregate rows whatever the number of data
 * values: one datavalue_rollup row per (data element, unit) shown, kept up
 * to date by every import (values.c).
 */
#include "tracker/report.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/rollup.h"
#include "tracker/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- options, names ---- */

void report_opts_init(struct report_opts *o, int year)
{
	memset(o, 0, sizeof(*o));
	o->year = year;
	o->precision = 1;
	o->count_yellow_pp = decimal_from_int(10);
	o->rate_yellow_pp = decimal_from_int(2);
}

const char *report_colour_name(enum report_colour c)
{
	switch (c) {
	case REPORT_GREEN:
		return "green";
	case REPORT_YELLOW:
		return "yellow";
	case REPORT_RED:
		return "red";
	default:
		return "grey";
	}
}

const char *report_colour_zh(enum report_colour c)
{
	switch (c) {
	case REPORT_GREEN:
		return "绿";
	case REPORT_YELLOW:
		return "黄";
	case REPORT_RED:
		return "红";
	default:
		return "灰";
	}
}

static const char *const level_names[] = {"province", "city", "county", "township", "village"};
static const char *const level_zh[] = {"省", "市", "县", "乡", "村"};

int report_level_parse(const char *s, int *level)
{
	int i;

	if (!s)
		return ERR_INPUT;
	for (i = 0; i < 5; i++) {
		if (strcmp(s, level_names[i]) == 0 || (s[0] == '1' + i && s[1] == '\0')) {
			*level = i + 1;
			return 0;
		}
	}
	return ERR_INPUT;
}

const char *report_level_name(int level)
{
	return level >= 1 && level <= 5 ? level_names[level - 1] : NULL;
}

/* ---- judgement ---- */

/* A term of decimal_sum_sign: the product of n factors, subtracted when neg. */
static struct decimal_term term(bool neg, int n, struct decimal a, struct decimal b,
				struct decimal c, struct decimal d)
{
	struct decimal_term t = {.negative = neg, .n = n, .f = {a, b, c, d}};

	return t;
}

/*
 * Every judgement below is a sign of a sum of products of the exact figures
 * (decimal_sum_sign), computed in wide integers: it is exact for any
 * decimals, so no value the imports accept (values up to about 9.2×10^14,
 * targets up to 9.2×10^18 with up to 18 fraction digits, any yellow
 * threshold) can make it overflow. Only the printed figures (completion_pct,
 * diff_pp) are decimals of the precision; one that does not fit is left out
 * (out_of_range) and the colour is still judged.
 */
int report_judge(enum report_kind kind, enum report_cmp cmp, struct decimal num, struct decimal den,
		 struct decimal target, int64_t tp_num, int64_t tp_den, bool year_end,
		 const struct report_opts *o, struct report_item *item)
{
	static const struct decimal one = {1, 0}, hundred = {100, 0};
	struct decimal tn = decimal_from_int(tp_num), td = decimal_from_int(tp_den);
	bool den_one;
	int c;

	item->has_completion = item->has_diff = false;
	item->met = false;
	item->out_of_range = false;
	item->colour = REPORT_GREY;
	if (den.units <= 0 || tp_den <= 0 || tp_num < 0 || den.scale < 0 ||
	    den.scale > DECIMAL_MAX_SCALE || num.scale < 0 || num.scale > DECIMAL_MAX_SCALE ||
	    target.scale < 0 || target.scale > DECIMAL_MAX_SCALE)
		return ERR_INPUT;
	den_one = decimal_cmp(den, one) == 0;
	/* num / den against target: num vs target * den */
	c = decimal_cmp_mul(num, one, target, den);
	item->met = cmp == REPORT_GE ? c >= 0 : cmp == REPORT_LE ? c <= 0 : c == 0;
	if (kind == REPORT_COUNT) {
		if (!decimal_is_zero(target) && !decimal_is_negative(target)) {
			struct decimal_term n = term(false, 1, num, one, one, one);
			struct decimal_term d = term(false, 2, target, den, one, one);

			/* num / (target * den) * 100; a fast path when den is 1 */
			if (den_one
				? decimal_percent(num, target, o->precision, &item->completion_pct)
				: decimal_sum_div(&n, 1, &d, 2, o->precision,
						  &item->completion_pct))
				item->out_of_range = true;
			else
				item->has_completion = true;
		}
	} else {
		/* (num - target * den) / den */
		struct decimal_term n[2] = {term(false, 1, num, one, one, one),
					    term(true, 2, target, den, one, one)};
		struct decimal_term d = term(false, 1, den, one, one, one);
		struct decimal td_, gap;

		/* Fast paths in int64 first; the wide division when they do not fit. */
		if (den_one ? decimal_pp_diff(num, target, o->precision, &item->diff_pp)
			    : (decimal_mul(target, den, &td_) || decimal_sub(num, td_, &gap) ||
			       decimal_div(gap, den, o->precision, &item->diff_pp)) &&
				  decimal_sum_div(n, 2, &d, 0, o->precision, &item->diff_pp))
			item->out_of_range = true;
		else
			item->has_diff = true;
	}
	if (year_end) {
		item->colour = item->met ? REPORT_GREEN : REPORT_RED;
		return 0;
	}
	if (kind == REPORT_COUNT) {
		struct decimal y = o->count_yellow_pp;
		struct decimal_term t[3];
		int green, yellow;

		if (decimal_is_zero(target) || decimal_is_negative(target)) {
			/* no completion to set against 序时进度 */
			item->colour = item->met ? REPORT_GREEN : REPORT_RED;
			return 0;
		}
		/*
		 * On schedule: completion num / (target*den) against 序时进度
		 * tp_num / tp_den, i.e. num*tp_den - target*den*tp_num.
		 */
		t[0] = term(false, 2, num, td, one, one);
		t[1] = term(true, 3, target, den, tn, one);
		green = decimal_sum_sign(t, 2);
		/*
		 * Yellow edge: completion*tp_den vs (100*tp_num ∓ Y*tp_den), times
		 * target*den > 0: num*100*tp_den - 100*tp_num*target*den ± Y*tp_den*target*den.
		 */
		t[0] = term(false, 3, num, hundred, td, one);
		t[1] = term(true, 4, hundred, tn, target, den);
		t[2] = term(cmp == REPORT_LE, 4, y, td, target, den);
		yellow = decimal_sum_sign(t, 3);
		if (cmp == REPORT_LE)
			item->colour = green <= 0    ? REPORT_GREEN
				       : yellow <= 0 ? REPORT_YELLOW
						     : REPORT_RED;
		else
			item->colour = green >= 0    ? REPORT_GREEN
				       : yellow >= 0 ? REPORT_YELLOW
						     : REPORT_RED;
	} else {
		struct decimal y = o->rate_yellow_pp;
		struct decimal_term t[3];
		int hi, lo;

		if (item->met) {
			item->colour = REPORT_GREEN;
			return 0;
		}
		/* |num/den - target| <= Y: -Y*den <= num - target*den <= Y*den */
		t[0] = term(false, 1, num, one, one, one);
		t[1] = term(true, 2, target, den, one, one);
		t[2] = term(true, 2, y, den, one, one);
		hi = decimal_sum_sign(t, 3);
		t[2].negative = false;
		lo = decimal_sum_sign(t, 3);
		item->colour = hi <= 0 && lo >= 0 ? REPORT_YELLOW : REPORT_RED;
	}
	return 0;
}

/* ---- storage of a report ---- */

struct arena {
	struct arena *next;
	size_t used, cap;
	char data[];
};

struct report_priv {
	struct arena *arena;
	struct report_item *unit_rows; /* all per-unit rows, one block */
};

static const char *keep(struct report *r, const char *s)
{
	struct report_priv *p = r->priv_;
	size_t n = strlen(s) + 1;
	struct arena *a = p->arena;

	if (!a || a->cap - a->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = p->arena;
		a->used = 0;
		a->cap = cap;
		p->arena = a;
	}
	memcpy(a->data + a->used, s, n);
	a->used += n;
	return a->data + a->used - n;
}

void report_free(struct report *r)
{
	struct report_priv *p;

	if (!r)
		return;
	p = r->priv_;
	if (p) {
		while (p->arena) {
			struct arena *n = p->arena->next;

			free(p->arena);
			p->arena = n;
		}
		free(p->unit_rows);
		free(p);
	}
	free(r->items);
	free(r);
}

/* ---- building ---- */

struct unit {
	int64_t id;
	const char *code, *name, *parent;
	int level;
};

struct ind {
	int64_t id, de, num, den;
	bool has_num;
};

static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	return t ? t : "";
}

/* Roots named in the error for a database with several: at most this many. */
#define ROOTS_NAMED 5
/* Characters of a root's name in that error: the rest is cut (…). */
#define ROOT_NAME_CHARS 20
/* Bytes the list of roots may take in the error: with its head, 等 and
 * the longest codes it stays within struct error's message. */
#define ROOTS_BYTES 360

/*
 * "、41（河南省）" into roots, the name cut at ROOT_NAME_CHARS characters,
 * unless the list would grow past ROOTS_BYTES: then false (nothing added).
 */
static bool add_root(struct buf *roots, bool first, const char *code, const char *name)
{
	char piece[ORGUNIT_CODE_MAX * 2 + ROOT_NAME_CHARS * 4 + 16];
	size_t len = 0, chars = 0;

	while (name[len]) {
		if (((unsigned char)name[len] & 0xC0) != 0x80 && chars++ == ROOT_NAME_CHARS)
			break;
		len++;
	}
	snprintf(piece, sizeof(piece), "%s%.*s（%.*s%s）", first ? "" : "、", ORGUNIT_CODE_MAX,
		 code, (int)len, name, name[len] ? "…" : "");
	if (strlen(buf_str(roots)) + strlen(piece) > ROOTS_BYTES)
		return false;
	return buf_adds(roots, piece) == 0;
}

/*
 * The report's unit: code, or the root when code is NULL. Several roots
 * (two provinces, a test tree beside the real one) and no code is
 * ERR_USAGE naming them: the caller has to say which one (--orgunit).
 */
static int find_root(struct db *db, struct report *r, const char *code, struct unit *u, char *path,
		     size_t pathn, struct error *err)
{
	sqlite3_stmt *st;
	struct buf roots;
	bool cut = false;
	int rc, n = 0;

	if (db_prepare(db,
		       code ? "SELECT o.id, o.code, o.name, o.level, o.path,"
			      " coalesce(p.code, '') FROM orgunit o"
			      " LEFT JOIN orgunit p ON p.id = o.parent_id WHERE o.code = ?"
			    : "SELECT o.id, o.code, o.name, o.level, o.path, ''"
			      " FROM orgunit o WHERE o.parent_id IS NULL ORDER BY o.code",
		       &st, err))
		return ERR_IO;
	if (code)
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	buf_init(&roots, 4096);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < ROOTS_NAMED && !cut)
			cut = !add_root(&roots, n == 0, col_text(st, 1), col_text(st, 2));
		if (n++)
			continue;
		u->id = sqlite3_column_int64(st, 0);
		u->code = keep(r, col_text(st, 1));
		u->name = keep(r, col_text(st, 2));
		u->level = sqlite3_column_int(st, 3);
		snprintf(path, pathn, "%s", col_text(st, 4));
		u->parent = keep(r, col_text(st, 5));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rc = db_fail(db, err, "读取单位");
	else if (n == 0)
		rc = code ? error_set(err, ERR_INPUT, "未知的单位代码 '%s'", code)
			  : error_set(err, ERR_INPUT, "数据库中没有组织机构，请先导入单位");
	else if (n > 1)
		/* what to do first: a long list must not push it out */
		rc = error_set(err, ERR_USAGE, "有 %d 个根单位，请用 --orgunit 指定其中一个：%s%s",
			       n, buf_str(&roots), cut || n > ROOTS_NAMED ? "等" : "");
	else if (!u->code || !u->name || !u->parent)
		rc = error_set(err, ERR_NOMEM, "内存不足");
	else
		rc = 0;
	buf_free(&roots);
	return rc;
}

static int load_units(struct db *db, struct report *r, int level, const char *path,
		      struct unit **out, size_t *n, struct error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(db,
		       "SELECT o.id, o.code, o.name, o.level, coalesce(p.code, '')"
		       " FROM orgunit o LEFT JOIN orgunit p ON p.id = o.parent_id"
		       " WHERE o.level = ? AND substr(o.path, 1, length(?2)) = ?2"
		       " ORDER BY o.code",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct unit *u;

		if (*n == cap) {
			struct unit *nu;

			cap = cap ? cap * 2 : 64;
			nu = realloc(*out, cap * sizeof(**out));
			if (!nu) {
				rc = SQLITE_NOMEM;
				break;
			}
			*out = nu;
		}
		u = &(*out)[(*n)++];
		u->id = sqlite3_column_int64(st, 0);
		u->code = keep(r, col_text(st, 1));
		u->name = keep(r, col_text(st, 2));
		u->level = sqlite3_column_int(st, 3);
		u->parent = keep(r, col_text(st, 4));
		if (!u->code || !u->name || !u->parent) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_NOMEM)
		return error_set(err, ERR_NOMEM, "内存不足");
	if (rc != SQLITE_DONE)
		return db_fail(db, err, "读取单位");
	return 0;
}

struct ctx {
	struct db *db;
	const struct report_opts *o;
	struct report *r;
	struct values_reader *vr;
	sqlite3_stmt *tgt;
	int k; /* year-to-date window: months 1..k */
	int64_t tp_num, tp_den;
};

static int ytd(struct ctx *c, int64_t de, int64_t ou, bool last, bool own_only, bool *present,
	       struct decimal *out, struct error *err)
{
	struct rollup_agg a;
	int64_t v;
	int rc;

	if ((rc = values_reader_agg(c->vr, de, ou, c->o->year, own_only, &a, err)))
		return rc;
	if (rollup_ytd(&a, last, c->k, present, &v))
		return error_set(err, ERR_INPUT, "汇总超出数值范围");
	*out = decimal_normalize((struct decimal){v, ROLLUP_SCALE});
	return 0;
}

/* Fill the unit, target, actual and judgement of one item. */
static int judge_at(struct ctx *c, const struct ind *ind, struct report_item *it,
		    const struct unit *u, struct error *err)
{
	const struct report_opts *o = c->o;
	struct decimal num, den;
	bool last = strcmp(it->aggregation, "last") == 0;
	int rc;

	it->orgunit = u->code;
	it->orgunit_name = u->name;
	it->orgunit_level = u->level;
	it->parent = u->parent;
	it->has_target = it->has_actual = it->has_fraction = false;
	it->has_completion = it->has_diff = it->met = false;
	it->out_of_range = it->rate_out_of_range = false;
	it->colour = REPORT_GREY;
	it->n_units = 0;
	it->units = NULL;

	sqlite3_bind_int64(c->tgt, 1, ind->id);
	sqlite3_bind_int64(c->tgt, 2, u->id);
	rc = sqlite3_step(c->tgt);
	if (rc == SQLITE_ROW) {
		const char *t = col_text(c->tgt, 0);
		struct error e;

		if (decimal_parse(t, strlen(t), &it->target, &e)) {
			sqlite3_reset(c->tgt);
			return error_set(err, ERR_INPUT, "指标 '%s' 在单位 '%s' 的目标值无效 '%s'",
					 it->indicator, u->code, t);
		}
		it->target = decimal_normalize(it->target);
		it->has_target = true;
	}
	sqlite3_reset(c->tgt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(c->db, err, "读取目标");

	if (ind->has_num) {
		struct decimal n, d;
		bool pn, pd;

		if ((rc = ytd(c, ind->num, u->id, last, false, &pn, &n, err)) ||
		    (rc = ytd(c, ind->den, u->id, last, false, &pd, &d, err)))
			return rc;
		if (pn && pd && decimal_cmp(d, decimal_from_int(0)) > 0) {
			it->has_fraction = true;
			it->numerator = n;
			it->denominator = d;
			it->has_actual = true;
			/* The rate n / d * 100; one too large for a decimal at the
			 * precision (a huge numerator over a tiny denominator) is
			 * left out, the rate is still judged on n and d. */
			if (decimal_percent(n, d, o->precision, &it->actual)) {
				it->actual = decimal_from_int(0);
				it->rate_out_of_range = true;
			}
			/* Judged as n / (d / 100): exact, n * 100 need not fit. */
			num = n;
			den = d;
			den.scale += 2;
			if (den.scale > DECIMAL_MAX_SCALE)
				return error_set(err, ERR_INPUT, "指标 '%s' 的分母精度超出范围",
						 it->indicator);
		}
	} else {
		bool p;

		/* A plain rate is the unit's own figure: rates are never summed. */
		if ((rc = ytd(c, ind->de, u->id, last, it->kind == REPORT_RATE, &p, &num, err)))
			return rc;
		if (p) {
			it->actual = num;
			it->has_actual = true;
			den = decimal_from_int(1);
		}
	}
	if (!it->has_actual || !it->has_target)
		return 0;
	if (report_judge(it->kind, it->cmp, num, den, it->target, c->tp_num, c->tp_den,
			 c->r->year_end, o, it))
		return error_set(err, ERR_INPUT, "指标 '%s' 的完成率超出数值范围", it->indicator);
	return 0;
}

/* 考核排名 order. A figure too large to print still ranks (out_of_range). */
static int rank_group(const struct report_item *it)
{
	if (it->has_completion || it->has_diff || it->out_of_range)
		return 0;
	return it->has_actual ? 1 : 2;
}

/* The judged value of a row as num / den (den > 0): n*100 / d for a formula rate. */
static void rank_fraction(const struct report_item *it, struct decimal *num, struct decimal *den)
{
	if (it->has_fraction) {
		*num = it->numerator;
		*den = it->denominator;
		den->scale += 2; /* n / (d / 100); d has at most 4 fraction digits */
	} else {
		*num = it->actual;
		*den = decimal_from_int(1);
	}
}

static int cmp_rank(const void *pa, const void *pb)
{
	static const struct decimal one = {1, 0};
	const struct report_item *a = pa, *b = pb;
	int ga = rank_group(a), gb = rank_group(b);
	/* best first: the highest completion or diff, but for a cap (<=) the lowest */
	int best = a->cmp == REPORT_LE ? 1 : -1;
	struct decimal na, da, nb, db;
	struct decimal_term t[4];
	int c;

	if (ga != gb)
		return ga < gb ? -1 : 1;
	rank_fraction(a, &na, &da);
	rank_fraction(b, &nb, &db);
	if (ga == 0 && a->kind == REPORT_COUNT) {
		/*
		 * Exact (decimal_sum_sign, no overflow): completion na / (ta*da)
		 * vs nb / (tb*db), targets > 0 (or a completion too large to
		 * print, target > 0 too): na*tb*db - nb*ta*da.
		 */
		t[0] = (struct decimal_term){false, 3, {na, b->target, db, one}};
		t[1] = (struct decimal_term){true, 3, {nb, a->target, da, one}};
		c = decimal_sum_sign(t, 2);
		if (c)
			return best * c;
	} else if (ga == 0) {
		/* diff (na - ta*da)/da vs (nb - tb*db)/db, times da*db > 0 */
		t[0] = (struct decimal_term){false, 2, {na, db, one, one}};
		t[1] = (struct decimal_term){true, 3, {a->target, da, db, one}};
		t[2] = (struct decimal_term){true, 2, {nb, da, one, one}};
		t[3] = (struct decimal_term){false, 3, {b->target, db, da, one}};
		c = decimal_sum_sign(t, 4);
		if (c)
			return best * c;
	} else if (ga == 1) {
		/* the actual, highest first: na/da vs nb/db */
		c = decimal_cmp_mul(na, db, nb, da);
		if (c)
			return -c;
	}
	return strcmp(a->orgunit, b->orgunit);
}

/*
 * Data values come for whole months (and the quarters, halves and years
 * they make up): a week or a day can only be reported as of the last month
 * that ended in it, and 序时进度 is taken at that month's end, so that the
 * actuals and the schedule cover the same part of the year.
 */
int report_data_period(const struct period *p, struct period *out, struct error *err)
{
	char text[PERIOD_STRLEN];
	int k;

	if (p->type != PERIOD_WEEK && p->type != PERIOD_DAY) {
		*out = *p;
		return 0;
	}
	k = rollup_window(p->year, p);
	if (k == 0) {
		period_format(p, text, sizeof(text));
		return error_set(
		    err, ERR_USAGE,
		    "周期 '%s' 结束时 %d 年还没有过完一个整月：数据值按月、季、半年和年"
		    "上报，无从统计；最早可报告 %d01（1月底）",
		    text, p->year, p->year);
	}
	out->type = PERIOD_MONTH;
	out->year = p->year;
	out->index = k;
	return 0;
}

int report_build(struct db *db, const struct report_opts *o, struct report **out, struct error *err)
{
	struct report *r = NULL;
	struct report_priv *priv;
	struct ctx c;
	struct unit root, *units = NULL;
	struct ind *inds = NULL;
	size_t n_units = 0, cap = 0, i, j;
	sqlite3_stmt *st = NULL;
	char path[512];
	struct decimal tp;
	bool own_tx = false;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if (o->year < 1900 || o->year > 9999)
		return error_set(err, ERR_INPUT, "年份无效：%d", o->year);
	if (o->precision < 0 || o->precision > 4)
		return error_set(err, ERR_INPUT, "精度应为 0 到 4");
	if (o->has_period && o->period.year != o->year)
		return error_set(err, ERR_INPUT, "周期不在 %d 年内", o->year);
	if (decimal_is_negative(o->count_yellow_pp) || decimal_is_negative(o->rate_yellow_pp))
		return error_set(err, ERR_INPUT, "黄色阈值不能为负");
	r = calloc(1, sizeof(*r));
	priv = calloc(1, sizeof(*priv));
	if (!r || !priv) {
		free(r);
		free(priv);
		return error_set(err, ERR_NOMEM, "内存不足");
	}
	r->priv_ = priv;
	r->year = o->year;
	r->period = o->has_period ? o->period : period_year(o->year);
	period_format(&r->period, r->period_text, sizeof(r->period_text));
	r->precision = o->precision;
	r->by_level = o->by_level;
	if ((rc = report_data_period(&r->period, &r->data_period, err)))
		goto out;
	period_format(&r->data_period, r->data_period_text, sizeof(r->data_period_text));
	/* 序时进度 at the end of the data's window, not of a week or a day */
	period_elapsed(&r->data_period, &c.tp_num, &c.tp_den);
	r->year_end = c.tp_num >= c.tp_den;
	if (decimal_percent(decimal_from_int(c.tp_num), decimal_from_int(c.tp_den), o->precision,
			    &tp)) {
		rc = error_set(err, ERR_INPUT, "序时进度无法计算");
		goto out;
	}
	r->time_progress_pct = decimal_normalize(tp);
	c.db = db;
	c.o = o;
	c.r = r;
	c.k = rollup_window(o->year, &r->data_period);

	/* One read transaction: a consistent snapshot, and one lock instead
	 * of one per statement. */
	if (sqlite3_get_autocommit(db_sqlite(db))) {
		if ((rc = db_exec(db, "BEGIN", err)))
			goto out;
		own_tx = true;
	}
	if ((rc = find_root(db, r, o->orgunit, &root, path, sizeof(path), err)))
		goto out;
	r->orgunit = root.code;
	r->orgunit_name = root.name;
	r->orgunit_level = root.level;
	r->parent = root.parent;
	if (o->by_level) {
		if (o->by_level < 1 || o->by_level > 5 || o->by_level <= root.level) {
			rc = error_set(
			    err, ERR_INPUT, "分级层级应低于单位 '%s' 的层级（%s级）", root.code,
			    level_zh[root.level >= 1 && root.level <= 5 ? root.level - 1 : 0]);
			goto out;
		}
		if ((rc = load_units(db, r, o->by_level, path, &units, &n_units, err)))
			goto out;
	}

	/* The indicators of the year, in plan order. */
	if ((rc = db_prepare(db,
			     "SELECT i.id, p.project_no, p.title, i.code, i.name, i.unit,"
			     " i.kind, i.comparator, i.aggregation, i.de_id,"
			     " i.numerator_id, i.denominator_id"
			     " FROM indicator i JOIN project p ON p.id = i.project_id"
			     " WHERE i.year = ?1 AND (?2 IS NULL OR i.code = ?2)"
			     " ORDER BY p.project_no, i.seq, i.code",
			     &st, err)))
		goto out;
	sqlite3_bind_int(st, 1, o->year);
	if (o->indicator)
		sqlite3_bind_text(st, 2, o->indicator, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_item *it;
		struct ind *id;

		if (r->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct report_item *ni = realloc(r->items, nc * sizeof(*ni));
			struct ind *nd;

			if (!ni) {
				rc = SQLITE_NOMEM;
				break;
			}
			r->items = ni;
			nd = realloc(inds, nc * sizeof(*nd));
			if (!nd) {
				rc = SQLITE_NOMEM;
				break;
			}
			inds = nd;
			cap = nc;
		}
		it = &r->items[r->n];
		id = &inds[r->n];
		memset(it, 0, sizeof(*it));
		id->id = sqlite3_column_int64(st, 0);
		it->project_no = sqlite3_column_int(st, 1);
		it->project_title = keep(r, col_text(st, 2));
		it->indicator = keep(r, col_text(st, 3));
		it->name = keep(r, col_text(st, 4));
		it->unit = keep(r, col_text(st, 5));
		it->kind = strcmp(col_text(st, 6), "rate") == 0 ? REPORT_RATE : REPORT_COUNT;
		it->kind_text = it->kind == REPORT_RATE ? "rate" : "count";
		it->comparator = strcmp(col_text(st, 7), "<=") == 0  ? "<="
				 : strcmp(col_text(st, 7), "=") == 0 ? "="
								     : ">=";
		it->cmp = it->comparator[0] == '<'   ? REPORT_LE
			  : it->comparator[0] == '=' ? REPORT_EQ
						     : REPORT_GE;
		it->aggregation = strcmp(col_text(st, 8), "last") == 0 ? "last" : "sum";
		id->de = sqlite3_column_int64(st, 9);
		id->has_num = sqlite3_column_type(st, 10) != SQLITE_NULL &&
			      sqlite3_column_type(st, 11) != SQLITE_NULL;
		id->num = sqlite3_column_int64(st, 10);
		id->den = sqlite3_column_int64(st, 11);
		it->formula = id->has_num;
		if (!it->project_title || !it->indicator || !it->name || !it->unit) {
			rc = SQLITE_NOMEM;
			break;
		}
		r->n++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_NOMEM) {
		rc = error_set(err, ERR_NOMEM, "内存不足");
		goto out;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail(db, err, "读取指标");
		goto out;
	}
	if (o->indicator && r->n == 0) {
		rc = error_set(err, ERR_INPUT, "%d 年没有指标 '%s'", o->year, o->indicator);
		goto out;
	}

	if ((rc = values_reader_open(db, &c.vr, err)) ||
	    (rc = db_prepare(db,
			     "SELECT value FROM target WHERE indicator_id = ? AND orgunit_id = ?",
			     &c.tgt, err)))
		goto out;
	if (n_units && r->n) {
		if (n_units > SIZE_MAX / r->n / sizeof(struct report_item)) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
		priv->unit_rows = calloc(n_units * r->n, sizeof(struct report_item));
		if (!priv->unit_rows) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
	}
	for (i = 0; i < r->n; i++) {
		struct report_item *it = &r->items[i];

		if ((rc = judge_at(&c, &inds[i], it, &root, err)))
			goto out;
		r->summary.indicators++;
		r->summary.met += it->met;
		switch (it->colour) {
		case REPORT_GREEN:
			r->summary.green++;
			break;
		case REPORT_YELLOW:
			r->summary.yellow++;
			break;
		case REPORT_RED:
			r->summary.red++;
			break;
		default:
			r->summary.grey++;
		}
		if (!n_units)
			continue;
		it->units = &priv->unit_rows[i * n_units];
		it->n_units = n_units;
		for (j = 0; j < n_units; j++) {
			struct report_item *ut = &it->units[j];

			*ut = *it;
			if ((rc = judge_at(&c, &inds[i], ut, &units[j], err)))
				goto out;
		}
		qsort(it->units, n_units, sizeof(*it->units), cmp_rank);
	}
	rc = 0;
	*out = r;
	r = NULL;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(c.tgt);
	values_reader_close(c.vr);
	if (own_tx)
		db_rollback(db); /* read only: nothing to keep */
	free(units);
	free(inds);
	report_free(r);
	return rc;
}

/* ---- writers ---- */

/* The actual is printed unless it is a formula rate too large to be given. */
static bool actual_given(const struct report_item *it)
{
	return it->has_actual && !it->rate_out_of_range;
}

static int json_str(struct buf *b, const char *s)
{
	int rc = buf_addc(b, '"');

	for (; *s && !rc; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			rc = buf_addc(b, '\\') || buf_addc(b, (char)ch);
		else if (ch < 0x20)
			rc = buf_printf(b, "\\u%04x", ch);
		else
			rc = buf_addc(b, (char)ch);
	}
	return rc ? rc : buf_addc(b, '"');
}

static int json_dec(struct buf *b, bool has, struct decimal d)
{
	char t[DECIMAL_STRLEN];
	size_t n;

	if (!has)
		return buf_adds(b, "null");
	n = decimal_format(d, t, sizeof(t));
	return buf_add(b, t, n);
}

static int json_unit_row(struct buf *b, const struct report_item *u)
{
	int rc = 0;

	rc |= buf_adds(b, "{\"orgunit\":");
	rc |= json_str(b, u->orgunit);
	rc |= buf_adds(b, ",\"name\":");
	rc |= json_str(b, u->orgunit_name);
	rc |= buf_adds(b, ",\"target\":");
	rc |= json_dec(b, u->has_target, u->target);
	rc |= buf_adds(b, ",\"actual\":");
	rc |= json_dec(b, actual_given(u), u->actual);
	rc |= buf_adds(b, ",\"completion_pct\":");
	rc |= json_dec(b, u->has_completion, u->completion_pct);
	rc |= buf_adds(b, ",\"diff_pp\":");
	rc |= json_dec(b, u->has_diff, u->diff_pp);
	rc |= buf_printf(b, ",\"met\":%s,\"colour\":\"%s\"}", u->met ? "true" : "false",
			 report_colour_name(u->colour));
	return rc;
}

int report_write_json(const struct report *r, struct buf *b)
{
	size_t i, j;
	int rc = 0;

	rc |= buf_printf(b, "{\"year\":%d,\"period\":", r->year);
	rc |= json_str(b, r->period_text);
	if (r->period.type == PERIOD_WEEK || r->period.type == PERIOD_DAY) {
		/* the month whose end the figures are as of (docs/report.md) */
		rc |= buf_adds(b, ",\"data_period\":");
		rc |= json_str(b, r->data_period_text);
	}
	rc |= buf_adds(b, ",\"orgunit\":");
	rc |= json_str(b, r->orgunit);
	rc |= buf_adds(b, ",\"time_progress_pct\":");
	rc |= json_dec(b, true, r->time_progress_pct);
	rc |= buf_adds(b, ",\"indicators\":[");
	for (i = 0; i < r->n && !rc; i++) {
		const struct report_item *it = &r->items[i];

		rc |= buf_printf(b, "%s{\"project_no\":%d,\"project_title\":", i ? "," : "",
				 it->project_no);
		rc |= json_str(b, it->project_title);
		rc |= buf_adds(b, ",\"indicator\":");
		rc |= json_str(b, it->indicator);
		rc |= buf_adds(b, ",\"name\":");
		rc |= json_str(b, it->name);
		rc |= buf_adds(b, ",\"unit\":");
		rc |= json_str(b, it->unit);
		rc |= buf_printf(b, ",\"kind\":\"%s\",\"comparator\":\"%s\",\"target\":",
				 it->kind_text, it->comparator);
		rc |= json_dec(b, it->has_target, it->target);
		rc |= buf_adds(b, ",\"actual\":");
		rc |= json_dec(b, actual_given(it), it->actual);
		rc |= buf_adds(b, ",\"completion_pct\":");
		rc |= json_dec(b, it->has_completion, it->completion_pct);
		rc |= buf_adds(b, ",\"diff_pp\":");
		rc |= json_dec(b, it->has_diff, it->diff_pp);
		rc |= buf_printf(b, ",\"met\":%s,\"colour\":\"%s\"", it->met ? "true" : "false",
				 report_colour_name(it->colour));
		if (r->by_level) {
			rc |= buf_adds(b, ",\"units\":[");
			for (j = 0; j < it->n_units && !rc; j++) {
				if (j)
					rc |= buf_addc(b, ',');
				rc |= json_unit_row(b, &it->units[j]);
			}
			rc |= buf_addc(b, ']');
		}
		rc |= buf_addc(b, '}');
	}
	rc |= buf_printf(b, "],\"summary\":{\"indicators\":%zu,\"met\":%zu}}\n",
			 r->summary.indicators, r->summary.met);
	return rc ? ERR_INPUT : 0;
}

/* Display width of UTF-8 text in a terminal (CJK and fullwidth count 2). */
static size_t disp_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t cp;
		int n;

		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			n = 2;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				n = i;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		p += n;
		w += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
			     (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
			     (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
			     (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000
			 ? 2
			 : 1;
	}
	return w;
}

#define TCOLS 8

struct table {
	size_t rows, cap;
	char **cell; /* rows * TCOLS */
	bool right[TCOLS];
};

static int table_add(struct table *t, const char *const *v)
{
	size_t i;

	if (t->rows == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 32;
		char **n = realloc(t->cell, nc * TCOLS * sizeof(*n));

		if (!n)
			return ERR_NOMEM;
		t->cell = n;
		t->cap = nc;
	}
	for (i = 0; i < TCOLS; i++) {
		t->cell[t->rows * TCOLS + i] = strdup(v[i] ? v[i] : "");
		if (!t->cell[t->rows * TCOLS + i])
			return ERR_NOMEM;
	}
	t->rows++;
	return 0;
}

static int table_write(struct table *t, struct buf *b, const char *indent)
{
	size_t w[TCOLS] = {0}, i, j;
	int rc = 0;

	for (i = 0; i < t->rows; i++)
		for (j = 0; j < TCOLS; j++) {
			size_t x = disp_width(t->cell[i * TCOLS + j]);

			if (x > w[j])
				w[j] = x;
		}
	for (i = 0; i < t->rows && !rc; i++) {
		size_t last = TCOLS;

		while (last > 0 && t->cell[i * TCOLS + last - 1][0] == '\0' && !t->right[last - 1])
			last--;
		rc |= buf_adds(b, indent);
		for (j = 0; j < last; j++) {
			const char *s = t->cell[i * TCOLS + j];
			size_t pad = w[j] - disp_width(s), k;

			if (j)
				rc |= buf_adds(b, "  ");
			if (t->right[j])
				for (k = 0; k < pad; k++)
					rc |= buf_addc(b, ' ');
			rc |= buf_adds(b, s);
			if (!t->right[j] && j + 1 < last)
				for (k = 0; k < pad; k++)
					rc |= buf_addc(b, ' ');
		}
		rc |= buf_addc(b, '\n');
	}
	for (i = 0; i < t->rows * TCOLS; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->rows = t->cap = 0;
	return rc;
}

static void fmt_dec(char *out, size_t n, bool has, struct decimal d, const char *suffix)
{
	char t[DECIMAL_STRLEN];

	if (!has) {
		snprintf(out, n, "—");
		return;
	}
	decimal_format(d, t, sizeof(t));
	snprintf(out, n, "%s%s", t, suffix);
}

static void result_text(char *out, size_t n, const struct report_item *it)
{
	char t[DECIMAL_STRLEN];

	if (it->has_completion) {
		decimal_format(it->completion_pct, t, sizeof(t));
		snprintf(out, n, "%s%%", t);
	} else if (it->has_diff) {
		decimal_format(it->diff_pp, t, sizeof(t));
		/* a diff rounding to 0 gets no sign: "+0.0" would claim above target */
		snprintf(
		    out, n, "%s%s个百分点",
		    decimal_is_negative(it->diff_pp) || decimal_is_zero(it->diff_pp) ? "" : "+", t);
	} else if (it->out_of_range) {
		snprintf(out, n, "超出数值范围");
	} else {
		snprintf(out, n, "—");
	}
}

static int item_row(struct table *t, const struct report_item *it, const char *first,
		    const char *second)
{
	char target[64], actual[64], res[64];
	const char *row[TCOLS];
	const char *suffix = strcmp(it->unit, "%") == 0 ? "%" : "";

	fmt_dec(target, sizeof(target), it->has_target, it->target, suffix);
	fmt_dec(actual, sizeof(actual), actual_given(it), it->actual, suffix);
	if (it->rate_out_of_range)
		snprintf(actual, sizeof(actual), "超出数值范围");
	result_text(res, sizeof(res), it);
	row[0] = first;
	row[1] = second;
	row[2] = it->unit;
	row[3] = target;
	row[4] = actual;
	row[5] = res;
	row[6] = !it->has_actual || !it->has_target ? "—" : it->met ? "是" : "否";
	row[7] = report_colour_zh(it->colour);
	return table_add(t, row);
}

int report_write_text(const struct report *r, struct buf *b)
{
	static const char *const head[TCOLS] = {"项目", "指标",	       "单位", "目标",
						"实际", "完成率/差值", "达标", "颜色"};
	struct table t;
	char tp[DECIMAL_STRLEN], title[256];
	size_t i, j;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	t.right[3] = t.right[4] = t.right[5] = true;
	decimal_format(r->time_progress_pct, tp, sizeof(tp));
	rc |= buf_printf(b, "%s（%s）%d年民生实事进度报告\n", r->orgunit_name, r->orgunit, r->year);
	if (r->year_end)
		rc |= buf_printf(b, "统计期：%s（全年）  序时进度：%s%%\n\n", r->period_text, tp);
	else if (r->period.type == PERIOD_WEEK || r->period.type == PERIOD_DAY)
		rc |= buf_printf(b, "统计期：%s（数据截至%d月底，%s）  序时进度：%s%%\n\n",
				 r->period_text, r->data_period.index, r->data_period_text, tp);
	else
		rc |= buf_printf(b, "统计期：%s  序时进度：%s%%\n\n", r->period_text, tp);
	if (r->n == 0) {
		rc |= buf_printf(b, "%d年没有民生实事指标。\n", r->year);
		return rc ? ERR_INPUT : 0;
	}
	rc |= table_add(&t, head);
	for (i = 0; i < r->n && !rc; i++) {
		const struct report_item *it = &r->items[i];

		snprintf(title, sizeof(title), "%d. %s", it->project_no, it->project_title);
		rc |=
		    item_row(&t, it, i && r->items[i - 1].project_no == it->project_no ? "" : title,
			     it->name);
	}
	rc |= table_write(&t, b, "");
	rc |= buf_printf(b, "\n共 %zu 项指标，已完成 %zu 项（绿 %zu，黄 %zu，红 %zu，灰 %zu）。\n",
			 r->summary.indicators, r->summary.met, r->summary.green, r->summary.yellow,
			 r->summary.red, r->summary.grey);
	if (!r->by_level)
		return rc ? ERR_INPUT : 0;
	for (i = 0; i < r->n && !rc; i++) {
		const struct report_item *it = &r->items[i];
		static const char *const uhead[TCOLS] = {"排名", "单位",	"单位", "目标",
							 "实际", "完成率/差值", "达标", "颜色"};
		const char *h[TCOLS];

		memcpy(h, uhead, sizeof(h));
		h[2] = "计量";
		rc |= buf_printf(b, "\n%s（按%s级排名）\n", it->name, level_zh[r->by_level - 1]);
		t.right[0] = true;
		rc |= table_add(&t, h);
		for (j = 0; j < it->n_units && !rc; j++) {
			char rank[32];

			snprintf(rank, sizeof(rank), "%zu", j + 1);
			rc |= item_row(&t, &it->units[j], rank, it->units[j].orgunit_name);
		}
		rc |= table_write(&t, b, "  ");
	}
	return rc ? ERR_INPUT : 0;
}

static int csv_dec(struct buf *b, bool has, struct decimal d)
{
	char t[DECIMAL_STRLEN];
	size_t n;

	if (!has)
		return 0;
	n = decimal_format(d, t, sizeof(t));
	return buf_add(b, t, n);
}

static int csv_str(struct buf *b, const char *s,
		   int (*text)(struct buf *b, const char *s, size_t len))
{
	if (text)
		return text(b, s, strlen(s)) != 0;
	return csv_write_field(b, s, strlen(s));
}

static int csv_item(const struct report *r, struct buf *b, const struct report_item *it,
		    size_t rank, int (*text)(struct buf *b, const char *s, size_t len))
{
	int rc = 0;

	rc |= buf_printf(b, "%d,%s,", r->year, r->period_text);
	rc |= csv_str(b, it->orgunit, text);
	rc |= buf_addc(b, ',');
	rc |= csv_str(b, it->orgunit_name, text);
	rc |= buf_printf(b, ",%d,", it->orgunit_level);
	rc |= csv_str(b, it->parent, text);
	rc |= buf_printf(b, ",%d,", it->project_no);
	rc |= csv_str(b, it->project_title, text);
	rc |= buf_addc(b, ',');
	rc |= csv_str(b, it->indicator, text);
	rc |= buf_addc(b, ',');
	rc |= csv_str(b, it->name, text);
	rc |= buf_addc(b, ',');
	rc |= csv_str(b, it->unit, text);
	rc |= buf_printf(b, ",%s,%s,", it->kind_text, it->comparator);
	rc |= csv_dec(b, it->has_target, it->target);
	rc |= buf_addc(b, ',');
	rc |= csv_dec(b, actual_given(it), it->actual);
	rc |= buf_addc(b, ',');
	rc |= csv_dec(b, it->has_completion, it->completion_pct);
	rc |= buf_addc(b, ',');
	rc |= csv_dec(b, it->has_diff, it->diff_pp);
	rc |= buf_printf(b, ",%s,%s,", it->met ? "true" : "false", report_colour_name(it->colour));
	if (rank)
		rc |= buf_printf(b, "%zu", rank);
	rc |= buf_addc(b, '\n');
	return rc;
}

int report_write_csv(const struct report *r,
		     int (*text)(struct buf *b, const char *s, size_t len), struct buf *b)
{
	size_t i, j;
	int rc = 0;

	rc |= buf_adds(b, "year,period,orgunit,orgunit_name,level,parent,project_no,"
			  "project_title,indicator,name,unit,kind,comparator,target,"
			  "actual,completion_pct,diff_pp,met,colour,rank\n");
	for (i = 0; i < r->n && !rc; i++)
		rc |= csv_item(r, b, &r->items[i], 0, text);
	for (i = 0; i < r->n && !rc; i++)
		for (j = 0; j < r->items[i].n_units && !rc; j++)
			rc |= csv_item(r, b, &r->items[i].units[j], j + 1, text);
	return rc ? ERR_INPUT : 0;
}
