/*
 * gen_roster.c - a deterministic generator of realistic payment rosters
 * (bench/gen-roster runs it; docs/roster.md describes the output).
 *
 *   gen_roster N [--bad FRACTION] [--seed S] [--programmes-out FILE]
 *              [--villages-out FILE] [--expect-out FILE] [--year Y]
 *              [--no-village-check]
 *
 * Writes a roster of N data rows (plus the header) to standard output.
 * People are Henan residents: the ID's address code is the county of the
 * village they live in (villages generated exactly as the tracker's
 * defaults do, township code + 3 digits), a real birth date and the right
 * check character; every person has a distinct ID (an affine bijection of
 * the person number onto county x birth day x sequence) and a distinct
 * 16-19 digit account with a valid Luhn digit. Each person gets 1 to 3
 * programmes they are eligible for (age at the period's start), amounts
 * within the programme's standard.
 *
 * --bad F makes the share F of rows bad (spread evenly), cycling through
 * every kind of bad row in turn; --expect-out writes "line,code" for each
 * bad row so a test can compare with the reject file. --programmes-out
 * writes the programme file the rows refer to; --villages-out the org unit
 * file (divisions and generated villages) for `orgunit import`.
 */
#include "base/error.h"
#include "base/period.h"
#include "subsidy/bankcard.h"
#include "subsidy/idcard.h"
#include "tracker/defaults.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct prog {
	const char *code, *name, *dept, *freq;
	int64_t standard;     /* 0: none */
	int min_age, max_age; /* -1: none */
};

static const struct prog progs[] = {
    {"GLJT", "80周岁以上高龄津贴", "省民政厅", "monthly", 10000, 80, -1},
    {"DBJ", "城乡居民最低生活保障金", "省民政厅", "monthly", 90000, -1, -1},
    {"TKGY", "特困人员救助供养金", "省民政厅", "monthly", 110000, -1, -1},
    {"CJBT", "困难残疾人生活补贴", "省残联", "quarterly", 24000, -1, -1},
    {"JCYL", "城乡居民基础养老金", "省人社厅", "monthly", 20000, 60, -1},
    {"GDBH", "耕地地力保护补贴", "省农业农村厅", "yearly", 0, 18, -1},
    {"TBFZ", "计划生育家庭特别扶助金", "省卫健委", "yearly", 72000, 49, -1},
    {"JYBZ", "家庭经济困难学生资助", "省教育厅", "once", 200000, 6, 25},
};
#define NPROGS (sizeof(progs) / sizeof(progs[0]))

enum bad_kind {
	BAD_UNKNOWN_PROGRAMME,
	BAD_PERIOD,
	BAD_PERIOD_FREQUENCY,
	BAD_ID_LENGTH,
	BAD_ID_CHARS,
	BAD_ID_PROVINCE,
	BAD_ID_BIRTHDATE,
	BAD_ID_FUTURE,
	BAD_ID_CHECKSUM,
	BAD_EMPTY_NAME,
	BAD_NAME,
	BAD_VILLAGE,
	BAD_BANK_LENGTH,
	BAD_BANK_CHARS,
	BAD_BANK_LUHN,
	BAD_AMOUNT,
	BAD_ABOVE_STANDARD,
	BAD_AGE_RANGE,
	BAD_DUPLICATE_IN_FILE,
	BAD_FIELD_COUNT,
	BAD_UNKNOWN_VILLAGE, /* last: left out with --no-village-check */
	BAD_NKINDS
};

static const char *const bad_codes[BAD_NKINDS] = {
    "unknown_programme", "bad_period",	   "period_frequency", "id_length",	    "id_chars",
    "id_province",	 "id_birthdate",   "id_future",	       "id_checksum",	    "empty_name",
    "bad_name",		 "bad_village",	   "bank_length",      "bank_chars",	    "bank_luhn",
    "bad_amount",	 "above_standard", "age_range",	       "duplicate_in_file", "field_count",
    "unknown_village",
};

