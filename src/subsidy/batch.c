/*
 * batch.c - payment batches, budgets and payment corrections (batch.h,
 * docs/batches.md).
 *
 * The batch is built with two INSERT ... SELECT statements (first attempts,
 * then reissues) inside one BEGIN IMMEDIATE transaction, and posted to the
 * ledger as one movement per kind, not per payment: the rows are the
 * per-person detail, the ledger the per-programme-period totals.
 */
#include "subsidy/batch.h"

#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/bankcard.h"
#include "subsidy/ledger.h"
#include "subsidy/pii.h"
#include "subsidy/programme.h"

#include <stdio.h>
#include <string.h>

void batch_yuan(int64_t fen, char *out, size_t n)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(out, n, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
}

void batch_budget_message(char *out, size_t n, const char *programme, int year, const char *county,
			  int64_t budget_fen, int64_t used_fen, int64_t batch_fen)
{
	char b[32], u[32], t[32], x[32];
	int64_t over = used_fen + batch_fen - budget_fen;

	batch_yuan(budget_fen, b, sizeof(b));
	batch_yuan(used_fen, u, sizeof(u));
	batch_yuan(batch_fen, t, sizeof(t));
	batch_yuan(over, x, sizeof(x));
	snprintf(out, n,
		 "预算不足：项目 %s %d年 县 %s 预算 %s 元（%lld 分），已用 %s 元（%lld 分），"
		 "本批次 %s 元（%lld 分），超出 %s 元（%lld 分）",
		 programme, year, county, b, (long long)budget_fen, u, (long long)used_fen, t,
		 (long long)batch_fen, x, (long long)over);
}

static int county_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 6)
		return 0;
	for (i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int batch_programme(struct db *db, const char *code, const struct period *p, int64_t *id,
		    struct error *err)
{
	enum programme_frequency freq = 0;
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if (db_prepare(db, "SELECT id, frequency FROM programme WHERE code = ?", &st, err))
		return ERR_IO;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		freq = programme_frequency_parse((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, err, "查询补贴项目");
	if (!*id) {
		error_set(err, ERR_INPUT, "未知的补贴项目 '%s'", code);
		error_reason(err, "unknown_programme");
		return ERR_INPUT;
	}
	/* A period the programme is never paid for (202303 of a yearly one)
	 * would find nothing and look like "nothing due": refuse it. */
	if (p && !programme_period_ok(freq, p->type)) {
		char text[PERIOD_STRLEN];

		period_format(p, text, sizeof(text));
		error_set(err, ERR_INPUT, "期间 '%s' 与项目 '%s' 的发放周期（%s）不符", text, code,
			  programme_frequency_label(freq));
		error_reason(err, "period_frequency");
		*id = 0;
		return ERR_INPUT;
	}
	return 0;
}

/* Bind the common (programme, period, county) parameters ?1 ?2 ?3. */
static void bind_ppc(sqlite3_stmt *st, int64_t prog, const char *period, const char *county)
{
	sqlite3_bind_int64(st, 1, prog);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
	if (county)
		sqlite3_bind_text(st, 3, county, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
}

/* Run a statement with the (programme, period, county) parameters plus an
 * optional fourth integer; *changes gets the rows changed. */
static int run_ppc(struct db *db, const char *sql, int64_t prog, const char *period,
		   const char *county, int64_t extra, int64_t *changes, const char *what,
		   struct error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, sql, &st, err))
		return ERR_IO;
	bind_ppc(st, prog, period, county);
	if (sqlite3_bind_parameter_count(st) >= 4)
		sqlite3_bind_int64(st, 4, extra);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, err, what);
	if (changes)
		*changes = sqlite3_changes(db_sqlite(db));
	return 0;
}

/*
 * "Unpaid" for an entitlement: it has no payment, or its latest payment is
 * failed (whether or not corrected). Holds only ever touch those.
 */
