/*
 * payment_ceiling.c - how fast can storage make and settle payments at all?
 *
 *   payment_ceiling [N] [--dir DIR] [--keep]
 *
 * Issue 4 sets two payment targets on this machine class, with a durable
 * commit: `batch create` plus `bankfile export` of 10 million payments at
 * >= 2,000,000 payments/s, and `bankfile import` of 10 million lines at
 * >= 1,000,000 lines/s. This program measures the storage alone: no CSV, no
 * bank-file parsing or formatting, no decryption (the encrypted columns are
 * made-up bytes, only read), no ledger postings, holds or budgets. Its
 * figures are therefore an upper bound for any batch or bank-file path
 * writing that layout on this machine, as storage_ceiling's are for the
 * roster.
 *
 * Every layout starts from N entitlements of one programme-period, one per
 * person, prepared untimed in a fresh database opened as the product opens
 * it (db_open: WAL, synchronous=FULL, foreign keys on) and tuned as the bulk
 * commands tune it (cmd_subsidy_ops.c: 256 MiB page cache, temporary store
 * in memory, reads through mmap). Each timed write is one transaction ending
 * with a durable commit and a checkpoint; each read runs in a new connection,
 * as the next command would:
 *
 *   schema    today's tables (subsidy_migrate), keys ascending (the best case)
 *             create: the batch row and batch.c's INSERT ... SELECT of first
 *               attempts (payment row, UNIQUE(entitlement_id, attempt),
 *               payment_live, payment_batch; foreign keys checked)
 *             export read: reconcile.c's export query (payment joined with
 *               entitlement, beneficiary and bank_account), every column
 *               fetched, nothing decrypted
 *             import: reconcile.c's read of the batch's payments, then in the
 *               same transaction the bank_import row, N bank_return_line rows
 *               and N UPDATEs by rowid in payment order with CHECK
 *               constraints off, as reconcile.c writes them (1 % FAILED)
 *   minimal   the fewest relational rows: a person row (its current account
 *             folded in) and an entitlement row per person; create: one
 *             INSERT ... SELECT into a plain payment table, its one unique
 *             index (entitlement) built after the load, a batch being a
 *             rowid range; export read: payment joined with its person row;
 *             import: the bank's answers as a plain table, applied three
 *             ways, each on its own copy of the same database: one UPDATE by
 *             rowid per answer, one set-based UPDATE ... FROM, and a rebuilt
 *             payment table (INSERT ... SELECT ... LEFT JOIN, DROP, RENAME,
 *             index again); and, as the least any relational import can
 *             write, the answers alone with an index on the payment id
 *             built afterwards (the payments' status not applied at all)
 *   packed    fixed-size records, 4,096 to a BLOB row: people and one
 *             entitlement sheet (prepared); create: one pass over the sheet
 *             writing a payment sheet whose record k is entitlement k's one
 *             payment slot (so at most one live payment per entitlement by
 *             construction); export read: one pass over the payment chunks
 *             and the people chunks they name; import: the N answers (sorted
 *             by payment, as parsed) appended as a packed audit run, then
 *             merged into the payment chunks, each chunk read and rewritten
 *             once in place (incremental BLOB I/O); once with WAL and once
 *             with a rollback journal (journal_mode=DELETE, synchronous=FULL)
 *
 * One line per measurement: wall time, rate, per cent of the target (the
 * create and the export read are each compared with the whole 2,000,000/s
 * target: the sum can be no faster than either part), CPU time (getrusage,
 * user + system) and the rate by CPU time (on this shared machine wall time
 * also measures the neighbours; CPU time leaves out waiting for the disk).
 * As in storage_ceiling, $CEILING_PHASES prints how each timed write split
 * between its statements, the commit and the checkpoint,
 * $CEILING_PAGE_SIZE sets the page size of the fresh databases and
 * $CEILING_PACKED_ONLY skips the relational layouts. The databases are
 * removed after each layout unless --keep is given.
 * bench/README.md records the figures.
 */
#include "base/error.h"
#include "db/db.h"
#include "subsidy/subsidy.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define CEILING_PROG "payment_ceiling"
#include "ceiling.h"

#define TARGET_PAY 2000000.0	/* batch create + bankfile export, payments/s */
#define TARGET_IMPORT 1000000.0 /* bankfile import, lines/s */
#define PER_BLOB 4096
#define AMOUNT 50000
#define BANK_TIME "2023-03-15T10:20:30"
#define BANK_TIME_SECS 1678875630u

static const char *dir = "/tmp";
static int keep;

/* made-up person: the sizes of today's encrypted columns (storage_ceiling) */
struct person {
	unsigned char hash[16];
	unsigned char id_enc[34]; /* 18 digits + 16 tag */
	unsigned char acct_hash[16];
	unsigned char acct_enc[35]; /* 19 digits + 16 tag */
	char name[10];		    /* three Chinese characters + NUL */
	uint32_t village;
	uint32_t birth_day;
	uint8_t female;
};

struct packed_ent {
	uint32_t person;
	uint32_t line;
	uint32_t amount_fen;
	uint16_t period;
	uint8_t programme;
	uint8_t status;
};

/* a payment slot: record k of the payment sheet is entitlement k's */
struct packed_pay {
	uint32_t ent;
	uint32_t person;
	uint32_t amount_fen;
	uint32_t batch;
	uint32_t bank_time; /* seconds since 1970, 0: no answer yet */
	uint16_t reason;    /* index into the file's reason codes, 0: none */
	uint8_t status;	    /* 0 pending, 1 paid, 2 failed, 3 no payment */
	uint8_t attempt;
};

