/*
 * fuzz_tracker.h - the org units and plan the tracker import harnesses
 * (fuzz_planimport.c, fuzz_valuesimport.c) seed their database with: a
 * province, three cities, counties, townships and two villages; count and
 * rate indicators with targets at the province and the cities
 * (fuzz_tracker_seeded loads them into a fresh database).
 */
#ifndef MINSHENG_FUZZ_TRACKER_H
#define MINSHENG_FUZZ_TRACKER_H

#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/tracker.h"

#include "fuzz_check.h"

static const char orgunits[] = "code,name,level,parent_code\n"
			       "41,河南省,province,\n"
			       "4101,郑州市,city,41\n"
			       "4102,开封市,city,41\n"
			       "4103,洛阳市,city,41\n"
			       "410102,中原区,county,4101\n"
			       "410103,二七区,county,4101\n"
			       "410202,龙亭区,county,4102\n"
			       "410302,老城区,county,4103\n"
			       "410102001,林山寨街道,township,410102\n"
			       "410102002,建设路街道,township,410102\n"
			       "410102001001,一村,village,410102001\n"
			       "410102001002,二村,village,410102001\n";

static const char plan[] =
    "year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,"
    "aggregation,numerator,denominator\n"
    "2023,1,稳定和扩大就业,skill_training,职业技能培训,人次,count,>=,3000000,41,sum,,\n"
    "2023,1,稳定和扩大就业,skill_training,职业技能培训,人次,count,>=,1200000,4101,sum,,\n"
    "2023,1,稳定和扩大就业,skill_training,职业技能培训,人次,count,>=,1000000,4102,sum,,\n"
    "2023,1,稳定和扩大就业,skill_training,职业技能培训,人次,count,>=,800000,4103,sum,,\n"
    "2023,1,稳定和扩大就业,new_jobs,城镇新增就业,人,count,>=,1000000,41,sum,,\n"
    "2023,1,稳定和扩大就业,unemployment,城镇调查失业率,%,rate,<=,5.5,41,last,,\n"
    "2023,2,提升群众健康水平,screening_rate,新生儿两病筛查率,%,rate,>=,95,41,last,,\n"
    "2023,2,提升群众健康水平,screening_rate,新生儿两病筛查率,%,rate,>=,95,4101,last,,\n"
    "2023,3,完善农村寄递物流,courier_rate,行政村寄递物流服务站覆盖率,%,rate,>=,75,41,last,villages_"
    "with_courier,villages_total\n"
    "2023,3,完善农村寄递物流,courier_rate,行政村寄递物流服务站覆盖率,%,rate,>=,80,4101,last,"
    "villages_with_courier,villages_total\n"
    "2023,3,完善农村寄递物流,courier_rate,行政村寄递物流服务站覆盖率,%,rate,>=,70,4102,last,"
    "villages_with_courier,villages_total\n";

/* A fresh in-memory database holding the org units and the plan above. */
static struct db *fuzz_tracker_seeded(void)
{
	struct orgunit_import_stats ost;
	struct plan_import_stats pst;
	struct plan_import_opts po = {false};
	struct error err;
	struct db *db = NULL;

	error_clear(&err);
	CHECK(db_open(":memory:", &db, &err) == 0);
	CHECK(tracker_migrate(db, &err) == 0);
	CHECK(orgunit_import_mem(db, "orgunits.csv", orgunits, sizeof(orgunits) - 1, &ost, NULL,
				 NULL, &err) == 0);
	CHECK(plan_import_mem(db, "plan.csv", plan, sizeof(plan) - 1, &po, &pst, NULL, NULL,
			      &err) == 0);
	return db;
}

#endif
