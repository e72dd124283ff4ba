/*
 * roster.c - roster validation and the bulk import (roster.h,
 * docs/roster.md).
 *
 * The import is a two-stage pipeline so both cores work:
 *   producer  reads the CSV, validates each row (pure checks) and does the
 *             per-row cryptography (keyed hashes, encryption), filling
 *             chunks of items in file order;
 *   consumer  (the calling thread, which owns the database connection)
 *             applies each chunk: finds or creates the person, detects
 *             duplicates through the entitlement key, inserts the account
 *             history and the entitlement, and sums the amounts per
 *             programme-period for the ledger.
 * Everything happens in one transaction, committed at the end (or rolled
 * back: all-or-nothing mode with any reject). A crash at any moment leaves
 * the database as before the command, so re-running it is the recovery.
 *
 * Duplicates need no memory of the file: the entitlement row of the first
 * occurrence is already in the (uncommitted) table with this import's id
 * and its line, so a second occurrence finds it and names that line.
 *
 * A once-programme (一次性发放) is paid to a person at most once, in any
 * period. Only its rows pay for that check: for the people this import
 * created, the (programme, person) pairs it accepted are kept in a compact
 * set in memory (struct oncetable); anyone else is looked up by the
 * entitlement_beneficiary index.
 */
#include "subsidy/roster.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/bankcard.h"
#include "subsidy/idcard.h"
#include "subsidy/ledger.h"
#include "subsidy/mask.h"
#include "subsidy/people.h"
#include "subsidy/programme.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const reason_codes[ROSTER_NREASONS] = {
    [ROSTER_OK] = "",
    [ROSTER_UNKNOWN_PROGRAMME] = "unknown_programme",
    [ROSTER_BAD_PERIOD] = "bad_period",
    [ROSTER_PERIOD_FREQUENCY] = "period_frequency",
    [ROSTER_ID_LENGTH] = "id_length",
    [ROSTER_ID_CHARS] = "id_chars",
    [ROSTER_ID_PROVINCE] = "id_province",
    [ROSTER_ID_BIRTHDATE] = "id_birthdate",
    [ROSTER_ID_FUTURE] = "id_future",
    [ROSTER_ID_CHECKSUM] = "id_checksum",
    [ROSTER_EMPTY_NAME] = "empty_name",
    [ROSTER_BAD_NAME] = "bad_name",
    [ROSTER_BAD_VILLAGE] = "bad_village",
    [ROSTER_UNKNOWN_VILLAGE] = "unknown_village",
    [ROSTER_BANK_LENGTH] = "bank_length",
    [ROSTER_BANK_CHARS] = "bank_chars",
    [ROSTER_BANK_LUHN] = "bank_luhn",
    [ROSTER_BAD_AMOUNT] = "bad_amount",
    [ROSTER_ABOVE_STANDARD] = "above_standard",
    [ROSTER_AGE_RANGE] = "age_range",
    [ROSTER_DUPLICATE_IN_FILE] = "duplicate_in_file",
    [ROSTER_DUPLICATE_IN_DB] = "duplicate_in_db",
    [ROSTER_ONCE_ALREADY] = "once_already",
    [ROSTER_FIELD_COUNT] = "field_count",
    [ROSTER_UNTERMINATED_QUOTE] = "unterminated_quote",
    [ROSTER_BAD_QUOTE] = "bad_quote",
    [ROSTER_FIELD_TOO_LONG] = "field_too_long",
    [ROSTER_RECORD_TOO_LONG] = "record_too_long",
    [ROSTER_TOO_MANY_FIELDS] = "too_many_fields",
    [ROSTER_INVALID_UTF8] = "invalid_utf8",
    [ROSTER_NUL_BYTE] = "nul_byte",
    [ROSTER_BAD_ENCODING] = "bad_encoding",
    [ROSTER_CSV_ERROR] = "csv_error",
};

const char *roster_reason_code(enum roster_reason r)
{
	return (unsigned)r < ROSTER_NREASONS ? reason_codes[r] : "";
}

enum roster_reason roster_reason_from_csv(const char *csv_reason)
{
	int i;

	for (i = ROSTER_FIELD_COUNT; i < ROSTER_CSV_ERROR; i++)
		if (csv_reason && strcmp(csv_reason, reason_codes[i]) == 0)
			return (enum roster_reason)i;
	return ROSTER_CSV_ERROR;
}

/* ---- validation (pure) ---- */

