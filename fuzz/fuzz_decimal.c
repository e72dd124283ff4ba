/*
 * fuzz_decimal.c - libFuzzer harness for decimal_parse and the arithmetic
 * built on it.
 *
 * The whole input and its two halves are parsed. Every value that parses
 * must format and re-parse to the same units and scale. The two halves are
 * then combined with add, sub, mul_int, cmp, round, div, percent, pp_diff and
 * normalize, and the results are checked against each other (algebraic
 * identities, half-up bounds, symmetry under negation). Any inconsistency
 * calls abort(), which libFuzzer and the CTest replay both report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/decimal.h"
#include "base/error.h"
#include "base/zhnum.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_decimal: %s:%d: check failed: %s\n", __FILE__,       \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static struct decimal neg(struct decimal a)
{
	struct decimal r;

	/* The range is symmetric, so negating a parsed value cannot fail. */
	CHECK(decimal_mul_int(a, -1, &r) == 0);
	CHECK(r.scale == a.scale);
	return r;
}

static void check_roundtrip(struct decimal a)
{
	char text[DECIMAL_STRLEN], zh[ZHNUM_STRLEN];
	struct decimal b, n;
	struct error err;
	size_t len;

	CHECK(a.scale >= 0 && a.scale <= DECIMAL_MAX_SCALE);
	CHECK(a.units != INT64_MIN);
	len = decimal_format(a, text, sizeof(text));
	CHECK(len > 0 && len == strlen(text));
	error_clear(&err);
	CHECK(decimal_parse(text, len, &b, &err) == 0);
	CHECK(decimal_cmp(a, b) == 0);
	CHECK(a.units == b.units && a.scale == b.scale);

	n = decimal_normalize(a);
	CHECK(decimal_cmp(n, a) == 0);
	CHECK(n.scale <= a.scale);
	CHECK(n.scale == 0 || n.units % 10 != 0);
	CHECK(decimal_cmp(neg(neg(a)), a) == 0);
	CHECK(decimal_cmp(neg(a), a) == -decimal_cmp(a, neg(a)));

	/* Wording never fails for a value in range and fits the bound. */
	CHECK(zhnum_quantity(a, zh, sizeof(zh)) > 0);
	CHECK(zhnum_completion(a, zh, sizeof(zh)) > 0);
	CHECK(zhnum_pp(a, zh, sizeof(zh)) > 0);
}

/*
 * r must be a rounded to precision p half-up on the magnitude:
 * |a - r| <= half a unit of the last place, and exactly half only when r is
 * further from zero than a.
 */
static void check_rounded(struct decimal a, struct decimal r, int p)
{
	struct decimal d, half = {5, p + 1}, absd;

	CHECK(r.scale == p);
	if (p >= a.scale) {
		CHECK(decimal_cmp(a, r) == 0);
		return;
	}
	if (decimal_sub(a, r, &d) != 0) {
		/* Only possible when r, rounded outward, no longer fits at
		 * a's scale: then it must be further from zero than a. */
		CHECK(decimal_is_negative(a) ? decimal_cmp(r, a) < 0 : decimal_cmp(r, a) > 0);
		return;
	}
	absd = decimal_is_negative(d) ? neg(d) : d;
	if (p + 1 > DECIMAL_MAX_SCALE)
		return;
	CHECK(decimal_cmp(absd, half) <= 0);
	if (decimal_cmp(absd, half) == 0)
		CHECK(decimal_is_negative(a) ? decimal_cmp(r, a) < 0 : decimal_cmp(r, a) > 0);
	/* Symmetric on the magnitude. */
	{
		struct decimal rn;

		CHECK(decimal_round(neg(a), p, &rn) == 0);
		CHECK(decimal_cmp(rn, neg(r)) == 0);
	}
}

/*
 * The exact wide helpers (report_judge's) agree with the int64 operations
 * wherever those succeed, and with themselves where they do not.
 */
static void check_wide(struct decimal a, struct decimal b, int c)
{
	struct decimal one = decimal_from_int(1), m1, m2, pct, q;
	struct decimal_term t[2] = {{false, 1, {a}}, {true, 1, {b}}};
	struct decimal_term ab = {false, 2, {a, b}}, bv = {false, 1, {b}}, unit = {false, 0, {{0, 0}}};
	int p;

	CHECK(decimal_cmp_mul(a, one, b, one) == c);
	CHECK(decimal_cmp_mul(a, b, b, a) == 0);
	CHECK(decimal_cmp_mul(b, one, a, one) == -c);
	if (decimal_mul(a, b, &m1) == 0 && decimal_mul(b, b, &m2) == 0)
		CHECK(decimal_cmp_mul(a, b, b, b) == decimal_cmp(m1, m2));
	CHECK(decimal_sum_sign(t, 2) == c);
	CHECK(decimal_sum_sign(&ab, 1) ==
	      (decimal_is_zero(a) || decimal_is_zero(b)
		   ? 0
		   : decimal_is_negative(a) == decimal_is_negative(b) ? 1 : -1));
	for (p = 0; p <= 4; p++) {
		/* (a - b) / 1 is pp_diff; a / b * 100 is percent */
		if (decimal_pp_diff(a, b, p, &q) == 0)
			CHECK(decimal_sum_div(t, 2, &unit, 0, p, &m1) == 0 && decimal_cmp(m1, q) == 0);
		if (!decimal_is_zero(b) && decimal_percent(a, b, p, &pct) == 0)
			CHECK(decimal_sum_div(t, 1, &bv, 2, p, &m1) == 0 &&
			      decimal_cmp(m1, pct) == 0);
	}
	if (decimal_is_zero(b))
		CHECK(decimal_sum_div(t, 1, &bv, 0, 2, &m1) != 0);
	else if (decimal_mul(a, b, &m2) == 0 && decimal_div(m2, b, 2, &q) == 0)
		CHECK(decimal_sum_div(&ab, 1, &bv, 0, 2, &m1) == 0 && decimal_cmp(m1, q) == 0);
}

