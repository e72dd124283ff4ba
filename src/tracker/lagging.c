/*
 * lagging.c - lists of units that have not completed an indicator, worded
 * as the province publishes them (see lagging.h). The judgement comes from
 * report_build; this file only decides done / not done and writes words.
 */
#include "tracker/lagging.h"

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const char *lagging_scope(int level)
{
	switch (level) {
	case ORGUNIT_PROVINCE:
		return "全省";
	case ORGUNIT_CITY:
		return "全市";
	case ORGUNIT_COUNTY:
		return "全县";
	case ORGUNIT_TOWNSHIP:
		return "全乡";
	default:
		return "全部";
	}
}

static int add_names(struct buf *out, const char *const *names, size_t n)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = buf_printf(out, "%s%s", i ? "、" : "", names[i]);
	return ret;
}

int lagging_text(const char *scope, int level, size_t total, const char *const *lagging,
		 size_t n_lagging, const char *const *done, size_t n_done, struct buf *out)
{
	const char *lv = orgunit_level_zh(level);
	int ret;

	if (n_lagging == 0)
		return buf_printf(out, "%s%zu个%s单位均已完成", scope, total, lv);
	if (n_done == 0)
		return buf_printf(out, "%s%zu个%s单位均未完成", scope, total, lv);
	if (n_lagging * 2 <= total) {
		if ((ret = buf_adds(out, "除")) || (ret = add_names(out, lagging, n_lagging)))
			return ret;
		return buf_printf(out, "外，其余%zu个%s单位均已完成", total - n_lagging, lv);
	}
	if ((ret = buf_adds(out, "仅")) || (ret = add_names(out, done, n_done)))
		return ret;
	return buf_printf(out, "已完成，其余%zu个%s单位尚未完成", total - n_done, lv);
}

/*
 * Names of every unit of one level and of every city, loaded in two queries:
 * a village-level list (44,500 units) must not cost a lookup per unit.
 */
struct named {
	char *code, *name, *path;
};

struct names {
	struct named *units, *cities;
	size_t n_units, n_cities, cap_units, cap_cities;
	int level; /* of the units */
	bool cities_phase;
};

static int names_add(void *ctx, const struct orgunit *u)
{
	struct names *nm = ctx;
	struct named **a = nm->cities_phase ? &nm->cities : &nm->units;
	size_t *n = nm->cities_phase ? &nm->n_cities : &nm->n_units;
	size_t *cap = nm->cities_phase ? &nm->cap_cities : &nm->cap_units;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct named *t = realloc(*a, nc * sizeof(*t));

		if (!t)
			return ERR_NOMEM;
		*a = t;
		*cap = nc;
	}
	(*a)[*n].code = strdup(u->code);
	(*a)[*n].name = strdup(u->name);
	(*a)[*n].path = strdup(u->path);
	(*n)++;
	if (!(*a)[*n - 1].code || !(*a)[*n - 1].name || !(*a)[*n - 1].path)
		return ERR_NOMEM;
	return 0;
}

static void named_free(struct named *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].code);
		free(a[i].name);
		free(a[i].path);
	}
	free(a);
}

static void names_free(struct names *nm)
{
	named_free(nm->units, nm->n_units);
	named_free(nm->cities, nm->n_cities);
	memset(nm, 0, sizeof(*nm));
}

static int names_load(struct db *db, int level, struct names *nm, struct error *err)
{
	struct orgunit_filter f = {level, NULL, false};
	int ret;

	nm->level = level;
	ret = orgunit_list(db, &f, names_add, nm, err);
	if (!ret) {
		nm->cities_phase = true;
		f.level = ORGUNIT_CITY;
		ret = orgunit_list(db, &f, names_add, nm, err);
	}
	if (ret == ERR_NOMEM)
		error_set(err, ERR_NOMEM, "内存不足");
	return ret;
}

/* orgunit_list gives codes in ascending (strcmp) order. */
static const struct named *named_find(const struct named *a, size_t n, const char *code, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(a[mid].code, code, len);

		if (c == 0 && a[mid].code[len])
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else
			return &a[mid];
	}
	return NULL;
}

static int names_lookup(const struct names *nm, const char *code, char *out, size_t n,
			struct error *err)
{
	const struct named *u = named_find(nm->units, nm->n_units, code, strlen(code));
	const struct named *city = NULL;
	const char *p, *e;

	if (!u)
		return error_set(err, ERR_INTERNAL, "未知的单位代码 '%s'", code);
	/* The city is the second code of the path "/41/4108/...". */
	p = strchr(u->path + 1, '/');
	if (p && (e = strchr(p + 1, '/')))
		city = named_find(nm->cities, nm->n_cities, p + 1, (size_t)(e - p - 1));
	orgunit_bulletin_name_of(nm->level, u->name, city ? city->name : NULL, out, n);
	return 0;
}

void lagging_free(struct lagging *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->total; i++) {
		free(l->units[i].orgunit);
		free(l->units[i].name);
	}
	free(l->units);
	free(l->indicator);
	free(l->indicator_name);
	free(l->text);
	free(l);
}

