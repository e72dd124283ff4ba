/*
 * disclose.c - 公示 lists and the personal lookup (disclose.h,
 * docs/disclosure.md).
 */
#include "subsidy/disclose.h"

#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/idcard.h"
#include "subsidy/mask.h"
#include "subsidy/pii.h"
#include "subsidy/batch.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

size_t disclose_yuan(int64_t fen, char *out, size_t n)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	int len = snprintf(out, n, "%s%llu.%02llu", fen < 0 ? "-" : "",
			   (unsigned long long)(a / 100), (unsigned long long)(a % 100));

	return len < 0 || (size_t)len >= n ? 0 : (size_t)len;
}

static const char *text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* The state of an entitlement from its status and its latest payment's. */
static const char *state_label(const char *ent_status, const char *pay_status)
{
	if (strcmp(ent_status, "cancelled") == 0)
		return "已取消";
	if (strcmp(pay_status, "pending") == 0)
		return "在途";
	if (strcmp(pay_status, "paid") == 0)
		return "已发";
	if (strcmp(ent_status, "on_hold") == 0)
		return "暂停";
	if (strcmp(pay_status, "failed") == 0)
		return "失败";
	if (strcmp(pay_status, "cancelled") == 0)
		return "已取消";
	return "待发";
}

#define LATEST_STATUS                                                                              \
	"COALESCE((SELECT y.status FROM payment y WHERE y.entitlement_id = e.id"                   \
	" ORDER BY y.attempt DESC LIMIT 1), '')"

int disclose_list(struct db *db, const struct pii_keys *keys, const char *programme,
		  const char *period, const char *village,
		  int (*fn)(void *ctx, const struct disclose_row *r), void *ctx, struct error *err)
{
	char ptext[PERIOD_STRLEN];
	struct disclose_row r;
	struct period p;
	sqlite3_stmt *st;
	int64_t prog;
	int step, rc = 0;

	if (!period || period_parse(period, strlen(period), &p, err))
		return ERR_INPUT;
	period_format(&p, ptext, sizeof(ptext));
	if (village && (strlen(village) != 12 || strspn(village, "0123456789") != 12))
		return error_set(err, ERR_INPUT, "村级单位代码 '%s' 无效（应为12位数字）", village);
	rc = batch_programme(db, programme, &p, &prog, err);
	if (rc)
		return rc;
	if (db_prepare(db,
		       "SELECT e.id, b.name, b.id_hash, b.id_enc, e.village_code, e.amount_fen,"
		       " e.status, " LATEST_STATUS ", b.id"
		       " FROM entitlement e JOIN beneficiary b ON b.id = e.beneficiary_id"
		       " WHERE e.programme_id = ?1 AND e.period = ?2 AND e.status <> 'cancelled'"
		       " AND (?3 IS NULL OR e.village_code = ?3)"
		       " ORDER BY e.village_code, e.id",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, prog);
	sqlite3_bind_text(st, 2, ptext, -1, SQLITE_STATIC);
	if (village)
		sqlite3_bind_text(st, 3, village, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = text(st, 1);
		char id[PII_MAXPLAIN + 1];
		long idlen = -1;

		memset(&r, 0, sizeof(r));
		r.entitlement_id = sqlite3_column_int64(st, 0);
		if (!mask_name(name, strlen(name), r.name, sizeof(r.name)))
			snprintf(r.name, sizeof(r.name), "*");
		if (sqlite3_column_bytes(st, 2) == PII_HASHBYTES)
			idlen = pii_decrypt(keys, PII_ID, sqlite3_column_blob(st, 3),
					    (size_t)sqlite3_column_bytes(st, 3),
					    sqlite3_column_blob(st, 2), id);
		if (idlen < 0) {
			/* pii_open checked the key: the row was altered */
			rc = pii_tampered(err, PII_ID, "人员记录",
					  (long long)sqlite3_column_int64(st, 8));
			break;
		}
		mask_id(id, (size_t)idlen, r.id_number, sizeof(r.id_number));
		snprintf(r.village, sizeof(r.village), "%s", text(st, 4));
		r.amount_fen = sqlite3_column_int64(st, 5);
		snprintf(r.state, sizeof(r.state), "%s", state_label(text(st, 6), text(st, 7)));
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, err, "读取公示名单");
	sqlite3_finalize(st);
	return rc;
}

static int not_found(struct error *err)
{
	error_set(err, ERR_INPUT, "未查询到该身份证号和姓名的补贴发放记录");
	error_reason(err, "not_found");
	return ERR_INPUT;
}

int disclose_lookup(struct db *db, const struct pii_keys *keys, const char *id_number,
		    const char *name, int (*fn)(void *ctx, const struct lookup_row *r), void *ctx,
		    struct error *err)
{
	unsigned char hash[PII_HASHBYTES];
	struct idcard id;
	struct lookup_row r;
	sqlite3_stmt *st;
	struct date today = date_today();
	int step, rc = 0, rows = 0;

	if (!id_number || !name || !name[0] ||
	    idcard_parse(id_number, strlen(id_number), today, &id) != IDCARD_OK)
		return not_found(err);
	pii_hash(keys, PII_ID, id.number, 18, hash);
	if (db_prepare(db,
		       "SELECT p.code, p.name, e.period, e.amount_fen, e.status, " LATEST_STATUS ","
		       " (SELECT y.bank_time FROM payment y WHERE y.entitlement_id = e.id"
		       "  AND y.status = 'paid'),"
		       " a.acct_hash, a.acct_enc, a.id"
		       " FROM beneficiary b JOIN entitlement e ON e.beneficiary_id = b.id"
		       " JOIN programme p ON p.id = e.programme_id"
		       " JOIN bank_account a ON a.id = COALESCE((SELECT y.account_id FROM payment y"
		       "  WHERE y.entitlement_id = e.id ORDER BY y.attempt DESC LIMIT 1),"
		       "  e.account_id)"
		       " WHERE b.id_hash = ?1 AND b.name = ?2"
		       " ORDER BY e.period, p.code",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_blob(st, 1, hash, PII_HASHBYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char acct[PII_MAXPLAIN + 1];
		long alen = -1;

		memset(&r, 0, sizeof(r));
		snprintf(r.programme, sizeof(r.programme), "%s", text(st, 0));
		snprintf(r.programme_name, sizeof(r.programme_name), "%s", text(st, 1));
		snprintf(r.period, sizeof(r.period), "%s", text(st, 2));
		r.amount_fen = sqlite3_column_int64(st, 3);
		snprintf(r.state, sizeof(r.state), "%s", state_label(text(st, 4), text(st, 5)));
		snprintf(r.bank_time, sizeof(r.bank_time), "%s", text(st, 6));
		/* bound to the person looked up (pii.h): an account row of
		 * someone else, or a ciphertext copied from one, fails */
		if (sqlite3_column_bytes(st, 7) == PII_HASHBYTES)
			alen = pii_decrypt_owned(keys, PII_ACCOUNT, sqlite3_column_blob(st, 8),
						 (size_t)sqlite3_column_bytes(st, 8),
						 sqlite3_column_blob(st, 7), hash, acct);
		if (alen <= 0) {
			sodium_memzero(acct, sizeof(acct));
			rc = pii_tampered(err, PII_ACCOUNT, "账户记录",
					  (long long)sqlite3_column_int64(st, 9));
			break;
		}
		mask_account(acct, (size_t)alen, r.account, sizeof(r.account));
		sodium_memzero(acct, sizeof(acct));
		rows++;
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, err, "查询发放记录");
	sqlite3_finalize(st);
	if (!rc && rows == 0)
		return not_found(err);
	return rc;
}
