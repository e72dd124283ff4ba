/* test_rollup.c - the roll-up rule on one element, unit and year (pure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/error.h"
#include "base/period.h"
#include "tracker/rollup.h"

/* Amounts in the tests are whole numbers: units at scale 4. */
#define U(x) ((int64_t)(x)*10000)

static void own_set(struct rollup_own *o, int node, int64_t v)
{
	o->v[node] = U(v);
	o->present |= 1u << node;
}

/* node numbers */
enum { Y = 0, S1 = 1, S2 = 2, Q1 = 3, Q2 = 4, Q3 = 5, Q4 = 6 };
#define M(m) (6 + (m))

static int64_t ytd(const struct rollup_agg *a, bool last, int k, bool *present)
{
	int64_t v;

	assert_int_equal(rollup_ytd(a, last, k, present, &v), 0);
	return v;
}

static void test_nodes(void **state)
{
	struct period p;
	int n, f, l;

	(void)state;
	for (n = 0; n < ROLLUP_NODES; n++) {
		rollup_node_period(2023, n, &p);
		assert_int_equal(rollup_node(&p), n);
	}
	rollup_node_months(Q3, &f, &l);
	assert_int_equal(f, 7);
	assert_int_equal(l, 9);
	rollup_node_months(S2, &f, &l);
	assert_int_equal(f, 7);
	assert_int_equal(l, 12);
	p = (struct period){PERIOD_WEEK, 2023, 10};
	assert_int_equal(rollup_node(&p), -1);
	p = (struct period){PERIOD_DAY, 2023, 315};
	assert_int_equal(rollup_node(&p), -1);
}

static void test_window(void **state)
{
	struct period p;

	(void)state;
	p = period_year(2023);
	assert_int_equal(rollup_window(2023, &p), 12);
	p = (struct period){PERIOD_QUARTER, 2023, 1};
	assert_int_equal(rollup_window(2023, &p), 3);
	p = (struct period){PERIOD_MONTH, 2023, 5};
	assert_int_equal(rollup_window(2023, &p), 5);
	p = (struct period){PERIOD_DAY, 2023, 315}; /* 15 March: Feb is the last whole month */
	assert_int_equal(rollup_window(2023, &p), 2);
	p = (struct period){PERIOD_DAY, 2023, 331};
	assert_int_equal(rollup_window(2023, &p), 3);
	p = (struct period){PERIOD_DAY, 2023, 115};
	assert_int_equal(rollup_window(2023, &p), 0);
}

/* Months, a quarter and the year mixed at one unit. */
static void test_ytd_mixed_periods(void **state)
{
	struct rollup_own o;
	struct rollup_agg a;
	bool p;

	(void)state;
	rollup_own_clear(&o);
	own_set(&o, Q1, 300);
	own_set(&o, M(4), 40);
	own_set(&o, M(5), 50);
	assert_int_equal(rollup_compute(&o, NULL, &a), 0);
	assert_int_equal(ytd(&a, false, 5, &p), U(390));
	assert_true(p);
	assert_int_equal(ytd(&a, false, 6, &p), U(390)); /* no June value */
	assert_int_equal(ytd(&a, false, 3, &p), U(300));
	assert_int_equal(ytd(&a, false, 4, &p), U(340));
	/* A quarter is not inside January..February: nothing there. */
	assert_int_equal(ytd(&a, false, 2, &p), 0);
	assert_false(p);
	assert_int_equal(ytd(&a, false, 12, &p), U(390));
	assert_int_equal(ytd(&a, false, 0, &p), 0);
	assert_false(p);
}

/* The same unit reports 2023Q1 and 202301..202303: the quarter counts, once. */
static void test_overlapping_own_periods(void **state)
{
	struct rollup_own o;
	struct rollup_agg a;
	bool p;

	(void)state;
	rollup_own_clear(&o);
	own_set(&o, Q1, 300);
	own_set(&o, M(1), 100);
	own_set(&o, M(2), 100);
	own_set(&o, M(3), 150);
	assert_int_equal(rollup_compute(&o, NULL, &a), 0);
	assert_int_equal(ytd(&a, false, 3, &p), U(300));
	assert_int_equal(ytd(&a, false, 12, &p), U(300));
	/* Before the quarter is complete the months are what lies inside. */
	assert_int_equal(ytd(&a, false, 2, &p), U(200));
	/* The year's figure supersedes everything inside it. */
	own_set(&o, Y, 1000);
	own_set(&o, M(11), 70);
	assert_int_equal(rollup_compute(&o, NULL, &a), 0);
	assert_int_equal(ytd(&a, false, 12, &p), U(1000));
	assert_int_equal(ytd(&a, false, 11, &p), U(370));
}

/* A unit's own value for a period wins over its children's for that period;
 * the children count where it has none. */
