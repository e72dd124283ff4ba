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

/*
 * Day number of a civil date (1970-01-01 is 0, 1900-01-01 is -25567), in the
 * proleptic Gregorian calendar. The date must be a real calendar day; the
 * 1900..9999 limit of date_valid does not apply here: the arithmetic is exact
 * for every day whose number fits int32_t (e.g. 10000-01-02, the end of
 * 9999W52).
 */
int32_t date_to_days(struct date d);
/* The inverse of date_to_days; exact for every int32_t (no overflow). */
struct date date_from_days(int32_t days);
/* True for a real calendar day with year 1900..9999 (20240229 yes, 20230229 no). */
bool date_valid(int year, int month, int day);
/* 28..31; 0 when month is not 1..12. */
int date_days_in_month(int year, int month);
/* Gregorian: divisible by 4, except centuries not divisible by 400. */
bool date_is_leap(int year);
/* ISO weekday of a day number: Monday 1 .. Sunday 7. */
int date_weekday(int32_t days);
/* 1..366 for a valid date (1 January is 1). */
int date_day_of_year(struct date d);

/*
 * Parse "YYYY-MM-DD" (and "YYYYMMDD"), exactly len bytes, no spaces, year
 * 1900..9999. ERR_INPUT with the text on failure (reason date_syntax,
 * date_year, date_month or date_day); err is untouched on success.
 */
int date_parse(const char *s, size_t len, struct date *out, struct error *err);
/*
 * "2023-03-15" into out (at least 11 bytes). Like snprintf it always
 * terminates and never writes more than n bytes; returns the length written.
 */
size_t date_format(struct date d, char *out, size_t n);

/* Today's calendar date in the machine's local time zone (TZ). */
struct date date_today(void);

/* Now as UTC ISO 8601, "2023-04-01T08:00:00Z", into out (at least 21 bytes). */
void date_now_utc(char *out, size_t n);

/*
 * Parse a DHIS2 period: exactly len bytes (s need not be NUL-terminated),
 * no spaces, year 1900..9999. Weeks are written 2023W10; 2023W1 (DHIS2's own
 * spelling of weeks 1..9) is accepted too. 202313, 2023Q5, 2023S3, 20230230,
 * 2023W0, 2023W54 (and 2023W53 in a year that has 52 ISO weeks), "",
 * "2023-03", "abcd", overlong text are ERR_INPUT naming the text (at most 32
 * bytes of it, control bytes escaped), with a reason code: period_empty,
 * period_long, period_syntax, period_year, period_half, period_quarter,
 * period_month, period_week or period_day.
 *
 * Allocation-free and cheap: meant to run on every imported data value.
 * On success *out is set and err is left untouched (not even cleared).
 */
int period_parse(const char *s, size_t len, struct period *out,
		 struct error *err);

/*
 * Canonical text ("2023Q1", "2023W01", "20230315") into out (PERIOD_STRLEN
 * is enough). Like snprintf it always terminates and never writes more than
 * n bytes; returns the length written ("" and 0 for an invalid type).
 * Parsing the text gives back an equal period.
 */
size_t period_format(const struct period *p, char *out, size_t n);

/* Same type, year and index. */
bool period_equal(const struct period *a, const struct period *b);

/* 52 or 53: the number of ISO 8601 weeks of year (2020 has 53, 2023 52). */
int period_weeks_in_year(int year);

/*
 * The functions below take a valid period (as period_parse makes, or
 * period_year). A week belongs to its ISO week-year: 2020W53 runs from
 * 2020-12-28 to 2021-01-03, 2020W01 from 2019-12-30 to 2020-01-05.
 */

/* First and last day (inclusive) as day numbers. */
int32_t period_start(const struct period *p);
int32_t period_end(const struct period *p);

/*
 * True when inner's days all lie inside outer's days (a period lies in
 * itself): 202303 in 2023Q1 in 2023S1 in 2023; 2023W01 (from 2023-01-02) in
 * 2023, but 2020W53 (to 2021-01-03) not in 2020.
 */
bool period_within(const struct period *inner, const struct period *outer);

/* The whole calendar year. */
struct period period_year(int year);

/*
 * The periods of p's type in p's year from the first up to and including p:
 * 2023Q3 -> 2023Q1, 2023Q2, 2023Q3; 202303 -> 202301..202303; 2023W10 ->
 * 2023W01..2023W10; 20230315 -> 20230101..20230315 (74 days); 2023 -> 2023.
 * Writes at most max into out (out may be NULL when max is 0) and sets *n
 * to the count (which may exceed max: then only max were written; at most
 * 366). Returns 0.
 */
int period_year_to(const struct period *p, struct period *out, size_t max,
		   size_t *n);

/*
 * 序时进度: the share of p's year elapsed at p's end, as the fraction
 * *num / *den (reduce nothing; the caller uses decimal_percent). Years, halves,
 * quarters and months count in months (2023Q1 -> 3/12, 202303 -> 3/12,
 * 2023S1 -> 6/12, 2023 -> 12/12); weeks and days count in days of the
 * calendar year p->year, up to p's last day (20230315 -> 74/365,
 * 20240315 -> 75/366). An ISO week that ends in the next year counts as the
 * whole year (2020W53 -> 366/366); a week 1 that starts in the previous
 * December counts from 1 January of its year (2020W01, to 2020-01-05, ->
 * 5/366). Always 1 <= *num <= *den, *den is 12, 365 or 366.
 * See docs/periods.md.
 */
void period_elapsed(const struct period *p, int64_t *num, int64_t *den);

#endif