#define UNPAID_SQL                                                                                 \
	" NOT EXISTS (SELECT 1 FROM payment y WHERE y.entitlement_id = e.id"                       \
	"  AND y.status IN ('pending', 'paid'))"

/*
 * Hold what a death record says must not be paid (see batch.h). Driven from
 * the death register (small), through the beneficiary's keyed hash (CROSS
 * JOIN fixes that order in SQLite; elsewhere it is an inner join).
 */
static const char hold_sql[] =
    "UPDATE entitlement AS e SET status = 'on_hold',"
    " hold_reason = 'death ' || (SELECT date(d.death_day * 86400, 'unixepoch')"
    "  FROM death d JOIN beneficiary b ON b.id_hash = d.id_hash"
    "  WHERE b.id = e.beneficiary_id)"
    " WHERE e.id IN (SELECT f.id FROM death d CROSS JOIN beneficiary b"
    "  CROSS JOIN entitlement f WHERE b.id_hash = d.id_hash AND f.beneficiary_id = b.id"
    "  AND f.programme_id = ?1 AND f.period = ?2 AND d.death_day < ?4)"
    " AND (?3 IS NULL OR e.county_code = ?3) AND e.status = 'approved'"
    " AND (e.hold_reason IS NULL OR e.hold_reason NOT LIKE 'released%')" /* people.h */
    " AND" UNPAID_SQL;

/* Uses the partial index entitlement_on_hold (migration 3). */
static const char held_sql[] = "SELECT COUNT(*) FROM entitlement e"
			       " WHERE e.programme_id = ?1 AND e.period = ?2"
			       " AND e.status = 'on_hold'"
			       " AND (?3 IS NULL OR e.county_code = ?3) AND" UNPAID_SQL;

/*
 * First attempts: approved entitlements that never had a payment, in the
 * order of the identity index (programme, period, person): no ORDER BY, which
 * would sort the whole programme-period in a temporary b-tree.
 */
static const char new_sql[] =
    "INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen, status)"
    " SELECT e.id, ?4, 1, e.account_id, e.amount_fen, 'pending' FROM entitlement e"
    " WHERE e.programme_id = ?1 AND e.period = ?2"
    " AND (?3 IS NULL OR e.county_code = ?3) AND e.status = 'approved'"
    " AND NOT EXISTS (SELECT 1 FROM payment y WHERE y.entitlement_id = e.id)";

/*
 * Entitlements with a failed attempt the bank has answered SUCCESS for
 * (BATCH_SUCCESS_STANDS_SQL). Not correlated: one pass over the return lines,
 * made only when there are corrections to reissue (the reissue and blocked
 * queries are driven from payment_correction; with none, it never runs). An
 * entitlement with such an attempt - the latest, corrected before the line
 * arrived, or an earlier one already reissued - is not reissued again
 * (subsidy anomalies lists it: bank_success_conflict); payment_correct
 * refuses it.
 */
#define BANK_SUCCESS_SQL                                                                           \
	"SELECT x.entitlement_id FROM bank_return_line l JOIN payment x ON x.id = l.payment_id"    \
	" LEFT JOIN (" BATCH_REVERSALS_SQL ") rv ON rv.pid = l.payment_id"                         \
	" WHERE x.status = 'failed' AND" BATCH_SUCCESS_STANDS_SQL

/*
 * Reissues: the latest payment failed and was corrected. Driven from the
 * corrections (few), never from the programme-period's entitlements
 * (CROSS JOIN fixes that order in SQLite; elsewhere it is an inner join).
 * The reissue goes to the person's current account (valid_to IS NULL), not
 * to the one recorded with the correction: a later correction (of another
 * payment of the same person) replaces it, and the money must follow. A
 * person has a current account by construction (a correction closes one
 * and opens the next in one transaction).
 */
