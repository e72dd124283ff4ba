/*
 * fuzz_reconcile.c - the bank return file import (bankfile_import,
 * reconcile.h) run for real on each input: the file format is fuzzed alone
 * by fuzz_bankfile; this harness fuzzes what a return file does to the
 * database. Each input starts from a fresh in-memory copy of the seeded
 * subsidy database (fuzz_subsidy.h) with two GL01 batches: batch 1 (202303)
 * has payment 1 still at the bank and payment 2 settled (30000 fen each:
 * intercepted with payment cancel, answered SUCCESS at 2023-03-15T10:00:00
 * by an earlier return file, booked as paid with payment settle), batch 2
 * (202304) has payment 3 (30000 fen) already paid by an earlier return file.
 *
 * Invariants (abort() when broken):
 *   - the import returns 0 or ERR_INPUT;
 *   - a refused file is ERR_INPUT with a reason, a clean message, a line
 *     inside the input (or just after it) and a column 0..9, and leaves
 *     payments, entitlements, the ledger and the import records as they
 *     were;
 *   - every note is one of the reported outcomes, on a line inside the
 *     input, with a clean non-empty message;
 *   - an accepted file: the outcomes add up to the lines, still_pending is
 *     what the batch has pending, the ledger checks out (ledger_check: no
 *     violation), and the same bytes again are "already imported" and
 *     change nothing;
 *   - the answers decide, not the files (docs/bankfile.md): no payment is
 *     left failed (not reversed) with a SUCCESS line of its amount (nothing
 *     here is reissued), no reversed payment has a reversal dated no later
 *     than a SUCCESS line it accepted, and the same answers sent again in
 *     other bytes (a BOM in front) change no payment and post nothing to
 *     the ledger.
 *   - the same answers split over two files (odd and even D lines), imported
 *     in either order into a fresh copy, give the same payments (status,
 *     reason, bank_time) and the same ledger balances as the one file;
 *   - a settled payment's decision stands against the bank's older answers
 *     (docs/bankfile.md): payment 2 is paid at its settled time with its
 *     SETTLED: reason, or, when a REVERSED dated after that time came,
 *     cancelled again (REVERSED: reason, the latest such reversal's time)
 *     with its entitlement; never pending or failed, never paid at an
 *     earlier time.
 *   - informative notes (RECON_PAID: a failed payment now paid;
 *     RECON_REVERSED: an earlier file's reversal now valid) come only with
 *     a paid line; every other note is one of the reported outcomes.
 */
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "subsidy/bankfile.h"
#include "subsidy/batch.h"
#include "subsidy/ledger.h"
#include "subsidy/cancel.h"
#include "subsidy/reconcile.h"
#include "subsidy/settle.h"

#include "fuzz_db.h"
#include "fuzz_subsidy.h"

#define MAXIN (64 * 1024)

#define STATE_SQL                                                                                  \
	"SELECT 'p', id, status, reason, bank_time, account_id, amount_fen, attempt"               \
	" FROM payment"                                                                            \
	" UNION ALL SELECT 'e', id, status, hold_reason, NULL, NULL, NULL, NULL FROM entitlement"  \
	" UNION ALL SELECT 'l', count(*), total(amount_fen), NULL, NULL, NULL, NULL, NULL"         \
	"  FROM ledger_entry"                                                                      \
	" UNION ALL SELECT 'i', count(*), NULL, NULL, NULL, NULL, NULL, NULL FROM bank_import"     \
	" UNION ALL SELECT 'r', count(*), NULL, NULL, NULL, NULL, NULL, NULL"                      \
	"  FROM bank_return_line"                                                                  \
	" ORDER BY 1, 2"

/* What the answers decide: the payments and the ledger, nothing else. */
#define PAYMENTS_SQL                                                                               \
	"SELECT 'p', id, status, reason, bank_time, account_id, amount_fen, attempt"               \
	" FROM payment"                                                                            \
	" UNION ALL SELECT 'l', count(*), total(amount_fen), NULL, NULL, NULL, NULL, NULL"         \
	"  FROM ledger_entry"                                                                      \
	" ORDER BY 1, 2"

