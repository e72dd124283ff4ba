/*
 * fuzz_roster.c - libFuzzer harness for roster row validation
 * (roster_validate, subsidy/roster.h), the pure half of the roster import.
 *
 * The input is read as CSV records of 7 fields; each record is validated
 * against a fixed programme list and village list, and the harness aborts
 * when an invariant breaks:
 *   - the result is a known reason, never a duplicate reason (those need
 *     the database); a reject has a column 1..7 and a non-empty message
 *     that is valid NUL-terminated text within the buffer, free of control
 *     characters (it goes to stderr and the reject file);
 *   - an accepted row is what the import will store: a known programme, a
 *     period of the programme's frequency, an 18-character ID whose check
 *     character is right, a name of 1..ROSTER_NAME_MAX bytes, a 12-digit
 *     known village and its county, a 16-19 digit account passing Luhn, an
 *     amount 1..standard, and an age inside the range;
 *   - validating the same record twice gives the same result (no state).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/error.h"
#include "subsidy/bankcard.h"
#include "subsidy/idcard.h"
#include "subsidy/programme.h"
#include "subsidy/roster.h"

static struct programme progs[] = {
    {1, "CJBT", "c", "d", FREQ_QUARTERLY, 24000, -1, -1},
    {2, "DBJ", "c", "d", FREQ_MONTHLY, 90000, -1, -1},
    {3, "GDBH", "c", "d", FREQ_YEARLY, 0, 18, -1},
    {4, "GLJT", "c", "d", FREQ_MONTHLY, 10000, 80, -1},
    {5, "JYBZ", "c", "d", FREQ_ONCE, 200000, 6, 25},
};
static const struct programme_list plist = {progs, 5};
static uint64_t vcodes[] = {410102001001ULL, 410102001002ULL, 411624100201ULL};
static const struct roster_villages villages = {vcodes, 3};

static void check(int ok)
{
	if (!ok)
		abort();
}

static int clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void check_row(const struct roster_row *row, const struct csv_record *rec, struct date today)
{
	struct idcard id;
	const struct programme *p = row->programme;
	int age;

	check(p != NULL);
	check(programme_period_ok(p->frequency, row->period.type));
	check(strlen(row->id) == 18);
	check(idcard_parse(row->id, 18, today, &id) == IDCARD_OK);
	check(row->name_len >= 1 && row->name_len <= ROSTER_NAME_MAX);
	check(row->name == rec->field[3]);
	check(strlen(row->village) == 12 && memcmp(row->village, row->county, 6) == 0);
	check(row->account_len >= 16 && row->account_len <= 19);
	check(bankcard_check(row->account, row->account_len) == BANKCARD_OK);
	check(row->amount_fen > 0);
	check(p->standard_fen == 0 || row->amount_fen <= p->standard_fen);
	if (p->min_age >= 0 || p->max_age >= 0) {
		age = idcard_age_at(&id, date_from_days(period_start(&row->period)));
		check(age >= 0);
		check(p->min_age < 0 || age >= p->min_age);
		check(p->max_age < 0 || age <= p->max_age);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_options o = {.name = "fuzz.csv",
				.expected_fields = ROSTER_FIELDS,
				.max_field = 256,
				.max_record = 2048};
	struct roster_context ctx = {&plist, &villages, {2023, 6, 1}};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct error err;
	size_t calls = 0;

	if (size > 1 && data[0] == 'N') {
		ctx.villages = NULL; /* also without the village check */
		data++;
		size--;
	}
	error_clear(&err);
	if (csv_open_mem((const char *)data, size, &o, &r, &err))
		return 0;
	for (;;) {
		struct roster_row row, row2;
		char msg[320], msg2[320];
		long col = -1, col2 = -1;
		enum roster_reason rr, rr2;
		int rc;

		check(++calls <= size + 3);
		error_clear(&err);
		rc = csv_next(r, &rec, &err);
		if (rc == ERR_INPUT)
			continue;
		if (rc || rec.n == 0)
			break;
		memset(msg, 'x', sizeof(msg));
		rr = roster_validate(&ctx, &rec, &row, &col, msg, sizeof(msg));
		check((unsigned)rr < ROSTER_NREASONS);
		check(rr != ROSTER_DUPLICATE_IN_FILE && rr != ROSTER_DUPLICATE_IN_DB);
		if (rr == ROSTER_OK) {
			check_row(&row, &rec, ctx.today);
		} else {
			check(col >= 1 && col <= ROSTER_FIELDS);
			check(memchr(msg, '\0', sizeof(msg)) != NULL && msg[0] != '\0');
			check(clean(msg));
			check(roster_reason_code(rr)[0] != '\0');
		}
		rr2 = roster_validate(&ctx, &rec, &row2, &col2, msg2, sizeof(msg2));
		check(rr2 == rr);
		if (rr != ROSTER_OK)
			check(col2 == col && strcmp(msg, msg2) == 0);
	}
	csv_close(r);
	return 0;
}
