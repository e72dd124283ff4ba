/*
 * fuzz_bankfile.c - libFuzzer harness for the bank file parsers
 * (subsidy/bankfile.h): the same bytes are read as a return file and as a
 * payment file to the end or to the first error. Every parsed record must
 * format back to a line that parses to the same record, and the error
 * positions must lie inside the input.
 */
#include "base/buf.h"
#include "base/error.h"
#include "subsidy/bankfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_error(const struct error *err, long lines)
{
	if (err->code != ERR_INPUT || err->reason[0] == '\0')
		abort();
	if (err->line < 1 || err->line > lines + 1)
		abort();
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
	int64_t batch, count, total;
	bool end = false;

	error_clear(&err);
	if (bankfile_return_open(&ps, text, size, "f", &batch, &err) == 0) {
		while (!end) {
			if (bankfile_return_next(&ps, &rl, &end, &err)) {
				check_error(&err, lines);
				break;
			}
			if (!end)
				roundtrip_return(&rl);
		}
	} else {
		check_error(&err, lines);
	}

	end = false;
	error_clear(&err);
	if (bankfile_payment_open(&ps, text, size, "f", &batch, &count, &total, &err) == 0) {
		while (!end) {
			if (bankfile_payment_next(&ps, &pl, &end, &err)) {
				check_error(&err, lines);
				break;
			}
			if (!end)
				roundtrip_payment(&pl);
		}
	} else {
		check_error(&err, lines);
	}
	return 0;
}