static enum roster_reason fail(long *column, long col, char *msg, size_t n, enum roster_reason r,
			       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static enum roster_reason fail(long *column, long col, char *msg, size_t n, enum roster_reason r,
			       const char *fmt, ...)
{
	va_list ap;

	char *q;

	*column = col;
	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	/* A quoted field may hold a newline or a terminal escape (quoted
	 * fields keep them): the message goes to a terminal and to one line
	 * of the reject file, so control characters become '?'. */
	for (q = msg; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	return r;
}

/*
 * A field quoted in a message: at most 40 bytes, cut on a UTF-8 boundary,
 * and never a value with as many digits as an ID number or account (a
 * misplaced column would copy it to stderr and the reject file):
 * mask_quote withholds those. q: at least QUOTE_BUF bytes.
 */
#define QUOTE_BUF 128
static const char *quote(const char *s, size_t len, char *q)
{
	mask_quote(s, len, 40, q, QUOTE_BUF);
	return q;
}

static bool all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return len > 0;
}

static uint64_t digits_value(const char *s, size_t len)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

static bool village_known(const struct roster_villages *v, uint64_t code)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->code[mid] == code)
			return true;
		if (v->code[mid] < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

enum roster_reason roster_validate(const struct roster_context *ctx, const struct csv_record *rec,
				   struct roster_row *row, long *column, char *msg, size_t n)
{
	const char *const *f = rec->field;
	const size_t *len = rec->len;
	const struct programme *p;
	enum idcard_status ids;
	enum bankcard_status bs;
	struct idcard id;
	struct error perr;
	char q[QUOTE_BUF];
	size_t i;

	if (rec->n != ROSTER_FIELDS)
		return fail(column, 0, msg, n, ROSTER_FIELD_COUNT, "应有 %d 列，实有 %zu 列",
			    ROSTER_FIELDS, rec->n);
	memset(row, 0, sizeof(*row));

	p = programme_list_find(ctx->programmes, f[0], len[0]);
	if (!p)
		return fail(column, 1, msg, n, ROSTER_UNKNOWN_PROGRAMME, "未知的补贴项目 '%s'",
			    quote(f[0], len[0], q));
	row->programme = p;

	error_clear(&perr);
	if (period_parse(f[1], len[1], &row->period, &perr))
		return fail(column, 2, msg, n, ROSTER_BAD_PERIOD, "期间 '%s' 无效",
			    quote(f[1], len[1], q));
	if (!programme_period_ok(p->frequency, row->period.type))
		return fail(column, 2, msg, n, ROSTER_PERIOD_FREQUENCY,
			    "期间 '%s' 与项目 '%s' 的发放频次（%s）不符", quote(f[1], len[1], q),
			    p->code, programme_frequency_label(p->frequency));
	period_format(&row->period, row->period_text, sizeof(row->period_text));

	ids = idcard_parse(f[2], len[2], ctx->today, &id);
	if (ids != IDCARD_OK) {
		static const enum roster_reason map[] = {
		    [IDCARD_LENGTH] = ROSTER_ID_LENGTH,
		    [IDCARD_CHARS] = ROSTER_ID_CHARS,
		    [IDCARD_PROVINCE] = ROSTER_ID_PROVINCE,
		    [IDCARD_BIRTHDATE] = ROSTER_ID_BIRTHDATE,
		    [IDCARD_FUTURE] = ROSTER_ID_FUTURE,
		    [IDCARD_CHECKSUM] = ROSTER_ID_CHECKSUM,
		};
		enum roster_reason r =
		    (unsigned)ids < sizeof(map) / sizeof(map[0]) ? map[ids] : ROSTER_ID_CHARS;

		return fail(column, 3, msg, n, r ? r : ROSTER_ID_CHARS, "%s", idcard_message(ids));
	}
	memcpy(row->id, id.number, sizeof(row->id));
	row->birth = id.birth;
	row->female = id.female;

	if (len[3] == 0)
		return fail(column, 4, msg, n, ROSTER_EMPTY_NAME, "姓名为空");
	for (i = 0; i < len[3]; i++) {
		unsigned char c = (unsigned char)f[3][i];

		if (c < 0x20 || c == 0x7f)
			break;
	}
	if (i < len[3] || len[3] > ROSTER_NAME_MAX || f[3][0] == ' ' || f[3][len[3] - 1] == ' ')
		return fail(column, 4, msg, n, ROSTER_BAD_NAME,
			    "姓名过长（最多 %d 字节）、首尾有空格或含控制字符", ROSTER_NAME_MAX);
	/* A name opened in a spreadsheet (reject files, CSV lists) must not
	 * run as a formula; no real name starts like this. */
	if (mask_formula_like(f[3], len[3]))
		return fail(column, 4, msg, n, ROSTER_BAD_NAME,
			    "姓名不能以 = + - @ 开头（电子表格会当作公式）");
	row->name = f[3];
	row->name_len = len[3];

	if (len[4] != 12 || !all_digits(f[4], 12))
		return fail(column, 5, msg, n, ROSTER_BAD_VILLAGE,
			    "村（社区）代码 '%s' 无效（应为 12 位数字）", quote(f[4], len[4], q));
	if (ctx->villages && ctx->villages->n &&
	    !village_known(ctx->villages, digits_value(f[4], 12)))
		return fail(column, 5, msg, n, ROSTER_UNKNOWN_VILLAGE,
			    "未知的村（社区）代码 '%.12s'", f[4]);
	memcpy(row->village, f[4], 12);
	row->village[12] = '\0';
	memcpy(row->county, f[4], 6);
	row->county[6] = '\0';

	bs = bankcard_check(f[5], len[5]);
	if (bs != BANKCARD_OK)
		return fail(column, 6, msg, n,
			    bs == BANKCARD_LENGTH  ? ROSTER_BANK_LENGTH
			    : bs == BANKCARD_CHARS ? ROSTER_BANK_CHARS
						   : ROSTER_BANK_LUHN,
			    "%s", bankcard_message(bs));
	memcpy(row->account, f[5], len[5]);
	row->account[len[5]] = '\0';
	row->account_len = len[5];

	for (i = 0; i < len[6] && f[6][i] == '0'; i++)
		; /* leading zeros: 0090000 is 90000 */
	if (!all_digits(f[6], len[6]) || i == len[6])
		return fail(column, 7, msg, n, ROSTER_BAD_AMOUNT,
			    "金额 '%s' 无效（应为正整数，单位分）", quote(f[6], len[6], q));
	/* at most 10^12 fen (10 billion yuan): far above any real payment */
	if (len[6] - i > 13 || digits_value(f[6] + i, len[6] - i) > UINT64_C(1000000000000))
		return fail(column, 7, msg, n, ROSTER_BAD_AMOUNT,
			    "金额 '%s' 过大（最多 1000000000000 分）", quote(f[6], len[6], q));
	row->amount_fen = (int64_t)digits_value(f[6] + i, len[6] - i);
	if (p->standard_fen > 0 && row->amount_fen > p->standard_fen)
		return fail(column, 7, msg, n, ROSTER_ABOVE_STANDARD,
			    "金额 %lld 分超过项目 '%s' 的标准 %lld 分", (long long)row->amount_fen,
			    p->code, (long long)p->standard_fen);

	if (p->min_age >= 0 || p->max_age >= 0) {
		struct date start = date_from_days(period_start(&row->period));
		int age = idcard_age_at(&id, start);

		if (age < 0 || (p->min_age >= 0 && age < p->min_age) ||
		    (p->max_age >= 0 && age > p->max_age)) {
			char range[64];

			if (p->max_age < 0)
				snprintf(range, sizeof(range), "%d 岁以上", p->min_age);
			else
				snprintf(range, sizeof(range), "%d 至 %d 岁",
					 p->min_age < 0 ? 0 : p->min_age, p->max_age);
			if (age < 0)
				return fail(column, 3, msg, n, ROSTER_AGE_RANGE,
					    "期间开始时尚未出生，不符合项目 '%s' 的年龄范围（%s）",
					    p->code, range);
			return fail(column, 3, msg, n, ROSTER_AGE_RANGE,
				    "期间开始时 %d 岁，不符合项目 '%s' 的年龄范围（%s）", age,
				    p->code, range);
		}
	}
	return ROSTER_OK;
}

/* ---- villages ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int roster_villages_load(struct db *db, struct roster_villages *v, struct error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step;

	v->code = NULL;
	v->n = 0;
	/* the tracker's table may be absent (a subsidy-only database) */
	if (db_prepare(db,
		       "SELECT 1 FROM sqlite_master WHERE type = 'table'"
		       " AND name = 'orgunit'",
		       &st, err))
		return ERR_IO;
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return 0;
	if (db_prepare(db, "SELECT code FROM orgunit WHERE level = 5", &st, err))
		return ERR_IO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		size_t len = c ? strlen(c) : 0;

		if (len != 12 || !all_digits(c, 12))
			continue; /* not a code a roster could name */
		if (v->n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			uint64_t *nv = realloc(v->code, nc * sizeof(*nv));

			if (!nv) {
				sqlite3_finalize(st);
				roster_villages_free(v);
				return error_set(err, ERR_NOMEM, "内存不足");
			}
			v->code = nv;
			cap = nc;
		}
		v->code[v->n++] = digits_value(c, 12);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		roster_villages_free(v);
		return db_fail(db, err, "读取村（社区）");
	}
	if (v->n)
		qsort(v->code, v->n, sizeof(*v->code), cmp_u64);
	return 0;
}