/* What must not depend on how the answers were split into files. */
#define SPLIT_SQL                                                                                  \
	"SELECT 'p', id, status, reason, bank_time FROM payment"                                   \
	" UNION ALL SELECT 'a', account, total(amount_fen), NULL, NULL FROM ledger_entry"          \
	"  GROUP BY account HAVING total(amount_fen) <> 0"                                         \
	" ORDER BY 1, 2"

struct notes {
	long lines;
	int64_t n;    /* reported lines */
	int64_t info; /* informative notes on paid lines */
};

/* The bank time of the SUCCESS payment 2 was settled on. */
#define SETTLED_TIME "2023-03-15T10:00:00"

/* Payment 2 as a settlement allows it to be (1 when so). */
#define SETTLED_OK_SQL                                                                             \
	"SELECT count(*) FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"             \
	" WHERE y.id = 2 AND ((y.status = 'paid' AND y.bank_time = '" SETTLED_TIME "'"             \
	" AND y.reason = 'SETTLED: fuzz' AND e.status = 'approved')"                               \
	" OR (y.status = 'cancelled' AND y.reason LIKE 'REVERSED:%'"                               \
	" AND y.bank_time > '" SETTLED_TIME "' AND e.status = 'cancelled'"                         \
	" AND y.bank_time = (SELECT MAX(l.bank_time) FROM bank_return_line l"                      \
	"  WHERE l.payment_id = 2 AND l.status = 'REVERSED' AND l.amount_fen = 30000"              \
	"  AND l.import_id IN (SELECT i.id FROM bank_import i WHERE i.batch_id = 1))))"

static void on_note(void *ctx, enum reconcile_outcome o, long line, int64_t payment_id,
		    const char *msg)
{
	struct notes *nt = ctx;

	(void)payment_id;
	CHECK(o == RECON_UNKNOWN || o == RECON_MISMATCH || o == RECON_DUPLICATE ||
	      o == RECON_CONFLICT || o == RECON_PAID || o == RECON_REVERSED);
	CHECK(line >= 1 && line <= nt->lines);
	CHECK(msg != NULL && msg[0] != '\0' && fuzz_clean_text(msg));
	if (o == RECON_PAID || o == RECON_REVERSED)
		nt->info++;
	else
		nt->n++;
}

static const struct fuzz_snapshot *snapshot(void)
{
	static struct fuzz_snapshot snap;
	struct batch_request r1 = {"GL01", "202303", NULL}, r2 = {"GL01", "202304", NULL};
	struct reconcile_summary s;
	struct batch_result res;
	struct bankret_line ln;
	struct pii_keys keys;
	struct error err;
	struct buf b;
	struct db *db;

	if (snap.data)
		return &snap;
	db = fuzz_db_restore(fuzz_subsidy_snapshot(&keys));
	error_clear(&err);
	CHECK(batch_create(db, &r1, &res, &err) == 0 && res.batch_id == 1 && res.count == 2);
	CHECK(batch_create(db, &r2, &res, &err) == 0 && res.batch_id == 2 && res.count == 1);
	buf_init(&b, 1 << 16);
	memset(&ln, 0, sizeof(ln));
	ln.payment_id = 3;
	ln.status = BANKRET_SUCCESS;
	ln.amount_fen = 30000;
	snprintf(ln.bank_time, sizeof(ln.bank_time), "2023-04-10T09:00:00");
	CHECK(bankfile_format_return_header(&b, 2) == 0 &&
	      bankfile_format_return_line(&b, &ln) == 0 &&
	      bankfile_format_trailer(&b, 1, 30000) == 0);
	CHECK(bankfile_import(db, fuzz_file(b.data, b.len), &s, NULL, NULL, &err) == 0 &&
	      s.n[RECON_PAID] == 1);
	/* Payment 2: intercepted, paid by the bank all the same, settled. */
	CHECK(payment_cancel(db, 2, "fuzz", NULL, &err) == 0);
	buf_reset(&b);
	ln.payment_id = 2;
	snprintf(ln.bank_time, sizeof(ln.bank_time), "%s", SETTLED_TIME);
	CHECK(bankfile_format_return_header(&b, 1) == 0 &&
	      bankfile_format_return_line(&b, &ln) == 0 &&
	      bankfile_format_trailer(&b, 1, 30000) == 0);
	CHECK(bankfile_import(db, fuzz_file(b.data, b.len), &s, NULL, NULL, &err) == 0 &&
	      s.n[RECON_CONFLICT] == 1);
	CHECK(payment_settle(db, 2, "fuzz", NULL, &err) == 0);
	buf_free(&b);
	CHECK(fuzz_int(db, "SELECT count(*) FROM payment WHERE id = 1 AND batch_id = 1"
			   " AND status = 'pending' AND amount_fen = 30000") == 1);
	CHECK(fuzz_int(db, SETTLED_OK_SQL) == 1);
	fuzz_snapshot_take(db, &snap);
	db_close(db);
	return &snap;
}

