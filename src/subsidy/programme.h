/*
 * programme.h - subsidy programmes (补贴项目, the 政策清单).
 *
 * A programme has a code, a name, a paying department, a frequency
 * (monthly, quarterly, yearly, once), optionally a standard (the most one
 * person may get per period, in fen) and an age range. The file format and
 * the re-import rules are in docs/subsidy-programmes.md.
 */
#ifndef MINSHENG_SUBSIDY_PROGRAMME_H
#define MINSHENG_SUBSIDY_PROGRAMME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/period.h"

struct db;
struct error;

enum programme_frequency {
	FREQ_MONTHLY = 1,
	FREQ_QUARTERLY,
	FREQ_YEARLY,
	FREQ_ONCE,
};

#define PROGRAMME_CODE_MAX 32

struct programme {
	int64_t id;
	char code[PROGRAMME_CODE_MAX + 1];
	char *name;	  /* owned */
	char *department; /* owned */
	enum programme_frequency frequency;
	int64_t standard_fen; /* 0: no standard */
	int min_age;	      /* -1: none */
	int max_age;	      /* -1: none */
};

/* "monthly" ... and back; programme_frequency_parse returns 0 when unknown. */
const char *programme_frequency_name(enum programme_frequency f);
const char *programme_frequency_label(enum programme_frequency f); /* 按月 ... */
enum programme_frequency programme_frequency_parse(const char *s);

/*
 * True when a period of type t is the kind the frequency asks for: monthly
 * 202303, quarterly 2023Q1, yearly 2023, once 2023 (the year of the one-off
 * payment).
 */
bool programme_period_ok(enum programme_frequency f, enum period_type t);

/* Called for each bad row of a programme file. */
typedef void (*programme_reject_fn)(void *ctx, const struct error *e);

/*
 * Import a programme file (one transaction). Every bad row is passed to
 * reject (file, line, column, reason, message); when there is any, nothing
 * is written and ERR_INPUT is returned. A code already present is updated
 * (name, department, standard, ages), except that its frequency may not
 * change once it has entitlements. *count gets the number of rows.
 * Other failures (unreadable file, header, database) return their code
 * with err set.
 *
 * encoding is the file's (csv_options.encoding: NULL or "" detects; else
 * "UTF-8", "GBK", "GB18030", ...). An encoding the reader does not know
 * fails with ERR_USAGE, reason "unknown_encoding", and a legacy one given
 * for a file that is plainly UTF-8 with ERR_INPUT, reason
 * "encoding_mismatch" (csv.h), before anything is written.
 */
int programme_import(struct db *db, const char *path, const char *encoding,
		     programme_reject_fn reject, void *ctx, size_t *count, struct error *err);

/* All programmes, sorted by code. */
struct programme_list {
	struct programme *p;
	size_t n;
};

int programme_list_load(struct db *db, struct programme_list *out, struct error *err);
void programme_list_free(struct programme_list *l);

/* Find by code in a loaded list (binary search); NULL when absent. */
const struct programme *programme_list_find(const struct programme_list *l, const char *code,
					    size_t len);

#endif
