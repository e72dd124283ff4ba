/*
 * fuzz_datavalue.c - the data value file's pure checks (values_parse_header,
 * values_parse_row) over whatever the CSV reader makes of the input. No
 * database: code lookups, replacement and the roll-up are covered by the
 * unit tests. Invariants checked: a parsed row has a period the roll-up
 * knows (year, half, quarter, month), a value of at most 4 fraction digits
 * that fits the stored scale, codes within their bounds; an error always
 * carries a reason, the file's name, the record's line, a column and a
 * non-empty message free of control characters (a quoted bad value must not
 * carry a newline or a terminal escape).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/period.h"
#include "tracker/rollup.h"
#include "tracker/values.h"

#include "fuzz_check.h"

static int clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct values_row row;
	struct error err;
	size_t ncols = 0;
	int n = 0;

	opt.name = "fuzz.csv";
	opt.max_record = 1 << 16;
	if (csv_open_mem((const char *)data, size, &opt, &r, &err))
		return 0;
	while (n++ < 10000 && csv_next(r, &rec, &err) == 0 && rec.n) {
		if (n == 1) {
			error_clear(&err);
			if (values_parse_header(&rec, "fuzz.csv", &ncols, &err)) {
				CHECK(strcmp(err.reason, "bad_header") == 0);
				CHECK(err.line == rec.line && err.msg[0] && clean(err.msg));
				/* go on with the full header to reach the row checks */
				ncols = VALUES_COLUMNS;
			} else {
				CHECK(ncols >= 6 && ncols <= VALUES_COLUMNS);
			}
			continue;
		}
		error_clear(&err);
		if (values_parse_row(&rec, ncols, "fuzz.csv", &row, &err)) {
			CHECK(err.code == ERR_INPUT);
			CHECK(err.reason[0] != '\0');
			CHECK(err.line == rec.line);
			CHECK(err.column >= 1 && err.column <= (long)ncols + 1);
			CHECK(strcmp(err.file, "fuzz.csv") == 0);
			CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL && err.msg[0] != '\0');
			CHECK(clean(err.msg));
			continue;
		}
		CHECK(row.node >= 0 && row.node < ROLLUP_NODES);
		CHECK(rollup_node(&row.period) == row.node);
		CHECK(row.value.scale >= 0 && row.value.scale <= VALUES_MAX_SCALE);
		{
			/* the value times 10^4 (its stored form) fits in int64 */
			static const int64_t p10[5] = {1, 10, 100, 1000, 10000};
			int64_t u;

			CHECK(!__builtin_mul_overflow(row.value.units,
						      p10[VALUES_MAX_SCALE - row.value.scale], &u));
		}
		CHECK(strlen(row.dataelement) >= 1 && strlen(row.dataelement) <= 64);
		CHECK(strlen(row.orgunit) >= 1 && strlen(row.orgunit) <= 64);
		CHECK(row.followup[0] == '\0' || strcmp(row.followup, "true") == 0 ||
		      strcmp(row.followup, "false") == 0);
		{
			/* the stored value text reads back as the same decimal */
			char t[DECIMAL_STRLEN];
			struct decimal back;
			size_t len = decimal_format(row.value, t, sizeof(t));

			CHECK(decimal_parse(t, len, &back, NULL) == 0);
			CHECK(decimal_cmp(back, row.value) == 0 && back.scale == row.value.scale);
		}
	}
	csv_close(r);
	return 0;
}
