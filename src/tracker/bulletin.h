/*
 * bulletin.h - the Chinese bulletin of a year's livelihood projects, in
 * the province's style (docs/bulletin.md).
 *
 * Year end:
 *   2022年省重点民生实事完成情况如下：
 *   一、技能河南：职业技能培训
 *   全省职业技能培训累计432.3万人次，新增技能人才累计403.2万人、新增高技能人才
 *   累计140.8万人，分别完成年度目标任务的144.1%、168%、176%。
 *   ...
 *   25项指标任务已完成25项。
 * During the year the first line is "截至3月底，2023年省重点民生实事进展情况如下："
 * (the end of the period: 3月底 for 2023Q1 and 202303, 6月底 for 2023S1; a
 * week or a day is reported as of the last month that ended in it, so
 * 20230315 is 截至2月底: report_data_period), and a line lists the
 * indicators behind 序时进度 (and
 * another the caps, comparator <=, used up faster than the year passes).
 * Indicators without data (or without a target at the root) are never on
 * schedule, behind, done or not done: both bulletins name them on lines of
 * their own ("3项指标暂无数据：A、B、C。", "1项指标未设本级目标：D。"), and
 * "各项指标均达到序时进度。" is said only when every indicator has data and a
 * target and none is off schedule ("其余指标均达到序时进度。" when the judged
 * ones are on schedule and others cannot be judged).
 *
 * Each project is numbered (一、二、…) with its title and gets one sentence:
 * consecutive count indicators with a target form one group ("A X，B Y、C Z，
 * 分别完成年度目标任务的p%、q%、r%"), a rate says 达到X%，高于/低于年度目标任务d个
 * 百分点, an indicator without data 暂无数据. Quantities are worded by
 * zhnum_quantity (432.3万); percentages are computed at the report's
 * precision (BULLETIN_PRECISION, 1, unless asked otherwise) and printed
 * without trailing zeros (144.1%, 168%; at precision 0: 144%). Judgements
 * (met, behind or over 序时进度) are the exact ones; a figure whose rounding
 * would read as on target when it is not (a count not met as 100%, a count
 * behind 序时进度 as 序时进度, a rate's miss as 0 points or a formula rate
 * as its target) is printed with the digits it needs (99.95%,
 * 低于年度目标任务0.04个百分点). A rate entered as a value keeps its digits
 * and its difference has at least as many. All figures come from the
 * report (report.h); nothing is rolled up here.
 */
#ifndef MINSHENG_TRACKER_BULLETIN_H
#define MINSHENG_TRACKER_BULLETIN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/period.h"

struct buf;
struct db;
struct error;
struct report;

/* Default precision of the percentages a bulletin prints (0..4 allowed). */
#define BULLETIN_PRECISION 1

/* 1..99 as 一, 二, …, 十, 十一, …, 九十九 into out (at least 16 bytes). */
void bulletin_zh_number(int n, char *out, size_t size);

/*
 * "3月底" (month, quarter, half, year), "3月15日" (day, and a week's last
 * day) for the end of p, into out (at least 32 bytes).
 */
void bulletin_period_end(const struct period *p, char *out, size_t size);

/*
 * Write the bulletin of a built report (pure: no I/O, no database). The
 * percentages are the report's, at its precision (r->precision; normally
 * BULLETIN_PRECISION); the first line and 序时进度 are those of
 * r->data_period (r->period when data_period is unset, type 0, as in a
 * report built by hand). A unit below the root (r->parent not empty) is
 * named by r->orgunit_name; the scope word is orgunit_scope of the unit.
 * Appends to out; returns 0 or a buf error.
 */
int bulletin_write(const struct report *r, struct buf *out);

/*
 * As bulletin_write with the unit named unit in the first line (NULL or
 * "": not named, as the single root) and its sentences starting with scope
 * (NULL: orgunit_scope(r->orgunit_level, r->orgunit_name)); both as
 * orgunit_title gives them. The closing line counts the plan's indicators
 * for a root, and for a unit below the root only those with a target of
 * its own ("本级未设年度目标任务。" when there are none).
 */
int bulletin_write_unit(const struct report *r, const char *unit, const char *scope,
			struct buf *out);

/*
 * Build the report of year (and period, when has_period) at the root and
 * write its bulletin into out. ERR_INPUT for a period outside the year or a
 * year without a plan; ERR_USAGE when the database has several roots (the
 * message names them: use bulletin_build_unit); ERR_IO.
 */
int bulletin_build(struct db *db, int year, bool has_period, const struct period *p,
		   struct buf *out, struct error *err);

/*
 * As bulletin_build with the percentages at precision (0..4 fraction
 * digits, rounded half-up; bulletin_build uses BULLETIN_PRECISION).
 * ERR_INPUT also for a precision out of range.
 */
int bulletin_build_at(struct db *db, int year, bool has_period, const struct period *p,
		      int precision, struct buf *out, struct error *err);

/*
 * As bulletin_build_at for the unit orgunit and its subtree (NULL: the
 * root, as bulletin_build_at). The figures are the report's at that unit;
 * the unit's name in the first line and the scope word of its sentences
 * are orgunit_title's ("郑州新密市城关镇2023年省重点民生实事完成情况如下：",
 * 全镇; the single root is not named). ERR_INPUT also for an unknown unit
 * (named).
 */
int bulletin_build_unit(struct db *db, int year, bool has_period, const struct period *p,
			int precision, const char *orgunit, struct buf *out, struct error *err);

#endif