void roster_villages_free(struct roster_villages *v)
{
	if (!v)
		return;
	free(v->code);
	v->code = NULL;
	v->n = 0;
}

int roster_total_add(int64_t *total, int64_t fen)
{
	int64_t r;

	if (__builtin_add_overflow(*total, fen, &r))
		return ERR_INPUT;
	*total = r;
	return 0;
}

/* ---- the pipeline ---- */

#define CHUNK_ITEMS 2048
#define NCHUNKS 4

/* One row after the producer: either a reject or everything to store. */
struct item {
	long line;
	enum roster_reason reason;
	long column;
	char msg[320];
	/* valid rows only */
	const struct programme *programme;
	char period[PERIOD_STRLEN];
	int32_t birth_day;
	int female;
	char name[ROSTER_NAME_MAX + 1];
	char village[13];
	char county[7];
	char last4[5];
	unsigned char id_hash[PII_HASHBYTES];
	unsigned char id_enc[18 + PII_OVERHEAD];
	unsigned char acct_hash[PII_HASHBYTES];
	unsigned char acct_enc[19 + PII_OVERHEAD];
	unsigned char acct_enc_len;
	int64_t amount_fen;
};

struct chunk {
	struct item *items;
	size_t n;
	bool last; /* the producer has no more after this one */
	int rc;	   /* producer failure (ERR_IO) with err below */
	struct error err;
};

struct producer {
	struct csv_reader *r;
	const struct roster_context *ctx;
	const struct pii_keys *keys;
	bool done;
	/* cache of the last person and account (rows often repeat them) */
	char last_id[19];
	unsigned char last_id_hash[PII_HASHBYTES];
	unsigned char last_id_enc[18 + PII_OVERHEAD];
	char last_acct[20];
	unsigned char last_acct_owner[PII_HASHBYTES]; /* the ID hash it is bound to */
	unsigned char last_acct_hash[PII_HASHBYTES];
	unsigned char last_acct_enc[19 + PII_OVERHEAD];
};

static void produce_row(struct producer *p, const struct csv_record *rec, struct item *it)
{
	struct roster_row row;

	it->line = rec->line;
	it->reason = roster_validate(p->ctx, rec, &row, &it->column, it->msg, sizeof(it->msg));
	if (it->reason != ROSTER_OK)
		return;
	it->programme = row.programme;
	memcpy(it->period, row.period_text, sizeof(it->period));
	it->birth_day = date_to_days(row.birth);
	it->female = row.female;
	memcpy(it->name, row.name, row.name_len);
	it->name[row.name_len] = '\0';
	memcpy(it->village, row.village, sizeof(it->village));
	memcpy(it->county, row.county, sizeof(it->county));
	memcpy(it->last4, row.account + row.account_len - 4, 5);
	if (strcmp(p->last_id, row.id) != 0) {
		pii_hash(p->keys, PII_ID, row.id, 18, p->last_id_hash);
		pii_encrypt(p->keys, PII_ID, row.id, 18, p->last_id_hash, p->last_id_enc);
		memcpy(p->last_id, row.id, sizeof(p->last_id));
	}
	memcpy(it->id_hash, p->last_id_hash, PII_HASHBYTES);
	memcpy(it->id_enc, p->last_id_enc, sizeof(it->id_enc));
	/* The account's ciphertext is bound to its person (pii.h): the cache
	 * holds for the same account of the same person only. */
	if (strcmp(p->last_acct, row.account) != 0 ||
	    memcmp(p->last_acct_owner, p->last_id_hash, PII_HASHBYTES) != 0) {
		pii_hash(p->keys, PII_ACCOUNT, row.account, row.account_len, p->last_acct_hash);
		pii_encrypt_owned(p->keys, PII_ACCOUNT, row.account, row.account_len,
				  p->last_acct_hash, p->last_id_hash, p->last_acct_enc);
		memcpy(p->last_acct, row.account, row.account_len + 1);
		memcpy(p->last_acct_owner, p->last_id_hash, PII_HASHBYTES);
	}
	memcpy(it->acct_hash, p->last_acct_hash, PII_HASHBYTES);
	it->acct_enc_len = (unsigned char)(row.account_len + PII_OVERHEAD);
	memcpy(it->acct_enc, p->last_acct_enc, it->acct_enc_len);
	it->amount_fen = row.amount_fen;
}

/* Fill one chunk from the reader. */
static void produce_chunk(struct producer *p, struct chunk *c)
{
	struct csv_record rec;
	struct error err;

	c->n = 0;
	c->last = false;
	c->rc = 0;
	while (c->n < CHUNK_ITEMS && !p->done) {
		struct item *it = &c->items[c->n];
		int rc;

		error_clear(&err);
		rc = csv_next(p->r, &rec, &err);
		if (rc == ERR_INPUT) {
			/* a structural error: a reject, then read on (after a
			 * fatal one the reader reports the end of input) */
			memset(it, 0, sizeof(*it));
			it->line = err.line;
			it->column = err.column;
			it->reason = roster_reason_from_csv(err.reason);
			snprintf(it->msg, sizeof(it->msg), "%.300s", err.msg);
			c->n++;
			continue;
		}
		if (rc) {
			c->rc = rc;
			c->err = err;
			p->done = true;
			break;
		}
		if (rec.n == 0) {
			p->done = true;
			break;
		}
		produce_row(p, &rec, it);
		c->n++;
	}
	c->last = p->done;
}

/* Chunks move free -> full (producer) -> free (consumer). */
struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk chunks[NCHUNKS];
	size_t head, count; /* full chunks: ring from head */
	bool stop;	    /* consumer gave up */
	struct producer *prod;
};

static void *producer_main(void *arg)
{
	struct queue *q = arg;
	size_t slot = 0;

	for (;;) {
		struct chunk *c;

		pthread_mutex_lock(&q->mu);
		while (q->count == NCHUNKS && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stop) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		slot = (q->head + q->count) % NCHUNKS;
		c = &q->chunks[slot];
		pthread_mutex_unlock(&q->mu);

		produce_chunk(q->prod, c);

		pthread_mutex_lock(&q->mu);
		q->count++;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (c->last || c->rc)
			return NULL;
	}
}

/* ---- the consumer: database work ---- */

/* Sum per programme-period, for the ledger (open addressing). */
struct ppsum {
	const struct programme *programme;
	char period[PERIOD_STRLEN];
	int64_t fen;
};

struct pptable {
	struct ppsum *slot;
	size_t cap, n;
};

