/*
 * report.h - progress report: year-to-date roll-up, completion, colours.
 *
 * report_build reads the plan of a year (projects, indicators, targets) and
 * the rolled-up data values (see values.h and docs/report.md for the exact
 * roll-up rule) and judges every indicator at one org unit and, optionally,
 * at every unit of one level below it. Everything is exact: no binary
 * floating point is used; percentages are rounded half-up at the precision
 * asked for.
 *
 * Ownership: report_build allocates one struct report; every string and
 * array reachable from it is owned by it and released by report_free. The
 * caller never frees any part of it separately. The writers only read it.
 *
 * This header is a contract used by lagging and bulletin: it only grows
 * (new fields at the ends of structs, new functions), nothing is removed or
 * renamed.
 */
#ifndef MINSHENG_TRACKER_REPORT_H
#define MINSHENG_TRACKER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/decimal.h"
#include "base/period.h"

struct buf;
struct db;
struct error;

struct report_opts {
	int year;                 /* required */
	bool has_period;          /* false: the whole year */
	struct period period;     /* must lie in year; a week or a day: see report_data_period */
	const char *orgunit;      /* unit code; NULL: the root (the unit without parent) */
	int by_level;             /* 0: no breakdown; 1..5: one row per unit of that level under orgunit */
	int precision;            /* 0..4 fraction digits of completion_pct, diff_pp, rate actuals */
	const char *indicator;    /* NULL: every indicator of the year; else only this code */
	struct decimal count_yellow_pp; /* counts in-year: yellow while behind 序时进度 by at most this (10) */
	struct decimal rate_yellow_pp;  /* rates in-year: yellow while within this many pp of the target (2) */
};

/* Defaults: whole year, root unit, no breakdown, precision 1, all
 * indicators, thresholds 10 and 2 percentage points. Sets year too. */
void report_opts_init(struct report_opts *o, int year);

enum report_colour {
	REPORT_GREY = 0,   /* no data, or no target to judge against */
	REPORT_GREEN,
	REPORT_YELLOW,
	REPORT_RED,
};

/* "grey", "green", "yellow", "red". */
const char *report_colour_name(enum report_colour c);
/* "灰", "绿", "黄", "红". */
const char *report_colour_zh(enum report_colour c);

/*
 * Org unit levels by name: "province" 1, "city" 2, "county" 3, "township"
 * 4, "village" 5; the digits "1".."5" are accepted too. Returns 0 and sets
 * *level, or ERR_INPUT.
 */
int report_level_parse(const char *s, int *level);
/* "province".."village", NULL outside 1..5. */
const char *report_level_name(int level);

enum report_kind { REPORT_COUNT = 0, REPORT_RATE };
enum report_cmp { REPORT_GE = 0, REPORT_LE, REPORT_EQ };

/*
 * One indicator judged at one unit.
 * - target: the target row of this indicator for this very unit (no
 *   inheritance from a parent).
 * - actual: the rolled-up year-to-date value; for a formula rate
 *   Σnumerator ÷ Σdenominator × 100 rounded at the precision (data values
 *   are exact and printed normalized; computed rates are printed at the
 *   precision). has_actual is false when no value lies in the window (or a
 *   formula's denominator is missing or zero).
 * - completion_pct (counts) = actual ÷ target × 100, diff_pp (rates) =
 *   actual − target, both rounded half-up at the precision (scale ==
 *   precision); has_completion / has_diff say whether they are defined.
 * - met and colour are judged on the exact (unrounded) figures.
 */
struct report_item {
	int project_no;
	const char *project_title;
	const char *indicator;       /* indicator code */
	const char *name;            /* indicator name (Chinese) */
	const char *unit;            /* 人次, 所, %, ... */
	enum report_kind kind;
	enum report_cmp cmp;
	const char *kind_text;       /* "count" / "rate" */
	const char *comparator;      /* ">=", "<=", "=" */
	const char *aggregation;     /* "sum" / "last" */
	bool formula;                /* numerator/denominator rate */

	const char *orgunit;         /* unit code */
	const char *orgunit_name;
	int orgunit_level;           /* 1..5 */
	const char *parent;          /* parent unit code, "" for the root */

	bool has_target;
	struct decimal target;       /* normalized */
	bool has_actual;
	struct decimal actual;       /* normalized for data; at precision for formula rates */
	bool has_completion;
	struct decimal completion_pct;
	bool has_diff;
	struct decimal diff_pp;
	bool met;                    /* false without actual or target */
	enum report_colour colour;

	/* For a formula rate with data: the rolled-up numerator and denominator. */
	bool has_fraction;
	struct decimal numerator, denominator;

	/*
	 * With by_level: the rows of this indicator, one per unit of that
	 * level under the report's unit, sorted 考核排名: judged rows by
	 * completion (counts) or diff (rates) descending (ascending for a
	 * <= comparator, where less is better), then rows with an
	 * actual but nothing to judge, then rows without data; ties by unit
	 * code. NULL / 0 on the per-unit rows themselves.
	 */
	size_t n_units;
	struct report_item *units;

	/*
	 * Figures too large for a decimal at the precision, possible only at
	 * the imports' limits (a value near 9.2×10^14 against a target of
	 * 0.001, or over a denominator of 0.0001). out_of_range: the
	 * completion_pct or diff_pp is left out (has_completion / has_diff
	 * false). rate_out_of_range: the formula rate itself, so actual is not
	 * given (it is 0) although has_actual is true; numerator and denominator
	 * are. met and colour are always judged, exactly.
	 */
	bool out_of_range;
	bool rate_out_of_range;
};

