/*
 * settle.c - booking as paid a cancelled or failed payment the bank
 * answered SUCCESS for (settle.h, docs/batches.md).
 *
 * Which bank lines count is batch.c's rule (batch_bank_success_find), the
 * one payment correct and payment cancel refuse on, so that a line which
 * blocks them is exactly a line that can settle the payment.
 */
#include "subsidy/settle.h"

#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/batch.h"
#include "subsidy/cancel.h"
#include "subsidy/ledger.h"

#include <stdio.h>
#include <string.h>

/* The row read before deciding. */
struct settle_row {
	char status[16];
	char reason[512]; /* the payment's reason before (at most ~220 bytes) */
	bool has_reason;
	char ent_status[16];
	int64_t attempt;
	int64_t programme_id;
	char settled_at[32]; /* the latest settlement of the payment, "" when none */
};

static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* Read the payment, its entitlement and its latest attempt into r and in. */
static int settle_load(struct db *db, int64_t payment_id, struct settle_row *r,
		       struct payment_settle_info *in, struct error *err)
{
	sqlite3_stmt *st;
	int step, rc = 0;

	if (db_prepare(db,
		       "SELECT y.status, y.reason, y.attempt, y.batch_id, y.amount_fen, e.id,"
		       " e.programme_id, p.code, e.period, e.status, z.id, z.status,"
		       " (SELECT s.settled_at FROM payment_settlement s WHERE s.payment_id = y.id"
		       "  ORDER BY s.id DESC LIMIT 1)"
		       " FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"
		       " JOIN programme p ON p.id = e.programme_id"
		       " JOIN payment z ON z.entitlement_id = e.id AND z.attempt ="
		       "  (SELECT MAX(w.attempt) FROM payment w WHERE w.entitlement_id = e.id)"
		       " WHERE y.id = ?",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, payment_id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		snprintf(r->status, sizeof(r->status), "%s", col_text(st, 0));
		r->has_reason = sqlite3_column_type(st, 1) != SQLITE_NULL;
		snprintf(r->reason, sizeof(r->reason), "%s", col_text(st, 1));
		r->attempt = sqlite3_column_int64(st, 2);
		in->batch_id = sqlite3_column_int64(st, 3);
		in->amount_fen = sqlite3_column_int64(st, 4);
		in->entitlement_id = sqlite3_column_int64(st, 5);
		r->programme_id = sqlite3_column_int64(st, 6);
		snprintf(in->programme, sizeof(in->programme), "%s", col_text(st, 7));
		snprintf(in->period, sizeof(in->period), "%s", col_text(st, 8));
		snprintf(r->ent_status, sizeof(r->ent_status), "%s", col_text(st, 9));
		snprintf(r->settled_at, sizeof(r->settled_at), "%s", col_text(st, 12));
		if (sqlite3_column_int64(st, 10) != payment_id) {
			in->later_payment = sqlite3_column_int64(st, 10);
			snprintf(in->later_status, sizeof(in->later_status), "%s",
				 col_text(st, 11));
		}
	} else if (step == SQLITE_DONE) {
		error_set(err, ERR_INPUT, "发放记录 %lld 不存在", (long long)payment_id);
		error_reason(err, "unknown_payment");
		rc = ERR_INPUT;
	} else {
		rc = db_fail(db, err, "读取发放记录");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The refusals that depend on the row alone. */
static int settle_refuse_row(int64_t payment_id, const struct settle_row *r,
			     const struct payment_settle_info *in, struct error *err)
{
	if (strcmp(r->status, "paid") == 0 && r->settled_at[0]) {
		error_set(err, ERR_INPUT,
			  "发放记录 %lld 已于 %s 核实入账，状态是已发，无需再次核实入账",
			  (long long)payment_id, r->settled_at);
		error_reason(err, "not_settleable");
		return ERR_INPUT;
	}
	if (strcmp(r->status, "cancelled") != 0 && strcmp(r->status, "failed") != 0) {
		error_set(err, ERR_INPUT,
			  "发放记录 %lld 的状态是%s，无需核实入账"
			  "（只有已取消或失败、银行却报成功的发放需要）",
			  (long long)payment_id, ledger_status_label(r->status));
		error_reason(err, "not_settleable");
		return ERR_INPUT;
	}
	if (in->later_payment) {
		error_set(err, ERR_INPUT,
			  "发放记录 %lld 不是其应发的最近一次发放：已有更新的发放 %lld（%s），"
			  "不支持对较早的发放核实入账，请人工处理",
			  (long long)payment_id, (long long)in->later_payment,
			  ledger_status_label(in->later_status));
		error_reason(err, "not_latest");
		return ERR_INPUT;
	}
	return 0;
}

/* Find the SUCCESS line of the payment's amount; refuse when there is none. */
static int settle_find_line(struct db *db, int64_t payment_id, struct payment_settle_info *in,
			    struct error *err)
{
	bool found = false;

	if (batch_bank_success_find(db, payment_id, true, in->amount_fen, &in->line, &found, err))
		return ERR_IO;
	if (found)
		return 0;
	if (batch_bank_success_find(db, payment_id, true, 0, &in->line, &found, err))
		return ERR_IO;
	if (found) {
		error_set(err, ERR_INPUT,
			  "发放记录 %lld 的银行成功回盘（导入记录 %lld 第 %lld 行，银行时间 %s）"
			  "金额 %lld 分与发放金额 %lld 分不符，不能按已发入账，请人工处理",
			  (long long)payment_id, (long long)in->line.import_id,
			  (long long)in->line.line, in->line.bank_time,
			  (long long)in->line.amount_fen, (long long)in->amount_fen);
		error_reason(err, "amount_differs");
		return ERR_INPUT;
	}
	memset(&in->line, 0, sizeof(in->line));
	error_set(
	    err, ERR_INPUT,
	    "发放记录 %lld 没有有效的银行成功回盘（没有报成功，或成功已被冲正），不能按已发入账",
	    (long long)payment_id);
	error_reason(err, "no_bank_success");
	return ERR_INPUT;
}

/* Run sql (one row must change); params bound by the caller through bind. */
static int step_one(struct db *db, sqlite3_stmt *st, const char *what, struct error *err)
{
	int rc = 0;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, err, what);
	else if (sqlite3_changes(db_sqlite(db)) != 1)
		rc = error_set(err, ERR_INTERNAL, "%s：记录未更新", what);
	sqlite3_finalize(st);
	return rc;
}

/* Write the payment, the entitlement and the settlement row. */
static int settle_write(struct db *db, int64_t payment_id, const char *reason,
			const struct settle_row *r, struct payment_settle_info *in,
			struct error *err)
{
	char text[PAYMENT_SETTLE_REASON_MAX + 16], now[32];
	sqlite3_stmt *st;
	int rc;

	snprintf(text, sizeof(text), "SETTLED: %s", reason);
	/* The status read above is the one changed. */
	if (db_prepare(db,
		       "UPDATE payment SET status = 'paid', bank_time = ?1, reason = ?2"
		       " WHERE id = ?3 AND status = ?4",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_text(st, 1, in->line.bank_time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, payment_id);
	sqlite3_bind_text(st, 4, r->status, -1, SQLITE_STATIC);
	rc = step_one(db, st, "核实入账发放记录", err);
	if (rc)
		return rc;
	if (strcmp(r->ent_status, "approved") != 0) {
		if (db_prepare(db, "UPDATE entitlement SET status = 'approved' WHERE id = ?", &st,
			       err))
			return ERR_IO;
		sqlite3_bind_int64(st, 1, in->entitlement_id);
		rc = step_one(db, st, "恢复应发记录", err);
		if (rc)
			return rc;
	}
	date_now_utc(now, sizeof(now));
	if (db_prepare(db,
		       "INSERT INTO payment_settlement(payment_id, import_id, line, bank_time,"
		       " amount_fen, previous_status, previous_reason, previous_entitlement_status,"
		       " reason, settled_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, payment_id);
	sqlite3_bind_int64(st, 2, in->line.import_id);
	sqlite3_bind_int64(st, 3, in->line.line);
	sqlite3_bind_text(st, 4, in->line.bank_time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, in->amount_fen);
	sqlite3_bind_text(st, 6, r->status, -1, SQLITE_STATIC);
	if (r->has_reason)
		sqlite3_bind_text(st, 7, r->reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_text(st, 8, r->ent_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	rc = step_one(db, st, "记录核实入账", err);
	if (rc)
		return rc;
	in->settlement_id = sqlite3_last_insert_rowid(db_sqlite(db));
	return 0;
}

int payment_settle(struct db *db, int64_t payment_id, const char *reason,
		   struct payment_settle_info *info, struct error *err)
{
	struct payment_settle_info local;
	struct payment_settle_info *in = info ? info : &local;
	struct settle_row r;
	char ref[64];
	int rc;

	memset(in, 0, sizeof(*in));
	memset(&r, 0, sizeof(r));
	if (!payment_cancel_reason_ok(reason)) {
		error_set(err, ERR_INPUT,
			  "核实入账原因缺失、为空、超过 %d 字节、含控制字符或不是有效的 UTF-8 文字",
			  PAYMENT_SETTLE_REASON_MAX);
		error_reason(err, "bad_reason");
		return ERR_INPUT;
	}
	if (db_begin(db, err))
		return ERR_IO;
	rc = settle_load(db, payment_id, &r, in, err);
	if (!rc) {
		snprintf(in->previous_status, sizeof(in->previous_status), "%s", r.status);
		rc = settle_refuse_row(payment_id, &r, in, err);
	}
	if (!rc)
		rc = settle_find_line(db, payment_id, in, err);
	if (!rc)
		rc = settle_write(db, payment_id, reason, &r, in, err);
	snprintf(ref, sizeof(ref), "payment settle %lld", (long long)payment_id);
	if (!rc)
		rc = ledger_move(db, "settle", ref,
				 strcmp(r.status, "cancelled") == 0 ? LEDGER_CANCELLED
								    : LEDGER_FAILED,
				 LEDGER_PAID, r.programme_id, in->period, in->amount_fen, err);
	/* Now that this payment is paid, the failed attempts left are the
	 * entitlement's earlier ones: does any have a standing SUCCESS? */
	if (!rc) {
		bool other = false;

		rc = batch_bank_success_find(db, payment_id, false, 0, &in->other, &other, err);
		if (!rc && !other)
			memset(&in->other, 0, sizeof(in->other));
	}
	if (!rc && db_commit(db, err))
		rc = ERR_IO;
	if (rc)
		db_rollback(db);
	return rc;
}
