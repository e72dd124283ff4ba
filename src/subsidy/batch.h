/*
 * batch.h - payment batches (发放批次), budgets, and payment corrections.
 *
 * A batch turns the approved, unpaid entitlements of one programme-period
 * (optionally one county) into payment orders, plus the reissues: failed
 * payments whose account was corrected get a new payment (attempt + 1, the
 * corrected account). Everything is set-based SQL in one transaction, with
 * one ledger posting per kind of movement for the whole batch (unpaid ->
 * pending for new payments, failed -> pending for reissues), so a crash at
 * any instant leaves either the whole batch or nothing. The schema's
 * partial unique index (one live payment per entitlement) makes a second
 * live payment for an entitlement impossible whatever happens here.
 *
 * Entitlements on hold are skipped and counted. Before choosing, the batch
 * puts on hold every approved, unpaid entitlement of its programme-period
 * whose beneficiary has a death record dated before the period began (the
 * deaths import does the same for entitlements present at import time;
 * doing it here covers rosters imported after the death record).
 * See docs/batches.md.
 */
#ifndef MINSHENG_SUBSIDY_BATCH_H
#define MINSHENG_SUBSIDY_BATCH_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct error;

struct period;

/*
 * The id of programme code, checking (when p is not NULL) that p is the kind
 * of period the programme is paid for (programme_period_ok: 202303 for a
 * monthly one, 2023 for a yearly one). ERR_INPUT with reason
 * unknown_programme or period_frequency; ERR_IO.
 */
int batch_programme(struct db *db, const char *code, const struct period *p, int64_t *id,
		    struct error *err);

struct batch_request {
	const char *programme; /* programme code */
	const char *period;    /* period text (canonicalised) */
	const char *county;    /* 6-digit county code, or NULL for all */
};

struct batch_result {
	int64_t batch_id; /* 0 when nothing was due (no batch made) */
	int64_t count;	  /* payments in the batch */
	int64_t total_fen;
	int64_t new_count, new_fen;	    /* first attempts */
	int64_t reissue_count, reissue_fen; /* corrected and reissued */
	int64_t held;			    /* unpaid entitlements on hold, skipped */
	int64_t held_now;		    /* of which put on hold by this run (deaths) */
	int64_t blocked; /* corrected failed payments not reissued: the bank answered SUCCESS */
};

/*
 * Create a batch. Returns 0 (res->batch_id == 0 when there was nothing to
 * pay: no batch is created, so re-running after a completed run is
 * harmless), ERR_INPUT for an unknown programme, a bad period or county, or
 * a batch that would exceed a budget (err->reason "budget_exceeded", the
 * message says by how much), ERR_IO on database failure.
 */
int batch_create(struct db *db, const struct batch_request *req, struct batch_result *res,
		 struct error *err);

/*
 * Whether the bank has said it paid: ERR_INPUT (reason "bank_success",
 * message naming the return line and ending with refusal, e.g. "不能拦截")
 * when a SUCCESS line of any return file (any amount; also one filed in
 * another batch's return file) stands for payment_id itself (own_lines)
 * or for any failed attempt of its entitlement (payment_correct: the money
 * of an earlier attempt may be in the account). Successes the bank took
 * back do not count: dated before a REVERSED line of its amount for that
 * payment, or, for a reversed attempt, no later than its reversal. 0 when
 * none; ERR_IO on database failure.
 */
int batch_bank_said_success(struct db *db, int64_t payment_id, bool own_lines, const char *refusal,
			    struct error *err);

/*
 * The latest REVERSED line the bank sent for each payment (few): a SUCCESS
 * dated before it was taken back by the bank, applied or not. Only a
 * reversal of the payment's amount, in its own batch's return file, takes
 * money back: a mismatch (another amount, which the import ignores) does
 * not, and neither does an unknown id - also when the id is an existing
 * payment of another batch, filed in the wrong return file. Unlike a
 * misfiled SUCCESS (which counts, BATCH_SUCCESS_STANDS_SQL), a misfiled
 * reversal would unblock a correction and a reissue: money safety takes the
 * bank's word for "paid" from any file, and "taken back" only from the
 * right one (the bank resends it there). A subquery with columns pid and t.
 */
#define BATCH_REVERSALS_SQL                                                                        \
	"SELECT r.payment_id AS pid, MAX(r.bank_time) AS t FROM bank_return_line r"                \
	" WHERE r.status = 'REVERSED' AND r.outcome <> 'unknown' AND r.outcome <> 'mismatch'"      \
	" GROUP BY r.payment_id"