static const char reissue_sql[] =
    "INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen, status)"
    " SELECT e.id, ?4, y.attempt + 1, a.id, e.amount_fen, 'pending'"
    " FROM payment_correction c CROSS JOIN payment y CROSS JOIN entitlement e"
    " CROSS JOIN bank_account a"
    " WHERE y.id = c.payment_id AND e.id = y.entitlement_id"
    " AND a.beneficiary_id = e.beneficiary_id AND a.valid_to IS NULL"
    " AND e.programme_id = ?1 AND e.period = ?2"
    " AND (?3 IS NULL OR e.county_code = ?3) AND e.status = 'approved'"
    " AND y.status = 'failed'"
    " AND y.attempt = (SELECT MAX(z.attempt) FROM payment z WHERE z.entitlement_id = e.id)"
    " AND e.id NOT IN (" BANK_SUCCESS_SQL ")"
    " ORDER BY e.id";

/* The corrections reissue_sql leaves out because the bank answered SUCCESS. */
static const char blocked_sql[] =
    "SELECT COUNT(*) FROM payment_correction c CROSS JOIN payment y CROSS JOIN entitlement e"
    " WHERE y.id = c.payment_id AND e.id = y.entitlement_id"
    " AND e.programme_id = ?1 AND e.period = ?2"
    " AND (?3 IS NULL OR e.county_code = ?3) AND e.status = 'approved'"
    " AND y.status = 'failed'"
    " AND y.attempt = (SELECT MAX(z.attempt) FROM payment z WHERE z.entitlement_id = e.id)"
    " AND e.id IN (" BANK_SUCCESS_SQL ")";

/* One count over the programme-period (held_sql, blocked_sql) into *out. */
static int count_ppc(struct db *db, const char *sql, int64_t prog, const char *period,
		     const char *county, int64_t *out, const char *what, struct error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, sql, &st, err))
		return ERR_IO;
	bind_ppc(st, prog, period, county);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, err, what);
}