static const char surnames[][4] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
    "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
    "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅",
};
static const char given[][4] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
    "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
    "玉", "兰", "建", "国", "红", "志", "文", "德", "海", "春", "凤", "荣",
};

static uint64_t mix64(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

static uint64_t rnd(uint64_t seed, uint64_t a, uint64_t b)
{
	return mix64(seed ^ mix64(a * 0x10001 + mix64(b)));
}

/* Villages grouped by county (first 6 digits). */
struct county {
	char code[7];
	size_t first, n; /* range in the sorted village list */
};

static struct villages vill;
static const char **vcode; /* sorted village codes */
static struct county *counties;
static size_t ncounties;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_parent(const void *a, const void *b)
{
	return strcmp(((const struct village_parent *)a)->code,
		      ((const struct village_parent *)b)->code);
}

/* Townships from the embedded divisions; villages generated from them. */
static struct village_parent *townships; /* vill points into them */
static char *text;			 /* the divisions file, cut into fields */

static int load_villages(const char *villages_out)
{
	const struct defaults_file *f = defaults_find("henan-divisions-2022.csv");
	size_t nt = 0, cap = 0, i;
	char *line, *save = NULL;
	struct error err;
	FILE *out = NULL;

	if (!f) {
		fprintf(stderr, "gen_roster: no embedded divisions\n");
		return -1;
	}
	text = malloc(f->len + 1);
	if (!text)
		return -1;
	memcpy(text, f->data, f->len);
	text[f->len] = '\0';
	if (villages_out) {
		out = fopen(villages_out, "w");
		if (!out) {
			perror(villages_out);
			return -1;
		}
		fwrite(f->data, 1, f->len, out);
		if (f->len && f->data[f->len - 1] != '\n')
			fputc('\n', out);
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ','), *c2, *c3;

		if (!c1 || !(c2 = strchr(c1 + 1, ',')) || !(c3 = strchr(c2 + 1, ',')))
			continue;
		*c1 = *c2 = *c3 = '\0';
		if (strcmp(c2 + 1, "township") != 0)
			continue;
		if (nt == cap) {
			cap = cap ? cap * 2 : 4096;
			townships = realloc(townships, cap * sizeof(*townships));
			if (!townships)
				return -1;
		}
		townships[nt].code = line;
		townships[nt].name = c1 + 1;
		nt++;
	}
	qsort(townships, nt, sizeof(*townships), cmp_parent);
	error_clear(&err);
	if (villages_generate(townships, nt, &vill, &err)) {
		fprintf(stderr, "gen_roster: %s\n", err.msg);
		return -1;
	}
	vcode = malloc(vill.n * sizeof(*vcode));
	counties = calloc(vill.n, sizeof(*counties));
	if (!vcode || !counties)
		return -1;
	for (i = 0; i < vill.n; i++) {
		vcode[i] = vill.rows[i].code;
		if (out)
			fprintf(out, "%s,%s,village,%s\n", vill.rows[i].code, vill.rows[i].name,
				vill.rows[i].parent);
	}
	if (out && fclose(out) != 0) {
		perror(villages_out);
		return -1;
	}
	qsort(vcode, vill.n, sizeof(*vcode), cmp_str);
	for (i = 0; i < vill.n; i++) {
		if (ncounties == 0 || strncmp(counties[ncounties - 1].code, vcode[i], 6) != 0) {
			memcpy(counties[ncounties].code, vcode[i], 6);
			counties[ncounties].first = i;
			ncounties++;
		}
		counties[ncounties - 1].n++;
	}
	/* text and townships stay alive: vill's parents point into them */
	return 0;
}

/* ---- people ---- */

#define FIRST_BIRTH_YEAR 1925
#define NDAYS 35000 /* birth days from 1925-01-01, through 2020-10 */
#define NSEQ 1000

struct person {
	char id[19];
	struct date birth;
	char name[16];
	const char *village;
	char account[20];
};

static uint64_t space_a, space_b, space_s;

