/*
 * fakebank.c - a fake bank for tests and benchmarks: reads a payment file
 * (MSPAY) written by `minsheng subsidy bankfile export` and writes the
 * return file (MSRET) a bank might send back, deterministic for a seed.
 *
 * It can fail a chosen share of payments with chosen reason codes, and
 * misbehave the ways real return files do: drop lines (payments the bank
 * never reports), duplicate lines, reorder the whole file, reverse payments
 * after success (冲正: a REVERSED line later than the SUCCESS line), send a
 * contradicting FAILED line after a SUCCESS, report a wrong amount, and
 * report payment ids that were never sent. See docs/bankfile.md.
 *
 * Usage: fakebank PAYMENT_FILE RETURN_FILE [options]
 *   --seed N            random seed (default 1)
 *   --fail F            share of payments that fail, e.g. 0.1 (default 0)
 *   --reasons A,B,...   failure reason codes to draw from
 *                       (default ACCT_CLOSED,ACCT_NOT_FOUND,NAME_MISMATCH,ACCT_FROZEN)
 *   --drop F            share of payments left out of the return file
 *   --duplicate F       share of lines written twice
 *   --reverse F         share of successful payments reversed (REVERSED line)
 *   --contradict F      share of successful payments also reported FAILED later
 *   --wrong-amount F    share of lines whose amount is one fen too high
 *   --unknown N         N extra SUCCESS lines for payment ids never sent
 *   --reorder           shuffle all D lines
 *   --fail-ids LIST     these payment ids (comma separated) always fail
 *   --time T            bank time of the first line (default 2023-03-15T10:00:00)
 * Prints a one-line summary to stderr. Exit 0, 1 on bad input, 2 on usage.
 */
#include "base/buf.h"
#include "base/error.h"
#include "base/period.h"
#include "subsidy/bankfile.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PPM 1000000

static uint64_t rng_state;

/* splitmix64: small, fast and the same on every platform. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* True with probability ppm / 1e6. One draw every call, whatever ppm is. */
static int chance(long ppm)
{
	return (long)(rng_next() % PPM) < ppm;
}

/* "0.25" or "1" or "0" -> parts per million (at most 6 fraction digits). */
static int parse_share(const char *opt, const char *s, long *out)
{
	long whole = 0, frac = 0, scale = PPM;
	const char *p = s;

	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9' && whole <= 1)
		whole = whole * 10 + (*p++ - '0');
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9' && scale > 1) {
			scale /= 10;
			frac += (*p++ - '0') * scale;
		}
	}
	if (*p || whole > 1 || (whole == 1 && frac > 0))
		goto bad;
	*out = whole * PPM + frac;
	return 0;
bad:
	fprintf(stderr, "fakebank: %s 的值 '%s' 应为 0 到 1 之间的小数\n", opt, s);
	return 2;
}

struct out {
	struct buf text; /* all D lines, when reordering */
	size_t *offs;	 /* start of each line in text */
	size_t n, cap;
	FILE *f; /* streaming when not reordering */
	struct buf line;
	int64_t count, total;
	int reorder;
};

static int emit(struct out *o, const struct bankret_line *ln)
{
	buf_reset(&o->line);
	if (bankfile_format_return_line(&o->line, ln)) {
		fprintf(stderr, "fakebank: 无法写出发放编号 %lld\n", (long long)ln->payment_id);
		return 1;
	}
	o->count++;
	o->total += ln->amount_fen;
	if (!o->reorder)
		return fwrite(o->line.data, 1, o->line.len, o->f) == o->line.len ? 0 : 3;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 1024;
		size_t *p = realloc(o->offs, cap * sizeof(*p));

		if (!p)
			return 3;
		o->offs = p;
		o->cap = cap;
	}
	o->offs[o->n++] = o->text.len;
	return buf_add(&o->text, o->line.data, o->line.len) ? 3 : 0;
}

