/*
 * bench_csv.c - throughput of the streaming CSV reader (base/csv.h).
 *
 *   bench_csv [--lines N] [--gbk] [--file] [--repeat K]
 *   bench_csv PATH
 *
 * Without PATH it generates N (default 1,000,000) roster-like lines
 *   programme,period,id_number,name,village,bank_account,amount_fen
 * in memory (Chinese names and villages, a few quoted fields), optionally
 * converts them to GBK (--gbk, to time the iconv path), and reads them with
 * csv_open_mem, or from a temporary file with csv_open_file (--file, to
 * include read(2)). With PATH it reads that file. Every record's field count
 * is checked (expected_fields = 7 for generated input). It prints records/s
 * and MB/s of input for the best of K runs (default 3), by process CPU time
 * (the figure to compare: the build machine is shared, so wall time mostly
 * measures the neighbours) and by wall time. The baseline, run on the same
 * buffer, is a memchr scan for line ends: the reader's speed as a share of
 * it says how close it is to the memory bandwidth. Integer arithmetic only.
 */
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"

static const char *const programmes[] = { "高龄津贴", "低保金", "特困供养金", "耕地地力保护补贴",
					  "残疾人两项补贴" };
static const char *const surnames[] = { "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴" };
static const char *const given[] = { "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军",
				     "洋", "勇", "艳", "杰", "娟" };
static const char *const villages[] = { "金水区丰产路街道", "中原区林山寨街道", "二七区侯寨乡",
					"惠济区古荥镇", "\"巩义市,米河镇\"", "新郑市龙湖镇" };

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int generate(size_t lines, struct buf *b)
{
	uint64_t x = 88172645463325252u;

	if (buf_adds(b, "programme,period,id_number,name,village,bank_account,amount_fen\n"))
		return 1;
	for (size_t i = 0; i < lines - 1; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (buf_printf(b, "%s,2024-%02u,4101%02u19%02u%02u%02u%04u,%s%s,%s,6217%015" PRIu64
			       ",%u\n",
			       programmes[x % 5], (unsigned)(x % 12) + 1, (unsigned)(x % 90) + 1,
			       (unsigned)(x % 60) + 40, (unsigned)(x % 12) + 1,
			       (unsigned)(x % 28) + 1, (unsigned)(i % 10000), surnames[x % 10],
			       given[(x >> 8) % 15], villages[(x >> 16) % 6],
			       (x >> 20) % 1000000000000000u, (unsigned)((x >> 32) % 100000)))
			return 1;
	}
	return 0;
}

static int to_gbk(const struct buf *in, struct buf *out)
{
	iconv_t cd = iconv_open("GBK", "UTF-8");
	char *ip = in->data, *op;
	size_t il = in->len, ol = in->len + 16;

	if (cd == (iconv_t)-1)
		return 1;
	out->data = malloc(ol);
	if (!out->data)
		return 1;
	op = out->data;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		iconv_close(cd);
		return 1;
	}
	out->len = (size_t)(op - out->data);
	iconv_close(cd);
	return 0;
}

/*
 * The baseline: find every LF with memchr, the least any reader must do
 * (in memory only). Returns the line count.
 */