/* Person p (0-based) -> a distinct ID, village, name, account. */
static void person_make(uint64_t seed, uint64_t p, struct person *out)
{
	uint64_t x = (uint64_t)(((unsigned __int128)p * space_a + space_b) % space_s);
	uint64_t seq = x % NSEQ, rest = x / NSEQ;
	uint64_t day = rest % NDAYS, c = rest / NDAYS;
	const struct county *co = &counties[c];
	int32_t d0 = date_to_days((struct date){FIRST_BIRTH_YEAR, 1, 1});
	uint64_t h = rnd(seed, p, 1);
	char acc[20];
	int len, k;

	out->birth = date_from_days(d0 + (int32_t)day);
	snprintf(out->id, sizeof(out->id), "%s%04d%02d%02d%03u", co->code, out->birth.year,
		 out->birth.month, out->birth.day, (unsigned)seq);
	out->id[17] = idcard_check_char(out->id);
	out->id[18] = '\0';
	out->village = vcode[co->first + (size_t)(h % co->n)];
	if ((h >> 20) % 4 == 0)
		snprintf(out->name, sizeof(out->name), "%s%s%s", surnames[(h >> 8) % 36],
			 given[(h >> 14) % 36], given[(h >> 26) % 36]);
	else if ((h >> 20) % 4 == 1)
		snprintf(out->name, sizeof(out->name), "%s%s", surnames[(h >> 8) % 36],
			 given[(h >> 14) % 36]);
	else
		snprintf(out->name, sizeof(out->name), "%s%s%s", surnames[(h >> 8) % 36],
			 given[(h >> 32) % 36], given[(h >> 38) % 36]);
	/* 16..19 digits: 62, two bank digits, random digits, the person
	 * number's last 9 digits (distinct for fewer than 10^9 people), then
	 * the Luhn digit */
	len = 16 + (int)((h >> 44) % 4);
	snprintf(acc, sizeof(acc), "62%u%u%06llu%09llu", 1 + (unsigned)((h >> 48) % 9),
		 (unsigned)((h >> 52) % 10), (unsigned long long)(rnd(seed, p, 9) % 1000000),
		 (unsigned long long)(p % 1000000000));
	/* keep the tail (the person number) and the prefix: cut the middle */
	memcpy(out->account, acc, 4);
	k = len - 1 - 4;
	memcpy(out->account + 4, acc + (int)strlen(acc) - k, (size_t)k);
	out->account[len - 1] = bankcard_luhn_digit(out->account, (size_t)len - 1);
	out->account[len] = '\0';
}

static int age_at(const struct date *birth, struct date at)
{
	int age = at.year - birth->year;

	if (at.month < birth->month || (at.month == birth->month && at.day < birth->day))
		age--;
	return age;
}

static void period_of(const struct prog *pr, int year, uint64_t h, char *out, size_t n,
		      struct date *start)
{
	if (strcmp(pr->freq, "monthly") == 0) {
		int m = 1 + (int)(h % 12);

		snprintf(out, n, "%d%02d", year, m);
		*start = (struct date){year, m, 1};
	} else if (strcmp(pr->freq, "quarterly") == 0) {
		int q = 1 + (int)(h % 4);

		snprintf(out, n, "%dQ%d", year, q);
		*start = (struct date){year, 3 * q - 2, 1};
	} else {
		snprintf(out, n, "%d", year);
		*start = (struct date){year, 1, 1};
	}
}

static bool eligible(const struct prog *pr, const struct person *ps, struct date start)
{
	int age = age_at(&ps->birth, start);

	if (age < 0)
		return false;
	if (pr->min_age >= 0 && age < pr->min_age)
		return false;
	if (pr->max_age >= 0 && age > pr->max_age)
		return false;
	return true;
}

static int64_t amount_of(const struct prog *pr, uint64_t h)
{
	if (pr->standard > 0)
		return h % 4 ? pr->standard : pr->standard / 2;
	return 5000 + (int64_t)(h % 200000);
}

/* One valid row. */
struct row {
	const struct prog *pr;
	char period[16];
	struct person ps;
	int64_t amount;
};

static void row_print(FILE *o, const struct row *r)
{
	fprintf(o, "%s,%s,%s,%s,%s,%s,%lld\n", r->pr->code, r->period, r->ps.id, r->ps.name,
		r->ps.village, r->ps.account, (long long)r->amount);
}