/*
 * The one rule for a SUCCESS line l (bank_return_line) that stands for
 * payment x (x.id = l.payment_id), with rv the latest reversal of x
 * (BATCH_REVERSALS_SQL, LEFT JOINed on rv.pid = l.payment_id): any amount,
 * any outcome (a line stored as 'already' counts: a later reversal may have
 * undone the success it repeated while leaving this one standing), not
 * dated before a REVERSED line of x's amount for x (one of another amount,
 * a mismatch, takes nothing back), and, for a reversed x, not dated no
 * later than its reversal. An unknown id counts too when it names x filed
 * in another batch's return file (the bank says it paid x, whatever file
 * it wrote that in): the import does not apply it, but the person may have
 * the money. Only when x's batch existed when the line was imported
 * (created_at <= imported_at): an id the bank wrote that was nobody's then
 * is not the payment that later got it. A WHERE fragment over the aliases
 * l, x and rv, used by batch create (reissues), batch_bank_success_find
 * (payment correct, cancel, settle) and subsidy anomalies
 * (bank_success_conflict): a line that blocks one blocks all.
 */
#define BATCH_SUCCESS_STANDS_SQL                                                                   \
	" l.status = 'SUCCESS'"                                                                    \
	" AND (l.outcome <> 'unknown' OR EXISTS(SELECT 1 FROM bank_import i"                       \
	"  JOIN batch b ON b.id = x.batch_id"                                                      \
	"  WHERE i.id = l.import_id AND b.created_at <= i.imported_at))"                           \
	" AND (rv.t IS NULL OR rv.t <= l.bank_time)"                                               \
	" AND NOT (COALESCE(x.reason, '') LIKE 'REVERSED:%' AND l.bank_time <= x.bank_time)"

/* A SUCCESS line of a return file, as kept in bank_return_line. */
struct bank_success_line {
	int64_t import_id;  /* bank_import id */
	int64_t line;	    /* line in that file */
	int64_t amount_fen; /* the amount the bank wrote */
	int64_t payment_id; /* the payment it answers (another attempt when !own_lines) */
	char bank_time[24]; /* YYYY-MM-DDTHH:MM:SS */
};

/*
 * The line batch_bank_said_success names: the earliest SUCCESS that counts
 * under its rules for payment_id (own_lines as there), restricted to lines
 * of exactly amount_fen when amount_fen > 0 (0: any amount). *found says
 * whether there is one; *out is filled when it is. 0, or ERR_IO on database
 * failure.
 */
int batch_bank_success_find(struct db *db, int64_t payment_id, bool own_lines, int64_t amount_fen,
			    struct bank_success_line *out, bool *found, struct error *err);

/*
 * The refusal message for a budget: programme code, year, county, the
 * budget, what is already used (pending or paid) and this batch's amount in
 * that county, all in fen. Written into out (n bytes); Chinese, amounts in
 * 元 with two decimals and in 分, e.g.
 *   预算不足：项目 P01 2023年 县 410102 预算 1000.00 元（100000 分），已用
 *   600.00 元（60000 分），本批次 500.00 元（50000 分），超出 100.00 元（10000 分）
 */
void batch_budget_message(char *out, size_t n, const char *programme, int year, const char *county,
			  int64_t budget_fen, int64_t used_fen, int64_t batch_fen);

/* fen as yuan with two decimals ("1234.05", "-0.50"), exactly. */
void batch_yuan(int64_t fen, char *out, size_t n);

/*
 * Set (or replace) the budget of a programme, year and county. ERR_INPUT
 * for an unknown programme, a year outside 1900..9999, a county that is not
 * 6 digits, a negative amount.
 */
int budget_set(struct db *db, const char *programme, int year, const char *county,
	       int64_t amount_fen, struct error *err);

/* One row of the batch list. */
struct batch_info {
	int64_t id;
	char programme[40];
	char period[16];
	char county[16]; /* "" for all counties */
	char created_at[32];
	int64_t count, total_fen;
	int64_t pending, paid, failed, cancelled; /* payments by status */
};

/* Every batch in id order; fn's non-zero return stops and is returned. */
int batch_list(struct db *db, int (*fn)(void *ctx, const struct batch_info *b), void *ctx,
	       struct error *err);

/*
 * Correct a failed payment: the beneficiary's new bank account (digits,
 * checked 16-19 digits and Luhn) becomes current (the old one keeps its
 * history with valid_to set), the payment's entitlement (and the person's
 * other unpaid entitlements, whatever earlier account they were on) point
 * to it, and the payment is recorded as corrected, so the next batch of its
 * programme-period reissues it, to the person's account current at that
 * time. sscard says whether the new account is the
 * person's social-security-card account (the default in the CLI) or another
 * bank account; stats counts the share paid into social-security cards from
 * it. Needs the key (keys from pii_open).
 * ERR_INPUT when the payment does not exist, is not failed, is not the
 * latest attempt, or was already corrected, or the account is invalid
 * (reasons unknown_payment, not_failed, not_latest, already_corrected,
 * bank_*), or when the bank ever answered SUCCESS for it (reason
 * bank_success: any return line, whatever its amount, except for a
 * reversed payment the successes dated no later than the reversal): the
 * money may be in the old account, so it is never reissued.
 */
struct pii_keys;
int payment_correct(struct db *db, const struct pii_keys *keys, int64_t payment_id,
		    const char *account, bool sscard, struct error *err);

#endif
