/*
 * decimal.c - exact decimal arithmetic on int64 units with a power-of-ten
 * scale (see decimal.h).
 *
 * Every operation widens to 128 bits, computes the exact result there, rounds
 * half-up on the magnitude when digits must go, and only then narrows back,
 * checking the range. The range of a result is the symmetric
 * [-INT64_MAX, INT64_MAX]: INT64_MIN is never produced, so negating any
 * result is always safe (see docs/numbers.md).
 */
#include "base/decimal.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

/* 10^0 .. 10^38 fit in u128 (10^38 < 2^128 ~ 3.4e38). */
static u128 pow10_u128(int e)
{
	u128 p = 1;

	assert(e >= 0 && e <= 38);
	while (e-- > 0)
		p *= 10;
	return p;
}

static bool scale_ok(int scale)
{
	return scale >= 0 && scale <= DECIMAL_MAX_SCALE;
}

static u128 magnitude(i128 v)
{
	return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

/*
 * Narrow a magnitude and a sign to a decimal of the given scale. Fails when
 * the magnitude passes INT64_MAX (the range is symmetric, see above).
 */
static int narrow(u128 mag, bool neg, int scale, struct decimal *out)
{
	if (mag > (u128)INT64_MAX)
		return ERR_INPUT;
	out->units = neg ? -(int64_t)mag : (int64_t)mag;
	out->scale = scale;
	return 0;
}

/*
 * v / 10^from rounded half-up on the magnitude to `to` fraction digits,
 * narrowed to int64. |v| must be below about 10^38 / 10^(to - from) when
 * to > from; callers keep |v| < 2^65 * 10^18, and we check before scaling.
 */
static int rescale_i128(i128 v, int from, int to, struct decimal *out)
{
	u128 mag = magnitude(v);
	bool neg = v < 0;

	if (to >= from) {
		u128 f = pow10_u128(to - from);

		/* Anything past INT64_MAX before scaling up stays past it. */
		if (mag > (u128)INT64_MAX)
			return ERR_INPUT;
		mag *= f;
	} else {
		u128 d = pow10_u128(from - to);
		u128 q = mag / d, r = mag % d;

		/* Half-up on the magnitude: 2r >= d rounds away from zero. */
		if (r >= d - r)
			q++;
		mag = q;
	}
	return narrow(mag, neg, to, out);
}

/* a's units at a larger (or equal) scale, exact in 128 bits. */
static i128 widen(struct decimal a, int scale)
{
	assert(scale >= a.scale && scale - a.scale <= DECIMAL_MAX_SCALE);
	return (i128)a.units * (i128)pow10_u128(scale - a.scale);
}

struct decimal decimal_from_int(int64_t v)
{
	struct decimal d = {v, 0};

	return d;
}

/*
 * Copy the offending text into a message safely: at most 40 bytes, control
 * bytes shown as '?', never cutting a UTF-8 sequence in half.
 */
static void quote_text(const char *s, size_t len, char *out, size_t n)
{
	size_t i, o = 0, lim = len < 40 ? len : 40;

	assert(n > 4);
	/* Back off to a UTF-8 lead byte so a character is never split. */
	if (lim < len)
		while (lim > 0 && ((unsigned char)s[lim] & 0xC0) == 0x80)
			lim--;
	for (i = 0; i < lim && o + 4 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (lim < len && o + 4 < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static int parse_fail(struct error *err, const char *s, size_t len, const char *reason,
		      const char *what)
{
	char text[64];

	quote_text(s, len, text, sizeof(text));
	error_set(err, ERR_INPUT, "%s '%s'", what, text);
	error_reason(err, reason);
	return ERR_INPUT;
}

int decimal_parse(const char *s, size_t len, struct decimal *out, struct error *err)
{
	size_t i = 0, start, int_digits = 0, frac_digits = 0;
	bool neg = false;
	u128 mag = 0;

	if (!s)
		len = 0;
	if (len == 0)
		return parse_fail(err, "", 0, "number_syntax", "数字为空");
	/* First the grammar, so that garbage is always a syntax error. */
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i++;
	}
	start = i;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		int_digits++;
	if (int_digits == 0)
		return parse_fail(err, s, len, "number_syntax", "无效的数字");
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			frac_digits++;
		if (frac_digits == 0)
			return parse_fail(err, s, len, "number_syntax", "无效的数字");
	}
	if (i != len)
		return parse_fail(err, s, len, "number_syntax", "无效的数字");
	if (frac_digits > DECIMAL_MAX_SCALE)
		return parse_fail(err, s, len, "number_scale", "小数位数过多");
	/* Then the value: all digits, the point skipped, as units. */
	for (i = start; i < len; i++) {
		if (s[i] == '.')
			continue;
		mag = mag * 10 + (u128)(s[i] - '0');
		/* Stop as soon as INT64_MAX is passed, so mag never wraps. */
		if (mag > (u128)INT64_MAX)
			return parse_fail(err, s, len, "number_overflow", "数字超出范围");
	}
	/* mag <= INT64_MAX here, so "-9223372036854775808" was refused above. */
	return narrow(mag, neg, (int)frac_digits, out);
}

int decimal_add(struct decimal a, struct decimal b, struct decimal *out)
{
	int s;

	if (!scale_ok(a.scale) || !scale_ok(b.scale))
		return ERR_INPUT;
	s = a.scale > b.scale ? a.scale : b.scale;
	/* Each term is below 2^63 * 10^18 < 2^124, so the sum fits. */
	return rescale_i128(widen(a, s) + widen(b, s), s, s, out);
}

int decimal_sub(struct decimal a, struct decimal b, struct decimal *out)
{
	int s;

	if (!scale_ok(a.scale) || !scale_ok(b.scale))
		return ERR_INPUT;
	s = a.scale > b.scale ? a.scale : b.scale;
	return rescale_i128(widen(a, s) - widen(b, s), s, s, out);
}

int decimal_mul_int(struct decimal a, int64_t k, struct decimal *out)
{
	if (!scale_ok(a.scale))
		return ERR_INPUT;
	/* |a.units * k| <= 2^126 fits. */
	return rescale_i128((i128)a.units * k, a.scale, a.scale, out);
}

int decimal_mul(struct decimal a, struct decimal b, struct decimal *out)
{
	i128 p = (i128)a.units * b.units;
	int s = a.scale + b.scale;

	while (s > DECIMAL_MAX_SCALE && p % 10 == 0) {
		p /= 10;
		s--;
	}
	if (s > DECIMAL_MAX_SCALE || p > INT64_MAX || p < -INT64_MAX)
		return ERR_INPUT;
	out->units = (int64_t)p;
	out->scale = s;
	return 0;
}

int decimal_cmp(struct decimal a, struct decimal b)
{
	int s;
	i128 x, y;

	assert(scale_ok(a.scale) && scale_ok(b.scale));
	s = a.scale > b.scale ? a.scale : b.scale;
	x = widen(a, s);
	y = widen(b, s);
	return x < y ? -1 : x > y ? 1 : 0;
}

bool decimal_is_zero(struct decimal a)
{
	return a.units == 0;
}

bool decimal_is_negative(struct decimal a)
{
	return a.units < 0;
}

int decimal_round(struct decimal a, int precision, struct decimal *out)
{
	if (!scale_ok(a.scale) || precision < 0 || precision > DECIMAL_MAX_SCALE)
		return ERR_INPUT;
	return rescale_i128(a.units, a.scale, precision, out);
}

/*
 * num * 10^extra / den rounded half-up at precision, by long division on
 * magnitudes so that no intermediate can overflow: the value is
 * nu * 10^(ds + extra + precision - ns) / du in units of 10^-precision.
 */
static int div_scaled(struct decimal num, struct decimal den, int extra, int precision,
		      struct decimal *out)
{
	u128 n, d, q, r;
	int e;
	bool neg;

	if (!scale_ok(num.scale) || !scale_ok(den.scale) || precision < 0 ||
	    precision > DECIMAL_MAX_SCALE)
		return ERR_INPUT;
	if (den.units == 0)
		return ERR_INPUT;
	n = magnitude(num.units);
	d = magnitude(den.units);
	neg = (num.units < 0) != (den.units < 0);
	e = den.scale + extra + precision - num.scale;
	/* e >= -18: a negative e moves into the divisor, d < 2^63 * 10^18. */
	if (e < 0) {
		d *= pow10_u128(-e);
		e = 0;
	}
	q = n / d;
	r = n % d;
	/* One decimal digit at a time; r < d < 2^124 so r * 10 fits. */
	for (; e > 0; e--) {
		if (q > (u128)INT64_MAX)
			return ERR_INPUT;
		q = q * 10 + (r * 10) / d;
		r = (r * 10) % d;
	}
	if (r >= d - r)
		q++;
	return narrow(q, neg && q != 0, precision, out);
}

int decimal_div(struct decimal num, struct decimal den, int precision, struct decimal *out)
{
	return div_scaled(num, den, 0, precision, out);
}

int decimal_percent(struct decimal num, struct decimal den, int precision, struct decimal *out)
{
	if (precision < 0 || precision > 4)
		return ERR_INPUT;
	return div_scaled(num, den, 2, precision, out);
}

int decimal_pp_diff(struct decimal actual, struct decimal target, int precision,
		    struct decimal *out)
{
	int s;

	if (!scale_ok(actual.scale) || !scale_ok(target.scale) || precision < 0 ||
	    precision > DECIMAL_MAX_SCALE)
		return ERR_INPUT;
	s = actual.scale > target.scale ? actual.scale : target.scale;
	/* Exact difference first, one rounding after: no double rounding. */
	return rescale_i128(widen(actual, s) - widen(target, s), s, precision, out);
}

struct decimal decimal_normalize(struct decimal a)
{
	assert(scale_ok(a.scale));
	while (a.scale > 0 && a.units % 10 == 0) {
		a.units /= 10;
		a.scale--;
	}
	return a;
}

size_t decimal_format(struct decimal a, char *out, size_t n)
{
	char digits[24], text[DECIMAL_STRLEN];
	uint64_t mag;
	size_t nd = 0, o = 0;
	int i;

	assert(scale_ok(a.scale));
	/* Negate in unsigned arithmetic so that INT64_MIN is printed too. */
	mag = a.units < 0 ? 0 - (uint64_t)a.units : (uint64_t)a.units;
	do {
		digits[nd++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag > 0);
	/* At least one digit before the point: 0.05 not .05. */
	while (nd < (size_t)a.scale + 1)
		digits[nd++] = '0';
	if (a.units < 0)
		text[o++] = '-';
	for (i = (int)nd - 1; i >= 0; i--) {
		text[o++] = digits[i];
		if (i == a.scale && a.scale > 0)
			text[o++] = '.';
	}
	text[o] = '\0';
	if (o + 1 > n) {
		if (n > 0)
			out[0] = '\0';
		return 0;
	}
	memcpy(out, text, o + 1);
	return o;
}

/*
 * ---- Exact sums of products ----
 *
 * A wide integer is a magnitude of WIDE_LIMBS 64-bit limbs (1024 bits),
 * least significant first. Sizes (see decimal.h): a term is the product of
 * at most 4 magnitudes <= 2^63 (2^252) brought to a common scale by at most
 * 10^(4*18) = 10^72 < 2^240, so below 2^492; a sum of at most 4 terms is
 * below 2^494. decimal_sum_div scales the numerator by at most 10^(72+2+18)
 * = 10^92 < 2^306 (below 2^800 then) or the denominator by at most 10^72
 * (below 2^492). 1024 bits hold all of it; every step asserts it anyway.
 */
#define WIDE_LIMBS 16

struct wide {
	uint64_t l[WIDE_LIMBS];
};

static void wide_set(struct wide *w, uint64_t v)
{
	memset(w, 0, sizeof(*w));
	w->l[0] = v;
}

static void wide_mul_u64(struct wide *w, uint64_t m)
{
	u128 carry = 0;
	int i;

	for (i = 0; i < WIDE_LIMBS; i++) {
		u128 p = (u128)w->l[i] * m + carry;

		w->l[i] = (uint64_t)p;
		carry = p >> 64;
	}
	assert(carry == 0);
}

static void wide_mul_pow10(struct wide *w, int e)
{
	assert(e >= 0);
	/* 10^19 < 2^64 is the largest power of ten in a limb. */
	for (; e >= 19; e -= 19)
		wide_mul_u64(w, (uint64_t)pow10_u128(19));
	if (e > 0)
		wide_mul_u64(w, (uint64_t)pow10_u128(e));
}

static void wide_add(struct wide *a, const struct wide *b)
{
	u128 carry = 0;
	int i;

	for (i = 0; i < WIDE_LIMBS; i++) {
		u128 s = (u128)a->l[i] + b->l[i] + carry;

		a->l[i] = (uint64_t)s;
		carry = s >> 64;
	}
	assert(carry == 0);
}

/* a -= b, a >= b. */
static void wide_sub(struct wide *a, const struct wide *b)
{
	uint64_t borrow = 0;
	int i;

	for (i = 0; i < WIDE_LIMBS; i++) {
		uint64_t x = a->l[i], y = b->l[i];
		uint64_t d = x - y - borrow;

		borrow = (x < y || (x == y && borrow)) ? 1 : 0;
		a->l[i] = d;
	}
	assert(borrow == 0);
}

static int wide_cmp(const struct wide *a, const struct wide *b)
{
	int i;

	for (i = WIDE_LIMBS - 1; i >= 0; i--)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

static bool wide_is_zero(const struct wide *a)
{
	int i;

	for (i = 0; i < WIDE_LIMBS; i++)
		if (a->l[i])
			return false;
	return true;
}

static uint64_t abs_units(int64_t u)
{
	/* Unsigned negation: INT64_MIN is 2^63. */
	return u < 0 ? 0 - (uint64_t)u : (uint64_t)u;
}

static int term_scale(const struct decimal_term *t)
{
	int i, s = 0;

	assert(t->n >= 0 && t->n <= DECIMAL_TERM_FACTORS);
	for (i = 0; i < t->n; i++) {
		assert(scale_ok(t->f[i].scale));
		s += t->f[i].scale;
	}
	return s;
}

/* |product of t| at scale s (>= its own scale); *neg its sign. */
static void term_at(const struct decimal_term *t, int s, struct wide *w, bool *neg)
{
	int i;

	wide_set(w, 1);
	*neg = t->negative;
	for (i = 0; i < t->n; i++) {
		wide_mul_u64(w, abs_units(t->f[i].units));
		if (t->f[i].units < 0)
			*neg = !*neg;
	}
	wide_mul_pow10(w, s - term_scale(t));
}

/* |sum of t[0..n)| at its largest term scale *s; *neg its sign. */
static void sum_of(const struct decimal_term *t, int n, struct wide *mag, bool *neg, int *s)
{
	struct wide pos, negs, w;
	bool tn;
	int i;

	assert(n >= 0 && n <= DECIMAL_SUM_TERMS);
	*s = 0;
	for (i = 0; i < n; i++)
		if (term_scale(&t[i]) > *s)
			*s = term_scale(&t[i]);
	wide_set(&pos, 0);
	wide_set(&negs, 0);
	for (i = 0; i < n; i++) {
		term_at(&t[i], *s, &w, &tn);
		wide_add(tn ? &negs : &pos, &w);
	}
	if (wide_cmp(&pos, &negs) >= 0) {
		wide_sub(&pos, &negs);
		*mag = pos;
		*neg = false;
	} else {
		wide_sub(&negs, &pos);
		*mag = negs;
		*neg = true;
	}
}

/*
 * The same sum in 128 bits with every step checked (__builtin_*_overflow):
 * false when anything would overflow, and the wide path then decides. With
 * the figures of ordinary reports (values and targets of a few digits) it
 * always suffices and costs a few multiplications.
 */
static bool sum_sign_fast(const struct decimal_term *t, int n, int *sign)
{
	i128 sum = 0;
	int i, j, s = 0;

	for (i = 0; i < n; i++)
		if (term_scale(&t[i]) > s)
			s = term_scale(&t[i]);
	if (s > 38)
		return false;
	for (i = 0; i < n; i++) {
		i128 p = 1;

		for (j = 0; j < t[i].n; j++)
			if (__builtin_mul_overflow(p, (i128)t[i].f[j].units, &p))
				return false;
		/* 10^38 < 2^127: the factor itself fits. */
		if (__builtin_mul_overflow(p, (i128)pow10_u128(s - term_scale(&t[i])), &p))
			return false;
		if (t[i].negative ? __builtin_sub_overflow(sum, p, &sum)
				  : __builtin_add_overflow(sum, p, &sum))
			return false;
	}
	*sign = sum < 0 ? -1 : sum > 0 ? 1 : 0;
	return true;
}

int decimal_sum_sign(const struct decimal_term *t, int n)
{
	struct wide m;
	bool neg;
	int s;

	assert(n >= 0 && n <= DECIMAL_SUM_TERMS);
	if (sum_sign_fast(t, n, &s))
		return s;
	sum_of(t, n, &m, &neg, &s);
	return wide_is_zero(&m) ? 0 : neg ? -1 : 1;
}

int decimal_cmp_mul(struct decimal a, struct decimal b, struct decimal c, struct decimal d)
{
	struct decimal_term t[2] = {
	    {.negative = false, .n = 2, .f = {a, b}},
	    {.negative = true, .n = 2, .f = {c, d}},
	};

	return decimal_sum_sign(t, 2);
}

static bool wide_bit(const struct wide *w, int i)
{
	return (w->l[i / 64] >> (i % 64)) & 1;
}

static void wide_shl1(struct wide *w)
{
	int i;

	assert(!(w->l[WIDE_LIMBS - 1] >> 63));
	for (i = WIDE_LIMBS - 1; i > 0; i--)
		w->l[i] = (w->l[i] << 1) | (w->l[i - 1] >> 63);
	w->l[0] <<= 1;
}

/* q = n / d, r = n % d (d != 0), by binary long division. */
static void wide_divmod(const struct wide *n, const struct wide *d, struct wide *q, struct wide *r)
{
	int i;

	wide_set(q, 0);
	wide_set(r, 0);
	for (i = WIDE_LIMBS * 64 - 1; i >= 0 && !wide_bit(n, i); i--)
		;
	for (; i >= 0; i--) {
		/* r < d < 2^800 here, so the shift cannot lose a bit. */
		wide_shl1(r);
		r->l[0] |= wide_bit(n, i);
		if (wide_cmp(r, d) >= 0) {
			wide_sub(r, d);
			q->l[i / 64] |= (uint64_t)1 << (i % 64);
		}
	}
}

int decimal_sum_div(const struct decimal_term *t, int n, const struct decimal_term *den, int shift,
		    int precision, struct decimal *out)
{
	struct wide x, d, q, r, half;
	bool xneg, dneg;
	int sx, sd, e, i;

	if (precision < 0 || precision > DECIMAL_MAX_SCALE || shift < 0 || shift > 2)
		return ERR_INPUT;
	sum_of(t, n, &x, &xneg, &sx);
	sd = term_scale(den);
	term_at(den, sd, &d, &dneg);
	if (wide_is_zero(&d))
		return ERR_INPUT;
	/* units = x * 10^(sd + shift + precision) / (d * 10^sx) */
	e = sd + shift + precision - sx;
	if (e >= 0)
		wide_mul_pow10(&x, e);
	else
		wide_mul_pow10(&d, -e);
	wide_divmod(&x, &d, &q, &r);
	/* Half-up on the magnitude: r >= d - r rounds away from zero. */
	half = d;
	wide_sub(&half, &r);
	if (wide_cmp(&r, &half) >= 0) {
		struct wide one;

		wide_set(&one, 1);
		wide_add(&q, &one);
	}
	for (i = 1; i < WIDE_LIMBS; i++)
		if (q.l[i])
			return ERR_INPUT;
	return narrow(q.l[0], xneg != dneg && q.l[0] != 0, precision, out);
}