/* one parsed D line of a return file, kept as the audit run */
struct packed_answer {
	uint32_t line;
	uint32_t pid;
	uint32_t amount_fen;
	uint32_t bank_time;
	uint16_t reason;
	uint8_t status; /* 1 SUCCESS, 2 FAILED */
	uint8_t outcome;
};

struct mark {
	double wall;
	double cpu;
};

static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static struct mark mark_now(void)
{
	return (struct mark){now(), cpu_now()};
}

static struct mark mark_since(struct mark m)
{
	return (struct mark){now() - m.wall, cpu_now() - m.cpu};
}

static struct mark mark_add(struct mark a, struct mark b)
{
	return (struct mark){a.wall + b.wall, a.cpu + b.cpu};
}

static void report(const char *what, struct mark m, long n, double target)
{
	double rate = (double)n / m.wall;

	printf("%-52s %8.2f s %10.0f /s %6.1f%% of target  cpu %7.2f s (%8.0f /s)\n", what, m.wall,
	       rate, 100.0 * rate / target, m.cpu, (double)n / m.cpu);
	fflush(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "payment_ceiling: %s\n", what);
	exit(3);
}

static int64_t query_int(sqlite3 *s, const char *sql)
{
	sqlite3_stmt *st = prep(s, sql);
	int64_t v;

	if (sqlite3_step(st) != SQLITE_ROW)
		die_sql(s, sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void db_file(char *out, size_t n, const char *name, const char *sfx)
{
	snprintf(out, n, "%s/%s.db%s", dir, name, sfx);
}

static void remove_db(const char *name)
{
	const char *sfx[] = {"", "-wal", "-shm", "-journal"};
	char path[4096];

	for (size_t i = 0; i < 4; i++) {
		db_file(path, sizeof(path), name, sfx[i]);
		unlink(path);
	}
}

/*
 * Open DIR/name.db as the product does (db_open), tuned as the bulk commands
 * are; fresh: remove it first (and migrate when migrate is set); rollback:
 * switch to a rollback journal (synchronous stays FULL).
 */
static struct db *open_db(const char *name, int fresh, int migrate, int rollback)
{
	char path[4096];
	struct error err;
	struct db *db;

	db_file(path, sizeof(path), name, "");
	if (fresh) {
		const char *ps = getenv("CEILING_PAGE_SIZE");

		remove_db(name);
		if (ps) {
			/* the page size of an empty file, before db_open makes it WAL */
			char sql[64];
			sqlite3 *s;

			if (sqlite3_open(path, &s) != SQLITE_OK)
				die_sql(s, path);
			snprintf(sql, sizeof(sql), "PRAGMA page_size = %ld; VACUUM",
				 strtol(ps, NULL, 10));
			exec(s, sql);
			sqlite3_close(s);
		}
	}
	error_clear(&err);
	if (db_open(path, &db, &err) || (migrate && subsidy_migrate(db, &err))) {
		char text[1024];

		fprintf(stderr, "payment_ceiling: %s\n", error_format(&err, text, sizeof(text)));
		exit(3);
	}
	exec(db_sqlite(db), "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
			    " PRAGMA mmap_size = 4294967296");
	if (rollback)
		exec(db_sqlite(db), "PRAGMA journal_mode = DELETE");
	return db;
}

/*
 * commit and checkpoint; prints how the time since t0 split when
 * $CEILING_PHASES is set (on stderr, before the measurement's line)
 */
static void finish(sqlite3 *s, double t0, const char *what)
{
	double t1 = now(), t2;

	exec(s, "COMMIT");
	t2 = now();
	if (sqlite3_wal_checkpoint_v2(s, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		die_sql(s, "checkpoint");
	if (getenv("CEILING_PHASES"))
		fprintf(stderr, "  %s: statements %.2f s, commit %.2f s, checkpoint %.2f s\n", what,
			t1 - t0, t2 - t1, now() - t2);
}

/* a copy of DIR/from.db as DIR/to.db, on disk before it is timed */
static void copy_db(const char *from, const char *to)
{
	char a[4096], b[4096];
	static char buf[1 << 20];
	int in, out;
	ssize_t got;

	remove_db(to);
	db_file(a, sizeof(a), from, "");
	db_file(b, sizeof(b), to, "");
	in = open(a, O_RDONLY);
	out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0)
		die("cannot copy the database");
	while ((got = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)got) != got)
			die("cannot copy the database");
	if (got < 0 || fsync(out) != 0)
		die("cannot copy the database");
	close(in);
	close(out);
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* whether the bank answers FAILED for payment pid: 1 in 100 */
static int fails(long pid)
{
	return mix((uint64_t)pid ^ 0x5eedULL) % 100 == 0;
}

/* person i (from 1): ID hashes ascending, so the preparation only appends */
static void person_make(long i, struct person *p)
{
	uint64_t r = mix((uint64_t)i);

	memset(p, 0, sizeof(*p));
	for (int j = 0; j < 8; j++)
		p->hash[j] = (unsigned char)((uint64_t)i >> (56 - 8 * j));
	memcpy(p->hash + 8, &r, 8);
	r = mix(r);
	memcpy(p->acct_hash, &r, 8);
	r = mix(r);
	memcpy(p->acct_hash + 8, &r, 8);
	memset(p->id_enc, (int)(i & 0xff), sizeof(p->id_enc));
	memset(p->acct_enc, (int)(i >> 8 & 0xff), sizeof(p->acct_enc));
	memcpy(p->name, "张三丰", sizeof("张三丰"));
	p->village = (uint32_t)(i / 600 % 44500);
	p->birth_day = (uint32_t)(r % 30000);
	p->female = (uint8_t)(i & 1);
}

/* ---- today's schema ---------------------------------------------------- */

static void schema_prepare(sqlite3 *s, long n)
{
	double t0 = now();
	sqlite3_stmt *ben, *acct, *ent;
	struct person p;

	exec(s, "PRAGMA foreign_keys = OFF");
	exec(s, "INSERT INTO programme(id, code, name, department, frequency)"
		" VALUES(1, 'P1', 'p1', 'd', 'monthly')");
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
		      " VALUES(1, '202303', ?, 50000, '410102', ?, ?, 1, ?)");
	for (long i = 1; i <= n; i++) {
		char village[16];

		person_make(i, &p);
		snprintf(village, sizeof(village), "410102%06u", p.village);
		sqlite3_bind_int64(ben, 1, i);
		sqlite3_bind_blob(ben, 2, p.hash, 16, SQLITE_STATIC);
		sqlite3_bind_blob(ben, 3, p.id_enc, sizeof(p.id_enc), SQLITE_STATIC);
		sqlite3_bind_text(ben, 4, p.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ben, 5, village, -1, SQLITE_STATIC);
		sqlite3_bind_int(ben, 6, p.female);
		sqlite3_bind_int64(ben, 7, p.birth_day);
		step(s, ben);
		sqlite3_bind_int64(acct, 1, i);
		sqlite3_bind_int64(acct, 2, i);
		sqlite3_bind_blob(acct, 3, p.acct_hash, 16, SQLITE_STATIC);
		sqlite3_bind_blob(acct, 4, p.acct_enc, sizeof(p.acct_enc), SQLITE_STATIC);
		step(s, acct);
		sqlite3_bind_int64(ent, 1, i);
		sqlite3_bind_text(ent, 2, village, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ent, 3, i);
		sqlite3_bind_int64(ent, 4, i + 1);
		step(s, ent);
	}
	sqlite3_finalize(ben);
	sqlite3_finalize(acct);
	sqlite3_finalize(ent);
	finish(s, t0, "preparation");
	exec(s, "PRAGMA foreign_keys = ON");
}

/* batch.c's first attempts (new_sql), county NULL */
static const char schema_new_sql[] =
    "INSERT INTO payment(entitlement_id, batch_id, attempt, account_id, amount_fen, status)"
    " SELECT e.id, ?4, 1, e.account_id, e.amount_fen, 'pending' FROM entitlement e"
    " WHERE e.programme_id = ?1 AND e.period = ?2"
    " AND (?3 IS NULL OR e.county_code = ?3) AND e.status = 'approved'"
    " AND NOT EXISTS (SELECT 1 FROM payment y WHERE y.entitlement_id = e.id)";

/* reconcile.c's export query */
static const char schema_export_sql[] =
    "SELECT y.id, b.name, a.acct_hash, a.acct_enc, y.amount_fen,"
    " a.beneficiary_id = e.beneficiary_id, a.id, b.id_hash"
    " FROM payment y JOIN entitlement e ON e.id = y.entitlement_id"
    " JOIN beneficiary b ON b.id = e.beneficiary_id"
    " JOIN bank_account a ON a.id = y.account_id"
    " WHERE y.batch_id = ? AND y.status = 'pending' ORDER BY y.id";

/* reconcile.c's read of the batch's payments before it decides */
static const char schema_decide_sql[] =
    "SELECT y.id, y.status, y.amount_fen, y.reason, y.bank_time,"
    " CASE WHEN y.status = 'failed' THEN EXISTS(SELECT 1 FROM payment z"
    "  WHERE z.entitlement_id = y.entitlement_id AND z.attempt > y.attempt)"
    "  ELSE 0 END,"
    " CASE WHEN y.status = 'paid' AND y.reason IS NOT NULL THEN"
    "  (SELECT s.previous_status FROM payment_settlement s"
    "  WHERE s.payment_id = y.id ORDER BY s.id DESC LIMIT 1) END"
    " FROM payment y WHERE y.batch_id = ? ORDER BY y.id";

static struct mark schema_create(sqlite3 *s, long n)
{
	struct mark m = mark_now();
	sqlite3_stmt *st;

	exec(s, "BEGIN IMMEDIATE");
	exec(s, "INSERT INTO batch(id, programme_id, period, county_code, created_at)"
		" VALUES(1, 1, '202303', NULL, '2026-11-29T00:00:00Z')");
	st = prep(s, schema_new_sql);
	sqlite3_bind_int64(st, 1, 1);
	sqlite3_bind_text(st, 2, "202303", -1, SQLITE_STATIC);
	sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, 1);
	step(s, st);
	sqlite3_finalize(st);
	if (sqlite3_changes(s) != n)
		die("batch create made the wrong number of payments");
	finish(s, m.wall, "create");
	return mark_since(m);
}

/* every column fetched as the export fetches it; returns the rows read */
static long schema_export_read(sqlite3 *s, uint64_t *sum)
{
	sqlite3_stmt *st;
	long rows = 0;

	exec(s, "BEGIN");
	st = prep(s, schema_export_sql);
	sqlite3_bind_int64(st, 1, 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 1);
		const unsigned char *ah = sqlite3_column_blob(st, 2);
		const unsigned char *ae = sqlite3_column_blob(st, 3);
		const unsigned char *ih;

		*sum += (uint64_t)sqlite3_column_int64(st, 0) + (uint64_t)name[0] + ah[0] + ae[0] +
			(uint64_t)sqlite3_column_bytes(st, 3) +
			(uint64_t)sqlite3_column_int64(st, 4) +
			(uint64_t)sqlite3_column_int(st, 5) + (uint64_t)sqlite3_column_int64(st, 6);
		ih = sqlite3_column_blob(st, 7);
		*sum += ih[15];
		rows++;
	}
	if (sqlite3_errcode(s) != SQLITE_DONE)
		die_sql(s, "export read");
	sqlite3_finalize(st);
	exec(s, "COMMIT");
	return rows;
}

