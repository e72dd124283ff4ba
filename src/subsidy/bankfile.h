/*
 * bankfile.h - the bank files of the 一卡通 round trip: the payment file
 * (代发文件) minsheng sends to the bank and the return file (回盘文件) the
 * bank sends back. See docs/bankfile.md for the formats with examples.
 *
 * Both are UTF-8 CSV with LF (or CRLF) line ends and one record per line,
 * the first field naming the record type:
 *
 *   payment file                          return file
 *   H,MSPAY,1,<batch>,<count>,<total_fen> H,MSRET,1,<batch>
 *   D,<payment>,<name>,<account>,<fen>    D,<payment>,<status>,<reason>,<fen>,<time>
 *   T,<count>,<total_fen>                 T,<count>,<total_fen>
 *
 * This module is pure: formatting and parsing of lines and whole files held
 * in memory, no I/O, no database (unit-tested and fuzzed alone). Writing a
 * batch's payment file and reconciling a return file against the database
 * are in reconcile.h.
 *
 * The parsers treat their input as hostile: every line is bounded
 * (BANKFILE_MAX_LINE bytes), every field is checked, and each error names the
 * file, the 1-based line, the 1-based column (field number) and a stable
 * reason code (err->reason):
 *   bank_line_too_long, bank_bad_char (NUL, control byte, a quote outside a
 *   quoted name), bank_empty_line, bank_header (missing or malformed H
 *   record), bank_format (not MSPAY/MSRET version 1), bank_record (a line
 *   that is not a D record where one is expected), bank_field_count,
 *   bank_payment_id, bank_batch_id, bank_status, bank_reason, bank_amount,
 *   bank_time, bank_name, bank_account, bank_trailer (missing or malformed T
 *   record), bank_count (trailer count differs from the D records),
 *   bank_total (trailer total differs), bank_after_trailer (anything but
 *   empty lines after the T record), bank_quote (unterminated or misplaced quote in a name).
 */
#ifndef MINSHENG_SUBSIDY_BANKFILE_H
#define MINSHENG_SUBSIDY_BANKFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct db;
struct error;

/* Longest line either file may have, without its line end. */
#define BANKFILE_MAX_LINE 4096
/* Longest failure reason code: 1..32 of A-Z, 0-9, '_'. */
#define BANKFILE_REASON_MAX 32
/* "2023-03-15T10:20:30" */
#define BANKFILE_TIME_LEN 19

enum bankret_status {
	BANKRET_SUCCESS = 1, /* the money reached the account */
	BANKRET_FAILED,	     /* the bank could not pay; reason says why */
	BANKRET_REVERSED,    /* 冲正: a payment reported SUCCESS was returned */
};

/* One D record of a return file. */
struct bankret_line {
	int64_t payment_id;
	enum bankret_status status;
	char reason[BANKFILE_REASON_MAX + 1]; /* "" for SUCCESS */
	int64_t amount_fen;
	char bank_time[BANKFILE_TIME_LEN + 1]; /* YYYY-MM-DDTHH:MM:SS */
	long line;			       /* line number in the file */
};

/* One D record of a payment file (the name unquoted and copied). */
struct bankpay_line {
	int64_t payment_id;
	char name[256];	  /* unquoted UTF-8, NUL-terminated */
	char account[33]; /* digits */
	int64_t amount_fen;
	long line;
};

/*
 * A parser over a whole file in memory (data need not be NUL-terminated and
 * must outlive the parser). Fields are private.
 */
struct bankfile_parser {
	const char *p, *end;
	const char *name; /* file name for messages (not copied) */
	long line;
	int state;	    /* 0 before header, 1 in body, 2 after trailer */
	int kind;	    /* 'P' payment file, 'R' return file */
	int64_t count;	    /* D records so far */
	int64_t total;	    /* sum of their amounts */
	int64_t want_count; /* from the payment file header */
	int64_t want_total;
};

/* Text of a status: "SUCCESS", "FAILED", "REVERSED". */
const char *bankret_status_name(enum bankret_status st);

/*
 * Parse a strictly positive decimal integer of 1..18 digits without sign or
 * leading zero from s[0..len). Returns true and sets *out, or false.
 */
bool bankfile_parse_id(const char *s, size_t len, int64_t *out);

/*
 * Check a bank time "YYYY-MM-DDTHH:MM:SS" (exactly 19 bytes, a real date
 * 1900..9999, 00..23:00..59:00..59).
 */
bool bankfile_time_valid(const char *s, size_t len);

/*
 * Return files. bankfile_return_open reads the H record and gives the batch
 * id; bankfile_return_next gives each D record in file order, and at the T
 * record checks count and total, checks that nothing follows, and sets
 * *end = true. Both return 0 or ERR_INPUT with err filled (file, line,
 * column, reason). After an error the parser must not be used further.
 */
int bankfile_return_open(struct bankfile_parser *ps, const char *data, size_t len, const char *name,
			 int64_t *batch_id, struct error *err);
int bankfile_return_next(struct bankfile_parser *ps, struct bankret_line *out, bool *end,
			 struct error *err);

/* Payment files, the same way (the header's count and total are checked
 * against the D records at the trailer). */
int bankfile_payment_open(struct bankfile_parser *ps, const char *data, size_t len,
			  const char *name, int64_t *batch_id, int64_t *count, int64_t *total_fen,
			  struct error *err);
int bankfile_payment_next(struct bankfile_parser *ps, struct bankpay_line *out, bool *end,
			  struct error *err);

/*
 * Formatting: each appends one line with its LF to b. Returns 0, or
 * ERR_INPUT when a value cannot be written (a name with a control byte or
 * longer than 255 bytes, an account that is not 1..32 digits, a reason code
 * that is not allowed for the status, a bad time, b's ceiling).
 */
int bankfile_format_payment_header(struct buf *b, int64_t batch_id, int64_t count,
				   int64_t total_fen);
int bankfile_format_payment_line(struct buf *b, int64_t payment_id, const char *name,
				 size_t name_len, const char *account, size_t account_len,
				 int64_t amount_fen);
int bankfile_format_return_header(struct buf *b, int64_t batch_id);
int bankfile_format_return_line(struct buf *b, const struct bankret_line *ln);
/* The trailer of either file. */
int bankfile_format_trailer(struct buf *b, int64_t count, int64_t total_fen);

#endif
