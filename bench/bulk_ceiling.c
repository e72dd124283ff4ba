/*
 * bulk_ceiling.c - how fast could a bulk storage layout import a roster,
 * end to end?
 *
 *   bulk_ceiling ROSTER.csv --db PREPARED.db [--dir DIR] [--threads N]
 *
 * storage_ceiling measures storing made-up bytes. This program does the
 * whole job a redesigned `subsidy roster import` would do on a fresh
 * database, with the real CSV reader and the real row checks
 * (roster_validate: IDs, accounts, villages against the org units of
 * PREPARED.db, programmes, periods, amounts, ages), so that its rate is what
 * such a redesign could reach on this machine:
 *
 *   parsers        the file (mapped) is cut into 4 MiB segments at record
 *                  boundaries (quote parity, so a quoted newline never cuts
 *                  a record); --threads N parser threads (default 2) each
 *                  take the next segment: CSV -> roster_validate -> keyed
 *                  SipHash-128 of the ID
 *   sequencer      the main thread takes the segments back in file order (so
 *                  the later of two duplicate lines is the one rejected):
 *                  person numbers from an in-memory hash table, in-file
 *                  duplicates and once-programmes from per-sheet bitmaps;
 *                  blocks of 4,096 rows go to the writer
 *   writer thread  fixed-size person records and per-(programme, period)
 *                  entitlement records, 4,096 to a chunk, each chunk
 *                  encrypted whole (one XChaCha20-Poly1305 call) and written
 *                  as one BLOB row; at the end a sorted (hash, person) run
 *                  for look-ups
 *   durability     one transaction, synchronous=FULL, a rollback journal
 *                  (pages appended to the file are written once)
 *
 * It is a measurement, not the product: nothing reads the result back, a
 * database that already holds people is not handled, rejected rows are
 * only counted, and names longer than NAME_MAX bytes are counted as
 * rejected. PREPARED.db is what bench/subsidy-bench-roster prepares
 * (villages and programmes imported by minsheng). bench/README.md records
 * the figures.
 */
#include "base/csv.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/programme.h"
#include "subsidy/roster.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TARGET 1000000.0
#define CHUNK 4096
#define NAME_MAX_BYTES 45
#define MAX_SHEETS 256

struct person_rec { /* plaintext; encrypted a chunk at a time */
	char id[18];
	uint8_t acct_len;
	char acct[19];
	uint8_t name_len;
	char name[NAME_MAX_BYTES];
	uint32_t village;
	int32_t birth_day;
	uint8_t female;
};

struct ent_rec {
	uint32_t person;
	uint32_t line;
	int64_t amount_fen;
};

struct block_row {
	uint32_t person;
	uint16_t sheet;
	uint8_t is_new;
	struct ent_rec ent;
	struct person_rec p;
};

struct block {
	size_t n;
	struct block_row row[CHUNK];
};

/* a two-block hand-over between the threads; blocks are reused (a fresh
 * half-megabyte block is a fresh mmap, paid for in page faults) */
struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block *full[2];
	size_t nfull;
	struct block *spare[4];
	size_t nspare;
	int done;
};

struct sheet {
	int64_t programme_id;
	char period[16];
	int once;
	uint8_t *seen; /* bit per person number */
	size_t seen_bytes;
	struct ent_rec buf[CHUNK];
	size_t n;
};

static struct {
	sqlite3 *s;
	sqlite3_stmt *ins_person, *ins_ent, *ins_key;
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint64_t nonce_ctr;
	struct person_rec pbuf[CHUNK];
	size_t pn;
	uint32_t pfirst;
	long chunks;
} W;

static struct sheet *sheets[MAX_SHEETS];
static size_t nsheets;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(long *maxrss_kb)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*maxrss_kb = ru.ru_maxrss;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "bulk_ceiling: %s\n", what);
	exit(3);
}

static void die_sql(const char *what)
{
	fprintf(stderr, "bulk_ceiling: %s: %s\n", what, sqlite3_errmsg(W.s));
	exit(3);
}

static void exec(const char *sql)
{
	if (sqlite3_exec(W.s, sql, NULL, NULL, NULL) != SQLITE_OK)
		die_sql(sql);
}

