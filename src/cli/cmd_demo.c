/*
 * cmd_demo.c - `minsheng demo`: a database from the embedded data, then
 * the 2022 year-end report and bulletin (docs/data.md).
 *
 * Loads, in order: the NBS divisions, the generated villages, the 2022 and
 * 2023 plans (marking the 2022 targets derived from published results),
 * the 2022 results, the villages' courier-station data and a synthetic
 * county breakdown of one indicator (so that a lagging list can be shown). The database
 * must be new: an existing non-empty file is refused rather than mixed with
 * the demo data (`make demo` deletes ./minsheng.db first).
 *
 * The database is built in "PATH.demo-partial" and renamed to PATH only when
 * complete, so a demo killed at any instant leaves no PATH (or the empty
 * file it was given) or a complete database, never half of one: re-running
 * the command works. The partial file is locked (flock) while it is built;
 * a later demo that can take the lock knows its builder is dead and starts
 * it afresh (with its WAL and journal), one that cannot is refused (exit 1).
 */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/bulletin.h"
#include "tracker/defaults.h"
#include "tracker/lagging.h"
#include "tracker/plan.h"
#include "tracker/report.h"
#include "tracker/values.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEMO_USAGE "[--db PATH]"

static const struct defaults_file *need(const char *name, struct error *err)
{
	const struct defaults_file *f = defaults_find(name);

	if (!f)
		error_set(err, ERR_INTERNAL, "内置数据缺少 %s", name);
	return f;
}

static int load_plan(struct db *db, const char *name, struct error *err)
{
	const struct defaults_file *f = need(name, err);
	struct plan_import_opts o = {false};
	struct plan_import_stats st;

	if (!f)
		return ERR_INTERNAL;
	return plan_import_mem(db, name, (const char *)f->data, f->len, &o, &st, cli_print_note,
			       NULL, err);
}

/* Mark the targets listed in the derivation file as derived. */
static int mark_derived(struct db *db, struct error *err)
{
	static const char *const name = "henan-2022-derivation.csv";
	const struct defaults_file *f = need(name, err);
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	long year;
	int ret;

	if (!f)
		return ERR_INTERNAL;
	opt.name = name;
	opt.expected_fields = 9;
	ret = csv_open_mem((const char *)f->data, f->len, &opt, &r, err);
	if (ret)
		return ret;
	ret = csv_next(r, &rec, err); /* header */
	while (!ret && !(ret = csv_next(r, &rec, err)) && rec.n) {
		year = strtol(rec.field[0], NULL, 10);
		ret = plan_mark_derived(db, (int)year, rec.field[1], rec.field[2], err);
	}
	csv_close(r);
	return ret;
}

static int load_values(struct db *db, const char *name, const char *data, size_t len,
		       struct error *err)
{
	struct values_import_opts o = {0};
	struct values_import_stats st;

	o.name = name;
	o.user = "demo";
	return values_import_mem(db, data, len, &o, &st, err);
}

static int print_report(struct db *db, int year, struct error *err)
{
	struct report_opts o;
	struct report *r = NULL;
	struct buf b;
	int ret;

	buf_init(&b, 16 << 20);
	report_opts_init(&o, year);
	ret = report_build(db, &o, &r, err);
	if (!ret && report_write_text(r, &b))
		ret = error_set(err, ERR_INTERNAL, "报告过长");
	if (!ret)
		fputs(buf_str(&b), stdout);
	report_free(r);
	buf_free(&b);
	return ret;
}

/* The synthetic county breakdown, as the province lists lagging units. */
static int print_lagging(struct db *db, struct error *err)
{
	struct lagging_opts o = {0};
	struct lagging *l = NULL;
	int ret;

	o.year = 2022;
	o.indicator = "bus_route_villages";
	o.level = ORGUNIT_COUNTY;
	ret = lagging_build(db, &o, &l, err);
	if (ret)
		return ret;
	printf("\n%s（县级分解为合成数据）：%s。\n", l->indicator_name, l->text);
	lagging_free(l);
	return 0;
}

