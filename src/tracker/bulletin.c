/*
 * bulletin.c - wording a report as the province's bulletin (see
 * bulletin.h). Pure text assembly over a built report; the sentences are
 * this project's own, the fixed phrases (完成年度目标任务的…, 高于年度目标任务…个
 * 百分点, 序时进度, N项指标任务已完成M项) are the province's.
 */
#include "tracker/bulletin.h"

#include "base/buf.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/zhnum.h"
#include "tracker/orgunit.h"
#include "tracker/report.h"

#include <stdio.h>
#include <string.h>

void bulletin_zh_number(int n, char *out, size_t size)
{
	static const char *const d[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

	if (n < 1 || n > 99) {
		snprintf(out, size, "%d", n);
		return;
	}
	if (n < 10)
		snprintf(out, size, "%s", d[n]);
	else
		snprintf(out, size, "%s十%s", n / 10 == 1 ? "" : d[n / 10], d[n % 10]);
}

void bulletin_period_end(const struct period *p, char *out, size_t size)
{
	struct date e = date_from_days(period_end(p));

	if (p->type == PERIOD_DAY || p->type == PERIOD_WEEK)
		snprintf(out, size, "%d月%d日", e.month, e.day);
	else
		snprintf(out, size, "%d月底", e.month);
}

/* "144.1%" / "168%": normalized, so a trailing .0 is not printed. */
static int add_pct(struct buf *b, struct decimal pct)
{
	char s[DECIMAL_STRLEN];

	decimal_format(decimal_normalize(pct), s, sizeof(s));
	return buf_printf(b, "%s%%", s);
}

/*
 * ---- Figures as printed ----
 *
 * The report gives every percentage rounded at its precision; the exact
 * value behind it is a fraction (actual / target for a completion,
 * period_elapsed for 序时进度, numerator / denominator for a formula rate).
 * A rounded figure can read as the opposite of the exact judgement: 999.5
 * of 1000 is 100% at precision 1 and not met, 24.6% is 25% at precision 0
 * and behind a 序时进度 of 25%. Such a figure is printed with the digits
 * it needs (99.95%, 24.6%), never in a way that reads as on target; every
 * judgement (met, behind, over) is made on the exact values, as
 * report_judge makes it, and only the printing rounds.
 */

/* Most fraction digits of a percentage: num/den at 2 more digits <= 18. */
#define MAX_PCT_DIGITS (DECIMAL_MAX_SCALE - 2)

/*
 * num / den * 10^shift rounded half-up once at digits fraction digits
 * (shift 2: a percentage). Dividing at digits + shift and reading the
 * units at digits is exact: it is the same rounding.
 */
static int frac_at(struct decimal num, struct decimal den, int shift, int digits,
		   struct decimal *out)
{
	struct decimal x;

	if (digits + shift > DECIMAL_MAX_SCALE || decimal_div(num, den, digits + shift, &x))
		return ERR_INPUT;
	out->units = x.units;
	out->scale = digits;
	return 0;
}

/*
 * The period the report's figures and 序时进度 are as of: for a week or a
 * day the last month that ended in it (report_data_period). A report built
 * by hand may leave data_period unset: then its period.
 */
static const struct period *as_of(const struct report *r)
{
	return r->data_period.type ? &r->data_period : &r->period;
}

/* 序时进度 at digits fraction digits, from the report's period. */
static int time_progress_at(const struct report *r, int digits, struct decimal *out)
{
	int64_t num, den;

	if (digits == r->precision) {
		*out = r->time_progress_pct;
		return 0;
	}
	period_elapsed(as_of(r), &num, &den);
	return frac_at(decimal_from_int(num), decimal_from_int(den), 2, digits, out);
}

/*
 * A count whose exact completion (actual / target) is known: a target > 0.
 * A report built by hand without targets falls back on the rounded figures.
 */
static bool exact_count(const struct report_item *it)
{
	return it->kind == REPORT_COUNT && it->has_actual && it->has_target &&
	       !decimal_is_zero(it->target) && !decimal_is_negative(it->target);
}

/*
 * A count's completion against 序时进度: -1 below, 0 equal, 1 above,
 * exactly: actual / target vs num / den is actual * den - target * num,
 * computed wide (decimal_sum_sign), so any value and target compare.
 */
static int schedule_cmp(const struct report *r, const struct report_item *it)
{
	int64_t num, den;

	if (exact_count(it)) {
		struct decimal_term t[2] = {{.negative = false, .n = 2},
					    {.negative = true, .n = 2}};

		period_elapsed(as_of(r), &num, &den);
		t[0].f[0] = it->actual;
		t[0].f[1] = decimal_from_int(den);
		t[1].f[0] = it->target;
		t[1].f[1] = decimal_from_int(num);
		return decimal_sum_sign(t, 2);
	}
	return decimal_cmp(it->completion_pct, r->time_progress_pct);
}

/*
 * Can the indicator be set against 序时进度 at all? Only with data and a
 * target at the report's unit. An indicator without data is never on
 * schedule (nor behind): it is listed as 暂无数据.
 */
static bool judged(const struct report_item *it)
{
	return it->has_actual && it->has_target;
}

/*
 * The indicators off schedule in a progress bulletin. behind: a count
 * (comparator >= or =) whose completion is below 序时进度, or a rate not yet
 * met. over: a count capped by <= whose completion is above 序时进度 (it
 * is using up its annual limit faster than the year passes; below it is on
 * schedule, not behind). Judged on the exact values, like the report's
 * colours (a completion of 24.6% printed 25% is behind 25%). A count with
 * a target of 0 has no completion: it is behind (or over) when not met.
 */
static bool behind(const struct report *r, const struct report_item *it)
{
	if (!judged(it))
		return false;
	if (it->kind == REPORT_COUNT) {
		if (it->cmp == REPORT_LE)
			return false;
		if (exact_count(it) || it->has_completion)
			return schedule_cmp(r, it) < 0;
		return !it->met;
	}
	return !it->met;
}

static bool over(const struct report *r, const struct report_item *it)
{
	if (!judged(it) || it->kind != REPORT_COUNT || it->cmp != REPORT_LE)
		return false;
	if (exact_count(it) || it->has_completion)
		return schedule_cmp(r, it) > 0;
	return !it->met;
}

/*
 * A count's completion as printed: the report's, at its precision, unless
 * it then reads as reaching the target (100%) although the indicator is not
 * met, or, in a progress bulletin, as 序时进度 although the count is off
 * schedule. Then it is printed at the first precision at which it no longer
 * does (995 of 1000 at precision 0: 99.5%; 999.5 of 1000: 99.95%; 1004
 * under a cap of 1000: 100.4%). *digits is the precision used.
 */
static struct decimal count_pct(const struct report *r, const struct report_item *it, int *digits)
{
	static const struct decimal hundred = {100, 0};
	struct decimal c = it->completion_pct, next, tp;
	bool off = !r->year_end && (behind(r, it) || over(r, it));
	int q = r->precision;

	*digits = q;
	if (!exact_count(it) || !it->has_completion || (it->met && !off))
		return c;
	for (; q < MAX_PCT_DIGITS; q++) {
		bool reads_met = !it->met && decimal_cmp(c, hundred) == 0;
		bool reads_tp = off && !time_progress_at(r, q, &tp) && decimal_cmp(c, tp) == 0;

		if (!reads_met && !reads_tp)
			break;
		if (frac_at(it->actual, it->target, 2, q + 1, &next))
			break;
		c = next;
		*digits = q + 1;
	}
	return c;
}

/*
 * A rate's actual and its difference from the target, as printed.
 *
 * A rate entered as a data value is printed as entered (73.5%), and its
 * difference with at least as many decimals as the rate (at precision 0:
 * 73.5% against 60 is 高于…13.5个百分点, not 14, which would contradict the
 * printed rate), exactly if it would otherwise round to 0.
 *
 * A formula rate (numerator / denominator) and its difference are printed
 * at the precision, each rounded once from the exact value (the difference
 * is (100·n − target·d) / d, never the rounded rate minus the target). If
 * either then reads as on target although the rate is not (a difference
 * of 0, or a rate printed as the target itself), both are printed at the
 * first precision at which neither does: 95.246 against 95.248 is
 * 达到95.246%，低于年度目标任务0.002个百分点 at precision 0 to 2.
 *
 * A difference that is exactly 0 stays 0 (达到年度目标任务).
 */
static void rate_figures(const struct report *r, const struct report_item *it,
			 struct decimal *actual, struct decimal *diff)
{
	static const struct decimal hundred = {100, 0};
	struct decimal_term num[2], den;
	struct decimal d, aq, dq;
	int q;

	*actual = decimal_normalize(it->actual);
	*diff = it->diff_pp;
	if (!it->has_diff || !it->has_target)
		return;
	if (!it->has_fraction) {
		q = actual->scale > r->precision ? actual->scale : r->precision;
		/* At the report's precision the report's figure is that rounding. */
		if (q == r->precision && !decimal_is_zero(it->diff_pp))
			return;
		if (decimal_sub(it->actual, it->target, &d) || decimal_round(d, q, &dq))
			return;
		*diff = decimal_is_zero(dq) ? decimal_normalize(d) : dq;
		return;
	}
	/* (100·n − target·d) / d, exact whatever the sizes (decimal_sum_div). */
	num[0] = (struct decimal_term){.negative = false, .n = 2, .f = {it->numerator, hundred}};
	num[1] =
	    (struct decimal_term){.negative = true, .n = 2, .f = {it->target, it->denominator}};
	den = (struct decimal_term){.negative = false, .n = 1, .f = {it->denominator}};
	if (decimal_sum_sign(num, 2) == 0)
		return;
	for (q = r->precision; q <= MAX_PCT_DIGITS; q++) {
		if (decimal_sum_div(num, 2, &den, 0, q, &dq) ||
		    frac_at(it->numerator, it->denominator, 2, q, &aq))
			return;
		if (!decimal_is_zero(dq) && decimal_cmp(aq, it->target) != 0) {
			*actual = decimal_normalize(aq);
			*diff = dq;
			return;
		}
	}
}

/* The actual with its unit: "432.3万人次", "64.4%" (a rate as rate_figures prints it). */
static int add_actual(struct buf *b, const struct report *r, const struct report_item *it)
{
	char s[ZHNUM_STRLEN], s2[ZHNUM_STRLEN + 256];

	if (it->kind == REPORT_RATE && it->rate_out_of_range)
		return buf_adds(b, "超出数值范围");
	if (it->kind == REPORT_RATE) {
		struct decimal a, d;

		rate_figures(r, it, &a, &d);
		decimal_format(a, s, sizeof(s));
		return buf_printf(b, "%s%s", s, it->unit);
	}
	/* the unit taken into the wording: 120万元, never 120万万元 */
	if (zhnum_quantity_unit(it->actual, it->unit, s2, sizeof(s2)))
		return buf_adds(b, s2);
	decimal_format(it->actual, s, sizeof(s));
	return buf_printf(b, "%s%s", s, it->unit);
}

/* A count with a target and an actual joins the "分别完成" group. */
static bool groupable(const struct report_item *it)
{
	return it->kind == REPORT_COUNT && it->has_actual && it->has_completion;
}

/* One count indicator's clause without its result: "职业技能培训累计432.3万人次". */
static int add_count_clause(struct buf *b, const struct report *r, const struct report_item *it)
{
	int ret =
	    buf_printf(b, "%s%s", it->name, strcmp(it->aggregation, "sum") == 0 ? "累计" : "达到");

	return ret ? ret : add_actual(b, r, it);
}

/* The sentence of the indicators items[from..to) of one project. */
static int add_project_sentence(struct buf *b, const struct report *r, const char *scope,
				size_t from, size_t to)
{
	size_t i = from, k;
	int ret = buf_adds(b, scope), digits;
	char s[ZHNUM_STRLEN * 2];

	while (!ret && i < to) {
		const struct report_item *it = &r->items[i];

		if (i > from)
			ret = buf_adds(b, "；");
		if (ret)
			break;
		if (groupable(it)) {
			size_t end = i + 1;

			while (end < to && groupable(&r->items[end]))
				end++;
			for (k = i; k < end && !ret; k++) {
				if (k > i)
					ret = buf_adds(b, k == i + 1 ? "，" : "、");
				if (!ret)
					ret = add_count_clause(b, r, &r->items[k]);
			}
			if (ret)
				break;
			if (end - i == 1) {
				zhnum_completion(count_pct(r, it, &digits), s, sizeof(s));
				ret = buf_printf(b, "，%s", s);
			} else {
				ret = buf_adds(b, "，分别完成年度目标任务的");
				for (k = i; k < end && !ret; k++) {
					if (k > i)
						ret = buf_adds(b, "、");
					if (!ret)
						ret =
						    add_pct(b, count_pct(r, &r->items[k], &digits));
				}
			}
			i = end;
			continue;
		}
		if (!it->has_actual) {
			ret = buf_printf(b, "%s暂无数据", it->name);
		} else if (it->kind == REPORT_COUNT) {
			/* A count without a target to judge against, or whose
			 * completion is too large for a decimal (out_of_range). */
			ret = add_count_clause(b, r, it);
			if (!ret && it->out_of_range)
				ret = buf_adds(b, "，完成率超出数值范围");
		} else if (it->rate_out_of_range) {
			/* A formula rate too large for a decimal (report.h): only
			 * the exact judgement can be said. */
			ret = buf_printf(b, "%s超出数值范围，%s年度目标任务", it->name,
					 !it->has_target ? "未设"
					 : it->met	 ? "达到"
							 : "未达到");
		} else {
			struct decimal a, d;

			ret = buf_printf(b, "%s达到", it->name);
			if (!ret)
				ret = add_actual(b, r, it);
			if (!ret && it->has_diff) {
				rate_figures(r, it, &a, &d);
				zhnum_pp(d, s, sizeof(s));
				ret = buf_printf(b, "，%s", s);
			} else if (!ret && it->out_of_range) {
				ret = buf_adds(b, "，与年度目标任务之差超出数值范围");
			}
		}
		i++;
	}
	return ret ? ret : buf_adds(b, "。\n");
}

/*
 * The digits 序时进度 is printed with on the schedule lines: as many as the
 * most precise completion listed there, so that a count printed 8.3% is
 * not listed as behind a 序时进度 printed 8.3% (January: 8.33%). Both
 * lines use the same.
 */
static int schedule_digits(const struct report *r)
{
	size_t i;
	int digits, most = r->precision;

	for (i = 0; i < r->n; i++) {
		const struct report_item *it = &r->items[i];

		if (it->kind != REPORT_COUNT || !(behind(r, it) || over(r, it)))
			continue;
		count_pct(r, it, &digits);
		if (digits > most)
			most = digits;
	}
	return most;
}

/*
 * "<head>（25%）的指标：A（20%）、B（94%）。" over the items for which pick
 * holds, 序时进度 at tp_digits; *n is how many were listed (nothing is
 * written for none).
 */
static int add_schedule_line(struct buf *b, const struct report *r, const char *head,
			     bool (*pick)(const struct report *, const struct report_item *),
			     int tp_digits, size_t *n)
{
	struct decimal tp;
	size_t i;
	int ret = 0, digits;

	*n = 0;
	for (i = 0; i < r->n && !ret; i++) {
		const struct report_item *it = &r->items[i];

		if (!pick(r, it))
			continue;
		if ((*n)++ == 0) {
			if (time_progress_at(r, tp_digits, &tp))
				tp = r->time_progress_pct;
			ret = buf_printf(b, "%s（", head);
			if (!ret)
				ret = add_pct(b, tp);
			if (!ret)
				ret = buf_adds(b, "）的指标：");
		} else {
			ret = buf_adds(b, "、");
		}
		if (!ret)
			ret = buf_printf(b, "%s（", it->name);
		if (!ret && it->kind == REPORT_COUNT && it->has_completion)
			ret = add_pct(b, count_pct(r, it, &digits));
		else if (!ret)
			ret = add_actual(b, r, it);
		if (!ret)
			ret = buf_adds(b, "）");
	}
	if (!ret && *n)
		ret = buf_adds(b, "。\n");
	return ret;
}

static bool no_data(const struct report_item *it)
{
	return !it->has_actual;
}

static bool no_target(const struct report_item *it)
{
	return it->has_actual && !it->has_target;
}

/*
 * "3项指标暂无数据：A、B、C。" naming the items for which pick holds (the
 * count in Chinese style digits, as in N项指标任务已完成M项); *n is how many.
 * Nothing is written for none.
 */
static int add_count_line(struct buf *b, const struct report *r,
			  bool (*pick)(const struct report_item *), const char *head, size_t *n)
{
	size_t i, k = 0;
	int ret = 0;

	*n = 0;
	for (i = 0; i < r->n; i++)
		*n += pick(&r->items[i]);
	if (!*n)
		return 0;
	ret = buf_printf(b, "%zu%s", *n, head);
	for (i = 0; i < r->n && !ret; i++) {
		if (!pick(&r->items[i]))
			continue;
		ret = buf_printf(b, "%s%s", k++ ? "、" : "", r->items[i].name);
	}
	return ret ? ret : buf_adds(b, "。\n");
}

int bulletin_write(const struct report *r, struct buf *b)
{
	/* A unit below the root is named: its bulletin is not the province's. */
	const char *unit = r->parent && r->parent[0] && r->orgunit_name ? r->orgunit_name : "";

	return bulletin_write_unit(r, unit, NULL, b);
}

/*
 * The closing line. A root's bulletin counts the plan's indicators (the
 * province's tasks, as the newspaper does: 25项指标任务已完成25项); a unit
 * below the root counts only those with a target of its own, and says so
 * plainly when it has none: an indicator without a target at the unit is
 * not its task (the lines above name it as 未设本级目标 or 暂无数据).
 */
static int add_closing_line(struct buf *b, const struct report *r)
{
	size_t i, n = 0, met = 0;

	if (!(r->parent && r->parent[0]))
		return buf_printf(b, "%zu项指标任务已完成%zu项。\n", r->summary.indicators,
				  r->summary.met);
	for (i = 0; i < r->n; i++) {
		const struct report_item *it = &r->items[i];

		if (!it->has_target)
			continue;
		n++;
		met += judged(it) && it->met;
	}
	if (!n)
		return buf_adds(b, "本级未设年度目标任务。\n");
	return buf_printf(b, "%zu项指标任务已完成%zu项。\n", n, met);
}

int bulletin_write_unit(const struct report *r, const char *unit, const char *scope, struct buf *b)
{
	char num[16], end[32];
	size_t i, from, nb = 0, nover = 0, nmiss = 0, nnodata = 0, nnotarget = 0;
	int ret;

	if (!unit)
		unit = "";
	if (!scope)
		scope = orgunit_scope(r->orgunit_level, r->orgunit_name);

	if (r->year_end) {
		ret = buf_printf(b, "%s%d年省重点民生实事完成情况如下：\n", unit, r->year);
	} else {
		/* the end of the data's window: 2月底 for 20230315 */
		bulletin_period_end(as_of(r), end, sizeof(end));
		ret = buf_printf(b, "截至%s，%s%d年省重点民生实事进展情况如下：\n", end, unit,
				 r->year);
	}
	for (from = 0; !ret && from < r->n; from = i) {
		i = from;
		while (i < r->n && r->items[i].project_no == r->items[from].project_no)
			i++;
		bulletin_zh_number(r->items[from].project_no, num, sizeof(num));
		ret = buf_printf(b, "%s、%s\n", num, r->items[from].project_title);
		if (!ret)
			ret = add_project_sentence(b, r, scope, from, i);
	}
	if (ret)
		return ret;
	if (!r->year_end) {
		int digits = schedule_digits(r);

		ret = add_schedule_line(b, r, "落后于序时进度", behind, digits, &nb);
		if (!ret)
			ret = add_schedule_line(b, r, "超出序时进度", over, digits, &nover);
	} else {
		for (i = 0; i < r->n && !ret; i++) {
			const struct report_item *it = &r->items[i];

			/* Not done: judged and not met (no data is not "not done"). */
			if (!judged(it) || it->met)
				continue;
			ret = buf_printf(b, "%s%s", nmiss++ ? "、" : "未完成的指标：", it->name);
		}
		if (!ret && nmiss)
			ret = buf_adds(b, "。\n");
	}
	if (!ret)
		ret = add_count_line(b, r, no_data, "项指标暂无数据：", &nnodata);
	if (!ret)
		ret = add_count_line(b, r, no_target, "项指标未设本级目标：", &nnotarget);
	/*
	 * On schedule: said only of indicators that were judged. Every one
	 * judged and none off schedule: 各项; some without data or target (and
	 * listed just above) and the judged ones on schedule: 其余; none judged:
	 * nothing to say.
	 */
	if (!ret && !r->year_end && !nb && !nover && nnodata + nnotarget < r->n)
		ret = buf_adds(b, nnodata + nnotarget ? "其余指标均达到序时进度。\n"
						      : "各项指标均达到序时进度。\n");
	if (!ret)
		ret = add_closing_line(b, r);
	return ret;
}

int bulletin_build(struct db *db, int year, bool has_period, const struct period *p,
		   struct buf *out, struct error *err)
{
	return bulletin_build_at(db, year, has_period, p, BULLETIN_PRECISION, out, err);
}

int bulletin_build_at(struct db *db, int year, bool has_period, const struct period *p,
		      int precision, struct buf *out, struct error *err)
{
	return bulletin_build_unit(db, year, has_period, p, precision, NULL, out, err);
}

int bulletin_build_unit(struct db *db, int year, bool has_period, const struct period *p,
			int precision, const char *orgunit, struct buf *out, struct error *err)
{
	struct report_opts o;
	struct report *r = NULL;
	char name[ORGUNIT_TITLE_MAX];
	const char *scope;
	int ret;

	if (precision < 0 || precision > 4)
		return error_set(err, ERR_INPUT, "精度 %d 无效（应为 0 到 4）", precision);
	report_opts_init(&o, year);
	o.precision = precision;
	o.orgunit = orgunit;
	if (has_period) {
		o.has_period = true;
		o.period = *p;
	}
	ret = report_build(db, &o, &r, err);
	if (ret)
		return ret;
	if (r->n == 0) {
		report_free(r);
		return error_set(err, ERR_INPUT, "%d年没有计划，无法生成通报", year);
	}
	ret = orgunit_title(db, r->orgunit, name, sizeof(name), &scope, err);
	if (ret) {
		report_free(r);
		return ret;
	}
	ret = bulletin_write_unit(r, name, scope, out);
	report_free(r);
	if (ret)
		return error_set(err, ret, "通报过长");
	return 0;
}
