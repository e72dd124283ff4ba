/*
 * cmd_values.c - "minsheng values import|export|check": DHIS2 data value
 * sets in and out, and the check (and repair) of the stored roll-ups (see
 * docs/values.md).
 */
#include "cli/cli.h"

#include "base/csv.h"
#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/values.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define IMPORT_USAGE "FILE [--partial] [--rejects FILE] [--encoding E] [--db PATH]"
#define EXPORT_USAGE "--year Y [--db PATH]"
#define CHECK_USAGE "[--repair] [--db PATH]"
/* Rejected rows listed on stderr before only the count is given. */
#define LIST_MAX 100

struct rejects {
	struct cli_out *out; /* --rejects, or NULL */
	long listed;
	int write_failed;
	bool read_through; /* rows_read_through was called */
	bool placed;	   /* it put the reject file in place */
	bool place_failed; /* it could not (the reason is printed) */
};

static void on_reject(void *ctx, const struct error *e)
{
	struct rejects *r = ctx;
	char text[1024];

	if (r->listed < LIST_MAX)
		fprintf(stderr, "minsheng: %s\n", error_format(e, text, sizeof(text)));
	r->listed++;
	if (r->out) {
		struct buf b;

		buf_init(&b, 4096);
		buf_printf(&b, "%ld,%ld,", e->line, e->column);
		csv_write_field(&b, e->reason, strlen(e->reason));
		buf_addc(&b, ',');
		csv_write_field(&b, e->msg, strlen(e->msg));
		buf_addc(&b, '\n');
		if (fwrite(b.data, 1, b.len, r->out->f) != b.len)
			r->write_failed = 1;
		buf_free(&b);
	}
}

/*
 * values_import's before_commit: every row is read and every reject
 * written; the reject file takes its name now, before the rows are
 * committed. A file that cannot be written or put in place (its error
 * printed by cli_out_close) means nothing is committed.
 */
static int rows_read_through(void *ctx, struct error *err)
{
	struct rejects *r = ctx;

	r->read_through = true;
	if (!r->out)
		return 0;
	if (r->write_failed)
		return error_set(err, ERR_IO, "无法写入拒绝文件 '%s'", r->out->path);
	if (cli_out_close(r->out, true)) {
		r->place_failed = true;
		return error_set(err, ERR_IO, "无法写入拒绝文件 '%s'", r->out->path);
	}
	r->placed = true;
	return 0;
}

static int values_import_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"partial", no_argument, NULL, 'p'},
	    {"rejects", required_argument, NULL, 'r'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"db", required_argument, NULL, 'd'},
	    {0, 0, 0, 0},
	};
	const char *dbpath = NULL, *rejects_path = NULL, *encoding = NULL, *user, *file;
	struct values_import_opts o;
	struct values_import_stats st;
	struct rejects rj = {0};
	struct cli_out rout;
	struct error err;
	struct db *db = NULL;
	bool partial = false;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			partial = true;
			break;
		case 'r':
			rejects_path = optarg;
			break;
		case 'e':
			encoding = optarg;
			break;
		case 'd':
			dbpath = optarg;
			break;
		default:
			return cli_option_error("values import", IMPORT_USAGE, c, argc, argv);
		}
	}
	if ((rc = cli_import_file_arg(argc, argv, "values import", IMPORT_USAGE, &file)))
		return rc;
	if (rejects_path && !partial)
		return cli_usage_error("values import", IMPORT_USAGE,
				       "--rejects 只能与 --partial 一起使用");
	if (cli_opt_empty("--rejects", rejects_path))
		return ERR_USAGE;
	if (rejects_path) {
		struct stat si, so;

		/* the input would be replaced before it is read (as roster import) */
		if (stat(file, &si) == 0 && stat(rejects_path, &so) == 0 &&
		    si.st_dev == so.st_dev && si.st_ino == so.st_ino)
			return cli_usage_error("values import", IMPORT_USAGE,
					       "拒绝文件 '%s' 就是导入文件本身", rejects_path);
		if (cli_output_not_db("values import", IMPORT_USAGE, rejects_path, dbpath))
			return ERR_USAGE;
	}
	if ((rc = cli_input_readable(file)) || (rc = cli_encoding_known(file, encoding)))
		return rc;
	/* A temporary file, renamed over the reject file once every row is
	 * read, before the rows are committed (rows_read_through); made
	 * before the database, so an unwritable reject file creates none. A
	 * file refused as a whole leaves an existing reject file as it was. */
	if (rejects_path && (rc = cli_out_open(&rout, "拒绝文件", rejects_path)))
		return rc;
	if ((rc = cli_open_db(dbpath, &db))) {
		if (rejects_path)
			cli_out_close(&rout, false);
		return rc;
	}
	if (rejects_path) {
		rj.out = &rout;
		fputs("line,column,code,message\n", rout.f);
	}
	memset(&o, 0, sizeof(o));
	o.partial = partial;
	o.encoding = encoding;
	user = getenv("USER");
	o.user = user && user[0] ? user : NULL;
	o.reject = on_reject;
	o.before_commit = rows_read_through;
	o.ctx = &rj;
	error_clear(&err);
	rc = values_import_file(db, file, &o, &st, &err);
	db_close(db);
	/* not put in place: refused as a whole, or a failure first */
	if (rejects_path)
		cli_out_close(&rout, false);
	if (rj.listed > LIST_MAX)
		fprintf(stderr, "minsheng: 另有 %ld 行错误未列出\n", rj.listed - LIST_MAX);
	if (rc) {
		if (st.rejected && rc == ERR_INPUT && !partial) {
			fprintf(stderr, "minsheng: 共 %ld 行有错误，未导入任何数据\n", st.rejected);
			return ERR_INPUT;
		}
		if (!rj.place_failed) /* else cli_out_close printed why */
			cli_fail(&err);
		/* failed at the commit or just before it: say so plainly */
		if (rj.placed) {
			error_set(&err, ERR_IO, "未导入任何数据（拒绝文件 '%s' 已写出）",
				  rejects_path);
			cli_fail(&err);
		} else if (rj.read_through) {
			fprintf(stderr, "minsheng: 未导入任何数据\n");
		}
		return rc;
	}
	printf("导入 %ld 条，替换 %ld 条，拒绝 %ld 条", st.inserted, st.replaced, st.rejected);
	if (st.unchanged)
		printf("（另有 %ld 条与已有数值相同，未改动）", st.unchanged);
	printf("\n");
	return 0;
}

