/*
 * ledger.c - posting to the double-entry ledger and checking it against
 * the entitlement and payment rows (see ledger.h, docs/ledger.md).
 *
 * The check works from the postings themselves (sums per transaction and
 * per programme-period), then recomputes every account from the rows and
 * compares; the SQL is plain aggregate queries so it stays portable.
 */
#include "subsidy/ledger.h"

#include "base/error.h"
#include "base/period.h"
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const account_names[LEDGER_NACCOUNTS] = {
    "entitled", "unpaid", "pending", "paid", "failed", "cancelled",
};

static const char *const account_labels[LEDGER_NACCOUNTS] = {
    "应发", "待发", "在途", "已发", "失败", "已取消",
};

const char *ledger_account_name(enum ledger_account a)
{
	return (unsigned)a < LEDGER_NACCOUNTS ? account_names[a] : "";
}

const char *ledger_account_label(enum ledger_account a)
{
	return (unsigned)a < LEDGER_NACCOUNTS ? account_labels[a] : "";
}

const char *ledger_status_label(const char *status)
{
	int i;

	if (!status)
		return "未知";
	for (i = 0; i < LEDGER_NACCOUNTS; i++)
		if (strcmp(status, ledger_account_name((enum ledger_account)i)) == 0)
			return account_labels[i];
	return status;
}

static int account_from_name(const char *s, enum ledger_account *out)
{
	int i;

	for (i = 0; i < LEDGER_NACCOUNTS; i++) {
		if (s && strcmp(s, account_names[i]) == 0) {
			*out = (enum ledger_account)i;
			return 0;
		}
	}
	return -1;
}

/* True when the entries sum to zero for every programme-period in them. */
static int entries_balance(const struct ledger_entry *e, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		int64_t sum = 0;

		if (e[i].amount_fen == 0 || !e[i].period ||
		    (unsigned)e[i].account >= LEDGER_NACCOUNTS)
			return 0;
		for (j = 0; j < n; j++) {
			if (e[j].programme_id == e[i].programme_id && e[j].period &&
			    strcmp(e[j].period, e[i].period) == 0)
				sum += e[j].amount_fen;
		}
		if (sum != 0)
			return 0;
	}
	return 1;
}

int ledger_post(struct db *db, const char *kind, const char *ref, const struct ledger_entry *e,
		size_t n, int64_t *txn_id, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int64_t id;
	size_t i;
	int rc = ERR_IO;

	if (n == 0 || !entries_balance(e, n))
		return error_set(err, ERR_INTERNAL, "账务凭证借贷不平衡（%s %s），未记账", kind,
				 ref);
	date_now_utc(now, sizeof(now));
	if (db_prepare(db, "INSERT INTO ledger_txn(kind, ref, created_at) VALUES(?, ?, ?)", &st,
		       err))
		return ERR_IO;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, err, "记账");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	id = sqlite3_last_insert_rowid(db_sqlite(db));
	if (db_prepare(db,
		       "INSERT INTO ledger_entry(txn_id, account, programme_id,"
		       " period, amount_fen) VALUES(?, ?, ?, ?, ?)",
		       &st, err))
		goto out;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, account_names[e[i].account], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, e[i].programme_id);
		sqlite3_bind_text(st, 4, e[i].period, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, e[i].amount_fen);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_fail(db, err, "记账分录");
			goto out;
		}
		sqlite3_reset(st);
	}
	if (txn_id)
		*txn_id = id;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int ledger_move(struct db *db, const char *kind, const char *ref, enum ledger_account from,
		enum ledger_account to, int64_t programme_id, const char *period,
		int64_t amount_fen, struct error *err)
{
	struct ledger_entry e[2];

	if (amount_fen == 0)
		return 0;
	if (amount_fen < 0 || from == to)
		return error_set(err, ERR_INTERNAL, "记账金额或科目无效（%s %s）", kind, ref);
	e[0] = (struct ledger_entry){from, programme_id, period, -amount_fen};
	e[1] = (struct ledger_entry){to, programme_id, period, amount_fen};
	return ledger_post(db, kind, ref, e, 2, NULL, err);
}