static uint64_t pp_hash(const struct programme *p, const char *period)
{
	uint64_t h = (uint64_t)(uintptr_t)p * UINT64_C(0x9E3779B97F4A7C15);
	const unsigned char *s = (const unsigned char *)period;

	while (*s)
		h = (h ^ *s++) * UINT64_C(0x100000001B3);
	return h;
}

/* 0, ERR_NOMEM, or ERR_INPUT when the programme-period's sum would
 * overflow (the slot is left as it was). */
static int pp_add(struct pptable *t, const struct programme *p, const char *period, int64_t fen)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64, j;
		struct ppsum *ns = calloc(nc, sizeof(*ns));

		if (!ns)
			return ERR_NOMEM;
		for (j = 0; j < t->cap; j++) {
			if (!t->slot[j].programme)
				continue;
			i = pp_hash(t->slot[j].programme, t->slot[j].period) & (nc - 1);
			while (ns[i].programme)
				i = (i + 1) & (nc - 1);
			ns[i] = t->slot[j];
		}
		free(t->slot);
		t->slot = ns;
		t->cap = nc;
	}
	i = pp_hash(p, period) & (t->cap - 1);
	while (t->slot[i].programme &&
	       (t->slot[i].programme != p || strcmp(t->slot[i].period, period) != 0))
		i = (i + 1) & (t->cap - 1);
	if (!t->slot[i].programme) {
		t->slot[i].programme = p;
		memcpy(t->slot[i].period, period, PERIOD_STRLEN);
		t->n++;
	}
	return roster_total_add(&t->slot[i].fen, fen);
}

static int cmp_ppsum(const void *a, const void *b)
{
	const struct ppsum *x = a, *y = b;
	int c;

	if (!x->programme || !y->programme)
		return !x->programme - !y->programme;
	c = strcmp(x->programme->code, y->programme->code);
	return c ? c : strcmp(x->period, y->period);
}

/*
 * The once-programme entitlements this import accepted for people it
 * created, as a set of (programme, person) keys. Such a person can have no
 * entitlement from before the import, so a key not in the set means the row
 * may go on without a look-up; every other once-row is checked against the
 * database (once_taken). The set only says whether: the period and line of
 * the first row, for the message, are read back from the entitlement table
 * when a conflict is reported (this import's rows are there, uncommitted,
 * and a pair in the set has exactly one row: a second was rejected).
 *
 * One 64-bit key per slot (the person's id shifted left by 16 bits, the
 * programme's id in the low 16; 0 marks an empty slot), linear probing, at
 * most 3/4 full: 8 bytes a slot where a slot holding the ids, period and
 * line took 40 at half load (about 10-21 bytes a pair against 80-160; at 28
 * million rows with 2 million once-rows, 32 MiB instead of 160).
 */
#define ONCE_PROGRAMME_BITS 16

struct oncetable {
	uint64_t *slot;
	size_t cap, n; /* cap: 0 or a power of two */
};

/* The key of a pair, or 0 when the ids do not fit it (then the database is
 * asked, as for a person from an earlier import). */
static uint64_t once_key(int64_t programme_id, int64_t ben)
{
	if (programme_id <= 0 || programme_id >= INT64_C(1) << ONCE_PROGRAMME_BITS || ben <= 0 ||
	    ben >= INT64_C(1) << (64 - ONCE_PROGRAMME_BITS))
		return 0;
	return (uint64_t)ben << ONCE_PROGRAMME_BITS | (uint64_t)programme_id;
}

/* The slot holding key, or the empty slot where it would go (cap > 0). */
static size_t once_slot(const uint64_t *slot, size_t cap, uint64_t key)
{
	uint64_t h = key * UINT64_C(0x9E3779B97F4A7C15);
	size_t i = (size_t)(h ^ (h >> 32)) & (cap - 1);

	while (slot[i] && slot[i] != key)
		i = (i + 1) & (cap - 1);
	return i;
}

static bool once_has(const struct oncetable *t, uint64_t key)
{
	return key && t->cap && t->slot[once_slot(t->slot, t->cap, key)] == key;
}

static int once_add(struct oncetable *t, uint64_t key)
{
	size_t i;

	if (!key)
		return 0;
	if ((t->n + 1) * 4 > t->cap * 3) {
		size_t nc = t->cap ? t->cap * 2 : 256, j;
		uint64_t *ns;

		if (nc > SIZE_MAX / sizeof(*ns) || !(ns = calloc(nc, sizeof(*ns))))
			return ERR_NOMEM;
		for (j = 0; j < t->cap; j++)
			if (t->slot[j])
				ns[once_slot(ns, nc, t->slot[j])] = t->slot[j];
		free(t->slot);
		t->slot = ns;
		t->cap = nc;
	}
	i = once_slot(t->slot, t->cap, key);
	if (!t->slot[i]) {
		t->slot[i] = key;
		t->n++;
	}
	return 0;
}

enum {
	ST_INS_BEN,
	ST_SEL_BEN,
	ST_UPD_BEN,
	ST_SEL_ENT,
	ST_SEL_ONCE,
	ST_SEL_ACCT,
	ST_SEL_CORRECTED,
	ST_CLOSE_ACCT,
	ST_INS_ACCT,
	ST_INS_ENT,
	ST_COUNT
};

