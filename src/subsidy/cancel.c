/*
 * cancel.c - intercepting a pending payment (cancel.h, docs/batches.md).
 *
 * The states and the ledger account are the existing ones ('cancelled',
 * LEDGER_CANCELLED), so every reader (batch list, disclose, lookup, the
 * ledger check, the bank file import) already knows what a cancelled
 * payment is.
 */
#include "subsidy/cancel.h"

#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/batch.h"
#include "subsidy/ledger.h"

#include <stdio.h>
#include <string.h>

/*
 * The length of the well-formed UTF-8 sequence at s (n bytes left), 0 when
 * it is not one: no overlong forms, no surrogates, nothing above U+10FFFF
 * (the table of well-formed sequences of Unicode, chapter 3).
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

bool payment_cancel_reason_ok(const char *reason)
{
	const unsigned char *s = (const unsigned char *)reason;
	size_t i, len, k;

	if (!reason)
		return false;
	len = strlen(reason);
	if (len == 0 || len > PAYMENT_CANCEL_REASON_MAX)
		return false;
	for (i = 0; i < len; i += k) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return false;
		/* stored as TEXT and printed to the operator: invalid bytes
		 * would be mangled or garble the terminal */
		k = utf8_seq(s + i, len - i);
		if (k == 0)
			return false;
		/* C1 controls U+0080..U+009F (U+009B is CSI, a terminal
		 * escape like ESC [) */
		if (k == 2 && s[i] == 0xc2 && s[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/* Run an UPDATE with the parameters (text, id); exactly one row must change. */
static int update_one(struct db *db, const char *sql, const char *text, int64_t id,
		      const char *what, struct error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (db_prepare(db, sql, &st, err))
		return ERR_IO;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, err, what);
	else if (sqlite3_changes(db_sqlite(db)) != 1)
		rc = error_set(err, ERR_INTERNAL, "%s：记录 %lld 未更新", what, (long long)id);
	sqlite3_finalize(st);
	return rc;
}

int payment_cancel(struct db *db, int64_t payment_id, const char *reason,
		   struct payment_cancel_info *info, struct error *err)
{
	struct payment_cancel_info local;
	struct payment_cancel_info *in = info ? info : &local;
	sqlite3_stmt *st = NULL;
	char status[16], ref[64];
	int64_t programme_id, attempt, latest;
	struct period p;
	int step, rc = ERR_INPUT;

	memset(in, 0, sizeof(*in));
	if (reason && !payment_cancel_reason_ok(reason)) {
		error_set(err, ERR_INPUT,
			  "拦截原因为空、超过 %d 字节、含控制字符或不是有效的 UTF-8 文字",
			  PAYMENT_CANCEL_REASON_MAX);
		error_reason(err, "bad_reason");
		return ERR_INPUT;
	}
	if (db_begin(db, err))
		return ERR_IO;
	if (db_prepare(
		db,
		"SELECT y.status, y.attempt, y.batch_id, y.amount_fen, e.id, e.programme_id,"
		" p.code, e.period,"
		" (SELECT MAX(z.attempt) FROM payment z WHERE z.entitlement_id = e.id),"
		" (SELECT d.death_day FROM death d JOIN beneficiary b ON b.id_hash = d.id_hash"
		"  WHERE b.id = e.beneficiary_id)"
		" FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"
		" JOIN programme p ON p.id = e.programme_id WHERE y.id = ?",
		&st, err))
		goto io;
	sqlite3_bind_int64(st, 1, payment_id);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		error_set(err, ERR_INPUT, "发放记录 %lld 不存在", (long long)payment_id);
		error_reason(err, "unknown_payment");
		goto fail;
	}
	if (step != SQLITE_ROW) {
		db_fail(db, err, "读取发放记录");
		goto io;
	}
	snprintf(status, sizeof(status), "%s", (const char *)sqlite3_column_text(st, 0));
	attempt = sqlite3_column_int64(st, 1);
	in->batch_id = sqlite3_column_int64(st, 2);
	in->amount_fen = sqlite3_column_int64(st, 3);
	in->entitlement_id = sqlite3_column_int64(st, 4);
	programme_id = sqlite3_column_int64(st, 5);
	snprintf(in->programme, sizeof(in->programme), "%s",
		 (const char *)sqlite3_column_text(st, 6));
	snprintf(in->period, sizeof(in->period), "%s", (const char *)sqlite3_column_text(st, 7));
	latest = sqlite3_column_int64(st, 8);
	if (sqlite3_column_type(st, 9) != SQLITE_NULL &&
	    period_parse(in->period, strlen(in->period), &p, NULL) == 0) {
		int32_t death = (int32_t)sqlite3_column_int64(st, 9);

		/* The rule of the holds (people.h): dead before the period began. */
		if (death < period_start(&p))
			date_format(date_from_days(death), in->death, sizeof(in->death));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (strcmp(status, "pending") != 0) {
		error_set(err, ERR_INPUT, "发放记录 %lld 的状态是%s，只有在途的发放可以拦截%s",
			  (long long)payment_id, ledger_status_label(status),
			  strcmp(status, "paid") == 0 ? "（银行已付款，需另行追回）" : "");
		error_reason(err, "not_pending");
		goto fail;
	}
	if (attempt != latest) {
		error_set(err, ERR_INPUT, "发放记录 %lld 已有更新的发放（第 %lld 次）",
			  (long long)payment_id, (long long)latest);
		error_reason(err, "not_latest");
		goto fail;
	}
	/* A pending payment with a SUCCESS line: one of another amount (a
	 * mismatch the import did not apply). The bank says it paid: not a
	 * payment to intercept, but one to settle with the bank. */
	rc = batch_bank_said_success(db, payment_id, true, "不能拦截", err);
	if (rc)
		goto fail;
	rc = ERR_INPUT;

	if (reason)
		snprintf(in->reason, sizeof(in->reason), "CANCELLED: %s", reason);
	else if (in->death[0])
		snprintf(in->reason, sizeof(in->reason), "CANCELLED: death %s", in->death);
	else
		snprintf(in->reason, sizeof(in->reason), "CANCELLED");
	/* status = 'pending' again: the row read above is the one changed. */
	rc = update_one(db,
			"UPDATE payment SET status = 'cancelled', reason = ?1"
			" WHERE id = ?2 AND status = 'pending'",
			in->reason, payment_id, "拦截发放记录", err);
	if (!rc)
		rc = update_one(db, "UPDATE entitlement SET status = 'cancelled' WHERE id = ?2",
				NULL, in->entitlement_id, "取消应发记录", err);
	snprintf(ref, sizeof(ref), "payment cancel %lld", (long long)payment_id);
	if (!rc)
		rc = ledger_post_cancel(db, ref, LEDGER_PENDING, programme_id, in->period,
					in->amount_fen, err);
	if (!rc && db_commit(db, err))
		rc = ERR_IO;
	if (rc)
		db_rollback(db);
	return rc;
io:
	rc = ERR_IO;
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return rc;
}
