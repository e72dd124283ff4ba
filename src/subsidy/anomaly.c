/*
 * anomaly.c - the 监管预警 rules (anomaly.h, docs/anomalies.md).
 *
 * Each rule is one query over the rows; the few checks that need the exact
 * calendar (period starts, ages) are done in C with period.h and idcard.h
 * rather than with a database's date functions, so the answer is the one
 * the roster import used.
 */
#include "subsidy/anomaly.h"

#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/batch.h"
#include "subsidy/idcard.h"
#include "subsidy/ledger.h"
#include "subsidy/mask.h"
#include "subsidy/pii.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const codes[ANOMALY_NRULES] = {
    "paid_after_death", "age_range",	"above_standard", "shared_account",
    "official",		"two_counties", "hold",		  "bank_success_conflict",
};

static const char *const labels[ANOMALY_NRULES] = {
    "死亡后发放",
    "年龄不符",
    "超标准发放",
    "多人共用账户",
    "公职人员（优亲厚友）",
    "跨县重复",
    "暂停发放",
    "银行报成功但记录为失败/已重发（可能重复发放）",
};

const char *anomaly_rule_code(enum anomaly_rule r)
{
	return (unsigned)r < ANOMALY_NRULES ? codes[r] : "";
}

const char *anomaly_rule_label(enum anomaly_rule r)
{
	return (unsigned)r < ANOMALY_NRULES ? labels[r] : "";
}

int anomaly_age_at(int32_t birth, int32_t at)
{
	struct idcard id;

	memset(&id, 0, sizeof(id));
	id.birth = date_from_days(birth);
	return idcard_age_at(&id, date_from_days(at));
}

struct scan {
	struct db *db;
	const struct pii_keys *keys;
	int (*fn)(void *ctx, const struct anomaly *a);
	void *ctx;
	struct error *err;
};

static const char *text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static void copy(char *out, size_t n, const char *s)
{
	snprintf(out, n, "%s", s ? s : "");
}

/*
 * The common columns every rule's query starts with:
 *   0 entitlement id, 1 payment id (or NULL), 2 programme code, 3 period,
 *   4 county, 5 name, 6 id_hash, 7 id_enc, 8 amount, 9 beneficiary id
 */
#define COMMON_COLS                                                                                \
	"e.id, (SELECT MAX(z.id) FROM payment z WHERE z.entitlement_id = e.id), p.code,"           \
	" e.period, e.county_code, b.name, b.id_hash, b.id_enc, e.amount_fen, b.id"
#define NCOMMON 10

/*
 * Fill the common part of a; the ID number masked. With the key, an ID
 * number that does not decrypt is an altered row (the key matches the
 * database: pii_open checked it): ERR_IO naming the person's row, as
 * every decrypting command stops, never stars in its place. Without the
 * key, stars.
 */
static int fill_common(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	const char *name = text(st, 5);
	char id[PII_MAXPLAIN + 1];
	long idlen = -1;

	memset(a, 0, sizeof(*a));
	a->entitlement_id = sqlite3_column_int64(st, 0);
	a->payment_id = sqlite3_column_int64(st, 1);
	copy(a->programme, sizeof(a->programme), text(st, 2));
	copy(a->period, sizeof(a->period), text(st, 3));
	copy(a->county, sizeof(a->county), text(st, 4));
	if (!mask_name(name, strlen(name), a->name, sizeof(a->name)))
		a->name[0] = '\0';
	a->amount_fen = sqlite3_column_int64(st, 8);
	if (!s->keys) {
		copy(a->id_number, sizeof(a->id_number), "******************");
		return 0;
	}
	if (sqlite3_column_bytes(st, 6) == PII_HASHBYTES)
		idlen = pii_decrypt(s->keys, PII_ID, sqlite3_column_blob(st, 7),
				    (size_t)sqlite3_column_bytes(st, 7), sqlite3_column_blob(st, 6),
				    id);
	if (idlen <= 0) {
		sodium_memzero(id, sizeof(id));
		return pii_tampered(s->err, PII_ID, "人员记录",
				    (long long)sqlite3_column_int64(st, 9));
	}
	mask_id(id, (size_t)idlen, a->id_number, sizeof(a->id_number));
	sodium_memzero(id, sizeof(id));
	return 0;
}

