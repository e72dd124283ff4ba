/*
 * ledger.h - the 一卡通 double-entry ledger in integer fen.
 *
 * Every money event is one ledger transaction (ledger_txn) of entries
 * (ledger_entry): account, programme, period and a signed amount (debit
 * positive, credit negative). Each transaction sums to zero (debits =
 * credits); postings are immutable (the schema's triggers refuse UPDATE and
 * DELETE); a correction is a new posting. Entries may be aggregated: one
 * entry pair per programme-period per event (per roster import, per batch,
 * per return file), the per-person detail being the entitlement and payment
 * rows.
 *
 * Accounts (per programme and period) and the events that move money
 * between them (docs/ledger.md):
 *
 *   entitled   credit-side total of everything ever approved (应发)
 *   unpaid     approved, in no batch yet (待发)
 *   pending    in a batch, at the bank (在途)
 *   paid       the bank paid it (已发)
 *   failed     the bank returned it failed, not yet reissued (失败待重发)
 *   cancelled  will never be paid (已取消)
 *
 *   roster import    entitled -> unpaid       ledger_post_entitled
 *   batch create     unpaid   -> pending      ledger_post_payment_created
 *   bank: success    pending  -> paid         ledger_post_paid
 *   bank: failure    pending  -> failed       ledger_post_failed
 *   reissue          failed   -> pending      ledger_post_reissue
 *   cancel           unpaid|pending|failed -> cancelled   ledger_post_cancel
 *   bank reversal    paid     -> failed       ledger_post_reversed
 *   settle           cancelled|failed -> paid  ledger_move (payment settle)
 *
 * "a -> b" debits b and credits a by the amount. Hence for every
 * programme-period: -balance(entitled) = unpaid + pending + paid + failed +
 * cancelled, i.e. entitled = paid + pending + failed + cancelled when
 * "pending" counts everything not yet settled (unpaid + at the bank).
 *
 * The contract with the rows (what ledger_check cross-checks): take each
 * entitlement's latest payment (highest attempt); its state is
 *   no payment:  cancelled if entitlement.status = 'cancelled', else unpaid
 *   otherwise:   the latest payment's status (pending, paid, failed,
 *                cancelled)
 * and for every programme-period the sum of entitlement amounts in each
 * state must equal the balance of that account, and the sum of all
 * entitlement amounts must equal -balance(entitled). So whoever changes a
 * payment's or entitlement's state posts the matching move in the same
 * database transaction. A payment's amount always equals its entitlement's.
 *
 * None of these functions begins or commits a transaction: the caller posts
 * inside its own, together with the rows the posting describes.
 */
#ifndef MINSHENG_SUBSIDY_LEDGER_H
#define MINSHENG_SUBSIDY_LEDGER_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct error;

enum ledger_account {
	LEDGER_ENTITLED = 0,
	LEDGER_UNPAID,
	LEDGER_PENDING,
	LEDGER_PAID,
	LEDGER_FAILED,
	LEDGER_CANCELLED,
	LEDGER_NACCOUNTS
};

/* The account's name in the database ("entitled", ...). */
const char *ledger_account_name(enum ledger_account a);
/* Its Chinese name for reports ("应发", "待发", "在途", "已发", "失败", "已取消"). */
const char *ledger_account_label(enum ledger_account a);
/* The Chinese name of a payment status ("pending" -> "在途", as its account);
 * another text is returned as it is, NULL as "未知". */
const char *ledger_status_label(const char *status);

/* One line of a posting. */
struct ledger_entry {
	enum ledger_account account;
	int64_t programme_id;
	const char *period; /* canonical period text of the programme-period */
	int64_t amount_fen; /* debit > 0, credit < 0, never 0 */
};

/*
 * Post one transaction of n entries (kind: a short English word such as
 * "entitled"; ref: what caused it, e.g. "roster_import 3", "batch 7"). The
 * entries must sum to zero per programme-period and none may be 0:
 * otherwise ERR_INTERNAL and nothing is written. *txn_id (may be NULL) gets
 * the new transaction's id. Call inside the caller's transaction.
 */
int ledger_post(struct db *db, const char *kind, const char *ref, const struct ledger_entry *e,
		size_t n, int64_t *txn_id, struct error *err);

