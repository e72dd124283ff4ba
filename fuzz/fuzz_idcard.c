/*
 * fuzz_idcard.c - libFuzzer harness for the personal-data checks: resident
 * ID parsing and the 15-digit upgrade, bank card checks and the three
 * masking functions, all on the same input bytes.
 *
 * Besides memory safety it checks the contracts and abort()s on violation:
 * an accepted ID has a recomputable check character and re-parses to
 * itself; an upgraded legacy ID parses; bank card verdicts agree with
 * bankcard_luhn_digit; masked output hides every character it should
 * (decoded here independently of mask.c), keeps only input characters, and
 * reports a too-small buffer as 0 and "".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subsidy/bankcard.h"
#include "subsidy/idcard.h"
#include "subsidy/mask.h"

#define MAXIN 4096

static const struct date today = {2023, 2, 15};

static void check(int ok)
{
	if (!ok)
		abort();
}

static void fuzz_idcard(const char *s, size_t n)
{
	struct idcard id, again;
	char up[19];
	size_t i;

	if (idcard_parse(s, n, today, &id) == IDCARD_OK) {
		check(n == 18 && strlen(id.number) == 18);
		for (i = 0; i < 17; i++)
			check(id.number[i] == s[i] && id.number[i] >= '0' && id.number[i] <= '9');
		check(id.number[17] == (s[17] == 'x' ? 'X' : s[17]));
		check(idcard_check_char(id.number) == id.number[17]);
		check(idcard_parse(id.number, 18, today, &again) == IDCARD_OK);
		check(memcmp(&again.birth, &id.birth, sizeof(id.birth)) == 0);
		check(again.female == id.female && strcmp(again.number, id.number) == 0);
		check(id.female == ((s[16] - '0') % 2 == 0));
		check(id.birth.year >= 1900 && id.birth.month >= 1 && id.birth.month <= 12);
		check(id.birth.day >= 1 && id.birth.day <= 31);
		check(idcard_age_at(&id, today) >= 0);
		check(idcard_age_at(&id, id.birth) == 0);
		check(idcard_reason(IDCARD_OK)[0] == '\0');
	} else if (n == 18) {
		/* A number that fails only its check character must pass with it. */
		enum idcard_status st = idcard_parse(s, n, today, &id);

		check(idcard_reason(st)[0] != '\0' && idcard_message(st)[0] != '\0');
		if (st == IDCARD_CHECKSUM) {
			char fixed[18];

			memcpy(fixed, s, 17);
			fixed[17] = idcard_check_char(s);
			check(idcard_parse(fixed, 18, today, &again) == IDCARD_OK);
		}
	}
	if (idcard_upgrade15(s, n, today, up) == IDCARD_OK) {
		check(n == 15 && strlen(up) == 18);
		check(memcmp(up, s, 6) == 0 && up[6] == '1' && up[7] == '9');
		check(memcmp(up + 8, s + 6, 9) == 0);
		check(idcard_parse(up, 18, today, &id) == IDCARD_OK);
	}
}

/* Reference verdicts written independently of idcard.c. */
static int ref_province(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
	       p == 81 || p == 82;
}

static int ref_date(int y, int m, int d)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/*
 * Map the first 17 input bytes to digits (digits stay) and append the computed check
 * character: such a number must be rejected only for its province or
 * date, exactly when the reference checks say so.
 */
static void fuzz_idcard_built(const char *s, size_t n)
{
	enum idcard_status st, want;
	struct idcard id;
	char b[18];
	int y, m, d, i;

	if (n < 17)
		return;
	for (i = 0; i < 17; i++)
		b[i] = s[i] >= '0' && s[i] <= '9' ? s[i] : (char)('0' + (unsigned char)s[i] % 10);
	b[17] = idcard_check_char(b);
	y = (b[6] - '0') * 1000 + (b[7] - '0') * 100 + (b[8] - '0') * 10 + (b[9] - '0');
	m = (b[10] - '0') * 10 + (b[11] - '0');
	d = (b[12] - '0') * 10 + (b[13] - '0');
	if (!ref_province((b[0] - '0') * 10 + (b[1] - '0')))
		want = IDCARD_PROVINCE;
	else if (!ref_date(y, m, d))
		want = IDCARD_BIRTHDATE;
	else if (y * 10000 + m * 100 + d > today.year * 10000 + today.month * 100 + today.day)
		want = IDCARD_FUTURE;
	else
		want = IDCARD_OK;
	st = idcard_parse(b, 18, today, &id);
	check(st == want);
	if (st == IDCARD_OK) {
		check(id.birth.year == y && id.birth.month == m && id.birth.day == d);
		/* Any other check character is wrong. */
		b[17] = b[17] == '0' ? 'X' : '0';
		check(idcard_parse(b, 18, today, &id) == IDCARD_CHECKSUM);
	}
}