static int values_export_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"year", required_argument, NULL, 'y'},
	    {"db", required_argument, NULL, 'd'},
	    {0, 0, 0, 0},
	};
	const char *dbpath = NULL;
	struct error err;
	struct db *db = NULL;
	long year = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			if ((rc = cli_parse_long("--year", optarg, 1900, 9999, &year)))
				return rc;
			break;
		case 'd':
			dbpath = optarg;
			break;
		default:
			return cli_option_error("values export", EXPORT_USAGE, c, argc, argv);
		}
	}
	if ((rc = cli_no_operands(argc, argv, "values export", EXPORT_USAGE)))
		return rc;
	if (!year)
		return cli_usage_error("values export", EXPORT_USAGE, "需要 --year");
	if ((rc = cli_open_db_existing(dbpath, &db)))
		return rc;
	error_clear(&err);
	rc = values_export(db, (int)year, stdout, &err);
	db_close(db);
	return rc ? cli_fail(&err) : 0;
}

static void on_diff(void *ctx, const struct values_check_diff *d)
{
	bool *repair = ctx;

	if (d->last)
		printf("汇总不符：数据元 '%s'，单位 '%s'，%d 年，截至 %s 的最新值：存为 %s，应为 %s%s\n",
		       d->dataelement, d->orgunit, d->year, d->period, d->stored, d->expected,
		       *repair ? "（已修复）" : "");
	else
		printf("汇总不符：数据元 '%s'，单位 '%s'，%d 年，%s 合计：存为 %s，应为 %s%s\n",
		       d->dataelement, d->orgunit, d->year, d->period, d->stored, d->expected,
		       *repair ? "（已修复）" : "");
}

static int values_check_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"repair", no_argument, NULL, 'r'},
	    {"db", required_argument, NULL, 'd'},
	    {0, 0, 0, 0},
	};
	struct values_check_stats cs;
	const char *dbpath = NULL;
	struct error err;
	struct db *db = NULL;
	bool repair = false;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			repair = true;
			break;
		case 'd':
			dbpath = optarg;
			break;
		default:
			return cli_option_error("values check", CHECK_USAGE, c, argc, argv);
		}
	}
	if ((rc = cli_no_operands(argc, argv, "values check", CHECK_USAGE)))
		return rc;
	if ((rc = cli_open_db_existing(dbpath, &db)))
		return rc;
	error_clear(&err);
	rc = values_rollup_check(db, repair, on_diff, &repair, &cs, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	if (!cs.differ) {
		printf("核对通过：%ld 个汇总与其下的数据值一致\n", cs.checked);
		return 0;
	}
	if (repair) {
		printf("已修复 %ld 个汇总（共核对 %ld 个）\n", cs.repaired, cs.checked);
		return 0;
	}
	printf("核对未通过：%ld 个汇总与其下的数据值不符（共核对 %ld 个）；"
	       "用 values check --repair 重算\n",
	       cs.differ, cs.checked);
	return ERR_INPUT;
}

const struct cli_command cli_values_commands[] = {
    {"import", "导入数据值（DHIS2 CSV 格式）", IMPORT_USAGE, values_import_cmd, NULL},
    {"export", "导出数据值（DHIS2 CSV 格式）", EXPORT_USAGE, values_export_cmd, NULL},
    {"check", "核对汇总与数据值是否一致（--repair 重算不符的汇总）", CHECK_USAGE,
     values_check_cmd, NULL},
    {0},
};