/* Compare each county's budget with what is used plus this batch. */
static int check_budgets(struct db *db, int64_t prog, const char *programme, int year,
			 int64_t batch_id, struct error *err)
{
	static const char sql[] =
	    "SELECT g.county_code, g.amount_fen,"
	    " (SELECT COALESCE(SUM(y.amount_fen), 0) FROM payment y"
	    "  JOIN entitlement e ON e.id = y.entitlement_id"
	    "  WHERE e.programme_id = g.programme_id AND e.county_code = g.county_code"
	    "  AND substr(e.period, 1, 4) = ?2 AND y.status IN ('pending', 'paid')"
	    "  AND y.batch_id <> ?3),"
	    " (SELECT COALESCE(SUM(y.amount_fen), 0) FROM payment y"
	    "  JOIN entitlement e ON e.id = y.entitlement_id"
	    "  WHERE y.batch_id = ?3 AND e.county_code = g.county_code)"
	    " FROM budget g WHERE g.programme_id = ?1 AND g.year = ?4"
	    " ORDER BY g.county_code";
	sqlite3_stmt *st;
	char ytext[8];
	int rc, step;

	snprintf(ytext, sizeof(ytext), "%04d", year);
	if (db_prepare(db, sql, &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, prog);
	sqlite3_bind_text(st, 2, ytext, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, batch_id);
	sqlite3_bind_int(st, 4, year);
	rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *county = (const char *)sqlite3_column_text(st, 0);
		int64_t budget = sqlite3_column_int64(st, 1);
		int64_t used = sqlite3_column_int64(st, 2);
		int64_t mine = sqlite3_column_int64(st, 3);
		char msg[512];

		if (mine > 0 && used + mine > budget) {
			batch_budget_message(msg, sizeof(msg), programme, year,
					     county ? county : "", budget, used, mine);
			error_set(err, ERR_INPUT, "%s", msg);
			error_reason(err, "budget_exceeded");
			rc = ERR_INPUT;
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, err, "核对预算");
	sqlite3_finalize(st);
	return rc;
}

int batch_create(struct db *db, const struct batch_request *req, struct batch_result *res,
		 struct error *err)
{
	char period[PERIOD_STRLEN], now[32], ref[64];
	struct period p;
	sqlite3_stmt *st = NULL;
	int64_t prog, batch_id, has_budget;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!req->period || period_parse(req->period, strlen(req->period), &p, err)) {
		error_reason(err, "bad_period");
		return ERR_INPUT;
	}
	period_format(&p, period, sizeof(period));
	if (req->county && !county_valid(req->county)) {
		error_set(err, ERR_INPUT, "县级单位代码 '%s' 无效（应为6位数字）", req->county);
		error_reason(err, "bad_county");
		return ERR_INPUT;
	}
	if (db_begin(db, err))
		return ERR_IO;
	rc = batch_programme(db, req->programme, &p, &prog, err);
	if (rc)
		goto fail;
	rc = ERR_IO;
	if (run_ppc(db, hold_sql, prog, period, req->county, period_start(&p), &res->held_now,
		    "暂停发放", err))
		goto fail;
	if (count_ppc(db, held_sql, prog, period, req->county, &res->held, "统计暂停发放", err) ||
	    count_ppc(db, blocked_sql, prog, period, req->county, &res->blocked,
		      "统计银行报成功的更正", err))
		goto fail;

	date_now_utc(now, sizeof(now));
	if (db_prepare(db,
		       "INSERT INTO batch(programme_id, period, county_code, created_at)"
		       " VALUES(?, ?, ?, ?)",
		       &st, err))
		goto fail;
	sqlite3_bind_int64(st, 1, prog);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
	if (req->county)
		sqlite3_bind_text(st, 3, req->county, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, err, "生成批次");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	batch_id = sqlite3_last_insert_rowid(db_sqlite(db));

	if (run_ppc(db, new_sql, prog, period, req->county, batch_id, NULL, "生成发放记录", err) ||
	    run_ppc(db, reissue_sql, prog, period, req->county, batch_id, NULL, "生成重发记录",
		    err))
		goto fail;

	/* Totals from the rows themselves (one pass over the new payments). */
	if (db_prepare(db,
		       "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0),"
		       " COALESCE(SUM(attempt > 1), 0),"
		       " COALESCE(SUM(CASE WHEN attempt > 1 THEN amount_fen ELSE 0 END), 0)"
		       " FROM payment WHERE batch_id = ?",
		       &st, err))
		goto fail;
	sqlite3_bind_int64(st, 1, batch_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, err, "统计批次");
		goto fail;
	}
	res->count = sqlite3_column_int64(st, 0);
	res->total_fen = sqlite3_column_int64(st, 1);
	res->reissue_count = sqlite3_column_int64(st, 2);
	res->reissue_fen = sqlite3_column_int64(st, 3);
	res->new_count = res->count - res->reissue_count;
	res->new_fen = res->total_fen - res->reissue_fen;
	sqlite3_finalize(st);
	st = NULL;

	if (res->count == 0) {
		/* Nothing due: keep the holds just made, but make no empty batch. */
		char sql[96];

		snprintf(sql, sizeof(sql), "DELETE FROM batch WHERE id = %lld",
			 (long long)batch_id);
		if (db_exec(db, sql, err))
			goto fail;
		if (db_commit(db, err))
			goto fail;
		return 0;
	}

	if (db_int(db, "SELECT COUNT(*) FROM budget", &has_budget, err))
		goto fail;
	if (has_budget) {
		rc = check_budgets(db, prog, req->programme, p.year, batch_id, err);
		if (rc)
			goto fail;
		rc = ERR_IO;
	}

	snprintf(ref, sizeof(ref), "batch %lld", (long long)batch_id);
	if (ledger_post_payment_created(db, ref, prog, period, res->new_fen, err) ||
	    ledger_post_reissue(db, ref, prog, period, res->reissue_fen, err))
		goto fail;
	if (db_commit(db, err))
		goto fail;
	res->batch_id = batch_id;
	return 0;
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	res->batch_id = 0;
	return err && err->code ? err->code : (rc ? rc : ERR_IO);
}