static const char *const consumer_sql[ST_COUNT] = {
    [ST_INS_BEN] = "INSERT INTO beneficiary(id_hash, id_enc, name,"
		   " village_code, female, birth_day, import_id)"
		   " VALUES(?, ?, ?, ?, ?, ?, ?)"
		   " ON CONFLICT(id_hash) DO NOTHING",
    [ST_SEL_BEN] = "SELECT id, name, village_code, import_id FROM beneficiary"
		   " WHERE id_hash = ?",
    [ST_UPD_BEN] = "UPDATE beneficiary SET name = ?, village_code = ?"
		   " WHERE id = ?",
    [ST_SEL_ENT] = "SELECT import_id, line FROM entitlement"
		   " WHERE programme_id = ? AND period = ? AND beneficiary_id = ?",
    /* by the person (entitlement_beneficiary: a person has few rows); the
     * unary + keeps the planner off the (programme, period, person) index,
     * whose programme prefix would walk all of the programme's rows */
    [ST_SEL_ONCE] = "SELECT period, import_id, line FROM entitlement"
		    " WHERE beneficiary_id = ? AND +programme_id = ?"
		    " ORDER BY period, import_id, line LIMIT 1",
    [ST_SEL_ACCT] = "SELECT id, acct_hash FROM bank_account"
		    " WHERE beneficiary_id = ? AND valid_to IS NULL",
    /* whether the account (?2) of the person (?1) is one a payment
     * correction replaced: the row just before a correction's row in the
     * person's history (payment_correct closes the current account and adds
     * the new one, source 'correction <payment>', in one transaction; the
     * history only grows, so ids are in that order) */
    [ST_SEL_CORRECTED] = "SELECT 1 FROM bank_account n"
			 " WHERE n.beneficiary_id = ?1 AND n.source LIKE 'correction %'"
			 " AND (SELECT o.acct_hash FROM bank_account o"
			 "  WHERE o.beneficiary_id = ?1 AND o.id < n.id"
			 "  ORDER BY o.id DESC LIMIT 1) = ?2"
			 " LIMIT 1",
    [ST_CLOSE_ACCT] = "UPDATE bank_account SET valid_to = ? WHERE id = ?",
    [ST_INS_ACCT] = "INSERT INTO bank_account(beneficiary_id, acct_hash,"
		    " acct_enc, last4, is_sscard, valid_from, source)"
		    " VALUES(?, ?, ?, ?, 1, ?, 'roster')",
    [ST_INS_ENT] = "INSERT INTO entitlement(programme_id, period,"
		   " beneficiary_id, amount_fen, county_code, village_code,"
		   " account_id, import_id, line)"
		   " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

/*
 * The person of the previous accepted row. Rosters list a person's
 * programmes together, so the next row is often the same person: then the
 * look-ups of the person and the account are skipped, and for a person
 * created by this import (who can have no earlier entitlements) the
 * duplicate check is done in memory.
 */
#define LAST_PP 16

struct last_person {
	bool valid;
	bool fresh;   /* created by this row's import, at its first row */
	bool created; /* created by this import (fresh, or met again later) */
	unsigned char id_hash[PII_HASHBYTES];
	int64_t ben;
	char name[ROSTER_NAME_MAX + 1];
	char village[13];
	unsigned char acct_hash[PII_HASHBYTES]; /* the account the roster names */
	int64_t acct;				/* the account the entitlement gets */
	bool acct_corrected; /* acct_hash was corrected away: acct is the current one */
	size_t npp;	     /* may exceed LAST_PP: then not all kept */
	struct {
		const struct programme *programme;
		char period[PERIOD_STRLEN];
		long line;
	} pp[LAST_PP];
};

struct consumer {
	struct db *db;
	struct last_person last;
	const struct roster_options *opt;
	struct roster_summary *sum;
	sqlite3_stmt *st[ST_COUNT];
	int64_t import_id;
	char now[32];
	struct pptable pp;
	struct oncetable once;
	FILE *rejects;
	struct buf line;
	struct error *err;
};

static int step_done(struct consumer *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(c->db, c->err, what);
	return 0;
}

static int reject(struct consumer *c, long line, long column, enum roster_reason r, const char *msg)
{
	const char *code = roster_reason_code(r);

	c->sum->rejected++;
	c->sum->by_reason[r]++;
	if (c->opt->on_reject)
		c->opt->on_reject(c->opt->ctx, line, column, code, msg);
	if (c->rejects) {
		buf_reset(&c->line);
		if (buf_printf(&c->line, "%ld,%ld,%s,", line, column, code) ||
		    csv_write_field(&c->line, msg, strlen(msg)) || buf_addc(&c->line, '\n'))
			return error_set(c->err, ERR_NOMEM, "内存不足");
		if (fwrite(c->line.data, 1, c->line.len, c->rejects) != c->line.len)
			return error_set(c->err, ERR_IO, "无法写入拒绝文件 '%s'",
					 c->opt->rejects_path);
	}
	return 0;
}

/* 1 when the roster's account is one a payment correction replaced for
 * this person (ST_SEL_CORRECTED), 0 when not, ERR_IO (negated) on failure. */
static int corrected_away(struct consumer *c, int64_t ben, const struct item *it)
{
	sqlite3_stmt *st = c->st[ST_SEL_CORRECTED];
	int rc;

	sqlite3_bind_int64(st, 1, ben);
	sqlite3_bind_blob(st, 2, it->acct_hash, PII_HASHBYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE) {
		db_fail(c->db, c->err, "查询账户更正");
		return -ERR_IO;
	}
	return 0;
}

/*
 * The account id for the row's entitlement: the person's current account,
 * after adding a new history row when the roster names a different
 * account. Not when the roster names an account a payment correction
 * replaced (a department's list still carrying the account the bank
 * refused): the correction stands, the current account is kept and the row
 * counted (sum->kept_corrected, *corrected set). Only for a person created
 * earlier: one created by this import has no account yet (fresh).
 */
static int current_account(struct consumer *c, int64_t ben, bool fresh, const struct item *it,
			   int64_t *acct, bool *corrected)
{
	sqlite3_stmt *st = c->st[ST_SEL_ACCT];
	int rc = SQLITE_DONE;

	*corrected = false;
	sqlite3_bind_int64(st, 1, ben);
	if (!fresh) /* a person created by this import has no account yet */
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		bool same = sqlite3_column_bytes(st, 1) == PII_HASHBYTES &&
			    memcmp(sqlite3_column_blob(st, 1), it->acct_hash, PII_HASHBYTES) == 0;
		int k;

		sqlite3_reset(st);
		if (same) {
			*acct = id;
			return 0;
		}
		k = corrected_away(c, ben, it);
		if (k < 0)
			return -k;
		if (k) {
			*acct = id;
			*corrected = true;
			c->sum->kept_corrected++;
			return 0;
		}
		sqlite3_bind_text(c->st[ST_CLOSE_ACCT], 1, c->now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(c->st[ST_CLOSE_ACCT], 2, id);
		if (step_done(c, c->st[ST_CLOSE_ACCT], "结束旧账户"))
			return ERR_IO;
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(c->db, c->err, "查询账户");
	}
	st = c->st[ST_INS_ACCT];
	sqlite3_bind_int64(st, 1, ben);
	sqlite3_bind_blob(st, 2, it->acct_hash, PII_HASHBYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, it->acct_enc, it->acct_enc_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, it->last4, 4, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->now, -1, SQLITE_STATIC);
	if (step_done(c, st, "写入账户"))
		return ERR_IO;
	*acct = sqlite3_last_insert_rowid(db_sqlite(c->db));
	c->sum->new_accounts++;
	return 0;
}

static int reject_duplicate(struct consumer *c, const struct item *it, int64_t imp, int64_t line)
{
	char msg[320];

	if (imp == c->import_id) {
		snprintf(msg, sizeof(msg), "与第 %lld 行重复（同一项目、期间和身份证号）",
			 (long long)line);
		return reject(c, it->line, 3, ROSTER_DUPLICATE_IN_FILE, msg);
	}
	snprintf(msg, sizeof(msg),
		 "项目 '%s' 期间 %s 已有此人的应发记录（第 %lld 次导入第 %lld 行）",
		 it->programme->code, it->period, (long long)imp, (long long)line);
	return reject(c, it->line, 3, ROSTER_DUPLICATE_IN_DB, msg);
}

/* 1 when the identity exists (reject sent), 0 when not, ERR_IO. */
static int known_identity(struct consumer *c, const struct item *it, int64_t ben, int *rc_out)
{
	sqlite3_stmt *st = c->st[ST_SEL_ENT];
	int rc;

	*rc_out = 0;
	sqlite3_bind_int64(st, 1, it->programme->id);
	sqlite3_bind_text(st, 2, it->period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ben);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t imp = sqlite3_column_int64(st, 0);
		int64_t line = sqlite3_column_int64(st, 1);

		sqlite3_reset(st);
		*rc_out = reject_duplicate(c, it, imp, line);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*rc_out = db_fail(c->db, c->err, "查询应发记录");
		return 1;
	}
	return 0;
}