/* Print a bad variant of r (a valid row of a fresh person). */
static void bad_print(FILE *o, enum bad_kind k, const struct row *r, const struct row *prev,
		      uint64_t h, int year)
{
	char id[19], acc[21];
	const struct prog *pr = r->pr;

	memcpy(id, r->ps.id, sizeof(id));
	snprintf(acc, sizeof(acc), "%s", r->ps.account);
	switch (k) {
	case BAD_UNKNOWN_PROGRAMME:
		fprintf(o, "NOSUCH%u,%s,%s,%s,%s,%s,%lld\n", (unsigned)(h % 100), r->period, id,
			r->ps.name, r->ps.village, acc, (long long)r->amount);
		return;
	case BAD_PERIOD: {
		static const char *const p[] = {"202313", "2023Q5", "2023-03", "abc", ""};

		fprintf(o, "%s,%s,%s,%s,%s,%s,%lld\n", pr->code, p[h % 5], id, r->ps.name,
			r->ps.village, acc, (long long)r->amount);
		return;
	}
	case BAD_PERIOD_FREQUENCY: {
		/* a month for a non-monthly programme, a year for a monthly */
		char per[16];

		if (strcmp(pr->freq, "monthly") == 0)
			snprintf(per, sizeof(per), "%dQ1", year);
		else
			snprintf(per, sizeof(per), "%d03", year);
		fprintf(o, "%s,%s,%s,%s,%s,%s,%lld\n", pr->code, per, id, r->ps.name, r->ps.village,
			acc, (long long)r->amount);
		return;
	}
	case BAD_ID_LENGTH:
		id[h % 2 ? 17 : 16] = '\0';
		break;
	case BAD_ID_CHARS:
		id[3 + h % 10] = 'A';
		break;
	case BAD_ID_PROVINCE:
		id[0] = '9';
		id[1] = '9';
		id[17] = idcard_check_char(id);
		break;
	case BAD_ID_BIRTHDATE:
		memcpy(id + 10, h % 2 ? "0230" : "1301", 4);
		id[17] = idcard_check_char(id);
		break;
	case BAD_ID_FUTURE:
		memcpy(id + 6, "20990101", 8);
		id[17] = idcard_check_char(id);
		break;
	case BAD_ID_CHECKSUM:
		id[17] = id[17] == '0' ? '1' : '0';
		break;
	case BAD_EMPTY_NAME:
		fprintf(o, "%s,%s,%s,,%s,%s,%lld\n", pr->code, r->period, id, r->ps.village, acc,
			(long long)r->amount);
		return;
	case BAD_NAME:
		fprintf(o, "%s,%s,%s,\"%s\t\",%s,%s,%lld\n", pr->code, r->period, id, r->ps.name,
			r->ps.village, acc, (long long)r->amount);
		return;
	case BAD_VILLAGE:
		fprintf(o, "%s,%s,%s,%s,%.9s,%s,%lld\n", pr->code, r->period, id, r->ps.name,
			r->ps.village, acc, (long long)r->amount);
		return;
	case BAD_UNKNOWN_VILLAGE:
		fprintf(o, "%s,%s,%s,%s,%.9s999,%s,%lld\n", pr->code, r->period, id, r->ps.name,
			r->ps.village, acc, (long long)r->amount);
		return;
	case BAD_BANK_LENGTH:
		acc[h % 2 ? 12 : 15] = '\0';
		break;
	case BAD_BANK_CHARS:
		acc[5] = 'x';
		break;
	case BAD_BANK_LUHN: {
		size_t n = strlen(acc);

		acc[n - 1] = (char)('0' + (acc[n - 1] - '0' + 1) % 10);
		break;
	}
	case BAD_AMOUNT: {
		static const char *const a[] = {"0", "-100", "12.50", "1e3", "", "99999999999999"};

		fprintf(o, "%s,%s,%s,%s,%s,%s,%s\n", pr->code, r->period, id, r->ps.name,
			r->ps.village, acc, a[h % 6]);
		return;
	}
	case BAD_ABOVE_STANDARD:
		/* r->pr has a standard (the caller makes sure) */
		fprintf(o, "%s,%s,%s,%s,%s,%s,%lld\n", pr->code, r->period, id, r->ps.name,
			r->ps.village, acc, (long long)(pr->standard + 1 + (int64_t)(h % 1000)));
		return;
	case BAD_AGE_RANGE:
		/* r is a person outside pr's range (the caller makes sure) */
		break;
	case BAD_DUPLICATE_IN_FILE:
		row_print(o, prev);
		return;
	case BAD_FIELD_COUNT:
		fprintf(o, "%s,%s,%s,%s,%s,%lld\n", pr->code, r->period, id, r->ps.name, acc,
			(long long)r->amount);
		return;
	case BAD_NKINDS:
		break;
	}
	fprintf(o, "%s,%s,%s,%s,%s,%s,%lld\n", pr->code, r->period, id, r->ps.name, r->ps.village,
		acc, (long long)r->amount);
}