int budget_set(struct db *db, const char *programme, int year, const char *county,
	       int64_t amount_fen, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t prog;
	int rc;

	if (year < 1900 || year > 9999)
		return error_set(err, ERR_INPUT, "年份 %d 无效", year);
	if (!county_valid(county))
		return error_set(err, ERR_INPUT, "县级单位代码 '%s' 无效（应为6位数字）",
				 county ? county : "");
	if (amount_fen < 0)
		return error_set(err, ERR_INPUT, "预算金额不能为负");
	if (db_begin(db, err))
		return ERR_IO;
	rc = batch_programme(db, programme, NULL, &prog, err);
	if (rc)
		goto fail;
	rc = ERR_IO;
	if (db_prepare(db,
		       "INSERT INTO budget(programme_id, year, county_code, amount_fen)"
		       " VALUES(?, ?, ?, ?) ON CONFLICT(programme_id, year, county_code)"
		       " DO UPDATE SET amount_fen = excluded.amount_fen",
		       &st, err))
		goto fail;
	sqlite3_bind_int64(st, 1, prog);
	sqlite3_bind_int(st, 2, year);
	sqlite3_bind_text(st, 3, county, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, amount_fen);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, err, "设置预算");
		goto fail;
	}
	sqlite3_finalize(st);
	return db_commit(db, err);
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return rc;
}

int batch_list(struct db *db, int (*fn)(void *ctx, const struct batch_info *b), void *ctx,
	       struct error *err)
{
	sqlite3_stmt *st;
	struct batch_info b;
	int step, rc = 0;

	if (db_prepare(db,
		       "SELECT t.id, p.code, t.period, COALESCE(t.county_code, ''), t.created_at,"
		       " COUNT(y.id), COALESCE(SUM(y.amount_fen), 0),"
		       " COALESCE(SUM(y.status = 'pending'), 0),"
		       " COALESCE(SUM(y.status = 'paid'), 0),"
		       " COALESCE(SUM(y.status = 'failed'), 0),"
		       " COALESCE(SUM(y.status = 'cancelled'), 0)"
		       " FROM batch t JOIN programme p ON p.id = t.programme_id"
		       " LEFT JOIN payment y ON y.batch_id = t.id"
		       " GROUP BY t.id ORDER BY t.id",
		       &st, err))
		return ERR_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&b, 0, sizeof(b));
		b.id = sqlite3_column_int64(st, 0);
		snprintf(b.programme, sizeof(b.programme), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		snprintf(b.period, sizeof(b.period), "%s",
			 (const char *)sqlite3_column_text(st, 2));
		snprintf(b.county, sizeof(b.county), "%s",
			 (const char *)sqlite3_column_text(st, 3));
		snprintf(b.created_at, sizeof(b.created_at), "%s",
			 (const char *)sqlite3_column_text(st, 4));
		b.count = sqlite3_column_int64(st, 5);
		b.total_fen = sqlite3_column_int64(st, 6);
		b.pending = sqlite3_column_int64(st, 7);
		b.paid = sqlite3_column_int64(st, 8);
		b.failed = sqlite3_column_int64(st, 9);
		b.cancelled = sqlite3_column_int64(st, 10);
		rc = fn(ctx, &b);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, err, "读取批次");
	sqlite3_finalize(st);
	return rc;
}

int batch_bank_success_find(struct db *db, int64_t payment_id, bool own_lines, int64_t amount_fen,
			    struct bank_success_line *out, bool *found, struct error *err)
{
	sqlite3_stmt *st;
	int step;

