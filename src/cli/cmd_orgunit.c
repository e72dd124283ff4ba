/*
 * cmd_orgunit.c - `minsheng orgunit import|list`: the administrative tree.
 * File format and semantics: docs/orgunits.md.
 */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#define IMPORT_USAGE "FILE [--encoding E] [--db PATH]"
#define LIST_USAGE "[--level L] [--parent CODE] [--format text|json|csv] [--db PATH]"

static int orgunit_import_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"encoding", required_argument, NULL, 'e'},
	    {NULL, 0, NULL, 0},
	};
	struct orgunit_import_stats st = {0, 0, 0};
	const char *dbpath = NULL, *file, *encoding = NULL;
	struct db *db = NULL;
	struct error err;
	int c, ret, printed = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else if (c == 'e')
			encoding = optarg;
		else
			return cli_option_error("orgunit import", IMPORT_USAGE, c, argc, argv);
	}
	if ((ret = cli_import_file_arg(argc, argv, "orgunit import", IMPORT_USAGE, &file)) ||
	    (ret = cli_input_readable(file)) || (ret = cli_encoding_known(file, encoding)))
		return ret;
	ret = cli_open_db(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	ret = orgunit_import_file(db, file, encoding, &st, cli_print_note, &printed, &err);
	if (ret) {
		cli_import_failed(ret, printed, &err, "未写入任何单位");
		goto out;
	}
	printf("已导入 %ld 行：新增 %ld 个单位，%ld 个已存在且相同\n", st.rows, st.added,
	       st.existing);
out:
	db_close(db);
	return ret;
}

struct list_ctx {
	enum cli_format format;
	struct buf line;
	long n;
};

static int print_unit(void *ctx_, const struct orgunit *u)
{
	struct list_ctx *ctx = ctx_;
	int ret = 0;

	switch (ctx->format) {
	case CLI_TEXT:
		printf("%s\t%s\t%s\t%s\n", u->code, orgunit_level_zh(u->level), u->name, u->parent);
		break;
	case CLI_CSV: {
		const char *v[] = {u->code, u->name, orgunit_level_name(u->level), u->parent};

		ret = cli_csv_row(&ctx->line, v, sizeof(v) / sizeof(v[0]));
		break;
	}
	case CLI_JSON:
		ret = cli_json_list_item(json_pack("{s:s, s:s, s:s, s:s?}", "code", u->code, "name",
						   u->name, "level", orgunit_level_name(u->level),
						   "parent", u->parent[0] ? u->parent : NULL),
					 ctx->n);
		break;
	}
	if (ret)
		return ret;
	ctx->n++;
	return 0;
}

static int orgunit_list_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"level", required_argument, NULL, 'l'},
	    {"parent", required_argument, NULL, 'p'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	struct orgunit_filter f = {0, NULL, false};
	struct list_ctx ctx = {CLI_TEXT, {0}, 0};
	const char *dbpath = NULL;
	struct db *db = NULL;
	struct error err;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'l':
			if (cli_parse_level("orgunit list", LIST_USAGE, optarg, 1, &f.level))
				return ERR_USAGE;
			break;
		case 'p':
			f.parent = optarg;
			break;
		case 'f':
			if (cli_format_parse(optarg, CLI_FORMATS_ALL, &ctx.format))
				return ERR_USAGE;
			break;
		default:
			return cli_option_error("orgunit list", LIST_USAGE, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "orgunit list", LIST_USAGE))
		return ERR_USAGE;
	ret = cli_open_db_existing(dbpath, &db);
	if (ret)
		return ret;
	buf_init(&ctx.line, 4096);
	error_clear(&err);
	if (ctx.format == CLI_CSV)
		fputs("code,name,level,parent_code\n", stdout);
	if (ctx.format == CLI_JSON)
		fputs("[", stdout);
	ret = orgunit_list(db, &f, print_unit, &ctx, &err);
	if (ret == ERR_NOMEM && !err.code)
		error_set(&err, ERR_NOMEM, "内存不足");
	if (ctx.format == CLI_JSON)
		cli_json_list_end(ctx.n);
	if (ret)
		cli_fail(&err);
	buf_free(&ctx.line);
	db_close(db);
	return ret;
}

const struct cli_command cli_orgunit_commands[] = {
    {"import", "导入组织机构（code,name,level,parent_code）", IMPORT_USAGE, orgunit_import_cmd,
     NULL},
    {"list", "列出组织机构", LIST_USAGE, orgunit_list_cmd, NULL},
    {0},
};
