/*
 * test_batch.c - batches, budgets, corrections and reissues, and the
 * reconciliation of return files (unknown id, amount mismatch, duplicate,
 * contradiction, reversal, idempotent re-import).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ops_fixture.h"

#include "subsidy/batch.h"
#include "subsidy/people.h"
#include "subsidy/reconcile.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#define ROSTER                                                                                     \
	FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"                                           \
			 "GL01,202303," FX_P1 ",35000\n"                                           \
			 "GL01,202303," FX_P2 ",40000\n"                                           \
			 "GL01,202303," FX_P3 ",30000\n"

static void test_yuan_and_budget_message(void **state)
{
	char out[512];

	(void)state;
	batch_yuan(0, out, sizeof(out));
	assert_string_equal(out, "0.00");
	batch_yuan(5, out, sizeof(out));
	assert_string_equal(out, "0.05");
	batch_yuan(123456789, out, sizeof(out));
	assert_string_equal(out, "1234567.89");
	batch_yuan(-150, out, sizeof(out));
	assert_string_equal(out, "-1.50");
	batch_budget_message(out, sizeof(out), "GL01", 2023, "410102", 100000, 60000, 50000);
	assert_string_equal(out,
			    "预算不足：项目 GL01 2023年 县 410102 预算 1000.00 元（100000 分），"
			    "已用 600.00 元（60000 分），本批次 500.00 元（50000 分），"
			    "超出 100.00 元（10000 分）");
}

static void test_batch_create(void **state)
{
	struct batch_request req = {"GL01", "202303", NULL};
	struct batch_result res;
	struct error err;
	struct fx f;

	(void)state;
	fx_start(&f, ROSTER);
	error_clear(&err);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.batch_id, 1);
	assert_int_equal(res.count, 4);
	assert_int_equal(res.total_fen, 135000);
	assert_int_equal(res.new_count, 4);
	assert_int_equal(res.reissue_count, 0);
	assert_int_equal(fx_violations(&f), 0);
	/* Nothing left: no second batch, nothing doubled. */
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.batch_id, 0);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM batch"), 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment"), 4);
	/* Bad requests. */
	req.programme = "NOPE";
	assert_int_equal(batch_create(f.db, &req, &res, &err), ERR_INPUT);
	assert_string_equal(err.reason, "unknown_programme");
	req.programme = "GL01";
	req.period = "2023-03";
	assert_int_equal(batch_create(f.db, &req, &res, &err), ERR_INPUT);
	/* A year or a quarter of the monthly GL01: refused, not "nothing due". */
	req.period = "2023";
	assert_int_equal(batch_create(f.db, &req, &res, &err), ERR_INPUT);
	assert_string_equal(err.reason, "period_frequency");
	req.period = "2023Q1";
	assert_int_equal(batch_create(f.db, &req, &res, &err), ERR_INPUT);
	assert_string_equal(err.reason, "period_frequency");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM batch"), 1);
	req.period = "202303";
	req.county = "4101";
	assert_int_equal(batch_create(f.db, &req, &res, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_county");
	fx_close(&f);
}

static void test_budget_refusal(void **state)
{
	struct batch_request req = {"GL01", "202303", NULL};
	struct batch_result res;
	struct error err;
	struct fx f;

	(void)state;
	fx_start(&f, ROSTER);
	error_clear(&err);
	/* County 410102 has 30000 + 35000 + 40000 = 105000 due. */
	assert_int_equal(budget_set(f.db, "GL01", 2023, "410102", 100000, &err), 0);
	assert_int_equal(batch_create(f.db, &req, &res, &err), ERR_INPUT);
	assert_string_equal(err.reason, "budget_exceeded");
	assert_non_null(strstr(err.msg, "超出 50.00 元（5000 分）"));
	assert_non_null(strstr(err.msg, "预算 1000.00 元（100000 分）"));
	/* Refused means nothing written. */
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM batch"), 0);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment"), 0);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM ledger_txn WHERE kind <> 'entitled'"), 0);
	/* Another county without a budget is fine. */
	req.county = "410105";
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.count, 1);
	/* Raising the budget lets the rest through. */
	req.county = NULL;
	assert_int_equal(budget_set(f.db, "GL01", 2023, "410102", 105000, &err), 0);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.count, 3);
	/* Bad budgets. */
	assert_int_equal(budget_set(f.db, "GL01", 2023, "41010", 1, &err), ERR_INPUT);
	assert_int_equal(budget_set(f.db, "GL01", 2023, "410102", -1, &err), ERR_INPUT);
	assert_int_equal(budget_set(f.db, "NOPE", 2023, "410102", 1, &err), ERR_INPUT);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

