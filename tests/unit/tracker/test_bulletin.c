/* test_bulletin.c - bulletin wording over hand-built reports (no database). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/decimal.h"
#include "base/error.h"
#include "tracker/bulletin.h"
#include "tracker/report.h"

#include "tracker_test.h"

static struct report_item count(int pno, const char *title, const char *name, const char *unit,
				const char *agg, const char *actual, const char *pct, bool met)
{
	struct report_item it;

	memset(&it, 0, sizeof(it));
	it.project_no = pno;
	it.project_title = title;
	it.indicator = name;
	it.name = name;
	it.unit = unit;
	it.kind = REPORT_COUNT;
	it.aggregation = agg;
	it.has_target = true;
	if (actual) {
		it.has_actual = true;
		it.actual = tt_dec(actual);
		it.has_completion = true;
		it.completion_pct = tt_dec(pct);
		it.met = met;
	}
	return it;
}

static struct report_item rate(int pno, const char *title, const char *name, const char *actual,
			       const char *diff, bool met)
{
	struct report_item it;

	memset(&it, 0, sizeof(it));
	it.project_no = pno;
	it.project_title = title;
	it.indicator = name;
	it.name = name;
	it.unit = "%";
	it.kind = REPORT_RATE;
	it.aggregation = "last";
	it.has_target = true;
	it.has_actual = true;
	it.actual = tt_dec(actual);
	it.has_diff = true;
	it.diff_pp = tt_dec(diff);
	it.met = met;
	return it;
}

static void init_report(struct report *r, struct report_item *items, size_t n)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->year = 2022;
	r->orgunit = "41";
	r->orgunit_name = "河南省";
	r->orgunit_level = 1;
	r->year_end = true;
	r->period = period_year(2022);
	r->time_progress_pct = tt_dec("100");
	r->precision = 1;
	r->n = n;
	r->items = items;
	r->summary.indicators = n;
	for (i = 0; i < n; i++)
		if (items[i].met)
			r->summary.met++;
}

static void test_year_end(void **state)
{
	struct report_item items[] = {
	    count(1, "技能河南", "职业技能培训", "人次", "sum", "4323000", "144.1", true),
	    count(1, "技能河南", "新增技能人才", "人", "sum", "4032000", "168.0", true),
	    count(1, "技能河南", "新增高技能人才", "人", "sum", "1408000", "176.0", true),
	    count(4, "农村物流", "新增公交化行政村", "个", "sum", "1070", "107.0", true),
	    rate(4, "农村物流", "寄递物流服务站覆盖率", "64.4", "4.4", true),
	    rate(7, "筛查", "新生儿听力筛查率", "96.5", "-1.5", false),
	    count(10, "豫事办", "注册用户数", "人", "last", "75300000", "107.6", true),
	};
	struct report r;
	struct buf b;

	(void)state;
	init_report(&r, items, sizeof(items) / sizeof(items[0]));
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_string_equal(
	    buf_str(&b), "2022年省重点民生实事完成情况如下：\n"
			 "一、技能河南\n"
			 "全省职业技能培训累计432.3万人次，新增技能人才累计403.2万人、"
			 "新增高技能人才累计140.8万人，分别完成年度目标任务的144.1%、168%、176%。\n"
			 "四、农村物流\n"
			 "全省新增公交化行政村累计1070个，完成年度目标任务的107%；"
			 "寄递物流服务站覆盖率达到64.4%，高于年度目标任务4.4个百分点。\n"
			 "七、筛查\n"
			 "全省新生儿听力筛查率达到96.5%，低于年度目标任务1.5个百分点。\n"
			 "十、豫事办\n"
			 "全省注册用户数达到7530万人，完成年度目标任务的107.6%。\n"
			 "未完成的指标：新生儿听力筛查率。\n"
			 "7项指标任务已完成6项。\n");
	buf_free(&b);
}

static void test_progress(void **state)
{
	struct report_item items[] = {
	    count(1, "技能河南", "职业技能培训", "人次", "sum", "900000", "30.0", false),
	    count(1, "技能河南", "新增技能人才", "人", "sum", "400000", "20.0", false),
	    count(2, "寄宿制学校", "新开工寄宿制小学", "所", "sum", NULL, NULL, false),
	    rate(3, "筛查", "两病筛查率", "96", "1", true),
	};
	struct report r;
	struct buf b;

	(void)state;
	init_report(&r, items, sizeof(items) / sizeof(items[0]));
	r.year = 2023;
	r.year_end = false;
	r.period.type = PERIOD_QUARTER;
	r.period.year = 2023;
	r.period.index = 1;
	r.time_progress_pct = tt_dec("25.0");
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_string_equal(buf_str(&b), "截至3月底，2023年省重点民生实事进展情况如下：\n"
					 "一、技能河南\n"
					 "全省职业技能培训累计90万人次，新增技能人才累计40万人，"
					 "分别完成年度目标任务的30%、20%。\n"
					 "二、寄宿制学校\n"
					 "全省新开工寄宿制小学暂无数据。\n"
					 "三、筛查\n"
					 "全省两病筛查率达到96%，高于年度目标任务1个百分点。\n"
					 "落后于序时进度（25%）的指标：新增技能人才（20%）。\n"
					 "1项指标暂无数据：新开工寄宿制小学。\n"
					 "4项指标任务已完成1项。\n");

	/* The judged ones on schedule, one without data: never 各项. */
	items[1].completion_pct = tt_dec("25.0");
	buf_reset(&b);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_null(strstr(buf_str(&b), "各项指标均达到序时进度"));
	assert_non_null(strstr(buf_str(&b), "1项指标暂无数据：新开工寄宿制小学。\n"
					    "其余指标均达到序时进度。\n"
					    "4项指标任务已完成1项。\n"));

	/* All with data and on schedule. */
	items[2] = count(2, "寄宿制学校", "新开工寄宿制小学", "所", "sum", "300", "25.0", false);
	buf_reset(&b);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(strstr(buf_str(&b), "各项指标均达到序时进度。\n4项指标任务已完成1项。\n"));
	assert_null(strstr(buf_str(&b), "暂无数据"));
	assert_null(strstr(buf_str(&b), "其余"));

	/* Data but no target at this unit: not on schedule either. */
	items[2].has_target = false;
	items[2].has_completion = false;
	buf_reset(&b);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(strstr(buf_str(&b), "1项指标未设本级目标：新开工寄宿制小学。\n"
					    "其余指标均达到序时进度。\n"));

	/* No data at all: nothing is on schedule, every one is named. */
	for (size_t i = 0; i < 4; i++) {
		items[i].has_actual = false;
		items[i].has_completion = items[i].has_diff = items[i].met = false;
	}
	r.summary.met = 0;
	buf_reset(&b);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(strstr(buf_str(&b), "4项指标暂无数据：职业技能培训、新增技能人才、"
					    "新开工寄宿制小学、两病筛查率。\n"
					    "4项指标任务已完成0项。\n"));
	assert_null(strstr(buf_str(&b), "达到序时进度"));
	assert_null(strstr(buf_str(&b), "落后于序时进度"));

	/* The same at year end: no data is not "not done". */
	r.year_end = true;
	items[0] = count(1, "技能河南", "职业技能培训", "人次", "sum", "900000", "30.0", false);
	buf_reset(&b);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(strstr(buf_str(&b), "未完成的指标：职业技能培训。\n"
					    "3项指标暂无数据：新增技能人才、新开工寄宿制小学、"
					    "两病筛查率。\n"
					    "4项指标任务已完成0项。\n"));
	assert_null(strstr(buf_str(&b), "达到序时进度"));
	buf_free(&b);
}

