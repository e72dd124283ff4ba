/*
 * test_cancel.c - intercepting a pending payment (payment_cancel), the
 * deaths import's count of payments at the bank after a death, and
 * people_awaiting_correction (what hold release can promise).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ops_fixture.h"

#include "subsidy/anomaly.h"
#include "subsidy/cancel.h"
#include "subsidy/people.h"

#define DEATHS "id_number,date_of_death\n410102194001101018,2023-02-10\n"

static int64_t new_batch(struct fx *f, const char *period)
{
	struct batch_request req = {"GL01", period, NULL};
	struct batch_result res;
	struct error err;

	error_clear(&err);
	fx_ok(batch_create(f->db, &req, &res, &err), &err, "batch_create");
	return res.batch_id;
}

static void import_deaths(struct fx *f, struct people_summary *ps)
{
	struct error err;
	char path[192];

	fx_file(f, "deaths.csv", DEATHS, path);
	error_clear(&err);
	fx_ok(deaths_import(f->db, &f->keys, path, NULL, NULL, NULL, ps, &err), &err,
	      "deaths_import");
}

/* The bank answers every pending payment of the batch: fail_id FAILED, the others SUCCESS. */
static void bank_answer(struct fx *f, int64_t batch, int64_t fail_id)
{
	struct reconcile_summary s;
	struct bankret_line ln;
	struct error err;
	sqlite3_stmt *st;
	struct buf b;
	char path[192];
	int64_t n = 0, total = 0;

	error_clear(&err);
	buf_init(&b, 1 << 20);
	bankfile_format_return_header(&b, batch);
	fx_ok(db_prepare(
		  f->db,
		  "SELECT id, amount_fen FROM payment WHERE batch_id = ? AND status = 'pending'"
		  " ORDER BY id",
		  &st, &err),
	      &err, "select");
	sqlite3_bind_int64(st, 1, batch);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&ln, 0, sizeof(ln));
		ln.payment_id = sqlite3_column_int64(st, 0);
		ln.amount_fen = sqlite3_column_int64(st, 1);
		ln.status = ln.payment_id == fail_id ? BANKRET_FAILED : BANKRET_SUCCESS;
		if (ln.status == BANKRET_FAILED)
			snprintf(ln.reason, sizeof(ln.reason), "ACCT_FROZEN");
		snprintf(ln.bank_time, sizeof(ln.bank_time), "2023-03-15T10:00:00");
		if (bankfile_format_return_line(&b, &ln))
			abort();
		n++;
		total += ln.amount_fen;
	}
	sqlite3_finalize(st);
	bankfile_format_trailer(&b, n, total);
	fx_file(f, "ret.csv", b.data, path);
	buf_free(&b);
	fx_ok(bankfile_import(f->db, path, &s, NULL, NULL, &err), &err, "bankfile_import");
}

static int count_rule(void *ctx, const struct anomaly *a)
{
	int *n = ctx;

	if (a->rule == ANOMALY_PAID_AFTER_DEATH)
		(*n)++;
	return 0;
}

static int paid_after_death(struct fx *f)
{
	struct error err;
	int n = 0;

	error_clear(&err);
	fx_ok(anomaly_scan(f->db, &f->keys, 5, count_rule, &n, &err), &err, "anomaly_scan");
	return n;
}

static void test_reason_ok(void **state)
{
	char s[PAYMENT_CANCEL_REASON_MAX + 2];

	(void)state;
	assert_false(payment_cancel_reason_ok(NULL));
	assert_false(payment_cancel_reason_ok(""));
	assert_false(payment_cancel_reason_ok("a\tb"));
	assert_false(payment_cancel_reason_ok("a\nb"));
	assert_false(payment_cancel_reason_ok("a\x7f"));
	/* C1 controls U+0080..U+009F (U+009B is CSI: a terminal escape) */
	assert_false(payment_cancel_reason_ok("x\xc2\x9b"
					      "2Jy"));
	assert_false(payment_cancel_reason_ok("\xc2\x80"));
	assert_false(payment_cancel_reason_ok("a\xc2\x9f"));
	assert_true(payment_cancel_reason_ok("\xc2\xa0\xc2\xb7\xc3\x80"));
	assert_true(payment_cancel_reason_ok("死亡后期间，民政局通知"));
	assert_true(payment_cancel_reason_ok("\xf0\x9f\x98\x80 U+10FFFF \xf4\x8f\xbf\xbf"));
	/* Not UTF-8: a GBK text, a lone continuation byte, a truncated
	 * sequence, an overlong '/', a surrogate, above U+10FFFF, 0xff. */
	assert_false(payment_cancel_reason_ok("\xcb\xc0\xcd\xf6"));
	assert_false(payment_cancel_reason_ok("a\x80"
					      "b"));
	assert_false(payment_cancel_reason_ok("\xe6\xad"));
	assert_false(payment_cancel_reason_ok("\xc0\xaf"));
	assert_false(payment_cancel_reason_ok("\xe0\x80\xaf"));
	assert_false(payment_cancel_reason_ok("\xed\xa0\x80"));
	assert_false(payment_cancel_reason_ok("\xf4\x90\x80\x80"));
	assert_false(payment_cancel_reason_ok("\xf5\x80\x80\x80"));
	assert_false(payment_cancel_reason_ok("ok\xff"));
	memset(s, 'x', PAYMENT_CANCEL_REASON_MAX);
	s[PAYMENT_CANCEL_REASON_MAX] = '\0';
	assert_true(payment_cancel_reason_ok(s));
	s[PAYMENT_CANCEL_REASON_MAX] = 'x';
	s[PAYMENT_CANCEL_REASON_MAX + 1] = '\0';
	assert_false(payment_cancel_reason_ok(s));
}

