/* test_anomaly.c - each 监管预警 rule, the holds list, and the registers' bad rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ops_fixture.h"

#include "base/period.h"
#include "subsidy/anomaly.h"
#include "subsidy/batch.h"
#include "subsidy/reconcile.h"
#include "subsidy/people.h"

#define A3 "6217000000000010128"

struct found {
	int n[ANOMALY_NRULES];
	struct anomaly last[ANOMALY_NRULES];
};

static int collect(void *ctx, const struct anomaly *a)
{
	struct found *fd = ctx;

	assert_true(a->why[0] != '\0');
	fd->n[a->rule]++;
	fd->last[a->rule] = *a;
	return 0;
}

static void scan(struct fx *f, int threshold, struct found *fd, int with_key)
{
	struct error err;

	memset(fd, 0, sizeof(*fd));
	error_clear(&err);
	fx_ok(anomaly_scan(f->db, with_key ? &f->keys : NULL, threshold, collect, fd, &err), &err,
	      "anomaly_scan");
}

static void test_rules(void **state)
{
	struct people_summary ps;
	struct found fd;
	struct error err;
	struct fx f;
	char path[192];

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER
		 "GL01,202303," FX_P0 ",30000\n"
		 "GL01,202303," FX_P1 ",30000\n"
		 "GL01,202303," FX_P2 ",40000\n"
		 "GL01,202303,410105195204131130,李艳,410105001001," A3 ",30000\n"
		 "GL01,202303,410105195305141143,赵杰,410105001001," A3 ",30000\n"
		 "GL01,202303,410105195406151156,刘娟,410105001002," A3 ",30000\n"
		 "GL01,202304," FX_P0 ",30000\n"
		 "GL01,202304,410102194102111020,王芳,410105001001,6217000000000010011,30000\n");
	/* Clean data: nothing to report except nothing. */
	scan(&f, 5, &fd, 1);
	for (int i = 0; i < ANOMALY_NRULES; i++)
		if (i != ANOMALY_TWO_COUNTIES)
			assert_int_equal(fd.n[i], 0);
	/* two_counties: 王芳 in 410102 (March) and 410105 (April). */
	assert_int_equal(fd.n[ANOMALY_TWO_COUNTIES], 2);
	assert_string_equal(fd.last[ANOMALY_TWO_COUNTIES].county, "410105");
	assert_non_null(strstr(fd.last[ANOMALY_TWO_COUNTIES].why, "410102"));

	/* shared_account: three people on one account, above a threshold of 2. */
	scan(&f, 2, &fd, 1);
	assert_int_equal(fd.n[ANOMALY_SHARED_ACCOUNT], 1);
	assert_non_null(strstr(fd.last[ANOMALY_SHARED_ACCOUNT].why, "3 人"));
	assert_non_null(strstr(fd.last[ANOMALY_SHARED_ACCOUNT].why, "0128"));
	assert_non_null(strstr(fd.last[ANOMALY_SHARED_ACCOUNT].why, "李*"));
	scan(&f, 3, &fd, 1);
	assert_int_equal(fd.n[ANOMALY_SHARED_ACCOUNT], 0);

	/* March is paid; then the death register says 张伟 died in February. */
	assert_int_equal(fx_pay(&f, "GL01", "202303", "2023-03-15T10:00:00"), 1);
	fx_file(&f, "deaths.csv", "id_number,date_of_death\n410102194001101018,2023-02-10\n", path);
	error_clear(&err);
	fx_ok(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), &err, "deaths");
	assert_int_equal(ps.held, 1); /* April, unpaid */
	fx_file(&f, "off.csv",
		"id_number,name,village,role\n410102194203121033,李娜,410102001001,村委委员\n",
		path);
	fx_ok(officials_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), &err,
	      "officials");
	assert_int_equal(ps.added, 1);
	/* Stricter rules than when the roster came in. */
	fx_programmes(&f, "code,name,department,frequency,standard_fen,min_age,max_age\n"
			  "GL01,高龄津贴,民政厅,monthly,35000,81,\n");

	scan(&f, 5, &fd, 1);
	assert_int_equal(fd.n[ANOMALY_PAID_AFTER_DEATH], 1);
	assert_int_equal(fd.last[ANOMALY_PAID_AFTER_DEATH].payment_id, 1);
	assert_string_equal(fd.last[ANOMALY_PAID_AFTER_DEATH].period, "202303");
	assert_non_null(strstr(fd.last[ANOMALY_PAID_AFTER_DEATH].why, "2023-02-10"));
	assert_string_equal(fd.last[ANOMALY_PAID_AFTER_DEATH].name, "张*");
	assert_string_equal(fd.last[ANOMALY_PAID_AFTER_DEATH].id_number, "410102********1018");
	/* 李娜 80, 李艳 70, 赵杰 69, 刘娟 68 at 2023-03-01; 张伟 83 and 王芳 82 are fine. */
	assert_int_equal(fd.n[ANOMALY_AGE_RANGE], 4);
	assert_non_null(strstr(fd.last[ANOMALY_AGE_RANGE].why, "68 岁"));
	assert_non_null(strstr(fd.last[ANOMALY_AGE_RANGE].why, "81 岁以上"));
	assert_int_equal(fd.n[ANOMALY_ABOVE_STANDARD], 1);
	assert_int_equal(fd.last[ANOMALY_ABOVE_STANDARD].amount_fen, 40000);
	assert_non_null(strstr(fd.last[ANOMALY_ABOVE_STANDARD].why, "超出 5000 分"));
	assert_int_equal(fd.n[ANOMALY_OFFICIAL], 1);
	assert_non_null(strstr(fd.last[ANOMALY_OFFICIAL].why, "村委委员"));
	assert_int_equal(fd.n[ANOMALY_TWO_COUNTIES], 2);
	assert_int_equal(fd.n[ANOMALY_HOLD], 1);
	assert_string_equal(fd.last[ANOMALY_HOLD].period, "202304");
	assert_non_null(strstr(fd.last[ANOMALY_HOLD].why, "2023-02-10"));
	/* Without the key, IDs are all stars. */
	scan(&f, 5, &fd, 0);
	assert_string_equal(fd.last[ANOMALY_HOLD].id_number, "******************");
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