struct notes {
	int n[RECON_NOUTCOMES];
	long line[RECON_NOUTCOMES];
	char msg[RECON_NOUTCOMES][256]; /* the last message of each outcome */
};

static void collect(void *ctx, enum reconcile_outcome o, long line, int64_t pid, const char *msg)
{
	struct notes *nt = ctx;

	(void)pid;
	assert_true(msg[0] != '\0');
	nt->n[o]++;
	nt->line[o] = line;
	snprintf(nt->msg[o], sizeof(nt->msg[o]), "%s", msg);
}

static void import_text(struct fx *f, const char *name, const char *text,
			struct reconcile_summary *s, struct notes *nt)
{
	struct error err;
	char path[192];

	fx_file(f, name, text, path);
	memset(nt, 0, sizeof(*nt));
	error_clear(&err);
	fx_ok(bankfile_import(f->db, path, s, collect, nt, &err), &err, "bankfile_import");
}

static void test_reconcile(void **state)
{
	struct batch_request req = {"GL01", "202303", NULL};
	struct reconcile_summary s;
	struct batch_result res;
	struct notes nt;
	struct error err;
	struct stat sb;
	struct fx f;
	char path[192];
	int64_t n, total, txns;
	int fd;

	(void)state;
	fx_start(&f, ROSTER);
	error_clear(&err);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);

	/* Export into the caller's file (the CLI's cli_out makes it 0600 and
	 * renames it into place: t4001, t0004): the complete file. */
	snprintf(path, sizeof(path), "%s/pay.csv", f.dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fx_ok(bankfile_export(f.db, &f.keys, 1, fd, "pay.csv", &n, &total, &err), &err, "export");
	assert_int_equal(n, 4);
	assert_int_equal(total, 135000);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_true(sb.st_size > 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(bankfile_export(f.db, &f.keys, 9, -1, "x", &n, &total, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "不存在"));
	/* A key that does not decrypt (pii_open refuses a wrong key file, so
	 * here it means altered data): refused before anything is paid or
	 * changed, naming the account row. */
	{
		struct pii_keys bad = f.keys;
		int dn = open("/dev/null", O_WRONLY | O_CLOEXEC);

		assert_true(dn >= 0);
		bad.enc[0] ^= 1;
		assert_int_equal(bankfile_export(f.db, &bad, 1, dn, "other.csv", &n, &total, &err),
				 ERR_IO);
		assert_non_null(strstr(err.msg, "与其所属人员不符（数据可能被篡改）"));
		assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment"), 4);
		close(dn);
	}
	/* A file that cannot be written: ERR_IO naming the file. */
	{
		int ro = open("/dev/null", O_RDONLY | O_CLOEXEC);

		assert_true(ro >= 0);
		assert_int_equal(bankfile_export(f.db, &f.keys, 1, ro, "ro.csv", &n, &total, &err),
				 ERR_IO);
		assert_non_null(strstr(err.msg, "ro.csv"));
		close(ro);
	}

	/* Payment ids are 1..4 (30000, 35000, 40000, 30000). */
	import_text(&f, "r1.csv",
		    "H,MSRET,1,1\n"
		    "D,1,SUCCESS,,30000,2023-03-15T10:00:00\n"
		    "D,2,FAILED,ACCT_CLOSED,35000,2023-03-15T10:00:01\n"
		    "D,3,SUCCESS,,40001,2023-03-15T10:00:02\n" /* amount mismatch */
		    "D,1,SUCCESS,,30000,2023-03-15T10:00:00\n" /* duplicate */
		    "D,99,SUCCESS,,100,2023-03-15T10:00:03\n"  /* unknown */
		    "T,5,135101\n",
		    &s, &nt);
	assert_false(s.already_imported);
	assert_int_equal(s.lines, 5);
	assert_int_equal(s.n[RECON_PAID], 1);
	assert_int_equal(s.fen[RECON_PAID], 30000);
	assert_int_equal(s.n[RECON_FAILED], 1);
	assert_int_equal(s.n[RECON_MISMATCH], 1);
	assert_int_equal(nt.line[RECON_MISMATCH], 4);
	assert_int_equal(s.n[RECON_DUPLICATE], 1);
	assert_int_equal(nt.line[RECON_DUPLICATE], 5);
	assert_int_equal(s.n[RECON_UNKNOWN], 1);
	assert_int_equal(nt.line[RECON_UNKNOWN], 6);
	assert_int_equal(s.still_pending, 2);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'paid'"), 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'failed'"), 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM bank_return_line"), 5);
	assert_int_equal(fx_violations(&f), 0);

	/* The same file again: nothing changes. */
	txns = fx_int(&f, "SELECT COUNT(*) FROM ledger_txn");
	import_text(&f, "r1.csv",
		    "H,MSRET,1,1\n"
		    "D,1,SUCCESS,,30000,2023-03-15T10:00:00\n"
		    "D,2,FAILED,ACCT_CLOSED,35000,2023-03-15T10:00:01\n"
		    "D,3,SUCCESS,,40001,2023-03-15T10:00:02\n"
		    "D,1,SUCCESS,,30000,2023-03-15T10:00:00\n"
		    "D,99,SUCCESS,,100,2023-03-15T10:00:03\n"
		    "T,5,135101\n",
		    &s, &nt);
	assert_true(s.already_imported);
	assert_int_equal(s.import_id, 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM ledger_txn"), txns);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM bank_return_line"), 5);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM bank_import"), 1);

	/* Reordered: the reversal is applied after the success (bank time order);
	 * the old answers are "already"; a FAILED after SUCCESS is a
	 * contradiction; an earlier FAILED of a failed payment only moves its
	 * bank time back (the same answers in any files give the same rows). */
	import_text(&f, "r2.csv",
		    "H,MSRET,1,1\n"
		    "D,3,REVERSED,REVERSAL,40000,2023-03-16T10:00:00\n"
		    "D,3,SUCCESS,,40000,2023-03-15T10:00:02\n"
		    "D,1,SUCCESS,,30000,2023-03-15T10:00:00\n"
		    "D,1,FAILED,ACCT_FROZEN,30000,2023-03-16T10:00:00\n"
		    "D,2,FAILED,ACCT_FROZEN,35000,2023-03-15T09:00:00\n"
		    "T,5,175000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_PAID], 1);
	assert_int_equal(s.n[RECON_REVERSED], 1);
	assert_int_equal(s.fen[RECON_REVERSED], 40000);
	assert_int_equal(s.n[RECON_ALREADY], 2);
	assert_int_equal(s.n[RECON_CONFLICT], 1);
	assert_int_equal(nt.line[RECON_CONFLICT], 5);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 2 AND status = 'failed'"
		       " AND reason = 'ACCT_FROZEN' AND bank_time = '2023-03-15T09:00:00'"),
	    1);
	assert_int_equal(fx_int(&f,
				"SELECT COUNT(*) FROM payment WHERE id = 3 AND status = 'failed'"
				" AND reason = 'REVERSED:REVERSAL'"),
			 1);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 1 AND status = 'paid'"), 1);
	assert_int_equal(fx_violations(&f), 0);

	/* A repeated reversal is "already". */
	import_text(&f, "r3.csv",
		    "H,MSRET,1,1\nD,3,REVERSED,REVERSAL,40000,2023-03-16T10:00:00\nT,1,40000\n", &s,
		    &nt);
	assert_int_equal(s.n[RECON_ALREADY], 1);
	assert_int_equal(s.n[RECON_REVERSED], 0);

	/* A malformed file is refused whole; an unknown batch too. */
	fx_file(&f, "bad.csv", "H,MSRET,1,1\nD,4,SUCCESS,,30000,2023-03-15T10:00:00\n", path);
	assert_int_equal(bankfile_import(f.db, path, &s, NULL, NULL, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bank_trailer");
	fx_file(&f, "nob.csv", "H,MSRET,1,8\nT,0,0\n", path);
	assert_int_equal(bankfile_import(f.db, path, &s, NULL, NULL, &err), ERR_INPUT);
	assert_string_equal(err.reason, "unknown_batch");
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 4 AND status = 'pending'"), 1);

	/* Correct the failed (2) and reversed (3) payments; reissue. */
	assert_int_equal(payment_correct(f.db, &f.keys, 1, "6217000000000020002", true, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "not_failed");
	/* Said in Chinese, not the database's status word. */
	assert_non_null(strstr(err.msg, "状态是已发"));
	assert_int_equal(payment_correct(f.db, &f.keys, 2, "6217000000000020001", true, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "bank_luhn");
	assert_int_equal(payment_correct(f.db, &f.keys, 2, "6217000000000020002", true, &err), 0);
	assert_int_equal(payment_correct(f.db, &f.keys, 2, "6217000000000020002", true, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "already_corrected");
	/* Payment 3's new account is an ordinary bank account, not the social-security card's. */
	assert_int_equal(payment_correct(f.db, &f.keys, 3, "6217000000000020010", false, &err), 0);
	assert_int_equal(
	    fx_int(&f, "SELECT is_sscard FROM bank_account WHERE source = 'correction 2'"), 1);
	assert_int_equal(
	    fx_int(&f, "SELECT is_sscard FROM bank_account WHERE source = 'correction 3'"), 0);
	assert_int_equal(payment_correct(f.db, &f.keys, 77, "6217000000000020010", true, &err),
			 ERR_INPUT);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.batch_id, 2);
	assert_int_equal(res.reissue_count, 2);
	assert_int_equal(res.reissue_fen, 75000);
	assert_int_equal(res.new_count, 0);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE batch_id = 2 AND attempt = 2"), 2);
	/* The reissue goes to the corrected account; the old account is history. */
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment y JOIN bank_account a"
		       " ON a.id = y.account_id WHERE y.batch_id = 2 AND a.valid_to IS NULL"
		       " AND a.source LIKE 'correction %'"),
	    2);
	assert_int_equal(fx_violations(&f), 0);
	/* Once reissued, the old failed payment cannot be corrected again. */
	assert_int_equal(payment_correct(f.db, &f.keys, 2, "6217000000000020028", true, &err),
			 ERR_INPUT);
	/* Answers for the old attempt no longer apply: a late SUCCESS is a contradiction. */
	import_text(&f, "r4.csv",
		    "H,MSRET,1,1\nD,2,SUCCESS,,35000,2023-03-20T10:00:00\nT,1,35000\n", &s, &nt);
	assert_int_equal(s.n[RECON_CONFLICT], 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE entitlement_id = 2"
				    " AND status IN ('pending', 'paid')"),
			 1);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

/*
 * The set of answers decides (docs/bankfile.md): a reversal that came
 * before its success counts once the success arrives; a success after a
 * failure pays; a success the import cannot apply blocks payment_correct.
 */
static void test_bank_answers(void **state)
{
	struct batch_request req = {"GL01", "202303", NULL};
	struct reconcile_summary s;
	struct batch_result res;
	struct notes nt;
	struct error err;
	struct fx f;

	(void)state;
	fx_start(&f, ROSTER);
	error_clear(&err);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	/* Payment ids are 1..4 (30000, 35000, 40000, 30000). */
	import_text(&f, "r1.csv",
		    "H,MSRET,1,1\n"
		    "D,1,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00\n"
		    "D,2,FAILED,ACCT_FROZEN,35000,2023-03-15T09:00:00\n"
		    "T,2,65000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_CONFLICT], 1);
	assert_int_equal(s.n[RECON_FAILED], 1);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 1 AND status = 'pending'"), 1);
	assert_int_equal(fx_violations(&f), 0);

	import_text(&f, "r2.csv",
		    "H,MSRET,1,1\n"
		    "D,1,SUCCESS,,30000,2023-03-15T10:00:00\n"
		    "D,2,SUCCESS,,35000,2023-03-15T10:00:00\n"
		    "T,2,65000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_PAID], 2);
	assert_int_equal(s.fen[RECON_PAID], 65000);
	assert_int_equal(s.n[RECON_REVERSED], 0); /* no line of this file reverses */
	assert_int_equal(s.late_reversed, 1);
	assert_int_equal(s.late_reversed_fen, 30000);
	assert_int_equal(s.paid_after_failure, 1);
	assert_int_equal(s.paid_after_failure_fen, 35000);
	assert_int_equal(nt.n[RECON_PAID], 1);	   /* told: was failed */
	assert_int_equal(nt.n[RECON_REVERSED], 1); /* told: the earlier reversal counts */
	assert_int_equal(fx_int(&f,
				"SELECT COUNT(*) FROM payment WHERE id = 1 AND status = 'failed'"
				" AND reason = 'REVERSED:ACCT_CLOSED'"
				" AND bank_time = '2023-03-16T10:00:00'"),
			 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 2 AND status = 'paid'"
				    " AND reason IS NULL AND bank_time = '2023-03-15T10:00:00'"),
			 1);
	/* failed -> paid moved in the ledger: nothing left failed but the reversal */
	assert_int_equal(
	    fx_int(&f, "SELECT SUM(amount_fen) FROM ledger_entry WHERE account = 'failed'"), 30000);
	assert_int_equal(
	    fx_int(&f, "SELECT SUM(amount_fen) FROM ledger_entry WHERE account = 'paid'"), 35000);
	assert_int_equal(fx_violations(&f), 0);

	/* A success after the reversal: a contradiction that blocks the correction. */
	import_text(&f, "r3.csv",
		    "H,MSRET,1,1\nD,1,SUCCESS,,30000,2023-03-17T10:00:00\nT,1,30000\n", &s, &nt);
	assert_int_equal(s.n[RECON_CONFLICT], 1);
	assert_int_equal(payment_correct(f.db, &f.keys, 1, "6217000000000020002", true, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "bank_success");
	assert_non_null(strstr(err.msg, "导入记录 3 第 2 行"));
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment_correction"), 0);

	/* A failed payment with a success of another amount cannot be corrected;
	 * one with a failure only can; a reversed one whose success came before
	 * the reversal can. */
	import_text(&f, "r4.csv",
		    "H,MSRET,1,1\n"
		    "D,3,FAILED,ACCT_CLOSED,40000,2023-03-15T09:00:00\n"
		    "D,3,SUCCESS,,40001,2023-03-15T10:00:00\n"
		    "D,4,SUCCESS,,30000,2023-03-15T10:00:00\n"
		    "D,4,REVERSED,ACCT_CLOSED,30000,2023-03-15T10:00:00\n" /* not after: no */
		    "T,4,140001\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_MISMATCH], 1);
	assert_int_equal(s.n[RECON_CONFLICT], 1);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 4 AND status = 'paid'"), 1);
	assert_int_equal(payment_correct(f.db, &f.keys, 3, "6217000000000020002", true, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "bank_success");
	import_text(&f, "r5.csv",
		    "H,MSRET,1,1\nD,4,REVERSED,ACCT_CLOSED,30000,2023-03-15T10:00:01\nT,1,30000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_REVERSED], 1);
	assert_int_equal(payment_correct(f.db, &f.keys, 4, "6217000000000020002", true, &err), 0);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

/*
 * A SUCCESS stored as 'already' (a repeat of the one applied) that a later
 * reversal leaves standing: batch create keeps the corrected payment back,
 * as payment correct and batch_bank_success_find do (one rule).
 */
static void test_standing_success_not_reissued(void **state)
{
	struct batch_request req = {"GL01", "202303", NULL};
	struct bank_success_line line;
	struct reconcile_summary s;
	struct batch_result res;
	struct notes nt;
	struct error err;
	struct fx f;
	bool found;

	(void)state;
	fx_start(&f, ROSTER);
	error_clear(&err);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	import_text(&f, "a.csv",
		    "H,MSRET,1,1\nD,1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00\nT,1,30000\n",
		    &s, &nt);
	fx_ok(payment_correct(f.db, &f.keys, 1, "6217000000000020002", true, &err), &err,
	      "payment_correct");
	import_text(&f, "b.csv",
		    "H,MSRET,1,1\n"
		    "D,1,SUCCESS,,30000,2023-03-15T10:00:00\n"
		    "D,1,SUCCESS,,30000,2023-03-17T10:00:00\n"
		    "T,2,60000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_PAID], 1);
	assert_int_equal(s.n[RECON_ALREADY], 1);
	import_text(&f, "c.csv",
		    "H,MSRET,1,1\nD,1,REVERSED,ACCT_CLOSED,30000,2023-03-16T10:00:00\nT,1,30000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_REVERSED], 1);
	assert_int_equal(batch_bank_success_find(f.db, 1, true, 0, &line, &found, &err), 0);
	assert_true(found);
	assert_string_equal(line.bank_time, "2023-03-17T10:00:00");
	/* Not reissued: counted as blocked. */
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.batch_id, 0);
	assert_int_equal(res.blocked, 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE entitlement_id ="
				    " (SELECT entitlement_id FROM payment WHERE id = 1)"),
			 1);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

/*
 * A REVERSED of another amount (stored as mismatch, ignored by the import)
 * takes no SUCCESS back: the attempt answered SUCCESS after its reissue
 * keeps blocking the reissue's correction and the next reissue, until a
 * reversal of the payment's amount arrives.
 */
static void test_mismatched_reversal_takes_nothing_back(void **state)
{
	struct batch_request req = {"GL01", "202303", NULL};
	struct bank_success_line line;
	struct reconcile_summary s;
	struct batch_result res;
	struct notes nt;
	struct error err;
	struct fx f;
	int64_t re;
	bool found;

	(void)state;
	fx_start(&f, ROSTER);
	error_clear(&err);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	import_text(&f, "a.csv",
		    "H,MSRET,1,1\nD,1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00\nT,1,30000\n",
		    &s, &nt);
	fx_ok(payment_correct(f.db, &f.keys, 1, "6217000000000020002", true, &err), &err,
	      "payment_correct");
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.reissue_count, 1);
	re = fx_int(&f, "SELECT MAX(id) FROM payment");
	assert_int_equal(re, 5); /* the return file below names it */
	/* The first attempt, reissued, is answered SUCCESS: a conflict. */
	import_text(&f, "b.csv", "H,MSRET,1,1\nD,1,SUCCESS,,30000,2023-03-17T10:00:00\nT,1,30000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_CONFLICT], 1);
	/* A reversal of 1 fen: not an answer about this payment. */
	import_text(&f, "c.csv",
		    "H,MSRET,1,1\nD,1,REVERSED,ACCT_CLOSED,1,2023-03-18T10:00:00\nT,1,1\n", &s,
		    &nt);
	assert_int_equal(s.n[RECON_MISMATCH], 1);
	assert_int_equal(batch_bank_success_find(f.db, re, false, 0, &line, &found, &err), 0);
	assert_true(found);
	assert_int_equal(line.payment_id, 1);
	assert_string_equal(line.bank_time, "2023-03-17T10:00:00");
	assert_int_equal(batch_bank_said_success(f.db, re, false, "不能更正", &err), ERR_INPUT);
	assert_string_equal(err.reason, "bank_success");
	/* The reissue fails: its correction is refused (the money of the
	 * first attempt may be in the old account). */
	import_text(&f, "d.csv",
		    "H,MSRET,1,2\nD,5,FAILED,ACCT_FROZEN,30000,2023-03-16T09:00:00\nT,1,30000\n",
		    &s, &nt);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 5 AND status = 'failed'"), 1);
	assert_int_equal(payment_correct(f.db, &f.keys, re, "6217000000000020010", true, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "bank_success");
	assert_int_equal(fx_violations(&f), 0);
	/* A reversal of the payment's amount takes it back. */
	import_text(&f, "e.csv",
		    "H,MSRET,1,1\nD,1,REVERSED,ACCT_CLOSED,30000,2023-03-19T10:00:00\nT,1,30000\n",
		    &s, &nt);
	assert_int_equal(batch_bank_success_find(f.db, re, false, 0, &line, &found, &err), 0);
	assert_false(found);
	fx_ok(payment_correct(f.db, &f.keys, re, "6217000000000020010", true, &err), &err,
	      "payment_correct");
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.reissue_count, 1);
	assert_int_equal(res.blocked, 0);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

/*
 * The bank files a SUCCESS for payment 1 (batch 1, failed) in batch 2's
 * return file. The import keeps it as an unknown id, naming the batch the
 * payment belongs to, and applies nothing; the standing-SUCCESS rule counts
 * it all the same (payment correct refuses, batch create does not reissue).
 * A REVERSED in the wrong file takes nothing back; in batch 1's file it
 * does. A line naming an id that was nobody's when it was imported does not
 * count for the payment that gets the id later.
 */
static void test_success_in_another_batch_file(void **state)
{
	struct batch_request mar = {"GL01", "202303", NULL}, apr = {"GL01", "202304", NULL};
	struct bank_success_line line;
	struct reconcile_summary s;
	struct batch_result res;
	struct notes nt;
	struct error err;
	struct fx f;
	bool found;

	(void)state;
	fx_start(&f, ROSTER "GL01,202304," FX_P0 ",30000\n");
	error_clear(&err);
	assert_int_equal(batch_create(f.db, &mar, &res, &err), 0); /* payments 1..4 */
	assert_int_equal(batch_create(f.db, &apr, &res, &err), 0); /* payment 5 */
	assert_int_equal(res.batch_id, 2);
	import_text(&f, "a.csv",
		    "H,MSRET,1,1\nD,1,FAILED,ACCT_FROZEN,30000,2023-03-15T09:00:00\nT,1,30000\n",
		    &s, &nt);
	/* No SUCCESS yet: nothing stands. */
	assert_int_equal(batch_bank_success_find(f.db, 1, true, 0, &line, &found, &err), 0);
	assert_false(found);
	import_text(&f, "b.csv",
		    "H,MSRET,1,2\nD,1,SUCCESS,,30000,2023-03-16T10:00:00\n"
		    "D,6,SUCCESS,,30000,2023-03-16T10:00:00\nT,2,60000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_UNKNOWN], 2);
	assert_int_equal(nt.n[RECON_UNKNOWN], 2);
	assert_int_equal(s.n[RECON_PAID], 0);
	/* notes come in payment order: 1 then 6 */
	assert_string_equal(nt.msg[RECON_UNKNOWN], "批次 2 中没有发放编号 6");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM bank_return_line"
				    " WHERE payment_id = 1 AND outcome = 'unknown'"),
			 1);
	assert_int_equal(
	    fx_int(&f, "SELECT COUNT(*) FROM payment WHERE id = 1 AND status = 'failed'"), 1);
	assert_int_equal(batch_bank_success_find(f.db, 1, true, 0, &line, &found, &err), 0);
	assert_true(found);
	assert_int_equal(line.import_id, 2);
	assert_int_equal(line.line, 2);
	assert_int_equal(line.payment_id, 1);
	/* the amount is compared as for a line of its own batch */
	assert_int_equal(batch_bank_success_find(f.db, 1, true, 30000, &line, &found, &err), 0);
	assert_true(found);
	assert_int_equal(batch_bank_success_find(f.db, 1, true, 29999, &line, &found, &err), 0);
	assert_false(found);
	assert_int_equal(payment_correct(f.db, &f.keys, 1, "6217000000000020002", true, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "bank_success");
	/* a correction made before the line arrived (by hand) is not reissued */
	fx_exec(&f, "INSERT INTO payment_correction(payment_id, account_id, corrected_at)"
		    " SELECT 1, account_id, '2023-03-15T12:00:00Z' FROM payment WHERE id = 1");
	assert_int_equal(batch_create(f.db, &mar, &res, &err), 0);
	assert_int_equal(res.batch_id, 0);
	assert_int_equal(res.blocked, 1);
	/* a reversal in the wrong file takes nothing back */
	import_text(&f, "c.csv",
		    "H,MSRET,1,2\nD,1,REVERSED,DUPLICATE,30000,2023-03-17T10:00:00\nT,1,30000\n",
		    &s, &nt);
	assert_string_equal(nt.msg[RECON_UNKNOWN], "发放编号 1 属于批次 1，不在批次 2 中");
	assert_int_equal(batch_bank_success_find(f.db, 1, true, 0, &line, &found, &err), 0);
	assert_true(found);
	/* in batch 1's own file it does */
	import_text(&f, "d.csv",
		    "H,MSRET,1,1\nD,1,REVERSED,DUPLICATE,30000,2023-03-17T10:00:00\nT,1,30000\n",
		    &s, &nt);
	assert_int_equal(batch_bank_success_find(f.db, 1, true, 0, &line, &found, &err), 0);
	assert_false(found);
	assert_int_equal(batch_create(f.db, &mar, &res, &err), 0);
	assert_int_equal(res.reissue_count, 1); /* payment 6 */
	/* Payment 6, the reissue, was made after b.csv named id 6 (nobody's
	 * then). With the import dated before the reissue's batch existed
	 * (here all happens in one second, so the date is moved back), the
	 * line is not about payment 6. */
	fx_exec(&f, "UPDATE bank_import SET imported_at = '2000-01-01T00:00:00Z' WHERE id = 2");
	import_text(&f, "e.csv",
		    "H,MSRET,1,3\nD,6,FAILED,ACCT_FROZEN,30000,2023-03-20T09:00:00\nT,1,30000\n",
		    &s, &nt);
	assert_int_equal(s.n[RECON_FAILED], 1);
	assert_int_equal(batch_bank_success_find(f.db, 6, true, 0, &line, &found, &err), 0);
	assert_false(found);
	/* (imported after the batch, the same line would count) */
	fx_exec(&f, "UPDATE bank_import SET imported_at = '2999-01-01T00:00:00Z' WHERE id = 2");
	assert_int_equal(batch_bank_success_find(f.db, 6, true, 0, &line, &found, &err), 0);
	assert_true(found);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

static void test_death_hold(void **state)
{
	struct batch_request req = {"GL01", "202304", NULL};
	struct people_summary ps;
	struct batch_result res;
	struct error err;
	struct fx f;
	char path[192];

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER "GL01,202304," FX_P0 ",30000\n"
				      "GL01,202304," FX_P1 ",30000\n");
	error_clear(&err);
	/* Died in March: April is held. Died on 1 April: April is not. */
	fx_file(&f, "deaths.csv",
		"id_number,date_of_death\n410102194001101018,2023-03-20\n"
		"410102194102111020,2023-04-01\n",
		path);
	assert_int_equal(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), 0);
	assert_int_equal(ps.added, 2);
	assert_int_equal(ps.held, 1);
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.count, 1);
	assert_int_equal(res.held, 1);
	/* A roster imported after the death: held by the import itself
	 * (people_hold_imported), so the batch finds it on hold already. */
	fx_roster(&f, FX_ROSTER_HEADER "GL01,202305," FX_P0 ",30000\n");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
				    " AND period = '202305'"),
			 1);
	req.period = "202305";
	assert_int_equal(batch_create(f.db, &req, &res, &err), 0);
	assert_int_equal(res.batch_id, 0);
	assert_int_equal(res.held_now, 0);
	assert_int_equal(res.held, 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
				    " AND hold_reason = 'death 2023-03-20'"),
			 2);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_yuan_and_budget_message),
	    cmocka_unit_test(test_batch_create),
	    cmocka_unit_test(test_budget_refusal),
	    cmocka_unit_test(test_reconcile),
	    cmocka_unit_test(test_bank_answers),
	    cmocka_unit_test(test_death_hold),
	    cmocka_unit_test(test_standing_success_not_reissued),
	    cmocka_unit_test(test_mismatched_reversal_takes_nothing_back),
	    cmocka_unit_test(test_success_in_another_batch_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