static void test_helpers(void **state)
{
	struct period p;
	char s[32];

	(void)state;
	bulletin_zh_number(1, s, sizeof(s));
	assert_string_equal(s, "一");
	bulletin_zh_number(10, s, sizeof(s));
	assert_string_equal(s, "十");
	bulletin_zh_number(12, s, sizeof(s));
	assert_string_equal(s, "十二");
	bulletin_zh_number(20, s, sizeof(s));
	assert_string_equal(s, "二十");
	bulletin_zh_number(35, s, sizeof(s));
	assert_string_equal(s, "三十五");
	p.type = PERIOD_MONTH;
	p.year = 2023;
	p.index = 6;
	bulletin_period_end(&p, s, sizeof(s));
	assert_string_equal(s, "6月底");
	p.type = PERIOD_SIXMONTH;
	p.index = 1;
	bulletin_period_end(&p, s, sizeof(s));
	assert_string_equal(s, "6月底");
	p.type = PERIOD_DAY;
	p.index = 315;
	bulletin_period_end(&p, s, sizeof(s));
	assert_string_equal(s, "3月15日");
	p.type = PERIOD_WEEK;
	p.index = 10; /* 2023W10 ends on Sunday 12 March */
	bulletin_period_end(&p, s, sizeof(s));
	assert_string_equal(s, "3月12日");
}

