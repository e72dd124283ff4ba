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

/* Byte length of a space trimmed from a name's ends at s (left bytes), or 0. */
static size_t space_at(const unsigned char *s, size_t left)
{
	if (left >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (left >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

/* Is there a space ending s[0..len)? Its byte length, or 0. */
static size_t space_before(const unsigned char *s, size_t len)
{
	if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		return 1;
	if (len >= 3 && space_at(s + len - 3, 3) == 3)
		return 3;
	return 0;
}

/* Byte length of a middle-dot variant at s (left bytes), or 0. */
static size_t dot_at(const unsigned char *s, size_t left)
{
	static const unsigned char dots[][3] = {
	    {0xe2, 0x80, 0xa2}, /* U+2022 bullet */
	    {0xe2, 0x80, 0xa7}, /* U+2027 hyphenation point */
	    {0xe2, 0x88, 0x99}, /* U+2219 bullet operator */
	    {0xe3, 0x83, 0xbb}, /* U+30FB katakana middle dot */
	    {0xef, 0xbc, 0x8e}, /* U+FF0E full-width full stop */
	    {0xef, 0xbd, 0xa5}, /* U+FF65 half-width katakana middle dot */
	};
	size_t i;

	if (left >= 2 && s[0] == 0xc2 && s[1] == 0xb7)
		return 2; /* U+00B7 itself */
	if (left < 3)
		return 0;
	for (i = 0; i < sizeof(dots) / sizeof(dots[0]); i++)
		if (memcmp(s, dots[i], 3) == 0)
			return 3;
	return 0;
}

size_t disclose_name_normalize(const char *s, size_t len, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k, o = 0;

	if (n == 0)
		return (size_t)-1;
	out[0] = '\0';
	while ((k = space_at(p, len)) > 0) {
		p += k;
		len -= k;
	}
	while ((k = space_before(p, len)) > 0)
		len -= k;
	for (i = 0; i < len; i += k) {
		k = dot_at(p + i, len - i);
		if (o + (k ? 2 : 1) >= n) {
			out[0] = '\0';
			return (size_t)-1;
		}
		if (k) {
			out[o++] = (char)0xc2;
			out[o++] = (char)0xb7;
		} else {
			out[o++] = (char)p[i];
			k = 1;
		}
	}
	out[o] = '\0';
	return o;
}

static int not_found(struct error *err)
{
	error_set(err, ERR_INPUT, "未查询到该身份证号和姓名的补贴发放记录");
	error_reason(err, "not_found");
	return ERR_INPUT;
}

/* Longest name compared: a stored name has at most 90 bytes (roster.h);
 * anything longer given matches nothing. */
#define LOOKUP_NAME_MAX 255

/*
 * Does the person with this ID hash have the given name (compared after
 * disclose_name_normalize)? 1 yes, 0 no (or no such person), -1 on a
 * database error (err filled).
 */
static int name_matches(struct db *db, const unsigned char hash[PII_HASHBYTES], const char *name,
			struct error *err)
{
	char given[LOOKUP_NAME_MAX + 1], stored[LOOKUP_NAME_MAX + 1];
	sqlite3_stmt *st;
	size_t gl, sl = (size_t)-1;
	int step;

	gl = disclose_name_normalize(name, strlen(name), given, sizeof(given));
	if (gl == (size_t)-1 || gl == 0)
		return 0;
	if (db_prepare(db, "SELECT name FROM beneficiary WHERE id_hash = ?", &st, err))
		return -1;
	sqlite3_bind_blob(st, 1, hash, PII_HASHBYTES, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		sl = disclose_name_normalize(text(st, 0), (size_t)sqlite3_column_bytes(st, 0),
					     stored, sizeof(stored));
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		db_fail(db, err, "查询发放记录");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return sl != (size_t)-1 && sl == gl && memcmp(stored, given, gl) == 0;
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
	/* The name is compared here, before anything is decrypted: a wrong
	 * name must answer exactly as an unknown person does. */
	rc = name_matches(db, hash, name, err);
	if (rc < 0)
		return ERR_IO;
	if (rc == 0)
		return not_found(err);
	rc = 0;
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
		       " WHERE b.id_hash = ?1"
		       " ORDER BY e.period, p.code",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_blob(st, 1, hash, PII_HASHBYTES, SQLITE_STATIC);
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
