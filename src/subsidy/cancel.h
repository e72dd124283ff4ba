/*
 * cancel.h - intercepting a payment still at the bank (拦截在途发放).
 *
 * A payment order in a batch (status 'pending': made by batch create,
 * perhaps exported, not yet answered by the bank) for someone who must not
 * be paid, typically a person who died before the period began, is
 * stopped here: the payment becomes 'cancelled', its entitlement
 * 'cancelled' (never reissued: batches take only approved entitlements), and
 * the ledger moves the amount pending -> cancelled (ledger_post_cancel,
 * transaction kind "cancel", reference "payment cancel N"), all in one
 * database transaction, so `subsidy check` keeps balancing.
 *
 * The bank file of a batch lists only pending payments, so an export made
 * after the cancel leaves it out, and its header counts the rest. A file
 * exported before the cancel may still reach the bank: a SUCCESS the bank
 * later returns for the cancelled payment is not applied by the bank file
 * import (reconcile.c: a conflict, "发放状态为已取消，银行却报成功"), and is
 * left for the operator to settle with the bank: recovered (a REVERSED
 * line), or, once the bank confirms the money was paid, booked as paid with
 * `subsidy payment settle` (settle.h). docs/batches.md, "subsidy payment
 * cancel".
 */
#ifndef MINSHENG_SUBSIDY_CANCEL_H
#define MINSHENG_SUBSIDY_CANCEL_H

#include "base/period.h"

#include <stdbool.h>
#include <stdint.h>

struct db;
struct error;

/* The longest reason an operator may give, in bytes. */
#define PAYMENT_CANCEL_REASON_MAX 200

/* What was cancelled, for the operator's message. */
struct payment_cancel_info {
	int64_t entitlement_id;
	int64_t batch_id;
	int64_t amount_fen;
	char programme[64]; /* programme code */
	char period[PERIOD_STRLEN];
	/* The date of death (YYYY-MM-DD) when the person's death record dates
	 * before the period began, else "". */
	char death[16];
	/* What payment.reason now holds: "CANCELLED: <reason>", the reason being
	 * the operator's text, else "death YYYY-MM-DD" when death is set, else
	 * just "CANCELLED". */
	char reason[PAYMENT_CANCEL_REASON_MAX + 16];
};

/*
 * A reason text is acceptable: 1 to PAYMENT_CANCEL_REASON_MAX bytes of
 * well-formed UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF), no control characters, C0, DEL or C1 (U+0080..U+009F) (it is
 * stored and printed on one line, to terminals among others).
 * payment cancel and payment settle share it.
 */
bool payment_cancel_reason_ok(const char *reason);

/*
 * Cancel payment payment_id, which must be pending (and, as every pending
 * payment is, its entitlement's latest attempt). reason may be NULL. One
 * transaction: on any error nothing is written. *info (may be NULL) is
 * filled when the payment was found, also when it is refused.
 *
 * Refused with ERR_INPUT and a Chinese message, reason code:
 *   unknown_payment  no such payment
 *   not_pending      its status is paid, failed or cancelled (the message
 *                    names it; a paid one can no longer be stopped)
 *   not_latest       a later attempt exists (not possible for a pending
 *                    payment unless the rows were altered by hand)
 *   bad_reason       reason empty, too long, with control characters or not
 *                    valid UTF-8 (payment_cancel_reason_ok)
 * ERR_IO when the database fails.
 */
int payment_cancel(struct db *db, int64_t payment_id, const char *reason,
		   struct payment_cancel_info *info, struct error *err);

#endif