/* A pending order for a period after the death is intercepted. */
static void test_cancel_pending(void **state)
{
	struct payment_cancel_info in;
	struct people_summary ps;
	struct error err;
	struct fx f;
	int64_t pid, eid;

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"
				      "GL01,202303," FX_P1 ",35000\n"
				      "GL01,202304," FX_P0 ",30000\n");
	assert_int_equal(new_batch(&f, "202303"), 1);
	import_deaths(&f, &ps);
	assert_int_equal(ps.held, 1);		     /* April, no payment */
	assert_int_equal(ps.pending_after_death, 1); /* March, at the bank */
	assert_int_equal(paid_after_death(&f), 1);
	pid = fx_int(&f, "SELECT y.id FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"
			 " WHERE e.period = '202303' AND e.amount_fen = 30000");
	eid = fx_int(&f, "SELECT entitlement_id FROM payment WHERE amount_fen = 30000");

	error_clear(&err);
	fx_ok(payment_cancel(f.db, pid, NULL, &in, &err), &err, "payment_cancel");
	assert_int_equal(in.entitlement_id, eid);
	assert_int_equal(in.batch_id, 1);
	assert_int_equal(in.amount_fen, 30000);
	assert_string_equal(in.programme, "GL01");
	assert_string_equal(in.period, "202303");
	assert_string_equal(in.death, "2023-02-10");
	assert_string_equal(in.reason, "CANCELLED: death 2023-02-10");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'cancelled'"
				    " AND reason = 'CANCELLED: death 2023-02-10'"),
			 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'cancelled'"),
			 1);
	/* pending -> cancelled, one transaction of kind cancel */
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM ledger_txn WHERE kind = 'cancel'"
				    " AND ref LIKE 'payment cancel %'"),
			 1);
	assert_int_equal(fx_int(&f, "SELECT SUM(amount_fen) FROM ledger_entry"
				    " WHERE account = 'cancelled'"),
			 30000);
	assert_int_equal(fx_int(&f, "SELECT SUM(amount_fen) FROM ledger_entry"
				    " WHERE account = 'pending'"),
			 35000);
	assert_int_equal(fx_violations(&f), 0);
	assert_int_equal(paid_after_death(&f), 0);

	/* Never reissued; a later deaths import no longer counts it. */
	assert_int_equal(new_batch(&f, "202303"), 0);
	import_deaths(&f, &ps);
	assert_int_equal(ps.pending_after_death, 0);
	assert_int_equal(ps.held, 0);

	/* Not twice. */
	assert_int_equal(payment_cancel(f.db, pid, NULL, &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_pending");
	assert_non_null(strstr(err.msg, "已取消"));
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM ledger_txn WHERE kind = 'cancel'"), 1);

	/* The rest of the batch is answered and balances. */
	bank_answer(&f, 1, 0);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'paid'"), 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'cancelled'"
				    " AND amount_fen = 30000"),
			 1);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