static int cmp_unit(const void *a, const void *b)
{
	const struct lagging_unit *x = a, *y = b;

	return strcmp(x->orgunit, y->orgunit);
}

int lagging_build(struct db *db, const struct lagging_opts *o, struct lagging **out,
		  struct error *err)
{
	struct report_opts ro;
	struct report *r = NULL;
	struct lagging *l = NULL;
	const struct report_item *it;
	const char **lag = NULL, **done = NULL;
	size_t i, nl = 0, nd = 0;
	struct names nm = {0};
	struct buf text;
	int ret;

	*out = NULL;
	buf_init(&text, 1 << 20);
	if (o->level < ORGUNIT_CITY || o->level > ORGUNIT_VILLAGE) {
		ret = error_set(err, ERR_INPUT, "层级须为 city、county、township 或 village");
		goto out;
	}
	report_opts_init(&ro, o->year);
	ro.has_period = o->has_period;
	ro.period = o->period;
	ro.orgunit = o->orgunit;
	ro.by_level = o->level;
	ro.indicator = o->indicator;
	ret = report_build(db, &ro, &r, err);
	if (ret)
		goto out;
	if (r->n != 1) {
		ret = error_set(err, ERR_INPUT, "%d年的计划中没有指标 '%s'", o->year, o->indicator);
		goto out;
	}
	it = &r->items[0];
	if (it->n_units == 0) {
		/* "全省0个乡级单位均已完成" would claim what nobody did */
		ret = error_set(err, ERR_INPUT, "单位 '%s' 之下没有%s单位", r->orgunit,
				orgunit_level_zh(o->level));
		goto out;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		goto nomem;
	l->level = o->level;
	l->indicator = strdup(it->indicator);
	l->indicator_name = strdup(it->name);
	l->units = calloc(it->n_units ? it->n_units : 1, sizeof(*l->units));
	if (!l->indicator || !l->indicator_name || !l->units)
		goto nomem;
	if (o->level > ORGUNIT_CITY) {
		ret = names_load(db, o->level, &nm, err);
		if (ret)
			goto out;
	}
	for (i = 0; i < it->n_units; i++) {
		const struct report_item *u = &it->units[i];
		char name[ORGUNIT_NAME_MAX * 2 + 1];

		if (o->level > ORGUNIT_CITY) {
			ret = names_lookup(&nm, u->orgunit, name, sizeof(name), err);
		} else {
			struct orgunit_info info;

			ret = orgunit_find(db, u->orgunit, &info, err);
			if (!ret)
				orgunit_bulletin_name(db, &info, name, sizeof(name));
		}
		if (ret)
			goto out;
		l->units[i].orgunit = strdup(u->orgunit);
		l->units[i].name = strdup(name);
		l->total++;
		if (!l->units[i].orgunit || !l->units[i].name)
			goto nomem;
		l->units[i].done = u->has_target ? u->met : u->has_actual;
		if (l->units[i].done)
			l->done++;
	}
	qsort(l->units, l->total, sizeof(*l->units), cmp_unit);
	lag = calloc(l->total + 1, sizeof(*lag));
	done = calloc(l->total + 1, sizeof(*done));
	if (!lag || !done)
		goto nomem;
	for (i = 0; i < l->total; i++) {
		if (l->units[i].done)
			done[nd++] = l->units[i].name;
		else
			lag[nl++] = l->units[i].name;
	}
	if (lagging_text(lagging_scope(r->orgunit_level), l->level, l->total, lag, nl, done, nd,
			 &text))
		goto nomem;
	l->text = strdup(buf_str(&text));
	if (!l->text)
		goto nomem;
	*out = l;
	l = NULL;
	ret = 0;
	goto out;
nomem:
	ret = error_set(err, ERR_NOMEM, "内存不足");
out:
	free(lag);
	free(done);
	names_free(&nm);
	buf_free(&text);
	lagging_free(l);
	report_free(r);
	return ret;
}

int lagging_write_json(const struct lagging *l, struct buf *out)
{
	json_t *o, *arr;
	size_t i;
	char *s;
	int ret;

	arr = json_array();
	o = json_object();
	if (!o || !arr)
		goto nomem;
	for (i = 0; i < l->total; i++) {
		if (l->units[i].done)
			continue;
		if (json_array_append_new(arr,
					  json_pack("{s:s, s:s}", "orgunit", l->units[i].orgunit,
						    "name", l->units[i].name)))
			goto nomem;
	}
	if (json_object_set_new(o, "indicator", json_string(l->indicator)) ||
	    json_object_set_new(o, "level", json_string(orgunit_level_name(l->level))) ||
	    json_object_set_new(o, "total", json_integer((json_int_t)l->total)) ||
	    json_object_set_new(o, "done", json_integer((json_int_t)l->done)) ||
	    json_object_set(o, "lagging", arr) ||
	    json_object_set_new(o, "text", json_string(l->text)))
		goto nomem;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s)
		goto nomem;
	ret = buf_adds(out, s);
	if (!ret)
		ret = buf_addc(out, '\n');
	free(s);
	json_decref(arr);
	json_decref(o);
	return ret;
nomem:
	json_decref(arr);
	json_decref(o);
	return ERR_NOMEM;
}