static void run_schema(long n)
{
	struct db *db = open_db("pay_schema", 1, 1, 0);
	sqlite3 *s = db_sqlite(db);
	struct mark c, r, d, w, m;
	sqlite3_stmt *st, *line, *upd;
	uint64_t sum = 0;
	long rows = 0, failed = 0;

	schema_prepare(s, n);
	c = schema_create(s, n);
	report("today's schema: batch create (INSERT ... SELECT)", c, n, TARGET_PAY);
	db_close(db);

	db = open_db("pay_schema", 0, 0, 0);
	s = db_sqlite(db);
	m = mark_now();
	rows = schema_export_read(s, &sum);
	r = mark_since(m);
	if (rows != n)
		die("the export read the wrong number of payments");
	report("today's schema: export read (4 joined rows)", r, n, TARGET_PAY);
	report("today's schema: create + export read", mark_add(c, r), n, TARGET_PAY);
	db_close(db);

	/* bankfile import: read the batch's payments, then write, one transaction */
	db = open_db("pay_schema", 0, 0, 0);
	s = db_sqlite(db);
	m = mark_now();
	exec(s, "BEGIN IMMEDIATE");
	st = prep(s, schema_decide_sql);
	sqlite3_bind_int64(st, 1, 1);
	rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *status = sqlite3_column_text(st, 1);

		sum += (uint64_t)sqlite3_column_int64(st, 0) + status[0] +
		       (uint64_t)sqlite3_column_int64(st, 2) +
		       (uint64_t)sqlite3_column_type(st, 3) + (uint64_t)sqlite3_column_type(st, 4) +
		       (uint64_t)sqlite3_column_int(st, 5) + (uint64_t)sqlite3_column_type(st, 6);
		rows++;
	}
	if (sqlite3_errcode(s) != SQLITE_DONE || rows != n)
		die_sql(s, "import read");
	sqlite3_finalize(st);
	d = mark_since(m);

	m = mark_now();
	exec(s, "INSERT INTO bank_import(id, file_hash, file, batch_id, imported_at, lines, paid,"
		" paid_fen, failed, failed_fen, reversed, reversed_fen, already, unknown, mismatch,"
		" duplicate, conflict)"
		" VALUES(1, x'00', 'return.txt', 1, '2026-11-29T00:00:00Z', 0, 0, 0, 0, 0, 0, 0, 0,"
		" 0, 0, 0, 0)");
	line = prep(s, "INSERT INTO bank_return_line(import_id, line, payment_id, status, reason,"
		       " amount_fen, bank_time, outcome) VALUES(1, ?, ?, ?, ?, ?, ?, ?)");
	for (long pid = 1; pid <= n; pid++) {
		int f = fails(pid);

		sqlite3_bind_int64(line, 1, pid + 1);
		sqlite3_bind_int64(line, 2, pid);
		sqlite3_bind_text(line, 3, f ? "FAILED" : "SUCCESS", -1, SQLITE_STATIC);
		sqlite3_bind_text(line, 4, f ? "ACCT_CLOSED" : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(line, 5, AMOUNT);
		sqlite3_bind_text(line, 6, BANK_TIME, -1, SQLITE_STATIC);
		sqlite3_bind_text(line, 7, f ? "failed" : "paid", -1, SQLITE_STATIC);
		step(s, line);
	}
	sqlite3_finalize(line);
	exec(s, "PRAGMA ignore_check_constraints = ON");
	upd = prep(s, "UPDATE payment SET status = ?, reason = ?, bank_time = ? WHERE id = ?");
	for (long pid = 1; pid <= n; pid++) {
		int f = fails(pid);

		sqlite3_bind_text(upd, 1, f ? "failed" : "paid", -1, SQLITE_STATIC);
		if (f)
			sqlite3_bind_text(upd, 2, "ACCT_CLOSED", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(upd, 2);
		sqlite3_bind_text(upd, 3, BANK_TIME, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 4, pid);
		step(s, upd);
		if (sqlite3_changes(s) != 1)
			die("a payment to update is missing");
		failed += f;
	}
	sqlite3_finalize(upd);
	exec(s, "PRAGMA ignore_check_constraints = OFF");
	finish(s, m.wall, "import");
	w = mark_since(m);
	report("today's schema: import's read of the batch", d, n, TARGET_IMPORT);
	report("today's schema: import writes (lines + updates)", w, n, TARGET_IMPORT);
	report("today's schema: import read + writes", mark_add(d, w), n, TARGET_IMPORT);
	if (query_int(s, "SELECT COUNT(*) FROM payment WHERE status = 'failed'") != failed ||
	    query_int(s, "SELECT COUNT(*) FROM bank_return_line") != n)
		die("the import's result is wrong");
	db_close(db);
	if (sum == 0)
		die("nothing read");
	if (!keep)
		remove_db("pay_schema");
}

/* ---- minimal relational ------------------------------------------------ */

static void minimal_prepare(sqlite3 *s, long n)
{
	double t0 = now();
	sqlite3_stmt *per, *ent;
	struct person p;

	exec(s, "CREATE TABLE person(id INTEGER PRIMARY KEY, id_hash BLOB NOT NULL,"
		" id_enc BLOB NOT NULL, name TEXT NOT NULL, village INTEGER NOT NULL,"
		" birth_day INTEGER NOT NULL, acct_hash BLOB NOT NULL, acct_enc BLOB NOT NULL);"
		"CREATE TABLE ent(id INTEGER PRIMARY KEY, person INTEGER NOT NULL,"
		" amount_fen INTEGER NOT NULL);"
		"CREATE TABLE pay(id INTEGER PRIMARY KEY, ent INTEGER NOT NULL,"
		" person INTEGER NOT NULL, amount_fen INTEGER NOT NULL, status INTEGER NOT NULL,"
		" reason TEXT, bank_time INTEGER);"
		"CREATE TABLE answer(line INTEGER PRIMARY KEY, pid INTEGER NOT NULL,"
		" status INTEGER NOT NULL, reason TEXT, amount_fen INTEGER NOT NULL,"
		" bank_time INTEGER NOT NULL)");
	exec(s, "BEGIN");
	per = prep(s, "INSERT INTO person VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
	ent = prep(s, "INSERT INTO ent VALUES(?, ?, 50000)");
	for (long i = 1; i <= n; i++) {
		person_make(i, &p);
		sqlite3_bind_int64(per, 1, i);
		sqlite3_bind_blob(per, 2, p.hash, 16, SQLITE_STATIC);
		sqlite3_bind_blob(per, 3, p.id_enc, sizeof(p.id_enc), SQLITE_STATIC);
		sqlite3_bind_text(per, 4, p.name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(per, 5, p.village);
		sqlite3_bind_int64(per, 6, p.birth_day);
		sqlite3_bind_blob(per, 7, p.acct_hash, 16, SQLITE_STATIC);
		sqlite3_bind_blob(per, 8, p.acct_enc, sizeof(p.acct_enc), SQLITE_STATIC);
		step(s, per);
		sqlite3_bind_int64(ent, 1, i);
		sqlite3_bind_int64(ent, 2, i);
		step(s, ent);
	}
	sqlite3_finalize(per);
	sqlite3_finalize(ent);
	exec(s, "CREATE UNIQUE INDEX person_hash ON person(id_hash)");
	finish(s, t0, "preparation");
}

enum apply { APPLY_ROWID, APPLY_FROM, APPLY_REBUILD, APPLY_NONE };

static struct mark minimal_import(long n, enum apply how)
{
	static const char *names[] = {"pay_minimal_rowid", "pay_minimal_from",
				      "pay_minimal_rebuild", "pay_minimal_none"};
	struct db *db;
	sqlite3 *s;
	sqlite3_stmt *ins, *upd;
	struct mark m;
	long failed = 0;

	copy_db("pay_minimal", names[how]);
	db = open_db(names[how], 0, 0, 0);
	s = db_sqlite(db);
	m = mark_now();
	exec(s, "BEGIN IMMEDIATE");
	ins = prep(s, "INSERT INTO answer VALUES(?, ?, ?, ?, ?, ?)");
	for (long pid = 1; pid <= n; pid++) {
		int f = fails(pid);

		sqlite3_bind_int64(ins, 1, pid + 1);
		sqlite3_bind_int64(ins, 2, pid);
		sqlite3_bind_int(ins, 3, f ? 2 : 1);
		if (f)
			sqlite3_bind_text(ins, 4, "ACCT_CLOSED", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 4);
		sqlite3_bind_int64(ins, 5, AMOUNT);
		sqlite3_bind_int64(ins, 6, BANK_TIME_SECS);
		step(s, ins);
		failed += f;
	}
	sqlite3_finalize(ins);
	switch (how) {
	case APPLY_ROWID:
		upd = prep(s, "UPDATE pay SET status = ?, reason = ?, bank_time = ? WHERE id = ?");
		for (long pid = 1; pid <= n; pid++) {
			int f = fails(pid);

			sqlite3_bind_int(upd, 1, f ? 2 : 1);
			if (f)
				sqlite3_bind_text(upd, 2, "ACCT_CLOSED", -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(upd, 2);
			sqlite3_bind_int64(upd, 3, BANK_TIME_SECS);
			sqlite3_bind_int64(upd, 4, pid);
			step(s, upd);
		}
		sqlite3_finalize(upd);
		break;
	case APPLY_FROM:
		/* SQLite 3.33+ (and PostgreSQL) syntax: a benchmark, not a product path */
		exec(s, "UPDATE pay SET status = a.status, reason = a.reason,"
			" bank_time = a.bank_time FROM answer a WHERE pay.id = a.pid");
		break;
	case APPLY_REBUILD:
		exec(s, "CREATE TABLE pay_new(id INTEGER PRIMARY KEY, ent INTEGER NOT NULL,"
			" person INTEGER NOT NULL, amount_fen INTEGER NOT NULL,"
			" status INTEGER NOT NULL, reason TEXT, bank_time INTEGER);"
			"INSERT INTO pay_new SELECT p.id, p.ent, p.person, p.amount_fen,"
			" COALESCE(a.status, p.status), COALESCE(a.reason, p.reason),"
			" COALESCE(a.bank_time, p.bank_time)"
			" FROM pay p LEFT JOIN answer a ON a.pid = p.id ORDER BY p.id;"
			"DROP TABLE pay;"
			"ALTER TABLE pay_new RENAME TO pay;"
			"CREATE UNIQUE INDEX pay_ent ON pay(ent)");
		break;
	case APPLY_NONE:
		/* the answers are the state: a payment's status is looked up */
		exec(s, "CREATE INDEX answer_pid ON answer(pid)");
		break;
	}
	finish(s, m.wall, "import");
	m = mark_since(m);
	if (how == APPLY_NONE
		? query_int(s, "SELECT COUNT(*) FROM answer WHERE status = 2") != failed
		: (query_int(s, "SELECT COUNT(*) FROM pay WHERE status = 2") != failed ||
		   query_int(s, "SELECT COUNT(*) FROM pay WHERE status = 1") != n - failed))
		die("the minimal import's result is wrong");
	db_close(db);
	if (!keep)
		remove_db(names[how]);
	return m;
}

static void run_minimal(long n)
{
	struct db *db = open_db("pay_minimal", 1, 0, 0);
	sqlite3 *s = db_sqlite(db);
	sqlite3_stmt *st;
	struct mark c, r, m;
	uint64_t sum = 0;
	long rows = 0;

	minimal_prepare(s, n);
	m = mark_now();
	exec(s, "BEGIN IMMEDIATE");
	exec(s, "INSERT INTO pay(ent, person, amount_fen, status)"
		" SELECT id, person, amount_fen, 0 FROM ent ORDER BY id");
	if (sqlite3_changes(s) != n)
		die("the minimal create made the wrong number of payments");
	exec(s, "CREATE UNIQUE INDEX pay_ent ON pay(ent)");
	finish(s, m.wall, "create");
	c = mark_since(m);
	report("minimal: create (plain table, index afterwards)", c, n, TARGET_PAY);
	db_close(db);

	db = open_db("pay_minimal", 0, 0, 0);
	s = db_sqlite(db);
	m = mark_now();
	exec(s, "BEGIN");
	st = prep(s, "SELECT p.id, n.name, n.acct_hash, n.acct_enc, p.amount_fen, n.id_hash"
		     " FROM pay p JOIN person n ON n.id = p.person"
		     " WHERE p.id BETWEEN 1 AND ? ORDER BY p.id");
	sqlite3_bind_int64(st, 1, n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 1);
		const unsigned char *ah = sqlite3_column_blob(st, 2);
		const unsigned char *ae = sqlite3_column_blob(st, 3);
		const unsigned char *ih = sqlite3_column_blob(st, 5);

		sum += (uint64_t)sqlite3_column_int64(st, 0) + name[0] + ah[0] + ae[0] + ih[15] +
		       (uint64_t)sqlite3_column_int64(st, 4);
		rows++;
	}
	if (sqlite3_errcode(s) != SQLITE_DONE || rows != n)
		die_sql(s, "minimal export read");
	sqlite3_finalize(st);
	exec(s, "COMMIT");
	r = mark_since(m);
	db_close(db);
	if (sum == 0)
		die("nothing read");
	report("minimal: export read (payment + person row)", r, n, TARGET_PAY);
	report("minimal: create + export read", mark_add(c, r), n, TARGET_PAY);

	report("minimal: import, one UPDATE by rowid per answer", minimal_import(n, APPLY_ROWID), n,
	       TARGET_IMPORT);
	report("minimal: import, one UPDATE ... FROM answers", minimal_import(n, APPLY_FROM), n,
	       TARGET_IMPORT);
	report("minimal: import, payment table rebuilt", minimal_import(n, APPLY_REBUILD), n,
	       TARGET_IMPORT);
	report("minimal: import, answers only (status not applied)", minimal_import(n, APPLY_NONE),
	       n, TARGET_IMPORT);
	if (!keep)
		remove_db("pay_minimal");
}

/* ---- packed ------------------------------------------------------------ */

static void put_chunk(sqlite3 *s, sqlite3_stmt *st, int64_t key, long n, const void *data,
		      size_t bytes)
{
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, n);
	sqlite3_bind_blob(st, 3, data, (int)bytes, SQLITE_STATIC);
	step(s, st);
}

static void packed_prepare(sqlite3 *s, long n)
{
	double t0 = now();
	struct person *pc = malloc(sizeof(*pc) * PER_BLOB);
	struct packed_ent *ec = malloc(sizeof(*ec) * PER_BLOB);
	sqlite3_stmt *ins_p, *ins_e;

	if (!pc || !ec)
		die("out of memory");
	exec(s, "CREATE TABLE person_chunk(first INTEGER PRIMARY KEY, n INTEGER, data BLOB);"
		"CREATE TABLE ent_chunk(id INTEGER PRIMARY KEY, n INTEGER, data BLOB);"
		"CREATE TABLE pay_chunk(id INTEGER PRIMARY KEY, n INTEGER, data BLOB);"
		"CREATE TABLE answer_chunk(id INTEGER PRIMARY KEY, n INTEGER, data BLOB)");
	exec(s, "BEGIN");
	ins_p = prep(s, "INSERT INTO person_chunk VALUES(?, ?, ?)");
	ins_e = prep(s, "INSERT INTO ent_chunk VALUES(?, ?, ?)");
	for (long first = 1; first <= n; first += PER_BLOB) {
		long k = n - first + 1 < PER_BLOB ? n - first + 1 : PER_BLOB;

		for (long j = 0; j < k; j++) {
			person_make(first + j, &pc[j]);
			ec[j] = (struct packed_ent){.person = (uint32_t)(first + j),
						    .line = (uint32_t)(first + j + 1),
						    .amount_fen = AMOUNT,
						    .period = 279,
						    .programme = 1};
		}
		put_chunk(s, ins_p, first, k, pc, sizeof(*pc) * (size_t)k);
		put_chunk(s, ins_e, (first - 1) / PER_BLOB + 1, k, ec, sizeof(*ec) * (size_t)k);
	}
	sqlite3_finalize(ins_p);
	sqlite3_finalize(ins_e);
	finish(s, t0, "preparation");
	free(pc);
	free(ec);
}

/* one pass over the entitlement sheet: payment chunk c holds entitlement chunk c's slots */
static struct mark packed_create(sqlite3 *s, long n)
{
	struct packed_pay *pay = malloc(sizeof(*pay) * PER_BLOB);
	sqlite3_stmt *rd, *ins;
	struct mark m = mark_now();
	long made = 0;

	if (!pay)
		die("out of memory");
	exec(s, "BEGIN IMMEDIATE");
	rd = prep(s, "SELECT id, n, data FROM ent_chunk ORDER BY id");
	ins = prep(s, "INSERT INTO pay_chunk VALUES(?, ?, ?)");
	while (sqlite3_step(rd) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(rd, 0);
		long k = (long)sqlite3_column_int64(rd, 1);
		const struct packed_ent *e = sqlite3_column_blob(rd, 2);

		if (k < 1 || k > PER_BLOB ||
		    sqlite3_column_bytes(rd, 2) != (int)(sizeof(*e) * (size_t)k))
			die("bad entitlement chunk");
		for (long j = 0; j < k; j++) {
			/* only approved entitlements get a payment (all are here) */
			pay[j] = (struct packed_pay){.ent = (uint32_t)((id - 1) * PER_BLOB + j + 1),
						     .person = e[j].person,
						     .amount_fen = e[j].amount_fen,
						     .batch = 1,
						     .status = e[j].status == 0 ? 0 : 3,
						     .attempt = 1};
			made += e[j].status == 0;
		}
		put_chunk(s, ins, id, k, pay, sizeof(*pay) * (size_t)k);
	}
	if (sqlite3_errcode(s) != SQLITE_DONE || made != n)
		die_sql(s, "packed create");
	sqlite3_finalize(rd);
	sqlite3_finalize(ins);
	finish(s, m.wall, "create");
	free(pay);
	return mark_since(m);
}

/* every payment with its person's name and account, chunk by chunk */
static long packed_export_read(sqlite3 *s, uint64_t *sum)
{
	sqlite3_stmt *rd, *per;
	const struct person *pc = NULL;
	int64_t pfirst = 0;
	long pn = 0, rows = 0;

	exec(s, "BEGIN");
	rd = prep(s, "SELECT n, data FROM pay_chunk ORDER BY id");
	per = prep(s, "SELECT n, data FROM person_chunk WHERE first = ?");
	while (sqlite3_step(rd) == SQLITE_ROW) {
		long k = (long)sqlite3_column_int64(rd, 0);
		const struct packed_pay *y = sqlite3_column_blob(rd, 1);

		if (k < 1 || k > PER_BLOB ||
		    sqlite3_column_bytes(rd, 1) != (int)(sizeof(*y) * (size_t)k))
			die("bad payment chunk");
		for (long j = 0; j < k; j++) {
			const struct person *p;

			if (y[j].status != 0)
				continue;
			if (!pc || y[j].person < pfirst || y[j].person >= pfirst + pn) {
				sqlite3_reset(per);
				pfirst = ((int64_t)y[j].person - 1) / PER_BLOB * PER_BLOB + 1;
				sqlite3_bind_int64(per, 1, pfirst);
				if (sqlite3_step(per) != SQLITE_ROW)
					die_sql(s, "person chunk");
				pn = (long)sqlite3_column_int64(per, 0);
				pc = sqlite3_column_blob(per, 1);
			}
			p = &pc[y[j].person - pfirst];
			*sum += y[j].ent + (uint64_t)y[j].amount_fen +
				(uint64_t)(unsigned char)p->name[0] + p->acct_hash[0] +
				p->acct_enc[0] + p->hash[15];
			rows++;
		}
	}
	if (sqlite3_errcode(s) != SQLITE_DONE)
		die_sql(s, "packed export read");
	sqlite3_finalize(rd);
	sqlite3_finalize(per);
	exec(s, "COMMIT");
	return rows;
}

/*
 * The return file's answers (sorted by payment id, as the import sorts them)
 * kept as a packed audit run, then merged into the payment chunks: each
 * chunk read and rewritten once, in place.
 */
static struct mark packed_import(sqlite3 *s, const struct packed_answer *a, long n)
{
	struct packed_pay *pay = malloc(sizeof(*pay) * PER_BLOB);
	sqlite3_stmt *ins;
	sqlite3_blob *blob = NULL;
	struct mark m = mark_now();
	long i = 0, failed = 0;

	if (!pay)
		die("out of memory");
	exec(s, "BEGIN IMMEDIATE");
	ins = prep(s, "INSERT INTO answer_chunk VALUES(?, ?, ?)");
	for (long first = 0; first < n; first += PER_BLOB) {
		long k = n - first < PER_BLOB ? n - first : PER_BLOB;

		put_chunk(s, ins, first / PER_BLOB + 1, k, a + first, sizeof(*a) * (size_t)k);
	}
	sqlite3_finalize(ins);
	while (i < n) {
		int64_t chunk = ((int64_t)a[i].pid - 1) / PER_BLOB + 1;
		int64_t lo = (chunk - 1) * PER_BLOB + 1;
		int bytes, rc;

		rc = blob ? sqlite3_blob_reopen(blob, chunk)
			  : sqlite3_blob_open(s, "main", "pay_chunk", "data", chunk, 1, &blob);
		if (rc != SQLITE_OK)
			die_sql(s, "payment chunk");
		bytes = sqlite3_blob_bytes(blob);
		if (bytes < (int)sizeof(*pay) || bytes > (int)(sizeof(*pay) * PER_BLOB) ||
		    sqlite3_blob_read(blob, pay, bytes, 0) != SQLITE_OK)
			die_sql(s, "payment chunk read");
		for (; i < n && a[i].pid < lo + bytes / (int)sizeof(*pay); i++) {
			struct packed_pay *y = &pay[a[i].pid - lo];

			if (y->status != 0 || y->amount_fen != a[i].amount_fen)
				die("unexpected answer");
			y->status = a[i].status;
			y->reason = a[i].reason;
			y->bank_time = a[i].bank_time;
			failed += a[i].status == 2;
		}
		if (sqlite3_blob_write(blob, pay, bytes, 0) != SQLITE_OK)
			die_sql(s, "payment chunk write");
	}
	if (blob)
		sqlite3_blob_close(blob);
	finish(s, m.wall, "import");
	m = mark_since(m);
	free(pay);
	if (failed == 0 && n >= 1000)
		die("no failed answer");
	return m;
}

static void run_packed(long n, int rollback)
{
	const char *name = rollback ? "pay_packed_rollback" : "pay_packed";
	const char *tag = rollback ? "packed, rollback journal" : "packed, WAL";
	struct db *db = open_db(name, 1, 0, rollback);
	struct packed_answer *a = malloc(sizeof(*a) * (size_t)n);
	sqlite3 *s = db_sqlite(db);
	struct mark c, r, m;
	uint64_t sum = 0;
	char what[80];
	long rows;

	if (!a)
		die("out of memory");
	packed_prepare(s, n);
	c = packed_create(s, n);
	snprintf(what, sizeof(what), "%s: create (one pass)", tag);
	report(what, c, n, TARGET_PAY);
	db_close(db);

	db = open_db(name, 0, 0, rollback);
	s = db_sqlite(db);
	m = mark_now();
	rows = packed_export_read(s, &sum);
	r = mark_since(m);
	if (rows != n || sum == 0)
		die("the packed export read the wrong number of payments");
	snprintf(what, sizeof(what), "%s: export read", tag);
	report(what, r, n, TARGET_PAY);
	snprintf(what, sizeof(what), "%s: create + export read", tag);
	report(what, mark_add(c, r), n, TARGET_PAY);
	db_close(db);

	/* the parsed return file, not timed (as no parsing is) */
	for (long i = 0; i < n; i++) {
		int f = fails(i + 1);

		a[i] = (struct packed_answer){.line = (uint32_t)(i + 2),
					      .pid = (uint32_t)(i + 1),
					      .amount_fen = AMOUNT,
					      .bank_time = BANK_TIME_SECS,
					      .reason = (uint16_t)f,
					      .status = (uint8_t)(f ? 2 : 1),
					      .outcome = (uint8_t)(f ? 2 : 1)};
	}
	db = open_db(name, 0, 0, rollback);
	s = db_sqlite(db);
	snprintf(what, sizeof(what), "%s: import (audit run + merge)", tag);
	report(what, packed_import(s, a, n), n, TARGET_IMPORT);
	db_close(db);
	free(a);
	if (!keep)
		remove_db(name);
}

static void print_load(const char *when)
{
	char buf[128] = "?";
	FILE *f = fopen("/proc/loadavg", "r");
	time_t t = time(NULL);
	char stamp[32];

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			snprintf(buf, sizeof(buf), "?\n");
		fclose(f);
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	printf("%s %s, load average %s", when, stamp, buf);
	if (!strchr(buf, '\n'))
		printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	long n = 1000000;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--keep") == 0) {
			keep = 1;
		} else {
			char *end;

			errno = 0;
			n = strtol(argv[i], &end, 10);
			if (errno || *end || end == argv[i] || n < 100 || n > 1000000000) {
				fprintf(stderr, "usage: payment_ceiling [N (100 to 1000000000)]"
						" [--dir DIR] [--keep]\n");
				return 2;
			}
		}
	}
	/* as the bulk commands do (cmd_subsidy_ops.c, bulk_tune) */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	printf("payment ceiling: %ld payments of one programme-period, %ld cores, sqlite %s,"
	       " durable commit, databases in %s\n",
	       n, sysconf(_SC_NPROCESSORS_ONLN), sqlite3_libversion(), dir);
	print_load("start");
	if (!getenv("CEILING_PACKED_ONLY")) {
		run_schema(n);
		run_minimal(n);
	}
	run_packed(n, 0);
	run_packed(n, 1);
	print_load("end  ");
	return 0;
}
