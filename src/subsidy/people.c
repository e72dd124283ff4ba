/*
 * people.c - deaths and officials registers (people.h, docs/anomalies.md).
 *
 * Both imports read the whole file first, checking every row and keeping
 * the valid ones in memory (registers are small next to rosters), and write
 * only when no row was bad, in one transaction: their own, or the caller's
 * when it has one open (the CLI's, which binds the key first).
 */
#include "subsidy/people.h"

#include "base/csv.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/batch.h"
#include "subsidy/idcard.h"
#include "subsidy/ledger.h"
#include "subsidy/mask.h"
#include "subsidy/pii.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 90
#define ROLE_MAX_BYTES 64

struct person_row {
	unsigned char hash[PII_HASHBYTES];
	unsigned char enc[PII_MAXCIPHER];
	size_t enc_len;
	int32_t day; /* deaths: date of death */
	char name[NAME_MAX_BYTES + 1];
	char village[13];
	char role[ROLE_MAX_BYTES + 1];
	long line;
};

struct rows {
	struct person_row *v;
	size_t n, cap;
	size_t *slot; /* hash table over the accepted rows: index + 1, 0 empty */
	size_t nslot; /* a power of two, at least twice the rows it holds */
};

/* Report a bad row; counts it; keeps the first in *first. */
static void bad(people_reject_fn reject, void *ctx, struct people_summary *sum, struct error *first,
		const char *file, long line, long col, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

static void bad(people_reject_fn reject, void *ctx, struct people_summary *sum, struct error *first,
		const char *file, long line, long col, const char *reason, const char *fmt, ...)
{
	struct error e;
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(&e, ERR_INPUT, file, line, col, reason, fmt, ap);
	va_end(ap);
	if (reject)
		reject(ctx, &e);
	if (!first->code)
		*first = e;
	sum->rejected++;
}

/* Check an ID number (18, or 15 converted); fills id. Returns the status. */
static enum idcard_status parse_id(const char *s, size_t len, struct idcard *id)
{
	char up[19];
	enum idcard_status st;

	if (len == 15) {
		st = idcard_upgrade15(s, len, date_today(), up);
		if (st != IDCARD_OK)
			return st;
		return idcard_parse(up, 18, date_today(), id);
	}
	return idcard_parse(s, len, date_today(), id);
}

static int rows_push(struct rows *r, struct person_row **out)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		void *p = realloc(r->v, cap * sizeof(*r->v));

		if (!p)
			return ERR_NOMEM;
		r->v = p;
		r->cap = cap;
	}
	*out = &r->v[r->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* The ID's keyed hash is uniform, so its first bytes index the table. */
static size_t slot_of(const unsigned char *hash, size_t mask)
{
	uint64_t h;

	memcpy(&h, hash, sizeof(h));
	return (size_t)h & mask;
}

/*
 * Same ID (and, for officials, village and role) as an accepted row earlier
 * in the file? Returns that row's line, or 0 after remembering the last row
 * (r->v[r->n - 1]) as accepted; -1 when out of memory. A hash table rather
 * than a scan of the earlier rows: a register of several hundred thousand
 * rows took minutes (quadratic) with the scan.
 */
static long seen_before(struct rows *r, int officials)
{
	const struct person_row *x = &r->v[r->n - 1];
	size_t i, j, mask;

	if (r->n * 2 > r->nslot) {
		size_t ns = r->nslot ? r->nslot * 2 : 128;
		size_t *t = calloc(ns, sizeof(*t));

		if (!t)
			return -1;
		for (j = 0; j < r->nslot; j++) {
			if (!r->slot[j])
				continue;
			i = slot_of(r->v[r->slot[j] - 1].hash, ns - 1);
			while (t[i])
				i = (i + 1) & (ns - 1);
			t[i] = r->slot[j];
		}
		free(r->slot);
		r->slot = t;
		r->nslot = ns;
	}
	mask = r->nslot - 1;
	for (i = slot_of(x->hash, mask); r->slot[i]; i = (i + 1) & mask) {
		const struct person_row *y = &r->v[r->slot[i] - 1];

		if (memcmp(y->hash, x->hash, PII_HASHBYTES) == 0 &&
		    (!officials ||
		     (strcmp(y->village, x->village) == 0 && strcmp(y->role, x->role) == 0)))
			return y->line;
	}
	r->slot[i] = r->n;
	return 0;
}

static int utf8_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Read and check the file. kind 'D' deaths, 'O' officials. Valid rows go to
 * rows; bad rows are reported. Returns 0 (check sum->rejected), or an error
 * that stops reading (file, header, CSV structure is reported as a row).
 */
static int read_rows(const struct pii_keys *keys, const char *path, const char *encoding,
		     int kind, people_reject_fn reject, void *ctx, struct people_summary *sum,
		     struct rows *rows, struct error *first, struct error *err)
{
	static const char *const dh[] = {"id_number", "date_of_death"};
	static const char *const oh[] = {"id_number", "name", "village", "role"};
	size_t nf = kind == 'D' ? 2 : 4;
	struct csv_options opt = {.name = path, .encoding = encoding};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	int rc;

	rc = csv_open_file(path, &opt, &r, err);
	if (rc)
		return rc;
	rc = csv_next(r, &rec, err);
	if (rc)
		goto out;
	if (rec.n == 0) {
		rc = error_at(err, ERR_INPUT, path, 1, 1, "文件为空，缺少表头");
		error_reason(err, "bad_header");
		goto out;
	}
	rc = csv_check_header(r, &rec, kind == 'D' ? dh : oh, nf, err);
	if (rc)
		goto out;
	/* from the first data row on; a header of the wrong width is bad_header */
	csv_expect_fields(r, nf);
	for (;;) {
		struct person_row *p;
		struct idcard id;
		enum idcard_status st;
		long dup;

		rc = csv_next(r, &rec, err);
		if (rc != 0 && rc != ERR_INPUT)
			goto out; /* reading failed (I/O, memory): exit 3, not a bad row */
		if (rc) {
			/* An error of one record: report it and go on; one that
			 * ended the reading: stop. The ending error of a record
			 * that had its own error already is listed, not counted
			 * as a second row. */
			bool again = csv_error_same_record(r);

			bad(reject, ctx, sum, first, err->file, err->line, err->column, err->reason,
			    "%s", err->msg);
			if (again)
				sum->rejected--;
			else
				sum->rows++;
			if (rc == ERR_INPUT && !csv_ended(r)) {
				error_clear(err);
				continue;
			}
			rc = 0;
			error_clear(err);
			break;
		}
		if (rec.n == 0)
			break;
		sum->rows++;
		st = parse_id(rec.field[0], rec.len[0], &id);
		if (st != IDCARD_OK) {
			bad(reject, ctx, sum, first, path, rec.line, 1, idcard_reason(st), "%s",
			    idcard_message(st));
			continue;
		}
		if (rows_push(rows, &p)) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
		p->line = rec.line;
		pii_hash(keys, PII_ID, id.number, 18, p->hash);
		p->enc_len = pii_encrypt_in(keys, kind == 'D' ? PII_IN_DEATH : PII_IN_OFFICIAL, PII_ID,
					    id.number, 18, p->hash, p->hash, p->enc);
		if (kind == 'D') {
			struct date d;
			struct error de;

			error_clear(&de);
			if (date_parse(rec.field[1], rec.len[1], &d, &de)) {
				char q[128];

				/* date_parse quotes the field: not an ID number or
				 * account put in this column (mask_quote) */
				if (mask_quote(rec.field[1], rec.len[1], 40, q, sizeof(q)) &&
				    strcmp(q, MASK_QUOTE_HIDDEN) == 0)
					bad(reject, ctx, sum, first, path, rec.line, 2, "bad_date",
					    "死亡日期 '%s' 无效", q);
				else
					bad(reject, ctx, sum, first, path, rec.line, 2, "bad_date",
					    "死亡日期无效：%s", de.msg);
				rows->n--;
				continue;
			}
			p->day = date_to_days(d);
			if (p->day > date_to_days(date_today())) {
				bad(reject, ctx, sum, first, path, rec.line, 2, "date_future",
				    "死亡日期 '%s' 晚于今天", rec.field[1]);
				rows->n--;
				continue;
			}
			if (p->day < date_to_days(id.birth)) {
				bad(reject, ctx, sum, first, path, rec.line, 2, "date_before_birth",
				    "死亡日期 '%s' 早于身份证号中的出生日期", rec.field[1]);
				rows->n--;
				continue;
			}
		} else {
			if (rec.len[1] == 0 || !utf8_ok(rec.field[1], rec.len[1])) {
				bad(reject, ctx, sum, first, path, rec.line, 2, "empty_name",
				    "姓名为空或含控制字符");
				rows->n--;
				continue;
			}
			/* shown in CSV lists and reject files opened in
			 * spreadsheets: no formula */
			if (mask_formula_like(rec.field[1], rec.len[1])) {
				bad(reject, ctx, sum, first, path, rec.line, 2, "bad_name",
				    "姓名不能以 = + - @ 开头（电子表格会当作公式）");
				rows->n--;
				continue;
			}
			if (rec.len[1] > NAME_MAX_BYTES) {
				bad(reject, ctx, sum, first, path, rec.line, 2, "name_too_long",
				    "姓名太长（超过90字节）");
				rows->n--;
				continue;
			}
			memcpy(p->name, rec.field[1], rec.len[1]);
			if (rec.len[2] != 12 || strspn(rec.field[2], "0123456789") != 12) {
				char q[128];

				/* never the whole field: an ID or account put in
				 * this column would be copied to stderr */
				mask_quote(rec.field[2], rec.len[2], 40, q, sizeof(q));
				bad(reject, ctx, sum, first, path, rec.line, 3, "bad_village",
				    "村级单位代码 '%s' 无效（应为12位数字）", q);
				rows->n--;
				continue;
			}
			memcpy(p->village, rec.field[2], 12);
			if (rec.len[3] == 0 || !utf8_ok(rec.field[3], rec.len[3])) {
				bad(reject, ctx, sum, first, path, rec.line, 4, "empty_role",
				    "职务为空或含控制字符");
				rows->n--;
				continue;
			}
			if (rec.len[3] > ROLE_MAX_BYTES) {
				bad(reject, ctx, sum, first, path, rec.line, 4, "role_too_long",
				    "职务太长（超过64字节）");
				rows->n--;
				continue;
			}
			memcpy(p->role, rec.field[3], rec.len[3]);
		}
		dup = seen_before(rows, kind == 'O');
		if (dup < 0) {
			rc = error_set(err, ERR_NOMEM, "内存不足");
			goto out;
		}
		if (dup) {
			bad(reject, ctx, sum, first, path, rec.line, 1, "duplicate_in_file",
			    "与第 %ld 行重复", dup);
			rows->n--;
			continue;
		}
	}
out:
	csv_close(r);
	return rc;
}

/* An entitlement an operator released from its hold is not held again. */
#define NOT_RELEASED_SQL "(e.hold_reason IS NULL OR e.hold_reason NOT LIKE 'released%')"

/*
 * Apply the death rule to the entitlements sel returns (id, period,
 * death_day, status, hold_reason): held when the death came before the
 * period began, a death hold lifted when it no longer did. The period rule
 * is checked in C with the exact calendar of period.h.
 */
static int apply_death_rule(struct db *db, sqlite3_stmt *sel, int64_t *held, int64_t *lifted,
			    struct error *err)
{
	sqlite3_stmt *upd = NULL;
	int step, rc = ERR_IO;

	*held = *lifted = 0;
	if (db_prepare(db, "UPDATE entitlement SET status = ?, hold_reason = ? WHERE id = ?", &upd,
		       err))
		goto out;
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *ptext = (const char *)sqlite3_column_text(sel, 1);
		int32_t death = (int32_t)sqlite3_column_int64(sel, 2);
		bool on_hold = strcmp((const char *)sqlite3_column_text(sel, 3), "on_hold") == 0;
		const char *old = (const char *)sqlite3_column_text(sel, 4);
		char reason[64], date[16];
		struct period p;
		bool before;

		if (!ptext || period_parse(ptext, strlen(ptext), &p, NULL))
			continue;
		before = death < period_start(&p);
		date_format(date_from_days(death), date, sizeof(date));
		if (before)
			snprintf(reason, sizeof(reason), "death %s", date);
		else if (on_hold)
			snprintf(reason, sizeof(reason), "lifted: %s", old ? old : "death");
		else
			continue; /* alive when the period began: nothing to hold */
		if (before && on_hold && old && strcmp(old, reason) == 0)
			continue; /* held already for this date */
		sqlite3_bind_text(upd, 1, before ? "on_hold" : "approved", -1, SQLITE_STATIC);
		sqlite3_bind_text(upd, 2, reason, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 3, sqlite3_column_int64(sel, 0));
		if (sqlite3_step(upd) != SQLITE_DONE) {
			db_fail(db, err, "更新暂停发放");
			goto out;
		}
		sqlite3_reset(upd);
		if (!on_hold)
			(*held)++;
		else if (!before)
			(*lifted)++;
	}
	if (step != SQLITE_DONE) {
		db_fail(db, err, "查询死亡人员的应发记录");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(upd);
	return rc;
}

int people_apply_death_holds(struct db *db, int64_t *held, int64_t *lifted, struct error *err)
{
	sqlite3_stmt *sel = NULL;
	int rc;

	*held = *lifted = 0;
	/* Candidates: few (only people with a death record): unpaid approved
	 * entitlements, and those on hold for a death. */
	rc = db_prepare(db,
			"SELECT e.id, e.period, d.death_day, e.status, e.hold_reason FROM death d"
			" JOIN beneficiary b ON b.id_hash = d.id_hash"
			" JOIN entitlement e ON e.beneficiary_id = b.id"
			" WHERE (e.status = 'approved' AND " NOT_RELEASED_SQL
			" AND NOT EXISTS (SELECT 1 FROM payment y"
			"  WHERE y.entitlement_id = e.id AND y.status IN ('pending', 'paid')))"
			" OR (e.status = 'on_hold' AND e.hold_reason LIKE 'death %')",
			&sel, err);
	if (!rc)
		rc = apply_death_rule(db, sel, held, lifted, err);
	sqlite3_finalize(sel);
	return rc;
}

int people_hold_imported(struct db *db, int64_t import_id, int64_t *held, struct error *err)
{
	sqlite3_stmt *sel = NULL;
	int64_t lifted;
	int rc;

	*held = 0;
	/* CROSS JOIN keeps the death register as the outer loop (it is small;
	 * entitlement has no index on import_id, and a scan of it would cost
	 * as much as the import). New entitlements are approved, unpaid and
	 * never released: only holds can result. */
	rc = db_prepare(db,
			"SELECT e.id, e.period, d.death_day, e.status, e.hold_reason FROM death d"
			" CROSS JOIN beneficiary b CROSS JOIN entitlement e"
			" WHERE b.id_hash = d.id_hash AND e.beneficiary_id = b.id"
			" AND e.import_id = ? AND e.status = 'approved'",
			&sel, err);
	if (!rc) {
		sqlite3_bind_int64(sel, 1, import_id);
		rc = apply_death_rule(db, sel, held, &lifted, err);
	}
	sqlite3_finalize(sel);
	return rc;
}

/*
 * Payments at the bank (pending) for a period that began after the person's
 * death: holds cannot stop them (the order is out), so the import names how
 * many there are (the whole register's) for the operator to intercept. Not
 * those an operator released from a hold (judged alive); subsidy anomalies
 * still lists them while the death record stands.
 */
static int count_pending_after_death(struct db *db, int64_t *n, struct error *err)
{
	sqlite3_stmt *st;
	int step, rc = 0;

	*n = 0;
	if (db_prepare(db,
		       "SELECT e.period, d.death_day FROM death d"
		       " JOIN beneficiary b ON b.id_hash = d.id_hash"
		       " JOIN entitlement e ON e.beneficiary_id = b.id"
		       " JOIN payment y ON y.entitlement_id = e.id WHERE y.status = 'pending'"
		       " AND " NOT_RELEASED_SQL,
		       &st, err))
		return ERR_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ptext = (const char *)sqlite3_column_text(st, 0);
		struct period p;

		if (ptext && period_parse(ptext, strlen(ptext), &p, NULL) == 0 &&
		    (int32_t)sqlite3_column_int64(st, 1) < period_start(&p))
			(*n)++;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(db, err, "查询死亡人员的在途发放");
	sqlite3_finalize(st);
	return rc;
}

int people_awaiting_correction(struct db *db, int64_t entitlement_id, int64_t *payment_id,
			       struct error *err)
{
	sqlite3_stmt *st;
	int step, rc = 0;

	*payment_id = 0;
	if (db_prepare(db,
		       "SELECT y.id FROM payment y WHERE y.entitlement_id = ?"
		       " AND y.status = 'failed'"
		       " AND y.attempt = (SELECT MAX(z.attempt) FROM payment z"
		       "  WHERE z.entitlement_id = y.entitlement_id)"
		       " AND NOT EXISTS (SELECT 1 FROM payment_correction c WHERE c.payment_id = y.id)",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, entitlement_id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*payment_id = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		rc = db_fail(db, err, "查询发放记录");
	sqlite3_finalize(st);
	return rc;
}

int people_reissue_blocked(struct db *db, int64_t entitlement_id, int64_t *payment_id,
			   struct error *err)
{
	struct error e;
	sqlite3_stmt *st;
	int64_t id = 0;
	int step, rc;

	*payment_id = 0;
	if (db_prepare(db,
		       "SELECT y.id FROM payment y WHERE y.entitlement_id = ?"
		       " AND y.status = 'failed'"
		       " AND y.attempt = (SELECT MAX(z.attempt) FROM payment z"
		       "  WHERE z.entitlement_id = y.entitlement_id)"
		       " AND EXISTS (SELECT 1 FROM payment_correction c WHERE c.payment_id = y.id)",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, entitlement_id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, err, "查询发放记录");
	if (!id)
		return 0;
	error_clear(&e);
	rc = batch_bank_said_success(db, id, false, "不会重发", &e);
	if (rc == ERR_INPUT) {
		*payment_id = id;
		return 0;
	}
	if (rc)
		*err = e;
	return rc;
}

/*
 * The entitlement an operator acts on: must exist and be on hold. Fills
 * what the hold commands need and a one-line description.
 */
struct held {
	int64_t programme_id, amount_fen, payment_id; /* payment_id 0: none */
	char period[PERIOD_STRLEN];
	char reason[64];
	char payment_status[16];
};

static int held_load(struct db *db, int64_t id, struct held *h, char *summary, size_t n,
		     struct error *err)
{
	sqlite3_stmt *st;
	int step, rc = 0;

	memset(h, 0, sizeof(*h));
	if (db_prepare(db,
		       "SELECT e.status, COALESCE(e.hold_reason, ''), e.programme_id, p.code,"
		       " e.period, e.amount_fen,"
		       " COALESCE((SELECT y.id FROM payment y WHERE y.entitlement_id = e.id"
		       "  ORDER BY y.attempt DESC LIMIT 1), 0),"
		       " COALESCE((SELECT y.status FROM payment y WHERE y.entitlement_id = e.id"
		       "  ORDER BY y.attempt DESC LIMIT 1), '')"
		       " FROM entitlement e JOIN programme p ON p.id = e.programme_id"
		       " WHERE e.id = ?",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 0);

		snprintf(h->reason, sizeof(h->reason), "%s", sqlite3_column_text(st, 1));
		h->programme_id = sqlite3_column_int64(st, 2);
		snprintf(h->period, sizeof(h->period), "%s", sqlite3_column_text(st, 4));
		h->amount_fen = sqlite3_column_int64(st, 5);
		h->payment_id = sqlite3_column_int64(st, 6);
		snprintf(h->payment_status, sizeof(h->payment_status), "%s",
			 sqlite3_column_text(st, 7));
		snprintf(summary, n, "项目 %s 期间 %s 金额 %lld.%02lld 元",
			 sqlite3_column_text(st, 3), h->period, (long long)(h->amount_fen / 100),
			 (long long)(h->amount_fen % 100));
		if (strcmp(status, "on_hold") != 0 && strcmp(status, "approved") == 0 &&
		    strcmp(h->payment_status, "pending") == 0) {
			/* Not held because the order is at the bank: say what stops it. */
			rc = error_set(err, ERR_INPUT,
				       "应发记录 %lld 没有暂停发放：其发放 %lld 在途（已在批次中），"
				       "如需拦截请用 subsidy payment cancel --payment %lld",
				       (long long)id, (long long)h->payment_id,
				       (long long)h->payment_id);
			error_reason(err, "not_on_hold");
		} else if (strcmp(status, "on_hold") != 0) {
			rc = error_set(err, ERR_INPUT, "应发记录 %lld 没有暂停发放（%s），无需处理",
				       (long long)id,
				       strcmp(status, "cancelled") == 0 ? "已取消" : "正常");
			error_reason(err, "not_on_hold");
		}
	} else if (step == SQLITE_DONE) {
		rc = error_set(err, ERR_INPUT, "应发记录 %lld 不存在", (long long)id);
		error_reason(err, "unknown_entitlement");
	} else {
		rc = db_fail(db, err, "读取应发记录");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Run sql with the one integer parameter id; ERR_IO on failure. */
static int exec_id(struct db *db, const char *sql, int64_t id, const char *what, struct error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (db_prepare(db, sql, &st, err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, err, what);
	sqlite3_finalize(st);
	return rc;
}

int people_hold_release(struct db *db, int64_t entitlement_id, char *summary, size_t n,
			struct error *err)
{
	struct held h;
	int rc;

	if (db_begin(db, err))
		return ERR_IO;
	rc = held_load(db, entitlement_id, &h, summary, n, err);
	if (!rc)
		rc = exec_id(db,
			     "UPDATE entitlement SET status = 'approved',"
			     " hold_reason = 'released: ' || COALESCE(hold_reason, '')"
			     " WHERE id = ?",
			     entitlement_id, "解除暂停", err);
	if (!rc && db_commit(db, err))
		rc = ERR_IO;
	if (rc)
		db_rollback(db);
	return rc;
}

int people_hold_cancel(struct db *db, int64_t entitlement_id, char *summary, size_t n,
		       struct error *err)
{
	enum ledger_account from = LEDGER_UNPAID;
	char ref[64];
	struct held h;
	int rc;

	if (db_begin(db, err))
		return ERR_IO;
	rc = held_load(db, entitlement_id, &h, summary, n, err);
	if (!rc && h.payment_id) {
		/* Holds are only put on unpaid entitlements, so the latest
		 * payment, if any, failed; anything else is not ours to
		 * cancel. */
		if (strcmp(h.payment_status, "failed") != 0)
			rc = error_set(err, ERR_INPUT,
				       "应发记录 %lld 的最近一次发放（%lld）不是失败状态，不能取消",
				       (long long)entitlement_id, (long long)h.payment_id);
		else
			rc = exec_id(db, "UPDATE payment SET status = 'cancelled' WHERE id = ?",
				     h.payment_id, "取消发放记录", err);
		from = LEDGER_FAILED;
	}
	if (!rc)
		rc = exec_id(db, "UPDATE entitlement SET status = 'cancelled' WHERE id = ?",
			     entitlement_id, "取消应发记录", err);
	snprintf(ref, sizeof(ref), "hold cancel %lld", (long long)entitlement_id);
	if (!rc)
		rc = ledger_post_cancel(db, ref, from, h.programme_id, h.period, h.amount_fen, err);
	if (!rc && db_commit(db, err))
		rc = ERR_IO;
	if (rc)
		db_rollback(db);
	return rc;
}

static int import_common(struct db *db, const struct pii_keys *keys, const char *path,
			 const char *encoding, int kind, people_reject_fn reject, void *ctx,
			 struct people_summary *sum, struct error *err)
{
	struct rows rows = {0};
	struct error first;
	/* seen: a death, or an official's (person, village, role), already recorded */
	sqlite3_stmt *st = NULL, *seen = NULL;
	char now[32];
	size_t i;
	int rc;
	/* The caller's transaction when it has one open (the CLI binds the
	 * key in it first, so that a refused import leaves nothing, the
	 * binding included): written in, committed or rolled back by the
	 * caller. Else one of our own. */
	bool own = sqlite3_get_autocommit(db_sqlite(db)) != 0;

	memset(sum, 0, sizeof(*sum));
	error_clear(&first);
	rc = read_rows(keys, path, encoding, kind, reject, ctx, sum, &rows, &first, err);
	if (rc)
		goto out;
	if (sum->rejected) {
		*err = first;
		rc = ERR_INPUT;
		goto out;
	}
	date_now_utc(now, sizeof(now));
	rc = ERR_IO;
	if (own && db_begin(db, err))
		goto out;
	if (kind == 'D') {
		if (db_prepare(
			db,
			"INSERT INTO death(id_hash, id_enc, death_day, file, line, imported_at)"
			" VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id_hash) DO UPDATE SET"
			" death_day = excluded.death_day, file = excluded.file,"
			" line = excluded.line, imported_at = excluded.imported_at"
			" WHERE death.death_day <> excluded.death_day",
			&st, err) ||
		    db_prepare(db, "SELECT 1 FROM death WHERE id_hash = ?", &seen, err))
			goto fail;
	} else {
		/* A later list wins: a new name replaces the old one (and the
		 * time says when); the same name changes nothing. */
		if (db_prepare(db,
			       "INSERT INTO official(id_hash, id_enc, name, village_code, role,"
			       " imported_at) VALUES(?1, ?2, ?7, ?8, ?9, ?6)"
			       " ON CONFLICT(id_hash, village_code, role) DO UPDATE SET"
			       " name = excluded.name, imported_at = excluded.imported_at"
			       " WHERE official.name <> excluded.name",
			       &st, err) ||
		    db_prepare(db,
			       "SELECT 1 FROM official WHERE id_hash = ? AND village_code = ?"
			       " AND role = ?",
			       &seen, err))
			goto fail;
	}
	for (i = 0; i < rows.n; i++) {
		const struct person_row *p = &rows.v[i];
		int64_t before = sqlite3_total_changes(db_sqlite(db));
		int existed, step;

		sqlite3_bind_blob(seen, 1, p->hash, PII_HASHBYTES, SQLITE_STATIC);
		if (kind == 'O') {
			sqlite3_bind_text(seen, 2, p->village, -1, SQLITE_STATIC);
			sqlite3_bind_text(seen, 3, p->role, -1, SQLITE_STATIC);
		}
		step = sqlite3_step(seen);
		sqlite3_reset(seen);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			db_fail(db, err, kind == 'D' ? "查询死亡记录" : "查询公职人员");
			goto fail;
		}
		existed = step == SQLITE_ROW;
		sqlite3_bind_blob(st, 1, p->hash, PII_HASHBYTES, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, p->enc, (int)p->enc_len, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		if (kind == 'D') {
			sqlite3_bind_int64(st, 3, p->day);
			sqlite3_bind_text(st, 4, path, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 5, p->line);
		} else {
			sqlite3_bind_text(st, 7, p->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 8, p->village, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 9, p->role, -1, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_fail(db, err, kind == 'D' ? "写入死亡记录" : "写入公职人员");
			goto fail;
		}
		sqlite3_reset(st);
		if (sqlite3_total_changes(db_sqlite(db)) != before) {
			if (existed)
				sum->updated++;
			else
				sum->added++;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_finalize(seen);
	seen = NULL;
	if (kind == 'D' && (people_apply_death_holds(db, &sum->held, &sum->lifted, err) ||
			    count_pending_after_death(db, &sum->pending_after_death, err)))
		goto fail;
	if (own && db_commit(db, err))
		goto fail;
	rc = 0;
	goto out;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(seen);
	if (own)
		db_rollback(db);
out:
	if (rows.v) {
		memset(rows.v, 0, rows.cap * sizeof(*rows.v));
		free(rows.v);
	}
	free(rows.slot);
	return rc;
}

int deaths_import(struct db *db, const struct pii_keys *keys, const char *path,
		  const char *encoding, people_reject_fn reject, void *ctx,
		  struct people_summary *sum, struct error *err)
{
	return import_common(db, keys, path, encoding, 'D', reject, ctx, sum, err);
}

int officials_import(struct db *db, const struct pii_keys *keys, const char *path,
		     const char *encoding, people_reject_fn reject, void *ctx,
		     struct people_summary *sum, struct error *err)
{
	return import_common(db, keys, path, encoding, 'O', reject, ctx, sum, err);
}