/* encrypt n records of size sz as one message and store them as one row */
static void put_chunk(sqlite3_stmt *st, int64_t tag, const void *data, size_t n, size_t sz)
{
	static unsigned char out[CHUNK * sizeof(struct person_rec) +
				 crypto_aead_xchacha20poly1305_ietf_ABYTES];
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {0};
	unsigned long long clen;

	memcpy(nonce, &W.nonce_ctr, sizeof(W.nonce_ctr));
	W.nonce_ctr++;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out, &clen, data, n * sz, NULL, 0, NULL, nonce,
						   W.key);
	sqlite3_bind_int64(st, 1, tag);
	sqlite3_bind_int64(st, 2, (int64_t)n);
	sqlite3_bind_blob(st, 3, nonce, sizeof(nonce), SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, out, (int)clen, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		die_sql("insert chunk");
	sqlite3_reset(st);
	W.chunks++;
}

static void flush_people(void)
{
	if (W.pn)
		put_chunk(W.ins_person, W.pfirst, W.pbuf, W.pn, sizeof(W.pbuf[0]));
	W.pfirst += (uint32_t)W.pn;
	W.pn = 0;
}

static void flush_sheet(size_t i)
{
	struct sheet *sh = sheets[i];

	if (sh->n)
		put_chunk(W.ins_ent, (int64_t)i, sh->buf, sh->n, sizeof(sh->buf[0]));
	sh->n = 0;
}

static void write_block(const struct block *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct block_row *r = &b->row[i];
		struct sheet *sh = sheets[r->sheet];

		if (r->is_new) {
			W.pbuf[W.pn++] = r->p;
			if (W.pn == CHUNK)
				flush_people();
		}
		sh->buf[sh->n++] = r->ent;
		if (sh->n == CHUNK)
			flush_sheet(r->sheet);
	}
}

static double writer_cpu;

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct pipe P = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *writer(void *arg)
{
	(void)arg;
	for (;;) {
		struct block *b;

		pthread_mutex_lock(&P.mu);
		while (P.nfull == 0 && !P.done)
			pthread_cond_wait(&P.cv, &P.mu);
		if (P.nfull == 0) {
			pthread_mutex_unlock(&P.mu);
			return NULL;
		}
		b = P.full[0];
		P.full[0] = P.full[1];
		P.nfull--;
		pthread_cond_broadcast(&P.cv);
		pthread_mutex_unlock(&P.mu);
		write_block(b);
		writer_cpu = thread_cpu();
		pthread_mutex_lock(&P.mu);
		P.spare[P.nspare++] = b;
		pthread_cond_broadcast(&P.cv);
		pthread_mutex_unlock(&P.mu);
	}
}

/* hand b to the writer; returns an empty block to fill next */
static struct block *hand_over(struct block *b)
{
	struct block *e;

	pthread_mutex_lock(&P.mu);
	while (P.nfull == 2 || P.nspare == 0)
		pthread_cond_wait(&P.cv, &P.mu);
	P.full[P.nfull++] = b;
	e = P.spare[--P.nspare];
	pthread_cond_broadcast(&P.cv);
	pthread_mutex_unlock(&P.mu);
	e->n = 0;
	return e;
}

/* ---- the parser's people table: person numbers keyed by their ID hash ---- */

struct slot {
	uint32_t tag;	 /* the hash's first 4 bytes, so a probe rarely reads hashes[] */
	uint32_t person; /* 0: empty */
};

static unsigned char (*hashes)[16]; /* by person number - 1 */
static struct slot *table;
static size_t tcap, people, hcap;

static uint32_t tag_of(const unsigned char *h)
{
	uint32_t x;

	memcpy(&x, h, sizeof(x));
	return x;
}

static size_t slot_of(const unsigned char *h, size_t cap)
{
	uint64_t x;

	memcpy(&x, h + 8, sizeof(x));
	return (size_t)x & (cap - 1);
}

/*
 * Zeroed memory in huge pages where the kernel allows them: every probe of
 * the table is a random access, and with 4 KiB pages each is a TLB miss too.
 * Untouched pages cost nothing, so a generous reservation is fine.
 */