static void why(struct anomaly *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void why(struct anomaly *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
}

/*
 * Run a query; for each row, check(s, st, a) fills a and returns 1 to
 * report it, 0 to skip it, -1 when it failed (s->err set).
 */
static int each(struct scan *s, const char *sql, int64_t param,
		int (*check)(struct scan *s, sqlite3_stmt *st, struct anomaly *a))
{
	struct anomaly a;
	sqlite3_stmt *st;
	int step, rc = 0;

	if (db_prepare(s->db, sql, &st, s->err))
		return ERR_IO;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, param);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int r = check(s, st, &a);

		if (r < 0) {
			rc = s->err->code ? s->err->code : ERR_IO;
			break;
		}
		if (!r)
			continue;
		rc = s->fn(s->ctx, &a);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(s->db, s->err, "监管预警");
	sqlite3_finalize(st);
	return rc;
}

static void day_text(int32_t day, char *out, size_t n)
{
	date_format(date_from_days(day), out, n);
}

static int check_death(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	int32_t death = (int32_t)sqlite3_column_int64(st, NCOMMON);
	const char *status = text(st, NCOMMON + 1);
	const char *bank_time = text(st, NCOMMON + 2);
	struct period p;
	char d[16], start[16];
	bool released, settled;

	if (fill_common(s, st, a))
		return -1;
	a->rule = ANOMALY_PAID_AFTER_DEATH;
	a->payment_id = sqlite3_column_int64(st, NCOMMON + 3);
	if (period_parse(a->period, strlen(a->period), &p, NULL))
		return 0;
	if (death >= period_start(&p))
		return 0;
	day_text(death, d, sizeof(d));
	day_text(period_start(&p), start, sizeof(start));
	/* An operator released the hold (people_hold_release): say so, the
	 * payment was made knowingly. */
	released = strncmp(text(st, NCOMMON + 4), "released", 8) == 0;
	/* Booked as paid by subsidy payment settle: the bank paid an order
	 * that had been intercepted (or had failed); say so. */
	settled = sqlite3_column_int(st, NCOMMON + 5) != 0;
	if (strcmp(status, "paid") == 0)
		why(a, "死亡日期 %s 早于期间 %s 的开始（%s），仍已发放（银行时间 %s）%s%s", d,
		    a->period, start, bank_time[0] ? bank_time : "未知",
		    released ? "；暂停发放已由操作员解除" : "",
		    settled ? "；银行报成功时发放已取消或失败，已核实按已发入账" : "");
	else if (released)
		why(a, "死亡日期 %s 早于期间 %s 的开始（%s），发放仍在途，暂停发放已由操作员解除",
		    d, a->period, start);
	else
		why(a,
		    "死亡日期 %s 早于期间 %s 的开始（%s），发放仍在途，应立即拦截"
		    "（subsidy payment cancel --payment %lld）",
		    d, a->period, start, (long long)a->payment_id);
	return 1;
}

static int check_age(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	int32_t birth = (int32_t)sqlite3_column_int64(st, NCOMMON);
	int min = sqlite3_column_type(st, NCOMMON + 1) == SQLITE_NULL
		      ? -1
		      : sqlite3_column_int(st, NCOMMON + 1);
	int max = sqlite3_column_type(st, NCOMMON + 2) == SQLITE_NULL
		      ? -1
		      : sqlite3_column_int(st, NCOMMON + 2);
	struct period p;
	int age;
	char range[48];

	if (fill_common(s, st, a))
		return -1;
	a->rule = ANOMALY_AGE_RANGE;
	if (period_parse(a->period, strlen(a->period), &p, NULL))
		return 0;
	age = anomaly_age_at(birth, period_start(&p));
	if (age >= 0 && (min < 0 || age >= min) && (max < 0 || age <= max))
		return 0;
	if (max < 0)
		snprintf(range, sizeof(range), "%d 岁以上", min);
	else
		snprintf(range, sizeof(range), "%d-%d 岁", min < 0 ? 0 : min, max);
	if (age < 0)
		why(a, "期间 %s 开始时尚未出生，项目要求 %s", a->period, range);
	else
		why(a, "期间 %s 开始时 %d 岁，项目要求 %s", a->period, age, range);
	return 1;
}

static int check_standard(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	int64_t standard = sqlite3_column_int64(st, NCOMMON);

	if (fill_common(s, st, a))
		return -1;
	a->rule = ANOMALY_ABOVE_STANDARD;
	why(a, "金额 %lld 分超过项目标准 %lld 分（超出 %lld 分）", (long long)a->amount_fen,
	    (long long)standard, (long long)(a->amount_fen - standard));
	return 1;
}

