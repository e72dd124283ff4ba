/*
 * cmd_report.c - "minsheng report": year-to-date progress of every
 * indicator at a unit, optionally ranked over the units of a level (see
 * docs/report.md).
 */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/mask.h"
#include "tracker/report.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define USAGE                                                                                      \
	"--year Y [--period P] [--orgunit CODE] [--by LEVEL] [--precision N]"                      \
	" [--indicator CODE] [--yellow-pp N] [--rate-yellow-pp N]"                                 \
	" [--format text|json|csv] [--db PATH]"

static int parse_pp(const char *opt, const char *s, struct decimal *out)
{
	struct error e;

	if (decimal_parse(s, strlen(s), out, &e) || decimal_is_negative(*out) || out->scale > 4)
		return cli_usage_error("report", USAGE,
				       "选项 %s 的值 '%s' 无效（应为不小于 0 的数，最多 4 位小数）",
				       opt, s);
	return 0;
}

int cli_report(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"year", required_argument, NULL, 'y'},
	    {"period", required_argument, NULL, 'p'},
	    {"orgunit", required_argument, NULL, 'o'},
	    {"by", required_argument, NULL, 'b'},
	    {"precision", required_argument, NULL, 'n'},
	    {"indicator", required_argument, NULL, 'i'},
	    {"yellow-pp", required_argument, NULL, 'Y'},
	    {"rate-yellow-pp", required_argument, NULL, 'R'},
	    {"format", required_argument, NULL, 'f'},
	    {"db", required_argument, NULL, 'd'},
	    {0, 0, 0, 0},
	};
	const char *dbpath = NULL, *period = NULL;
	enum cli_format fmt = CLI_TEXT;
	struct report_opts o;
	struct report *r = NULL;
	struct error err;
	struct db *db = NULL;
	struct buf b;
	long year = 0, prec = 1;
	int c, rc;

	report_opts_init(&o, 0);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			if ((rc = cli_parse_long("--year", optarg, 1900, 9999, &year)))
				return rc;
			break;
		case 'p':
			period = optarg;
			break;
		case 'o':
			o.orgunit = optarg;
			break;
		case 'b':
			if ((rc = cli_parse_level("report", USAGE, optarg, 1, &o.by_level)))
				return rc;
			break;
		case 'n':
			if ((rc = cli_parse_long("--precision", optarg, 0, 4, &prec)))
				return rc;
			break;
		case 'i':
			o.indicator = optarg;
			break;
		case 'Y':
			if ((rc = parse_pp("--yellow-pp", optarg, &o.count_yellow_pp)))
				return rc;
			break;
		case 'R':
			if ((rc = parse_pp("--rate-yellow-pp", optarg, &o.rate_yellow_pp)))
				return rc;
			break;
		case 'f':
			if ((rc = cli_format_parse(optarg, CLI_FORMATS_ALL, &fmt)))
				return rc;
			break;
		case 'd':
			dbpath = optarg;
			break;
		default:
			return cli_option_error("report", USAGE, c, argc, argv);
		}
	}
	if ((rc = cli_no_operands(argc, argv, "report", USAGE)))
		return rc;
	if (!year)
		return cli_usage_error("report", USAGE, "需要 --year");
	o.year = (int)year;
	o.precision = (int)prec;
	if (period) {
		struct period whole;

		if ((rc = cli_parse_period_in_year("report", USAGE, period, year, &o.period)))
			return rc;
		/* a week or a day before any whole month: before the database */
		if (report_data_period(&o.period, &whole, &err))
			return cli_usage_error("report", USAGE, "%s", err.msg);
		o.has_period = true;
	}
	if ((rc = cli_open_db_existing(dbpath, &db)))
		return rc;
	error_clear(&err);
	rc = report_build(db, &o, &r, &err);
	db_close(db);
	if (rc == ERR_USAGE) /* several roots and no --orgunit */
		return cli_usage_error("report", USAGE, "%s", err.msg);
	if (rc)
		return cli_fail(&err);
	buf_init(&b, (size_t)1 << 30);
	rc = fmt == CLI_JSON  ? report_write_json(r, &b)
	     : fmt == CLI_CSV ? report_write_csv(r, mask_csv_text, &b)
			      : report_write_text(r, &b);
	report_free(r);
	if (rc) {
		buf_free(&b);
		fprintf(stderr, "minsheng: 报告过大或内存不足\n");
		return ERR_IO;
	}
	/* a short fwrite leaves stdout's error flag set: cli_stdout_close sees it */
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	return cli_stdout_close();
}
