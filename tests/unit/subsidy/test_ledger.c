/* test_ledger.c - postings, balances, the check and its cross-checks
 * against entitlement and payment rows, immutability. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "db/db.h"
#include "subsidy/ledger.h"
#include "subsidy/subsidy.h"

struct seen {
	int n;
	char codes[512];
	char last[512];
};

static void collect(void *ctx, const char *code, const char *msg)
{
	struct seen *s = ctx;
	size_t l = strlen(s->codes);

	s->n++;
	snprintf(s->codes + l, sizeof(s->codes) - l, "%s%s", l ? "," : "", code);
	snprintf(s->last, sizeof(s->last), "%s", msg);
}

static struct db *open_db(void)
{
	struct db *db = NULL;
	struct error err;

	error_clear(&err);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	assert_int_equal(
	    db_exec(db,
		    "INSERT INTO programme(id, code, name, department, frequency)"
		    " VALUES(1, 'P', 'p', 'd', 'monthly');"
		    "INSERT INTO roster_import(id, file, encoding, imported_at)"
		    " VALUES(1, 'f', 'UTF-8', 'now');"
		    "INSERT INTO beneficiary(id, id_hash, id_enc, name, village_code,"
		    " female, birth_day) VALUES(1, x'01', x'01', 'a', '410102001001', 0, 0),"
		    " (2, x'02', x'02', 'b', '410102001001', 1, 0);"
		    "INSERT INTO bank_account(id, beneficiary_id, acct_hash, acct_enc,"
		    " last4, valid_from, source) VALUES(1, 1, x'01', x'01', '1234', 'x', 'roster'),"
		    " (2, 2, x'02', x'02', '5678', 'x', 'roster');"
		    "INSERT INTO entitlement(id, programme_id, period, beneficiary_id,"
		    " amount_fen, county_code, village_code, account_id, import_id, line)"
		    " VALUES(1, 1, '202303', 1, 1000, '410102', '410102001001', 1, 1, 2),"
		    " (2, 1, '202303', 2, 500, '410102', '410102001001', 2, 1, 3);"
		    "INSERT INTO batch(id, programme_id, period, created_at)"
		    " VALUES(1, 1, '202303', 'x'), (2, 1, '202303', 'x');",
		    &err),
	    0);
	return db;
}

static int check(struct db *db, struct seen *s, struct ledger_check_result *r)
{
	struct error err;

	memset(s, 0, sizeof(*s));
	error_clear(&err);
	assert_int_equal(ledger_check(db, collect, s, r, &err), 0);
	return s->n;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ledger_account_name(LEDGER_PENDING), "pending");
	assert_string_equal(ledger_account_label(LEDGER_PAID), "已发");
	assert_string_equal(ledger_account_name(LEDGER_NACCOUNTS), "");
}

static void test_unbalanced_refused(void **state)
{
	struct db *db = open_db();
	struct ledger_entry e[2] = {
	    {LEDGER_ENTITLED, 1, "202303", -100},
	    {LEDGER_UNPAID, 1, "202303", 99},
	};
	struct error err;
	int64_t n;

	(void)state;
	error_clear(&err);
	assert_int_equal(ledger_post(db, "x", "y", e, 2, NULL, &err), ERR_INTERNAL);
	/* same sum but across two periods: still unbalanced per period */
	e[1].amount_fen = 100;
	e[1].period = "202304";
	assert_int_equal(ledger_post(db, "x", "y", e, 2, NULL, &err), ERR_INTERNAL);
	e[0].amount_fen = 0;
	assert_int_equal(ledger_post(db, "x", "y", e, 1, NULL, &err), ERR_INTERNAL);
	assert_int_equal(ledger_move(db, "x", "y", LEDGER_PAID, LEDGER_PAID, 1, "202303", 5, &err),
			 ERR_INTERNAL);
	assert_int_equal(
	    ledger_move(db, "x", "y", LEDGER_PAID, LEDGER_FAILED, 1, "202303", -5, &err),
	    ERR_INTERNAL);
	assert_int_equal(ledger_post_cancel(db, "x", LEDGER_PAID, 1, "202303", 5, &err),
			 ERR_INTERNAL);
	/* a zero move posts nothing */
	assert_int_equal(ledger_post_paid(db, "x", 1, "202303", 0, &err), 0);
	assert_int_equal(db_int(db, "SELECT COUNT(*) FROM ledger_txn", &n, &err), 0);
	assert_int_equal(n, 0);
	db_close(db);
}

/* A full life: entitle, batch, fail one, reissue, pay, with the rows kept
 * in step; check passes at every step and the balances are right. */
