/*
 * fuzz_subsidy.h - the seeded subsidy database the programme and register
 * harnesses start each input from (fuzz_programme.c, fuzz_deaths.c,
 * fuzz_officials.c). Built once through the real imports:
 *   programmes GL01 (monthly, standard 500 yuan, age 60+), CJ01 (quarterly)
 *   and JY01 (once, ages 6..25);
 *   a GL01 roster: 张伟 410102194001101018 for 202303 and 202304, 王芳
 *   410102194102111020 for 202303, 李娜 410102194203121033 for 202305;
 *   a death record for 李娜 on 2023-04-20, which holds her 202305 payment;
 *   an official: 王芳, village 410102001002, 村委会主任.
 * The key file the roster import creates lives in a temporary directory
 * that is removed once the keys are loaded.
 */
#ifndef MINSHENG_FUZZ_SUBSIDY_H
#define MINSHENG_FUZZ_SUBSIDY_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "db/db.h"
#include "subsidy/people.h"
#include "subsidy/pii.h"
#include "subsidy/programme.h"
#include "subsidy/roster.h"
#include "subsidy/subsidy.h"

#include "fuzz_db.h"

#define FUZZ_PROGRAMMES                                                                            \
	"code,name,department,frequency,standard_fen,min_age,max_age\n"                            \
	"GL01,高龄津贴,民政厅,monthly,50000,60,\n"                                          \
	"CJ01,残疾人两项补贴,残联,quarterly,,,\n"                                         \
	"JY01,教育资助,教育厅,once,200000,6,25\n"

#define FUZZ_ROSTER                                                                                \
	"programme,period,id_number,name,village,bank_account,amount_fen\n"                        \
	"GL01,202303,410102194001101018,张伟,410102001001,6217000000000010003,30000\n"           \
	"GL01,202304,410102194001101018,张伟,410102001001,6217000000000010003,30000\n"           \
	"GL01,202303,410102194102111020,王芳,410102001002,6217000000000010011,30000\n"           \
	"GL01,202305,410102194203121033,李娜,410102001001,6217000000000010029,40000\n"

/* Build the seeded database once; keys gets the key it was made with. */
static FUZZ_UNUSED const struct fuzz_snapshot *fuzz_subsidy_snapshot(struct pii_keys *keys)
{
	static struct fuzz_snapshot snap;
	static struct pii_keys saved;
	static const char deaths[] = "id_number,date_of_death\n"
				     "410102194203121033,2023-04-20\n";
	static const char officials[] = "id_number,name,village,role\n"
					"410102194102111020,王芳,410102001002,村委会主任\n";
	struct roster_options ro;
	struct roster_summary rs;
	struct people_summary ps;
	struct error err;
	struct db *db = NULL;
	char dir[] = "/tmp/fuzz-seed-XXXXXX", key[64];
	size_t n = 0;

	if (snap.data) {
		*keys = saved;
		return &snap;
	}
	error_clear(&err);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(key, sizeof(key), "%s/key", dir);
	CHECK(db_open(":memory:", &db, &err) == 0);
	CHECK(subsidy_migrate(db, &err) == 0);
	CHECK(programme_import(db, fuzz_file(FUZZ_PROGRAMMES, strlen(FUZZ_PROGRAMMES)), NULL, NULL,
			       NULL, &n, &err) == 0);
	memset(&ro, 0, sizeof(ro));
	ro.path = fuzz_file(FUZZ_ROSTER, strlen(FUZZ_ROSTER));
	ro.key_opt = key;
	ro.threads = 1;
	CHECK(roster_import(db, &ro, &rs, &err) == 0 && rs.accepted == 4);
	CHECK(pii_keys_load(key, 0, &saved, &err) == 0);
	CHECK(unlink(key) == 0 && rmdir(dir) == 0);
	CHECK(deaths_import(db, &saved, fuzz_file(deaths, strlen(deaths)), NULL, NULL, NULL, &ps,
			    &err) == 0 &&
	      ps.held == 1);
	CHECK(officials_import(db, &saved, fuzz_file(officials, strlen(officials)), NULL, NULL,
			       NULL, &ps, &err) == 0 &&
	      ps.added == 1);
	fuzz_snapshot_take(db, &snap);
	db_close(db);
	*keys = saved;
	return &snap;
}

#endif
