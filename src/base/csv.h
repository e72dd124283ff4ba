/*
 * csv.h - a streaming RFC 4180 reader with bounded memory.
 *
 * Reads records one at a time from a file or from memory: quoted fields,
 * embedded commas, doubled quotes and newlines inside quotes, LF or CRLF line
 * ends, an optional UTF-8 byte order mark. Input that is not valid UTF-8 is
 * read as GB18030 (a superset of GBK) through iconv; an explicit encoding
 * skips the detection. Memory stays within the configured limits whatever the
 * input: a field longer than max_field or a record longer than max_record is
 * an error, not an allocation.
 *
 * Detection: the first chunk read (64 KiB) decides. It is UTF-8 when its
 * valid multibyte UTF-8 sequences are at least four times its invalid ones
 * (so pure ASCII, valid UTF-8, and UTF-8 with a few bad bytes; a sequence cut
 * at the chunk's end counts as neither); otherwise the whole input is
 * converted from GB18030. GBK text seldom forms valid UTF-8 sequences (about
 * one for five invalid ones). A UTF-8 byte order mark settles it as UTF-8
 * whatever follows. The mark is skipped (in GB18030 input, its GB18030 form
 * 84 31 95 33).
 *
 * Dialect: fields are separated by ',' and records end with LF, CRLF or a
 * lone CR. A field that starts with '"' is quoted: it runs to the next single
 * '"', a doubled '"' inside stands for one, and commas, CR and LF inside are
 * kept as they are. A quote anywhere in an unquoted field, or anything but a
 * separator after a closing quote, is "bad_quote". Lines are counted by LF
 * (and by a CR that ends a record), so a record with newlines inside quotes
 * spans several lines. A NUL byte is an error ("nul_byte": the file is
 * probably UTF-16), because fields are handed out as C strings.
 *
 * Limits: max_field counts a field's bytes after unquoting and decoding;
 * max_record counts a record's field bytes plus one per separating comma
 * (its unquoted length without the line end). The reader holds at most one
 * record (max_record + 1 bytes), one read chunk (256 KiB) and, for GB18030,
 * one conversion buffer (about 200 KiB).
 *
 * Errors carry the file name given in the options, the 1-based line where
 * the problem is and the 1-based column (field number), and a reason code:
 *   unterminated_quote (line and field where the quote opened), bad_quote
 *   (text after a closing quote, or a quote inside an unquoted field),
 *   field_count (at the record's first line; column: the first extra or
 *   missing field), field_too_long, record_too_long, too_many_fields,
 *   invalid_utf8, bad_encoding (iconv could not convert), nul_byte, io.
 * Opening with an encoding iconv does not know fails with ERR_USAGE, reason
 * "unknown_encoding". Opening with an encoding other than UTF-8 fails with
 * ERR_INPUT, reason "encoding_mismatch", when the input is plainly UTF-8:
 * detection would read its first 64 KiB as UTF-8 and they hold at least 8
 * distinct 3- or 4-byte characters (every Chinese character is one), which
 * GBK text never does; read as GBK its names would all be wrong, silently.
 * Record errors: after field_count, field_too_long, record_too_long,
 * too_many_fields, bad_quote, invalid_utf8, bad_encoding and nul_byte the
 * reader has skipped to the start of the next record, so a caller that keeps
 * rejected rows may go on reading. A bad byte never ends reading: in UTF-8 it
 * is never a separator, quote or line end (a sequence it cuts short is
 * reported and the byte read afresh), and in GB18030 an unconvertible byte is
 * skipped alone, so the framing holds. Only these end reading, the next call
 * returning the end of input (or the same I/O error): unterminated_quote,
 * input that ends inside a character (invalid_utf8 or bad_encoding at the
 * last line), io. The skip follows the quoting rules (a quoted line end does
 * not end the bad record); if it meets one of those (say the input ends inside
 * a quote it opened), the record error is returned first and that one by the
 * next call. The first record (a header) is reported like any other; a
 * caller that needs it refuses the file when it is an error.
 * See docs/csv.md.
 */
