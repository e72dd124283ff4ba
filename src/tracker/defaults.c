/*
 * defaults.c - loading the embedded default data (see defaults.h).
 *
 * The divisions come from the embedded copy of the NBS list; the villages
 * are generated from the townships stored in the database, so the village
 * codes, names and courier flags are the same every time.
 */
#include "tracker/defaults.h"

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

const struct defaults_file *defaults_find(const char *name)
{
	const struct defaults_file *f;

	for (f = defaults_embedded; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* The townships of the database, to generate villages under. */
struct townships {
	struct village_parent *t;
	size_t n, cap;
};

static int collect_township(void *ctx, const struct orgunit *u)
{
	struct townships *ts = ctx;
	char *code, *name;

	if (ts->n == ts->cap) {
		size_t nc = ts->cap ? ts->cap * 2 : 4096;
		struct village_parent *p = realloc(ts->t, nc * sizeof(*p));

		if (!p)
			return ERR_NOMEM;
		ts->t = p;
		ts->cap = nc;
	}
	code = strdup(u->code);
	name = strdup(u->name);
	if (!code || !name) {
		free(code);
		free(name);
		return ERR_NOMEM;
	}
	ts->t[ts->n].code = code;
	ts->t[ts->n].name = name;
	ts->n++;
	return 0;
}

static void townships_free(struct townships *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++) {
		free((char *)ts->t[i].code);
		free((char *)ts->t[i].name);
	}
	free(ts->t);
}

/* Generate the villages under the database's townships. */
static int generate(struct db *db, struct townships *ts, struct villages *v, struct error *err)
{
	struct orgunit_filter f = {ORGUNIT_TOWNSHIP, NULL, false};
	int ret;

	ret = orgunit_list(db, &f, collect_township, ts, err);
	if (ret == ERR_NOMEM)
		return error_set(err, ERR_NOMEM, "内存不足");
	if (ret)
		return ret;
	return villages_generate(ts->t, ts->n, v, err);
}

int defaults_load_orgunits(struct db *db, long *n_units, struct error *err)
{
	const struct defaults_file *f = defaults_find("henan-divisions-2022.csv");
	struct townships ts = {0};
	struct villages v = {0};
	struct orgunit_import_stats st;
	int64_t count = 0;
	int ret;

	if (!f)
		return error_set(err, ERR_INTERNAL, "内置数据缺少 henan-divisions-2022.csv");
	ret = orgunit_import_mem(db, "henan-divisions-2022.csv", (const char *)f->data, f->len, &st,
				 NULL, NULL, err);
	if (ret)
		return ret;
	ret = generate(db, &ts, &v, err);
	if (ret)
		goto out;
	ret = orgunit_import_rows(db, "villages", v.rows, v.n, false, &st, NULL, NULL, err);
	if (ret)
		goto out;
	ret = orgunit_count(db, &count, err);
	if (n_units)
		*n_units = (long)count;
out:
	villages_free(&v);
	townships_free(&ts);
	return ret;
}

int defaults_village_values(struct db *db, int year, struct buf *out, struct error *err)
{
	struct townships ts = {0};
	struct villages v = {0};
	size_t i;
	int ret;

	ret = generate(db, &ts, &v, err);
	if (ret)
		goto out;
	ret = buf_adds(out, "dataelement,period,orgunit,categoryoptioncombo,"
			    "attributeoptioncombo,value,storedby,lastupdated,"
			    "comment,followup\n");
	for (i = 0; i < v.n && !ret; i++) {
		ret = buf_printf(out,
				 "villages_with_courier_station,%d,%s,,,%d,,,,\n"
				 "villages,%d,%s,,,1,,,,\n",
				 year, v.rows[i].code, v.courier[i] ? 1 : 0, year, v.rows[i].code);
	}
	if (ret)
		ret = error_set(err, ret, "生成村级数据失败：缓冲区不足");
out:
	villages_free(&v);
	townships_free(&ts);
	return ret;
}
