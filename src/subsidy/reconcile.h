/*
 * reconcile.h - the database side of the bank round trip: writing a batch's
 * payment file and reconciling a return file (formats in bankfile.h,
 * semantics in docs/bankfile.md).
 */
#ifndef MINSHENG_SUBSIDY_RECONCILE_H
#define MINSHENG_SUBSIDY_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct error;
struct pii_keys;

/*
 * Write the payment file of a batch to fd (name: the file's name for
 * messages): every payment of the batch still pending (sent, not
 * answered), in payment id order, with the full name and the decrypted
 * account. The caller owns the file: it holds full names and accounts, so
 * it should be mode 0600 and put in place only when this succeeds (the CLI
 * writes it through a temporary file, cli_out). *count and *total_fen get
 * what was written. ERR_INPUT when the batch does not exist or has nothing
 * pending, or an account does not decrypt with this key; ERR_IO on file or
 * database failure. On failure the file holds a part and must be dropped.
 */
int bankfile_export(struct db *db, const struct pii_keys *keys, int64_t batch_id, int fd,
		    const char *name, int64_t *count, int64_t *total_fen, struct error *err);

/* What happened to the lines of a return file. */
enum reconcile_outcome {
	RECON_PAID = 0,	 /* sent (or failed, not reissued) -> paid */
	RECON_FAILED,	 /* sent -> failed */
	RECON_REVERSED,	 /* paid -> failed (冲正); a settled interception: paid -> cancelled */
	RECON_ALREADY,	 /* already applied, or superseded by a later answer: no change */
	RECON_UNKNOWN,	 /* no such payment in this batch */
	RECON_MISMATCH,	 /* amount differs from the payment's */
	RECON_DUPLICATE, /* same payment, status and bank time earlier in the file */
	RECON_CONFLICT,	 /* contradicts the payment's state (see docs) */
	RECON_NOUTCOMES
};

/* "paid", "failed", ... as stored in bank_return_line.outcome. */
const char *reconcile_outcome_name(enum reconcile_outcome o);
/* Chinese label for reports. */
const char *reconcile_outcome_label(enum reconcile_outcome o);

struct reconcile_summary {
	int64_t import_id;     /* the bank_import row (the earlier one when already imported) */
	bool already_imported; /* the same bytes were imported before: nothing done */
	char imported_at[32];  /* when (for already_imported) */
	int64_t batch_id;
	int64_t lines;
	int64_t n[RECON_NOUTCOMES];   /* lines per outcome */
	int64_t fen[RECON_NOUTCOMES]; /* their amounts */
	int64_t still_pending;	      /* payments of the batch still unanswered afterwards */
	/* Payments that were failed and are now paid (or paid and reversed):
	 * the bank's success dated after its failure, or any success of a
	 * payment not yet reissued (docs/bankfile.md). Included in n/fen. */
	int64_t paid_after_failure, paid_after_failure_fen;
	/* Payments reversed by a REVERSED line of an earlier file that a
	 * success in this file, dated before it, made valid (not counted in
	 * n[RECON_REVERSED], which counts this file's lines). */
	int64_t late_reversed, late_reversed_fen;
	/* Settled interceptions (payment settle of a cancelled payment) that
	 * this import reversed: cancelled again, not failed, so no correction
	 * or batch pays them again. Included in n[RECON_REVERSED] (or, for an
	 * earlier file's reversal, in late_reversed). */
	int64_t reversed_cancelled, reversed_cancelled_fen;
};

/*
 * Called for each line that is reported: every unknown, mismatch, duplicate
 * and conflict line (o is its outcome), and, as information, a paid line
 * whose payment was failed (o = RECON_PAID) or whose success makes an
 * earlier file's reversal count (o = RECON_REVERSED; the line stays paid).
 * An unknown id that is a payment of another batch is said to be one
 * ("发放编号 1 属于批次 1，不在批次 2 中"); it is not applied here, but a
 * SUCCESS of it counts in the standing-SUCCESS rule (batch.h). Notes come
 * during the import, before its commit: a caller that prints them should
 * keep them until bankfile_import has returned 0.
 */
typedef void (*reconcile_note_fn)(void *ctx, enum reconcile_outcome o, long line,
				  int64_t payment_id, const char *msg);

/*
 * Reconcile a return file against the database, in one transaction (see
 * docs/bankfile.md for the state table). A file that breaks the format is
 * refused as a whole (ERR_INPUT with file, line, column, reason) before
 * anything is written; so is a file whose batch does not exist. The same
 * bytes imported again change nothing (summary->already_imported).
 */
int bankfile_import(struct db *db, const char *path, struct reconcile_summary *summary,
		    reconcile_note_fn note, void *ctx, struct error *err);

#endif