struct rejects {
	int n;
	char reasons[512];
};

static void on_reject(void *ctx, const struct error *e)
{
	struct rejects *r = ctx;
	size_t len = strlen(r->reasons);

	r->n++;
	snprintf(r->reasons + len, sizeof(r->reasons) - len, "%ld:%ld:%s ", e->line, e->column,
		 e->reason);
}

static void test_register_errors(void **state)
{
	struct people_summary ps;
	struct rejects rj;
	struct error err;
	struct fx f;
	char path[192];

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n");
	error_clear(&err);
	fx_file(&f, "d.csv",
		"id_number,date_of_death\n"
		"410102194001101019,2023-02-10\n" /* check character */
		"41010219400110101,2023-02-10\n"  /* length */
		"410102194001101018,2023-02-30\n" /* no such date */
		"410102194001101018,2099-01-01\n" /* future */
		"410102194001101018,1939-01-01\n" /* before birth */
		"410102194001101018,2023-02-10\n"
		"410102194001101018,2023-02-11\n" /* same person twice */
		"410102194001101018\n",		  /* field count */
		path);
	memset(&rj, 0, sizeof(rj));
	assert_int_equal(deaths_import(f.db, &f.keys, path, NULL, on_reject, &rj, &ps, &err),
			 ERR_INPUT);
	assert_int_equal(rj.n, 7);
	assert_string_equal(rj.reasons,
			    "2:1:id_checksum 3:1:id_length 4:2:bad_date 5:2:date_future "
			    "6:2:date_before_birth 8:1:duplicate_in_file 9:2:field_count ");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM death"), 0);
	fx_file(&f, "d2.csv", "id,date\n", path);
	assert_int_equal(deaths_import(f.db, &f.keys, path, NULL, on_reject, &rj, &ps, &err),
			 ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");

	fx_file(&f, "o.csv",
		"id_number,name,village,role\n"
		"410102194001101018,,410102001001,村支书\n"   /* empty name */
		"410102194001101018,张伟,4101020010,村支书\n" /* village */
		"410102194001101018,张伟,410102001001,\n"     /* empty role */
		"410102194001101018,张伟,410102001001,村支书\n"
		"410102194001101018,张伟,410102001001,村支书\n", /* twice */
		path);
	memset(&rj, 0, sizeof(rj));
	assert_int_equal(officials_import(f.db, &f.keys, path, NULL, on_reject, &rj, &ps, &err),
			 ERR_INPUT);
	assert_string_equal(rj.reasons,
			    "2:2:empty_name 3:3:bad_village 4:4:empty_role 6:1:duplicate_in_file ");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM official"), 0);
	/* A death date corrected by a later file. */
	fx_file(&f, "d3.csv", "id_number,date_of_death\n410102194001101018,2023-02-10\n", path);
	assert_int_equal(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), 0);
	assert_int_equal(ps.added, 1);
	fx_file(&f, "d4.csv", "id_number,date_of_death\n410102194001101018,20230211\n", path);
	assert_int_equal(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), 0);
	assert_int_equal(ps.updated, 1);
	/* Stored as keyed hash and ciphertext only. */
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM death WHERE length(id_hash) = 16"
				    " AND instr(id_enc, '410102') = 0"),
			 1);
	fx_close(&f);
}

