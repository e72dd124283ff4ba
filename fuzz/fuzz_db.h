/*
 * fuzz_db.h - shared pieces of the harnesses that run a real import against
 * a database (fuzz_orgunit.c, fuzz_programme.c, fuzz_deaths.c,
 * fuzz_officials.c). Header-only, static functions, so each harness stays
 * one translation unit.
 *
 * - The input bytes become a file the import opens by path: an anonymous
 *   memory file (memfd) reached as /proc/self/fd/N, so no file is left on
 *   disk and nothing is shared between processes.
 * - Each input runs on a fresh in-memory database restored from a snapshot
 *   (sqlite3_serialize once, sqlite3_deserialize per input), so seeding the
 *   database (migrations, a roster) costs once, not per input, and inputs
 *   do not see each other's writes.
 * - fuzz_dump turns a query's whole result into bytes, to compare a table
 *   before and after a rejected import.
 */
#ifndef MINSHENG_FUZZ_DB_H
#define MINSHENG_FUZZ_DB_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"

#include "fuzz_check.h"

#define FUZZ_UNUSED __attribute__((unused))

/*
 * Put data into the harness's memory file and return its path. The same
 * file is reused for every input (truncated first).
 */
static FUZZ_UNUSED const char *fuzz_file(const void *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	const char *p = data;
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	CHECK(ftruncate(fd, 0) == 0);
	while (off < size) {
		ssize_t n = pwrite(fd, p + off, size - off, (off_t)off);

		CHECK(n > 0);
		off += (size_t)n;
	}
	return path;
}

/* Lines in the input as the CSV reader may count them (LF and lone CR). */
static FUZZ_UNUSED long fuzz_lines(const uint8_t *data, size_t size)
{
	long n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')))
			n++;
	return n;
}

/* True when s holds no C0 control character and no DEL. */
static FUZZ_UNUSED int fuzz_clean_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * A reason about the shape of a record rather than one field's value: the
 * CSV reader's own (csv.h) and a header that is not the expected one. Their
 * column may be any field of the record (the first extra field of a long
 * header is column 14 of a 13-column file).
 */
static FUZZ_UNUSED int fuzz_csv_reason(const char *r)
{
	static const char *const reasons[] = {
	    "unterminated_quote", "bad_quote",
	    "field_count",	  "field_too_long",
	    "record_too_long",	  "too_many_fields",
	    "invalid_utf8",	  "bad_encoding",
	    "nul_byte",		  "io",
	    "bad_header",
	};
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(r, reasons[i]) == 0)
			return 1;
	return 0;
}

/*
 * An error an import reported for a bad input: ERR_INPUT, a reason and a
 * message, both NUL-terminated within their arrays, a line inside the input,
 * a column between 0 and maxcol (any field for the reasons about a record's
 * shape, fuzz_csv_reason), and no control characters in the message (a bad
 * value quoted into it must not carry a newline or a terminal escape to
 * stderr or a reject file).
 */
static FUZZ_UNUSED void fuzz_check_input_error(const struct error *e, long lines, long maxcol)
{
	CHECK(e->code == ERR_INPUT);
	CHECK(memchr(e->reason, '\0', sizeof(e->reason)) != NULL && e->reason[0] != '\0');
	CHECK(memchr(e->msg, '\0', sizeof(e->msg)) != NULL && e->msg[0] != '\0');
	CHECK(fuzz_clean_text(e->reason));
	CHECK(fuzz_clean_text(e->msg));
	CHECK(e->line >= 1 && e->line <= lines);
	if (fuzz_csv_reason(e->reason))
		maxcol = 257; /* any field, up to the reader's max_fields + 1 */
	CHECK(e->column >= 0 && e->column <= maxcol);
}

struct fuzz_snapshot {
	unsigned char *data;
	sqlite3_int64 size;
};

/* Copy db's main database into s (an in-memory database: no WAL header). */
static FUZZ_UNUSED void fuzz_snapshot_take(struct db *db, struct fuzz_snapshot *s)
{
	s->data = sqlite3_serialize(db_sqlite(db), "main", &s->size, 0);
	CHECK(s->data != NULL && s->size > 0);
}

/* A fresh in-memory database holding a copy of the snapshot. */
static FUZZ_UNUSED struct db *fuzz_db_restore(const struct fuzz_snapshot *s)
{
	struct error err;
	struct db *db = NULL;
	unsigned char *copy;

	error_clear(&err);
	CHECK(db_open(":memory:", &db, &err) == 0);
	copy = sqlite3_malloc64((sqlite3_uint64)s->size);
	CHECK(copy != NULL);
	memcpy(copy, s->data, (size_t)s->size);
	CHECK(sqlite3_deserialize(db_sqlite(db), "main", copy, s->size, s->size,
				  SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) ==
	      SQLITE_OK);
	CHECK(db_exec(db, "PRAGMA foreign_keys = ON", &err) == 0);
	return db;
}

/* Every row and column of sql's result as bytes in a buf (buf_free it). */
static FUZZ_UNUSED struct buf fuzz_dump(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	struct error err;
	struct buf b;
	int i, n;

	error_clear(&err);
	buf_init(&b, (size_t)1 << 26);
	CHECK(db_prepare(db, sql, &st, &err) == 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++) {
			const void *v = sqlite3_column_blob(st, i);
			int len = sqlite3_column_bytes(st, i);

			if (sqlite3_column_type(st, i) == SQLITE_NULL)
				CHECK(buf_add(&b, "\x01N", 2) == 0);
			else if (len)
				CHECK(buf_add(&b, v, (size_t)len) == 0);
			CHECK(buf_add(&b, "\x01", 1) == 0);
		}
		CHECK(buf_add(&b, "\x02", 1) == 0);
	}
	sqlite3_finalize(st);
	return b;
}

/* Two dumps are the same bytes; frees both. */
static FUZZ_UNUSED int fuzz_same(struct buf *a, struct buf *b)
{
	int same = a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);

	buf_free(a);
	buf_free(b);
	return same;
}

/* One integer from sql (0 when no row). */
static FUZZ_UNUSED int64_t fuzz_int(struct db *db, const char *sql)
{
	struct error err;
	int64_t v = 0;

	error_clear(&err);
	CHECK(db_int(db, sql, &v, &err) == 0);
	return v;
}

#endif
