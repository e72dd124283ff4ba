/*
 * roster.h - payment rosters (发放名册): validation of each row and the
 * bulk import that turns valid rows into beneficiaries, bank accounts,
 * entitlements and ledger postings (docs/roster.md).
 *
 * Header, exactly: programme,period,id_number,name,village,bank_account,
 * amount_fen. Each row gets either accepted or one reason code (the first
 * failing check, in column order, then the duplicate checks, then the
 * once-programme check: a programme of frequency `once` is paid to a person
 * at most once, whatever the period).
 */
#ifndef MINSHENG_SUBSIDY_ROSTER_H
#define MINSHENG_SUBSIDY_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/period.h"
#include "subsidy/pii.h"

struct csv_record;
struct db;
struct error;
struct programme;
struct programme_list;

enum roster_reason {
	ROSTER_OK = 0,
	ROSTER_UNKNOWN_PROGRAMME,
	ROSTER_BAD_PERIOD,
	ROSTER_PERIOD_FREQUENCY,
	ROSTER_ID_LENGTH,
	ROSTER_ID_CHARS,
	ROSTER_ID_PROVINCE,
	ROSTER_ID_BIRTHDATE,
	ROSTER_ID_FUTURE,
	ROSTER_ID_CHECKSUM,
	ROSTER_EMPTY_NAME,
	ROSTER_BAD_NAME,
	ROSTER_BAD_VILLAGE,
	ROSTER_UNKNOWN_VILLAGE,
	ROSTER_BANK_LENGTH,
	ROSTER_BANK_CHARS,
	ROSTER_BANK_LUHN,
	ROSTER_BAD_AMOUNT,
	ROSTER_ABOVE_STANDARD,
	ROSTER_AGE_RANGE,
	ROSTER_DUPLICATE_IN_FILE,
	ROSTER_DUPLICATE_IN_DB,
	ROSTER_ONCE_ALREADY, /* a once-programme the person has in another period */
	/* structural errors reported by the CSV reader */
	ROSTER_FIELD_COUNT,
	ROSTER_UNTERMINATED_QUOTE,
	ROSTER_BAD_QUOTE,
	ROSTER_FIELD_TOO_LONG,
	ROSTER_RECORD_TOO_LONG,
	ROSTER_TOO_MANY_FIELDS,
	ROSTER_INVALID_UTF8,
	ROSTER_NUL_BYTE,
	ROSTER_BAD_ENCODING,
	ROSTER_CSV_ERROR, /* any other reader failure */
	ROSTER_NREASONS
};

/* The stable code written to reject files ("unknown_programme", ...). */
const char *roster_reason_code(enum roster_reason r);
/* The reason for a CSV reader reason code (ROSTER_CSV_ERROR if unknown). */
enum roster_reason roster_reason_from_csv(const char *csv_reason);

#define ROSTER_NAME_MAX 90 /* bytes of UTF-8: 30 CJK characters */
#define ROSTER_FIELDS 7

/* Sorted 12-digit village codes; n == 0 means "no villages loaded". */
struct roster_villages {
	uint64_t *code;
	size_t n;
};

/* What validation needs to know; all read-only during an import. */
struct roster_context {
	const struct programme_list *programmes;
	const struct roster_villages *villages; /* NULL or n == 0: no check */
	struct date today;			/* for "birth date in the future" */
};

/* A valid row, ready to be stored (plain text; the caller encrypts). */
struct roster_row {
	const struct programme *programme;
	struct period period;
	char period_text[PERIOD_STRLEN];
	char id[19]; /* normalised (upper-case X) */
	struct date birth;
	int female;
	const char *name; /* points into the record */
	size_t name_len;
	char village[13];
	char county[7];
	char account[20];
	size_t account_len;
	int64_t amount_fen;
};

/*
 * Check one record (rec->n must be ROSTER_FIELDS) against ctx, without I/O:
 * returns ROSTER_OK with *row filled, or the reason with *column (1-based)
 * and a Chinese message in msg (n bytes). The duplicate and once-programme
 * reasons are never returned here (they need the database).
 */
enum roster_reason roster_validate(const struct roster_context *ctx, const struct csv_record *rec,
				   struct roster_row *row, long *column, char *msg, size_t n);

/* Load level-5 org units (villages) from the tracker's orgunit table. */
int roster_villages_load(struct db *db, struct roster_villages *v, struct error *err);
void roster_villages_free(struct roster_villages *v);

struct roster_options {
	const char *path;	  /* roster file ("-": standard input) */
	const char *encoding;	  /* NULL: detect */
	const char *rejects_path; /* NULL: no reject file */
	const char *key_opt;	  /* --key, NULL: default (pii.h) */
	bool partial;		  /* commit valid rows despite rejects */
	int threads;		  /* 1: everything on one thread; 2 (default 0
				   * means 2): validation and crypto on a second */
	/* Called for each rejected row in line order (may be NULL). */
	void (*on_reject)(void *ctx, long line, long column, const char *code, const char *msg);
	/*
	 * Called once when every row has been read and every reject handed
	 * over (the reject file, if any, is written and closed), before the
	 * transaction ends: just before COMMIT, or before the rollback of an
	 * import that writes nothing (rows rejected without partial, or none
	 * accepted). Not called when the file is refused as a whole (bad
	 * header, unreadable) or a database error comes first. For putting the
	 * reject file in place before the rows it belongs to are committed.
	 * Returns 0, or an ERR_* code with err filled: nothing is committed
	 * and roster_import returns that code. May be NULL.
	 */
	int (*before_commit)(void *ctx, struct error *err);
	void *ctx; /* for on_reject and before_commit */
};

struct roster_summary {
	size_t accepted;
	size_t rejected;
	int64_t accepted_fen;
	size_t new_people;
	size_t new_accounts;
	/* accepted rows naming an account a payment correction replaced for
	 * that person: the corrected (current) account was kept for them and
	 * no account was reopened (docs/roster.md, Bank accounts) */
	size_t kept_corrected;
	/* of the accepted rows: entitlements put on hold at once because the
	 * death register says the person died before their period began
	 * (people_hold_imported) */
	int64_t held_at_death;
	size_t by_reason[ROSTER_NREASONS];
	bool committed; /* something was written */
	int64_t import_id;
	char encoding[16];
};

/*
 * *total += fen, unless the sum overflows int64: then ERR_INPUT and *total
 * unchanged. roster_import adds every accepted amount with it (the import
 * total and each programme-period's sum for the ledger) and refuses the
 * whole import on overflow (reason total_overflow).
 */
int roster_total_add(int64_t *total, int64_t fen);

/*
 * Import a roster in one transaction. Without partial, any rejected row
 * means nothing is written; with partial, the valid rows are committed.
 * Entitlements of a person already in the death register whose period
 * began after the death are put on hold in the same transaction
 * (sum->held_at_death).
 * Returns 0 when every row was accepted; ERR_INPUT when rows were rejected
 * (the summary says whether anything was committed) or the file cannot be
 * read as a roster (bad header: err set) or the accepted amounts' total
 * would overflow int64 (err set at the row, reason total_overflow; nothing
 * written, even with partial); ERR_IO on database or I/O
 * failure, or the code of a failed before_commit (nothing committed).
 */
int roster_import(struct db *db, const struct roster_options *opt, struct roster_summary *sum,
		  struct error *err);

#endif
