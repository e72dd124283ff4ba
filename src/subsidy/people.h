/*
 * people.h - the registers the anomaly rules check payments against:
 * deaths (from the civil affairs / public security death register) and the
 * officials list (村干部 and other public servants, for the 优亲厚友 review).
 *
 * Files (docs/anomalies.md):
 *   deaths:    id_number,date_of_death        (date YYYY-MM-DD or YYYYMMDD)
 *   officials: id_number,name,village,role    (village: 12-digit code)
 * ID numbers are checked as in rosters (18 characters or a 15-digit legacy
 * number, converted) and stored only as the keyed hash plus the encrypted
 * number (pii.h), never in clear. Each import is one transaction: any bad
 * row is reported (file, line, column, reason) and nothing is written.
 * Called with a write transaction open (sqlite3_get_autocommit false), an
 * import writes inside it and neither commits nor rolls back: the caller
 * commits on 0 and rolls back otherwise. The CLI binds the key to the
 * database (pii_open with create) in that same transaction, so a refused
 * or failed import leaves the database as it was (docs/personal-data.md);
 * without one open, the import begins and ends its own.
 *
 * A death date corrected to a later one lifts the holds it no longer
 * supports (the person was alive when the period began).
 *
 * A death record puts on hold (entitlement.status 'on_hold', hold_reason
 * 'death YYYY-MM-DD') every approved entitlement of that person that is not
 * paid or at the bank and whose period began after the date of death; a
 * roster imported later applies it to the entitlements it creates
 * (people_hold_imported), and batch create applies it again. One already
 * at the bank (a pending payment) is counted for the operator to intercept
 * (payment_cancel, cancel.h).
 */
#ifndef MINSHENG_SUBSIDY_PEOPLE_H
#define MINSHENG_SUBSIDY_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct error;
struct pii_keys;

/* Called for each bad row (file, line, column, reason, message). */
typedef void (*people_reject_fn)(void *ctx, const struct error *e);

struct people_summary {
	int64_t rows;	  /* data rows read */
	int64_t added;	  /* new records */
	int64_t updated;  /* records changed (a death date corrected, an
			   * official's name replaced) */
	int64_t held;	  /* entitlements put on hold by this import */
	int64_t lifted;	  /* holds lifted: a death date corrected to a later one */
	int64_t rejected; /* bad rows (then nothing was written) */
	/* Deaths: payments still at the bank (pending) for a period that began
	 * after the date of death, over the whole register, except those an
	 * operator released from a hold. Not held (the order is out already):
	 * each must be intercepted with subsidy payment cancel (cancel.h). */
	int64_t pending_after_death;
};

/*
 * Import a deaths file. A person already recorded gets the date of the new
 * file (a correction). Reasons: bad_header, field_count, id_length,
 * id_chars, id_province, id_birthdate, id_future, id_checksum,
 * bad_date, date_future, date_before_birth, duplicate_in_file (and the CSV
 * reader's own). Returns 0, ERR_INPUT when any row was bad (first error in
 * err), ERR_IO. In the caller's open transaction, if any (above).
 *
 * encoding is the file's (csv_options.encoding: NULL or "" detects; else
 * "UTF-8", "GBK", "GB18030", ...). An encoding the reader does not know
 * fails with ERR_USAGE, reason "unknown_encoding", and a legacy one given
 * for a file that is plainly UTF-8 with ERR_INPUT, reason
 * "encoding_mismatch" (csv.h), before anything is written.
 */
int deaths_import(struct db *db, const struct pii_keys *keys, const char *path,
		  const char *encoding, people_reject_fn reject, void *ctx,
		  struct people_summary *sum, struct error *err);

/*
 * Import an officials file. A (person, village, role) already recorded
 * is kept once: with another name, the file's name replaces the stored one
 * (sum->updated counts them); with the same name nothing changes. Reasons:
 * bad_header, field_count, id_*, empty_name, name_too_long, bad_village,
 * empty_role, role_too_long, duplicate_in_file. encoding as deaths_import.
 */
int officials_import(struct db *db, const struct pii_keys *keys, const char *path,
		     const char *encoding, people_reject_fn reject, void *ctx,
		     struct people_summary *sum, struct error *err);

/*
 * Bring holds in line with the death register: put on hold every approved,
 * unpaid entitlement (not released by an operator) whose beneficiary has a
 * death record dated before the entitlement's period began (*held counts
 * them); lift the death holds the register no longer supports after a
 * correction to a later date (*lifted; status approved, hold_reason
 * "lifted: death ..."); a hold whose date changed gets the new one. Call
 * inside a write transaction.
 */
int people_apply_death_holds(struct db *db, int64_t *held, int64_t *lifted, struct error *err);

/*
 * The death rule for the entitlements one roster import has just written
 * (entitlement.import_id = import_id, all approved and unpaid): those of a
 * person with a death record dated before the entitlement's period began
 * go on hold ('death YYYY-MM-DD'), as people_apply_death_holds would do at
 * the next batch create; *held counts them. Driven from the death register
 * (each record finds its person and that person's entitlements through
 * their indexes), so it costs nothing per roster row. Call inside the
 * import's write transaction.
 */
int people_hold_imported(struct db *db, int64_t import_id, int64_t *held, struct error *err);

/*
 * What an operator decides about an entitlement on hold (docs/anomalies.md),
 * each in its own transaction:
 *
 * people_hold_release: the hold was wrong (a mistaken death record, the
 * person is alive): the entitlement is approved again. The next batch pays
 * it when it never had a payment or its failed payment was corrected; when
 * its latest payment failed and was not corrected, subsidy payment correct
 * must come first (people_awaiting_correction says which). hold_reason
 * keeps the trace ("released: death 2023-07-15"), and no later batch or
 * deaths import holds it again for that death record.
 *
 * people_hold_cancel: the entitlement will never be paid. It becomes
 * cancelled, its latest payment too when that is a failed one, and the
 * ledger moves the amount from unpaid (or failed) to cancelled
 * (ledger_post_cancel, reference "hold cancel N").
 *
 * Both refuse (ERR_INPUT, reason unknown_entitlement or not_on_hold) an
 * entitlement that does not exist or is not on hold; *summary gets a
 * description of it (programme, period, amount) for the operator.
 */
int people_hold_release(struct db *db, int64_t entitlement_id, char *summary, size_t n,
			struct error *err);
int people_hold_cancel(struct db *db, int64_t entitlement_id, char *summary, size_t n,
		       struct error *err);

/*
 * Whether an entitlement waits for an account correction before a batch can
 * pay it: its latest payment failed and was not corrected (batch create
 * reissues only corrected ones). *payment_id gets that payment's id, else 0
 * (no payment, or the failed one was corrected, or any other state).
 * Returns 0 or ERR_IO.
 */
int people_awaiting_correction(struct db *db, int64_t entitlement_id, int64_t *payment_id,
			       struct error *err);

/*
 * Whether batch create will not reissue an entitlement: its latest payment
 * failed and was corrected, but the bank has answered SUCCESS for a failed
 * attempt of it (batch_bank_said_success). *payment_id gets that latest
 * payment's id, else 0. Returns 0 or ERR_IO.
 */
int people_reissue_blocked(struct db *db, int64_t entitlement_id, int64_t *payment_id,
			   struct error *err);

#endif