/* The files SQLite may keep beside a database. */
static const char *const side_files[] = {"-wal", "-shm", "-journal"};

/* Remove tmp's WAL, shared memory and journal files; 0 or an errno. */
static int remove_side_files(const char *tmp)
{
	char name[4096];
	size_t i;
	int e = 0;

	for (i = 0; i < sizeof(side_files) / sizeof(side_files[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", tmp, side_files[i]);
		if (unlink(name) != 0 && errno != ENOENT && !e)
			e = errno;
	}
	return e;
}

/*
 * Take tmp, the partial database, for this run: create it or, when a killed
 * demo left it (its lock is free), empty it and remove its side files: the
 * WAL of a dead build must not be replayed into the new one. Sets *out to
 * the locked descriptor (kept open until the file is renamed or removed:
 * the lock is what tells a concurrent demo that the file is in use) and
 * returns 0; else prints why and returns ERR_INPUT (another demo holds it)
 * or ERR_IO.
 */
static int claim_partial(const char *path, const char *tmp, int *out)
{
	int fd, e;

	*out = -1;
	/* 0600 as db_open makes any new database (docs/personal-data.md); a
	 * stale partial file gets it too (fchmod below) */
	fd = open(tmp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "minsheng: 无法建立临时数据库 '%s'：%s\n", tmp, error_errno_text(errno));
		return ERR_IO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		e = errno;
		close(fd);
		if (e == EWOULDBLOCK) {
			fprintf(stderr,
				"minsheng: 另一个 demo 正在建立数据库 '%s'（临时文件 '%s'）\n",
				path, tmp);
			return ERR_INPUT;
		}
		fprintf(stderr, "minsheng: 无法锁定临时数据库 '%s'：%s\n", tmp, error_errno_text(e));
		return ERR_IO;
	}
	e = ftruncate(fd, 0) != 0 || fchmod(fd, 0600) != 0 ? errno : remove_side_files(tmp);
	if (e) {
		fprintf(stderr, "minsheng: 无法清理临时数据库 '%s'：%s\n", tmp, error_errno_text(e));
		close(fd);
		return ERR_IO;
	}
	*out = fd;
	return 0;
}

/* Drop the partial database (after a failure). */
static void drop_partial(const char *tmp, int fd)
{
	unlink(tmp);
	remove_side_files(tmp);
	close(fd);
}

/* fsync the directory holding path, so that a rename in it survives a crash. */
static int sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, ret = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fsync(fd) != 0)
		ret = -1;
	close(fd);
	return ret;
}

/* demo writes only a new database: true (and says so) when path holds one */
static bool refuse_existing(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0 || sb.st_size == 0)
		return false;
	fprintf(stderr,
		"minsheng: 数据库 '%s' 已存在；demo 只写入新的数据库，请先删除它或用 --db 指定新文件\n",
		path);
	return true;
}

/*
 * Make the built database self-contained (its WAL checkpointed into it and
 * removed: only the main file is renamed), close it, and rename it to path.
 * *db is closed and set to NULL whatever happens. Returns 0 or ERR_IO after
 * printing why (the partial file is then the caller's to drop).
 */
static int install(struct db **db, const char *tmp, int fd, const char *path)
{
	struct error err;
	char wal[4096];

	error_clear(&err);
	if (db_exec(*db, "PRAGMA journal_mode=DELETE;", &err)) {
		db_close(*db);
		*db = NULL;
		return cli_fail(&err);
	}
	db_close(*db);
	*db = NULL;
	if (snprintf(wal, sizeof(wal), "%s-wal", tmp) >= (int)sizeof(wal)) {
		fprintf(stderr, "minsheng: 数据库路径过长：'%s'\n", tmp);
		return ERR_USAGE;
	}
	if (access(wal, F_OK) == 0) {
		fprintf(stderr, "minsheng: 临时数据库 '%s' 的日志未能写回\n", tmp);
		return ERR_IO;
	}
	if (fsync(fd) != 0) {
		fprintf(stderr, "minsheng: 无法写入临时数据库 '%s'：%s\n", tmp, error_errno_text(errno));
		return ERR_IO;
	}
	/* as at the start: a database that appeared meanwhile is not replaced */
	if (refuse_existing(path))
		return ERR_INPUT;
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "minsheng: 无法将临时数据库 '%s' 改名为 '%s'：%s\n", tmp, path,
			error_errno_text(errno));
		return ERR_IO;
	}
	if (sync_dir(path) != 0) {
		fprintf(stderr, "minsheng: 无法同步 '%s' 所在的目录：%s\n", path, error_errno_text(errno));
		return ERR_IO;
	}
	return 0;
}