static int check_official(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	if (fill_common(s, st, a))
		return -1;
	a->rule = ANOMALY_OFFICIAL;
	why(a, "受益人在公职人员名单中（%s %s），请按优亲厚友要求复核", text(st, NCOMMON),
	    text(st, NCOMMON + 1));
	return 1;
}

static int check_counties(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	if (fill_common(s, st, a))
		return -1;
	a->rule = ANOMALY_TWO_COUNTIES;
	why(a, "同一人员在项目 %s 的 %.4s 年度还有县 %s 的应发记录（期间 %s）", a->programme,
	    a->period, text(st, NCOMMON), text(st, NCOMMON + 1));
	return 1;
}

static int check_hold(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	const char *reason = text(st, NCOMMON);

	if (fill_common(s, st, a))
		return -1;
	a->rule = ANOMALY_HOLD;
	if (strncmp(reason, "death ", 6) == 0)
		why(a, "死亡日期 %s 早于期间开始，已暂停发放", reason + 6);
	else
		why(a, "已暂停发放：%s", reason[0] ? reason : "未注明原因");
	return 1;
}

/*
 * Columns after the common ones: payment id, status, reason, bank_time;
 * the line's import, line, bank time, amount; the entitlement's latest
 * attempt, its status; the payment's attempt; the batch of the line's
 * return file, the payment's batch.
 */
static int check_bank_success(struct scan *s, sqlite3_stmt *st, struct anomaly *a)
{
	const char *status = text(st, NCOMMON + 1);
	const char *reason = text(st, NCOMMON + 2);
	const char *ptime = text(st, NCOMMON + 3);
	int64_t amount = sqlite3_column_int64(st, NCOMMON + 7);
	int64_t latest = sqlite3_column_int64(st, NCOMMON + 8);
	int64_t attempt = sqlite3_column_int64(st, NCOMMON + 10);
	int64_t file_batch = sqlite3_column_int64(st, NCOMMON + 11);
	int64_t own_batch = sqlite3_column_int64(st, NCOMMON + 12);
	char line[256], amt[64], settle[160], where[96];

	if (fill_common(s, st, a))
		return -1;
	a->rule = ANOMALY_BANK_SUCCESS_CONFLICT;
	a->payment_id = sqlite3_column_int64(st, NCOMMON);
	a->bank_import_id = sqlite3_column_int64(st, NCOMMON + 4);
	a->bank_line = sqlite3_column_int64(st, NCOMMON + 5);
	copy(a->bank_time, sizeof(a->bank_time), text(st, NCOMMON + 6));
	amt[0] = '\0';
	if (amount != a->amount_fen)
		snprintf(amt, sizeof(amt), "，金额 %lld 分与发放金额不符", (long long)amount);
	/* A line filed in another batch's return file (the import kept it
	 * as an unknown id and applied nothing): say so. */
	where[0] = '\0';
	if (file_batch != own_batch)
		snprintf(where, sizeof(where), "，在批次 %lld 的回盘文件中（发放属于批次 %lld）",
			 (long long)file_batch, (long long)own_batch);
	snprintf(line, sizeof(line), "回盘导入记录 %lld 第 %lld 行（银行时间 %s%s%s）报成功",
		 (long long)a->bank_import_id, (long long)a->bank_line, a->bank_time, amt, where);
	/* What subsidy payment settle can book (the latest attempt, the
	 * payment's amount): name the command. */
	settle[0] = '\0';
	if (!amt[0] && latest == attempt)
		snprintf(settle, sizeof(settle),
			 "；银行确认已到账的，用 subsidy payment settle --payment %lld --reason …"
			 " 按已发入账",
			 (long long)a->payment_id);
	if (strcmp(status, "cancelled") == 0)
		why(a, "%s，但发放记录已取消：款项可能已到账，请与银行核实%s", line, settle);
	else if (strncmp(reason, "REVERSED:", 9) == 0 && latest > attempt)
		why(a, "%s，晚于冲正（银行时间 %s），且应发已重发（第 %lld 次，%s）：可能重复发放",
		    line, ptime, (long long)latest, ledger_status_label(text(st, NCOMMON + 9)));
	else if (strncmp(reason, "REVERSED:", 9) == 0)
		why(a, "%s，晚于冲正（银行时间 %s）：冲正后又报成功，款项可能已到账%s", line, ptime,
		    settle);
	else if (latest > attempt)
		why(a, "%s，但发放记录为失败（%s），应发已重发（第 %lld 次，%s）：可能重复发放",
		    line, reason, (long long)latest, ledger_status_label(text(st, NCOMMON + 9)));
	else
		why(a, "%s，但发放记录为失败（%s），未入账：款项可能已到账，不能更正重发", line,
		    reason);
	return 1;
}

