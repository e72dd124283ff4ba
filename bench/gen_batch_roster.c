/*
 * gen_batch_roster.c - roster for the batch and bank file benchmark
 * (bench/subsidy-bench-batch): N distinct people in ONE programme-period,
 * so one `subsidy batch create` makes an N-payment batch.
 *
 *   gen_batch_roster N [--programme CODE] [--period P] > roster.csv
 *
 * IDs are valid (Henan county address codes, birth dates 1940..1959, the
 * sequence number and a correct check character) and distinct for N up to
 * 20 x 7300 x 999; accounts are distinct 19-digit numbers with a Luhn
 * digit; amounts 100..600 yuan in whole fen. Deterministic: no randomness.
 */
#include "base/period.h"
#include "subsidy/bankcard.h"
#include "subsidy/idcard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const counties[20] = {
    "410102", "410103", "410104", "410105", "410106", "410108", "410122",
    "410181", "410182", "410183", "410184", "410185", "410202", "410203",
    "410204", "410205", "410302", "410303", "410304", "410305",
};

static const char *const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"};

int main(int argc, char **argv)
{
	const char *programme = "BENCH01", *period = "202303";
	long long n, i;
	static char out[1 << 16];
	size_t used = 0;
	int32_t day0;
	struct date d0 = {1940, 1, 1};

	if (argc < 2 || (n = strtoll(argv[1], NULL, 10)) <= 0 || n > 20LL * 7300 * 999) {
		fprintf(stderr, "用法：gen_batch_roster N [--programme CODE] [--period P]\n");
		return 2;
	}
	for (int a = 2; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--programme") == 0)
			programme = argv[a + 1];
		else if (strcmp(argv[a], "--period") == 0)
			period = argv[a + 1];
	}
	day0 = date_to_days(d0);
	printf("programme,period,id_number,name,village,bank_account,amount_fen\n");
	for (i = 0; i < n; i++) {
		long long seq = i % 999 + 1, j = i / 999;
		struct date b = date_from_days(day0 + (int32_t)(j % 7300));
		const char *county = counties[j / 7300];
		char id[19], acct[20];
		int len;

		snprintf(id, sizeof(id), "%s%04d%02d%02d%03lld", county, b.year, b.month, b.day,
			 seq);
		id[17] = idcard_check_char(id);
		id[18] = '\0';
		snprintf(acct, sizeof(acct), "622202%012lld", i);
		acct[18] = bankcard_luhn_digit(acct, 18);
		acct[19] = '\0';
		len = snprintf(out + used, sizeof(out) - used, "%s,%s,%s,%s%s%s,%s001001,%s,%lld\n",
			       programme, period, id, surnames[i % 8], given[i % 10],
			       given[(i / 10) % 10], county, acct, 10000 + (i % 6) * 10000);
		used += (size_t)len;
		if (used > sizeof(out) - 256) {
			fwrite(out, 1, used, stdout);
			used = 0;
		}
	}
	fwrite(out, 1, used, stdout);
	return fflush(stdout) ? 1 : 0;
}