static void test_tree_own_vs_children(void **state)
{
	struct rollup_own child_own, parent_own;
	struct rollup_agg c1, c2, children, parent;
	bool p;
	int m;

	(void)state;
	rollup_own_clear(&child_own);
	for (m = 1; m <= 6; m++)
		own_set(&child_own, M(m), 10 * m); /* 10, 20, ..., 60 */
	assert_int_equal(rollup_compute(&child_own, NULL, &c1), 0);
	assert_int_equal(rollup_compute(&child_own, NULL, &c2), 0);
	rollup_agg_clear(&children);
	assert_int_equal(rollup_agg_add(&children, &c1), 0);
	assert_int_equal(rollup_agg_add(&children, &c2), 0);

	/* No own values: the sum of the children. */
	assert_int_equal(rollup_compute(NULL, &children, &parent), 0);
	assert_int_equal(ytd(&parent, false, 6, &p), U(2 * 210));

	/* Own Q1: Q1 is the parent's figure (not 2 x 60 from the children),
	 * Q2 comes from the children. */
	rollup_own_clear(&parent_own);
	own_set(&parent_own, Q1, 500);
	assert_int_equal(rollup_compute(&parent_own, &children, &parent), 0);
	assert_int_equal(ytd(&parent, false, 3, &p), U(500));
	assert_int_equal(ytd(&parent, false, 6, &p), U(500 + 2 * (40 + 50 + 60)));
	assert_int_equal(ytd(&parent, false, 5, &p), U(500 + 2 * (40 + 50)));
	/* An own month inside Q2 splits Q2 at the parent: own April, children
	 * for May and June. */
	own_set(&parent_own, M(4), 7);
	assert_int_equal(rollup_compute(&parent_own, &children, &parent), 0);
	assert_int_equal(ytd(&parent, false, 6, &p), U(500 + 7 + 2 * (50 + 60)));
}

static void test_last(void **state)
{
	struct rollup_own o;
	struct rollup_agg a, children, parent;
	bool p;

	(void)state;
	rollup_own_clear(&o);
	own_set(&o, M(3), 5);
	own_set(&o, M(6), 7);
	assert_int_equal(rollup_compute(&o, NULL, &a), 0);
	assert_int_equal(ytd(&a, true, 2, &p), 0);
	assert_false(p);
	assert_int_equal(ytd(&a, true, 5, &p), U(5));
	assert_true(p);
	assert_int_equal(ytd(&a, true, 6, &p), U(7));
	assert_int_equal(ytd(&a, true, 12, &p), U(7));
	/* A quarter and its last month end together: the coarser wins. */
	own_set(&o, Q2, 9);
	assert_int_equal(rollup_compute(&o, NULL, &a), 0);
	assert_int_equal(ytd(&a, true, 6, &p), U(9));
	/* Without own values, the children's last values add up. */
	rollup_agg_clear(&children);
	assert_int_equal(rollup_agg_add(&children, &a), 0);
	assert_int_equal(rollup_agg_add(&children, &a), 0);
	assert_int_equal(rollup_compute(NULL, &children, &parent), 0);
	assert_int_equal(ytd(&parent, true, 6, &p), U(18));
	assert_int_equal(ytd(&parent, true, 4, &p), U(10));
}

static void test_overflow(void **state)
{
	struct rollup_own o;
	struct rollup_agg a, acc;

	(void)state;
	rollup_own_clear(&o);
	o.v[M(1)] = INT64_MAX - 1;
	o.present |= 1u << M(1);
	assert_int_equal(rollup_compute(&o, NULL, &a), 0);
	rollup_agg_clear(&acc);
	assert_int_equal(rollup_agg_add(&acc, &a), 0);
	assert_int_equal(rollup_agg_add(&acc, &a), ERR_INPUT);
	/* Splitting the quarter (and half, year) over both months overflows. */
	o.v[M(2)] = INT64_MAX - 1;
	o.present |= 1u << M(2);
	assert_int_equal(rollup_compute(&o, NULL, &a), ERR_INPUT);
	/* So does a year to date over Q1 and April. */
	rollup_agg_clear(&a);
	a.sum[Q1] = INT64_MAX - 1;
	a.sum[M(4)] = 2;
	a.sum_present = (1u << Q1) | (1u << M(4));
	{
		bool p;
		int64_t v;

		assert_int_equal(rollup_ytd(&a, false, 3, &p, &v), 0);
		assert_int_equal(rollup_ytd(&a, false, 4, &p, &v), ERR_INPUT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nodes),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_ytd_mixed_periods),
	    cmocka_unit_test(test_overlapping_own_periods),
	    cmocka_unit_test(test_tree_own_vs_children),
	    cmocka_unit_test(test_last),
	    cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