/*
 * hold release and hold cancel: a failed payment put on hold is cancelled
 * (entitlement and payment, ledger unpaid/failed -> cancelled); a released
 * hold is paid by the next batch and never held again for that death.
 */
static void test_hold_decisions(void **state)
{
	struct batch_request req = {"GL01", "202304", NULL};
	struct reconcile_summary rs;
	struct people_summary ps;
	struct batch_result res;
	struct error err;
	char path[192], text[512], summary[256];
	int64_t e04, e05, paid, failed_pay;
	struct fx f;

	(void)state;
	error_clear(&err);
	fx_start(&f, FX_ROSTER_HEADER "GL01,202304," FX_P0 ",30000\n"
				      "GL01,202305," FX_P0 ",30000\n"
				      "GL01,202304," FX_P1 ",35000\n");
	fx_ok(batch_create(f.db, &req, &res, &err), &err, "batch 202304");
	failed_pay = fx_int(&f, "SELECT y.id FROM payment y JOIN entitlement e"
				" ON e.id = y.entitlement_id JOIN beneficiary b ON b.id ="
				" e.beneficiary_id WHERE b.name = '张伟'");
	paid = fx_int(&f, "SELECT y.id FROM payment y JOIN entitlement e"
			  " ON e.id = y.entitlement_id JOIN beneficiary b ON b.id ="
			  " e.beneficiary_id WHERE b.name = '王芳'");
	snprintf(text, sizeof(text),
		 "H,MSRET,1,%lld\nD,%lld,FAILED,ACCT_CLOSED,30000,2023-04-15T10:00:00\n"
		 "D,%lld,SUCCESS,,35000,2023-04-15T10:00:01\nT,2,65000\n",
		 (long long)res.batch_id, (long long)failed_pay, (long long)paid);
	fx_file(&f, "ret.csv", text, path);
	fx_ok(bankfile_import(f.db, path, &rs, NULL, NULL, &err), &err, "return file");

	/* Died before April: the failed April and the unpaid May are held. */
	fx_file(&f, "d.csv", "id_number,date_of_death\n410102194001101018,2023-03-20\n", path);
	fx_ok(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), &err, "deaths");
	assert_int_equal(ps.held, 2);
	e04 = fx_int(&f, "SELECT e.id FROM entitlement e JOIN beneficiary b ON b.id ="
			 " e.beneficiary_id WHERE b.name = '张伟' AND e.period = '202304'");
	e05 = fx_int(&f, "SELECT e.id FROM entitlement e JOIN beneficiary b ON b.id ="
			 " e.beneficiary_id WHERE b.name = '张伟' AND e.period = '202305'");

	/* Cancel the failed one: entitlement and payment, ledger balanced. */
	fx_ok(people_hold_cancel(f.db, e04, summary, sizeof(summary), &err), &err, "cancel");
	assert_non_null(strstr(summary, "202304"));
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'cancelled'"),
			 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM payment WHERE status = 'cancelled'"), 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM ledger_txn WHERE kind = 'cancel'"
				    " AND ref LIKE 'hold cancel %'"),
			 1);
	assert_int_equal(fx_violations(&f), 0);
	/* Not on hold any more, or never: refused, nothing changed. */
	assert_int_equal(people_hold_cancel(f.db, e04, summary, sizeof(summary), &err), ERR_INPUT);
	assert_string_equal(err.reason, "not_on_hold");
	assert_int_equal(people_hold_release(f.db, 999, summary, sizeof(summary), &err), ERR_INPUT);
	assert_string_equal(err.reason, "unknown_entitlement");
	assert_int_equal(fx_violations(&f), 0);

	/* Release May: the next batch pays it; no deaths import or batch holds
	 * it again. */
	fx_ok(people_hold_release(f.db, e05, summary, sizeof(summary), &err), &err, "release");
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'approved'"
				    " AND hold_reason = 'released: death 2023-03-20'"),
			 1);
	assert_int_equal(people_hold_release(f.db, e05, summary, sizeof(summary), &err), ERR_INPUT);
	fx_ok(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), &err,
	      "deaths again");
	assert_int_equal(ps.held, 0);
	req.period = "202305";
	fx_ok(batch_create(f.db, &req, &res, &err), &err, "batch 202305");
	assert_int_equal(res.count, 1);
	assert_int_equal(fx_violations(&f), 0);
	/* Still reported as paid after death, saying the hold was released. */
	{
		struct found fd;

		memset(&fd, 0, sizeof(fd));
		scan(&f, 5, &fd, 1);
		assert_int_equal(fd.n[ANOMALY_PAID_AFTER_DEATH], 1);
		assert_non_null(strstr(fd.last[ANOMALY_PAID_AFTER_DEATH].why, "已由操作员解除"));
	}
	fx_close(&f);
}

