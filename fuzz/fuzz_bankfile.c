/*
 * fuzz_bankfile.c - libFuzzer harness for the bank file parsers
 * (subsidy/bankfile.h): the same bytes are read as a return file and as a
 * payment file to the end or to the first error. Invariants (abort() when
 * broken):
 *   - every parsed record formats back to a line that parses to the same
 *     record, and its fields are within their documented bounds (a positive
 *     id, a known status, a valid bank time, a reason only with a failure,
 *     a name free of control bytes, an account of digits);
 *   - records come in file order, on lines inside the input;
 *   - a file read to its trailer has as many D records as the trailer says
 *     and they add up to its total (and, for a payment file, to the
 *     header's count and total);
 *   - an error is ERR_INPUT with one of the documented reason codes, the
 *     file's name, a line inside the input (or just after it: a missing
 *     trailer), a column that is a field of the line, and a non-empty
 *     message free of control characters.
 */
#include "base/buf.h"
#include "base/error.h"
#include "subsidy/bankfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
	if (!ok)
		abort();
}

static const char *const reasons[] = {
    "bank_line_too_long", "bank_bad_char", "bank_empty_line",	 "bank_header",
    "bank_format",	  "bank_record",   "bank_field_count",	 "bank_payment_id",
    "bank_batch_id",	  "bank_status",   "bank_reason",	 "bank_amount",
    "bank_time",	  "bank_name",	   "bank_account",	 "bank_trailer",
    "bank_count",	  "bank_total",	   "bank_after_trailer", "bank_quote",
};

static int clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void check_error(const struct error *err, long lines)
{
	size_t i, known = 0;

	check(err->code == ERR_INPUT && err->reason[0] != '\0');
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		known |= strcmp(err->reason, reasons[i]) == 0;
	check(known);
	check(strcmp(err->file, "f") == 0);
	check(err->line >= 1 && err->line <= lines + 1);
	/* a field of the line: a line of at most BANKFILE_MAX_LINE bytes has
	 * at most one field more than that (the splitter stops sooner) */
	check(err->column >= 0 && err->column <= BANKFILE_MAX_LINE + 1);
	check(memchr(err->msg, '\0', sizeof(err->msg)) != NULL && err->msg[0] != '\0');
	check(clean(err->msg));
}

static void check_return_line(const struct bankret_line *ln, long lines, long *last)
{
	check(ln->payment_id > 0);
	check(ln->status == BANKRET_SUCCESS || ln->status == BANKRET_FAILED ||
	      ln->status == BANKRET_REVERSED);
	check(ln->amount_fen > 0);
	check(bankfile_time_valid(ln->bank_time, strlen(ln->bank_time)));
	check(ln->status != BANKRET_SUCCESS || ln->reason[0] == '\0');
	check(clean(ln->reason));
	check(ln->line > *last && ln->line <= lines);
	*last = ln->line;
}

static void check_payment_line(const struct bankpay_line *ln, long lines, long *last)
{
	size_t n = strlen(ln->account);

	check(ln->payment_id > 0);
	check(ln->amount_fen > 0);
	check(clean(ln->name));
	check(n >= 1 && n <= 32 && strspn(ln->account, "0123456789") == n);
	check(ln->line > *last && ln->line <= lines);
	*last = ln->line;
}

static long count_lines(const uint8_t *data, size_t size)
{
	long n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

/* A return line formats back into text that parses to the same values. */
static void roundtrip_return(const struct bankret_line *ln)
{
	struct bankfile_parser ps;
	struct bankret_line back;
	struct error err;
	struct buf b;
	int64_t batch;
	bool end;

	buf_init(&b, 1 << 16);
	if (bankfile_format_return_header(&b, 1) || bankfile_format_return_line(&b, ln) ||
	    bankfile_format_trailer(&b, 1, ln->amount_fen))
		abort();
	if (bankfile_return_open(&ps, b.data, b.len, "rt", &batch, &err) ||
	    bankfile_return_next(&ps, &back, &end, &err) || end)
		abort();
	if (back.payment_id != ln->payment_id || back.status != ln->status ||
	    back.amount_fen != ln->amount_fen || strcmp(back.reason, ln->reason) ||
	    strcmp(back.bank_time, ln->bank_time))
		abort();
	if (bankfile_return_next(&ps, &back, &end, &err) || !end)
		abort();
	buf_free(&b);
}

static void roundtrip_payment(const struct bankpay_line *ln)
{
	struct bankfile_parser ps;
	struct bankpay_line back;
	struct error err;
	struct buf b;
	int64_t batch, count, total;
	bool end;

	buf_init(&b, 1 << 16);
	if (bankfile_format_payment_header(&b, 7, 1, ln->amount_fen) ||
	    bankfile_format_payment_line(&b, ln->payment_id, ln->name, strlen(ln->name),
					 ln->account, strlen(ln->account), ln->amount_fen) ||
	    bankfile_format_trailer(&b, 1, ln->amount_fen))
		abort();
	if (bankfile_payment_open(&ps, b.data, b.len, "pt", &batch, &count, &total, &err) ||
	    bankfile_payment_next(&ps, &back, &end, &err) || end)
		abort();
	if (back.payment_id != ln->payment_id || back.amount_fen != ln->amount_fen ||
	    strcmp(back.name, ln->name) || strcmp(back.account, ln->account))
		abort();
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	long lines = count_lines(data, size);
	struct bankfile_parser ps;
	struct bankret_line rl;
	struct bankpay_line pl;
	struct error err;
	int64_t batch, count, total, n = 0, sum = 0;
	long last = 0;
	bool end = false;

	error_clear(&err);
	if (bankfile_return_open(&ps, text, size, "f", &batch, &err) == 0) {
		check(batch > 0);
		while (!end) {
			if (bankfile_return_next(&ps, &rl, &end, &err)) {
				check_error(&err, lines);
				break;
			}
			if (end)
				break;
			check_return_line(&rl, lines, &last);
			n++;
			check(!__builtin_add_overflow(sum, rl.amount_fen, &sum));
			roundtrip_return(&rl);
		}
		/* read to the trailer: it agreed with the records */
		if (end)
			check(ps.count == n && ps.total == sum);
	} else {
		check_error(&err, lines);
	}

	end = false;
	n = sum = 0;
	last = 0;
	error_clear(&err);
	if (bankfile_payment_open(&ps, text, size, "f", &batch, &count, &total, &err) == 0) {
		check(batch > 0 && count >= 0 && total >= 0);
		while (!end) {
			if (bankfile_payment_next(&ps, &pl, &end, &err)) {
				check_error(&err, lines);
				break;
			}
			if (end)
				break;
			check_payment_line(&pl, lines, &last);
			n++;
			check(!__builtin_add_overflow(sum, pl.amount_fen, &sum));
			roundtrip_payment(&pl);
		}
		if (end)
			check(n == count && sum == total && ps.count == n && ps.total == sum);
	} else {
		check_error(&err, lines);
	}
	return 0;
}
