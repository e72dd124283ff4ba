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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * Names of every unit of one level and of every unit of the levels between
 * city and it (the ancestors a longer name needs), loaded in one query per
 * level: a village-level list (44,500 units) must not cost a lookup per
 * unit.
 */
struct named {
	char *code, *name, *path;
};

struct named_list {
	struct named *a; /* by code */
	size_t n, cap;
};

struct names {
	struct named_list lv[ORGUNIT_VILLAGE + 1]; /* by level; only those loaded */
	int level;				   /* of the units */
	struct named_list *cur;			   /* being loaded */
};

static int names_add(void *ctx, const struct orgunit *u)
{
	struct names *nm = ctx;
	struct named_list *l = nm->cur;
	struct named *x;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 256;
		struct named *t = realloc(l->a, nc * sizeof(*t));

		if (!t)
			return ERR_NOMEM;
		l->a = t;
		l->cap = nc;
	}
	x = &l->a[l->n++];
	x->code = strdup(u->code);
	x->name = strdup(u->name);
	x->path = strdup(u->path);
	if (!x->code || !x->name || !x->path)
		return ERR_NOMEM;
	return 0;
}

static void names_free(struct names *nm)
{
	size_t i, k;

	for (k = 0; k <= ORGUNIT_VILLAGE; k++) {
		for (i = 0; i < nm->lv[k].n; i++) {
			free(nm->lv[k].a[i].code);
			free(nm->lv[k].a[i].name);
			free(nm->lv[k].a[i].path);
		}
		free(nm->lv[k].a);
	}
	memset(nm, 0, sizeof(*nm));
}

static int names_load(struct db *db, int level, struct names *nm, struct error *err)
{
	struct orgunit_filter f = {0, NULL, false};
	int k, ret = 0;

	nm->level = level;
	for (k = ORGUNIT_CITY; k <= level && !ret; k++) {
		f.level = k;
		nm->cur = &nm->lv[k];
		ret = orgunit_list(db, &f, names_add, nm, err);
	}
	if (ret == ERR_NOMEM)
		error_set(err, ERR_NOMEM, "内存不足");
	return ret;
}

/* orgunit_list gives codes in ascending (strcmp) order. */
static const struct named *named_find(const struct named_list *l, const char *code, size_t len)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(l->a[mid].code, code, len);

		if (c == 0 && l->a[mid].code[len])
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else
			return &l->a[mid];
	}
	return NULL;
}

/*
 * The unit code's name: the bulletin name, or with full the longer name
 * naming its county (and township) too. Its ancestors are the codes of its
 * path ("/41/4108/410822/..."), each looked up among the units of the
 * levels loaded: whatever level the tree's root is at.
 */
static int names_lookup(const struct names *nm, const char *code, bool full, char *out, size_t n,
			struct error *err)
{
	const struct named *u = named_find(&nm->lv[nm->level], code, strlen(code));
	const char *anc[ORGUNIT_VILLAGE + 1] = {NULL};
	const char *p, *e;
	int k, depth;

	if (!u)
		return error_set(err, ERR_INTERNAL, "未知的单位代码 '%s'", code);
	for (p = u->path + 1, depth = 1; (e = strchr(p, '/')) != NULL; p = e + 1, depth++) {
		const struct named *a = NULL;

		/* under a province root the code at depth d is of level d: look
		 * there first, then at the other levels */
		if (depth >= ORGUNIT_CITY && depth < nm->level)
			a = named_find(&nm->lv[depth], p, (size_t)(e - p));
		if (a) {
			anc[depth] = a->name;
		} else {
			for (k = ORGUNIT_CITY; k < nm->level; k++) {
				if (k != depth &&
				    (a = named_find(&nm->lv[k], p, (size_t)(e - p)))) {
					anc[k] = a->name;
					break;
				}
			}
		}
		if (!full && anc[ORGUNIT_CITY])
			break;
	}
	if (full)
		orgunit_bulletin_name_full(nm->level, u->name, anc[ORGUNIT_CITY],
					   anc[ORGUNIT_COUNTY], anc[ORGUNIT_TOWNSHIP], out, n);
	else
		orgunit_bulletin_name_of(nm->level, u->name, anc[ORGUNIT_CITY], out, n);
	return 0;
}

