/*
 * test_settle.c - payment_settle: booking as paid a cancelled or failed
 * payment the bank answered SUCCESS for, its refusals (nothing written),
 * the ledger and the anomalies around it, and a reversal afterwards.
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
#include "subsidy/settle.h"

#define DEATHS "id_number,date_of_death\n410102194001101018,2023-02-10\n"

/* Import a return file for batch made of the given D lines (n of them). */
static void bank_lines(struct fx *f, int64_t batch, const struct bankret_line *v, size_t n)
{
	struct reconcile_summary s;
	struct error err;
	struct buf b;
	char path[192];
	int64_t total = 0;
	size_t i;

	buf_init(&b, 1 << 16);
	bankfile_format_return_header(&b, batch);
	for (i = 0; i < n; i++) {
		if (bankfile_format_return_line(&b, &v[i]))
			abort();
		total += v[i].amount_fen;
	}
	bankfile_format_trailer(&b, (int64_t)n, total);
	fx_file(f, "ret.csv", b.data, path);
	buf_free(&b);
	error_clear(&err);
	fx_ok(bankfile_import(f->db, path, &s, NULL, NULL, &err), &err, "bankfile_import");
}

static struct bankret_line line_of(int64_t pid, enum bankret_status status, const char *reason,
				   int64_t amount, const char *time)
{
	struct bankret_line ln;

	memset(&ln, 0, sizeof(ln));
	ln.payment_id = pid;
	ln.status = status;
	snprintf(ln.reason, sizeof(ln.reason), "%s", reason);
	ln.amount_fen = amount;
	snprintf(ln.bank_time, sizeof(ln.bank_time), "%s", time);
	return ln;
}

static int64_t new_batch(struct fx *f, const char *period)
{
	struct batch_request req = {"GL01", period, NULL};
	struct batch_result res;
	struct error err;

	error_clear(&err);
	fx_ok(batch_create(f->db, &req, &res, &err), &err, "batch_create");
	return res.batch_id;
}

struct rule_count {
	int n[ANOMALY_NRULES];
};

static int count_rules(void *ctx, const struct anomaly *a)
{
	struct rule_count *c = ctx;

	c->n[a->rule]++;
	return 0;
}

static struct rule_count scan(struct fx *f)
{
	struct rule_count c;
	struct error err;

	memset(&c, 0, sizeof(c));
	error_clear(&err);
	fx_ok(anomaly_scan(f->db, &f->keys, 5, count_rules, &c, &err), &err, "anomaly_scan");
	return c;
}

/* Database state that a refusal must leave as it was. */
static int64_t fingerprint(struct fx *f)
{
	return fx_int(f, "SELECT (SELECT COUNT(*) FROM ledger_txn) * 1000"
			 " + (SELECT COUNT(*) FROM payment_settlement) * 100"
			 " + (SELECT COUNT(*) FROM payment WHERE status = 'paid')");
}

/* Two people in March, batch 1; 张伟 (P0) dead in February. */
static int64_t start(struct fx *f)
{
	struct people_summary ps;
	struct error err;
	char path[192];

	fx_start(f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"
				     "GL01,202303," FX_P1 ",35000\n");
	assert_int_equal(new_batch(f, "202303"), 1);
	fx_file(f, "deaths.csv", DEATHS, path);
	error_clear(&err);
	fx_ok(deaths_import(f->db, &f->keys, path, NULL, NULL, NULL, &ps, &err), &err,
	      "deaths_import");
	return fx_int(f, "SELECT id FROM payment WHERE amount_fen = 30000");
}

