/*
 * zhnum.c - quantities and results in the wording of the province's reports
 * (see zhnum.h and docs/numbers.md for the rules and their reasons).
 *
 * All arithmetic is exact: a quantity is scaled to 万 or 亿 by one integer
 * division with a half-up remainder test, never through binary floating
 * point.
 */
#include "base/zhnum.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Unit thresholds. 万 from 100,000 (not 10,000): 28658 stays "28658". */
#define WAN_FROM 100000
#define YI_FROM 100000000

/* Copy s (with its NUL) into out, or "" and 0 when it does not fit. */
static size_t put(char *out, size_t n, const char *s, size_t len)
{
	if (len + 1 > n) {
		if (n > 0)
			out[0] = '\0';
		return 0;
	}
	memcpy(out, s, len + 1);
	return len;
}

/* Nothing fits or the input is unusable: "" and 0, as zhnum.h says. */
static size_t fail(char *out, size_t n)
{
	if (n > 0)
		out[0] = '\0';
	return 0;
}

/*
 * A nonnegative mag divided by 10^shift (shift 4 for 万, 8 for 亿), rounded
 * half-up at two fraction digits and normalized. Computed in 128 bits in one
 * step, so there is exactly one rounding.
 */
static struct decimal scaled(struct decimal mag, int shift)
{
	unsigned __int128 d = 1, q, r;
	struct decimal t;
	int i;

	/* Dividing by 10^(scale + shift - 2) leaves hundredths of the unit. */
	for (i = 0; i < mag.scale + shift - 2; i++)
		d *= 10;
	q = (unsigned __int128)mag.units / d;
	r = (unsigned __int128)mag.units % d;
	if (r >= d - r)
		q++;
	/* q <= mag.units, so it fits. */
	t.units = (int64_t)q;
	t.scale = 2;
	return decimal_normalize(t);
}

size_t zhnum_quantity(struct decimal v, char *out, size_t n)
{
	char num[DECIMAL_STRLEN], text[ZHNUM_STRLEN];
	struct decimal mag, wan, lim;
	const char *unit = "";
	bool neg;
	int len;

	if (v.scale < 0 || v.scale > DECIMAL_MAX_SCALE || v.units == INT64_MIN)
		return fail(out, n);
	neg = v.units < 0;
	mag = v;
	if (neg)
		mag.units = -mag.units;
	if (decimal_cmp(mag, decimal_from_int(WAN_FROM)) < 0) {
		/* Plain: the value as written, without trailing zeros. */
		mag = decimal_normalize(mag);
	} else {
		wan = scaled(mag, 4);
		lim = decimal_from_int(10000);
		/*
		 * A value that rounds to 10000万 is written in 亿 ("1亿"), as is
		 * everything from 10^8 up: the province never prints "10000万".
		 */
		if (decimal_cmp(mag, decimal_from_int(YI_FROM)) >= 0 ||
		    decimal_cmp(wan, lim) >= 0) {
			mag = scaled(mag, 8);
			unit = "亿";
		} else {
			mag = wan;
			unit = "万";
		}
	}
	if (decimal_format(mag, num, sizeof(num)) == 0)
		return fail(out, n);
	len = snprintf(text, sizeof(text), "%s%s%s", neg && mag.units != 0 ? "-" : "", num, unit);
	if (len < 0 || (size_t)len >= sizeof(text))
		return fail(out, n);
	return put(out, n, text, (size_t)len);
}

/* UTF-8 of 万 and 亿. */
#define WAN_UTF8 "\xe4\xb8\x87"
#define YI_UTF8 "\xe4\xba\xbf"

size_t zhnum_quantity_unit(struct decimal v, const char *unit, char *out, size_t n)
{
	char q[ZHNUM_STRLEN], num[DECIMAL_STRLEN];
	const char *rest = unit;
	struct decimal base;
	size_t len;
	int k;

	if (v.scale < 0 || v.scale > DECIMAL_MAX_SCALE || v.units == INT64_MIN)
		return fail(out, n);
	if (strncmp(unit, WAN_UTF8, 3) == 0 && strncmp(unit + 3, YI_UTF8, 3) != 0) {
		struct decimal mag = v;

		rest = unit + 3;
		if (mag.units < 0)
			mag.units = -mag.units;
		/* below 10万 (100,000 of the base unit): as written, in the
		 * plan's unit, as zhnum_quantity leaves a figure below 万 */
		if (decimal_cmp(mag, decimal_from_int(10)) < 0)
			goto plain;
		/* v万 is v * 10^4 of the base unit, worded from there */
		base = v;
		if (base.scale >= 4) {
			base.scale -= 4;
		} else {
			for (k = base.scale; k < 4; k++)
				if (__builtin_mul_overflow(base.units, 10, &base.units))
					break;
			if (k < 4) {
				/* beyond the decimal range of the base unit: 亿 */
				struct decimal yi = scaled(mag, 4);

				if (decimal_format(yi, num, sizeof(num)) == 0)
					return fail(out, n);
				len = (size_t)snprintf(q, sizeof(q), "%s%s" YI_UTF8,
						       v.units < 0 ? "-" : "", num);
				goto join;
			}
			base.scale = 0;
		}
		len = zhnum_quantity(base, q, sizeof(q));
		if (len == 0)
			return fail(out, n);
		goto join;
	}
	if (strncmp(unit, YI_UTF8, 3) == 0)
		goto plain; /* no unit beyond 亿: the figure as written */
	len = zhnum_quantity(v, q, sizeof(q));
	if (len == 0)
		return fail(out, n);
	goto join;
plain:
	rest = unit;
	if (decimal_format(decimal_normalize(v), q, sizeof(q)) == 0)
		return fail(out, n);
join:
	{
		size_t r = strlen(rest);
		char text[ZHNUM_STRLEN + 256];

		len = strlen(q);
		if (len + r >= sizeof(text))
			return fail(out, n);
		memcpy(text, q, len);
		memcpy(text + len, rest, r + 1);
		return put(out, n, text, len + r);
	}
}

size_t zhnum_completion(struct decimal pct, char *out, size_t n)
{
	char num[DECIMAL_STRLEN], text[ZHNUM_STRLEN];
	int len;

	if (pct.scale < 0 || pct.scale > DECIMAL_MAX_SCALE)
		return fail(out, n);
	if (decimal_format(decimal_normalize(pct), num, sizeof(num)) == 0)
		return fail(out, n);
	len = snprintf(text, sizeof(text), "完成年度目标任务的%s%%", num);
	if (len < 0 || (size_t)len >= sizeof(text))
		return fail(out, n);
	return put(out, n, text, (size_t)len);
}

size_t zhnum_pp(struct decimal diff, char *out, size_t n)
{
	char num[DECIMAL_STRLEN], text[ZHNUM_STRLEN];
	struct decimal mag;
	int len;

	if (diff.scale < 0 || diff.scale > DECIMAL_MAX_SCALE || diff.units == INT64_MIN)
		return fail(out, n);
	if (diff.units == 0)
		return put(out, n, "达到年度目标任务", strlen("达到年度目标任务"));
	mag = decimal_normalize(diff);
	if (mag.units < 0)
		mag.units = -mag.units;
	if (decimal_format(mag, num, sizeof(num)) == 0)
		return fail(out, n);
	len = snprintf(text, sizeof(text), "%s年度目标任务%s个百分点",
		       diff.units > 0 ? "高于" : "低于", num);
	if (len < 0 || (size_t)len >= sizeof(text))
		return fail(out, n);
	return put(out, n, text, (size_t)len);
}
