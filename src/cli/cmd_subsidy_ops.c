/*
 * cmd_subsidy_ops.c - the operations side of 一卡通: `subsidy batch create|list`,
 * `subsidy budget set`, `subsidy bankfile export|import`, `subsidy payment
 * correct`, `subsidy deaths import`, `subsidy officials import`,
 * `subsidy anomalies`, `subsidy disclose`, `subsidy lookup`, `subsidy stats`.
 * Semantics: docs/batches.md, docs/bankfile.md, docs/anomalies.md,
 * docs/disclosure.md, docs/stats.md.
 */
#include "cli/cli.h"
#include "cli/cmd_subsidy.h"

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"
#include "subsidy/batch.h"
#include "subsidy/people.h"
#include "subsidy/pii.h"
#include "subsidy/reconcile.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_CREATE_USAGE "--programme P --period X [--county CODE] [--db PATH]"
#define BATCH_LIST_USAGE "[--format text|json] [--db PATH]"
#define BUDGET_USAGE "--programme P --year Y --county CODE --amount-fen N [--db PATH]"
#define EXPORT_USAGE "BATCH --out FILE [--key PATH] [--db PATH]"
#define IMPORT_USAGE "FILE [--db PATH]"
#define CORRECT_USAGE "--payment ID --account ACCOUNT [--key PATH] [--db PATH]"

/* Options every command here shares. */
struct common {
	const char *db;
	const char *key;
};

/* Open the database and load the key bound to it (pii_open, no creation). */
static int open_with_key(const struct common *c, struct db **db, struct pii_keys *keys)
{
	struct error err;
	int rc;

	rc = cli_open_db(c->db, db);
	if (rc)
		return rc;
	error_clear(&err);
	if (pii_init(&err) || pii_open(*db, c->key, 0, keys, &err)) {
		db_close(*db);
		*db = NULL;
		return cli_fail(&err);
	}
	return 0;
}

/* ---- batch create ---- */

int cli_subsidy_batch_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"programme", required_argument, NULL, 'p'},
		{"period", required_argument, NULL, 'e'},
		{"county", required_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	struct batch_request req = {0};
	struct batch_result res;
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	char total[32];
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			com.db = optarg;
			break;
		case 'p':
			req.programme = optarg;
			break;
		case 'e':
			req.period = optarg;
			break;
		case 'c':
			req.county = optarg;
			break;
		default:
			return cli_usage_error("subsidy batch create", BATCH_CREATE_USAGE,
					       "无效的选项");
		}
	}
	if (optind != argc)
		return cli_usage_error("subsidy batch create", BATCH_CREATE_USAGE,
				       "多余的参数 '%s'", argv[optind]);
	if (!req.programme || !req.period)
		return cli_usage_error("subsidy batch create", BATCH_CREATE_USAGE,
				       "需要 --programme 和 --period");
	rc = cli_open_db(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	rc = batch_create(db, &req, &res, &err);
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	if (res.held_now)
		printf("因死亡记录新暂停发放 %lld 条应发记录\n", (long long)res.held_now);
	if (res.batch_id == 0) {
		printf("没有待发放的应发记录，未生成批次（暂停发放 %lld 条）\n", (long long)res.held);
		goto out;
	}
	batch_yuan(res.total_fen, total, sizeof(total));
	printf("批次 %lld：%lld 笔，合计 %s 元（%lld 分）\n", (long long)res.batch_id,
	       (long long)res.count, total, (long long)res.total_fen);
	printf("  首次发放 %lld 笔 %lld 分，重发 %lld 笔 %lld 分，暂停发放（跳过） %lld 条\n",
	       (long long)res.new_count, (long long)res.new_fen, (long long)res.reissue_count,
	       (long long)res.reissue_fen, (long long)res.held);
out:
	db_close(db);
	return rc;
}

/* ---- batch list ---- */

struct list_ctx {
	enum cli_format format;
	int n;
};