static void *big_zeroed(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (p == MAP_FAILED)
		die("out of memory");
	madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

static void table_grow(void)
{
	size_t ncap = tcap ? tcap * 2 : 1u << 20;
	struct slot *nt = big_zeroed(ncap * sizeof(*nt));

	for (size_t i = 0; i < tcap; i++)
		if (table[i].person) {
			size_t j = slot_of(hashes[table[i].person - 1], ncap);

			while (nt[j].person)
				j = (j + 1) & (ncap - 1);
			nt[j] = table[i];
		}
	if (table)
		munmap(table, tcap * sizeof(*table));
	table = nt;
	tcap = ncap;
}

/* the person number of h, a new one when unseen */
static uint32_t person_of(const unsigned char *h, int *is_new)
{
	uint32_t tag = tag_of(h);
	size_t j;

	if ((people + 1) * 10 > tcap * 7)
		table_grow();
	for (j = slot_of(h, tcap); table[j].person; j = (j + 1) & (tcap - 1))
		if (table[j].tag == tag && memcmp(hashes[table[j].person - 1], h, 16) == 0) {
			*is_new = 0;
			return table[j].person;
		}
	if (people == hcap)
		die("more people than the file's size allows");
	memcpy(hashes[people], h, 16);
	table[j].tag = tag;
	table[j].person = (uint32_t)++people;
	*is_new = 1;
	return table[j].person;
}

/* set bit p of *bits (grown as needed); returns its previous value */
static int test_and_set(uint8_t **bits, size_t *bytes, uint32_t p)
{
	size_t need = p / 8 + 1;
	int old;

	if (need > *bytes) {
		size_t nb = *bytes ? *bytes : 4096;

		while (nb < need)
			nb *= 2;
		*bits = realloc(*bits, nb);
		if (!*bits)
			die("out of memory");
		memset(*bits + *bytes, 0, nb - *bytes);
		*bytes = nb;
	}
	old = (*bits)[p / 8] >> (p % 8) & 1;
	(*bits)[p / 8] |= (uint8_t)(1u << (p % 8));
	return old;
}

static size_t sheet_of(int64_t programme_id, const char *period, int is_once)
{
	size_t i;

	for (i = 0; i < nsheets; i++)
		if (sheets[i]->programme_id == programme_id && strcmp(sheets[i]->period, period) == 0)
			return i;
	if (nsheets == MAX_SHEETS)
		die("too many programme-periods");
	sheets[i] = calloc(1, sizeof(*sheets[i]));
	if (!sheets[i])
		die("out of memory");
	sheets[i]->programme_id = programme_id;
	snprintf(sheets[i]->period, sizeof(sheets[i]->period), "%s", period);
	sheets[i]->once = is_once;
	return nsheets++;
}

/* once-programmes: a person at most once per programme in any period */
static struct {
	int64_t programme_id;
	uint8_t *seen;
	size_t bytes;
} once[MAX_SHEETS];
static size_t nonce_progs;

static int once_taken(int64_t programme_id, uint32_t p)
{
	size_t i;

	for (i = 0; i < nonce_progs && once[i].programme_id != programme_id; i++)
		;
	if (i == nonce_progs)
		once[nonce_progs++].programme_id = programme_id;
	return test_and_set(&once[i].seen, &once[i].bytes, p);
}

static size_t village_index(const struct roster_villages *v, const char *code)
{
	uint64_t c = strtoull(code, NULL, 10);
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->code[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- parser threads: segments of the mapped file, parsed in parallel ---- */

#define SEG_BYTES (4u << 20)
#define WINDOW 8 /* segments parsed ahead of the sequencer, at most */
#define MAX_PARSERS 8

/* a valid row as a parser leaves it for the sequencer */
struct prow {
	unsigned char h[16];
	int64_t programme_id;
	char period[PERIOD_STRLEN];
	uint8_t once;
	struct ent_rec ent; /* person filled in by the sequencer; line local */
	struct person_rec p;
};

struct seg {
	size_t n, cap;
	struct prow *row;
	long lines; /* newlines in the segment */
	long rejected;
	int ready;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const char *data;
	size_t size, next; /* next: offset of the first byte not yet claimed */
	size_t claimed, consumed;
	struct seg ring[WINDOW];
	const struct roster_context *ctx;
	const struct roster_villages *vill;
	unsigned char hkey[crypto_shorthash_siphashx24_KEYBYTES];
	double cpu[MAX_PARSERS];
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/*
 * The end of the segment starting at record boundary start: the first
 * newline after start + SEG_BYTES outside quotes (RFC 4180: a newline is
 * inside a field exactly when an odd number of quotes precede it in the
 * record, and doubled quotes count twice).
 */
static size_t seg_end(size_t start)
{
	size_t end = start + SEG_BYTES;
	const char *p = S.data + start, *e;
	int odd = 0;

	if (end >= S.size)
		return S.size;
	for (e = S.data + end; (p = memchr(p, '"', (size_t)(e - p))) != NULL; p++)
		odd ^= 1;
	for (; end < S.size; end++)
		if (S.data[end] == '"')
			odd ^= 1;
		else if (S.data[end] == '\n' && !odd)
			return end + 1;
	return S.size;
}

static void parse_segment(struct seg *sg, const char *data, size_t len)
{
	struct csv_options co = {.name = "roster", .encoding = "UTF-8",
				 .expected_fields = ROSTER_FIELDS};
	struct csv_reader *rd;
	struct csv_record rec;
	struct error err;
	const char *p = data, *e = data + len;

	sg->n = 0;
	sg->rejected = 0;
	for (sg->lines = 0; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		sg->lines++;
	error_clear(&err);
	if (csv_open_mem(data, len, &co, &rd, &err))
		die(err.msg);
	for (;;) {
		struct roster_row row;
		struct prow *pr;
		char msg[256];
		long column;

		if (csv_next(rd, &rec, &err))
			die(err.msg);
		if (rec.n == 0)
			break;
		if (roster_validate(S.ctx, &rec, &row, &column, msg, sizeof(msg)) != ROSTER_OK ||
		    row.name_len > NAME_MAX_BYTES) {
			sg->rejected++;
			continue;
		}
		if (sg->n == sg->cap) {
			sg->cap = sg->cap ? sg->cap * 2 : 65536;
			sg->row = realloc(sg->row, sg->cap * sizeof(*sg->row));
			if (!sg->row)
				die("out of memory");
		}
		pr = &sg->row[sg->n++];
		crypto_shorthash_siphashx24(pr->h, (const unsigned char *)row.id, 18, S.hkey);
		pr->programme_id = row.programme->id;
		memcpy(pr->period, row.period_text, sizeof(pr->period));
		pr->once = row.programme->frequency == FREQ_ONCE;
		pr->ent = (struct ent_rec){0, (uint32_t)rec.line, row.amount_fen};
		memcpy(pr->p.id, row.id, 18);
		pr->p.acct_len = (uint8_t)row.account_len;
		memcpy(pr->p.acct, row.account, row.account_len);
		pr->p.name_len = (uint8_t)row.name_len;
		memcpy(pr->p.name, row.name, row.name_len);
		pr->p.village = (uint32_t)village_index(S.vill, row.village);
		pr->p.birth_day = date_to_days(row.birth);
		pr->p.female = (uint8_t)row.female;
	}
	csv_close(rd);
	{
		/* done with these pages: a mapped file's pages count in the RSS */
		uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), lo = (uintptr_t)data & ~(pg - 1);

		madvise((void *)lo, (uintptr_t)e - lo, MADV_DONTNEED);
	}
}

static void *parser(void *arg)
{
	size_t me = (size_t)(uintptr_t)arg;

	for (;;) {
		size_t i, start, end;

		pthread_mutex_lock(&S.mu);
		while (S.next < S.size && S.claimed - S.consumed >= WINDOW)
			pthread_cond_wait(&S.cv, &S.mu);
		if (S.next >= S.size) {
			pthread_mutex_unlock(&S.mu);
			break;
		}
		i = S.claimed++;
		start = S.next;
		end = seg_end(start);
		S.next = end;
		pthread_mutex_unlock(&S.mu);
		parse_segment(&S.ring[i % WINDOW], S.data + start, end - start);
		pthread_mutex_lock(&S.mu);
		S.ring[i % WINDOW].ready = 1;
		pthread_cond_broadcast(&S.cv);
		pthread_mutex_unlock(&S.mu);
	}
	S.cpu[me] = thread_cpu();
	return NULL;
}

/* segment i in file order, once parsed; NULL after the last */
static struct seg *seg_take(size_t i)
{
	struct seg *sg = NULL;

	pthread_mutex_lock(&S.mu);
	while (!(i < S.claimed && S.ring[i % WINDOW].ready) && !(i == S.claimed && S.next >= S.size))
		pthread_cond_wait(&S.cv, &S.mu);
	if (i < S.claimed)
		sg = &S.ring[i % WINDOW];
	pthread_mutex_unlock(&S.mu);
	return sg;
}

static void seg_done(struct seg *sg)
{
	pthread_mutex_lock(&S.mu);
	sg->ready = 0;
	S.consumed++;
	pthread_cond_broadcast(&S.cv);
	pthread_mutex_unlock(&S.mu);
}

/* ---- the look-up run: person numbers sorted by hash ---- */

struct runkey {
	uint64_t prefix; /* the hash's first 8 bytes, most significant first */
	uint32_t person;
} __attribute__((packed)); /* 12 bytes: two arrays of these for 22 M people */

static int cmp_runkey(const void *a, const void *b)
{
	return memcmp(hashes[((const struct runkey *)a)->person - 1],
		      hashes[((const struct runkey *)b)->person - 1], 16);
}

/* LSD radix sort on the 64-bit prefix, 8 bits a pass; ties by the whole hash */
static struct runkey *sorted_run(void)
{
	struct runkey *a = big_zeroed(people * sizeof(*a)), *t = big_zeroed(people * sizeof(*t)), *x;
	size_t count[256];

	for (size_t i = 0; i < people; i++) {
		uint64_t v = 0;

		for (int k = 0; k < 8; k++)
			v = v << 8 | hashes[i][k];
		a[i] = (struct runkey){v, (uint32_t)(i + 1)};
	}
	for (int shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < people; i++)
			count[a[i].prefix >> shift & 0xff]++;
		for (size_t k = 0; k < 256; k++) {
			size_t c = count[k];

			count[k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < people; i++)
			t[count[a[i].prefix >> shift & 0xff]++] = a[i];
		x = a, a = t, t = x;
	}
	for (size_t i = 0, j; i < people; i = j) {
		for (j = i + 1; j < people && a[j].prefix == a[i].prefix; j++)
			;
		if (j - i > 1)
			qsort(a + i, j - i, sizeof(*a), cmp_runkey);
	}
	munmap(t, people * sizeof(*t));
	return a;
}

static void write_run(const struct runkey *a)
{
	static struct {
		unsigned char hash[16];
		uint32_t person;
	} k[CHUNK];

	for (size_t i = 0; i < people; i += CHUNK) {
		size_t n = people - i < CHUNK ? people - i : CHUNK;

		for (size_t j = 0; j < n; j++) {
			memcpy(k[j].hash, hashes[a[i + j].person - 1], 16);
			k[j].person = a[i + j].person;
		}
		sqlite3_bind_blob(W.ins_key, 1, k[0].hash, 16, SQLITE_STATIC);
		sqlite3_bind_int64(W.ins_key, 2, (int64_t)n);
		sqlite3_bind_blob(W.ins_key, 3, k, (int)(n * sizeof(k[0])), SQLITE_STATIC);
		if (sqlite3_step(W.ins_key) != SQLITE_DONE)
			die_sql("insert run");
		sqlite3_reset(W.ins_key);
	}
}

static void open_out(const char *dir)
{
	char path[4096];
	const char *sfx[] = {"", "-journal", "-wal", "-shm"};

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/bulk.db%s", dir, sfx[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/bulk.db", dir);
	if (sqlite3_open(path, &W.s) != SQLITE_OK)
		die_sql(path);
	exec("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
	     "CREATE TABLE person_chunk(first INTEGER PRIMARY KEY, n INTEGER, nonce BLOB,"
	     " data BLOB);"
	     "CREATE TABLE ent_chunk(id INTEGER PRIMARY KEY, sheet INTEGER, n INTEGER,"
	     " nonce BLOB, data BLOB);"
	     "CREATE TABLE key_run(first BLOB PRIMARY KEY, n INTEGER, data BLOB) WITHOUT ROWID;"
	     "BEGIN");
	if (sqlite3_prepare_v2(W.s, "INSERT INTO person_chunk VALUES(?1 + 1, ?2, ?3, ?4)", -1,
			       &W.ins_person, NULL) ||
	    sqlite3_prepare_v2(W.s,
			       "INSERT INTO ent_chunk(sheet, n, nonce, data) VALUES(?1, ?2, ?3, ?4)",
			       -1, &W.ins_ent, NULL) ||
	    sqlite3_prepare_v2(W.s, "INSERT INTO key_run VALUES(?1, ?2, ?3)", -1, &W.ins_key, NULL))
		die_sql("prepare");
}

int main(int argc, char **argv)
{
	const char *file = NULL, *prepared = NULL, *dir = "/tmp";
	struct programme_list progs;
	struct roster_villages vill;
	struct roster_context ctx;
	struct error err;
	struct db *pdb;
	struct block *b;
	pthread_t th, pth[MAX_PARSERS];
	size_t nparsers = 2;
	long line_base = 1; /* lines before the segment: the header */
	unsigned char hkey[crypto_shorthash_siphashx24_KEYBYTES];
	long accepted = 0, rejected = 0, rss;
	double t0, c0, wall, cpu, parse_cpu, seq_cpu, sort_cpu, t_commit;
	struct runkey *run;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			prepared = argv[++i];
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			nparsers = strtoul(argv[++i], NULL, 10);
			if (nparsers < 1 || nparsers > MAX_PARSERS)
				file = NULL, i = argc;
		} else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			file = NULL, i = argc;
	}
	if (!file || !prepared) {
		fprintf(stderr, "usage: bulk_ceiling ROSTER.csv --db PREPARED.db [--dir DIR] [--threads 1-8]\n");
		return 2;
	}
	if (sodium_init() < 0)
		die("libsodium unusable");
	randombytes_buf(hkey, sizeof(hkey));
	randombytes_buf(W.key, sizeof(W.key));
	error_clear(&err);
	if (db_open_existing(prepared, &pdb, &err) || programme_list_load(pdb, &progs, &err) ||
	    roster_villages_load(pdb, &vill, &err))
		die(err.msg);
	ctx.programmes = &progs;
	ctx.villages = &vill;
	ctx.today = date_today();
	open_out(dir);
	{
		struct stat st;

		/* a roster line is longer than 40 bytes: at most size / 40 people */
		if (stat(file, &st))
			die("cannot stat the roster");
		hcap = (size_t)st.st_size / 40 + 1;
		hashes = big_zeroed(hcap * 16);
	}

	t0 = now();
	c0 = cpu_seconds(&rss);
	{
		int fd = open(file, O_RDONLY);
		struct stat st;
		const char *nl;

		if (fd < 0 || fstat(fd, &st) || st.st_size == 0)
			die("cannot open the roster");
		S.size = (size_t)st.st_size;
		S.data = mmap(NULL, S.size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (S.data == MAP_FAILED)
			die("cannot map the roster");
		madvise((void *)S.data, S.size, MADV_SEQUENTIAL);
		nl = memchr(S.data, '\n', S.size); /* the header: checked by the product, skipped here */
		if (!nl)
			die("no header line");
		S.next = (size_t)(nl - S.data) + 1;
	}
	S.ctx = &ctx;
	S.vill = &vill;
	memcpy(S.hkey, hkey, sizeof(hkey));
	if (pthread_create(&th, NULL, writer, NULL))
		die("pthread_create");
	for (size_t i = 0; i < nparsers; i++)
		if (pthread_create(&pth[i], NULL, parser, (void *)(uintptr_t)i))
			die("pthread_create");
	for (size_t i = 0; i < 4; i++)
		if (!(P.spare[P.nspare++] = malloc(sizeof(*b))))
			die("out of memory");
	b = malloc(sizeof(*b));
	if (!b)
		die("out of memory");
	b->n = 0;
	for (size_t si = 0;; si++) {
		struct seg *sg = seg_take(si);

		if (!sg)
			break;
		rejected += sg->rejected;
		for (size_t k = 0; k < sg->n; k++) {
			struct prow *pr = &sg->row[k];
			struct block_row *br = &b->row[b->n];
			int is_new;
			size_t sh;

			br->person = person_of(pr->h, &is_new);
			sh = sheet_of(pr->programme_id, pr->period, pr->once);
			if (test_and_set(&sheets[sh]->seen, &sheets[sh]->seen_bytes, br->person) ||
			    (sheets[sh]->once && once_taken(pr->programme_id, br->person))) {
				rejected++; /* duplicate identity or once-programme repeated */
				continue;
			}
			br->sheet = (uint16_t)sh;
			br->is_new = (uint8_t)is_new;
			br->ent = pr->ent;
			br->ent.person = br->person;
			br->ent.line += (uint32_t)line_base;
			if (is_new)
				br->p = pr->p;
			accepted++;
			if (++b->n == CHUNK)
				b = hand_over(b);
		}
		line_base += sg->lines;
		seg_done(sg);
	}
	for (size_t i = 0; i < nparsers; i++)
		pthread_join(pth[i], NULL);
	munmap((void *)S.data, S.size);
	if (!people)
		die("no valid rows");
	b = hand_over(b);
	seq_cpu = thread_cpu();
	parse_cpu = 0;
	for (size_t i = 0; i < nparsers; i++)
		parse_cpu += S.cpu[i];
	/* the people table and the bitmaps are done with: give their memory to the sort */
	munmap(table, tcap * sizeof(*table));
	for (size_t i = 0; i < nsheets; i++)
		free(sheets[i]->seen);
	for (size_t i = 0; i < nonce_progs; i++)
		free(once[i].seen);
	run = sorted_run(); /* while the writer drains */
	sort_cpu = thread_cpu() - seq_cpu;
	pthread_mutex_lock(&P.mu);
	P.done = 1;
	pthread_cond_broadcast(&P.cv);
	pthread_mutex_unlock(&P.mu);
	pthread_join(th, NULL);
	flush_people();
	for (size_t i = 0; i < nsheets; i++)
		flush_sheet(i);
	write_run(run);
	t_commit = now();
	exec("COMMIT");
	wall = now() - t0;
	t_commit = now() - t_commit;
	cpu = cpu_seconds(&rss) - c0;

	printf("bulk layout, end to end: %ld rows (%ld accepted, %ld rejected), %zu people, "
	       "%zu programme-periods, %ld chunks\n",
	       accepted + rejected, accepted, rejected, people, nsheets, W.chunks);
	printf("%-44s %7.2f s %10.0f rows/s  cpu %7.2f s  peak RSS %ld MiB  %5.1f%% of target\n",
	       "parse + check + hash + encrypt + store", wall, (double)(accepted + rejected) / wall,
	       cpu, rss / 1024, 100.0 * (double)(accepted + rejected) / wall / TARGET);
	printf("  cpu: %zu parser thread%s %.2f s (CSV reading and checks, hashing), sequencer %.2f s "
	       "(people table, duplicates), look-up run sort %.2f s, writer %.2f s (encryption, "
	       "SQLite); commit %.2f s wall\n",
	       nparsers, nparsers == 1 ? "" : "s", parse_cpu, seq_cpu, sort_cpu, writer_cpu, t_commit);
	sqlite3_finalize(W.ins_person);
	sqlite3_finalize(W.ins_ent);
	sqlite3_finalize(W.ins_key);
	sqlite3_close(W.s);
	db_close(pdb);
	programme_list_free(&progs);
	roster_villages_free(&vill);
	munmap(run, people * sizeof(*run));
	free(b);
	for (size_t i = 0; i < P.nspare; i++)
		free(P.spare[i]);
	return 0;
}