int ledger_post_entitled(struct db *db, const char *ref, int64_t programme_id, const char *period,
			 int64_t amount_fen, struct error *err)
{
	return ledger_move(db, "entitled", ref, LEDGER_ENTITLED, LEDGER_UNPAID, programme_id,
			   period, amount_fen, err);
}

int ledger_post_payment_created(struct db *db, const char *ref, int64_t programme_id,
				const char *period, int64_t amount_fen, struct error *err)
{
	return ledger_move(db, "payment_created", ref, LEDGER_UNPAID, LEDGER_PENDING, programme_id,
			   period, amount_fen, err);
}

int ledger_post_paid(struct db *db, const char *ref, int64_t programme_id, const char *period,
		     int64_t amount_fen, struct error *err)
{
	return ledger_move(db, "paid", ref, LEDGER_PENDING, LEDGER_PAID, programme_id, period,
			   amount_fen, err);
}

int ledger_post_failed(struct db *db, const char *ref, int64_t programme_id, const char *period,
		       int64_t amount_fen, struct error *err)
{
	return ledger_move(db, "failed", ref, LEDGER_PENDING, LEDGER_FAILED, programme_id, period,
			   amount_fen, err);
}

int ledger_post_reissue(struct db *db, const char *ref, int64_t programme_id, const char *period,
			int64_t amount_fen, struct error *err)
{
	return ledger_move(db, "reissue", ref, LEDGER_FAILED, LEDGER_PENDING, programme_id, period,
			   amount_fen, err);
}

int ledger_post_cancel(struct db *db, const char *ref, enum ledger_account from,
		       int64_t programme_id, const char *period, int64_t amount_fen,
		       struct error *err)
{
	if (from != LEDGER_UNPAID && from != LEDGER_PENDING && from != LEDGER_FAILED)
		return error_set(err, ERR_INTERNAL, "不能从科目 %s 取消",
				 ledger_account_name(from));
	return ledger_move(db, "cancel", ref, from, LEDGER_CANCELLED, programme_id, period,
			   amount_fen, err);
}

int ledger_post_reversed(struct db *db, const char *ref, int64_t programme_id, const char *period,
			 int64_t amount_fen, struct error *err)
{
	return ledger_move(db, "reversed", ref, LEDGER_PAID, LEDGER_FAILED, programme_id, period,
			   amount_fen, err);
}

int ledger_balances(struct db *db, int (*fn)(void *ctx, const struct ledger_balance *b), void *ctx,
		    struct error *err)
{
	sqlite3_stmt *st = NULL;
	struct ledger_balance b;
	int have = 0, rc = 0, step;

	if (db_prepare(db,
		       "SELECT e.programme_id, p.code, e.period, e.account,"
		       " SUM(e.amount_fen)"
		       " FROM ledger_entry e JOIN programme p ON p.id = e.programme_id"
		       " GROUP BY e.programme_id, p.code, e.period, e.account"
		       " ORDER BY p.code, e.period, e.account",
		       &st, err))
		return ERR_IO;
	memset(&b, 0, sizeof(b));
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(st, 0);
		const char *code = (const char *)sqlite3_column_text(st, 1);
		const char *period = (const char *)sqlite3_column_text(st, 2);
		enum ledger_account a;

		if (!code)
			code = "";
		if (!period)
			period = "";
		if (have && (b.programme_id != pid || strcmp(b.period, period) != 0)) {
			rc = fn(ctx, &b);
			if (rc)
				goto out;
			have = 0;
		}
		if (!have) {
			memset(&b, 0, sizeof(b));
			b.programme_id = pid;
			snprintf(b.programme_code, sizeof(b.programme_code), "%s", code);
			snprintf(b.period, sizeof(b.period), "%s", period);
			have = 1;
		}
		if (account_from_name((const char *)sqlite3_column_text(st, 3), &a) == 0)
			b.fen[a] = sqlite3_column_int64(st, 4);
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(db, err, "读取账户余额");
		goto out;
	}
	if (have)
		rc = fn(ctx, &b);
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- the check ---- */

