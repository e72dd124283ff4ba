/*
 * rollup.h - the roll-up rule, as pure computations on one data element,
 * one unit and one year.
 *
 * Data values come for years, halves, quarters and months (the 19 "nodes"
 * of a year: node 0 the year, 1..2 the halves, 3..6 the quarters, 7..18 the
 * months). These periods nest: two of them either are disjoint or one
 * contains the other. Amounts are int64 units at ROLLUP_SCALE (value times
 * 10^4), so every sum is exact.
 *
 * Sum rule, for a unit U and a node p (docs/report.md explains it):
 *   V(U,p) = U's own value for exactly p, if it has one;
 *          else, if U has own values for periods inside p, the sum of
 *            V(U,c) over the nodes c that split p (year -> halves ->
 *            quarters -> months);
 *          else the sum of V(C,p) over U's children C (none: no data).
 * Each step partitions (subtree x time) into disjoint parts, so no value is
 * ever counted twice; a coarser figure (a quarter over its months, a county
 * over its townships) takes precedence over the finer figures inside it.
 *
 * Last rule, for the year-to-date window of months 1..k:
 *   L(U,k) = U's own value of the latest period ending by month k (of two
 *            ending in the same month the coarser), if U has one;
 *          else the sum of L(C,k) over the children.
 *
 * No I/O here; values.c keeps these aggregates in the database.
 */
#ifndef MINSHENG_TRACKER_ROLLUP_H
#define MINSHENG_TRACKER_ROLLUP_H

#include <stdbool.h>
#include <stdint.h>

struct period;

#define ROLLUP_SCALE 4
#define ROLLUP_NODES 19
#define ROLLUP_MONTHS 12

/* A unit's own values of one data element in one year. */
struct rollup_own {
	uint32_t present;           /* bit n: v[n] is a value */
	int64_t v[ROLLUP_NODES];
};

/* The rolled-up figures of a unit (own values and its subtree). */
struct rollup_agg {
	uint32_t sum_present;       /* bit n: sum[n] */
	uint32_t last_present;      /* bit k-1: last[k-1] */
	int64_t sum[ROLLUP_NODES];  /* V(U, node) */
	int64_t last[ROLLUP_MONTHS];/* L(U, k) for k = 1..12 */
};

/* The node of a year, half, quarter or month; -1 for weeks and days. */
int rollup_node(const struct period *p);

/* First and last month (1..12) of a node. */
void rollup_node_months(int node, int *first, int *last);

/* The period of a node in a year. */
void rollup_node_period(int year, int node, struct period *out);

/*
 * The number k (0..12) of whole months of p's year that end on or before
 * p's end (the year-to-date window of p: months 1..k). A period of another
 * year than `year` ending later gives 12, earlier 0.
 */
int rollup_window(int year, const struct period *p);

void rollup_own_clear(struct rollup_own *o);
void rollup_agg_clear(struct rollup_agg *a);
bool rollup_agg_empty(const struct rollup_agg *a);

/* acc += child, slot by slot (presence ORed). ERR_INPUT on overflow. */
int rollup_agg_add(struct rollup_agg *acc, const struct rollup_agg *child);

/*
 * A unit's aggregate from its own values (own may be NULL: none) and the
 * slot-wise sum of its children's aggregates (children may be NULL: none).
 * ERR_INPUT on overflow.
 */
int rollup_compute(const struct rollup_own *own,
		   const struct rollup_agg *children, struct rollup_agg *out);

/*
 * Year to date over months 1..k (0..12). sum: the sum rule over the
 * largest nodes that tile months 1..k (k = 5: Q1, month 4, month 5);
 * last: L(U,k). *present is false when no value lies in the window.
 * ERR_INPUT on overflow.
 */
int rollup_ytd(const struct rollup_agg *a, bool last, int k, bool *present,
	       int64_t *out);

#endif