/* What cannot be intercepted; the operator's reason; nothing half done. */
static void test_refused(void **state)
{
	struct payment_cancel_info in;
	struct error err;
	struct fx f;
	int64_t txns;

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"
				      "GL01,202303," FX_P1 ",35000\n"
				      "GL01,202303," FX_P2 ",40000\n");
	assert_int_equal(new_batch(&f, "202303"), 1);
	bank_answer(&f, 1, 2); /* 1 and 3 paid, 2 failed */
	txns = fx_int(&f, "SELECT COUNT(*) FROM ledger_txn");

	error_clear(&err);
	assert_int_equal(payment_cancel(f.db, 99, NULL, &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "unknown_payment");
	error_clear(&err);
	assert_int_equal(payment_cancel(f.db, 1, NULL, &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_pending");
	assert_non_null(strstr(err.msg, "已发"));
	error_clear(&err);
	assert_int_equal(payment_cancel(f.db, 2, NULL, NULL, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_pending");
	assert_non_null(strstr(err.msg, "失败"));
	error_clear(&err);
	assert_int_equal(payment_cancel(f.db, 1, "", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_reason");
	assert_int_equal(payment_cancel(f.db, 1, "a\rb", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_reason");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM ledger_txn"), txns);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'cancelled'"), 0);

	/* A reissue (attempt 2) at the bank can be intercepted with a reason. */
	fx_ok(payment_correct(f.db, &f.keys, 2, "6228480000000001230", true, &err), &err,
	      "payment_correct");
	assert_int_equal(new_batch(&f, "202303"), 2);
	error_clear(&err);
	fx_ok(payment_cancel(f.db, 4, "复核不符合条件", &in, &err), &err, "cancel reissue");
	assert_string_equal(in.death, "");
	assert_string_equal(in.reason, "CANCELLED: 复核不符合条件");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 4"
				    " AND status = 'cancelled' AND attempt = 2"),
			 1);
	assert_int_equal(fx_violations(&f), 0);
	assert_int_equal(new_batch(&f, "202303"), 0);
	fx_close(&f);
}

/* A failure in the middle (the ledger refuses) leaves nothing written. */
static void test_atomic(void **state)
{
	struct error err;
	struct fx f;

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n");
	assert_int_equal(new_batch(&f, "202303"), 1);
	fx_exec(&f, "CREATE TEMP TRIGGER no_post BEFORE INSERT ON ledger_txn"
		    " BEGIN SELECT RAISE(ABORT, 'refused'); END");
	error_clear(&err);
	assert_int_not_equal(payment_cancel(f.db, 1, NULL, NULL, &err), 0);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'pending'"), 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'approved'"),
			 1);
	fx_exec(&f, "DROP TRIGGER no_post");
	fx_ok(payment_cancel(f.db, 1, NULL, NULL, &err), &err, "payment_cancel");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'cancelled'"
				    " AND reason = 'CANCELLED'"),
			 1);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

/* Rows altered by hand: a later attempt beside a pending one. */
static void test_not_latest(void **state)
{
	struct error err;
	struct fx f;

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n");
	assert_int_equal(new_batch(&f, "202303"), 1);
	fx_exec(&f, "INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen,"
		    " status) SELECT entitlement_id, batch_id, 2, account_id, amount_fen, 'failed'"
		    " FROM payment WHERE id = 1");
	error_clear(&err);
	assert_int_equal(payment_cancel(f.db, 1, NULL, NULL, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_latest");
	assert_int_equal(fx_int(&f, "SELECT status = 'pending' FROM payment WHERE id = 1"), 1);
	fx_close(&f);
}

/* What hold release can promise: a failed payment needs its correction. */
static void test_awaiting_correction(void **state)
{
	struct people_summary ps;
	struct error err;
	char summary[256];
	struct fx f;
	int64_t p = -1;

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"
				      "GL01,202303," FX_P1 ",35000\n"
				      "GL01,202304," FX_P0 ",30000\n");
	error_clear(&err);
	fx_ok(people_awaiting_correction(f.db, 1, &p, &err), &err, "no payment");
	assert_int_equal(p, 0);
	assert_int_equal(new_batch(&f, "202303"), 1);
	fx_ok(people_awaiting_correction(f.db, 1, &p, &err), &err, "pending");
	assert_int_equal(p, 0);
	bank_answer(&f, 1, 1); /* 张伟's March payment fails */
	fx_ok(people_awaiting_correction(f.db, 1, &p, &err), &err, "failed");
	assert_int_equal(p, 1);
	fx_ok(people_awaiting_correction(f.db, 2, &p, &err), &err, "paid");
	assert_int_equal(p, 0);
	fx_ok(people_awaiting_correction(f.db, 999, &p, &err), &err, "unknown");
	assert_int_equal(p, 0);

	/* The death holds March (failed) and April (never paid). */
	import_deaths(&f, &ps);
	assert_int_equal(ps.held, 2);
	assert_int_equal(ps.pending_after_death, 0);
	fx_ok(people_hold_release(f.db, 1, summary, sizeof(summary), &err), &err, "release");
	fx_ok(people_awaiting_correction(f.db, 1, &p, &err), &err, "released");
	assert_int_equal(p, 1);
	assert_int_equal(new_batch(&f, "202303"), 0); /* as promised: nothing yet */
	fx_ok(payment_correct(f.db, &f.keys, 1, "6228480000000001230", true, &err), &err,
	      "payment_correct");
	fx_ok(people_awaiting_correction(f.db, 1, &p, &err), &err, "corrected");
	assert_int_equal(p, 0);
	assert_int_equal(new_batch(&f, "202303"), 2);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE batch_id = 2"
				    " AND attempt = 2"),
			 1);
	/* At the bank again, but released by an operator: not counted. */
	import_deaths(&f, &ps);
	assert_int_equal(ps.pending_after_death, 0);
	fx_exec(&f, "UPDATE entitlement SET hold_reason = NULL WHERE id = 1");
	import_deaths(&f, &ps);
	assert_int_equal(ps.pending_after_death, 1);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reason_ok),  cmocka_unit_test(test_cancel_pending),
	    cmocka_unit_test(test_refused),    cmocka_unit_test(test_atomic),
	    cmocka_unit_test(test_not_latest), cmocka_unit_test(test_awaiting_correction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