static long long baseline(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *q;
	long long n = 0;

	while (p < end && (q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p = q + 1;
	}
	return n;
}

/* One pass; returns the records read or -1. */
static long long run(const char *path, const char *data, size_t len, size_t expected,
		     char *enc, size_t enc_size)
{
	struct csv_options opt = { .name = path ? path : "bench.csv",
				   .expected_fields = expected };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	char text[800];
	long long n = 0;
	int rc;

	rc = path ? csv_open_file(path, &opt, &r, &err) : csv_open_mem(data, len, &opt, &r, &err);
	if (rc) {
		fprintf(stderr, "bench_csv: %s\n", error_format(&err, text, sizeof(text)));
		return -1;
	}
	snprintf(enc, enc_size, "%s", csv_encoding(r));
	while ((rc = csv_next(r, &rec, &err)) == 0 && rec.n > 0)
		n++;
	if (rc) {
		fprintf(stderr, "bench_csv: %s\n", error_format(&err, text, sizeof(text)));
		n = -1;
	}
	csv_close(r);
	return n;
}

int main(int argc, char **argv)
{
	size_t lines = 1000000, repeat = 3, len = 0, expected = 0;
	int gbk = 0, file = 0, rc = 1;
	const char *path = NULL;
	char enc[32] = "";
	char tmp[] = "/tmp/bench_csvXXXXXX";
	struct buf gen, conv = { 0 };
	const char *data = NULL;
	uint64_t best = UINT64_MAX, best_wall = UINT64_MAX;
	long long recs = 0;

	buf_init(&gen, (size_t)1 << 34);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lines") == 0 && i + 1 < argc)
			lines = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
			repeat = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--gbk") == 0)
			gbk = 1;
		else if (strcmp(argv[i], "--file") == 0)
			file = 1;
		else if (argv[i][0] != '-')
			path = argv[i];
		else {
			fprintf(stderr, "usage: bench_csv [--lines N] [--gbk] [--file] "
					"[--repeat K] [PATH]\n");
			return 2;
		}
	}
	if (lines < 1 || repeat < 1)
		return 2;
	if (!path) {
		if (generate(lines, &gen)) {
			fprintf(stderr, "bench_csv: cannot generate input\n");
			goto out;
		}
		data = gen.data;
		len = gen.len;
		expected = 7;
		if (gbk) {
			if (to_gbk(&gen, &conv)) {
				fprintf(stderr, "bench_csv: cannot convert to GBK\n");
				goto out;
			}
			data = conv.data;
			len = conv.len;
		}
		if (file) {
			int fd = mkstemp(tmp);

			if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
				fprintf(stderr, "bench_csv: cannot write %s\n", tmp);
				goto out;
			}
			close(fd);
			path = tmp;
		}
	} else {
		FILE *f = fopen(path, "rb");

		if (!f || fseek(f, 0, SEEK_END) != 0) {
			fprintf(stderr, "bench_csv: cannot open '%s'\n", path);
			if (f)
				fclose(f);
			goto out;
		}
		len = (size_t)ftell(f);
		fclose(f);
	}
	for (size_t k = 0; k < repeat; k++) {
		uint64_t t0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), w0 = now_ns(CLOCK_MONOTONIC);
		uint64_t dt, dw;

		recs = run(path, data, len, expected, enc, sizeof(enc));
		dt = now_ns(CLOCK_PROCESS_CPUTIME_ID) - t0;
		dw = now_ns(CLOCK_MONOTONIC) - w0;
		if (recs < 0)
			goto out;
		if (dt < best)
			best = dt;
		if (dw < best_wall)
			best_wall = dw;
	}
	if (best == 0)
		best = 1;
	if (best_wall == 0)
		best_wall = 1;
	printf("bench_csv: %lld records, %zu bytes, %s, %s\n", recs, len, enc,
	       path ? "file" : "memory");
	printf("  cpu  (best of %zu): %" PRIu64 ".%03" PRIu64 " s, %" PRIu64 " records/s, %" PRIu64
	       " MB/s\n",
	       repeat, best / 1000000000u, best / 1000000u % 1000u,
	       (uint64_t)recs * 1000000000u / best, (uint64_t)len * 1000u / best);
	printf("  wall (best of %zu): %" PRIu64 ".%03" PRIu64 " s, %" PRIu64 " records/s, %" PRIu64
	       " MB/s\n",
	       repeat, best_wall / 1000000000u, best_wall / 1000000u % 1000u,
	       (uint64_t)recs * 1000000000u / best_wall, (uint64_t)len * 1000u / best_wall);
	if (data) {
		uint64_t base = UINT64_MAX;
		long long lines_seen = 0;

		for (size_t k = 0; k < repeat; k++) {
			uint64_t t0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), dt;

			lines_seen += baseline(data, len);
			dt = now_ns(CLOCK_PROCESS_CPUTIME_ID) - t0;
			if (dt < base)
				base = dt;
		}
		if (base == 0)
			base = 1;
		printf("baseline memchr LF scan: %" PRIu64 " MB/s (cpu); reader/baseline = %" PRIu64
		       "%%  (%lld lines)\n",
		       (uint64_t)len * 1000u / base, base * 100u / best, lines_seen / (long long)repeat);
	}
	rc = 0;
out:
	if (file && path == tmp)
		unlink(tmp);
	buf_free(&gen);
	free(conv.data);
	return rc;
}
