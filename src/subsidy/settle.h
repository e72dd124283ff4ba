/*
 * settle.h - booking as paid a payment the bank says it paid (核实入账).
 *
 * A payment intercepted with `subsidy payment cancel` after its bank file
 * reached the bank, or one the bank reversed and then answered SUCCESS for
 * again, may have been paid all the same: the bank file import keeps such
 * a SUCCESS line (bank_return_line, outcome conflict) but does not apply it,
 * and `subsidy anomalies` lists it (bank_success_conflict). Once the
 * operator has confirmed with the bank that the money reached the account
 * and will not come back, payment_settle books it as paid, so the ledger
 * says where the money is. docs/batches.md, "subsidy payment settle".
 *
 * One database transaction:
 *   - payment: status 'paid', bank_time the SUCCESS line's bank time,
 *     reason "SETTLED: <reason>" (what it was before is kept in the
 *     settlement row);
 *   - entitlement: 'approved' (it was 'cancelled' after an interception, or
 *     'on_hold' after a death record): an entitlement whose latest payment is
 *     paid is an ordinary paid one, as the bank file import makes a held one
 *     whose failed payment the bank paid;
 *   - ledger: the amount moves from the payment's account (cancelled or
 *     failed) to paid, ledger_move kind "settle", ref "payment settle N";
 *   - payment_settlement: one immutable row (migration 4) naming the bank
 *     line used, the previous status and reason, the entitlement's previous
 *     status, the operator's reason and the time.
 *
 * Afterwards the settlement is final as far as the bank's older answers go
 * (reconcile.c, docs/bankfile.md): a SUCCESS or a REVERSED dated no later
 * than the SUCCESS used is already processed, in whatever file it comes
 * again, and leaves the row as settled. Only a REVERSED dated after it
 * reverses the payment: paid -> failed (冲正) for one that was failed, and
 * back to cancelled (payment and entitlement, ledger paid -> cancelled) for
 * an interception, which the operator had stopped.
 *
 * Known limit: only the latest attempt of an entitlement can be settled. A
 * SUCCESS for an earlier attempt that failed and was reissued (the later
 * attempt paid, pending or failed) means the person may have been paid
 * twice; booking it would need the later attempt undone too, a manual
 * decision this command does not make.
 */
#ifndef MINSHENG_SUBSIDY_SETTLE_H
#define MINSHENG_SUBSIDY_SETTLE_H

#include "base/period.h"
#include "subsidy/batch.h"
#include "subsidy/cancel.h"

#include <stdint.h>

struct db;
struct error;

/* The longest reason, in bytes (the rule of payment_cancel_reason_ok). */
#define PAYMENT_SETTLE_REASON_MAX PAYMENT_CANCEL_REASON_MAX

/* What was settled (or why not), for the operator's message. */
struct payment_settle_info {
	int64_t entitlement_id;
	int64_t batch_id;
	int64_t amount_fen;
	char programme[64]; /* programme code */
	char period[PERIOD_STRLEN];
	char previous_status[16]; /* the payment's status before: "cancelled", "failed" */
	/* The entitlement's latest attempt (payment id and status) when it is
	 * not this payment (reason not_latest), else 0 and "". */
	int64_t later_payment;
	char later_status[16];
	/* The bank line used (when settled), or the SUCCESS line of another
	 * amount found (reason amount_differs). */
	struct bank_success_line line;
	int64_t settlement_id; /* the payment_settlement row written */
	/* When settled: an earlier attempt of the same entitlement (failed,
	 * reissued) that also has a standing SUCCESS line (the rule of
	 * batch_bank_said_success, any amount): the bank may have paid the
	 * person twice. other.payment_id is 0 when there is none. The
	 * settlement goes ahead (this payment's own answer is what it books);
	 * the operator is told, and subsidy anomalies keeps listing that
	 * attempt (bank_success_conflict). */
	struct bank_success_line other;
};

/*
 * Book payment payment_id as paid on the strength of the bank's SUCCESS
 * line for it. reason (required) says how the bank confirmed it. One
 * transaction: on any error nothing is written. *info (may be NULL) is
 * filled as far as the payment was read, also when it is refused.
 *
 * The line used is the earliest SUCCESS line kept for this payment itself
 * (batch_bank_success_find with own_lines: also one the bank filed in
 * another batch's return file (batch.h), not a success
 * dated before a REVERSED line for the payment, nor, for a reversed
 * payment, one dated no later than its reversal) whose amount is exactly
 * the payment's.
 *
 * Refused with ERR_INPUT, a Chinese message and a reason code:
 *   bad_reason       reason missing, empty, over PAYMENT_SETTLE_REASON_MAX
 *                    bytes, with control characters or not valid UTF-8
 *   unknown_payment  no such payment
 *   not_settleable   its status is pending or paid (the message names it)
 *   not_latest       a later attempt of its entitlement exists (the message
 *                    names it and its status)
 *   no_bank_success  no SUCCESS line counts for it
 *   amount_differs   SUCCESS lines count, but none of the payment's amount
 *                    (a manual decision, not this command's)
 * ERR_IO when the database fails.
 */
int payment_settle(struct db *db, int64_t payment_id, const char *reason,
		   struct payment_settle_info *info, struct error *err);

#endif