/*
 * Move amount_fen (> 0) of one programme-period from account `from` to
 * account `to` (credit from, debit to) as one transaction. amount_fen == 0
 * posts nothing and returns 0 (so callers can post aggregates blindly).
 */
int ledger_move(struct db *db, const char *kind, const char *ref, enum ledger_account from,
		enum ledger_account to, int64_t programme_id, const char *period,
		int64_t amount_fen, struct error *err);

/* The named events; each is ledger_move with the accounts above. */
int ledger_post_entitled(struct db *db, const char *ref, int64_t programme_id, const char *period,
			 int64_t amount_fen, struct error *err);
int ledger_post_payment_created(struct db *db, const char *ref, int64_t programme_id,
				const char *period, int64_t amount_fen, struct error *err);
int ledger_post_paid(struct db *db, const char *ref, int64_t programme_id, const char *period,
		     int64_t amount_fen, struct error *err);
int ledger_post_failed(struct db *db, const char *ref, int64_t programme_id, const char *period,
		       int64_t amount_fen, struct error *err);
int ledger_post_reissue(struct db *db, const char *ref, int64_t programme_id, const char *period,
			int64_t amount_fen, struct error *err);
/* from: LEDGER_UNPAID, LEDGER_PENDING or LEDGER_FAILED (else ERR_INTERNAL). */
int ledger_post_cancel(struct db *db, const char *ref, enum ledger_account from,
		       int64_t programme_id, const char *period, int64_t amount_fen,
		       struct error *err);
int ledger_post_reversed(struct db *db, const char *ref, int64_t programme_id, const char *period,
			 int64_t amount_fen, struct error *err);

/* The totals of one programme-period as the ledger has them. */
struct ledger_balance {
	int64_t programme_id;
	char programme_code[64];
	char period[16];
	int64_t fen[LEDGER_NACCOUNTS]; /* balances; fen[LEDGER_ENTITLED] <= 0 */
};

/*
 * Balances of every programme-period with postings, ordered by programme
 * code and period; calls fn for each (stop early by returning non-zero,
 * which ledger_balances then returns).
 */
int ledger_balances(struct db *db, int (*fn)(void *ctx, const struct ledger_balance *b), void *ctx,
		    struct error *err);

/* What ledger_check found. */
struct ledger_check_result {
	int64_t transactions;
	int64_t entries;
	int64_t programme_periods;
	int64_t entitlements;
	int64_t payments;
	int64_t fen[LEDGER_NACCOUNTS]; /* totals over all programme-periods */
	int64_t violations;
};

/*
 * Verify the ledger and its rows:
 *   - every transaction balances (debits = credits), per programme-period;
 *   - for every programme-period, entitled = unpaid + pending + paid +
 *     failed + cancelled, and no account is negative;
 *   - each account's balance equals the entitlement / payment rows in that
 *     state (see the contract above), and total entitled equals the sum of
 *     entitlement amounts; every payment's amount equals its entitlement's;
 *   - no payment identity twice: no two entitlements with the same
 *     (programme, period, person), no two live (pending or paid) payments
 *     for one entitlement, no entitlement with more than one paid payment;
 *   - no pending or paid payment below its entitlement's latest attempt
 *     ("stale_live_payment", when it is the entitlement's only live one;
 *     two live ones are "double_payment"): the accounts count the latest
 *     attempt only, so such a row would be money they do not show. With
 *     neither, every paid row is a latest attempt, and the sum of all paid
 *     rows equals the 已发 balance through the account comparison above;
 *   - every payment's account row belongs to the person of its entitlement
 *     ("payment_account_owner": a re-pointed payment.account_id would pay
 *     someone else's account).
 * Each violation is passed to report (code: a stable English word such as
 * "unbalanced_txn"; msg: Chinese, naming the programme, period, ids and
 * amounts) and counted in res->violations. Returns 0 when the check ran
 * (whatever it found), ERR_IO when the database failed.
 */
int ledger_check(struct db *db, void (*report)(void *ctx, const char *code, const char *msg),
		 void *ctx, struct ledger_check_result *res, struct error *err);

#endif