	*found = false;
	memset(out, 0, sizeof(*out));
	if (db_prepare(
		db,
		"SELECT l.import_id, l.line, l.bank_time, l.amount_fen, x.id"
		" FROM payment p JOIN payment x ON x.entitlement_id = p.entitlement_id"
		" JOIN bank_return_line l ON l.payment_id = x.id"
		" LEFT JOIN (" BATCH_REVERSALS_SQL ") rv ON rv.pid = l.payment_id"
		" WHERE p.id = ?1 AND (CASE WHEN ?2 THEN x.id = p.id ELSE x.status = 'failed' END)"
		" AND (?3 <= 0 OR l.amount_fen = ?3) AND" BATCH_SUCCESS_STANDS_SQL
		" ORDER BY l.bank_time, l.import_id, l.line LIMIT 1",
		&st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, payment_id);
	sqlite3_bind_int(st, 2, own_lines);
	sqlite3_bind_int64(st, 3, amount_fen);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->import_id = sqlite3_column_int64(st, 0);
		out->line = sqlite3_column_int64(st, 1);
		snprintf(out->bank_time, sizeof(out->bank_time), "%s",
			 (const char *)sqlite3_column_text(st, 2));
		out->amount_fen = sqlite3_column_int64(st, 3);
		out->payment_id = sqlite3_column_int64(st, 4);
		*found = true;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, err, "读取回盘记录");
	return 0;
}

int batch_bank_said_success(struct db *db, int64_t payment_id, bool own_lines, const char *refusal,
			    struct error *err)
{
	struct bank_success_line l;
	char other[64] = "";
	bool found;

	if (batch_bank_success_find(db, payment_id, own_lines, 0, &l, &found, err))
		return ERR_IO;
	if (!found)
		return 0;
	if (l.payment_id != payment_id)
		snprintf(other, sizeof(other), "（同一应发的第 %lld 号发放记录）",
			 (long long)l.payment_id);
	error_set(err, ERR_INPUT,
		  "发放记录 %lld 银行曾回盘成功%s（导入记录 %lld 第 %lld 行，银行时间 %s，"
		  "金额 %lld 分），款项可能已到账，%s；请先与银行核实",
		  (long long)payment_id, other, (long long)l.import_id, (long long)l.line,
		  l.bank_time, (long long)l.amount_fen, refusal);
	error_reason(err, "bank_success");
	return ERR_INPUT;
}

