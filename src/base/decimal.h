/*
 * decimal.h - exact decimal numbers for quantities, targets and percentages.
 *
 * A decimal is units / 10^scale with units an int64 and scale 0..18. No
 * binary floating point is used anywhere: parsing, arithmetic, rounding and
 * printing are exact. Rounding is half-up on the magnitude (四舍五入: 54.45 ->
 * 54.5, -54.45 -> -54.5). Every operation that would not fit in int64 fails
 * with ERR_INPUT ("overflow") instead of wrapping; intermediates use 128-bit
 * integers.
 *
 * The range of every result is the symmetric [-INT64_MAX, INT64_MAX]:
 * "-9223372036854775808" (INT64_MIN) is refused by decimal_parse and never
 * produced by an operation, so negating a result is always safe. A struct
 * built by hand (or decimal_from_int(INT64_MIN)) is still accepted as input.
 * Functions returning int return ERR_INPUT for a scale outside
 * 0..DECIMAL_MAX_SCALE; the others assert it. See docs/numbers.md.
 */
#ifndef MINSHENG_BASE_DECIMAL_H
#define MINSHENG_BASE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

#define DECIMAL_MAX_SCALE 18
/* Longest text decimal_format can produce, with its NUL. */
#define DECIMAL_STRLEN 48

struct decimal {
	int64_t units;
	int scale;   /* 0..DECIMAL_MAX_SCALE */
};

/* An integer as a decimal of scale 0. */
struct decimal decimal_from_int(int64_t v);

/*
 * Parse "432.3", "-10", "0.05", "28658", "+7": an optional sign, digits, an
 * optional '.' followed by at least one digit. No exponent, no grouping
 * commas, no spaces. "1,2", "1e5", "--1", "", "12a", ".5", "5." are ERR_INPUT
 * with a message naming the text. More than DECIMAL_MAX_SCALE fraction
 * digits or a value beyond int64 is ERR_INPUT (overflow). The scale of the
 * result is the number of fraction digits written ("1.50" has scale 2).
 * Leading zeros are allowed ("007" is 7); "-0" is 0. err->reason is
 * "number_syntax", "number_scale" or "number_overflow". err may be NULL.
 */
int decimal_parse(const char *s, size_t len, struct decimal *out,
		  struct error *err);

/* a + b and a - b at the larger of the two scales. ERR_INPUT on overflow. */
int decimal_add(struct decimal a, struct decimal b, struct decimal *out);
int decimal_sub(struct decimal a, struct decimal b, struct decimal *out);

/* a * k, same scale. ERR_INPUT on overflow. */
int decimal_mul_int(struct decimal a, int64_t k, struct decimal *out);

/*
 * a * b exactly, at scale a.scale + b.scale (trailing zeros dropped when
 * that scale would pass DECIMAL_MAX_SCALE). ERR_INPUT when it does not fit.
 */
int decimal_mul(struct decimal a, struct decimal b, struct decimal *out);

/* -1, 0 or 1, exactly, whatever the scales. */
int decimal_cmp(struct decimal a, struct decimal b);

/*
 * Exact sums of products, for comparisons whose cross products do not fit in
 * int64 (a report judging a value near the import's limit against a target
 * with many fraction digits). A term is the product of up to
 * DECIMAL_TERM_FACTORS decimals (none: the product is 1), added or, with
 * negative set, subtracted. Computed in 512-bit integers: a term is below
 * 2^(63*4) * 10^(18*4) < 2^492 at the common scale, so a sum of up to
 * DECIMAL_SUM_TERMS terms is below 2^494 and nothing can overflow.
 */
#define DECIMAL_TERM_FACTORS 4
#define DECIMAL_SUM_TERMS 4

struct decimal_term {
	bool negative;   /* subtract this product */
	int n;           /* 0..DECIMAL_TERM_FACTORS factors */
	struct decimal f[DECIMAL_TERM_FACTORS];
};

/*
 * The sign (-1, 0, 1) of the sum of t[0..n), exactly, whatever the values
 * and scales (n 0..DECIMAL_SUM_TERMS; factors with a scale outside 0..18 or
 * too many terms or factors are a caller bug and asserted). Never fails.
 */
int decimal_sum_sign(const struct decimal_term *t, int n);

/*
 * a * b compared with c * d: -1, 0 or 1, exactly, even where the products
 * do not fit in int64 (decimal_mul would fail). Never fails.
 */
int decimal_cmp_mul(struct decimal a, struct decimal b, struct decimal c, struct decimal d);

/*
 * (sum of t[0..n)) / (the product den) * 10^shift rounded half-up (on the
 * magnitude) at precision fraction digits (0..18; shift 0..2, 2 for a
 * percentage), computed exactly in wide integers. ERR_INPUT when the
 * denominator is zero or the result does not fit a decimal.
 */
int decimal_sum_div(const struct decimal_term *t, int n, const struct decimal_term *den,
		    int shift, int precision, struct decimal *out);

bool decimal_is_zero(struct decimal a);
bool decimal_is_negative(struct decimal a);

/*
 * Round half-up (on the magnitude) to precision fraction digits (0..18).
 * The result has scale == precision (also when a had fewer digits: 5 at
 * precision 1 is 5.0). ERR_INPUT on overflow.
 */
int decimal_round(struct decimal a, int precision, struct decimal *out);

/*
 * num / den * 100, rounded half-up at precision (0..4) fraction digits; the
 * result has scale == precision. 1089000 / 2000000 at precision 1 is 54.5.
 * den == 0 is ERR_INPUT, and so is a precision outside 0..4. num * 100 itself
 * need not fit in int64, only the result.
 */
int decimal_percent(struct decimal num, struct decimal den, int precision,
		    struct decimal *out);

/*
 * num / den rounded half-up at precision (0..18) fraction digits. den == 0 is
 * ERR_INPUT. decimal_percent is decimal_div of num*100.
 */
int decimal_div(struct decimal num, struct decimal den, int precision,
		struct decimal *out);

/*
 * Percentage-point difference actual - target, rounded half-up at precision.
 * 64.4 - 60 at precision 1 is 4.4. The difference is taken exactly and
 * rounded once (no double rounding).
 */
int decimal_pp_diff(struct decimal actual, struct decimal target,
		    int precision, struct decimal *out);

/* Drop trailing fraction zeros: 144.10 -> 144.1, 30.00 -> 30 (scale 0). */
struct decimal decimal_normalize(struct decimal a);

/*
 * Write a as text with exactly a.scale fraction digits ("54.5", "-0.05",
 * "3000000") into out (at least DECIMAL_STRLEN bytes is always enough).
 * Returns the length written, without the NUL. When n is too small nothing
 * is written but "" (if n > 0) and 0 is returned.
 */
size_t decimal_format(struct decimal a, char *out, size_t n);

#endif
