/*
 * disclose.h - the 公示 list of a programme-period and the personal lookup
 * (docs/disclosure.md).
 *
 * Disclosure shows only masked data: the name masked (mask_name), the ID
 * number's first 6 and last 4 characters, the village code and the amount
 * in 元 with two decimals, computed from integer fen exactly. Cancelled
 * entitlements are not listed; entitlements on hold are (they are still
 * approved amounts) with their state.
 *
 * The lookup answers one person about their own payments, and only when
 * the name given matches the name on record: a wrong name and an unknown
 * ID number give the same "not found" answer, so the lookup cannot be used
 * to learn whether someone is a beneficiary.
 */
#ifndef MINSHENG_SUBSIDY_DISCLOSE_H
#define MINSHENG_SUBSIDY_DISCLOSE_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct error;
struct pii_keys;

/* fen as 元 with exactly two decimals: 30000 -> "300.00", 5 -> "0.05". */
size_t disclose_yuan(int64_t fen, char *out, size_t n);

struct disclose_row {
	int64_t entitlement_id;
	char name[128];	    /* masked */
	char id_number[24]; /* masked: first 6, last 4 */
	char village[16];
	int64_t amount_fen;
	char state[16]; /* 待发, 在途, 已发, 失败, 暂停 */
};

/*
 * The list for a programme and period (canonical text; parsed and checked
 * here), optionally one village (12 digits), ordered by village then
 * entitlement. keys is required (the ID's first 6 and last 4 come from the
 * decrypted number). ERR_INPUT for an unknown programme or bad
 * period/village.
 */
int disclose_list(struct db *db, const struct pii_keys *keys, const char *programme,
		  const char *period, const char *village,
		  int (*fn)(void *ctx, const struct disclose_row *r), void *ctx, struct error *err);

struct lookup_row {
	char programme[40];
	char programme_name[128];
	char period[16];
	int64_t amount_fen;
	char state[16];	    /* 待发, 在途, 已发, 失败, 暂停, 已取消 */
	char bank_time[24]; /* "" when not paid */
	char account[40];   /* masked (last 4 kept) */
};

/*
 * The form in which the lookup compares a name typed by a citizen with the
 * name on record (both sides): ASCII spaces and tabs and U+3000 (the
 * full-width space) removed at both ends, and every middle dot used in
 * minority names (U+00B7, U+2022, U+2027, U+2219, U+30FB, U+FF0E, U+FF65)
 * written as U+00B7. Nothing else changes (no case folding, no inner
 * spaces removed, no traditional/simplified mapping); bytes that are not
 * one of these characters, valid UTF-8 or not, are copied as they are.
 * The result is never longer than the input. Writes it NUL-terminated to
 * out (n bytes) and returns its length, or (size_t)-1 when it does not fit
 * (out is then ""; n >= len + 1 always fits).
 */
size_t disclose_name_normalize(const char *s, size_t len, char *out, size_t n);

/*
 * One person's entitlements and their latest payments, by programme and
 * period. The person is found by the ID number's keyed hash; the name given
 * must then equal the one on record after disclose_name_normalize of both.
 * Returns 0 and calls fn for each row; ERR_INPUT with reason "not_found"
 * and the same message whether the ID is unknown, malformed or the name
 * does not match (nothing is decrypted for a name that does not match).
 */
int disclose_lookup(struct db *db, const struct pii_keys *keys, const char *id_number,
		    const char *name, int (*fn)(void *ctx, const struct lookup_row *r), void *ctx,
		    struct error *err);

#endif
