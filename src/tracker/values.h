/*
 * values.h - data values: DHIS2 CSV import and export, audit of
 * replacements, and the roll-up aggregates kept up to date on every import.
 *
 * File format (docs/values.md): the header
 *   dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,
 *   value,storedby,lastupdated,comment,followup
 * where the columns after value are optional (a header may stop after value
 * or after any later column, in this order). dataelement is a data-element
 * code (an indicator's own code or a formula's numerator/denominator code;
 * not a formula rate's own code, which no report reads: reason
 * formula_indicator), orgunit a unit code, period a year, half, quarter or
 * month (2023, 2023S1, 2023Q1, 202303). Values are exact decimals with at
 * most 4 fraction digits. Blank lines are skipped.
 *
 * Import is one transaction. By default any bad row fails the whole import
 * (nothing written); with partial, valid rows are written and each bad row
 * is handed to the reject callback. Importing a (dataelement, period,
 * orgunit) that exists with another value replaces it and writes an audit
 * row (who, when, old, new); the same value again changes nothing. The
 * roll-up aggregates (table datavalue_rollup, rule in rollup.h) of every
 * ancestor of a touched unit are recomputed inside the same transaction, so
 * the next report sees the new values at once.
 */
#ifndef MINSHENG_TRACKER_VALUES_H
#define MINSHENG_TRACKER_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/decimal.h"
#include "base/period.h"
#include "tracker/rollup.h"

struct csv_record;
struct db;
struct error;

#define VALUES_COLUMNS 10
/* The full header, in order. */
extern const char *const values_header[VALUES_COLUMNS];
/* Most fraction digits a value may have (values are stored at this scale). */
#define VALUES_MAX_SCALE 4

/* One parsed row. Strings point into the csv record (valid until the next
 * csv_next); optional columns absent from the file are "". */
struct values_row {
	const char *dataelement;
	const char *orgunit;
	struct period period;
	int node;                 /* rollup_node(&period): 0..18 */
	struct decimal value;     /* scale 0..4 */
	const char *storedby;
	const char *lastupdated;
	const char *comment;
	const char *followup;     /* "", "true" or "false" */
};

/*
 * Check a header record: the first six names exactly, then optionally the
 * following names in order. Sets *ncols (6..10). ERR_INPUT (reason
 * "bad_header", line and column of the first wrong name) otherwise. file is
 * the name used in messages.
 */
int values_parse_header(const struct csv_record *rec, const char *file,
			size_t *ncols, struct error *err);

/*
 * Parse one data row of a file whose header had ncols columns (no database
 * access: codes are only checked to be present and short). ERR_INPUT with
 * file, line, column and a reason: empty_field, field_too_long, bad_period,
 * unsupported_period, bad_combo, bad_value, too_precise, bad_followup,
 * field_count.
 */
int values_parse_row(const struct csv_record *rec, size_t ncols,
		     const char *file, struct values_row *row,
		     struct error *err);

struct values_import_opts {
	const char *name;     /* file name in messages (NULL: the path) */
	bool partial;         /* take valid rows, hand bad ones to reject */
	const char *user;     /* audit "who" when a row has no storedby (NULL: "unknown") */
	/* the file's encoding (csv_options.encoding): NULL or "" detects; an
	 * unknown one fails with ERR_USAGE, reason "unknown_encoding" */
	const char *encoding;
	/* Called for every rejected row (both modes), in file order. */
	void (*reject)(void *ctx, const struct error *e);
	/*
	 * Called once when every row has been read and every reject handed
	 * over, before the transaction ends: just before COMMIT, or before the
	 * rollback of an import refused for its rejected rows (without
	 * partial). Not called when the file is refused as a whole (bad
	 * header, unreadable CSV) or a database error comes first. For putting
	 * a reject file in place before the rows it belongs to are committed.
	 * Returns 0, or an ERR_* code with err filled: nothing is committed
	 * and the import returns that code. May be NULL.
	 */
	int (*before_commit)(void *ctx, struct error *err);
	void *ctx; /* for reject and before_commit */
};

struct values_import_stats {
	long rows;        /* data rows read */
	long inserted;    /* new values */
	long replaced;    /* existing values changed (one audit row each) */
	long unchanged;   /* rows equal to the stored value */
	long rejected;    /* bad rows */
};

/*
 * Import a file ("-" = standard input). Returns 0; ERR_INPUT when rows were
 * rejected without partial (nothing written; err holds the first), or for a
 * bad header or unreadable CSV (nothing written in either mode); ERR_IO;
 * the code of a failed before_commit (nothing written).
 */
int values_import_file(struct db *db, const char *path,
		       const struct values_import_opts *o,
		       struct values_import_stats *st, struct error *err);

/* The same from memory. */
int values_import_mem(struct db *db, const char *data, size_t len,
		      const struct values_import_opts *o,
		      struct values_import_stats *st, struct error *err);

/*
 * Write every value whose period lies in year to out in the import format
 * (full header, rows ordered by data element, unit, period as stored).
 * Returns 0 or ERR_IO.
 */
int values_export(struct db *db, int year, FILE *out, struct error *err);

/*
 * Reading roll-up aggregates (for the report and for the import itself).
 * A reader keeps its prepared statements; close it before the db.
 */
struct values_reader;

int values_reader_open(struct db *db, struct values_reader **out,
		       struct error *err);
void values_reader_close(struct values_reader *r);

/*
 * The aggregate of data element de_id at unit ou_id in year: with
 * own_only, computed from the unit's own values alone (plain rates are not
 * summed over children); otherwise the stored roll-up row, or, for a unit
 * with no values below it, its own values. An empty aggregate means no
 * data. ERR_IO on database failure, ERR_INPUT on overflow.
 */
int values_reader_agg(struct values_reader *r, int64_t de_id, int64_t ou_id,
		      int year, bool own_only, struct rollup_agg *out,
		      struct error *err);

/*
 * Checking the stored roll-up aggregates (datavalue_rollup) against the
 * values beneath them: every aggregate is recomputed from table datavalue
 * alone, for every data element, unit and year, and compared with what a
 * report reads (values_reader_agg: the stored row, or a unit's own values
 * where no row is stored). A disagreement is a stored roll-up written
 * wrong (an import by an earlier version, given an unchanged row for a
 * unit with children, stored its ancestors' totals without that unit's
 * subtree; later imports kept building on them) or changed by hand.
 */
struct values_check_diff {
	const char *dataelement, *orgunit; /* codes */
	int year;
	/* the first figure that differs: the sum over period (2023Q1, 202303),
	 * or with last the latest value up to the end of month period */
	char period[PERIOD_STRLEN];
	bool last;
	char stored[40], expected[40]; /* exact value texts, or "无" */
};

struct values_check_stats {
	long checked;  /* (data element, unit, year) aggregates compared */
	long differ;   /* of which disagreed */
	long repaired; /* rows rewritten or deleted (repair only) */
};

/*
 * Check every aggregate; on_diff (may be NULL) is called for each one that
 * disagrees. With repair, each such aggregate is rewritten (or its row
 * deleted where none belongs) in one transaction, so that reports agree
 * with the values again; without, nothing is written. Returns 0 (whether
 * or not any disagreed: see cs->differ); ERR_INPUT (reason sum_overflow)
 * when the values of a data element cannot be summed; ERR_IO.
 */
int values_rollup_check(struct db *db, bool repair,
			void (*on_diff)(void *ctx, const struct values_check_diff *d),
			void *ctx, struct values_check_stats *cs, struct error *err);

/* units at scale 4 as the decimal of the given scale (0..4), exactly. */
struct decimal values_decimal(int64_t units4, int scale);

#endif
