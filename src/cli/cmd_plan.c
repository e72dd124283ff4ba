/*
 * cmd_plan.c - `minsheng plan import|list`: the annual plan and its
 * targets. File format and semantics: docs/plans.md.
 */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/plan.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#define IMPORT_USAGE "FILE [--allow-mismatch] [--encoding E] [--db PATH]"
#define LIST_USAGE "--year Y [--format text|json|csv] [--db PATH]"

static int plan_import_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"allow-mismatch", no_argument, NULL, 'm'},
	    {"encoding", required_argument, NULL, 'e'},
	    {NULL, 0, NULL, 0},
	};
	struct plan_import_opts o = {false};
	struct plan_import_stats st = {0};
	const char *dbpath = NULL, *file;
	struct db *db = NULL;
	struct error err;
	int c, ret, printed = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else if (c == 'm')
			o.allow_mismatch = true;
		else if (c == 'e')
			o.encoding = optarg;
		else
			return cli_option_error("plan import", IMPORT_USAGE, c, argc, argv);
	}
	if ((ret = cli_import_file_arg(argc, argv, "plan import", IMPORT_USAGE, &file)) ||
	    (ret = cli_input_readable(file)) || (ret = cli_encoding_known(file, o.encoding)))
		return ret;
	ret = cli_open_db(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	ret = plan_import_file(db, file, &o, &st, cli_print_note, &printed, &err);
	if (ret) {
		cli_import_failed(ret, printed, &err, "计划未作任何修改");
		goto out;
	}
	printf("已导入 %ld 行：%ld 个项目，%ld 个指标（其中替换 %ld 个），%ld 个目标", st.rows,
	       st.projects, st.indicators, st.replaced, st.targets);
	if (st.mismatches)
		printf("；%ld 处目标分解不一致（已按 --allow-mismatch 接受）", st.mismatches);
	printf("\n");
out:
	db_close(db);
	return ret;
}

struct list_ctx {
	enum cli_format format;
	struct buf line;
	long n;
};

static int print_target(void *ctx_, const struct plan_target *t)
{
	struct list_ctx *ctx = ctx_;
	char year[16], pno[16];
	int ret = 0;

	snprintf(year, sizeof(year), "%d", t->year);
	snprintf(pno, sizeof(pno), "%d", t->project_no);
	switch (ctx->format) {
	case CLI_TEXT:
		printf("%s\t%s\t%s\t%s %s %s\t%s %s%s\n", pno, t->indicator, t->name, t->comparator,
		       t->target, t->unit, t->orgunit, t->orgunit_name,
		       t->derived ? "\t（推算）" : "");
		break;
	case CLI_CSV: {
		const char *v[] = {year,	  pno,	      t->project_title, t->indicator,
				   t->name,	  t->unit,    t->kind,		t->comparator,
				   t->target,	  t->orgunit, t->aggregation,	t->numerator,
				   t->denominator};

		ret = cli_csv_row(&ctx->line, v, sizeof(v) / sizeof(v[0]));
		break;
	}
	case CLI_JSON:
		/* The target stays text: exact decimals are never binary floats. */
		ret = cli_json_list_item(
		    json_pack(
			"{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:b}",
			"year", t->year, "project_no", t->project_no, "project_title",
			t->project_title, "indicator", t->indicator, "name", t->name, "unit",
			t->unit, "kind", t->kind, "comparator", t->comparator, "target", t->target,
			"orgunit", t->orgunit, "aggregation", t->aggregation, "numerator",
			t->numerator[0] ? t->numerator : NULL, "denominator",
			t->denominator[0] ? t->denominator : NULL, "derived", t->derived),
		    ctx->n);
		break;
	}
	if (ret)
		return ret;
	ctx->n++;
	return 0;
}

static int plan_list_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"year", required_argument, NULL, 'y'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	struct list_ctx ctx = {CLI_TEXT, {0}, 0};
	const char *dbpath = NULL;
	struct db *db = NULL;
	struct error err;
	long year = 0;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'y':
			if (cli_parse_long("--year", optarg, 1900, 9999, &year))
				return ERR_USAGE;
			break;
		case 'f':
			if (cli_format_parse(optarg, CLI_FORMATS_ALL, &ctx.format))
				return ERR_USAGE;
			break;
		default:
			return cli_option_error("plan list", LIST_USAGE, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "plan list", LIST_USAGE))
		return ERR_USAGE;
	if (!year)
		return cli_usage_error("plan list", LIST_USAGE, "需要 --year");
	ret = cli_open_db_existing(dbpath, &db);
	if (ret)
		return ret;
	buf_init(&ctx.line, 8192);
	error_clear(&err);
	if (ctx.format == CLI_CSV) {
		size_t i;

		for (i = 0; i < PLAN_COLUMNS; i++)
			printf("%s%s", i ? "," : "", plan_header[i]);
		printf("\n");
	}
	if (ctx.format == CLI_JSON)
		fputs("[", stdout);
	ret = plan_list(db, (int)year, print_target, &ctx, &err);
	if (ret == ERR_NOMEM && !err.code)
		error_set(&err, ERR_NOMEM, "内存不足");
	if (ctx.format == CLI_JSON)
		cli_json_list_end(ctx.n);
	if (ret)
		cli_fail(&err);
	else if (ctx.format == CLI_TEXT && ctx.n == 0)
		fprintf(stderr, "minsheng: %ld年没有计划\n", year);
	buf_free(&ctx.line);
	db_close(db);
	return ret;
}

const struct cli_command cli_plan_commands[] = {
    {"import", "导入年度计划与目标", IMPORT_USAGE, plan_import_cmd, NULL},
    {"list", "列出一年的计划与目标", LIST_USAGE, plan_list_cmd, NULL},
    {0},
};