static void test_lifecycle(void **state)
{
	struct ledger_check_result r;
	struct db *db = open_db();
	struct error err;
	struct seen s;

	(void)state;
	error_clear(&err);
	/* before any posting the entitlement rows are not on the ledger */
	assert_int_equal(check(db, &s, &r), 2);
	assert_string_equal(s.codes, "entitled_rows,account_rows");

	assert_int_equal(ledger_post_entitled(db, "roster_import 1", 1, "202303", 1500, &err), 0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(r.fen[LEDGER_ENTITLED], 1500);
	assert_int_equal(r.fen[LEDGER_UNPAID], 1500);
	assert_int_equal(r.entitlements, 2);

	/* batch 1: both pending */
	assert_int_equal(
	    db_exec(
		db,
		"INSERT INTO payment(id, entitlement_id, batch_id, attempt, account_id, amount_fen)"
		" VALUES(1, 1, 1, 1, 1, 1000), (2, 2, 1, 1, 2, 500)",
		&err),
	    0);
	assert_int_equal(check(db, &s, &r),
			 2); /* rows moved, ledger not yet: unpaid and pending differ */
	assert_int_equal(ledger_post_payment_created(db, "batch 1", 1, "202303", 1500, &err), 0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(r.fen[LEDGER_PENDING], 1500);

	/* bank: 1 paid, 2 failed */
	assert_int_equal(
	    db_exec(db,
		    "UPDATE payment SET status = 'paid' WHERE id = 1;"
		    "UPDATE payment SET status = 'failed', reason = 'ACCT_CLOSED' WHERE id = 2",
		    &err),
	    0);
	assert_int_equal(ledger_post_paid(db, "return 1", 1, "202303", 1000, &err), 0);
	assert_int_equal(ledger_post_failed(db, "return 1", 1, "202303", 500, &err), 0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(r.fen[LEDGER_PAID], 1000);
	assert_int_equal(r.fen[LEDGER_FAILED], 500);

	/* paying entitlement 1 again is impossible by construction */
	assert_int_not_equal(
	    db_exec(db,
		    "INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen)"
		    " VALUES(1, 2, 2, 1, 1000)",
		    &err),
	    0);
	error_clear(&err);

	/* reissue 2 in batch 2, then paid */
	assert_int_equal(
	    db_exec(
		db,
		"INSERT INTO payment(id, entitlement_id, batch_id, attempt, account_id, amount_fen)"
		" VALUES(3, 2, 2, 2, 2, 500)",
		&err),
	    0);
	assert_int_equal(ledger_post_reissue(db, "batch 2", 1, "202303", 500, &err), 0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(r.fen[LEDGER_FAILED], 0);
	assert_int_equal(r.fen[LEDGER_PENDING], 500);
	assert_int_equal(db_exec(db, "UPDATE payment SET status = 'paid' WHERE id = 3", &err), 0);
	assert_int_equal(ledger_post_paid(db, "return 2", 1, "202303", 500, &err), 0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(r.fen[LEDGER_PAID], 1500);
	assert_int_equal(r.payments, 3);
	assert_int_equal(r.programme_periods, 1);

	/* a reversal by the bank: paid -> failed, then cancelled */
	assert_int_equal(db_exec(db, "UPDATE payment SET status = 'failed' WHERE id = 3", &err), 0);
	assert_int_equal(ledger_post_reversed(db, "return 3", 1, "202303", 500, &err), 0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(db_exec(db,
				 "UPDATE payment SET status = 'cancelled' WHERE id = 3;"
				 "UPDATE entitlement SET status = 'cancelled' WHERE id = 2",
				 &err),
			 0);
	assert_int_equal(ledger_post_cancel(db, "cancel", LEDGER_FAILED, 1, "202303", 500, &err),
			 0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(r.fen[LEDGER_CANCELLED], 500);
	assert_int_equal(r.fen[LEDGER_ENTITLED], 1500);
	db_close(db);
}

static void test_immutable(void **state)
{
	struct db *db = open_db();
	struct error err;

	(void)state;
	error_clear(&err);
	assert_int_equal(ledger_post_entitled(db, "r", 1, "202303", 1500, &err), 0);
	assert_int_equal(db_exec(db, "UPDATE ledger_entry SET amount_fen = 1", &err), ERR_IO);
	assert_non_null(strstr(err.msg, "账务分录不可修改"));
	error_clear(&err);
	assert_int_equal(db_exec(db, "DELETE FROM ledger_entry", &err), ERR_IO);
	error_clear(&err);
	assert_int_equal(db_exec(db, "DELETE FROM ledger_txn", &err), ERR_IO);
	error_clear(&err);
	assert_int_equal(db_exec(db, "UPDATE entitlement SET amount_fen = 2 WHERE id = 1", &err),
			 ERR_IO);
	error_clear(&err);
	/* status changes are allowed (holds, cancellations) */
	assert_int_equal(
	    db_exec(db, "UPDATE entitlement SET status = 'on_hold' WHERE id = 1", &err), 0);
	db_close(db);
}

static void test_violations(void **state)
{
	struct ledger_check_result r;
	struct db *db = open_db();
	struct error err;
	struct seen s;

	(void)state;
	error_clear(&err);
	assert_int_equal(ledger_post_entitled(db, "r", 1, "202303", 1500, &err), 0);
	/* a forged one-sided entry */
	assert_int_equal(
	    db_exec(db,
		    "INSERT INTO ledger_txn(id, kind, ref, created_at) VALUES(99, 'paid', "
		    "'forged', 'x');"
		    "INSERT INTO ledger_entry(txn_id, account, programme_id, period, amount_fen)"
		    " VALUES(99, 'paid', 1, '202303', 700)",
		    &err),
	    0);
	assert_int_equal(check(db, &s, &r), 3);
	assert_string_equal(s.codes, "unbalanced_txn,not_conserved,account_rows");
	/* an empty transaction is a violation too */
	assert_int_equal(
	    db_exec(
		db,
		"INSERT INTO ledger_txn(id, kind, ref, created_at) VALUES(100, 'x', 'empty', 'x')",
		&err),
	    0);
	assert_int_equal(check(db, &s, &r), 4);
	assert_non_null(strstr(s.codes, "unbalanced_txn,unbalanced_txn"));
	db_close(db);
}

static void test_negative_and_balances(void **state)
{
	struct ledger_check_result r;
	struct db *db = open_db();
	struct error err;
	struct seen s;

	(void)state;
	error_clear(&err);
	assert_int_equal(ledger_post_entitled(db, "r", 1, "202303", 1500, &err), 0);
	/* paid more than was pending: pending goes negative */
	assert_int_equal(ledger_post_paid(db, "x", 1, "202303", 200, &err), 0);
	assert_int_equal(check(db, &s, &r), 3);
	assert_non_null(strstr(s.codes, "negative_balance"));
	db_close(db);
}

/*
 * An earlier attempt made paid (a changed row) while its reissue failed:
 * the accounts count the latest attempt only, so nothing else sees it;
 * stale_live_payment names it, once (not also as double_payment).
 */
static void test_stale_live_payment(void **state)
{
	struct ledger_check_result r;
	struct db *db = open_db();
	struct error err;
	struct seen s;

	(void)state;
	error_clear(&err);
	/* entitlement 1 (1000): attempt 1 failed, reissued as attempt 2, failed */
	assert_int_equal(ledger_post_entitled(db, "r", 1, "202303", 1500, &err), 0);
	assert_int_equal(ledger_post_payment_created(db, "b1", 1, "202303", 1000, &err), 0);
	assert_int_equal(ledger_post_failed(db, "i1", 1, "202303", 1000, &err), 0);
	assert_int_equal(ledger_post_reissue(db, "b2", 1, "202303", 1000, &err), 0);
	assert_int_equal(ledger_post_failed(db, "i2", 1, "202303", 1000, &err), 0);
	assert_int_equal(
	    db_exec(db,
		    "INSERT INTO payment(id, entitlement_id, batch_id, attempt, account_id,"
		    " amount_fen, status) VALUES(1, 1, 1, 1, 1, 1000, 'failed'),"
		    " (7, 1, 2, 2, 1, 1000, 'failed')",
		    &err),
	    0);
	assert_int_equal(check(db, &s, &r), 0);
	assert_int_equal(db_exec(db, "UPDATE payment SET status = 'paid' WHERE id = 1", &err), 0);
	assert_int_equal(check(db, &s, &r), 1);
	assert_string_equal(s.codes, "stale_live_payment");
	assert_non_null(
	    strstr(s.last, "发放记录 1（第 1 次发放）是应发记录 1（项目 P 期间 202303）"));
	assert_non_null(strstr(s.last, "状态却为已发"));
	assert_non_null(strstr(s.last, "最新的是第 2 次发放"));
	/* pending counts as live too */
	assert_int_equal(db_exec(db, "UPDATE payment SET status = 'pending' WHERE id = 1", &err),
			 0);
	assert_int_equal(check(db, &s, &r), 1);
	assert_non_null(strstr(s.last, "状态却为在途"));
	/* the latest attempt paid as well: two live payments, reported once as
	 * double_payment (plus the accounts that no longer match) */
	assert_int_equal(db_exec(db,
				 "DROP INDEX payment_live;"
				 " UPDATE payment SET status = 'paid' WHERE id = 7",
				 &err),
			 0);
	check(db, &s, &r);
	assert_non_null(strstr(s.codes, "double_payment"));
	assert_null(strstr(s.codes, "stale_live_payment"));
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_unbalanced_refused),
	    cmocka_unit_test(test_lifecycle),
	    cmocka_unit_test(test_immutable),
	    cmocka_unit_test(test_violations),
	    cmocka_unit_test(test_negative_and_balances),
	    cmocka_unit_test(test_stale_live_payment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
