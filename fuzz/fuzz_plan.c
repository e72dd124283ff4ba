/*
 * fuzz_plan.c - the plan file's pure row checks (plan_parse_header,
 * plan_parse_row) over whatever the CSV reader makes of the input. No
 * database: unit lookups and breakdown sums are covered by the unit tests.
 * Invariants checked (in every build type): a parsed row's fields are
 * within the documented bounds; an error always carries a reason and a line.
 */
#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/decimal.h"
#include "base/error.h"
#include "tracker/plan.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct plan_row row;
	struct error err;
	int n = 0;

	opt.name = "fuzz.csv";
	opt.max_record = 1 << 16;
	if (csv_open_mem((const char *)data, size, &opt, &r, &err))
		return 0;
	while (n++ < 10000 && csv_next(r, &rec, &err) == 0 && rec.n) {
		if (n == 1) {
			(void)plan_parse_header(&rec, "fuzz.csv", &err);
			continue;
		}
		error_clear(&err);
		if (plan_parse_row(&rec, "fuzz.csv", &row, &err)) {
			CHECK(err.code == ERR_INPUT);
			CHECK(err.reason[0] != '\0');
			CHECK(err.line == rec.line);
			continue;
		}
		CHECK(row.year >= 1900 && row.year <= 9999);
		CHECK(row.project_no >= 1 && row.project_no <= 9999);
		CHECK(strlen(row.indicator) >= 1 && strlen(row.indicator) <= PLAN_CODE_MAX);
		CHECK(!decimal_is_negative(row.target));
		CHECK(row.kind == PLAN_COUNT || row.kind == PLAN_RATE);
		CHECK((row.numerator[0] == '\0') == (row.denominator[0] == '\0'));
		CHECK(row.numerator[0] == '\0' || row.kind == PLAN_RATE);
		CHECK(row.kind == PLAN_COUNT ||
		       decimal_cmp(row.target, decimal_from_int(100)) <= 0);
	}
	csv_close(r);
	return 0;
}
