/*
 * storage_ceiling.c - how fast can SQLite store a roster at all?
 *
 *   storage_ceiling [ROWS] [--dir DIR]
 *
 * The roster-import target (issue 4) is 1,000,000 rows/s end to end. This
 * program measures the storage alone - no CSV, no validation, no keyed
 * hashing or encryption (their bytes are made up) - so its figures are an
 * upper bound on what any import writing that layout can reach here. Every
 * layout gets the same people (1.26 roster rows per person, as
 * bench/gen-roster makes) and ends with a durable commit (WAL,
 * synchronous=FULL, as db_open sets) and a checkpoint:
 *
 *   schema      today's tables (subsidy_migrate): beneficiary, bank_account,
 *               entitlement with their five index entries per new person,
 *               rows inserted in the most favourable order (keys ascending)
 *   minimal     the fewest relational rows possible: one person row and one
 *               entitlement row, unique indexes built after the load (what
 *               the "plain .import + index" baseline does)
 *   packed      fixed-size records, 4,096 per BLOB row (people, entitlements
 *               and a sorted hash -> person run), the layout a bulk path
 *               would need; once with WAL and once with a rollback journal
 *               (synchronous=FULL too), where appended pages are written
 *               once instead of twice
 *
 * $CEILING_PAGE_SIZE sets the page size of the fresh databases (db_open's
 * default is SQLite's 4,096); $CEILING_PHASES prints how each run's time
 * split between writing the rows, the commit and the checkpoint;
 * $CEILING_PACKED_ONLY skips the two relational layouts.
 *
 * It also times the per-person cryptography: today's keyed BLAKE2b and
 * XChaCha20-Poly1305 (one of each for the ID and for the account) against
 * SipHash-2-4-128 and AES-256-GCM with a precomputed key schedule.
 * bench/README.md records the figures.
 */
#include "base/error.h"
#include "db/db.h"
#include "subsidy/subsidy.h"

#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CEILING_PROG "storage_ceiling"
#include "ceiling.h"

#define TARGET 1000000.0
#define PER_BLOB 4096

struct person {
	unsigned char hash[16];
	unsigned char id_enc[34];   /* 18 digits + 16 tag */
	unsigned char acct_enc[35]; /* 19 digits + 16 tag */
	unsigned char acct_hash[16];
	char name[10];		    /* three Chinese characters + NUL */
	uint32_t village;
	uint32_t birth_day;
	uint8_t female;
};

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* person i's rows: 2 for 26 in 100 people, else 1 (1.26 on average) */
static int rows_of(long i)
{
	return i % 100 < 26 ? 2 : 1;
}

/* $CEILING_PAGE_SIZE: a page size for the fresh database (before WAL mode) */
static void page_size_from_env(const char *path)
{
	const char *ps = getenv("CEILING_PAGE_SIZE");
	char sql[64];
	sqlite3 *s;

	if (!ps)
		return;
	if (sqlite3_open(path, &s) != SQLITE_OK)
		die_sql(s, path);
	snprintf(sql, sizeof(sql), "PRAGMA page_size=%d; VACUUM", (int)strtol(ps, NULL, 10));
	exec(s, sql);
	sqlite3_close(s);
}

static struct db *open_fresh(const char *dir, const char *name, int migrate)
{
	char path[4096];
	struct error err;
	struct db *db;
	const char *sfx[] = {"", "-wal", "-shm", "-journal"};

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s.db%s", dir, name, sfx[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/%s.db", dir, name);
	page_size_from_env(path);
	error_clear(&err);
	if (db_open(path, &db, &err) || (migrate && subsidy_migrate(db, &err))) {
		char text[1024];

		fprintf(stderr, "storage_ceiling: %s\n", error_format(&err, text, sizeof(text)));
		exit(3);
	}
	exec(db_sqlite(db), "PRAGMA cache_size=-262144");
	return db;
}