static int print_batch(void *ctx, const struct batch_info *b)
{
	struct list_ctx *l = ctx;
	char total[32];

	batch_yuan(b->total_fen, total, sizeof(total));
	if (l->format == CLI_JSON) {
		printf("%s\n  {\"id\": %lld, \"programme\": \"%s\", \"period\": \"%s\", "
		       "\"county\": %s%s%s, \"created_at\": \"%s\", \"count\": %lld, "
		       "\"total_fen\": %lld, \"pending\": %lld, \"paid\": %lld, \"failed\": %lld, "
		       "\"cancelled\": %lld}",
		       l->n ? "," : "", (long long)b->id, b->programme, b->period,
		       b->county[0] ? "\"" : "", b->county[0] ? b->county : "null",
		       b->county[0] ? "\"" : "", b->created_at, (long long)b->count,
		       (long long)b->total_fen, (long long)b->pending, (long long)b->paid,
		       (long long)b->failed, (long long)b->cancelled);
	} else {
		if (!l->n)
			printf("批次\t项目\t期间\t县\t生成时间\t笔数\t金额（元）\t在途\t已发\t失败\t已取消\n");
		printf("%lld\t%s\t%s\t%s\t%s\t%lld\t%s\t%lld\t%lld\t%lld\t%lld\n", (long long)b->id,
		       b->programme, b->period, b->county[0] ? b->county : "全部", b->created_at,
		       (long long)b->count, total, (long long)b->pending, (long long)b->paid,
		       (long long)b->failed, (long long)b->cancelled);
	}
	l->n++;
	return 0;
}

int cli_subsidy_batch_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	struct list_ctx l = {CLI_TEXT, 0};
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			com.db = optarg;
		else if (c == 'f') {
			if (cli_format_parse(optarg, 1u << CLI_TEXT | 1u << CLI_JSON, &l.format))
				return ERR_USAGE;
		} else
			return cli_usage_error("subsidy batch list", BATCH_LIST_USAGE, "无效的选项");
	}
	if (optind != argc)
		return cli_usage_error("subsidy batch list", BATCH_LIST_USAGE, "多余的参数 '%s'",
				       argv[optind]);
	rc = cli_open_db(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	if (l.format == CLI_JSON)
		printf("[");
	rc = batch_list(db, print_batch, &l, &err);
	if (l.format == CLI_JSON)
		printf("%s]\n", l.n ? "\n" : "");
	else if (!rc && !l.n)
		printf("没有批次\n");
	if (rc)
		cli_fail(&err);
	db_close(db);
	return rc;
}

/* ---- budget set ---- */

int cli_subsidy_budget_set(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"programme", required_argument, NULL, 'p'},
		{"year", required_argument, NULL, 'y'},
		{"county", required_argument, NULL, 'c'},
		{"amount-fen", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	const char *programme = NULL, *county = NULL, *amount_s = NULL;
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	long year = 0;
	long long amount;
	char *end, yuan[32];
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			com.db = optarg;
			break;
		case 'p':
			programme = optarg;
			break;
		case 'y':
			if (cli_parse_long("--year", optarg, 1900, 9999, &year))
				return ERR_USAGE;
			break;
		case 'c':
			county = optarg;
			break;
		case 'a':
			amount_s = optarg;
			break;
		default:
			return cli_usage_error("subsidy budget set", BUDGET_USAGE, "无效的选项");
		}
	}
	if (optind != argc || !programme || !county || !amount_s || !year)
		return cli_usage_error("subsidy budget set", BUDGET_USAGE,
				       "需要 --programme、--year、--county 和 --amount-fen");
	if (amount_s[0] < '0' || amount_s[0] > '9' || strlen(amount_s) > 15)
		return cli_usage_error("subsidy budget set", BUDGET_USAGE,
				       "--amount-fen 的值 '%s' 无效（应为非负整数，单位分）", amount_s);
	amount = strtoll(amount_s, &end, 10);
	if (*end)
		return cli_usage_error("subsidy budget set", BUDGET_USAGE,
				       "--amount-fen 的值 '%s' 无效（应为非负整数，单位分）", amount_s);
	rc = cli_open_db(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	rc = budget_set(db, programme, (int)year, county, amount, &err);
	if (rc) {
		cli_fail(&err);
	} else {
		batch_yuan(amount, yuan, sizeof(yuan));
		printf("预算：项目 %s %ld年 县 %s %s 元（%lld 分）\n", programme, year, county,
		       yuan, amount);
	}
	db_close(db);
	return rc;
}

