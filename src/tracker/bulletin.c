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

/* The actual with its unit: "432.3万人次", "64.4%". */
static int add_actual(struct buf *b, const struct report_item *it)
{
	char s[ZHNUM_STRLEN];

	if (it->kind == REPORT_RATE) {
		decimal_format(decimal_normalize(it->actual), s, sizeof(s));
		return buf_printf(b, "%s%s", s, it->unit);
	}
	if (!zhnum_quantity(it->actual, s, sizeof(s)))
		decimal_format(it->actual, s, sizeof(s));
	return buf_printf(b, "%s%s", s, it->unit);
}

/* A count with a target and an actual joins the "分别完成" group. */
static bool groupable(const struct report_item *it)
{
	return it->kind == REPORT_COUNT && it->has_actual && it->has_completion;
}

/* One count indicator's clause without its result: "职业技能培训累计432.3万人次". */
static int add_count_clause(struct buf *b, const struct report_item *it)
{
	int ret =
	    buf_printf(b, "%s%s", it->name, strcmp(it->aggregation, "sum") == 0 ? "累计" : "达到");

	return ret ? ret : add_actual(b, it);
}

/*
 * A rate's difference from its target, for the wording. diff_pp is rounded
 * at the bulletin's precision (the report's), and a miss smaller than half
 * its last digit (0.04 points at precision 1, 0.4 at precision 0) rounds to
 * 0, which zhnum_pp words as 达到年度目标任务: false for a rate that is not
 * met. So a difference that rounds to 0 but is not 0 is shown with the
 * digits it needs: exactly for a plain rate (actual - target), for a
 * formula rate at the first precision above the report's (up to 8) at
 * which it is not 0.
 */
static struct decimal rate_diff(const struct report *r, const struct report_item *it)
{
	struct decimal d, a, n100;
	int p;

	if (!decimal_is_zero(it->diff_pp) || !it->has_target)
		return it->diff_pp;
	if (!it->has_fraction)
		return decimal_sub(it->actual, it->target, &d) ? it->diff_pp : decimal_normalize(d);
	if (decimal_mul_int(it->numerator, 100, &n100))
		return it->diff_pp;
	for (p = r->precision + 1; p <= 8; p++) {
		if (decimal_div(n100, it->denominator, p, &a) || decimal_sub(a, it->target, &d))
			break;
		if (!decimal_is_zero(d))
			return decimal_normalize(d);
	}
	return it->diff_pp;
}

/* The sentence of the indicators items[from..to) of one project. */
static int add_project_sentence(struct buf *b, const struct report *r, size_t from, size_t to)
{
	const char *scope = r->orgunit_level == 1   ? "全省"
			    : r->orgunit_level == 2 ? "全市"
			    : r->orgunit_level == 3 ? "全县"
						    : "";
	size_t i = from, k;
	int ret = buf_adds(b, scope);
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
					ret = add_count_clause(b, &r->items[k]);
			}
			if (ret)
				break;
			if (end - i == 1) {
				zhnum_completion(it->completion_pct, s, sizeof(s));
				ret = buf_printf(b, "，%s", s);
			} else {
				ret = buf_adds(b, "，分别完成年度目标任务的");
				for (k = i; k < end && !ret; k++) {
					if (k > i)
						ret = buf_adds(b, "、");
					if (!ret)
						ret = add_pct(b, r->items[k].completion_pct);
				}
			}
			i = end;
			continue;
		}
		if (!it->has_actual) {
			ret = buf_printf(b, "%s暂无数据", it->name);
		} else if (it->kind == REPORT_COUNT) {
			/* A count without a target to judge against. */
			ret = add_count_clause(b, it);
		} else {
			ret = buf_printf(b, "%s达到", it->name);
			if (!ret)
				ret = add_actual(b, it);
			if (!ret && it->has_diff) {
				zhnum_pp(rate_diff(r, it), s, sizeof(s));
				ret = buf_printf(b, "，%s", s);
			}
		}
		i++;
	}
	return ret ? ret : buf_adds(b, "。\n");
}

/*
 * The indicators off schedule in a progress bulletin. behind: a count
 * (comparator >= or =) whose completion is below 序时进度, or a rate not yet
 * met. over: a count capped by <= whose completion is above 序时进度 (it
 * is using up its annual limit faster than the year passes; below it is on
 * schedule, not behind).
 */
