/*
 * period.h - DHIS2 period syntax and calendar days.
 *
 * Periods: 2023 (year), 2023S1..S2 (six months), 2023Q1..Q4 (quarter),
 * 202303 (month), 2023W10 (ISO 8601 week, Monday to Sunday, week 1 holds
 * 4 January), 20230315 (day). Years 1900..9999. Days are counted as a
 * signed day number (days since 1970-01-01), so that "inside" and "before"
 * are integer comparisons and can be stored in the database.
 */
#ifndef MINSHENG_BASE_PERIOD_H
#define MINSHENG_BASE_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

enum period_type {
	PERIOD_DAY = 1,
	PERIOD_WEEK,
	PERIOD_MONTH,
	PERIOD_QUARTER,
	PERIOD_SIXMONTH,
	PERIOD_YEAR,
};

struct period {
	enum period_type type;
	int year;
	int index;   /* week 1..53, month 1..12, quarter 1..4, half 1..2, day: month*100+day; year: 0 */
};

/* Longest period text with its NUL ("2023W10", "20230315"). */
#define PERIOD_STRLEN 16

struct date {
	int year, month, day;
};

/* Day number of a civil date (1970-01-01 is 0). The date must be valid. */
int32_t date_to_days(struct date d);
struct date date_from_days(int32_t days);
bool date_valid(int year, int month, int day);
int date_days_in_month(int year, int month);
bool date_is_leap(int year);

/* Parse "YYYY-MM-DD" (and "YYYYMMDD"). ERR_INPUT with the text on failure. */
int date_parse(const char *s, size_t len, struct date *out, struct error *err);
/* "2023-03-15" into out (at least 11 bytes). */
size_t date_format(struct date d, char *out, size_t n);

/*
 * Parse a DHIS2 period. 202313, 2023Q5, 20230230, 2023W54 (and 2023W53 in a
 * year that has 52 ISO weeks), "", "2023-03" are ERR_INPUT naming the text.
 */
int period_parse(const char *s, size_t len, struct period *out,
		 struct error *err);

/* Canonical text ("2023Q1") into out (PERIOD_STRLEN is enough). */
size_t period_format(const struct period *p, char *out, size_t n);

/* First and last day (inclusive) as day numbers. */
int32_t period_start(const struct period *p);
int32_t period_end(const struct period *p);

/* True when inner's days all lie inside outer's days (a period lies in itself). */
bool period_within(const struct period *inner, const struct period *outer);

/* The whole calendar year. */
struct period period_year(int year);

/*
 * The periods of p's type in p's year from the first up to and including p:
 * 2023Q3 -> 2023Q1, 2023Q2, 2023Q3. Writes at most max into out and sets *n
 * to the count (which may exceed max: then only max were written).
 * Returns 0.
 */
int period_year_to(const struct period *p, struct period *out, size_t max,
		   size_t *n);

/*
 * 序时进度: the share of p's year elapsed at p's end, as the fraction
 * *num / *den (reduce nothing; the caller uses decimal_percent). Years, halves,
 * quarters and months count in months (2023Q1 -> 3/12, 202303 -> 3/12,
 * 2023S1 -> 6/12, 2023 -> 12/12); weeks and days count in days of the year
 * (an ISO week that ends in the next year counts as the whole year).
 */
void period_elapsed(const struct period *p, int64_t *num, int64_t *den);

#endif