#ifndef MINSHENG_BASE_CSV_H
#define MINSHENG_BASE_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct csv_reader;

struct csv_options {
	const char *name;        /* file name for messages; copied */
	const char *encoding;    /* NULL or "": detect; else an iconv name ("UTF-8", "GBK", "GB18030") */
	size_t max_field;        /* bytes per field after decoding; 0: 64 KiB */
	size_t max_record;       /* bytes per record; 0: 1 MiB */
	size_t max_fields;       /* fields per record; 0: 256 */
	size_t expected_fields;  /* 0: any; else every record must have exactly this many */
};

/* One record. Valid until the next csv_next or csv_close. */
struct csv_record {
	size_t n;                /* number of fields */
	const char *const *field;/* n NUL-terminated UTF-8 strings */
	const size_t *len;       /* their lengths in bytes */
	long line;               /* line on which the record starts */
};

/* Open a file ("-" reads standard input). On failure *out is NULL. */
int csv_open_file(const char *path, const struct csv_options *opt,
		  struct csv_reader **out, struct error *err);

/* Read from memory; data must stay valid until csv_close. */
int csv_open_mem(const char *data, size_t len, const struct csv_options *opt,
		 struct csv_reader **out, struct error *err);

/*
 * Read the next record into *rec. Returns 0 with rec->n > 0 for a record,
 * 0 with rec->n == 0 at the end of input, or ERR_INPUT / ERR_IO with err set
 * (err->reason holds the reason code). Empty lines are records of one empty
 * field ("" -> n == 1, len[0] == 0), except a final newline at the end of
 * input, which ends the last record.
 */
int csv_next(struct csv_reader *r, struct csv_record *rec, struct error *err);

/*
 * For tests and fuzzing: hand the parser at most n bytes at a time (n >= 1),
 * so that multibyte characters, CRLF and quotes fall across read boundaries.
 * Call before the first csv_next.
 */
void csv_set_window(struct csv_reader *r, size_t n);

/*
 * Bytes of memory the reader holds now (its buffers and tables), so tests can
 * check the bound: at most max_record + 1 for the record, 256 KiB for reading
 * a file and about 200 KiB more for GB18030, plus the field tables.
 */
size_t csv_mem_used(const struct csv_reader *r);

/* Change the expected field count (e.g. after reading the header). */
void csv_expect_fields(struct csv_reader *r, size_t n);

/* The encoding in use after detection: "UTF-8" or "GB18030" or the given one. */
const char *csv_encoding(const struct csv_reader *r);

/*
 * After csv_next returned an error: true when that error ended the reading
 * (an unterminated quote, a file ending inside a character, I/O), false
 * when it was an error of one record and the next csv_next goes on with the
 * next record. Importers use it to reject the row and read on.
 */
bool csv_ended(const struct csv_reader *r);

/*
 * After csv_next returned an error: true when it is the error that ended the
 * reading, held back by the reader because the record had an error of its
 * own, returned by the call before. It belongs to that record: an importer
 * lists it but does not count a second bad row.
 */
bool csv_error_same_record(const struct csv_reader *r);

/* Close and free. Accepts NULL. */
void csv_close(struct csv_reader *r);

/*
 * Check that rec is exactly the header names[0..n-1]. Returns 0 or ERR_INPUT
 * (reason "bad_header") naming the expected header.
 */
int csv_check_header(const struct csv_reader *r, const struct csv_record *rec,
		     const char *const *names, size_t n, struct error *err);

/*
 * Append one field to a buffer, quoted when needed (comma, quote, CR, LF,
 * or a leading U+FEFF, which would pass for a byte order mark at the start
 * of a file), with inner quotes doubled. Returns buf_add's code.
 */
struct buf;
int csv_write_field(struct buf *b, const char *s, size_t len);

#endif
