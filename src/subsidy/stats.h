/*
 * stats.h - the 一卡通 figures the province publishes, from the ledger rows
 * (docs/stats.md): programmes with payments, amount paid, distinct people
 * reached, and the share of payments paid into social-security-card
 * accounts, worded as the province words them:
 *   发放补贴193项，累计发放补贴资金97.7亿元，惠及群众958.9万人，
 *   使用社保卡领取补贴的比例达到99.8%
 * Everything is integer fen and exact decimals (zhnum.h, decimal.h): no
 * binary floating point.
 *
 * What counts: payments with status paid whose entitlement's period lies in
 * the year (and within --period when given, e.g. 2023Q1 takes 202301..03,
 * 2023Q1 and... every period inside it). A payment made in January 2024 for
 * 202312 counts in 2023: the figures are per subsidy period.
 */
#ifndef MINSHENG_SUBSIDY_STATS_H
#define MINSHENG_SUBSIDY_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "base/decimal.h"

struct db;
struct error;

struct stats_programme {
	char code[40];
	char name[128];
	int64_t payments;
	int64_t amount_fen;
	int64_t people;
};

struct stats {
	int year;
	char period[16];	     /* "" for the whole year */
	int64_t programmes;	     /* programmes with at least one paid payment */
	int64_t payments;	     /* paid payments */
	int64_t amount_fen;	     /* their total */
	int64_t people;		     /* distinct beneficiaries paid */
	int64_t sscard_payments;     /* of the payments, into social-security-card accounts */
	struct stats_programme *per; /* per programme, by code (owned) */
	size_t nper;
};

/*
 * Compute for a year (1900..9999) and optionally a period inside it (NULL:
 * the whole year). ERR_INPUT for a bad period or one outside the year.
 * Every figure comes from one snapshot: the queries run in one read
 * transaction, begun and rolled back here (when the caller has one open,
 * inside the caller's instead), so the totals and the per-programme lines
 * agree whatever commits meanwhile. Writes only a temp table.
 */
int stats_compute(struct db *db, int year, const char *period, struct stats *out,
		  struct error *err);

void stats_free(struct stats *s);

/* The amount in 元 as an exact decimal (scale 2). */
struct decimal stats_amount_yuan(const struct stats *s);

/*
 * The share of payments into social-security-card accounts in percent,
 * rounded half-up at precision fraction digits (0..4). ERR_INPUT when there
 * are no payments.
 */
int stats_sscard_share(const struct stats *s, int precision, struct decimal *out);

/*
 * The published sentence (one decimal for the share, 万/亿 as zhnum_quantity
 * writes them). With no payments: "发放补贴0项，累计发放补贴资金0元，惠及群众0人".
 * Returns the length, 0 when out is too small.
 */
size_t stats_wording(const struct stats *s, char *out, size_t n);

/*
 * What the figures cover, worded as a heading: "2023年", "2023年3月",
 * "2023年第一季度", "2023年上半年", "2023年第10周", "2023年3月15日".
 * Returns the length, 0 when out is too small.
 */
size_t stats_scope(const struct stats *s, char *out, size_t n);

#endif