static bool behind(const struct report *r, const struct report_item *it)
{
	if (!it->has_actual)
		return false;
	if (it->kind == REPORT_COUNT)
		return it->cmp != REPORT_LE && it->has_completion &&
		       decimal_cmp(it->completion_pct, r->time_progress_pct) < 0;
	return it->has_diff && !it->met;
}

static bool over(const struct report *r, const struct report_item *it)
{
	return it->has_actual && it->kind == REPORT_COUNT && it->cmp == REPORT_LE &&
	       it->has_completion && decimal_cmp(it->completion_pct, r->time_progress_pct) > 0;
}

/*
 * "<head>（25%）的指标：A（20%）、B（94%）。" over the items for which pick
 * holds; *n is how many were listed (nothing is written for none).
 */
static int add_schedule_line(struct buf *b, const struct report *r, const char *head,
			     bool (*pick)(const struct report *, const struct report_item *),
			     size_t *n)
{
	size_t i;
	int ret = 0;

	*n = 0;
	for (i = 0; i < r->n && !ret; i++) {
		const struct report_item *it = &r->items[i];

		if (!pick(r, it))
			continue;
		if ((*n)++ == 0) {
			ret = buf_printf(b, "%s（", head);
			if (!ret)
				ret = add_pct(b, r->time_progress_pct);
			if (!ret)
				ret = buf_adds(b, "）的指标：");
		} else {
			ret = buf_adds(b, "、");
		}
		if (!ret)
			ret = buf_printf(b, "%s（", it->name);
		if (!ret && it->kind == REPORT_COUNT)
			ret = add_pct(b, it->completion_pct);
		else if (!ret)
			ret = add_actual(b, it);
		if (!ret)
			ret = buf_adds(b, "）");
	}
	if (!ret && *n)
		ret = buf_adds(b, "。\n");
	return ret;
}

int bulletin_write(const struct report *r, struct buf *b)
{
	char num[16], end[32];
	size_t i, from, nb = 0, nmiss = 0;
	int ret;

	if (r->year_end) {
		ret = buf_printf(b, "%d年省重点民生实事完成情况如下：\n", r->year);
	} else {
		bulletin_period_end(&r->period, end, sizeof(end));
		ret = buf_printf(b, "截至%s，%d年省重点民生实事进展情况如下：\n", end, r->year);
	}
	for (from = 0; !ret && from < r->n; from = i) {
		i = from;
		while (i < r->n && r->items[i].project_no == r->items[from].project_no)
			i++;
		bulletin_zh_number(r->items[from].project_no, num, sizeof(num));
		ret = buf_printf(b, "%s、%s\n", num, r->items[from].project_title);
		if (!ret)
			ret = add_project_sentence(b, r, from, i);
	}
	if (ret)
		return ret;
	if (!r->year_end) {
		size_t nover = 0;

		ret = add_schedule_line(b, r, "落后于序时进度", behind, &nb);
		if (!ret)
			ret = add_schedule_line(b, r, "超出序时进度", over, &nover);
		if (!ret && !nb && !nover)
			ret = buf_adds(b, "各项指标均达到序时进度。\n");
	} else {
		for (i = 0; i < r->n && !ret; i++) {
			const struct report_item *it = &r->items[i];

			if (it->met)
				continue;
			ret = buf_printf(b, "%s%s", nmiss++ ? "、" : "未完成的指标：", it->name);
		}
		if (!ret && nmiss)
			ret = buf_adds(b, "。\n");
	}
	if (!ret)
		ret = buf_printf(b, "%zu项指标任务已完成%zu项。\n", r->summary.indicators,
				 r->summary.met);
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
	struct report_opts o;
	struct report *r = NULL;
	int ret;

	if (precision < 0 || precision > 4)
		return error_set(err, ERR_INPUT, "精度 %d 无效（应为 0 到 4）", precision);
	report_opts_init(&o, year);
	o.precision = precision;
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
	ret = bulletin_write(r, out);
	report_free(r);
	if (ret)
		return error_set(err, ret, "通报过长");
	return 0;
}