/* Intercepted, then the bank paid it: settled; the ledger and anomalies follow. */
static void test_settle_cancelled(void **state)
{
	struct payment_settle_info in;
	struct bankret_line v[2];
	struct rule_count c;
	struct error err;
	struct fx f;
	int64_t pid, other, fp;

	(void)state;
	pid = start(&f);
	other = fx_int(&f, "SELECT id FROM payment WHERE amount_fen = 35000");
	error_clear(&err);
	fx_ok(payment_cancel(f.db, pid, "民政局通知", NULL, &err), &err, "payment_cancel");

	/* No answer yet. */
	fp = fingerprint(&f);
	assert_int_equal(payment_settle(f.db, pid, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "no_bank_success");
	assert_string_equal(in.previous_status, "cancelled");
	assert_int_equal(fingerprint(&f), fp);

	v[0] = line_of(other, BANKRET_SUCCESS, "", 35000, "2023-03-15T10:00:00");
	v[1] = line_of(pid, BANKRET_SUCCESS, "", 30000, "2023-03-15T10:00:01");
	bank_lines(&f, 1, v, 2);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM bank_return_line"
				    " WHERE outcome = 'conflict'"),
			 1);
	c = scan(&f);
	assert_int_equal(c.n[ANOMALY_BANK_SUCCESS_CONFLICT], 1);
	assert_int_equal(c.n[ANOMALY_PAID_AFTER_DEATH], 0);

	/* Reason required. */
	fp = fingerprint(&f);
	assert_int_equal(payment_settle(f.db, pid, NULL, &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_reason");
	assert_int_equal(payment_settle(f.db, pid, "", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_reason");
	assert_int_equal(payment_settle(f.db, pid, "a\rb", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_reason");
	assert_int_equal(payment_settle(f.db, pid, "\xd2\xf8\xd0\xd0", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_reason");
	/* Unknown, paid. */
	assert_int_equal(payment_settle(f.db, 999, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "unknown_payment");
	assert_int_equal(payment_settle(f.db, other, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_settleable");
	assert_non_null(strstr(err.msg, "已发"));
	assert_int_equal(fingerprint(&f), fp);

	error_clear(&err);
	fx_ok(payment_settle(f.db, pid, "银行确认已入账", &in, &err), &err, "payment_settle");
	assert_int_equal(in.batch_id, 1);
	assert_int_equal(in.amount_fen, 30000);
	assert_string_equal(in.programme, "GL01");
	assert_string_equal(in.period, "202303");
	assert_string_equal(in.previous_status, "cancelled");
	assert_int_equal(in.line.import_id, 1);
	assert_int_equal(in.line.line, 3);
	assert_int_equal(in.line.payment_id, pid);
	assert_int_equal(in.line.amount_fen, 30000);
	assert_string_equal(in.line.bank_time, "2023-03-15T10:00:01");
	assert_true(in.settlement_id > 0);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment y JOIN entitlement e"
		       " ON e.id = y.entitlement_id WHERE y.status = 'paid'"
		       " AND y.bank_time = '2023-03-15T10:00:01'"
		       " AND y.reason = 'SETTLED: 银行确认已入账' AND e.status = 'approved'"),
	    1);
	assert_int_equal(
	    fx_int(&f,
		   "SELECT COUNT(*) FROM payment_settlement WHERE"
		   " previous_status = 'cancelled' AND previous_reason = 'CANCELLED: 民政局通知'"
		   " AND previous_entitlement_status = 'cancelled' AND import_id = 1"
		   " AND line = 3 AND amount_fen = 30000"),
	    1);
	assert_int_equal(fx_int(&f, "SELECT SUM(x.amount_fen) FROM ledger_entry x"
				    " JOIN ledger_txn t ON t.id = x.txn_id WHERE t.kind = 'settle'"
				    " AND x.account = 'cancelled'"),
			 -30000);
	assert_int_equal(fx_int(&f, "SELECT SUM(amount_fen) FROM ledger_entry"
				    " WHERE account = 'paid'"),
			 65000);
	assert_int_equal(fx_int(&f, "SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entry"
				    " WHERE account = 'cancelled'"),
			 0);
	assert_int_equal(fx_violations(&f), 0);
	c = scan(&f);
	assert_int_equal(c.n[ANOMALY_BANK_SUCCESS_CONFLICT], 0);
	assert_int_equal(c.n[ANOMALY_PAID_AFTER_DEATH], 1);

	/* Not twice. */
	fp = fingerprint(&f);
	assert_int_equal(payment_settle(f.db, pid, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_settleable");
	assert_non_null(strstr(err.msg, "核实入账，状态是已发，无需再次核实入账"));
	assert_int_equal(fingerprint(&f), fp);

	/* Answers dated no later than the settled success (an earlier
	 * SUCCESS, a REVERSED of the same time): already processed, the row
	 * and the ledger untouched (it stays settled, at its own time). */
	v[0] = line_of(pid, BANKRET_SUCCESS, "", 30000, "2023-03-15T09:00:00");
	v[1] = line_of(pid, BANKRET_REVERSED, "REVERSAL", 30000, "2023-03-15T10:00:01");
	bank_lines(&f, 1, v, 2);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM bank_return_line"
				    " WHERE import_id = 2 AND outcome = 'already'"),
			 2);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'paid'"
				    " AND bank_time = '2023-03-15T10:00:01'"
				    " AND reason = 'SETTLED: 银行确认已入账'"),
			 1);
	assert_int_equal(fingerprint(&f), fp);

	/* A reversal after the settlement: the money is back and the
	 * operator had stopped this payment: cancelled again, with its
	 * entitlement (ledger paid -> cancelled), not failed. */
	v[0] = line_of(pid, BANKRET_REVERSED, "REVERSAL", 30000, "2023-03-20T10:00:00");
	bank_lines(&f, 1, v, 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment y JOIN entitlement e"
				    " ON e.id = y.entitlement_id WHERE y.status = 'cancelled'"
				    " AND y.reason = 'REVERSED:REVERSAL' AND e.status = 'cancelled'"
				    " AND y.bank_time = '2023-03-20T10:00:00'"),
			 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'failed'"), 0);
	assert_int_equal(fx_int(&f,
				"SELECT SUM(x.amount_fen) FROM ledger_entry x"
				" JOIN ledger_txn t ON t.id = x.txn_id"
				" WHERE t.kind = 'reversed_cancelled' AND x.account = 'cancelled'"),
			 30000);
	assert_int_equal(fx_violations(&f), 0);
	c = scan(&f);
	assert_int_equal(c.n[ANOMALY_BANK_SUCCESS_CONFLICT], 0);
	assert_int_equal(c.n[ANOMALY_PAID_AFTER_DEATH], 0);
	assert_int_equal(payment_settle(f.db, pid, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "no_bank_success");
	fx_close(&f);
}

/* The SUCCESS lines that do not count, and one of another amount. */
static void test_lines_that_do_not_count(void **state)
{
	struct payment_settle_info in;
	struct bankret_line v[2];
	struct error err;
	struct fx f;
	int64_t pid, fp;

	(void)state;
	pid = start(&f);
	error_clear(&err);
	fx_ok(payment_cancel(f.db, pid, NULL, NULL, &err), &err, "payment_cancel");
	/* A success the bank then reversed. */
	v[0] = line_of(pid, BANKRET_SUCCESS, "", 30000, "2023-03-15T10:00:00");
	v[1] = line_of(pid, BANKRET_REVERSED, "REVERSAL", 30000, "2023-03-16T10:00:00");
	bank_lines(&f, 1, v, 2);
	fp = fingerprint(&f);
	assert_int_equal(payment_settle(f.db, pid, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "no_bank_success");
	/* A success of another amount, after the reversal. */
	v[0] = line_of(pid, BANKRET_SUCCESS, "", 30001, "2023-03-17T10:00:00");
	bank_lines(&f, 1, v, 1);
	assert_int_equal(payment_settle(f.db, pid, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "amount_differs");
	assert_int_equal(in.line.amount_fen, 30001);
	assert_non_null(strstr(err.msg, "30001"));
	/* A line in another batch's file is an unknown id there; it counts
	 * all the same (batch.h, BATCH_SUCCESS_STANDS_SQL), with its amount:
	 * one of another amount is not one settle can use. */
	fx_exec(&f, "INSERT INTO batch(programme_id, period, created_at)"
		    " SELECT id, '202304', '2023-04-01T00:00:00Z' FROM programme");
	v[0] = line_of(pid, BANKRET_SUCCESS, "", 30001, "2023-03-18T10:00:00");
	bank_lines(&f, 2, v, 1);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM bank_return_line WHERE outcome = 'unknown'"), 1);
	assert_int_equal(payment_settle(f.db, pid, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "amount_differs");
	assert_int_equal(fingerprint(&f), fp);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'cancelled'"), 1);
	/* One of the right amount after the reversal counts, and is the line
	 * used even though the other-amount line is earlier. */
	v[0] = line_of(pid, BANKRET_SUCCESS, "", 30000, "2023-03-19T10:00:00");
	bank_lines(&f, 1, v, 1);
	error_clear(&err);
	fx_ok(payment_settle(f.db, pid, "银行确认", &in, &err), &err, "payment_settle");
	assert_string_equal(in.line.bank_time, "2023-03-19T10:00:00");
	assert_int_equal(in.line.amount_fen, 30000);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

/* A reversed payment answered SUCCESS again, and an earlier attempt. */
static void test_failed_and_not_latest(void **state)
{
	struct payment_settle_info in;
	struct bankret_line v[2];
	struct batch_request req = {"GL01", "202303", NULL};
	struct batch_result res;
	struct error err;
	struct fx f;
	int64_t pid, other, fp;

	(void)state;
	pid = start(&f);
	other = fx_int(&f, "SELECT id FROM payment WHERE amount_fen = 35000");
	v[0] = line_of(pid, BANKRET_SUCCESS, "", 30000, "2023-03-15T10:00:00");
	v[1] = line_of(pid, BANKRET_REVERSED, "ACCT_CLOSED", 30000, "2023-03-16T10:00:00");
	bank_lines(&f, 1, v, 2);
	v[0] = line_of(pid, BANKRET_SUCCESS, "", 30000, "2023-03-17T10:00:00");
	bank_lines(&f, 1, v, 1);
	error_clear(&err);
	fx_ok(payment_settle(f.db, pid, "银行确认", &in, &err), &err, "payment_settle");
	assert_string_equal(in.previous_status, "failed");
	assert_string_equal(in.line.bank_time, "2023-03-17T10:00:00");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment_settlement"
				    " WHERE previous_reason = 'REVERSED:ACCT_CLOSED'"),
			 1);
	assert_int_equal(fx_int(&f, "SELECT SUM(x.amount_fen) FROM ledger_entry x"
				    " JOIN ledger_txn t ON t.id = x.txn_id WHERE t.kind = 'settle'"
				    " AND x.account = 'failed'"),
			 -30000);
	assert_int_equal(fx_violations(&f), 0);

	/* other: failed, corrected, reissued; then SUCCESS for attempt 1. */
	v[0] = line_of(other, BANKRET_FAILED, "ACCT_FROZEN", 35000, "2023-03-15T09:00:00");
	bank_lines(&f, 1, v, 1);
	error_clear(&err);
	fx_ok(payment_correct(f.db, &f.keys, other, "6228480000000001230", true, &err), &err,
	      "payment_correct");
	fx_ok(batch_create(f.db, &req, &res, &err), &err, "batch_create");
	assert_int_equal(res.reissue_count, 1);
	v[0] = line_of(other, BANKRET_SUCCESS, "", 35000, "2023-03-15T10:00:00");
	bank_lines(&f, 1, v, 1);
	fp = fingerprint(&f);
	assert_int_equal(payment_settle(f.db, other, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_latest");
	assert_int_equal(in.later_payment, fx_int(&f, "SELECT MAX(id) FROM payment"));
	assert_string_equal(in.later_status, "pending");
	assert_non_null(strstr(err.msg, "在途"));
	/* The pending reissue itself needs no settling. */
	assert_int_equal(payment_settle(f.db, in.later_payment, "银行确认", &in, &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_settleable");
	assert_non_null(strstr(err.msg, "在途"));
	assert_int_equal(fingerprint(&f), fp);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_settle_cancelled),
	    cmocka_unit_test(test_lines_that_do_not_count),
	    cmocka_unit_test(test_failed_and_not_latest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