/*
 * A rate that misses its target by less than the printed precision rounds
 * to a diff of 0; the bulletin must not say 达到年度目标任务 for it.
 */
static void test_rate_near_miss(void **state)
{
	struct report_item items[] = {
	    rate(1, "筛查", "产前筛查率", "94.96", "0.0", false),
	    rate(1, "筛查", "两病筛查率", "95", "0.0", true),
	    rate(1, "筛查", "覆盖率", "95.0", "0.0", false),
	};
	struct report r;
	struct buf b;

	(void)state;
	items[0].target = tt_dec("95");
	items[1].target = tt_dec("95");
	/* formula: 18992 / 20000 = 94.96% prints 95.0 at precision 1, which would
	 * read as the target: the rate is printed with the digits of its miss */
	items[2].target = tt_dec("95");
	items[2].has_fraction = true;
	items[2].numerator = tt_dec("18992");
	items[2].denominator = tt_dec("20000");
	init_report(&r, items, sizeof(items) / sizeof(items[0]));
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_string_equal(buf_str(&b), "2022年省重点民生实事完成情况如下：\n"
					 "一、筛查\n"
					 "全省产前筛查率达到94.96%，低于年度目标任务0.04个百分点；"
					 "两病筛查率达到95%，达到年度目标任务；"
					 "覆盖率达到94.96%，低于年度目标任务0.04个百分点。\n"
					 "未完成的指标：产前筛查率、覆盖率。\n"
					 "3项指标任务已完成1项。\n");
	buf_free(&b);
}

/*
 * A count capped by <= is on schedule while its completion stays at or
 * below 序时进度; above it, it is listed as 超出序时进度, never as behind.
 */
static void test_progress_capped(void **state)
{
	struct report_item items[] = {
	    count(1, "安全", "较大事故起数", "起", "sum", "1", "10.0", true),
	    count(1, "安全", "亡人事故起数", "起", "sum", "4", "40.0", true),
	    count(1, "安全", "新增技能人才", "人", "sum", "400000", "20.0", false),
	};
	struct report r;
	struct buf b;

	(void)state;
	items[0].cmp = REPORT_LE;
	items[1].cmp = REPORT_LE;
	init_report(&r, items, sizeof(items) / sizeof(items[0]));
	r.year = 2023;
	r.year_end = false;
	r.period.type = PERIOD_QUARTER;
	r.period.year = 2023;
	r.period.index = 1;
	r.time_progress_pct = tt_dec("25.0");
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(strstr(buf_str(&b), "落后于序时进度（25%）的指标：新增技能人才（20%）。\n"
					    "超出序时进度（25%）的指标：亡人事故起数（40%）。\n"));
	assert_null(strstr(buf_str(&b), "较大事故起数（"));

	/* Only the capped one under its share: all on schedule. */
	r.n = 1;
	r.summary.indicators = 1;
	buf_reset(&b);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(strstr(buf_str(&b), "各项指标均达到序时进度。\n"));
	buf_free(&b);
}

/* Figures too large for a decimal (report.h out_of_range): worded, judged. */
static void test_out_of_range(void **state)
{
	struct report_item items[] = {
	    count(1, "极值", "甲", "元", "sum", "922337203685477.5807", "0", true),
	    rate(2, "比率", "乙率", "0", "0", true),
	    rate(2, "比率", "丙率", "5000", "0", true),
	    count(3, "目标为零", "丁", "起", "sum", "3", "0", false),
	};
	struct report r;
	struct buf b;

	(void)state;
	items[0].has_completion = false;
	items[0].out_of_range = true;
	items[0].target = tt_dec("0.000000000000000001");
	items[1].has_diff = false;
	items[1].out_of_range = items[1].rate_out_of_range = true;
	items[1].has_fraction = true;
	items[1].numerator = tt_dec("922337203685477.5807");
	items[1].denominator = tt_dec("0.0001");
	items[1].target = tt_dec("100");
	items[2].has_diff = false;
	items[2].out_of_range = true;
	/* a cap of 0 with data: no completion, not met, so over 序时进度 */
	items[3].cmp = REPORT_LE;
	items[3].has_completion = false;
	items[3].target = tt_dec("0");
	init_report(&r, items, sizeof(items) / sizeof(items[0]));
	r.year = 2023;
	r.year_end = false;
	r.period.type = PERIOD_QUARTER;
	r.period.year = 2023;
	r.period.index = 1;
	r.time_progress_pct = tt_dec("25.0");
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_string_equal(buf_str(&b), "截至3月底，2023年省重点民生实事进展情况如下：\n"
					 "一、极值\n"
					 "全省甲累计9223372.04亿元，完成率超出数值范围。\n"
					 "二、比率\n"
					 "全省乙率超出数值范围，达到年度目标任务；"
					 "丙率达到5000%，与年度目标任务之差超出数值范围。\n"
					 "三、目标为零\n"
					 "全省丁累计3起。\n"
					 "超出序时进度（25%）的指标：丁（3起）。\n"
					 "4项指标任务已完成3项。\n");
	buf_free(&b);
}