int cli_demo(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	const struct defaults_file *res, *syn;
	const char *dbpath = NULL, *path;
	struct db *db = NULL;
	struct error err;
	struct buf b;
	char tmp[4096];
	long units = 0;
	int c, ret, fd;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else
			return cli_option_error("demo", DEMO_USAGE, c, argc, argv);
	}
	if (cli_no_operands(argc, argv, "demo", DEMO_USAGE))
		return ERR_USAGE;
	if (cli_opt_empty("--db", dbpath))
		return ERR_USAGE;
	path = cli_db_path(dbpath);
	if (refuse_existing(path))
		return ERR_INPUT;
	/* 8 bytes to spare for SQLite's "-journal" beside it */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.demo-partial", path) >= sizeof(tmp) - 8) {
		fprintf(stderr, "minsheng: 数据库路径过长：'%s'\n", path);
		return ERR_INPUT;
	}
	ret = claim_partial(path, tmp, &fd);
	if (ret)
		return ret;
	ret = cli_open_db(tmp, &db);
	if (ret) {
		drop_partial(tmp, fd);
		return ret;
	}
	error_clear(&err);
	buf_init(&b, 64 << 20);
	res = need("henan-2022-results.csv", &err);
	syn = need("synthetic-2022-bus-route-values.csv", &err);
	if (!res || !syn) {
		ret = ERR_INTERNAL;
		goto fail;
	}
	if ((ret = defaults_load_orgunits(db, &units, &err)) ||
	    (ret = load_plan(db, "henan-2022-plan.csv", &err)) ||
	    (ret = load_plan(db, "synthetic-2022-bus-route-plan.csv", &err)) ||
	    (ret = load_plan(db, "henan-2023-plan.csv", &err)) || (ret = mark_derived(db, &err)) ||
	    (ret = load_values(db, "henan-2022-results.csv", (const char *)res->data, res->len,
			       &err)) ||
	    (ret = load_values(db, "synthetic-2022-bus-route-values.csv", (const char *)syn->data,
			       syn->len, &err)) ||
	    (ret = defaults_village_values(db, 2022, &b, &err)) ||
	    (ret = load_values(db, "villages-2022", b.data, b.len, &err)))
		goto fail;
	ret = install(&db, tmp, fd, path);
	if (ret) {
		drop_partial(tmp, fd);
		goto out;
	}
	close(fd);
	fprintf(stderr,
		"minsheng: 已建立演示数据库 '%s'：%ld 个组织机构（含 %d "
		"个生成的村级单位），2022、2023年计划，2022年完成情况\n",
		path, units, VILLAGES_TOTAL);
	/* the database is complete: what follows only reads it */
	ret = cli_open_db_existing(path, &db);
	if (ret)
		goto out;
	ret = print_report(db, 2022, &err);
	if (ret)
		goto report_fail;
	buf_reset(&b);
	fputs("\n", stdout);
	ret = bulletin_build(db, 2022, false, NULL, &b, &err);
	if (ret)
		goto report_fail;
	fputs(buf_str(&b), stdout);
	ret = print_lagging(db, &err);
	if (ret)
		goto report_fail;
	goto out;
fail:
	cli_fail(&err);
	db_close(db);
	db = NULL;
	drop_partial(tmp, fd);
	goto out;
report_fail:
	cli_fail(&err);
out:
	buf_free(&b);
	db_close(db);
	return ret;
}