/* A death date corrected to a later one lifts the holds it no longer supports. */
static void test_death_corrected(void **state)
{
	struct people_summary ps;
	struct error err;
	char path[192];
	struct fx f;

	(void)state;
	error_clear(&err);
	fx_start(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"
				      "GL01,202304," FX_P0 ",30000\n"
				      "GL01,202305," FX_P0 ",30000\n");
	fx_file(&f, "d1.csv", "id_number,date_of_death\n410102194001101018,2023-02-10\n", path);
	fx_ok(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), &err, "deaths");
	assert_int_equal(ps.held, 3);
	assert_int_equal(ps.lifted, 0);
	/* Corrected to 20 March: alive on 1 March, so March is due again. */
	fx_file(&f, "d2.csv", "id_number,date_of_death\n410102194001101018,2023-03-20\n", path);
	fx_ok(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), &err, "correction");
	assert_int_equal(ps.updated, 1);
	assert_int_equal(ps.lifted, 1);
	assert_int_equal(ps.held, 0);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE period = '202303'"
				    " AND status = 'approved'"
				    " AND hold_reason = 'lifted: death 2023-02-10'"),
			 1);
	/* The holds left carry the corrected date. */
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
				    " AND hold_reason = 'death 2023-03-20'"),
			 2);
	/* Back to an earlier date: held again (lifted is not released). */
	fx_file(&f, "d3.csv", "id_number,date_of_death\n410102194001101018,2023-01-05\n", path);
	fx_ok(deaths_import(f.db, &f.keys, path, NULL, NULL, NULL, &ps, &err), &err, "back");
	assert_int_equal(ps.held, 1);
	assert_int_equal(fx_int(&f, "SELECT COUNT(*) FROM entitlement WHERE status = 'on_hold'"
				    " AND hold_reason = 'death 2023-01-05'"),
			 3);
	assert_int_equal(fx_violations(&f), 0);
	fx_close(&f);
}