/*
 * A bulletin of a unit below the root names it in its first line and
 * speaks with its scope word (what the unit is: a 街道 is 全街道); a root
 * is not named by bulletin_write (bulletin_write_unit names it when told).
 */
static void test_unit_scope(void **state)
{
	struct report_item items[] = {
	    count(1, "技能河南", "职业技能培训", "人次", "sum", "600000", "50.0", false),
	};
	struct report r;
	struct buf b;

	(void)state;
	init_report(&r, items, 1);
	r.orgunit = "4101";
	r.orgunit_name = "郑州市";
	r.orgunit_level = 2;
	r.parent = "41";
	r.year = 2023;
	r.year_end = false;
	r.period.type = PERIOD_QUARTER;
	r.period.year = 2023;
	r.period.index = 1;
	r.time_progress_pct = tt_dec("25");
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_string_equal(buf_str(&b), "截至3月底，郑州市2023年省重点民生实事进展情况如下：\n"
					 "一、技能河南\n"
					 "全市职业技能培训累计60万人次，完成年度目标任务的50%。\n"
					 "各项指标均达到序时进度。\n"
					 "1项指标任务已完成0项。\n");
	buf_reset(&b);
	/* a township at year end */
	r.orgunit = "410102001";
	r.orgunit_name = "林山寨街道";
	r.orgunit_level = 4;
	r.parent = "410102";
	r.year_end = true;
	r.period = period_year(2023);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_string_equal(buf_str(&b), "林山寨街道2023年省重点民生实事完成情况如下：\n"
					 "一、技能河南\n"
					 "全街道职业技能培训累计60万人次，完成年度目标任务的50%。\n"
					 "未完成的指标：职业技能培训。\n"
					 "1项指标任务已完成0项。\n");
	buf_reset(&b);
	/* a root of several (no parent) is not named */
	r.orgunit = "42";
	r.orgunit_name = "湖北省";
	r.orgunit_level = 1;
	r.parent = "";
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(strstr(buf_str(&b), "\n全省职业技能培训"));
	assert_true(strncmp(buf_str(&b), "2023年省重点民生实事完成情况如下：\n", 40) == 0);
	buf_free(&b);
}

/*
 * bulletin_write_unit: the name and scope word as given (orgunit_title's);
 * a unit below the root counts only the indicators with a target of its
 * own in the closing line, and says so when it has none; a root counts
 * the plan.
 */
