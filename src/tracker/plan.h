/*
 * plan.h - the annual plan: projects, indicators and their targets per unit.
 *
 * File format (docs/plans.md), exactly this header:
 *   year,project_no,project_title,indicator,indicator_name,unit,kind,
 *   comparator,target,orgunit,aggregation,numerator,denominator
 * One row is one target of one indicator at one unit. The first row of an
 * indicator (per year) defines it; later rows of the same indicator at
 * other units are its target breakdown and must repeat the same definition.
 *
 * Checks: every field (plan_parse_row, no database), then across rows
 * (definitions agree, project titles agree, one target per indicator and
 * unit, units known), then the breakdown: for a count indicator, wherever a
 * unit and some of its direct children have targets, the children's targets
 * must add up to the unit's (a mismatch is an error, or a warning when
 * allow_mismatch is set).
 *
 * Writing is one transaction. Re-importing replaces, for each indicator of
 * the file, that indicator's definition and all its targets; other
 * indicators of the year stay. Project titles are updated; projects left
 * without indicators are removed. Data elements (the indicator codes and the
 * numerator/denominator codes) are registered once and never removed, so
 * stored data values always keep their element.
 */
#ifndef MINSHENG_TRACKER_PLAN_H
#define MINSHENG_TRACKER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/decimal.h"
#include "tracker/orgunit.h"

struct csv_record;
struct db;
struct error;

#define PLAN_COLUMNS 13
extern const char *const plan_header[PLAN_COLUMNS];

/* Longest indicator / data element code, title, name and unit (bytes). */
#define PLAN_CODE_MAX 50
#define PLAN_TEXT_MAX 200
#define PLAN_UNIT_MAX 32

enum plan_kind { PLAN_COUNT = 0, PLAN_RATE };
enum plan_aggregation { PLAN_SUM = 0, PLAN_LAST };

/* One parsed row. Strings point into the csv record. */
struct plan_row {
	long line;
	int year;
	int project_no;
	const char *project_title;
	const char *indicator;
	const char *name;
	const char *unit;
	enum plan_kind kind;
	const char *comparator; /* ">=", "<=" or "=" (static storage) */
	struct decimal target;
	const char *orgunit;
	enum plan_aggregation aggregation; /* empty: sum for counts, last for rates */
	const char *numerator;		   /* "" when not a formula */
	const char *denominator;
};

/*
 * Check the header record. ERR_INPUT (reason "bad_header") naming the
 * expected header otherwise.
 */
int plan_parse_header(const struct csv_record *rec, const char *file, struct error *err);

/*
 * Parse and check one data row alone (no database). ERR_INPUT with file,
 * line, column and reason: field_count, bad_year, bad_project_no,
 * bad_title, bad_code, bad_name, bad_unit, bad_kind, bad_comparator,
 * bad_target, negative_target, rate_range, bad_aggregation, rate_sum (a
 * plain rate with aggregation sum), half_formula, formula_not_rate,
 * formula_self.
 */
int plan_parse_row(const struct csv_record *rec, const char *file, struct plan_row *row,
		   struct error *err);

struct plan_import_opts {
	bool allow_mismatch; /* breakdown mismatches are warnings */
	/* the file's encoding (csv_options.encoding): NULL or "" detects; an
	 * unknown one fails with ERR_USAGE, reason "unknown_encoding"; a
	 * legacy one for a plainly UTF-8 file with ERR_INPUT,
	 * "encoding_mismatch" (csv.h) */
	const char *encoding;
};

struct plan_import_stats {
	long rows;
	long projects;	 /* distinct (year, project_no) in the file */
	long indicators; /* indicators written (new or replaced) */
	long replaced;	 /* of which already existed */
	long targets;
	long mismatches; /* breakdown mismatches (warnings with allow_mismatch) */
};

/*
 * Import a plan file. note (may be NULL) gets every problem, errors and
 * warnings; err holds the first error. Returns 0, ERR_INPUT (nothing
 * written), ERR_IO.
 */
int plan_import_file(struct db *db, const char *path, const struct plan_import_opts *o,
		     struct plan_import_stats *st, tracker_note_fn note, void *ctx,
		     struct error *err);

/* The same from memory; name is used in messages. */
int plan_import_mem(struct db *db, const char *name, const char *data, size_t len,
		    const struct plan_import_opts *o, struct plan_import_stats *st,
		    tracker_note_fn note, void *ctx, struct error *err);

/* One target as listed (strings valid during the callback). */
struct plan_target {
	int year;
	int project_no;
	const char *project_title;
	const char *indicator;
	const char *name;
	const char *unit;
	const char *kind; /* "count" / "rate" */
	const char *comparator;
	const char *target; /* exact decimal text */
	const char *orgunit;
	const char *orgunit_name;
	const char *aggregation; /* "sum" / "last" */
	const char *numerator;	 /* "" when none */
	const char *denominator;
	bool derived;
};

/*
 * Call fn for every target of year in plan order (project, indicator order
 * of the file, unit code). fn returning non-zero stops and that is returned.
 */
int plan_list(struct db *db, int year, int (*fn)(void *ctx, const struct plan_target *t), void *ctx,
	      struct error *err);

/*
 * Mark the target of indicator at unit in year as derived from a published
 * result (target.derived = 1). ERR_INPUT when there is no such target.
 */
int plan_mark_derived(struct db *db, int year, const char *indicator, const char *orgunit,
		      struct error *err);

#endif
