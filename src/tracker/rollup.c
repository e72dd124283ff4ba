/*
 * rollup.c - the roll-up rule on one data element, unit and year (see
 * rollup.h and docs/report.md). Pure integer arithmetic with overflow checks.
 */
#include "tracker/rollup.h"

#include "base/error.h"
#include "base/period.h"

#include <string.h>

int rollup_node(const struct period *p)
{
	switch (p->type) {
	case PERIOD_YEAR:
		return 0;
	case PERIOD_SIXMONTH:
		return p->index >= 1 && p->index <= 2 ? p->index : -1;
	case PERIOD_QUARTER:
		return p->index >= 1 && p->index <= 4 ? 2 + p->index : -1;
	case PERIOD_MONTH:
		return p->index >= 1 && p->index <= 12 ? 6 + p->index : -1;
	default:
		return -1;
	}
}

void rollup_node_months(int node, int *first, int *last)
{
	if (node == 0) {
		*first = 1;
		*last = 12;
	} else if (node <= 2) {
		*first = (node - 1) * 6 + 1;
		*last = *first + 5;
	} else if (node <= 6) {
		*first = (node - 3) * 3 + 1;
		*last = *first + 2;
	} else {
		*first = *last = node - 6;
	}
}

void rollup_node_period(int year, int node, struct period *out)
{
	out->year = year;
	if (node == 0) {
		out->type = PERIOD_YEAR;
		out->index = 0;
	} else if (node <= 2) {
		out->type = PERIOD_SIXMONTH;
		out->index = node;
	} else if (node <= 6) {
		out->type = PERIOD_QUARTER;
		out->index = node - 2;
	} else {
		out->type = PERIOD_MONTH;
		out->index = node - 6;
	}
}

int rollup_window(int year, const struct period *p)
{
	int32_t end = period_end(p);
	int k;

	if (end < date_to_days((struct date){year, 1, 31}))
		return 0;
	for (k = 12; k >= 1; k--) {
		struct date d = {year, k, date_days_in_month(year, k)};

		if (date_to_days(d) <= end)
			return k;
	}
	return 0;
}

void rollup_own_clear(struct rollup_own *o)
{
	memset(o, 0, sizeof(*o));
}

void rollup_agg_clear(struct rollup_agg *a)
{
	memset(a, 0, sizeof(*a));
}

bool rollup_agg_empty(const struct rollup_agg *a)
{
	return a->sum_present == 0 && a->last_present == 0;
}

int rollup_agg_add(struct rollup_agg *acc, const struct rollup_agg *child)
{
	int i;

	for (i = 0; i < ROLLUP_NODES; i++) {
		if (!(child->sum_present & (1u << i)))
			continue;
		if (__builtin_add_overflow(acc->sum[i], child->sum[i], &acc->sum[i]))
			return ERR_INPUT;
		acc->sum_present |= 1u << i;
	}
	for (i = 0; i < ROLLUP_MONTHS; i++) {
		if (!(child->last_present & (1u << i)))
			continue;
		if (__builtin_add_overflow(acc->last[i], child->last[i], &acc->last[i]))
			return ERR_INPUT;
		acc->last_present |= 1u << i;
	}
	return 0;
}

/*
 * Bits of the nodes strictly inside each node (the year holds halves,
 * quarters and months; a half its quarters and months; a quarter its
 * months), precomputed from rollup_node_months; test_rollup's mixed
 * period cases depend on every entry.
 */
static const uint32_t inside[ROLLUP_NODES] = {
    0x7fffe, 0x01f98, 0x7e060, 0x00380, 0x01c00, 0x0e000, 0x70000,
};

/* The nodes that split node (year: halves, half: quarters, quarter: months). */
static int split(int node, int *parts)
{
	if (node == 0) {
		parts[0] = 1;
		parts[1] = 2;
		return 2;
	}
	if (node <= 2) {
		parts[0] = 3 + (node - 1) * 2;
		parts[1] = parts[0] + 1;
		return 2;
	}
	if (node <= 6) {
		parts[0] = 7 + (node - 3) * 3;
		parts[1] = parts[0] + 1;
		parts[2] = parts[0] + 2;
		return 3;
	}
	return 0;
}

int rollup_compute(const struct rollup_own *own, const struct rollup_agg *children,
		   struct rollup_agg *out)
{
	static const struct rollup_own none_own;
	static const struct rollup_agg none_agg;
	int node, k;

	if (!own)
		own = &none_own;
	if (!children)
		children = &none_agg;
	rollup_agg_clear(out);
	/* Finest first, so the split parts are ready when a node needs them. */
	for (node = ROLLUP_NODES - 1; node >= 0; node--) {
		uint32_t bit = 1u << node;

		if (own->present & bit) {
			out->sum[node] = own->v[node];
			out->sum_present |= bit;
		} else if (own->present & inside[node]) {
			int parts[3], n = split(node, parts), i;
			int64_t s = 0;
			bool any = false;

			for (i = 0; i < n; i++) {
				if (!(out->sum_present & (1u << parts[i])))
					continue;
				if (__builtin_add_overflow(s, out->sum[parts[i]], &s))
					return ERR_INPUT;
				any = true;
			}
			if (any) {
				out->sum[node] = s;
				out->sum_present |= bit;
			}
		} else if (children->sum_present & bit) {
			out->sum[node] = children->sum[node];
			out->sum_present |= bit;
		}
	}
	for (k = 1; k <= ROLLUP_MONTHS; k++) {
		int best = -1, best_end = 0;

		/* Coarser nodes have lower numbers: keep the first on a tie. */
		for (node = 0; node < ROLLUP_NODES; node++) {
			int f, l;

			if (!(own->present & (1u << node)))
				continue;
			rollup_node_months(node, &f, &l);
			if (l <= k && l > best_end) {
				best = node;
				best_end = l;
			}
		}
		if (best >= 0) {
			out->last[k - 1] = own->v[best];
			out->last_present |= 1u << (k - 1);
		} else if (children->last_present & (1u << (k - 1))) {
			out->last[k - 1] = children->last[k - 1];
			out->last_present |= 1u << (k - 1);
		}
	}
	return 0;
}

int rollup_ytd(const struct rollup_agg *a, bool last, int k, bool *present, int64_t *out)
{
	int parts[16], n = 0, m = 1, i;
	int64_t s = 0;

	*present = false;
	*out = 0;
	if (k <= 0)
		return 0;
	if (k > 12)
		k = 12;
	if (last) {
		if (a->last_present & (1u << (k - 1))) {
			*present = true;
			*out = a->last[k - 1];
		}
		return 0;
	}
	if (k == 12) {
		parts[n++] = 0;
		m = 13;
	}
	if (m == 1 && k >= 6) {
		parts[n++] = 1;
		m = 7;
	}
	while (m + 2 <= k) { /* whole quarters; m is always a quarter's first month here */
		parts[n++] = 3 + (m - 1) / 3;
		m += 3;
	}
	while (m <= k)
		parts[n++] = 6 + m++;
	for (i = 0; i < n; i++) {
		if (!(a->sum_present & (1u << parts[i])))
			continue;
		if (__builtin_add_overflow(s, a->sum[parts[i]], &s))
			return ERR_INPUT;
		*present = true;
	}
	*out = s;
	return 0;
}