static void check_pair(struct decimal a, struct decimal b)
{
	struct decimal s1, s2, d1, back, r, q, m, pct, pct2, pp, diff;
	int c, p, rc1, rc2;

	c = decimal_cmp(a, b);
	CHECK(c >= -1 && c <= 1);
	CHECK(decimal_cmp(b, a) == -c);

	/* add is commutative, and sub undoes it when both fit. */
	rc1 = decimal_add(a, b, &s1);
	rc2 = decimal_add(b, a, &s2);
	CHECK(rc1 == rc2);
	if (rc1 == 0) {
		CHECK(decimal_cmp(s1, s2) == 0 && s1.scale == s2.scale);
		CHECK(s1.scale == (a.scale > b.scale ? a.scale : b.scale));
		if (decimal_sub(s1, b, &back) == 0)
			CHECK(decimal_cmp(back, a) == 0);
	}
	rc1 = decimal_sub(a, b, &d1);
	if (rc1 == 0) {
		CHECK(decimal_is_zero(d1) == (c == 0));
		CHECK(decimal_is_negative(d1) == (c < 0));
		CHECK(decimal_sub(b, a, &s2) == 0);
		CHECK(decimal_cmp(s2, neg(d1)) == 0);
	}

	for (p = 0; p <= DECIMAL_MAX_SCALE; p++) {
		if (decimal_round(a, p, &r) == 0)
			check_rounded(a, r, p);
		else
			CHECK(p > a.scale); /* only adding digits can overflow */
		/* pp_diff is one rounding of the exact difference. */
		rc2 = decimal_pp_diff(a, b, p, &pp);
		if (rc1 == 0 && decimal_round(d1, p, &diff) == 0) {
			CHECK(rc2 == 0);
			CHECK(decimal_cmp(pp, diff) == 0 && pp.scale == p);
		}
	}

	check_wide(a, b, c);

	if (decimal_is_zero(b)) {
		CHECK(decimal_div(a, b, 2, &q) != 0);
		CHECK(decimal_percent(a, b, 1, &pct) != 0);
		return;
	}
	for (p = 0; p <= 4; p++) {
		rc1 = decimal_percent(a, b, p, &pct);
		if (rc1 != 0)
			continue;
		CHECK(pct.scale == p);
		/* percent is div of num * 100 when num * 100 fits. */
		if (decimal_mul_int(a, 100, &m) == 0) {
			CHECK(decimal_div(m, b, p, &q) == 0);
			CHECK(decimal_cmp(q, pct) == 0);
		}
		/* Sign symmetry: (-a)/b == a/(-b) == -(a/b). */
		CHECK(decimal_percent(neg(a), b, p, &pct2) == 0);
		CHECK(decimal_cmp(pct2, neg(pct)) == 0);
		CHECK(decimal_percent(a, neg(b), p, &pct2) == 0);
		CHECK(decimal_cmp(pct2, neg(pct)) == 0);
	}
	/* x / x is 1 and x / 1 is x rounded. */
	CHECK(decimal_div(b, b, 0, &q) == 0 && q.units == 1);
	if (decimal_percent(b, b, 4, &pct) == 0)
		CHECK(decimal_cmp(pct, decimal_from_int(100)) == 0);
	for (p = 0; p <= DECIMAL_MAX_SCALE; p++) {
		rc1 = decimal_div(a, decimal_from_int(1), p, &q);
		rc2 = decimal_round(a, p, &r);
		CHECK(rc1 == rc2);
		if (rc1 == 0)
			CHECK(decimal_cmp(q, r) == 0 && q.scale == r.scale);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = size > 0 ? (const char *)data : "";
	struct decimal whole, a, b;
	size_t h = size / 2;
	bool ok_a, ok_b;

	if (decimal_parse(s, size, &whole, NULL) == 0)
		check_roundtrip(whole);
	ok_a = decimal_parse(s, h, &a, NULL) == 0;
	ok_b = decimal_parse(s + h, size - h, &b, NULL) == 0;
	if (ok_a)
		check_roundtrip(a);
	if (ok_b)
		check_roundtrip(b);
	if (ok_a && ok_b) {
		check_pair(a, b);
		check_pair(b, a);
	}
	if (ok_a && !ok_b)
		check_pair(a, a);
	return 0;
}
