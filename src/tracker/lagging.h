/*
 * lagging.h - which units of a level have not completed an indicator, in
 * the words the province publishes:
 *   "除焦作博爱县、周口沈丘县、济源外，其余191个县级单位均已完成".
 *
 * A unit is done when it meets its own target; a unit without a target of
 * its own is done when it has reported a value for the period (report
 * items' has_target / met / has_actual). The figures come from the report
 * (report_build with by_level); nothing is rolled up here. Wording rules
 * (docs/bulletin.md):
 *   - nobody lags:           "全省N个县级单位均已完成"
 *   - at most half lag:      "除A、B外，其余N个县级单位均已完成"
 *   - more than half lag:    "仅A、B已完成，其余N个县级单位尚未完成"
 *   - nobody done:           "全省N个县级单位均未完成"
 * The scope word is that of the unit the list is taken under, as its own
 * bulletin says it (orgunit_title, orgunit_scope: 全省, 全市, 全区, 全县, …).
 * Units are named as in bulletins (orgunit_bulletin_name: city short name +
 * own name, 济源 by its short name), ordered by code; units of the list
 * whose names would read the same are named with their county (villages
 * also their township: orgunit_bulletin_name_full), and any still the same
 * with their code after the name, so that every name in a list identifies
 * its unit.
 */
#ifndef MINSHENG_TRACKER_LAGGING_H
#define MINSHENG_TRACKER_LAGGING_H

#include <stdbool.h>
#include <stddef.h>

#include "base/period.h"

struct buf;
struct db;
struct error;

/* One unit of the level, done or not. */
struct lagging_unit {
	char *orgunit; /* code */
	char *name;    /* bulletin name ("焦作博爱县"), unique in the list */
	bool done;
};

struct lagging {
	char *indicator; /* code */
	char *indicator_name;
	int level; /* 1..5 */
	size_t total, done;
	struct lagging_unit *units; /* all units of the level, by code */
	char *text;		    /* the sentence, without a full stop */
};

struct lagging_opts {
	int year;
	bool has_period;
	struct period period;
	const char *indicator; /* required */
	int level;	       /* 2..5 */
	const char *orgunit;   /* NULL: the root */
};

/*
 * The sentence (pure): scope is the scope word (orgunit_scope), total
 * units of level, the names of the lagging ones and of the done ones, in
 * the order they are to be printed. Appends to out. Returns 0 or a buf
 * error.
 */
int lagging_text(const char *scope, int level, size_t total, const char *const *lagging,
		 size_t n_lagging, const char *const *done, size_t n_done, struct buf *out);

/*
 * Build the list from the database (report_build underneath). ERR_INPUT for
 * an unknown indicator or unit, a level not below the unit or without any
 * unit under it, a period outside the year; ERR_IO. Free with lagging_free.
 */
int lagging_build(struct db *db, const struct lagging_opts *o, struct lagging **out,
		  struct error *err);

void lagging_free(struct lagging *l);

/*
 * JSON: {"indicator":…,"level":"county","total":N,"done":D,
 * "lagging":[{"orgunit":…,"name":…}],"text":"…"} and a newline.
 */
int lagging_write_json(const struct lagging *l, struct buf *out);

#endif