/* shared_account: one anomaly per account, naming the people on it. */
static int shared_accounts(struct scan *s, int threshold)
{
	sqlite3_stmt *st = NULL, *who = NULL;
	struct anomaly a;
	int step, rc = 0;

	if (db_prepare(
		s->db,
		"SELECT a.acct_hash, COUNT(DISTINCT a.beneficiary_id), MAX(a.last4),"
		" (SELECT MAX(y.id) FROM payment y JOIN bank_account c ON c.id = y.account_id"
		"  WHERE c.acct_hash = a.acct_hash)"
		" FROM bank_account a GROUP BY a.acct_hash"
		" HAVING COUNT(DISTINCT a.beneficiary_id) > ?1 ORDER BY MIN(a.id)",
		&st, s->err) ||
	    db_prepare(s->db,
		       "SELECT DISTINCT b.id, b.name FROM bank_account a"
		       " JOIN beneficiary b ON b.id = a.beneficiary_id"
		       " WHERE a.acct_hash = ? ORDER BY b.id LIMIT 10",
		       &who, s->err)) {
		rc = ERR_IO;
		goto out;
	}
	sqlite3_bind_int(st, 1, threshold);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t people = sqlite3_column_int64(st, 1);
		char names[512];
		size_t used = 0;
		int k = 0;

		memset(&a, 0, sizeof(a));
		a.rule = ANOMALY_SHARED_ACCOUNT;
		a.payment_id = sqlite3_column_int64(st, 3);
		copy(a.id_number, sizeof(a.id_number), "");
		names[0] = '\0';
		sqlite3_bind_blob(who, 1, sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0),
				  SQLITE_TRANSIENT);
		while (sqlite3_step(who) == SQLITE_ROW) {
			const char *n = text(who, 1);
			char m[128];

			if (!mask_name(n, strlen(n), m, sizeof(m)))
				copy(m, sizeof(m), "*");
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 k++ ? "、" : "", m);
			if (used >= sizeof(names))
				break;
		}
		sqlite3_reset(who);
		why(&a, "尾号 %s 的银行账户被 %lld 人使用（超过 %d 人）：%s%s", text(st, 2),
		    (long long)people, threshold, names, people > 10 ? "等" : "");
		rc = s->fn(s->ctx, &a);
		if (rc)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s->db, s->err, "监管预警");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(who);
	return rc;
}

#define FROM_E                                                                                     \
	" FROM entitlement e JOIN programme p ON p.id = e.programme_id"                            \
	" JOIN beneficiary b ON b.id = e.beneficiary_id"

/*
 * The rules in the order they are listed: the query of each (the common
 * columns, then what its check reads) and its check; the shared-account
 * rule, which groups by account, has no query here (NULL).
 */