/*
 * A once-programme row for a person who has that programme in another
 * period, found in the database (this import's rows included). A person
 * created by this import is looked up only when the set of its pairs holds
 * this one. 1 when so (reject sent, or ERR_IO in *rc_out), 0 when the row
 * may go on. Run after the duplicate checks, so the same period stays a
 * duplicate.
 */
static int once_taken(struct consumer *c, const struct item *it, int64_t ben, bool created,
		      int *rc_out)
{
	sqlite3_stmt *st = c->st[ST_SEL_ONCE];
	uint64_t key;
	char msg[320];
	int rc;

	*rc_out = 0;
	if (it->programme->frequency != FREQ_ONCE)
		return 0;
	key = once_key(it->programme->id, ben);
	if (created && key && !once_has(&c->once, key))
		return 0; /* no entitlement before this import, none in it */
	sqlite3_bind_int64(st, 1, ben);
	sqlite3_bind_int64(st, 2, it->programme->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *period = (const char *)sqlite3_column_text(st, 0);
		int64_t imp = sqlite3_column_int64(st, 1);
		int64_t line = sqlite3_column_int64(st, 2);

		if (imp == c->import_id)
			snprintf(msg, sizeof(msg),
				 "一次性项目 '%s' 此人已有 %.16s 期间的应发记录（本文件第 %lld 行）",
				 it->programme->code, period ? period : "?", (long long)line);
		else
			snprintf(msg, sizeof(msg),
				 "一次性项目 '%s' 此人已有 %.16s 期间的应发记录（第 %lld 次导入第 %lld "
				 "行）",
				 it->programme->code, period ? period : "?", (long long)imp,
				 (long long)line);
		sqlite3_reset(st);
		*rc_out = reject(c, it->line, 3, ROSTER_ONCE_ALREADY, msg);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*rc_out = db_fail(c->db, c->err, "查询应发记录");
		return 1;
	}
	return 0;
}

static int update_person(struct consumer *c, const struct item *it, int64_t ben)
{
	sqlite3_stmt *st = c->st[ST_UPD_BEN];

	sqlite3_bind_text(st, 1, it->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, it->village, 12, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ben);
	return step_done(c, st, "更新人员");
}

/* The import refused: the accepted amounts no longer fit a total. */
static int total_overflow(struct consumer *c, const struct item *it)
{
	return error_at_reason(c->err, ERR_INPUT, c->opt->path, it->line, 7, "total_overflow",
			       "应发金额合计超出可记录的上限（%lld 分），未导入任何数据；"
			       "请把名册分成几个文件分别导入",
			       (long long)INT64_MAX);
}

/* created: the person was created by this import (once_taken) */
static int insert_entitlement(struct consumer *c, const struct item *it, int64_t ben, int64_t acct,
			      bool created)
{
	sqlite3_stmt *st = c->st[ST_INS_ENT];
	struct last_person *lp = &c->last;
	int rc;

	sqlite3_bind_int64(st, 1, it->programme->id);
	sqlite3_bind_text(st, 2, it->period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ben);
	sqlite3_bind_int64(st, 4, it->amount_fen);
	sqlite3_bind_text(st, 5, it->county, 6, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, it->village, 12, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, acct);
	sqlite3_bind_int64(st, 8, c->import_id);
	sqlite3_bind_int64(st, 9, it->line);
	if (step_done(c, st, "写入应发记录"))
		return ERR_IO;
	/* Amounts are at most 10^12 fen a row, so only millions of rows near
	 * that cap reach INT64_MAX: the import is refused as a whole (rolled
	 * back), naming the row where the total went over. The import total
	 * is checked first; it bounds every programme-period's sum. */
	if (roster_total_add(&c->sum->accepted_fen, it->amount_fen))
		return total_overflow(c, it);
	rc = pp_add(&c->pp, it->programme, it->period, it->amount_fen);
	if (rc == ERR_INPUT)
		return total_overflow(c, it);
	if (rc)
		return error_set(c->err, ERR_NOMEM, "内存不足");
	if (it->programme->frequency == FREQ_ONCE && created &&
	    once_add(&c->once, once_key(it->programme->id, ben)))
		return error_set(c->err, ERR_NOMEM, "内存不足");
	if (lp->npp < LAST_PP) {
		lp->pp[lp->npp].programme = it->programme;
		memcpy(lp->pp[lp->npp].period, it->period, PERIOD_STRLEN);
		lp->pp[lp->npp].line = it->line;
	}
	lp->npp++;
	c->sum->accepted++;
	return 0;
}

/* The same person as the previous accepted row. */
static int apply_same_person(struct consumer *c, const struct item *it)
{
	struct last_person *lp = &c->last;
	size_t i, kept = lp->npp < LAST_PP ? lp->npp : LAST_PP;
	int rc;

	for (i = 0; i < kept; i++)
		if (lp->pp[i].programme == it->programme &&
		    strcmp(lp->pp[i].period, it->period) == 0)
			return reject_duplicate(c, it, c->import_id, lp->pp[i].line);
	/* an earlier import may hold the identity, or (past LAST_PP) an
	 * earlier row of this one */
	if ((!lp->fresh || lp->npp > LAST_PP) && known_identity(c, it, lp->ben, &rc))
		return rc;
	if (once_taken(c, it, lp->ben, lp->created, &rc))
		return rc;
	if (strcmp(lp->name, it->name) != 0 || strcmp(lp->village, it->village) != 0) {
		if (update_person(c, it, lp->ben))
			return ERR_IO;
		memcpy(lp->name, it->name, sizeof(lp->name));
		memcpy(lp->village, it->village, sizeof(lp->village));
	}
	if (memcmp(lp->acct_hash, it->acct_hash, PII_HASHBYTES) != 0) {
		if (current_account(c, lp->ben, false, it, &lp->acct, &lp->acct_corrected))
			return ERR_IO;
		memcpy(lp->acct_hash, it->acct_hash, PII_HASHBYTES);
	} else if (lp->acct_corrected) {
		c->sum->kept_corrected++; /* the same corrected-away account again */
	}
	return insert_entitlement(c, it, lp->ben, lp->acct, lp->created);
}