static const struct fuzz_snapshot *snapshot(void);

static void import_ok(struct db *db, const struct buf *b)
{
	struct notes nt = {0, 0, 0};
	struct reconcile_summary s;
	struct error err;

	nt.lines = fuzz_lines((const uint8_t *)b->data, b->len);
	error_clear(&err);
	CHECK(bankfile_import(db, fuzz_file(b->data, b->len), &s, on_note, &nt, &err) == 0);
}

/*
 * Split the accepted input's D lines into two files (odd and even lines)
 * and import them both ways into fresh copies: the state must be the one
 * the whole file gave (one_state).
 */
static void check_split(const uint8_t *data, size_t size, struct db *one)
{
	struct bankfile_parser ps;
	struct bankret_line ln;
	struct buf part[2], whole;
	int64_t batch, n[2] = {0, 0}, sum[2] = {0, 0};
	struct error err;
	bool end = false;
	long k = 0;
	int i, order;

	error_clear(&err);
	CHECK(bankfile_return_open(&ps, (const char *)data, size, "x", &batch, &err) == 0);
	for (i = 0; i < 2; i++) {
		buf_init(&part[i], (size_t)2 * MAXIN);
		CHECK(bankfile_format_return_header(&part[i], batch) == 0);
	}
	for (;;) {
		CHECK(bankfile_return_next(&ps, &ln, &end, &err) == 0);
		if (end)
			break;
		i = (int)(k++ % 2);
		if (bankfile_format_return_line(&part[i], &ln))
			goto out; /* parsed but not writable as is: not this check's concern */
		n[i]++;
		sum[i] += ln.amount_fen;
	}
	for (i = 0; i < 2; i++)
		CHECK(bankfile_format_trailer(&part[i], n[i], sum[i]) == 0);
	whole = fuzz_dump(one, SPLIT_SQL);
	for (order = 0; order < 2; order++) {
		struct ledger_check_result lc;
		struct db *db = fuzz_db_restore(snapshot());
		struct buf got, want;

		import_ok(db, &part[order]);
		import_ok(db, &part[!order]);
		memset(&lc, 0, sizeof(lc));
		CHECK(ledger_check(db, NULL, NULL, &lc, &err) == 0 && lc.violations == 0);
		got = fuzz_dump(db, SPLIT_SQL);
		buf_init(&want, whole.len + 1);
		CHECK(buf_add(&want, whole.data, whole.len) == 0);
		CHECK(fuzz_same(&want, &got));
		db_close(db);
	}
	buf_free(&whole);
out:
	buf_free(&part[0]);
	buf_free(&part[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reconcile_summary sum, sum2;
	struct ledger_check_result lc;
	struct notes nt = {0, 0, 0};
	static uint8_t bom[MAXIN + 3];
	char sql[512];
	struct buf before, after;
	const char *path;
	struct error err;
	struct db *db;
	int64_t total = 0;
	int rc, i;

	if (size > MAXIN)
		return 0;
	db = fuzz_db_restore(snapshot());
	path = fuzz_file(data, size);
	nt.lines = fuzz_lines(data, size);
	before = fuzz_dump(db, STATE_SQL);

	error_clear(&err);
	rc = bankfile_import(db, path, &sum, on_note, &nt, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	after = fuzz_dump(db, STATE_SQL);
	if (rc || sum.already_imported) {
		/* column: a field of the line, and a line of n bytes has at
		 * most n + 1 fields. line: a missing trailer is reported on the
		 * line after the last one, as fuzz_bankfile allows */
		if (rc)
			fuzz_check_input_error(&err, nt.lines + 1, BANKFILE_MAX_LINE + 1);
		CHECK(fuzz_same(&before, &after));
		goto out;
	}
	buf_free(&before);
	CHECK(err.code == 0);
	for (i = 0; i < RECON_NOUTCOMES; i++) {
		CHECK(sum.n[i] >= 0);
		total += sum.n[i];
	}
	CHECK(total == sum.lines);
	CHECK(nt.n == sum.n[RECON_UNKNOWN] + sum.n[RECON_MISMATCH] + sum.n[RECON_DUPLICATE] +
			  sum.n[RECON_CONFLICT]);
	CHECK(nt.info <= 2 * sum.n[RECON_PAID]);
	CHECK(sum.paid_after_failure >= 0 && sum.paid_after_failure <= sum.n[RECON_PAID]);
	CHECK(sum.late_reversed >= 0 && sum.late_reversed <= sum.n[RECON_PAID]);
	/* A SUCCESS of the payment's amount never leaves it failed (nothing is
	 * reissued here), and a reversal is dated after the successes this
	 * file accepted (one of an earlier file may be later: it stays a
	 * contradiction, listed by bank_success_conflict). */
	CHECK(fuzz_int(db, "SELECT COUNT(*) FROM payment y JOIN bank_return_line l"
			   " ON l.payment_id = y.id AND l.status = 'SUCCESS'"
			   " AND l.outcome IN ('paid', 'already') AND l.amount_fen = y.amount_fen"
			   " WHERE y.status = 'failed' AND y.reason NOT LIKE 'REVERSED:%'") == 0);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM payment y JOIN bank_return_line l"
		 " ON l.payment_id = y.id AND l.status = 'SUCCESS' AND l.import_id = %lld"
		 " AND l.outcome IN ('paid', 'already') AND l.amount_fen = y.amount_fen"
		 " WHERE y.status = 'failed' AND y.reason LIKE 'REVERSED:%%'"
		 " AND y.bank_time < l.bank_time",
		 (long long)sum.import_id);
	CHECK(fuzz_int(db, sql) == 0);
	CHECK(sum.batch_id == 1 || sum.batch_id == 2);
	CHECK(sum.still_pending ==
	      fuzz_int(
		  db,
		  sum.batch_id == 1
		      ? "SELECT count(*) FROM payment WHERE batch_id = 1 AND status = 'pending'"
		      : "SELECT count(*) FROM payment WHERE batch_id = 2 AND status = 'pending'"));
	memset(&lc, 0, sizeof(lc));
	CHECK(ledger_check(db, NULL, NULL, &lc, &err) == 0);
	CHECK(lc.violations == 0);
	CHECK(fuzz_int(db, SETTLED_OK_SQL) == 1);

	/* The same bytes again: already imported, nothing changes. */
	rc = bankfile_import(db, path, &sum2, on_note, &nt, &err);
	CHECK(rc == 0 && sum2.already_imported && sum2.import_id == sum.import_id);
	before = fuzz_dump(db, STATE_SQL);
	CHECK(fuzz_same(&before, &after));

	/* The same answers in other bytes: no payment and no ledger change.
	 * (A file that already starts with a BOM gets a second one, which the
	 * format refuses: nothing changes either.) */
	before = fuzz_dump(db, PAYMENTS_SQL);
	memcpy(bom, "\xef\xbb\xbf", 3);
	memcpy(bom + 3, data, size);
	nt.lines = fuzz_lines(bom, size + 3);
	rc = bankfile_import(db, fuzz_file(bom, size + 3), &sum2, on_note, &nt, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	CHECK(rc || !sum2.already_imported);
	CHECK(rc || (sum2.n[RECON_PAID] == 0 && sum2.n[RECON_FAILED] == 0 &&
		     sum2.n[RECON_REVERSED] == 0));
	after = fuzz_dump(db, PAYMENTS_SQL);
	CHECK(fuzz_same(&before, &after));

	check_split(data, size, db);
out:
	db_close(db);
	return 0;
}