/* Parse "0.05", "5%" or "1/20" into parts per million. */
static int parse_fraction(const char *s, uint64_t *ppm)
{
	char *end;

	if (strchr(s, '/')) {
		unsigned long long a, b;

		if (sscanf(s, "%llu/%llu", &a, &b) != 2 || b == 0 || a > b)
			return -1;
		*ppm = a * 1000000ULL / b;
		return 0;
	}
	{
		/* decimal text, exactly, up to 6 fraction digits */
		unsigned long long whole = strtoull(s, &end, 10), frac = 0;
		int digits = 0;

		if (end == s && *end != '.')
			return -1;
		if (*end == '.') {
			end++;
			while (*end >= '0' && *end <= '9' && digits < 6) {
				frac = frac * 10 + (unsigned)(*end - '0');
				digits++;
				end++;
			}
			while (digits < 6) {
				frac *= 10;
				digits++;
			}
		}
		if (*end == '%') {
			*ppm = (whole * 1000000ULL + frac) / 100;
			end++;
		} else {
			*ppm = whole * 1000000ULL + frac;
		}
		if (*end || *ppm > 1000000ULL)
			return -1;
	}
	return 0;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_roster N [--bad FRACTION] [--seed S] [--year Y]\n"
			"       [--programmes-out FILE] [--villages-out FILE]\n"
			"       [--expect-out FILE] [--no-village-check]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bad", required_argument, NULL, 'b'},
	    {"seed", required_argument, NULL, 's'},
	    {"year", required_argument, NULL, 'y'},
	    {"programmes-out", required_argument, NULL, 'p'},
	    {"villages-out", required_argument, NULL, 'v'},
	    {"expect-out", required_argument, NULL, 'e'},
	    {"no-village-check", no_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	const char *prog_out = NULL, *vill_out = NULL, *expect_out = NULL;
	uint64_t n, ppm = 0, seed = 1, person = 0, i, nbad = 0;
	int year = 2023, nkinds = BAD_NKINDS, c;
	FILE *out = stdout, *expect = NULL;
	static char obuf[1 << 20];
	struct row prev;
	bool have_prev = false;
	long line = 1;
	char *end;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_fraction(optarg, &ppm))
				usage();
			break;
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*end)
				usage();
			break;
		case 'y':
			year = (int)strtol(optarg, &end, 10);
			if (*end || year < 2000 || year > 2030)
				usage();
			break;
		case 'p':
			prog_out = optarg;
			break;
		case 'v':
			vill_out = optarg;
			break;
		case 'e':
			expect_out = optarg;
			break;
		case 'n':
			nkinds = BAD_NKINDS - 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	errno = 0;
	n = strtoull(argv[optind], &end, 10);
	if (*end || errno)
		usage();
	if (load_villages(vill_out))
		return 1;
	if (prog_out) {
		FILE *pf = fopen(prog_out, "w");
		size_t k;

		if (!pf) {
			perror(prog_out);
			return 1;
		}
		fprintf(pf, "code,name,department,frequency,standard_fen,min_age,max_age\n");
		for (k = 0; k < NPROGS; k++) {
			const struct prog *p = &progs[k];

			fprintf(pf, "%s,%s,%s,%s,", p->code, p->name, p->dept, p->freq);
			if (p->standard)
				fprintf(pf, "%lld", (long long)p->standard);
			fputc(',', pf);
			if (p->min_age >= 0)
				fprintf(pf, "%d", p->min_age);
			fputc(',', pf);
			if (p->max_age >= 0)
				fprintf(pf, "%d", p->max_age);
			fputc('\n', pf);
		}
		if (fclose(pf) != 0) {
			perror(prog_out);
			return 1;
		}
	}
	if (expect_out) {
		expect = fopen(expect_out, "w");
		if (!expect) {
			perror(expect_out);
			return 1;
		}
		fprintf(expect, "line,code\n");
	}
	/* the person space and an affine bijection onto it */
	space_s = (uint64_t)ncounties * NDAYS * NSEQ;
	space_a = (mix64(seed) % space_s) | 1;
	while (gcd(space_a, space_s) != 1)
		space_a += 2;
	space_b = mix64(seed + 1) % space_s;

	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	fprintf(out, "programme,period,id_number,name,village,bank_account,amount_fen\n");
	i = 0;
	while (i < n) {
		struct row r;
		uint64_t h = rnd(seed, person, 2);
		int want = 1 + (int)(h % 6 == 0) + (int)(h % 11 == 0);
		int given_rows = 0;
		size_t k0 = (size_t)((h >> 8) % NPROGS), k;

		person_make(seed, person, &r.ps);
		/* 1-3 distinct eligible programmes for this person */
		for (k = 0; k < NPROGS && given_rows < want && i < n; k++) {
			const struct prog *pr = &progs[(k0 + k) % NPROGS];
			struct date start;
			uint64_t hr = rnd(seed, person, 3 + k);
			bool bad;

			period_of(pr, year, hr, r.period, sizeof(r.period), &start);
			if (!eligible(pr, &r.ps, start))
				continue;
			r.pr = pr;
			r.amount = amount_of(pr, hr);
			bad = ppm && ((i + 1) * ppm / 1000000) > (i * ppm / 1000000);
			line++;
			i++;
			if (!bad ||
			    (nbad % (uint64_t)nkinds == BAD_DUPLICATE_IN_FILE && !have_prev)) {
				row_print(out, &r);
				prev = r;
				have_prev = true;
				given_rows++;
				continue;
			}
			{
				enum bad_kind kind = (enum bad_kind)(nbad % (uint64_t)nkinds);
				struct row b = r;

				nbad++;
				/* kinds that need a particular programme or
				 * person: pick one that fits */
				if (kind == BAD_ABOVE_STANDARD && !b.pr->standard)
					b.pr = &progs[1];
				if (kind == BAD_ABOVE_STANDARD || kind == BAD_PERIOD_FREQUENCY) {
					struct date st;

					period_of(b.pr, year, hr, b.period, sizeof(b.period), &st);
				}
				if (kind == BAD_AGE_RANGE) {
					/* 高龄津贴 for someone under 80, or a
					 * student grant for someone over 25 */
					struct date st;

					b.pr = &progs[0];
					period_of(b.pr, year, hr, b.period, sizeof(b.period), &st);
					if (age_at(&b.ps.birth, st) >= 80) {
						b.pr = &progs[7];
						period_of(b.pr, year, hr, b.period,
							  sizeof(b.period), &st);
					}
					b.amount = b.pr->standard / 2;
				}
				bad_print(out, kind, &b, &prev, hr, year);
				if (expect)
					fprintf(expect, "%ld,%s\n", line, bad_codes[kind]);
				/* the person's identity was used up by a bad
				 * row: move on to the next person */
				given_rows = want;
			}
		}
		person++;
	}
	if (fflush(out) != 0 || (expect && fclose(expect) != 0)) {
		perror("gen_roster");
		return 1;
	}
	return 0;
}