static int apply_item(struct consumer *c, const struct item *it)
{
	struct last_person *lp = &c->last;
	sqlite3_stmt *st;
	int64_t ben, acct = 0;
	bool fresh, created, corrected, same_name = true, same_village = true;
	int rc;

	if (it->reason != ROSTER_OK)
		return reject(c, it->line, it->column, it->reason, it->msg);
	if (lp->valid && memcmp(lp->id_hash, it->id_hash, PII_HASHBYTES) == 0)
		return apply_same_person(c, it);

	st = c->st[ST_INS_BEN];
	sqlite3_bind_blob(st, 1, it->id_hash, PII_HASHBYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, it->id_enc, sizeof(it->id_enc), SQLITE_STATIC);
	sqlite3_bind_text(st, 3, it->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, it->village, 12, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, it->female);
	sqlite3_bind_int(st, 6, it->birth_day);
	sqlite3_bind_int64(st, 7, c->import_id);
	if (step_done(c, st, "写入人员"))
		return ERR_IO;
	fresh = sqlite3_changes(db_sqlite(c->db)) == 1;
	created = fresh;
	if (fresh) {
		ben = sqlite3_last_insert_rowid(db_sqlite(c->db));
		c->sum->new_people++;
	} else {
		st = c->st[ST_SEL_BEN];
		sqlite3_bind_blob(st, 1, it->id_hash, PII_HASHBYTES, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return db_fail(c->db, c->err, "查询人员");
		}
		ben = sqlite3_column_int64(st, 0);
		same_name = strcmp((const char *)sqlite3_column_text(st, 1), it->name) == 0;
		same_village = strcmp((const char *)sqlite3_column_text(st, 2), it->village) == 0;
		created = sqlite3_column_int64(st, 3) == c->import_id;
		sqlite3_reset(st);
		/* the payment identity: already there? (this import's rows of
		 * this person are found too: they are in the table) */
		if (known_identity(c, it, ben, &rc))
			return rc;
		if (once_taken(c, it, ben, created, &rc))
			return rc;
		if ((!same_name || !same_village) && update_person(c, it, ben))
			return ERR_IO;
	}
	if (current_account(c, ben, fresh, it, &acct, &corrected))
		return ERR_IO;
	/* remember this person for the next row */
	lp->valid = true;
	lp->fresh = fresh;
	lp->created = created;
	memcpy(lp->id_hash, it->id_hash, PII_HASHBYTES);
	lp->ben = ben;
	memcpy(lp->name, it->name, sizeof(lp->name));
	memcpy(lp->village, it->village, sizeof(lp->village));
	memcpy(lp->acct_hash, it->acct_hash, PII_HASHBYTES);
	lp->acct = acct;
	lp->acct_corrected = corrected;
	lp->npp = 0;
	return insert_entitlement(c, it, ben, acct, created);
}

static int post_ledger(struct consumer *c)
{
	char ref[64];
	size_t i;

	/* deterministic order: by programme code and period */
	qsort(c->pp.slot, c->pp.cap, sizeof(*c->pp.slot), cmp_ppsum);
	c->pp.n = 0;
	snprintf(ref, sizeof(ref), "roster_import %lld", (long long)c->import_id);
	for (i = 0; i < c->pp.cap && c->pp.slot[i].programme; i++) {
		if (ledger_post_entitled(c->db, ref, c->pp.slot[i].programme->id,
					 c->pp.slot[i].period, c->pp.slot[i].fen, c->err))
			return c->err->code ? c->err->code : ERR_IO;
	}
	return 0;
}

/*
 * Phase timings on standard error when $MINSHENG_TIMING is set (for the
 * benchmark: where the time goes). Wall-clock milliseconds since start.
 */