struct check {
	struct db *db;
	void (*report)(void *ctx, const char *code, const char *msg);
	void *ctx;
	struct ledger_check_result *res;
	struct error *err;
};

static void violation(struct check *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void violation(struct check *c, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->res->violations++;
	if (c->report)
		c->report(c->ctx, code, msg);
}

/* Run a query and hand each row to fn; ERR_IO on database failure. */
static int each_row(struct check *c, const char *sql, void (*fn)(struct check *c, sqlite3_stmt *st))
{
	sqlite3_stmt *st;
	int step;

	if (db_prepare(c->db, sql, &st, c->err))
		return ERR_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		fn(c, st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(c->db, c->err, "核对");
	return 0;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static void on_unbalanced_txn(struct check *c, sqlite3_stmt *st)
{
	violation(c, "unbalanced_txn",
		  "账务凭证 %lld（%s，%s）在项目 %s 期间 %s 借贷不平衡：差额 %lld 分",
		  (long long)sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
		  col_text(st, 3), col_text(st, 4), (long long)sqlite3_column_int64(st, 5));
}

static void on_duplicate_identity(struct check *c, sqlite3_stmt *st)
{
	violation(c, "duplicate_identity",
		  "项目 %s 期间 %s 人员 %lld 有 %lld 条应发记录（同一发放身份重复）",
		  col_text(st, 0), col_text(st, 1), (long long)sqlite3_column_int64(st, 2),
		  (long long)sqlite3_column_int64(st, 3));
}

static void on_once_repeated(struct check *c, sqlite3_stmt *st)
{
	violation(c, "once_repeated",
		  "一次性项目 %s 人员 %lld 有 %lld 条应发记录（期间 %s 至 %s），每人只能发放一次",
		  col_text(st, 0), (long long)sqlite3_column_int64(st, 1),
		  (long long)sqlite3_column_int64(st, 2), col_text(st, 3), col_text(st, 4));
}

static void on_double_live(struct check *c, sqlite3_stmt *st)
{
	violation(c, "double_payment",
		  "应发记录 %lld（项目 %s 期间 %s）有 %lld 笔在途或已发的发放（重复发放）",
		  (long long)sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
		  (long long)sqlite3_column_int64(st, 3));
}

static void on_stale_live(struct check *c, sqlite3_stmt *st)
{
	violation(c, "stale_live_payment",
		  "发放记录 %lld（第 %lld 次发放）是应发记录 %lld（项目 %s 期间 %s）的旧发放，"
		  "状态却为%s；该应发记录最新的是第 %lld 次发放（数据可能被篡改，可能重复发放）",
		  (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		  (long long)sqlite3_column_int64(st, 2), col_text(st, 3), col_text(st, 4),
		  ledger_status_label(col_text(st, 5)), (long long)sqlite3_column_int64(st, 6));
}

static void on_amount_mismatch(struct check *c, sqlite3_stmt *st)
{
	violation(c, "payment_amount", "发放记录 %lld 金额 %lld 分与应发记录 %lld 的 %lld 分不符",
		  (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		  (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3));
}

static void on_account_owner(struct check *c, sqlite3_stmt *st)
{
	violation(c, "payment_account_owner",
		  "发放记录 %lld 的账户记录 %lld 属于人员 %lld，不是其应发记录 %lld 的人员 %lld"
		  "（数据可能被篡改，代发文件会把款项付给他人）",
		  (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		  (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3),
		  (long long)sqlite3_column_int64(st, 4));
}

/* Balances from the postings and from the rows, per programme-period. */
struct pp {
	int64_t programme_id;
	char code[64];
	char period[16];
	int64_t ledger[LEDGER_NACCOUNTS];
	int64_t rows[LEDGER_NACCOUNTS];
	int seen_ledger, seen_rows;
};

static void compare_pp(struct check *c, const struct pp *p)
{
	int64_t sum = 0;
	int i;

	c->res->programme_periods++;
	for (i = 0; i < LEDGER_NACCOUNTS; i++)
		c->res->fen[i] += i == LEDGER_ENTITLED ? -p->ledger[i] : p->ledger[i];
	for (i = 1; i < LEDGER_NACCOUNTS; i++) {
		sum += p->ledger[i];
		if (p->ledger[i] < 0)
			violation(c, "negative_balance", "项目 %s 期间 %s 的%s余额为负：%lld 分",
				  p->code, p->period, account_labels[i], (long long)p->ledger[i]);
	}
	if (-p->ledger[LEDGER_ENTITLED] != sum)
		violation(c, "not_conserved",
			  "项目 %s 期间 %s 应发 %lld 分不等于 已发 %lld + 在途 %lld + 待发 %lld + "
			  "失败 %lld + 已取消 %lld 分",
			  p->code, p->period, (long long)-p->ledger[LEDGER_ENTITLED],
			  (long long)p->ledger[LEDGER_PAID], (long long)p->ledger[LEDGER_PENDING],
			  (long long)p->ledger[LEDGER_UNPAID], (long long)p->ledger[LEDGER_FAILED],
			  (long long)p->ledger[LEDGER_CANCELLED]);
	if (-p->ledger[LEDGER_ENTITLED] != p->rows[LEDGER_ENTITLED])
		violation(c, "entitled_rows",
			  "项目 %s 期间 %s 账上应发 %lld 分，应发记录合计 %lld 分，不符", p->code,
			  p->period, (long long)-p->ledger[LEDGER_ENTITLED],
			  (long long)p->rows[LEDGER_ENTITLED]);
	for (i = 1; i < LEDGER_NACCOUNTS; i++) {
		if (p->ledger[i] != p->rows[i])
			violation(
			    c, "account_rows",
			    "项目 %s 期间 %s 账上%s %lld 分，按应发和发放记录为 %lld 分，不符",
			    p->code, p->period, account_labels[i], (long long)p->ledger[i],
			    (long long)p->rows[i]);
	}
}

/*
 * Both queries are ordered by programme code then period, so the two
 * streams merge like a sorted join without holding every programme-period.
 */
static int check_accounts(struct check *c)
{
	static const char *const ledger_sql =
	    "SELECT e.programme_id, p.code, e.period, e.account,"
	    " SUM(e.amount_fen)"
	    " FROM ledger_entry e JOIN programme p ON p.id = e.programme_id"
	    " GROUP BY e.programme_id, p.code, e.period, e.account"
	    " ORDER BY p.code, e.period";
	/* State of each entitlement: see the contract in ledger.h. */
	static const char *const rows_sql =
	    "SELECT t.programme_id, p.code, t.period, t.state,"
	    " SUM(t.amount_fen), COUNT(*)"
	    " FROM (SELECT n.programme_id, n.period, n.amount_fen,"
	    "  CASE WHEN y.status IS NOT NULL THEN y.status"
	    "       WHEN n.status = 'cancelled' THEN 'cancelled'"
	    "       ELSE 'unpaid' END AS state"
	    "  FROM entitlement n LEFT JOIN payment y ON y.entitlement_id = n.id"
	    "   AND y.attempt = (SELECT MAX(z.attempt) FROM payment z"
	    "                    WHERE z.entitlement_id = n.id)) t"
	    " JOIN programme p ON p.id = t.programme_id"
	    " GROUP BY t.programme_id, p.code, t.period, t.state"
	    " ORDER BY p.code, t.period";
	sqlite3_stmt *a = NULL, *b = NULL;
	int sa, sb, rc = ERR_IO;
	struct pp cur;

	if (db_prepare(c->db, ledger_sql, &a, c->err) || db_prepare(c->db, rows_sql, &b, c->err))
		goto out;
	sa = sqlite3_step(a);
	sb = sqlite3_step(b);
	while (sa == SQLITE_ROW || sb == SQLITE_ROW) {
		const char *ka = NULL, *kb = NULL, *pa = NULL, *pb = NULL;
		int cmp;

		if (sa == SQLITE_ROW) {
			ka = col_text(a, 1);
			pa = col_text(a, 2);
		}
		if (sb == SQLITE_ROW) {
			kb = col_text(b, 1);
			pb = col_text(b, 2);
		}
		if (!ka)
			cmp = 1;
		else if (!kb)
			cmp = -1;
		else {
			cmp = strcmp(ka, kb);
			if (cmp == 0)
				cmp = strcmp(pa, pb);
		}
		memset(&cur, 0, sizeof(cur));
		snprintf(cur.code, sizeof(cur.code), "%s", cmp <= 0 ? ka : kb);
		snprintf(cur.period, sizeof(cur.period), "%s", cmp <= 0 ? pa : pb);
		/* Consume every row of this programme-period on each side. */
		while (cmp <= 0 && sa == SQLITE_ROW && strcmp(col_text(a, 1), cur.code) == 0 &&
		       strcmp(col_text(a, 2), cur.period) == 0) {
			enum ledger_account acc;

			if (account_from_name(col_text(a, 3), &acc) == 0)
				cur.ledger[acc] += sqlite3_column_int64(a, 4);
			cur.seen_ledger = 1;
			sa = sqlite3_step(a);
		}
		while (cmp >= 0 && sb == SQLITE_ROW && strcmp(col_text(b, 1), cur.code) == 0 &&
		       strcmp(col_text(b, 2), cur.period) == 0) {
			enum ledger_account acc;
			int64_t fen = sqlite3_column_int64(b, 4);

			if (account_from_name(col_text(b, 3), &acc) == 0 && acc != LEDGER_ENTITLED)
				cur.rows[acc] += fen;
			cur.rows[LEDGER_ENTITLED] += fen;
			c->res->entitlements += sqlite3_column_int64(b, 5);
			cur.seen_rows = 1;
			sb = sqlite3_step(b);
		}
		compare_pp(c, &cur);
	}
	if (sa != SQLITE_DONE || sb != SQLITE_DONE) {
		db_fail(c->db, c->err, "核对余额");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return rc;
}

int ledger_check(struct db *db, void (*report)(void *ctx, const char *code, const char *msg),
		 void *ctx, struct ledger_check_result *res, struct error *err)
{
	struct check c = {db, report, ctx, res, err};

	memset(res, 0, sizeof(*res));
	if (db_int(db, "SELECT COUNT(*) FROM ledger_txn", &res->transactions, err) ||
	    db_int(db, "SELECT COUNT(*) FROM ledger_entry", &res->entries, err) ||
	    db_int(db, "SELECT COUNT(*) FROM payment", &res->payments, err))
		return ERR_IO;
	/* Debits = credits in every transaction, per programme-period, and
	 * a transaction without entries is a violation too. */
	if (each_row(&c,
		     "SELECT t.id, t.kind, t.ref, COALESCE(p.code, '?'),"
		     " COALESCE(e.period, '?'), COALESCE(SUM(e.amount_fen), 0)"
		     " FROM ledger_txn t LEFT JOIN ledger_entry e ON e.txn_id = t.id"
		     " LEFT JOIN programme p ON p.id = e.programme_id"
		     " GROUP BY t.id, t.kind, t.ref, p.code, e.period"
		     " HAVING COALESCE(SUM(e.amount_fen), 0) <> 0 OR COUNT(e.id) = 0"
		     " ORDER BY t.id",
		     on_unbalanced_txn))
		return ERR_IO;
	if (check_accounts(&c))
		return ERR_IO;
	if (each_row(&c,
		     "SELECT p.code, n.period, n.beneficiary_id, COUNT(*)"
		     " FROM entitlement n JOIN programme p ON p.id = n.programme_id"
		     " GROUP BY n.programme_id, p.code, n.period, n.beneficiary_id"
		     " HAVING COUNT(*) > 1",
		     on_duplicate_identity))
		return ERR_IO;
	/* A once-programme (一次性发放) is paid to a person at most once, in
	 * any period: the roster import refuses the second (once_already).
	 * Only the once-programmes' entitlements are read, through the
	 * (programme, period, person) index. */
	if (each_row(&c,
		     "SELECT p.code, n.beneficiary_id, COUNT(*), MIN(n.period),"
		     " MAX(n.period)"
		     " FROM programme p JOIN entitlement n ON n.programme_id = p.id"
		     " WHERE p.frequency = 'once'"
		     " GROUP BY p.code, n.beneficiary_id HAVING COUNT(*) > 1"
		     " ORDER BY p.code, n.beneficiary_id",
		     on_once_repeated))
		return ERR_IO;
	if (each_row(&c,
		     "SELECT n.id, p.code, n.period, COUNT(*)"
		     " FROM payment y JOIN entitlement n ON n.id = y.entitlement_id"
		     " JOIN programme p ON p.id = n.programme_id"
		     " WHERE y.status IN ('pending', 'paid')"
		     " GROUP BY n.id, p.code, n.period HAVING COUNT(*) > 1"
		     " ORDER BY n.id",
		     on_double_live))
		return ERR_IO;
	/* Only the latest attempt counts in the accounts (the contract in
	 * ledger.h): an earlier attempt is failed (reissued) or cancelled. One
	 * that is pending or paid is money the accounts do not show, and the
	 * entitlement still looks correctable and reissuable. When it is
	 * the entitlement's only live payment; two live ones are double_payment
	 * already. With none left, every paid row is a latest attempt, so the
	 * paid rows sum to the 已发 balance through account_rows. */
	if (each_row(&c,
		     "SELECT y.id, y.attempt, n.id, p.code, n.period, y.status, m.top"
		     " FROM payment y JOIN entitlement n ON n.id = y.entitlement_id"
		     " JOIN programme p ON p.id = n.programme_id"
		     " JOIN (SELECT z.entitlement_id AS eid, MAX(z.attempt) AS top,"
		     "  SUM(CASE WHEN z.status IN ('pending', 'paid') THEN 1 ELSE 0 END)"
		     "  AS live FROM payment z GROUP BY z.entitlement_id) m"
		     "  ON m.eid = y.entitlement_id"
		     " WHERE y.status IN ('pending', 'paid') AND y.attempt < m.top"
		     " AND m.live = 1 ORDER BY y.id",
		     on_stale_live))
		return ERR_IO;
	if (each_row(&c,
		     "SELECT y.id, y.amount_fen, n.id, n.amount_fen"
		     " FROM payment y JOIN entitlement n ON n.id = y.entitlement_id"
		     " WHERE y.amount_fen <> n.amount_fen ORDER BY y.id",
		     on_amount_mismatch))
		return ERR_IO;
	/* A payment is paid into an account of its own entitlement's person
	 * (a missing account row counts too: owner NULL). */
	if (each_row(&c,
		     "SELECT y.id, y.account_id, a.beneficiary_id, n.id, n.beneficiary_id"
		     " FROM payment y JOIN entitlement n ON n.id = y.entitlement_id"
		     " LEFT JOIN bank_account a ON a.id = y.account_id"
		     " WHERE a.beneficiary_id IS NULL OR a.beneficiary_id <> n.beneficiary_id"
		     " ORDER BY y.id",
		     on_account_owner))
		return ERR_IO;
	return 0;
}
