/*
 * zhnum.h - quantities and results worded the way the province prints them.
 *
 * 4323000 -> "432.3万", 300000 -> "30万", 136500 -> "13.65万",
 * 17180000 -> "1718万", 9770000000 -> "97.7亿", 28658 -> "28658".
 * From 100,000 up a value is written in 万 with at most two fraction digits
 * (half-up, trailing zeros dropped); from 10^8 up in 亿 likewise; below
 * 100,000 as the plain decimal (normalized: trailing fraction zeros dropped).
 * Negative values are written with a leading '-'. The unit is chosen on the
 * rounded figure: a value whose 万 form would round to 10000万 (99,999,950
 * and up) is written in 亿 ("1亿"); no unit beyond 亿 is used, so 10^12 is
 * "10000亿". 123456 -> "12.35万", 99999 -> "99999", 100000 -> "10万",
 * 99999999 -> "1亿". Decimal inputs work the same way: 4323000.00 ->
 * "432.3万", 432.30 -> "432.3". A value of INT64_MIN units gives 0 (it is
 * outside the decimal range, see decimal.h). No function here does I/O;
 * each writes into out (ZHNUM_STRLEN bytes is always enough) and returns the
 * length, or 0 when out is too small or on overflow.
 */
#ifndef MINSHENG_BASE_ZHNUM_H
#define MINSHENG_BASE_ZHNUM_H

#include <stddef.h>

#include "base/decimal.h"

#define ZHNUM_STRLEN 128

size_t zhnum_quantity(struct decimal v, char *out, size_t n);

/*
 * A quantity followed by its unit, the unit taken into the wording when it
 * already counts in 万 or 亿, so that no "120万万元" is ever printed:
 *   unit "人次": zhnum_quantity then the unit (4323000 -> "432.3万人次");
 *   unit "万元" (or any unit starting with 万): v万 is worded as v * 10^4
 *     of the rest of the unit, 120 -> "120万元", 100000 -> "10亿元",
 *     123.456 -> "123.46万元", 9999.996 -> "1亿元"; below 10 (less than
 *     10万, where zhnum_quantity would write the plain figure) the value
 *     as written in the unit given, 5.5 -> "5.5万元";
 *   unit "亿元" (starting with 亿, there is no larger unit): the value as
 *     written (normalized), 97.7 -> "97.7亿元".
 * out needs ZHNUM_STRLEN + strlen(unit) bytes; 0 when it is too small or
 * the unit is longer than 255 bytes.
 */
size_t zhnum_quantity_unit(struct decimal v, const char *unit, char *out, size_t n);

/*
 * Completion wording: pct is a percentage already rounded at the precision
 * wanted; written normalized. 144 -> "完成年度目标任务的144%".
 */
size_t zhnum_completion(struct decimal pct, char *out, size_t n);

/*
 * Percentage-point wording, diff already rounded: 4.4 -> "高于年度目标任务4.4个
 * 百分点", -10 -> "低于年度目标任务10个百分点", 0 -> "达到年度目标任务".
 */
size_t zhnum_pp(struct decimal diff, char *out, size_t n);

#endif