static void timing(const char *phase)
{
	static struct timespec t0;
	static int on = -1;
	struct timespec t;

	if (on < 0) {
		on = getenv("MINSHENG_TIMING") != NULL;
		clock_gettime(CLOCK_MONOTONIC, &t0);
	}
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	fprintf(stderr, "timing: %-10s %8lld ms\n", phase,
		(long long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
}

static int start_import(struct consumer *c, const char *encoding)
{
	sqlite3_stmt *st;
	int i;

	if (db_prepare(c->db,
		       "INSERT INTO roster_import(file, encoding, imported_at)"
		       " VALUES(?, ?, ?)",
		       &st, c->err))
		return ERR_IO;
	sqlite3_bind_text(st, 1, c->opt->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, encoding, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->now, -1, SQLITE_STATIC);
	i = sqlite3_step(st);
	sqlite3_finalize(st);
	if (i != SQLITE_DONE)
		return db_fail(c->db, c->err, "记录导入");
	c->import_id = sqlite3_last_insert_rowid(db_sqlite(c->db));
	for (i = 0; i < ST_COUNT; i++)
		if (db_prepare(c->db, consumer_sql[i], &c->st[i], c->err))
			return ERR_IO;
	return 0;
}

static int finish_import(struct consumer *c)
{
	sqlite3_stmt *st;
	int rc;

	if (post_ledger(c))
		return c->err->code ? c->err->code : ERR_IO;
	/* The death rule for the new rows, once, from the death register:
	 * never a look-up per row in the loop above. */
	if (people_hold_imported(c->db, c->import_id, &c->sum->held_at_death, c->err))
		return ERR_IO;
	if (db_prepare(c->db,
		       "UPDATE roster_import SET accepted = ?, rejected = ?,"
		       " total_fen = ? WHERE id = ?",
		       &st, c->err))
		return ERR_IO;
	sqlite3_bind_int64(st, 1, (int64_t)c->sum->accepted);
	sqlite3_bind_int64(st, 2, (int64_t)c->sum->rejected);
	sqlite3_bind_int64(st, 3, c->sum->accepted_fen);
	sqlite3_bind_int64(st, 4, c->import_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(c->db, c->err, "记录导入");
	return 0;
}

/* Apply every chunk, from the queue (two threads) or produced inline. */
static int run_pipeline(struct consumer *c, struct producer *prod, int threads)
{
	struct queue q;
	pthread_t th;
	size_t k, i;
	int rc = 0;
	bool started = false;

	memset(&q, 0, sizeof(q));
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	q.prod = prod;
	for (k = 0; k < NCHUNKS; k++) {
		q.chunks[k].items = malloc(CHUNK_ITEMS * sizeof(struct item));
		if (!q.chunks[k].items) {
			rc = error_set(c->err, ERR_NOMEM, "内存不足");
			goto out;
		}
	}
	/* when the thread cannot be started, everything runs on this one */
	if (threads != 1 && pthread_create(&th, NULL, producer_main, &q) == 0)
		started = true;
	for (;;) {
		struct chunk *ch;
		bool last;

		if (started) {
			pthread_mutex_lock(&q.mu);
			while (q.count == 0)
				pthread_cond_wait(&q.cv, &q.mu);
			ch = &q.chunks[q.head];
			pthread_mutex_unlock(&q.mu);
		} else {
			ch = &q.chunks[0];
			produce_chunk(prod, ch);
		}
		for (i = 0; i < ch->n && !rc; i++)
			rc = apply_item(c, &ch->items[i]);
		if (!rc && ch->rc) {
			*c->err = ch->err;
			rc = ch->rc;
		}
		last = ch->last || ch->rc;
		if (started) {
			pthread_mutex_lock(&q.mu);
			q.head = (q.head + 1) % NCHUNKS;
			q.count--;
			if (rc)
				q.stop = true;
			pthread_cond_broadcast(&q.cv);
			pthread_mutex_unlock(&q.mu);
		}
		if (rc || last)
			break;
	}
	if (started)
		pthread_join(th, NULL);
out:
	for (k = 0; k < NCHUNKS; k++)
		free(q.chunks[k].items);
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.cv);
	return rc;
}

int roster_import(struct db *db, const struct roster_options *opt, struct roster_summary *sum,
		  struct error *err)
{
	static const char *const header[ROSTER_FIELDS] = {
	    "programme", "period", "id_number", "name", "village", "bank_account", "amount_fen",
	};
	struct csv_options copt = {.name = opt->path, .encoding = opt->encoding};
	struct programme_list progs = {0};
	struct roster_villages villages = {0};
	struct roster_context ctx;
	struct producer prod;
	struct consumer c;
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct pii_keys keys;
	bool in_txn = false, fk_off = false, commit;
	int rc, i;

	memset(sum, 0, sizeof(*sum));
	memset(&c, 0, sizeof(c));
	memset(&prod, 0, sizeof(prod));
	buf_init(&c.line, 4096);
	c.db = db;
	c.opt = opt;
	c.sum = sum;
	c.err = err;
	date_now_utc(c.now, sizeof(c.now));

	rc = pii_init(err);
	if (rc)
		goto out;
	rc = csv_open_file(opt->path, &copt, &r, err);
	if (rc)
		goto out;
	rc = csv_next(r, &rec, err);
	if (rc)
		goto out;
	if (rec.n == 0) {
		rc = error_at_reason(err, ERR_INPUT, opt->path, 1, 0, "bad_header",
				     "文件为空，缺少表头");
		goto out;
	}
	rc = csv_check_header(r, &rec, header, ROSTER_FIELDS, err);
	if (rc)
		goto out;
	csv_expect_fields(r, ROSTER_FIELDS);
	snprintf(sum->encoding, sizeof(sum->encoding), "%s", csv_encoding(r));

	if (opt->rejects_path) {
		struct stat si, so;

		/* "w" would truncate the roster while it is being read */
		if (strcmp(opt->path, "-") != 0 && stat(opt->path, &si) == 0 &&
		    stat(opt->rejects_path, &so) == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino) {
			rc = error_set(err, ERR_USAGE, "拒绝文件 '%s' 就是名册文件本身",
				       opt->rejects_path);
			goto out;
		}
		c.rejects = fopen(opt->rejects_path, "w");
		if (!c.rejects) {
			rc = error_set(err, ERR_IO, "无法写入拒绝文件 '%s'", opt->rejects_path);
			goto out;
		}
		fputs("line,column,code,message\n", c.rejects);
	}

	/* A big page cache for the bulk load (512 MiB: the random-order
	 * id_hash index of tens of millions of people should stay in memory,
	 * within the 1 GiB the benchmark allows); synchronous stays FULL so the
	 * commit is durable. Foreign keys are not enforced during the load
	 * (the pragma only works outside a transaction): every reference this
	 * import writes is to a row it has just inserted or read inside the
	 * same transaction, so the per-row parent look-ups would only cost
	 * time (about a quarter of it). They are switched back on at the end. */
	rc = db_exec(db, "PRAGMA cache_size = -524288; PRAGMA foreign_keys = OFF", err);
	fk_off = true;
	if (rc)
		goto out;
	rc = db_begin(db, err);
	if (rc)
		goto out;
	in_txn = true;
	rc = pii_open(db, opt->key_opt, 1, &keys, err);
	if (rc)
		goto out;
	rc = programme_list_load(db, &progs, err);
	if (!rc)
		rc = roster_villages_load(db, &villages, err);
	if (!rc)
		rc = start_import(&c, sum->encoding);
	if (rc)
		goto out;

	ctx.programmes = &progs;
	ctx.villages = &villages;
	ctx.today = date_today();
	prod.r = r;
	prod.ctx = &ctx;
	prod.keys = &keys;
	timing("start");
	rc = run_pipeline(&c, &prod, opt->threads);
	timing("rows");
	if (rc)
		goto out;
	/* Every reject is known now: finish the reject file before anything
	 * is committed, so a failed write (disk full) leaves no rows written
	 * whose rejects were lost. */
	if (c.rejects) {
		int bad = fflush(c.rejects) != 0 || ferror(c.rejects);

		bad |= fclose(c.rejects) != 0;
		c.rejects = NULL;
		if (bad) {
			rc = error_set(err, ERR_IO, "无法写入拒绝文件 '%s'", opt->rejects_path);
			goto out;
		}
	}
	sum->import_id = c.import_id;
	commit = sum->accepted > 0 && (opt->partial || sum->rejected == 0);
	if (commit) {
		rc = finish_import(&c);
		if (rc)
			goto out;
		timing("ledger");
		for (i = 0; i < ST_COUNT; i++) {
			sqlite3_finalize(c.st[i]);
			c.st[i] = NULL;
		}
	}
	/* The rows are read through: the caller puts its reject file in
	 * place now, so that committed rows never lack their reject list;
	 * when it cannot, nothing is committed. */
	if (opt->before_commit) {
		rc = opt->before_commit(opt->ctx, err);
		if (rc)
			goto out;
	}
	if (commit) {
		rc = db_commit(db, err);
		if (rc)
			goto out;
		timing("commit");
		in_txn = false;
		sum->committed = true;
	}
	rc = sum->rejected ? ERR_INPUT : 0;
out:
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c.st[i]);
	if (in_txn)
		db_rollback(db);
	if (fk_off)
		sqlite3_exec(db_sqlite(db), "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (!sum->committed)
		sum->import_id = 0;
	if (c.rejects)
		fclose(c.rejects); /* only on an earlier failure */
	free(c.pp.slot);
	free(c.once.slot);
	buf_free(&c.line);
	pii_keys_wipe(&keys);
	programme_list_free(&progs);
	roster_villages_free(&villages);
	csv_close(r);
	return rc;
}