struct report_summary {
	size_t indicators;   /* items at the report's unit */
	size_t met;
	size_t green, yellow, red, grey;
};

struct report {
	int year;
	struct period period;           /* the whole year when none was given */
	char period_text[PERIOD_STRLEN];
	const char *orgunit;            /* code of the report's unit */
	const char *orgunit_name;
	int orgunit_level;
	bool year_end;                  /* 序时进度 is 100%: the year, or a period ending on 31 December or later */
	struct decimal time_progress_pct; /* 序时进度 rounded at precision, normalized */
	int precision;
	int by_level;                   /* as asked, 0 for none */
	size_t n;                       /* indicators, in plan order (project_no, file order) */
	struct report_item *items;      /* judged at the report's unit */
	struct report_summary summary;
	void *priv_;                    /* private: the report's storage */
	/* Added after the first version (fields only ever added here): */
	const char *parent;             /* parent code of the report's unit, "" for a root */
	/*
	 * The period the figures and 序时进度 are as of (report_data_period):
	 * period itself, except for a week or a day: the last month that
	 * ended in it (202302 for 20230315, 202303 for 2023W13).
	 */
	struct period data_period;
	char data_period_text[PERIOD_STRLEN];
};

/*
 * The period a report on p gives its figures and 序时进度 for. Data values
 * come for whole months (and the quarters, halves and years they make up),
 * so a week or a day is reported as of the last month that ended by its
 * last day: 20230315 -> 202302, 20230331 -> 202303, 2023W13 (to 2 April)
 * -> 202303, 2020W53 (to 3 January 2021) -> 202012. Every other period is
 * its own. A week or a day that ends before 31 January of its year has no
 * whole month: ERR_USAGE with a message naming it (the caller must ask for
 * another period). Pure; err is untouched on success.
 */
int report_data_period(const struct period *p, struct period *out, struct error *err);

/*
 * Build the report. ERR_USAGE-like problems in the options (unknown unit
 * code, unknown indicator, period outside year, precision out of range,
 * by_level above the unit's own level or not below it) are ERR_INPUT with a
 * Chinese message; database failures ERR_IO. ERR_USAGE when the options
 * cannot name a report at all and the caller must ask otherwise: no
 * orgunit while the database has several roots (the message names them
 * and asks for --orgunit), a week or a day that ends before any month of
 * its year has (report_data_period). A year without a plan gives a report with
 * n == 0. *out is NULL on failure.
 */
int report_build(struct db *db, const struct report_opts *o,
		 struct report **out, struct error *err);

/* Release everything. Accepts NULL. */
void report_free(struct report *r);

/*
 * Writers. Each appends to b and returns 0 or the buf error.
 * JSON (exactly the shape in docs/report.md):
 *   {"year":2022,"period":"2022","orgunit":"41","time_progress_pct":100,
 *    "indicators":[{"project_no":1,"project_title":"…","indicator":"…",
 *    "name":"…","unit":"人次","kind":"count","comparator":">=",
 *    "target":3000000,"actual":4323000,"completion_pct":144.1,
 *    "diff_pp":null,"met":true,"colour":"green"}],
 *    "summary":{"indicators":22,"met":22}}
 * with by_level each indicator object ends with "units":[{"orgunit":"4101",
 * "name":"郑州市","target":…,"actual":…,"completion_pct":…,"diff_pp":…,
 * "met":…,"colour":…},…]. For a week or a day "data_period":"202302" (the
 * month the figures are as of) follows "period". One line, followed by a
 * newline.
 * Text: a Chinese aligned table. CSV: a header line then one row per item
 * (and per unit row), see docs/report.md.
 */
int report_write_json(const struct report *r, struct buf *b);
int report_write_text(const struct report *r, struct buf *b);
/*
 * For CSV, text (may be NULL: plain csv_write_field) writes each field that
 * is text, not a number: codes, names, titles, units. The CLI passes the
 * spreadsheet formula guard (mask_csv_text, subsidy/mask.h) so that a name
 * like "=HYPERLINK(…)" is shown, not run; numbers are written as they are.
 * text returns 0 or nonzero on failure.
 */
int report_write_csv(const struct report *r,
		     int (*text)(struct buf *b, const char *s, size_t len), struct buf *b);

/*
 * Pure judgement, used by report_build and unit tests. Given kind,
 * comparator, the exact actual as the fraction num/den (den is 1 for
 * data values; den > 0), the target, and the elapsed share of the year
 * tp_num/tp_den (period_elapsed) with year_end, fills completion_pct /
 * diff_pp (rounded at precision), met and colour on item. Only the
 * judgement fields of item are written (out_of_range too). The
 * judgements are exact for any decimals (decimal_sum_sign); a completion or
 * difference too large for a decimal at the precision is left out
 * (out_of_range). Returns ERR_INPUT only for den <= 0, tp_den <= 0,
 * tp_num < 0 or a scale outside 0..18.
 */
int report_judge(enum report_kind kind, enum report_cmp cmp,
		 struct decimal num, struct decimal den, struct decimal target,
		 int64_t tp_num, int64_t tp_den, bool year_end,
		 const struct report_opts *o, struct report_item *item);

#endif