int payment_correct(struct db *db, const struct pii_keys *keys, int64_t payment_id,
		    const char *account, bool sscard, struct error *err)
{
	unsigned char hash[PII_HASHBYTES], owner[PII_HASHBYTES], enc[PII_MAXCIPHER];
	enum bankcard_status bs;
	sqlite3_stmt *st = NULL;
	int64_t ben = 0, latest = 0, attempt = 0, corrected = 0, acct_id;
	const char *status = NULL;
	char now[32], last4[5];
	size_t len = account ? strlen(account) : 0, enc_len;
	int rc = ERR_INPUT;

	bs = bankcard_check(account ? account : "", len);
	if (bs != BANKCARD_OK) {
		error_set(err, ERR_INPUT, "银行账号无效：%s", bankcard_message(bs));
		error_reason(err, bankcard_reason(bs));
		return ERR_INPUT;
	}
	if (db_begin(db, err))
		return ERR_IO;
	if (db_prepare(db,
		       "SELECT y.status, y.attempt, e.beneficiary_id, y.account_id,"
		       " (SELECT MAX(z.attempt) FROM payment z WHERE z.entitlement_id = e.id),"
		       " (SELECT COUNT(*) FROM payment_correction c WHERE c.payment_id = y.id),"
		       " b.id_hash"
		       " FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"
		       " JOIN beneficiary b ON b.id = e.beneficiary_id"
		       " WHERE y.id = ?",
		       &st, err))
		goto io;
	sqlite3_bind_int64(st, 1, payment_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		error_set(err, ERR_INPUT, "发放记录 %lld 不存在", (long long)payment_id);
		error_reason(err, "unknown_payment");
		goto fail;
	}
	status = (const char *)sqlite3_column_text(st, 0);
	attempt = sqlite3_column_int64(st, 1);
	ben = sqlite3_column_int64(st, 2);
	latest = sqlite3_column_int64(st, 4);
	corrected = sqlite3_column_int64(st, 5);
	/* the new account's ciphertext is bound to its person (pii.h) */
	if (sqlite3_column_bytes(st, 6) != PII_HASHBYTES) {
		error_set(err, ERR_IO, "人员记录 %lld 的身份证号摘要无效（数据可能被篡改）",
			  (long long)ben);
		error_reason(err, "pii_tampered");
		rc = ERR_IO;
		goto fail;
	}
	memcpy(owner, sqlite3_column_blob(st, 6), PII_HASHBYTES);
	if (!status || strcmp(status, "failed") != 0) {
		error_set(err, ERR_INPUT, "发放记录 %lld 的状态是%s，只有失败的发放可以更正",
			  (long long)payment_id, ledger_status_label(status));
		error_reason(err, "not_failed");
		goto fail;
	}
	if (attempt != latest) {
		error_set(err, ERR_INPUT, "发放记录 %lld 已有更新的发放（第 %lld 次）",
			  (long long)payment_id, (long long)latest);
		error_reason(err, "not_latest");
		goto fail;
	}
	if (corrected) {
		error_set(err, ERR_INPUT, "发放记录 %lld 已更正过，待下一批次重发",
			  (long long)payment_id);
		error_reason(err, "already_corrected");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = batch_bank_said_success(db, payment_id, false, "不能更正重发", err);
	if (rc)
		goto fail;
	rc = ERR_INPUT;

	/* The new account: close the current one, open the new one. */
	pii_hash(keys, PII_ACCOUNT, account, len, hash);
	enc_len = pii_encrypt_owned(keys, PII_ACCOUNT, account, len, hash, owner, enc);
	if (enc_len == 0) {
		error_set(err, ERR_INPUT, "银行账号太长");
		goto fail;
	}
	memcpy(last4, account + len - 4, 4);
	last4[4] = '\0';
	date_now_utc(now, sizeof(now));
	if (db_prepare(db,
		       "UPDATE bank_account SET valid_to = ?"
		       " WHERE beneficiary_id = ? AND valid_to IS NULL",
		       &st, err))
		goto io;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ben);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	if (db_prepare(db,
		       "INSERT INTO bank_account(beneficiary_id, acct_hash, acct_enc, last4,"
		       " is_sscard, valid_from, source) VALUES(?, ?, ?, ?, ?, ?, ?)",
		       &st, err))
		goto io;
	{
		char source[48];

		snprintf(source, sizeof(source), "correction %lld", (long long)payment_id);
		sqlite3_bind_int64(st, 1, ben);
		sqlite3_bind_blob(st, 2, hash, PII_HASHBYTES, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, enc, (int)enc_len, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, last4, 4, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, sscard ? 1 : 0);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, source, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto dbfail;
	}
	sqlite3_finalize(st);
	st = NULL;
	acct_id = sqlite3_last_insert_rowid(db_sqlite(db));

	/*
	 * Every unpaid entitlement of the person (this one included) follows
	 * to the new account, whichever earlier account it was on: after two
	 * corrections, an entitlement pointing at the first corrected account
	 * (now closed) must not keep it. The reissue itself always takes the
	 * current account (reissue_sql).
	 */
	if (db_prepare(db,
		       "UPDATE entitlement AS e SET account_id = ?1"
		       " WHERE e.beneficiary_id = ?2 AND e.account_id <> ?1"
		       " AND NOT EXISTS (SELECT 1 FROM payment y WHERE y.entitlement_id = e.id"
		       "  AND y.status IN ('pending', 'paid'))",
		       &st, err))
		goto io;
	sqlite3_bind_int64(st, 1, acct_id);
	sqlite3_bind_int64(st, 2, ben);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	if (db_prepare(db,
		       "INSERT INTO payment_correction(payment_id, account_id, corrected_at)"
		       " VALUES(?, ?, ?)",
		       &st, err))
		goto io;
	sqlite3_bind_int64(st, 1, payment_id);
	sqlite3_bind_int64(st, 2, acct_id);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	return db_commit(db, err);
dbfail:
	db_fail(db, err, "更正账户");
io:
	rc = ERR_IO;
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return rc;
}