static void test_unit_named_and_counted(void **state)
{
	struct report_item items[] = {
	    count(1, "技能河南", "职业技能培训", "人次", "sum", "600000", "50.0", false),
	    count(1, "技能河南", "城镇新增就业", "人", "sum", NULL, NULL, false),
	    count(2, "健康", "两病筛查", "人", "sum", NULL, NULL, false),
	};
	struct report r;
	struct buf b;

	(void)state;
	/* 城镇新增就业 has data but no target at the unit */
	items[1].has_actual = true;
	items[1].actual = tt_dec("50000");
	items[1].has_target = false;
	init_report(&r, items, 3);
	r.summary.met = 0;
	r.orgunit = "410183100";
	r.orgunit_name = "城关镇";
	r.orgunit_level = 4;
	r.parent = "410183";
	r.year = 2023;
	r.period = period_year(2023);
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write_unit(&r, "郑州新密市城关镇", "全镇", &b), 0);
	assert_string_equal(buf_str(&b), "郑州新密市城关镇2023年省重点民生实事完成情况如下：\n"
					 "一、技能河南\n"
					 "全镇职业技能培训累计60万人次，完成年度目标任务的50%；"
					 "城镇新增就业累计50000人。\n"
					 "二、健康\n"
					 "全镇两病筛查暂无数据。\n"
					 "未完成的指标：职业技能培训。\n"
					 "1项指标暂无数据：两病筛查。\n"
					 "1项指标未设本级目标：城镇新增就业。\n"
					 "2项指标任务已完成0项。\n");
	buf_reset(&b);
	/* met: counted among the unit's own */
	items[0].met = true;
	assert_int_equal(bulletin_write_unit(&r, "郑州新密市城关镇", "全镇", &b), 0);
	assert_non_null(strstr(buf_str(&b), "\n2项指标任务已完成1项。\n"));
	buf_reset(&b);
	/* no target at the unit at all: said plainly, no count of tasks */
	items[0].has_target = false;
	items[0].has_completion = false;
	items[2].has_target = false;
	assert_int_equal(bulletin_write_unit(&r, "郑州中原区", "全区", &b), 0);
	assert_non_null(strstr(buf_str(&b), "\n本级未设年度目标任务。\n"));
	assert_null(strstr(buf_str(&b), "项指标任务已完成"));
	assert_true(strncmp(buf_str(&b), "郑州中原区2023年", strlen("郑州中原区2023年")) == 0);
	assert_non_null(strstr(buf_str(&b), "\n全区职业技能培训累计60万人次；"));
	buf_reset(&b);
	/* a root counts the plan, even without targets of its own; named when
	 * told (one of several roots), not named with NULL or "" */
	r.orgunit = "42";
	r.orgunit_name = "湖北省";
	r.orgunit_level = 1;
	r.parent = "";
	r.summary.met = 0;
	assert_int_equal(bulletin_write_unit(&r, "湖北省", NULL, &b), 0);
	assert_true(strncmp(buf_str(&b), "湖北省2023年省重点民生实事完成情况如下：\n",
			    strlen("湖北省2023年省重点民生实事完成情况如下：\n")) == 0);
	assert_non_null(strstr(buf_str(&b), "\n全省职业技能培训"));
	assert_non_null(strstr(buf_str(&b), "\n3项指标任务已完成0项。\n"));
	buf_reset(&b);
	assert_int_equal(bulletin_write_unit(&r, NULL, NULL, &b), 0);
	assert_true(strncmp(buf_str(&b), "2023年省重点民生实事完成情况如下：\n",
			    strlen("2023年省重点民生实事完成情况如下：\n")) == 0);
	buf_free(&b);
}

/*
 * A day's bulletin is as of the last month that ended (report_data_period):
 * its first line names that month's end, and 序时进度 on the schedule lines
 * is that month's, exactly: 15 March is as of 2月底 (2/12, 16.67%), so 166 of
 * 1000 is behind and 167 is not (counted in days, 74/365 = 20.27%, both
 * would have been).
 */
static void test_day_as_of_month(void **state)
{
	struct report_item items[] = {
	    count(1, "技能河南", "职业技能培训", "人次", "sum", "166", "16.6", false),
	    count(1, "技能河南", "新增技能人才", "人", "sum", "167", "16.7", false),
	};
	struct report r;
	struct buf b;

	(void)state;
	items[0].target = tt_dec("1000");
	items[1].target = tt_dec("1000");
	init_report(&r, items, 2);
	r.year = 2023;
	r.year_end = false;
	r.period.type = PERIOD_DAY;
	r.period.year = 2023;
	r.period.index = 315;
	r.data_period.type = PERIOD_MONTH;
	r.data_period.year = 2023;
	r.data_period.index = 2;
	r.time_progress_pct = tt_dec("16.7");
	buf_init(&b, 1 << 16);
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_string_equal(buf_str(&b), "截至2月底，2023年省重点民生实事进展情况如下：\n"
					 "一、技能河南\n"
					 "全省职业技能培训累计166人次，新增技能人才累计167人，"
					 "分别完成年度目标任务的16.6%、16.7%。\n"
					 "落后于序时进度（16.7%）的指标：职业技能培训（16.6%）。\n"
					 "2项指标任务已完成0项。\n");
	buf_reset(&b);
	/* at precision 0 the behind count is printed with the digits it needs */
	r.precision = 0;
	items[0].completion_pct = tt_dec("17");
	items[1].completion_pct = tt_dec("17");
	r.time_progress_pct = tt_dec("17");
	assert_int_equal(bulletin_write(&r, &b), 0);
	assert_non_null(
	    strstr(buf_str(&b), "落后于序时进度（16.7%）的指标：职业技能培训（16.6%）。\n"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_year_end),	    cmocka_unit_test(test_progress),
	    cmocka_unit_test(test_rate_near_miss),  cmocka_unit_test(test_progress_capped),
	    cmocka_unit_test(test_helpers),	    cmocka_unit_test(test_out_of_range),
	    cmocka_unit_test(test_unit_scope),	    cmocka_unit_test(test_unit_named_and_counted),
	    cmocka_unit_test(test_day_as_of_month),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
