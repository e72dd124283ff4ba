/*
 * stats.c - 一卡通 figures from the payment rows (stats.h, docs/stats.md).
 *
 * The periods to count are chosen in C (period_within, exact calendar), put
 * into a temporary table, and one aggregate query over the paid payments
 * does the rest, so distinct people are counted once across periods.
 */
#include "subsidy/stats.h"

#include "base/error.h"
#include "base/period.h"
#include "base/zhnum.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct decimal stats_amount_yuan(const struct stats *s)
{
	struct decimal d = {s->amount_fen, 2};

	return d;
}

int stats_sscard_share(const struct stats *s, int precision, struct decimal *out)
{
	if (s->payments <= 0)
		return ERR_INPUT;
	return decimal_percent(decimal_from_int(s->sscard_payments), decimal_from_int(s->payments),
			       precision, out);
}

size_t stats_wording(const struct stats *s, char *out, size_t n)
{
	char amount[ZHNUM_STRLEN], people[ZHNUM_STRLEN], share[DECIMAL_STRLEN];
	struct decimal pct;
	int len;

	if (!zhnum_quantity(stats_amount_yuan(s), amount, sizeof(amount)) ||
	    !zhnum_quantity(decimal_from_int(s->people), people, sizeof(people)))
		return 0;
	if (s->payments <= 0 || stats_sscard_share(s, 1, &pct)) {
		len = snprintf(out, n, "发放补贴%lld项，累计发放补贴资金%s元，惠及群众%s人",
			       (long long)s->programmes, amount, people);
	} else {
		decimal_format(decimal_normalize(pct), share, sizeof(share));
		len = snprintf(out, n,
			       "发放补贴%lld项，累计发放补贴资金%s元，惠及群众%s人，"
			       "使用社保卡领取补贴的比例达到%s%%",
			       (long long)s->programmes, amount, people, share);
	}
	if (len < 0 || (size_t)len >= n) {
		if (n)
			out[0] = '\0';
		return 0;
	}
	return (size_t)len;
}

void stats_free(struct stats *s)
{
	if (!s)
		return;
	free(s->per);
	s->per = NULL;
	s->nper = 0;
}

