/*
 * fuzz_datavalue.c - the data value file's pure checks (values_parse_header,
 * values_parse_row) over whatever the CSV reader makes of the input. No
 * database: code lookups, replacement and the roll-up are covered by the
 * unit tests. Invariants checked: a parsed row has a period the roll-up
 * knows (year, half, quarter, month), a value of at most 4 fraction digits
 * that fits the stored scale, codes within their bounds; an error always
 * carries a reason, the record's line and a column.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/period.h"
#include "tracker/rollup.h"
#include "tracker/values.h"

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
				assert(strcmp(err.reason, "bad_header") == 0);
				/* go on with the full header to reach the row checks */
				ncols = VALUES_COLUMNS;
			} else {
				assert(ncols >= 6 && ncols <= VALUES_COLUMNS);
			}
			continue;
		}
		error_clear(&err);
		if (values_parse_row(&rec, ncols, "fuzz.csv", &row, &err)) {
			assert(err.code == ERR_INPUT);
			assert(err.reason[0] != '\0');
			assert(err.line == rec.line);
			assert(err.column >= 1 && err.column <= (long)ncols + 1);
			continue;
		}
		assert(row.node >= 0 && row.node < ROLLUP_NODES);
		assert(rollup_node(&row.period) == row.node);
		assert(row.value.scale >= 0 && row.value.scale <= VALUES_MAX_SCALE);
		assert(row.value.units <= INT64_MAX / 10000 &&
		       row.value.units >= -(INT64_MAX / 10000));
		assert(strlen(row.dataelement) >= 1 && strlen(row.dataelement) <= 64);
		assert(strlen(row.orgunit) >= 1 && strlen(row.orgunit) <= 64);
		assert(row.followup[0] == '\0' || strcmp(row.followup, "true") == 0 ||
		       strcmp(row.followup, "false") == 0);
		{
			/* the stored value text reads back as the same decimal */
			char t[DECIMAL_STRLEN];
			struct decimal back;
			size_t len = decimal_format(row.value, t, sizeof(t));

			assert(decimal_parse(t, len, &back, NULL) == 0);
			assert(decimal_cmp(back, row.value) == 0 &&
			       back.scale == row.value.scale);
		}
	}
	csv_close(r);
	return 0;
}