static void fuzz_bankcard(const char *s, size_t n)
{
	enum bankcard_status st = bankcard_check(s, n);
	int digits = 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			digits = 0;
	if (n < 16 || n > 19)
		check(st == BANKCARD_LENGTH);
	else if (!digits)
		check(st == BANKCARD_CHARS);
	else
		check((st == BANKCARD_OK) == (bankcard_luhn_digit(s, n - 1) == s[n - 1]) &&
		      (st == BANKCARD_OK || st == BANKCARD_LUHN));
	check(bankcard_reason(st) != NULL && bankcard_message(st) != NULL);
}

/*
 * Independent strict UTF-8 decoder: length of the character at p, or 0 for
 * a byte that starts none (and for C0 controls and DEL, which mask.h
 * says are always hidden).
 */
static size_t ref_utf8(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (p[0] < 0x80)
		return p[0] < 0x20 || p[0] == 0x7f ? 0 : 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0; /* overlong */
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static size_t ref_units(const unsigned char *p, size_t n)
{
	size_t i = 0, k = 0, l;

	while (i < n) {
		l = ref_utf8(p + i, n - i);
		i += l ? l : 1;
		k++;
	}
	return k;
}

static int ref_kept(size_t k, size_t count)
{
	if (count == 1)
		return k == 0;
	if (count == 2)
		return k == 0;
	if (count == 3)
		return k == 0 || k == 2;
	return k == 0 || k == 1 || k == count - 1;
}

static void fuzz_mask_name(const char *s, size_t n, char *out, size_t outsz)
{
	const unsigned char *in = (const unsigned char *)s;
	const unsigned char *o = (const unsigned char *)out;
	size_t len = mask_name(s, n, out, outsz), count = ref_units(in, n);
	size_t i = 0, j = 0, k = 0;

	check(len == strlen(out) && len <= n);
	check(len > 0 || n == 0);
	/* Walk input and output side by side, one character at a time. */
	while (i < n) {
		size_t l = ref_utf8(in + i, n - i);
		size_t step = l ? l : 1;

		check(j < len);
		if (l && ref_kept(k, count)) {
			check(memcmp(o + j, in + i, l) == 0);
			j += l;
		} else {
			check(o[j] == '*');
			j++;
		}
		i += step;
		k++;
	}
	check(j == len);
	/* The output is itself clean UTF-8: every character decodes. */
	for (i = 0; i < len; i += ref_utf8(o + i, len - i))
		check(ref_utf8(o + i, len - i) != 0);
	/* One byte short: "" and 0. */
	if (len > 0) {
		check(mask_name(s, n, out, len) == 0 && out[0] == '\0');
		check(mask_name(s, n, out, len + 1) == len);
	}
}

static void fuzz_mask_bytes(const char *s, size_t n, char *out, size_t outsz, int id)
{
	size_t len = id ? mask_id(s, n, out, outsz) : mask_account(s, n, out, outsz);
	size_t head = id ? 6 : 0, tail = 4, i;
	int shows = id ? n >= 15 : n >= 8;

	check(len == n && strlen(out) == n);
	for (i = 0; i < n; i++) {
		int kept = shows && (i < head || i >= n - tail);

		if (!kept)
			check(out[i] == '*');
		else
			check(out[i] == '*' || (out[i] == s[i] && s[i] > ' ' && s[i] < 0x7f));
	}
	if (id && n == 18)
		for (i = 6; i < 14; i++)
			check(out[i] == '*');
	if (n > 0) {
		check((id ? mask_id(s, n, out, n) : mask_account(s, n, out, n)) == 0);
		check(out[0] == '\0');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[MAXIN + 1];
	const char *s = (const char *)data;

	if (size > MAXIN)
		return 0;
	fuzz_idcard(s, size);
	fuzz_idcard_built(s, size);
	fuzz_bankcard(s, size);
	fuzz_mask_name(s, size, out, sizeof(out));
	fuzz_mask_bytes(s, size, out, sizeof(out), 1);
	fuzz_mask_bytes(s, size, out, sizeof(out), 0);
	return 0;
}