static int cmp_name_ptr(const void *a, const void *b)
{
	const struct lagging_unit *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);

	return c ? c : strcmp((*x)->orgunit, (*y)->orgunit);
}

/*
 * Mark (in dup) the units whose name is another unit's too. by is scratch
 * room for l->total pointers.
 */
static size_t find_duplicates(struct lagging *l, struct lagging_unit **by, bool *dup)
{
	size_t i, j, count = 0;

	for (i = 0; i < l->total; i++) {
		by[i] = &l->units[i];
		dup[i] = false;
	}
	qsort(by, l->total, sizeof(*by), cmp_name_ptr);
	for (i = 0; i < l->total; i = j) {
		for (j = i + 1; j < l->total && strcmp(by[i]->name, by[j]->name) == 0; j++)
			;
		if (j - i > 1) {
			count += j - i;
			for (; i < j; i++)
				dup[by[i] - l->units] = true;
		}
	}
	return count;
}

static int replace_name(struct lagging_unit *u, const char *name)
{
	char *s = strdup(name);

	if (!s)
		return ERR_NOMEM;
	free(u->name);
	u->name = s;
	return 0;
}

/*
 * No two units of a list may read the same (docs/bulletin.md, lagging): the
 * units whose bulletin names coincide ("新乡城关镇" twice) get their longer
 * names, naming the county and for villages the township ("新乡获嘉县城关镇",
 * "新乡封丘县城关镇"); any that still coincide (a county, a city, names that
 * are the same all the way up) get their code after the name
 * ("某县（410199）"). Names already unique are left as they are.
 */
static int disambiguate(struct lagging *l, const struct names *nm, struct error *err)
{
	struct lagging_unit **by = calloc(l->total + 1, sizeof(*by));
	bool *dup = calloc(l->total + 1, sizeof(*dup));
	char name[ORGUNIT_BULLETIN_NAME_MAX];
	size_t i;
	int ret = 0;

	if (!by || !dup)
		goto nomem;
	if (find_duplicates(l, by, dup) == 0)
		goto out;
	if (l->level > ORGUNIT_COUNTY) {
		for (i = 0; i < l->total && !ret; i++) {
			if (!dup[i])
				continue;
			ret = names_lookup(nm, l->units[i].orgunit, true, name, sizeof(name), err);
			if (!ret && replace_name(&l->units[i], name))
				goto nomem;
		}
		if (ret)
			goto out;
		if (find_duplicates(l, by, dup) == 0)
			goto out;
	}
	for (i = 0; i < l->total; i++) {
		if (!dup[i])
			continue;
		snprintf(name, sizeof(name), "%s（%s）", l->units[i].name, l->units[i].orgunit);
		if (replace_name(&l->units[i], name))
			goto nomem;
	}
	goto out;
nomem:
	ret = error_set(err, ERR_NOMEM, "内存不足");
out:
	free(by);
	free(dup);
	return ret;
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
	const char **lag = NULL, **done = NULL, *scope = NULL;
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
		char name[ORGUNIT_BULLETIN_NAME_MAX];

		if (o->level > ORGUNIT_CITY) {
			ret = names_lookup(&nm, u->orgunit, false, name, sizeof(name), err);
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
	ret = disambiguate(l, &nm, err);
	if (ret)
		goto out;
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
	/* the scope word of the unit the list is taken under, as its own
	 * bulletin says it (全市 for 济源市 and for 郑州市, 全区 for 中原区) */
	ret = orgunit_title(db, r->orgunit, NULL, 0, &scope, err);
	if (ret)
		goto out;
	if (lagging_text(scope, l->level, l->total, lag, nl, done, nd, &text))
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