/* commit and checkpoint; prints how the time split when $CEILING_PHASES is set */
static double finish(struct db *db, double t0)
{
	sqlite3 *s = db_sqlite(db);
	double t1 = now(), t2;

	exec(s, "COMMIT");
	t2 = now();
	if (sqlite3_wal_checkpoint_v2(s, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		die_sql(s, "checkpoint");
	if (getenv("CEILING_PHASES"))
		fprintf(stderr, "  rows %.2f s, commit %.2f s, checkpoint %.2f s\n", t1 - t0,
			t2 - t1, now() - t2);
	return now() - t0;
}

/* today's schema, keys ascending: the best case for its b-trees */
static double run_schema(const char *dir, const struct person *p, long people)
{
	struct db *db = open_fresh(dir, "schema", 1);
	sqlite3 *s = db_sqlite(db);
	sqlite3_stmt *ben, *acct, *ent;
	double t0 = now();
	long line = 2;

	exec(s, "INSERT INTO programme(id, code, name, department, frequency)"
		" VALUES(1, 'P1', 'p1', 'd', 'monthly'), (2, 'P2', 'p2', 'd', 'monthly')");
	exec(s, "INSERT INTO roster_import(id, file, encoding, imported_at)"
		" VALUES(1, 'f', 'UTF-8', '2026-11-29T00:00:00Z')");
	exec(s, "BEGIN");
	ben = prep(s, "INSERT INTO beneficiary(id, id_hash, id_enc, name, village_code,"
		      " female, birth_day, import_id) VALUES(?, ?, ?, ?, ?, ?, ?, 1)");
	acct = prep(s, "INSERT INTO bank_account(id, beneficiary_id, acct_hash, acct_enc,"
		       " last4, valid_from, source)"
		       " VALUES(?, ?, ?, ?, '1234', '2026-11-29T00:00:00Z', 'roster')");
	ent = prep(s, "INSERT INTO entitlement(programme_id, period, beneficiary_id,"
		      " amount_fen, county_code, village_code, account_id, import_id, line)"
		      " VALUES(?, '202303', ?, 50000, '410102', ?, ?, 1, ?)");
	for (long i = 0; i < people; i++) {
		char village[16];

		snprintf(village, sizeof(village), "410102%06u", p[i].village);
		sqlite3_bind_int64(ben, 1, i + 1);
		sqlite3_bind_blob(ben, 2, p[i].hash, 16, SQLITE_STATIC);
		sqlite3_bind_blob(ben, 3, p[i].id_enc, sizeof(p[i].id_enc), SQLITE_STATIC);
		sqlite3_bind_text(ben, 4, p[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ben, 5, village, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ben, 6, p[i].female);
		sqlite3_bind_int64(ben, 7, p[i].birth_day);
		step(s, ben);
		sqlite3_bind_int64(acct, 1, i + 1);
		sqlite3_bind_int64(acct, 2, i + 1);
		sqlite3_bind_blob(acct, 3, p[i].acct_hash, 16, SQLITE_STATIC);
		sqlite3_bind_blob(acct, 4, p[i].acct_enc, sizeof(p[i].acct_enc), SQLITE_STATIC);
		step(s, acct);
		for (int r = 0; r < rows_of(i); r++) {
			sqlite3_bind_int(ent, 1, r + 1);
			sqlite3_bind_int64(ent, 2, i + 1);
			sqlite3_bind_text(ent, 3, village, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ent, 4, i + 1);
			sqlite3_bind_int64(ent, 5, line++);
			step(s, ent);
		}
	}
	sqlite3_finalize(ben);
	sqlite3_finalize(acct);
	sqlite3_finalize(ent);
	t0 = finish(db, t0);
	db_close(db);
	return t0;
}

/* one person row and one entitlement row, indexes built afterwards */
static double run_minimal(const char *dir, const struct person *p, long people)
{
	struct db *db = open_fresh(dir, "minimal", 0);
	sqlite3 *s = db_sqlite(db);
	sqlite3_stmt *per, *ent;
	double t0 = now();
	long line = 2;

	exec(s, "CREATE TABLE person(id INTEGER PRIMARY KEY, id_hash BLOB, id_enc BLOB,"
		" acct_enc BLOB, name TEXT, village INTEGER, birth_day INTEGER);"
		"CREATE TABLE ent(id INTEGER PRIMARY KEY, programme INTEGER, period INTEGER,"
		" person INTEGER, amount_fen INTEGER, line INTEGER)");
	exec(s, "BEGIN");
	per = prep(s, "INSERT INTO person VALUES(?, ?, ?, ?, ?, ?, ?)");
	ent = prep(s, "INSERT INTO ent(programme, period, person, amount_fen, line)"
		      " VALUES(?, 202303, ?, 50000, ?)");
	for (long i = 0; i < people; i++) {
		sqlite3_bind_int64(per, 1, i + 1);
		sqlite3_bind_blob(per, 2, p[i].hash, 16, SQLITE_STATIC);
		sqlite3_bind_blob(per, 3, p[i].id_enc, sizeof(p[i].id_enc), SQLITE_STATIC);
		sqlite3_bind_blob(per, 4, p[i].acct_enc, sizeof(p[i].acct_enc), SQLITE_STATIC);
		sqlite3_bind_text(per, 5, p[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(per, 6, p[i].village);
		sqlite3_bind_int64(per, 7, p[i].birth_day);
		step(s, per);
		for (int r = 0; r < rows_of(i); r++) {
			sqlite3_bind_int(ent, 1, r + 1);
			sqlite3_bind_int64(ent, 2, i + 1);
			sqlite3_bind_int64(ent, 3, line++);
			step(s, ent);
		}
	}
	sqlite3_finalize(per);
	sqlite3_finalize(ent);
	exec(s, "CREATE UNIQUE INDEX person_hash ON person(id_hash);"
		"CREATE UNIQUE INDEX ent_identity ON ent(programme, period, person)");
	t0 = finish(db, t0);
	db_close(db);
	return t0;
}

struct packed_ent {
	uint32_t person;
	uint32_t line;
	uint32_t amount_fen;
	uint16_t period;
	uint8_t programme;
	uint8_t status;
};

struct packed_key {
	unsigned char hash[16];
	uint32_t person;
};

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/*
 * fixed-size records, PER_BLOB to a row, plus a sorted hash -> person run;
 * rollback: a rollback journal instead of WAL, where pages appended to the
 * file are written once (a new page has no old content to journal) instead
 * of once to the WAL and again at the checkpoint
 */
static double run_packed(const char *dir, const struct person *p, long people, int rollback)
{
	struct db *db = open_fresh(dir, rollback ? "packed_rollback" : "packed", 0);
	sqlite3 *s = db_sqlite(db);
	sqlite3_stmt *ins_p, *ins_e, *ins_k;
	struct packed_ent *ents = malloc(sizeof(*ents) * PER_BLOB);
	struct packed_key *keys = malloc(sizeof(*keys) * (size_t)people);
	double t0 = now();
	long line = 2, ne = 0, chunk = 0;

	if (!ents || !keys) {
		fprintf(stderr, "storage_ceiling: out of memory\n");
		exit(3);
	}
	if (rollback)
		exec(s, "PRAGMA journal_mode=DELETE");
	exec(s, "CREATE TABLE person_chunk(first INTEGER PRIMARY KEY, n INTEGER, data BLOB);"
		"CREATE TABLE ent_chunk(id INTEGER PRIMARY KEY, n INTEGER, data BLOB);"
		"CREATE TABLE key_chunk(first BLOB PRIMARY KEY, n INTEGER, data BLOB)"
		" WITHOUT ROWID");
	exec(s, "BEGIN");
	ins_p = prep(s, "INSERT INTO person_chunk VALUES(?, ?, ?)");
	ins_e = prep(s, "INSERT INTO ent_chunk(n, data) VALUES(?, ?)");
	ins_k = prep(s, "INSERT INTO key_chunk VALUES(?, ?, ?)");
	for (long i = 0; i < people; i += PER_BLOB) {
		long n = people - i < PER_BLOB ? people - i : PER_BLOB;

		sqlite3_bind_int64(ins_p, 1, i + 1);
		sqlite3_bind_int64(ins_p, 2, n);
		sqlite3_bind_blob(ins_p, 3, p + i, (int)(sizeof(*p) * (size_t)n), SQLITE_STATIC);
		step(s, ins_p);
	}
	for (long i = 0; i < people; i++) {
		memcpy(keys[i].hash, p[i].hash, 16);
		keys[i].person = (uint32_t)(i + 1);
		for (int r = 0; r < rows_of(i); r++) {
			ents[ne++] = (struct packed_ent){(uint32_t)(i + 1), (uint32_t)line++, 50000,
							 279, (uint8_t)(r + 1), 0};
			if (ne == PER_BLOB || (i == people - 1 && r == rows_of(i) - 1)) {
				sqlite3_bind_int64(ins_e, 1, ne);
				sqlite3_bind_blob(ins_e, 2, ents, (int)(sizeof(*ents) * (size_t)ne),
						  SQLITE_STATIC);
				step(s, ins_e);
				ne = 0;
				chunk++;
			}
		}
	}
	qsort(keys, (size_t)people, sizeof(*keys), cmp_key);
	for (long i = 0; i < people; i += PER_BLOB) {
		long n = people - i < PER_BLOB ? people - i : PER_BLOB;

		sqlite3_bind_blob(ins_k, 1, keys[i].hash, 16, SQLITE_STATIC);
		sqlite3_bind_int64(ins_k, 2, n);
		sqlite3_bind_blob(ins_k, 3, keys + i, (int)(sizeof(*keys) * (size_t)n),
				  SQLITE_STATIC);
		step(s, ins_k);
	}
	sqlite3_finalize(ins_p);
	sqlite3_finalize(ins_e);
	sqlite3_finalize(ins_k);
	t0 = finish(db, t0);
	db_close(db);
	free(ents);
	free(keys);
	return t0;
}

static void crypto_costs(long n)
{
	unsigned char k[32] = {1}, n24[24] = {0}, m[32] = "410102199001011234", c[64], h[16];
	unsigned long long cl;
	crypto_aead_aes256gcm_state st;
	double t, today, fast;

	t = now();
	for (long i = 0; i < n; i++) {
		memcpy(m, &i, sizeof(i));
		for (int twice = 0; twice < 2; twice++) {
			crypto_generichash(h, 16, m, 19, k, 32);
			memcpy(n24, h, 16);
			crypto_aead_xchacha20poly1305_ietf_encrypt(c, &cl, m, 18, NULL, 0, NULL,
								   n24, k);
		}
	}
	today = (now() - t) / (double)n;
	printf("%-44s %8.0f ns per new person\n", "crypto today: 2 x (BLAKE2b + XChaCha20)",
	       today * 1e9);
	if (!crypto_aead_aes256gcm_is_available()) {
		printf("AES-256-GCM: not available on this CPU\n");
		return;
	}
	crypto_aead_aes256gcm_beforenm(&st, k);
	t = now();
	for (long i = 0; i < n; i++) {
		memcpy(m, &i, sizeof(i));
		for (int twice = 0; twice < 2; twice++) {
			crypto_shorthash_siphashx24(h, m, 19, k);
			crypto_aead_aes256gcm_encrypt_afternm(c, &cl, m, 18, NULL, 0, NULL, h, &st);
		}
	}
	fast = (now() - t) / (double)n;
	printf("%-44s %8.0f ns per new person (%.1fx faster)\n",
	       "crypto possible: 2 x (SipHash-128 + AES-GCM)", fast * 1e9, today / fast);
}

int main(int argc, char **argv)
{
	long rows = 2000000, people = 0, check = 0;
	const char *dir = "/tmp";
	struct person *p;
	double t;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else {
			char *end;

			errno = 0;
			rows = strtol(argv[i], &end, 10);
			if (errno || *end || rows < 100) {
				fprintf(stderr, "usage: storage_ceiling [ROWS >= 100] [--dir DIR]\n");
				return 2;
			}
		}
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "storage_ceiling: libsodium unusable\n");
		return 3;
	}
	/* people such that their rows add up to about ROWS */
	while (check < rows)
		check += rows_of(people++);
	p = calloc((size_t)people, sizeof(*p));
	if (!p) {
		fprintf(stderr, "storage_ceiling: out of memory\n");
		return 3;
	}
	for (long i = 0; i < people; i++) {
		for (int j = 0; j < 16; j += 8) {
			uint64_t r = next();

			memcpy(p[i].hash + j, &r, 8);
			r = next();
			memcpy(p[i].acct_hash + j, &r, 8);
		}
		memset(p[i].id_enc, (int)(i & 0xff), sizeof(p[i].id_enc));
		memset(p[i].acct_enc, (int)(i >> 8 & 0xff), sizeof(p[i].acct_enc));
		snprintf(p[i].name, sizeof(p[i].name), "%s", "张三丰");
		p[i].village = (uint32_t)(i / 600 % 44500);
		p[i].birth_day = (uint32_t)(next() % 30000);
		p[i].female = (uint8_t)(i & 1);
	}
	printf("storage ceiling: %ld roster rows, %ld people, %ld cores, durable commit\n", check,
	       people, sysconf(_SC_NPROCESSORS_ONLN));
	/* the schema run wants ascending keys: sort the people by hash */
	qsort(p, (size_t)people, sizeof(*p), cmp_hash);
	if (!getenv("CEILING_PACKED_ONLY")) {
		t = run_schema(dir, p, people);
		printf("%-44s %7.2f s %10.0f rows/s  %5.1f%% of target\n",
		       "today's schema, keys ascending (best case)", t, (double)check / t,
		       100.0 * (double)check / t / TARGET);
		t = run_minimal(dir, p, people);
		printf("%-44s %7.2f s %10.0f rows/s  %5.1f%% of target\n",
		       "minimal rows, indexes built afterwards", t, (double)check / t,
		       100.0 * (double)check / t / TARGET);
	}
	t = run_packed(dir, p, people, 0);
	printf("%-44s %7.2f s %10.0f rows/s  %5.1f%% of target\n", "packed, 4096 records a row", t,
	       (double)check / t, 100.0 * (double)check / t / TARGET);
	t = run_packed(dir, p, people, 1);
	printf("%-44s %7.2f s %10.0f rows/s  %5.1f%% of target\n",
	       "packed, rollback journal (pages written once)", t, (double)check / t,
	       100.0 * (double)check / t / TARGET);
	crypto_costs(people < 1000000 ? people : 1000000);
	free(p);
	return 0;
}
