/*
 * fuzz_plan.c - the plan file's pure row checks (plan_parse_header,
 * plan_parse_row) over whatever the CSV reader makes of the input. No
 * database: unit lookups and breakdown sums are covered by the unit tests
 * and by fuzz_planimport. Invariants checked (in every build type):
 *   - a header is accepted or refused as bad_header, with a column 0..14
 *     (the first extra field of a long header is 14);
 *   - an error is ERR_INPUT with one of the documented reasons, the file's
 *     name, the record's line, a column 1..13 (0 only for field_count) and
 *     a non-empty message free of control characters (a quoted bad value
 *     must not carry a newline or an escape to the terminal);
 *   - a parsed row's fields are within the documented bounds: year and
 *     project number ranges, codes of 1..max letters, digits, '_', '.',
 *     '-', texts of 1..max bytes without control characters, a known kind,
 *     comparator and aggregation, a rate at most 100 and never summed
 *     unless it is a formula, a formula only for a rate and naming three
 *     different codes; the strings are the record's own fields;
 *   - the target formats back to text that parses to the same decimal;
 *   - parsing the same record again gives the same verdict (no state).
 */
#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/decimal.h"
#include "base/error.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"

#include "fuzz_check.h"

static const char *const reasons[] = {
    "field_count",	"bad_year",	"bad_project_no",  "bad_title",	     "bad_code",
    "bad_name",		"bad_unit",	"bad_kind",	   "bad_comparator", "bad_target",
    "negative_target",	"rate_range",	"bad_aggregation", "rate_sum",	     "half_formula",
    "formula_not_rate", "formula_self",
};

static int clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* 1..max of ASCII letters, digits, '_', '.', '-' */
static int code_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n >= 1 && n <= max &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static int text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n >= 1 && n <= max && clean(s);
}

static void check_error(const struct error *e, const struct csv_record *rec)
{
	size_t i, known = 0;

	CHECK(e->code == ERR_INPUT);
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		known |= strcmp(e->reason, reasons[i]) == 0;
	CHECK(known);
	CHECK(strcmp(e->file, "fuzz.csv") == 0);
	CHECK(e->line == rec->line);
	CHECK(e->column >= 0 && e->column <= PLAN_COLUMNS);
	CHECK(e->column >= 1 || strcmp(e->reason, "field_count") == 0);
	CHECK(memchr(e->msg, '\0', sizeof(e->msg)) != NULL && e->msg[0] != '\0');
	CHECK(clean(e->msg));
}

static void check_row(const struct plan_row *row, const struct csv_record *rec)
{
	char t[DECIMAL_STRLEN];
	struct decimal back;
	size_t len;

	CHECK(rec->n == PLAN_COLUMNS && row->line == rec->line);
	CHECK(row->year >= 1900 && row->year <= 9999);
	CHECK(row->project_no >= 1 && row->project_no <= 9999);
	CHECK(row->project_title == rec->field[2] && text_ok(row->project_title, PLAN_TEXT_MAX));
	CHECK(row->indicator == rec->field[3] && code_ok(row->indicator, PLAN_CODE_MAX));
	CHECK(row->name == rec->field[4] && text_ok(row->name, PLAN_TEXT_MAX));
	CHECK(row->unit == rec->field[5] && text_ok(row->unit, PLAN_UNIT_MAX));
	CHECK(row->kind == PLAN_COUNT || row->kind == PLAN_RATE);
	CHECK(strcmp(rec->field[6], row->kind == PLAN_COUNT ? "count" : "rate") == 0);
	CHECK(row->comparator != NULL && strcmp(row->comparator, rec->field[7]) == 0);
	CHECK(strcmp(row->comparator, ">=") == 0 || strcmp(row->comparator, "<=") == 0 ||
	      strcmp(row->comparator, "=") == 0);
	CHECK(!decimal_is_negative(row->target));
	CHECK(row->kind == PLAN_COUNT || decimal_cmp(row->target, decimal_from_int(100)) <= 0);
	CHECK(row->orgunit == rec->field[9] && code_ok(row->orgunit, ORGUNIT_CODE_MAX));
	CHECK(row->aggregation == PLAN_SUM || row->aggregation == PLAN_LAST);
	CHECK(row->numerator == rec->field[11] && row->denominator == rec->field[12]);
	CHECK((row->numerator[0] == '\0') == (row->denominator[0] == '\0'));
	if (row->numerator[0]) {
		CHECK(row->kind == PLAN_RATE);
		CHECK(code_ok(row->numerator, PLAN_CODE_MAX));
		CHECK(code_ok(row->denominator, PLAN_CODE_MAX));
		CHECK(strcmp(row->numerator, row->denominator) != 0);
		CHECK(strcmp(row->numerator, row->indicator) != 0);
		CHECK(strcmp(row->denominator, row->indicator) != 0);
	} else {
		CHECK(row->kind == PLAN_COUNT || row->aggregation == PLAN_LAST);
	}
	/* the target as stored (text) reads back as the same decimal */
	len = decimal_format(row->target, t, sizeof(t));
	CHECK(len > 0 && len < sizeof(t));
	CHECK(decimal_parse(t, len, &back, NULL) == 0 && decimal_cmp(back, row->target) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct plan_row row, row2;
	struct error err, err2;
	int n = 0, rc;

	opt.name = "fuzz.csv";
	opt.max_record = 1 << 16;
	if (csv_open_mem((const char *)data, size, &opt, &r, &err))
		return 0;
	while (n++ < 10000 && csv_next(r, &rec, &err) == 0 && rec.n) {
		if (n == 1) {
			error_clear(&err);
			rc = plan_parse_header(&rec, "fuzz.csv", &err);
			CHECK(rc == 0 || rc == ERR_INPUT);
			if (rc) {
				CHECK(strcmp(err.reason, "bad_header") == 0);
				CHECK(err.line == rec.line);
				CHECK(err.column >= 0 && err.column <= PLAN_COLUMNS + 1);
				CHECK(clean(err.msg));
			}
			continue;
		}
		error_clear(&err);
		rc = plan_parse_row(&rec, "fuzz.csv", &row, &err);
		CHECK(rc == 0 || rc == ERR_INPUT);
		error_clear(&err2);
		CHECK(plan_parse_row(&rec, "fuzz.csv", &row2, &err2) == rc);
		if (rc) {
			check_error(&err, &rec);
			CHECK(strcmp(err.reason, err2.reason) == 0 && err.column == err2.column &&
			      strcmp(err.msg, err2.msg) == 0);
			continue;
		}
		check_row(&row, &rec);
		CHECK(row2.year == row.year && row2.project_no == row.project_no &&
		      row2.kind == row.kind && row2.comparator == row.comparator &&
		      decimal_cmp(row2.target, row.target) == 0 &&
		      row2.target.scale == row.target.scale && row2.aggregation == row.aggregation);
	}
	csv_close(r);
	return 0;
}
