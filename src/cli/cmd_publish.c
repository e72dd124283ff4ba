/*
 * cmd_publish.c - `minsheng lagging` and `minsheng bulletin`: what the
 * province publishes (docs/bulletin.md).
 */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "tracker/bulletin.h"
#include "tracker/lagging.h"
#include "tracker/orgunit.h"
#include "tracker/report.h"

#include <getopt.h>
#include <stdio.h>

#define LAGGING_USAGE                                                                              \
	"--year Y --indicator CODE [--period P] [--orgunit CODE] [--level LEVEL] [--format text|json] [--db PATH]"
#define BULLETIN_USAGE "--year Y [--period P] [--orgunit CODE] [--precision N] [--db PATH]"

int cli_lagging(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"year", required_argument, NULL, 'y'},
	    {"indicator", required_argument, NULL, 'i'},
	    {"period", required_argument, NULL, 'p'},
	    {"level", required_argument, NULL, 'l'},
	    {"orgunit", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	struct lagging_opts o = {0};
	struct lagging *l = NULL;
	enum cli_format format = CLI_TEXT;
	const char *dbpath = NULL, *period = NULL;
	struct db *db = NULL;
	struct error err;
	struct buf out;
	long year = 0;
	int c, ret;

	o.level = ORGUNIT_COUNTY;
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
		case 'i':
			o.indicator = optarg;
			break;
		case 'o':
			o.orgunit = optarg;
			break;
		case 'p':
			period = optarg;
			break;
		case 'l':
			if (cli_parse_level("lagging", LAGGING_USAGE, optarg, ORGUNIT_CITY,
					    &o.level))
				return ERR_USAGE;
			break;
		case 'f':
			if (cli_format_parse(optarg, (1u << CLI_TEXT) | (1u << CLI_JSON), &format))
				return ERR_USAGE;
			break;
		default:
			return cli_option_error("lagging", LAGGING_USAGE, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "lagging", LAGGING_USAGE))
		return ERR_USAGE;
	if (!year || !o.indicator)
		return cli_usage_error("lagging", LAGGING_USAGE, "需要 --year 和 --indicator");
	o.year = (int)year;
	if (period) {
		struct period whole;

		if (cli_parse_period_in_year("lagging", LAGGING_USAGE, period, year, &o.period))
			return ERR_USAGE;
		/* a week or a day before any whole month: before the database */
		if (report_data_period(&o.period, &whole, &err))
			return cli_usage_error("lagging", LAGGING_USAGE, "%s", err.msg);
		o.has_period = true;
	}
	ret = cli_open_db_existing(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	buf_init(&out, 16 << 20);
	ret = lagging_build(db, &o, &l, &err);
	if (ret) {
		/* several roots and no --orgunit: the command line must change */
		if (ret == ERR_USAGE)
			cli_usage_error("lagging", LAGGING_USAGE, "%s", err.msg);
		else
			cli_fail(&err);
		goto out;
	}
	if (format == CLI_JSON)
		ret = lagging_write_json(l, &out);
	else
		ret = buf_printf(&out, "%s\n", l->text);
	if (ret) {
		error_set(&err, ERR_INTERNAL, "输出过长");
		ret = cli_fail(&err);
		goto out;
	}
	fputs(buf_str(&out), stdout);
out:
	lagging_free(l);
	buf_free(&out);
	db_close(db);
	return ret;
}

int cli_bulletin(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"year", required_argument, NULL, 'y'},
	    {"period", required_argument, NULL, 'p'},
	    {"precision", required_argument, NULL, 'n'},
	    {"orgunit", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL, *period = NULL, *orgunit = NULL;
	struct period p, whole;
	struct db *db = NULL;
	struct error err;
	struct buf out;
	long year = 0, prec = BULLETIN_PRECISION;
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
		case 'p':
			period = optarg;
			break;
		case 'o':
			orgunit = optarg;
			break;
		case 'n':
			/* as report's --precision: fraction digits of the percentages */
			if (cli_parse_long("--precision", optarg, 0, 4, &prec))
				return ERR_USAGE;
			break;
		default:
			return cli_option_error("bulletin", BULLETIN_USAGE, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "bulletin", BULLETIN_USAGE))
		return ERR_USAGE;
	if (!year)
		return cli_usage_error("bulletin", BULLETIN_USAGE, "需要 --year");
	if (period && cli_parse_period_in_year("bulletin", BULLETIN_USAGE, period, year, &p))
		return ERR_USAGE;
	if (period && report_data_period(&p, &whole, &err))
		return cli_usage_error("bulletin", BULLETIN_USAGE, "%s", err.msg);
	ret = cli_open_db_existing(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	buf_init(&out, 4 << 20);
	ret = bulletin_build_unit(db, (int)year, period != NULL, &p, (int)prec, orgunit, &out,
				  &err);
	if (ret == ERR_USAGE) /* several roots and no --orgunit */
		cli_usage_error("bulletin", BULLETIN_USAGE, "%s", err.msg);
	else if (ret)
		cli_fail(&err);
	else
		fputs(buf_str(&out), stdout);
	buf_free(&out);
	db_close(db);
	return ret;
}