static const struct rule_query {
	const char *sql;
	int (*check)(struct scan *s, sqlite3_stmt *st, struct anomaly *a);
} rule_queries[] = {
    {"SELECT " COMMON_COLS ", d.death_day, y.status, y.bank_time, y.id, e.hold_reason,"
     " EXISTS(SELECT 1 FROM payment_settlement s WHERE s.payment_id = y.id)" FROM_E
     " JOIN death d ON d.id_hash = b.id_hash"
     " JOIN payment y ON y.entitlement_id = e.id"
     " WHERE y.status IN ('paid', 'pending') ORDER BY y.id",
     check_death},
    {"SELECT " COMMON_COLS ", b.birth_day, p.min_age, p.max_age" FROM_E
     " WHERE (p.min_age IS NOT NULL OR p.max_age IS NOT NULL)"
     " AND e.status <> 'cancelled' ORDER BY e.id",
     check_age},
    {"SELECT " COMMON_COLS ", p.standard_fen" FROM_E
     " WHERE p.standard_fen IS NOT NULL AND e.amount_fen > p.standard_fen"
     " AND e.status <> 'cancelled' ORDER BY e.id",
     check_standard},
    {NULL, NULL}, /* shared_accounts */
    {"SELECT " COMMON_COLS ", o.village_code, o.role" FROM_E
     " JOIN official o ON o.id_hash = b.id_hash"
     " WHERE e.status <> 'cancelled' ORDER BY e.id, o.id",
     check_official},
    {"SELECT " COMMON_COLS ", f.county_code, f.period" FROM_E
     " JOIN entitlement f ON f.beneficiary_id = e.beneficiary_id"
     "  AND f.programme_id = e.programme_id"
     "  AND substr(f.period, 1, 4) = substr(e.period, 1, 4)"
     "  AND f.county_code <> e.county_code AND f.status <> 'cancelled'"
     " WHERE e.status <> 'cancelled'"
     " AND f.id = (SELECT MIN(g.id) FROM entitlement g"
     "  WHERE g.beneficiary_id = e.beneficiary_id"
     "  AND g.programme_id = e.programme_id"
     "  AND substr(g.period, 1, 4) = substr(e.period, 1, 4)"
     "  AND g.county_code <> e.county_code AND g.status <> 'cancelled')"
     " ORDER BY e.id",
     check_counties},
    {"SELECT " COMMON_COLS ", e.hold_reason" FROM_E " WHERE e.status = 'on_hold' ORDER BY e.id",
     check_hold},
    /* Every return line is read once (the table has no index by payment):
     * a SUCCESS the import could not apply stays a finding until the bank
     * reverses it (a REVERSED line for the payment dated after it: the
     * money came back) or subsidy payment settle books the payment as paid
     * (it is then neither cancelled nor failed). The reversals are few: one
     * pass collects them. */
    /* The lines that count are batch.h's rule (BATCH_SUCCESS_STANDS_SQL),
     * the one payment correct, cancel, settle and batch create use. */
    {"SELECT " COMMON_COLS ", x.id, x.status, COALESCE(x.reason, ''), COALESCE(x.bank_time, ''),"
     " l.import_id, l.line, l.bank_time, l.amount_fen,"
     " (SELECT MAX(z.attempt) FROM payment z WHERE z.entitlement_id = e.id),"
     " (SELECT z.status FROM payment z WHERE z.entitlement_id = e.id"
     "  ORDER BY z.attempt DESC LIMIT 1), x.attempt,"
     " (SELECT i.batch_id FROM bank_import i WHERE i.id = l.import_id), x.batch_id"
     " FROM bank_return_line l JOIN payment x ON x.id = l.payment_id"
     " JOIN entitlement e ON e.id = x.entitlement_id"
     " JOIN programme p ON p.id = e.programme_id"
     " JOIN beneficiary b ON b.id = e.beneficiary_id"
     " LEFT JOIN (" BATCH_REVERSALS_SQL ") rv ON rv.pid = l.payment_id"
     " WHERE (x.status = 'cancelled' OR x.status = 'failed') AND" BATCH_SUCCESS_STANDS_SQL
     " ORDER BY x.id, l.import_id, l.line",
     check_bank_success},
};

int anomaly_scan(struct db *db, const struct pii_keys *keys, int shared_threshold,
		 int (*fn)(void *ctx, const struct anomaly *a), void *ctx, struct error *err)
{
	struct scan s = {db, keys, fn, ctx, err};
	size_t i;
	int rc = 0, own_txn = 0;

	if (shared_threshold < 1)
		return error_set(err, ERR_USAGE, "共用账户人数阈值应至少为 1");
	/* Every rule reads one snapshot (a deferred read transaction, rolled
	 * back: nothing is written), so an import committing during the scan
	 * cannot show half of its effect: e.g. a payment both paid in one rule
	 * and not yet in another. A caller's open transaction is its own
	 * snapshot and is left alone. */
	if (sqlite3_get_autocommit(db_sqlite(db))) {
		if (db_exec(db, "BEGIN", err))
			return ERR_IO;
		own_txn = 1;
	}
	for (i = 0; !rc && i < sizeof(rule_queries) / sizeof(rule_queries[0]); i++)
		rc = rule_queries[i].sql ? each(&s, rule_queries[i].sql, 0, rule_queries[i].check)
					 : shared_accounts(&s, shared_threshold);
	if (own_txn)
		db_rollback(db);
	return rc;
}
