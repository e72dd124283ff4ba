/*
 * fuzz_rosterimport.c - the whole roster import (roster_import) run for
 * real on each input; fuzz_roster covers the row checks alone, this one
 * what the import does to the database. Each input starts from a fresh
 * in-memory copy of the seeded subsidy database (fuzz_subsidy.h: GL01
 * monthly with a standard of 50000 fen and age 60+, CJ01 quarterly, JY01
 * once for ages 6..25, four GL01 entitlements, one on hold) and uses its key
 * from a memory file. An input starting with 'P' is imported with
 * --partial (the 'P' dropped).
 *
 * Invariants (abort() when broken):
 *   - the import returns 0 or ERR_INPUT, on one thread as on two;
 *   - every rejected row has a line inside the input, a column 0..7 (any
 *     field for the CSV reader's own reasons), a reason code and a message
 *     free of control characters; their number is sum.rejected; a file
 *     refused as a whole (header, empty) is ERR_INPUT with a reason and a
 *     line inside the input;
 *   - without --partial a rejected row means nothing changed; with it,
 *     something changed only when a row was accepted;
 *   - when something was committed: the entitlements grew by the accepted
 *     rows and their amounts by accepted_fen, and the ledger checks out;
 *   - importing the same file again accepts nothing and changes nothing
 *     (every accepted row is now a duplicate).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "subsidy/ledger.h"
#include "subsidy/roster.h"

#include "fuzz_db.h"
#include "fuzz_subsidy.h"

#define MAXIN (64 * 1024)

#define STATE_SQL                                                                                  \
	"SELECT 'b', id, id_hash, name, village_code, female, birth_day, NULL FROM beneficiary"    \
	" UNION ALL SELECT 'a', id, beneficiary_id, acct_hash, last4, is_sscard,"                  \
	"  valid_to IS NULL, source FROM bank_account"                                             \
	" UNION ALL SELECT 'e', id, programme_id, period, beneficiary_id, amount_fen, status,"     \
	"  hold_reason FROM entitlement"                                                           \
	" UNION ALL SELECT 'l', count(*), total(amount_fen), NULL, NULL, NULL, NULL, NULL"         \
	"  FROM ledger_entry"                                                                      \
	" UNION ALL SELECT 'r', count(*), NULL, NULL, NULL, NULL, NULL, NULL FROM roster_import"   \
	" ORDER BY 1, 2"

struct rejects {
	long lines;
	size_t n;
};

static void on_reject(void *ctx, long line, long column, const char *code, const char *msg)
{
	struct rejects *rj = ctx;

	CHECK(line >= 1 && line <= rj->lines);
	CHECK(code != NULL && code[0] != '\0' && fuzz_clean_text(code));
	CHECK(column >= 0 && column <= (fuzz_csv_reason(code) ? 257 : 7));
	CHECK(msg != NULL && msg[0] != '\0' && fuzz_clean_text(msg));
	rj->n++;
}

/* The seeded database's key as a key file in memory (mode 0600). */
static const char *key_file(const struct pii_keys *k)
{
	static char path[64];
	static int fd = -1;
	char text[256];
	int i, len;

	if (fd >= 0)
		return path;
	len = snprintf(text, sizeof(text), "minsheng-key 2\nenc ");
	for (i = 0; i < PII_KEYBYTES; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len, "%02x", k->enc[i]);
	len += snprintf(text + len, sizeof(text) - (size_t)len, "\nmac ");
	for (i = 0; i < PII_KEYBYTES; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len, "%02x", k->mac[i]);
	len += snprintf(text + len, sizeof(text) - (size_t)len, "\n");
	fd = memfd_create("fuzz-key", MFD_CLOEXEC);
	CHECK(fd >= 0 && fchmod(fd, 0600) == 0);
	CHECK(write(fd, text, (size_t)len) == len);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster_summary sum, sum2;
	struct ledger_check_result lc;
	struct roster_options o;
	struct rejects rj = {0, 0};
	struct buf before, after;
	struct pii_keys keys;
	struct error err;
	struct db *db;
	int64_t ents0, fen0;
	bool partial = false;
	int rc;

	if (size > MAXIN)
		return 0;
	if (size > 0 && data[0] == 'P') {
		partial = true;
		data++;
		size--;
	}
	db = fuzz_db_restore(fuzz_subsidy_snapshot(&keys));
	memset(&o, 0, sizeof(o));
	o.key_opt = key_file(&keys);
	o.path = fuzz_file(data, size);
	o.partial = partial;
	o.threads = size % 2 ? 2 : 1; /* both pipelines, deterministically per input */
	o.on_reject = on_reject;
	o.ctx = &rj;
	rj.lines = fuzz_lines(data, size);
	before = fuzz_dump(db, STATE_SQL);
	ents0 = fuzz_int(db, "SELECT count(*) FROM entitlement");
	fen0 = fuzz_int(db, "SELECT total(amount_fen) FROM entitlement");

	error_clear(&err);
	rc = roster_import(db, &o, &sum, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	CHECK(sum.rejected == rj.n);
	CHECK(rc == ERR_INPUT || sum.rejected == 0);
	after = fuzz_dump(db, STATE_SQL);
	if (rc && rj.n == 0)
		fuzz_check_input_error(&err, rj.lines, 7); /* the file as a whole */
	if (!sum.committed) {
		CHECK(fuzz_same(&before, &after));
		goto out;
	}
	CHECK(!partial ? rc == 0 : sum.accepted > 0);
	buf_free(&before);
	CHECK(fuzz_int(db, "SELECT count(*) FROM entitlement") == ents0 + (int64_t)sum.accepted);
	CHECK(fuzz_int(db, "SELECT total(amount_fen) FROM entitlement") == fen0 + sum.accepted_fen);
	memset(&lc, 0, sizeof(lc));
	CHECK(ledger_check(db, NULL, NULL, &lc, &err) == 0 && lc.violations == 0);

	/* The same file again: every row it accepted is now a duplicate. */
	rj.n = 0;
	rc = roster_import(db, &o, &sum2, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	CHECK(sum2.accepted == 0 && !sum2.committed);
	before = fuzz_dump(db, STATE_SQL);
	CHECK(fuzz_same(&before, &after));
out:
	db_close(db);
	return 0;
}