/* ---- bankfile export ---- */

int cli_subsidy_bankfile_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"key", required_argument, NULL, 'k'},
		{"out", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	const char *out = NULL;
	long batch;
	int64_t count, total;
	char yuan[32];
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			com.db = optarg;
		else if (c == 'k')
			com.key = optarg;
		else if (c == 'o')
			out = optarg;
		else
			return cli_usage_error("subsidy bankfile export", EXPORT_USAGE, "无效的选项");
	}
	if (optind != argc - 1 || !out)
		return cli_usage_error("subsidy bankfile export", EXPORT_USAGE,
				       "需要一个批次号和 --out");
	if (cli_parse_long("BATCH", argv[optind], 1, INT64_MAX, &batch))
		return ERR_USAGE;
	rc = open_with_key(&com, &db, &keys);
	if (rc)
		return rc;
	error_clear(&err);
	rc = bankfile_export(db, &keys, batch, out, &count, &total, &err);
	pii_keys_wipe(&keys);
	if (rc) {
		cli_fail(&err);
	} else {
		batch_yuan(total, yuan, sizeof(yuan));
		printf("已导出批次 %ld 的代发文件 %s：%lld 笔，合计 %s 元（%lld 分）\n", batch, out,
		       (long long)count, yuan, (long long)total);
	}
	db_close(db);
	return rc;
}

/* ---- bankfile import ---- */

struct import_ctx {
	int64_t shown[RECON_NOUTCOMES];
};

#define NOTES_SHOWN 20

static void print_note(void *ctx, enum reconcile_outcome o, long line, int64_t pid,
		       const char *msg)
{
	struct import_ctx *ic = ctx;

	if (ic->shown[o]++ < NOTES_SHOWN)
		printf("  %s：第 %ld 行 发放编号 %lld：%s\n", reconcile_outcome_label(o), line,
		       (long long)pid, msg);
	else if (ic->shown[o] == NOTES_SHOWN + 1)
		printf("  %s：……（更多见 bank_return_line 表）\n", reconcile_outcome_label(o));
}

int cli_subsidy_bankfile_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	struct reconcile_summary s;
	struct import_ctx ic;
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	int c, rc, i;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			com.db = optarg;
		else
			return cli_usage_error("subsidy bankfile import", IMPORT_USAGE, "无效的选项");
	}
	if (optind != argc - 1)
		return cli_usage_error("subsidy bankfile import", IMPORT_USAGE, "需要一个文件名");
	rc = cli_open_db(com.db, &db);
	if (rc)
		return rc;
	memset(&ic, 0, sizeof(ic));
	error_clear(&err);
	rc = bankfile_import(db, argv[optind], &s, print_note, &ic, &err);
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	if (s.already_imported) {
		printf("回盘文件 %s 已于 %s 导入（导入记录 %lld），本次未作任何更改\n", argv[optind],
		       s.imported_at, (long long)s.import_id);
		goto out;
	}
	printf("回盘文件 %s（批次 %lld，导入记录 %lld）：明细 %lld 行\n", argv[optind],
	       (long long)s.batch_id, (long long)s.import_id, (long long)s.lines);
	for (i = 0; i < RECON_NOUTCOMES; i++) {
		if (i <= RECON_REVERSED)
			printf("  %s %lld 笔，金额 %lld 分\n", reconcile_outcome_label(i),
			       (long long)s.n[i], (long long)s.fen[i]);
		else
			printf("  %s %lld 行\n", reconcile_outcome_label(i), (long long)s.n[i]);
	}
	printf("  未回盘（仍在途） %lld 笔\n", (long long)s.still_pending);
