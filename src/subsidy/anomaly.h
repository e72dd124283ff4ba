/*
 * anomaly.h - 监管预警: the rules auditors run over entitlements and
 * payments, and the list of holds (docs/anomalies.md).
 *
 * Rules, each reported with the entitlement (and payment, when one is
 * concerned) and a Chinese sentence saying why:
 *   paid_after_death   a payment paid or at the bank for a period that began
 *                      after the person's date of death
 *   age_range          the person's age at the start of the period is outside
 *                      the programme's range (data older than the rule, or
 *                      a range changed after the roster)
 *   above_standard     the amount is above the programme's standard
 *   shared_account     one bank account (by keyed hash) used by more than N
 *                      distinct people (default 5)
 *   official           the beneficiary is on the officials list (优亲厚友)
 *   two_counties       the same person has entitlements of the same
 *                      programme in the same year in two or more counties
 *                      (the identity (programme, period, person) is unique, so
 *                      the same period twice cannot exist; a person moving
 *                      between counties within a year, or registered by two
 *                      counties for different months, is what is reviewed)
 *   hold               an entitlement on hold (not an error: listed so the
 *                      holds are reviewed and released or cancelled)
 *   bank_success_conflict
 *                      a SUCCESS return line for a payment recorded as
 *                      failed (and so reissued, or with another amount),
 *                      cancelled, or reversed before that success: the
 *                      money may have reached the person, perhaps twice;
 *                      one finding per such line, naming it
 * Cancelled entitlements are never reported, except by
 * bank_success_conflict (money the bank says it paid is never hidden).
 */
#ifndef MINSHENG_SUBSIDY_ANOMALY_H
#define MINSHENG_SUBSIDY_ANOMALY_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct error;
struct pii_keys;

enum anomaly_rule {
	ANOMALY_PAID_AFTER_DEATH = 0,
	ANOMALY_AGE_RANGE,
	ANOMALY_ABOVE_STANDARD,
	ANOMALY_SHARED_ACCOUNT,
	ANOMALY_OFFICIAL,
	ANOMALY_TWO_COUNTIES,
	ANOMALY_HOLD,
	ANOMALY_BANK_SUCCESS_CONFLICT,
	ANOMALY_NRULES
};

/* "paid_after_death", ... and a Chinese label ("死亡后发放", ...). */
const char *anomaly_rule_code(enum anomaly_rule r);
const char *anomaly_rule_label(enum anomaly_rule r);

struct anomaly {
	enum anomaly_rule rule;
	int64_t entitlement_id; /* 0 when the anomaly is about an account */
	int64_t payment_id;	/* 0 when no payment is concerned */
	char programme[40];
	char period[16];
	char county[8];
	char name[128];	    /* masked (mask_name) */
	char id_number[24]; /* masked (first 6, last 4) or all '*' without the key */
	int64_t amount_fen;
	char why[768];
	/* bank_success_conflict only (0 / "" otherwise): the return line */
	int64_t bank_import_id; /* bank_import.id */
	int64_t bank_line;	/* its line in that file */
	char bank_time[24];	/* YYYY-MM-DDThh:mm:ss */
};

/*
 * Run every rule; fn gets each anomaly (rule by rule, in a stable order
 * within each rule); a non-zero return from fn stops and is returned.
 * keys may be NULL (IDs are then shown as stars). With keys, an ID number
 * that does not decrypt (its row was altered: pii_decrypt_owned) stops the
 * scan: ERR_IO, reason pii_tampered, the message naming the person's row
 * ("人员记录 N 的身份证号与该记录不符（数据可能被篡改）"), as every
 * decrypting command does. shared_threshold: the N of shared_account (>= 1).
 * All rules read one snapshot: the scan runs in one read transaction, begun
 * and rolled back here (inside the caller's when one is open), so fn must
 * not write through db.
 */
int anomaly_scan(struct db *db, const struct pii_keys *keys, int shared_threshold,
		 int (*fn)(void *ctx, const struct anomaly *a), void *ctx, struct error *err);

/*
 * Age in whole years at day `at` of someone born on day `birth` (both day
 * numbers), as idcard_age_at counts it; -1 when at is before birth.
 */
int anomaly_age_at(int32_t birth, int32_t at);

#endif