static void test_age(void **state)
{
	struct date b = {1940, 2, 29};
	int32_t birth = date_to_days(b);

	(void)state;
	assert_int_equal(anomaly_age_at(birth, date_to_days((struct date){2023, 2, 28})), 82);
	assert_int_equal(anomaly_age_at(birth, date_to_days((struct date){2023, 3, 1})), 83);
	assert_int_equal(anomaly_age_at(birth, date_to_days((struct date){2024, 2, 29})), 84);
	assert_int_equal(anomaly_age_at(birth, date_to_days((struct date){1940, 2, 28})), -1);
	assert_string_equal(anomaly_rule_code(ANOMALY_SHARED_ACCOUNT), "shared_account");
	assert_string_equal(anomaly_rule_label(ANOMALY_OFFICIAL), "公职人员（优亲厚友）");
}

/*
 * The snapshot: at the first finding (two_counties) another connection
 * puts an entitlement on hold and commits. The hold rule runs later in the
 * same scan; read in one transaction it does not see the hold, read rule
 * by rule it would. The next scan does.
 */
struct intrude {
	const char *dbpath;
	int done;
	struct found fd;
};

static int intrude_collect(void *ctx, const struct anomaly *a)
{
	struct intrude *in = ctx;

	if (!in->done) {
		struct db *other = NULL;
		struct error err;

		in->done = 1;
		error_clear(&err);
		fx_ok(db_open(in->dbpath, &other, &err), &err, "db_open (other)");
		fx_ok(db_exec(other,
			      "UPDATE entitlement SET status = 'on_hold', hold_reason = '核查'"
			      " WHERE id = 1",
			      &err),
		      &err, "commit during the scan");
		db_close(other);
	}
	return collect(&in->fd, a);
}

static void test_snapshot(void **state)
{
	struct intrude in;
	struct found fd;
	struct error err;
	struct fx f;

	(void)state;
	fx_start(&f, FX_ROSTER_HEADER
		 "GL01,202303," FX_P0 ",30000\n"
		 "GL01,202304,410102194102111020,王芳,410105001001,6217000000000010011,30000\n"
		 "GL01,202303," FX_P1 ",30000\n");
	memset(&in, 0, sizeof(in));
	in.dbpath = f.dbpath;
	error_clear(&err);
	fx_ok(anomaly_scan(f.db, &f.keys, 5, intrude_collect, &in, &err), &err, "anomaly_scan");
	assert_int_equal(in.done, 1);
	assert_int_equal(in.fd.n[ANOMALY_TWO_COUNTIES], 2);
	assert_int_equal(in.fd.n[ANOMALY_HOLD], 0);
	/* no transaction left open; the next scan sees the hold */
	assert_true(sqlite3_get_autocommit(db_sqlite(f.db)));
	scan(&f, 5, &fd, 1);
	assert_int_equal(fd.n[ANOMALY_HOLD], 1);
	assert_non_null(strstr(fd.last[ANOMALY_HOLD].why, "核查"));
	/* inside a caller's transaction, that one is left open */
	fx_exec(&f, "BEGIN");
	scan(&f, 5, &fd, 1);
	assert_false(sqlite3_get_autocommit(db_sqlite(f.db)));
	fx_exec(&f, "ROLLBACK");
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_register_errors),
	    cmocka_unit_test(test_hold_decisions),
	    cmocka_unit_test(test_death_corrected),
	    cmocka_unit_test(test_age),
	    cmocka_unit_test(test_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