out:
	db_close(db);
	return rc;
}

/* ---- payment correct ---- */

int cli_subsidy_payment_correct(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"key", required_argument, NULL, 'k'},
		{"payment", required_argument, NULL, 'p'},
		{"account", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	const char *account = NULL;
	long payment = 0;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			com.db = optarg;
			break;
		case 'k':
			com.key = optarg;
			break;
		case 'p':
			if (cli_parse_long("--payment", optarg, 1, INT64_MAX, &payment))
				return ERR_USAGE;
			break;
		case 'a':
			account = optarg;
			break;
		default:
			return cli_usage_error("subsidy payment correct", CORRECT_USAGE,
					       "无效的选项");
		}
	}
	if (optind != argc || !payment || !account)
		return cli_usage_error("subsidy payment correct", CORRECT_USAGE,
				       "需要 --payment 和 --account");
	rc = open_with_key(&com, &db, &keys);
	if (rc)
		return rc;
	error_clear(&err);
	rc = payment_correct(db, &keys, payment, account, &err);
	pii_keys_wipe(&keys);
	if (rc)
		cli_fail(&err);
	else
		printf("发放记录 %ld 已更正账户（尾号 %s），将在该项目期间的下一批次重发\n", payment,
		       account + strlen(account) - 4);
	db_close(db);
	return rc;
}

/* ---- deaths import, officials import ---- */

#define DEATHS_USAGE "FILE [--key PATH] [--db PATH]"
#define OFFICIALS_USAGE "FILE [--key PATH] [--db PATH]"

static void print_reject(void *ctx, const struct error *e)
{
	char text[1024];

	(void)ctx;
	fprintf(stderr, "minsheng: %s\n", error_format(e, text, sizeof(text)));
}

static int people_command(int argc, char **argv, int deaths)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"key", required_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	const char *words = deaths ? "subsidy deaths import" : "subsidy officials import";
	const char *usage = deaths ? DEATHS_USAGE : OFFICIALS_USAGE;
	struct people_summary sum;
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			com.db = optarg;
		else if (c == 'k')
			com.key = optarg;
		else
			return cli_usage_error(words, usage, "无效的选项");
	}
	if (optind != argc - 1)
		return cli_usage_error(words, usage, "需要一个文件名");
	rc = cli_open_db(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	/* The key is created on first use, as a roster import would. */
	if (pii_init(&err) || db_begin(db, &err) || pii_open(db, com.key, 1, &keys, &err) ||
	    db_commit(db, &err)) {
		db_rollback(db);
		rc = cli_fail(&err);
		goto out;
	}
	rc = deaths ? deaths_import(db, &keys, argv[optind], print_reject, NULL, &sum, &err)
		    : officials_import(db, &keys, argv[optind], print_reject, NULL, &sum, &err);
	pii_keys_wipe(&keys);
	if (rc == ERR_INPUT && sum.rejected) {
		fprintf(stderr, "minsheng: %s 有 %lld 行错误，未导入任何记录\n", argv[optind],
			(long long)sum.rejected);
		goto out;
	}
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	if (deaths)
		printf("已导入死亡记录 %lld 行：新增 %lld，更正 %lld；新暂停发放应发记录 %lld 条\n",
		       (long long)sum.rows, (long long)sum.added, (long long)sum.updated,
		       (long long)sum.held);
	else
		printf("已导入公职人员 %lld 行：新增 %lld\n", (long long)sum.rows,
		       (long long)sum.added);
out:
	db_close(db);
	return rc;
}

int cli_subsidy_deaths_import(int argc, char **argv)
{
	return people_command(argc, argv, 1);
}

int cli_subsidy_officials_import(int argc, char **argv)
{
	return people_command(argc, argv, 0);
}