/* Seconds after the base time as "YYYY-MM-DDTHH:MM:SS". */
static void stamp(int32_t base_day, int64_t base_sec, int64_t k, char *out)
{
	int64_t t = base_sec + k;
	int32_t day = base_day + (int32_t)(t / 86400);
	int64_t s = t % 86400;
	struct date d = date_from_days(day);

	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d", d.year % 10000, d.month, d.day,
		 (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	memcpy(out, tmp, BANKFILE_TIME_LEN);
	out[BANKFILE_TIME_LEN] = '\0';
}

static int in_list(const char *list, int64_t id)
{
	char num[24];
	size_t n;
	const char *p = list;

	if (!list)
		return 0;
	n = (size_t)snprintf(num, sizeof(num), "%lld", (long long)id);
	while (*p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (len == n && memcmp(p, num, n) == 0)
			return 1;
		p += len + (c ? 1 : 0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"seed", required_argument, NULL, 's'},
	    {"fail", required_argument, NULL, 'f'},
	    {"reasons", required_argument, NULL, 'r'},
	    {"drop", required_argument, NULL, 'd'},
	    {"duplicate", required_argument, NULL, 'u'},
	    {"reverse", required_argument, NULL, 'v'},
	    {"contradict", required_argument, NULL, 'c'},
	    {"wrong-amount", required_argument, NULL, 'w'},
	    {"unknown", required_argument, NULL, 'k'},
	    {"reorder", no_argument, NULL, 'o'},
	    {"fail-ids", required_argument, NULL, 'i'},
	    {"time", required_argument, NULL, 't'},
	    {0},
	};
	long p_fail = 0, p_drop = 0, p_dup = 0, p_rev = 0, p_con = 0, p_wrong = 0;
	long unknown = 0;
	const char *reasons = "ACCT_CLOSED,ACCT_NOT_FOUND,NAME_MISMATCH,ACCT_FROZEN";
	const char *fail_ids = NULL, *time0 = "2023-03-15T10:00:00";
	char *reason_list[16];
	size_t nreasons = 0;
	char reasons_copy[512];
	unsigned long long seed = 1;
	struct out o;
	struct bankfile_parser ps;
	struct bankpay_line pl;
	struct bankret_line rl;
	struct error err;
	struct stat sb;
	struct date d0;
	int32_t base_day;
	int64_t base_sec, batch, count, total, k = 0, max_id = 0;
	int64_t n_ok = 0, n_fail = 0, n_drop = 0, n_dup = 0, n_rev = 0, n_con = 0;
	bool end = false;
	char *data = NULL, *p;
	char msg[1024];
	int c, fd, rc = 0;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			seed = strtoull(optarg, &p, 10);
			if (errno || *p || !*optarg)
				return fprintf(stderr, "fakebank: 无效的种子\n"), 2;
			break;
		case 'f':
			if (parse_share("--fail", optarg, &p_fail))
				return 2;
			break;
		case 'd':
			if (parse_share("--drop", optarg, &p_drop))
				return 2;
			break;
		case 'u':
			if (parse_share("--duplicate", optarg, &p_dup))
				return 2;
			break;
		case 'v':
			if (parse_share("--reverse", optarg, &p_rev))
				return 2;
			break;
		case 'c':
			if (parse_share("--contradict", optarg, &p_con))
				return 2;
			break;
		case 'w':
			if (parse_share("--wrong-amount", optarg, &p_wrong))
				return 2;
			break;
		case 'k':
			errno = 0;
			unknown = strtol(optarg, &p, 10);
			if (errno || *p || unknown < 0 || unknown > 1000000)
				return fprintf(stderr, "fakebank: 无效的 --unknown\n"), 2;
			break;
		case 'o':
			o.reorder = 1;
			break;
		case 'r':
			reasons = optarg;
			break;
		case 'i':
			fail_ids = optarg;
			break;
		case 't':
			time0 = optarg;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
			"用法：fakebank PAYMENT_FILE RETURN_FILE [--seed N] [--fail F] ...\n");
		return 2;
	}
	if (!bankfile_time_valid(time0, strlen(time0)))
		return fprintf(stderr, "fakebank: 无效的 --time '%s'\n", time0), 2;
	snprintf(reasons_copy, sizeof(reasons_copy), "%s", reasons);
	for (p = strtok(reasons_copy, ","); p && nreasons < 16; p = strtok(NULL, ","))
		reason_list[nreasons++] = p;
	if (nreasons == 0)
		return fprintf(stderr, "fakebank: --reasons 为空\n"), 2;
	d0.year = (int)strtol(time0, NULL, 10);
	d0.month = (int)strtol(time0 + 5, NULL, 10);
	d0.day = (int)strtol(time0 + 8, NULL, 10);
	base_day = date_to_days(d0);
	base_sec = strtol(time0 + 11, NULL, 10) * 3600 + strtol(time0 + 14, NULL, 10) * 60 +
		   strtol(time0 + 17, NULL, 10);
	rng_state = seed;

	fd = open(argv[optind], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		fprintf(stderr, "fakebank: 无法打开 '%s'：%s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (sb.st_size > 0) {
		data = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (data == MAP_FAILED) {
			fprintf(stderr, "fakebank: 无法读取 '%s'\n", argv[optind]);
			return 1;
		}
	}
	close(fd);
	error_clear(&err);
	if (bankfile_payment_open(&ps, data ? data : "", (size_t)sb.st_size, argv[optind], &batch,
				  &count, &total, &err))
		goto bad;
	o.f = fopen(argv[optind + 1], "w");
	if (!o.f) {
		fprintf(stderr, "fakebank: 无法写入 '%s'\n", argv[optind + 1]);
		return 1;
	}
	buf_init(&o.text, (size_t)1 << 40);
	buf_init(&o.line, 4096);
	{
		struct buf h;

		buf_init(&h, 256);
		bankfile_format_return_header(&h, batch);
		fwrite(h.data, 1, h.len, o.f);
		buf_free(&h);
	}
	for (;;) {
		int drop, fails, dup, rev, con, wrong;
		uint64_t which;

		if (bankfile_payment_next(&ps, &pl, &end, &err))
			goto bad;
		if (end)
			break;
		/* Always the same draws per line, so one option never shifts another. */
		drop = chance(p_drop);
		fails = chance(p_fail) || in_list(fail_ids, pl.payment_id);
		which = rng_next();
		dup = chance(p_dup);
		rev = chance(p_rev);
		con = chance(p_con);
		wrong = chance(p_wrong);
		if (pl.payment_id > max_id)
			max_id = pl.payment_id;
		if (drop) {
			n_drop++;
			continue;
		}
		memset(&rl, 0, sizeof(rl));
		rl.payment_id = pl.payment_id;
		rl.amount_fen = pl.amount_fen + (wrong ? 1 : 0);
		rl.status = fails ? BANKRET_FAILED : BANKRET_SUCCESS;
		if (fails)
			snprintf(rl.reason, sizeof(rl.reason), "%s", reason_list[which % nreasons]);
		stamp(base_day, base_sec, k++, rl.bank_time);
		fails ? n_fail++ : n_ok++;
		if ((rc = emit(&o, &rl)))
			goto out;
		if (dup) {
			n_dup++;
			if ((rc = emit(&o, &rl)))
				goto out;
		}
		if (!fails && (rev || con)) {
			/* A day later than any first answer of this file. */
			stamp(base_day, base_sec + 86400, k - 1, rl.bank_time);
			rl.status = rev ? BANKRET_REVERSED : BANKRET_FAILED;
			snprintf(rl.reason, sizeof(rl.reason), "%s",
				 rev ? "REVERSAL" : reason_list[which % nreasons]);
			rev ? n_rev++ : n_con++;
			if ((rc = emit(&o, &rl)))
				goto out;
		}
	}
	for (long i = 0; i < unknown; i++) {
		memset(&rl, 0, sizeof(rl));
		rl.payment_id = max_id + 1000000 + i;
		rl.status = BANKRET_SUCCESS;
		rl.amount_fen = 100;
		stamp(base_day, base_sec, k++, rl.bank_time);
		if ((rc = emit(&o, &rl)))
			goto out;
	}
	if (o.reorder) {
		for (size_t i = o.n; i > 1; i--) {
			size_t j = (size_t)(rng_next() % i);
			size_t t = o.offs[i - 1];

			o.offs[i - 1] = o.offs[j];
			o.offs[j] = t;
		}
		for (size_t i = 0; i < o.n; i++) {
			const char *s = o.text.data + o.offs[i];
			const char *nl = strchr(s, '\n');

			fwrite(s, 1, (size_t)(nl - s) + 1, o.f);
		}
	}
	buf_reset(&o.line);
	bankfile_format_trailer(&o.line, o.count, o.total);
	fwrite(o.line.data, 1, o.line.len, o.f);
	if (fclose(o.f) != 0) {
		o.f = NULL;
		fprintf(stderr, "fakebank: 写入 '%s' 失败\n", argv[optind + 1]);
		rc = 3;
		goto out;
	}
	o.f = NULL;
	fprintf(stderr,
		"fakebank: 批次 %lld：成功 %lld，失败 %lld，丢弃 %lld，重复 %lld，冲正 %lld，矛盾 "
		"%lld，未知 %ld\n",
		(long long)batch, (long long)n_ok, (long long)n_fail, (long long)n_drop,
		(long long)n_dup, (long long)n_rev, (long long)n_con, unknown);
	goto out;
bad:
	fprintf(stderr, "fakebank: %s\n", error_format(&err, msg, sizeof(msg)));
	rc = 1;
out:
	if (o.f)
		fclose(o.f);
	if (data)
		munmap(data, (size_t)sb.st_size);
	buf_free(&o.text);
	buf_free(&o.line);
	free(o.offs);
	return rc;
}
