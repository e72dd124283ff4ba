/* test_disclose.c - 公示 lists (masking, amounts in 元) and the personal lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ops_fixture.h"

#include "subsidy/disclose.h"

struct rows {
	int n;
	struct disclose_row r[8];
	struct lookup_row l[8];
};

static int on_row(void *ctx, const struct disclose_row *r)
{
	struct rows *rs = ctx;

	if (rs->n < 8)
		rs->r[rs->n] = *r;
	rs->n++;
	return 0;
}

static int on_lookup(void *ctx, const struct lookup_row *r)
{
	struct rows *rs = ctx;

	if (rs->n < 8)
		rs->l[rs->n] = *r;
	rs->n++;
	return 0;
}

static void test_yuan(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(disclose_yuan(30000, out, sizeof(out)), 6);
	assert_string_equal(out, "300.00");
	disclose_yuan(1, out, sizeof(out));
	assert_string_equal(out, "0.01");
	disclose_yuan(10, out, sizeof(out));
	assert_string_equal(out, "0.10");
	disclose_yuan(INT64_MAX, out, sizeof(out));
	assert_string_equal(out, "92233720368547758.07");
	disclose_yuan(INT64_MIN, out, sizeof(out));
	assert_string_equal(out, "-92233720368547758.08");
	assert_int_equal(disclose_yuan(30000, out, 4), 0);
}

static void test_list_and_lookup(void **state)
{
	struct rows rs;
	struct error err;
	struct error err2;
	struct fx f;

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER
		 "GL01,202303," FX_P0 ",30000\n"
		 "GL01,202303,410102194102111020,欧阳小明,410102001002,6217000000000010011,35001\n"
		 "GL01,202303," FX_P3 ",20005\n"
		 "GL01,202304," FX_P0 ",30000\n");
	assert_int_equal(fx_pay(&f, "GL01", "202303", "2023-03-15T10:20:30"), 1);
	error_clear(&err);
	memset(&rs, 0, sizeof(rs));
	fx_ok(disclose_list(f.db, &f.keys, "GL01", "202303", NULL, on_row, &rs, &err), &err,
	      "disclose");
	assert_int_equal(rs.n, 3);
	/* Ordered by village: 410102001001, 410102001002, 410105001001. */
	assert_string_equal(rs.r[0].name, "张*");
	assert_string_equal(rs.r[0].id_number, "410102********1018");
	assert_string_equal(rs.r[0].village, "410102001001");
	assert_int_equal(rs.r[0].amount_fen, 30000);
	assert_string_equal(rs.r[0].state, "已发");
	assert_string_equal(rs.r[1].name, "欧阳*明");
	assert_string_equal(rs.r[1].id_number, "410102********1020");
	assert_int_equal(rs.r[1].amount_fen, 35001);
	assert_string_equal(rs.r[2].name, "李*");
	assert_string_equal(rs.r[2].id_number, "410105********1130");
	/* Nothing of the full ID or name leaks. */
	for (int i = 0; i < 3; i++) {
		assert_null(strstr(rs.r[i].id_number, "1940"));
		assert_null(strstr(rs.r[i].name, "伟"));
	}
	memset(&rs, 0, sizeof(rs));
	fx_ok(disclose_list(f.db, &f.keys, "GL01", "202303", "410105001001", on_row, &rs, &err),
	      &err, "disclose village");
	assert_int_equal(rs.n, 1);
	memset(&rs, 0, sizeof(rs));
	fx_ok(disclose_list(f.db, &f.keys, "GL01", "202304", NULL, on_row, &rs, &err), &err,
	      "disclose april");
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].state, "待发");
	assert_int_equal(disclose_list(f.db, &f.keys, "NOPE", "202303", NULL, on_row, &rs, &err),
			 ERR_INPUT);
	assert_int_equal(disclose_list(f.db, &f.keys, "GL01", "2023-03", NULL, on_row, &rs, &err),
			 ERR_INPUT);
	assert_int_equal(disclose_list(f.db, &f.keys, "GL01", "202303", "4101", on_row, &rs, &err),
			 ERR_INPUT);
	/* A period of the wrong kind for the programme (monthly GL01, a
	 * quarter or a year) is refused, not answered with an empty list. */
	rs.n = 0;
	assert_int_equal(disclose_list(f.db, &f.keys, "GL01", "2023Q1", NULL, on_row, &rs, &err),
			 ERR_INPUT);
	assert_non_null(strstr(err.msg, "发放周期"));
	assert_int_equal(disclose_list(f.db, &f.keys, "GL01", "2023", NULL, on_row, &rs, &err),
			 ERR_INPUT);
	assert_int_equal(rs.n, 0);

	/* Lookup: the person's own payments, account masked. */
	memset(&rs, 0, sizeof(rs));
	fx_ok(disclose_lookup(f.db, &f.keys, "410102194001101018", "张伟", on_lookup, &rs, &err),
	      &err, "lookup");
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.l[0].period, "202303");
	assert_string_equal(rs.l[0].state, "已发");
	assert_string_equal(rs.l[0].bank_time, "2023-03-15T10:20:30");
	assert_string_equal(rs.l[0].account, "***************0003");
	assert_string_equal(rs.l[1].period, "202304");
	assert_string_equal(rs.l[1].state, "待发");
	/* Wrong name, unknown ID and malformed ID: the same answer. */
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(
	    disclose_lookup(f.db, &f.keys, "410102194001101018", "张三", on_lookup, &rs, &err),
	    ERR_INPUT);
	assert_int_equal(rs.n, 0);
	assert_string_equal(err.reason, "not_found");
	assert_int_equal(
	    disclose_lookup(f.db, &f.keys, "410102194203121033", "李娜", on_lookup, &rs, &err2),
	    ERR_INPUT);
	assert_string_equal(err.msg, err2.msg);
	assert_int_equal(
	    disclose_lookup(f.db, &f.keys, "41010219400110101X", "张伟", on_lookup, &rs, &err2),
	    ERR_INPUT);
	assert_string_equal(err.msg, err2.msg);
	assert_int_equal(rs.n, 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_yuan),
	    cmocka_unit_test(test_list_and_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