static int choose_periods(struct db *db, int year, const struct period *within, struct error *err)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	char prefix[8];
	int step, rc = ERR_IO;

	if (db_exec(db,
		    "CREATE TEMP TABLE IF NOT EXISTS stats_period(period TEXT PRIMARY KEY);"
		    "DELETE FROM temp.stats_period;",
		    err))
		return ERR_IO;
	snprintf(prefix, sizeof(prefix), "%04d", year);
	if (db_prepare(db, "SELECT DISTINCT period FROM entitlement WHERE substr(period, 1, 4) = ?",
		       &sel, err) ||
	    db_prepare(db, "INSERT OR IGNORE INTO temp.stats_period(period) VALUES(?)", &ins, err))
		goto out;
	sqlite3_bind_text(sel, 1, prefix, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(sel, 0);
		struct period p;

		if (!t || period_parse(t, strlen(t), &p, NULL) || p.year != year)
			continue;
		if (within && !period_within(&p, within))
			continue;
		sqlite3_bind_text(ins, 1, t, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			db_fail(db, err, "统计期间");
			goto out;
		}
		sqlite3_reset(ins);
	}
	if (step != SQLITE_DONE) {
		db_fail(db, err, "统计期间");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

#define PAID_FROM                                                                                  \
	" FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"                            \
	" JOIN bank_account a ON a.id = y.account_id"                                              \
	" WHERE y.status = 'paid' AND e.period IN (SELECT period FROM temp.stats_period)"

int stats_compute(struct db *db, int year, const char *period, struct stats *out, struct error *err)
{
	struct period within;
	sqlite3_stmt *st = NULL;
	int step, rc = ERR_IO, own_txn = 0;

	memset(out, 0, sizeof(*out));
	if (year < 1900 || year > 9999)
		return error_set(err, ERR_INPUT, "年份 %d 无效", year);
	out->year = year;
	if (period) {
		if (period_parse(period, strlen(period), &within, err))
			return ERR_INPUT;
		if (!period_within(&within, &(struct period){PERIOD_YEAR, year, 0}))
			return error_set(err, ERR_INPUT, "期间 '%s' 不在 %d 年内", period, year);
		period_format(&within, out->period, sizeof(out->period));
	}
	/*
	 * One read transaction (a snapshot) for the periods, the totals and
	 * the breakdown: a bank import committing in between would otherwise
	 * make the headline and the per-programme lines disagree. Deferred:
	 * it writes only the connection's temp table, so it takes no write
	 * lock on the file. Rolled back at the end: nothing here is kept. A
	 * caller already inside a transaction has its snapshot; it is left
	 * alone.
	 */
	if (sqlite3_get_autocommit(db_sqlite(db))) {
		if (db_exec(db, "BEGIN", err))
			return ERR_IO;
		own_txn = 1;
	}
	if (choose_periods(db, year, period ? &within : NULL, err))
		goto out;
	if (db_prepare(db,
		       "SELECT COUNT(DISTINCT e.programme_id), COUNT(*),"
		       " COALESCE(SUM(y.amount_fen), 0), COUNT(DISTINCT e.beneficiary_id),"
		       " COALESCE(SUM(a.is_sscard), 0)" PAID_FROM,
		       &st, err))
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, err, "统计发放");
		goto out;
	}
	out->programmes = sqlite3_column_int64(st, 0);
	out->payments = sqlite3_column_int64(st, 1);
	out->amount_fen = sqlite3_column_int64(st, 2);
	out->people = sqlite3_column_int64(st, 3);
	out->sscard_payments = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	st = NULL;
	if (out->programmes > 0) {
		out->per = calloc((size_t)out->programmes, sizeof(*out->per));
		if (!out->per) {
			error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
	}
	if (db_prepare(db,
		       "SELECT p.code, p.name, COUNT(*), SUM(y.amount_fen),"
		       " COUNT(DISTINCT e.beneficiary_id)"
		       " FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"
		       " JOIN programme p ON p.id = e.programme_id"
		       " WHERE y.status = 'paid'"
		       " AND e.period IN (SELECT period FROM temp.stats_period)"
		       " GROUP BY p.id, p.code, p.name ORDER BY p.code",
		       &st, err))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && out->nper < (size_t)out->programmes) {
		struct stats_programme *sp = &out->per[out->nper++];

		snprintf(sp->code, sizeof(sp->code), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		snprintf(sp->name, sizeof(sp->name), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		sp->payments = sqlite3_column_int64(st, 2);
		sp->amount_fen = sqlite3_column_int64(st, 3);
		sp->people = sqlite3_column_int64(st, 4);
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		db_fail(db, err, "统计发放");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	if (own_txn)
		db_rollback(db);
	if (rc)
		stats_free(out);
	return rc;
}

size_t stats_scope(const struct stats *s, char *out, size_t n)
{
	static const char *const quarters[] = {"一", "二", "三", "四"};
	struct period p;
	int len;

	if (!s->period[0] || period_parse(s->period, strlen(s->period), &p, NULL))
		len = snprintf(out, n, "%04d年", s->year);
	else if (p.type == PERIOD_MONTH)
		len = snprintf(out, n, "%04d年%d月", p.year, p.index);
	else if (p.type == PERIOD_QUARTER && p.index >= 1 && p.index <= 4)
		len = snprintf(out, n, "%04d年第%s季度", p.year, quarters[p.index - 1]);
	else if (p.type == PERIOD_SIXMONTH)
		len = snprintf(out, n, "%04d年%s半年", p.year, p.index == 1 ? "上" : "下");
	else if (p.type == PERIOD_WEEK)
		len = snprintf(out, n, "%04d年第%d周", p.year, p.index);
	else if (p.type == PERIOD_DAY)
		len = snprintf(out, n, "%04d年%d月%d日", p.year, p.index / 100, p.index % 100);
	else
		len = snprintf(out, n, "%04d年", p.year);
	return len < 0 || (size_t)len >= n ? 0 : (size_t)len;
}
