/*
 * cmd_subsidy_ops.c - the operations side of 一卡通: `subsidy batch create|list`,
 * `subsidy budget set`, `subsidy bankfile export|import`, `subsidy payment
 * correct|cancel|settle`, `subsidy hold release|cancel`, `subsidy deaths import`,
 * `subsidy officials import`,
 * `subsidy anomalies`, `subsidy disclose`, `subsidy lookup`, `subsidy stats`.
 * Semantics: docs/batches.md, docs/bankfile.md, docs/anomalies.md,
 * docs/disclosure.md, docs/stats.md.
 */
#include "cli/cli.h"
#include "cli/cmd_subsidy.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/anomaly.h"
#include "subsidy/batch.h"
#include "subsidy/cancel.h"
#include "subsidy/disclose.h"
#include "subsidy/ledger.h"
#include "subsidy/mask.h"
#include "subsidy/people.h"
#include "subsidy/pii.h"
#include "subsidy/reconcile.h"
#include "subsidy/settle.h"
#include "subsidy/stats.h"
#include "tracker/orgunit.h"
#include "tracker/values.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH_CREATE_USAGE "--programme P --period X [--county CODE] [--db PATH]"
#define BATCH_LIST_USAGE "[--format text|json] [--db PATH]"
#define BUDGET_USAGE "--programme P --year Y --county CODE --amount-fen N [--db PATH]"
#define EXPORT_USAGE "BATCH --out FILE [--key PATH] [--db PATH]"
#define IMPORT_USAGE "FILE [--db PATH]"
#define CORRECT_USAGE "--payment ID --account ACCOUNT|- [--not-sscard] [--key PATH] [--db PATH]"

/* Options every command here shares. */
struct common {
	const char *db;
	const char *key;
};

/* Start reading a command's options (glibc: optind 0 re-initialises). */
static void options_start(void)
{
	optind = 0;
	opterr = 0;
}

/*
 * getopt_long over opts, which may hold --db ('d') and --key ('k'): those
 * two go into *com and are not returned. Returns another option's letter,
 * ':' or '?' for a bad one (for cli_option_error), -1 at the end.
 */
static int next_option(int argc, char **argv, const struct option *opts, struct common *com)
{
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) == 'd' || c == 'k') {
		if (c == 'd')
			com->db = optarg;
		else
			com->key = optarg;
	}
	return c;
}

/*
 * Open the database and load the key bound to it (pii_open, no key is
 * created). create: a missing database is created (a command that writes)
 * rather than refused (one that only reads).
 */
static int open_with_key(const struct common *c, bool create, struct db **db, struct pii_keys *keys)
{
	struct error err;
	int rc;

	if (cli_opt_empty("--key", c->key))
		return ERR_USAGE;
	rc = create ? cli_open_db(c->db, db) : cli_open_db_existing(c->db, db);
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

/*
 * The bulk commands (batch create, bank file export and import) touch
 * millions of rows in one transaction: a large page cache keeps the
 * working set in memory, pages are read through a memory map instead of
 * being copied by read() (halved the export's time here), and glibc is told
 * not to hand the heap back to the kernel after every free (SQLite
 * allocates and frees a large block per statement step in places;
 * returning it each time costs a system call and a TLB flush).
 */
static void bulk_tune(struct db *db)
{
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	db_exec(db,
		"PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
		" PRAGMA mmap_size = 4294967296;",
		NULL);
}

/*
 * The longest secret read from standard input (after the line end is
 * taken off): well above an 18-character ID or a 19-digit account, so a
 * wrong value is refused by its own check, with its own message.
 */
#define STDIN_SECRET_MAX 64

/*
 * A full ID or account number given as "-": read from the first line of
 * standard input, so that it never appears on a command line (every local
 * user can read those, ps). One trailing LF, then one CR, is taken off.
 * Usage error (ERR_USAGE) for no line at all, an empty line, one over
 * STDIN_SECRET_MAX bytes or holding a NUL byte; ERR_IO when standard input
 * cannot be read. out (n > STDIN_SECRET_MAX + 1 bytes) gets the value; the
 * caller wipes it after use.
 */
static int secret_from_stdin(const char *words, const char *usage, const char *opt, char *out,
			     size_t n)
{
	size_t len = 0;
	bool any = false;
	int c;

	assert(n > STDIN_SECRET_MAX + 1);
	out[0] = '\0';
	while ((c = getc(stdin)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		/* Room for the value and one CR before the LF. */
		if (len >= STDIN_SECRET_MAX + 1) {
			explicit_bzero(out, n);
			return cli_usage_error(words, usage,
					       "选项 %s 的值为 '-'，但标准输入的第一行超过 %d 字节", opt,
					       STDIN_SECRET_MAX);
		}
		out[len++] = (char)c;
	}
	if (ferror(stdin)) {
		explicit_bzero(out, n);
		fprintf(stderr, "minsheng: 无法读取标准输入（选项 %s 的值）：%s\n", opt,
			error_errno_text(errno));
		return ERR_IO;
	}
	out[len] = '\0';
	if (len > 0 && out[len - 1] == '\r')
		out[--len] = '\0';
	if (!any)
		return cli_usage_error(words, usage,
				       "选项 %s 的值为 '-'，但标准输入没有内容（应在第一行给出）", opt);
	if (len == 0)
		return cli_usage_error(words, usage, "选项 %s 的值为 '-'，但标准输入的第一行为空",
				       opt);
	if (len > STDIN_SECRET_MAX) {
		explicit_bzero(out, n);
		return cli_usage_error(words, usage,
				       "选项 %s 的值为 '-'，但标准输入的第一行超过 %d 字节", opt,
				       STDIN_SECRET_MAX);
	}
	if (strlen(out) != len) {
		explicit_bzero(out, n);
		return cli_usage_error(words, usage,
				       "选项 %s 的值为 '-'，但标准输入的第一行含 NUL 字节", opt);
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

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		switch (c) {
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
			return cli_option_error("subsidy batch create", BATCH_CREATE_USAGE, c, argc,
						argv);
		}
	}
	if (cli_no_operands(argc, argv, "subsidy batch create", BATCH_CREATE_USAGE))
		return ERR_USAGE;
	if (!req.programme || !req.period)
		return cli_usage_error("subsidy batch create", BATCH_CREATE_USAGE,
				       "需要 --programme 和 --period");
	/* A malformed period is a usage error, as in every command taking
	 * --period; one of the wrong kind for the programme is the data's
	 * (exit 1, period_frequency). */
	if (cli_parse_period("subsidy batch create", BATCH_CREATE_USAGE, req.period,
			     &(struct period){0}))
		return ERR_USAGE;
	if (req.county && cli_orgunit_code("--county", req.county, ORGUNIT_COUNTY))
		return ERR_USAGE;
	/* Nothing to pay from a database without programmes and rosters. */
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	if (req.county && (rc = cli_orgunit_known(db, req.county, ORGUNIT_COUNTY)))
		goto out;
	bulk_tune(db);
	error_clear(&err);
	rc = batch_create(db, &req, &res, &err);
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	if (res.held_now)
		printf("因死亡记录新暂停发放 %lld 条应发记录\n", (long long)res.held_now);
	if (res.blocked)
		printf("另有 %lld 笔已更正的失败发放未重发：银行曾报成功，可能已到账（见 subsidy "
		       "anomalies 的 bank_success_conflict）\n",
		       (long long)res.blocked);
	if (res.batch_id == 0) {
		printf("没有待发放的应发记录，未生成批次（暂停发放 %lld 条）\n",
		       (long long)res.held);
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
		json_t *o = json_object();

		json_object_set_new(o, "id", json_integer(b->id));
		json_object_set_new(o, "programme", json_string(b->programme));
		json_object_set_new(o, "period", json_string(b->period));
		json_object_set_new(o, "county",
				    b->county[0] ? json_string(b->county) : json_null());
		json_object_set_new(o, "created_at", json_string(b->created_at));
		json_object_set_new(o, "count", json_integer(b->count));
		json_object_set_new(o, "total_fen", json_integer(b->total_fen));
		json_object_set_new(o, "pending", json_integer(b->pending));
		json_object_set_new(o, "paid", json_integer(b->paid));
		json_object_set_new(o, "failed", json_integer(b->failed));
		json_object_set_new(o, "cancelled", json_integer(b->cancelled));
		if (cli_json_list_item(o, l->n))
			return ERR_NOMEM;
	} else {
		if (!l->n)
			printf("批次\t项目\t期间\t县\t生成时间\t笔数\t金额（元）\t在途\t已发\t失败"
			       "\t已取消\n");
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

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		if (c == 'f') {
			if (cli_format_parse(optarg, 1u << CLI_TEXT | 1u << CLI_JSON, &l.format))
				return ERR_USAGE;
		} else
			return cli_option_error("subsidy batch list", BATCH_LIST_USAGE, c, argc,
						argv);
	}
	if (cli_no_operands(argc, argv, "subsidy batch list", BATCH_LIST_USAGE))
		return ERR_USAGE;
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	if (l.format == CLI_JSON)
		printf("[");
	rc = batch_list(db, print_batch, &l, &err);
	if (l.format == CLI_JSON)
		cli_json_list_end(l.n);
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

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		switch (c) {
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
			return cli_option_error("subsidy budget set", BUDGET_USAGE, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "subsidy budget set", BUDGET_USAGE))
		return ERR_USAGE;
	if (!programme || !county || !amount_s || !year)
		return cli_usage_error("subsidy budget set", BUDGET_USAGE,
				       "需要 --programme、--year、--county 和 --amount-fen");
	if (amount_s[0] < '0' || amount_s[0] > '9' || strlen(amount_s) > 15)
		return cli_usage_error("subsidy budget set", BUDGET_USAGE,
				       "选项 --amount-fen 的值 '%s' 无效（应为非负整数，单位分）",
				       amount_s);
	amount = strtoll(amount_s, &end, 10);
	if (*end)
		return cli_usage_error("subsidy budget set", BUDGET_USAGE,
				       "选项 --amount-fen 的值 '%s' 无效（应为非负整数，单位分）",
				       amount_s);
	if (cli_orgunit_code("--county", county, ORGUNIT_COUNTY))
		return ERR_USAGE;
	/* A budget is for a programme: an empty database has none. */
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	rc = cli_orgunit_known(db, county, ORGUNIT_COUNTY);
	if (!rc && (rc = budget_set(db, programme, (int)year, county, amount, &err)))
		cli_fail(&err);
	else if (!rc) {
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
	struct cli_out o;
	char *end;
	long batch;
	int64_t count, total;
	char yuan[32];
	int c, rc;

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		if (c == 'o')
			out = optarg;
		else
			return cli_option_error("subsidy bankfile export", EXPORT_USAGE, c, argc,
						argv);
	}
	if (optind != argc - 1 || !out)
		return cli_usage_error("subsidy bankfile export", EXPORT_USAGE,
				       "需要一个批次号和 --out");
	/* An operand, not an option: its own message (cli_parse_long says 选项). */
	errno = 0;
	batch = strtol(argv[optind], &end, 10);
	if (argv[optind][0] < '0' || argv[optind][0] > '9' || errno || *end || batch < 1)
		return cli_usage_error("subsidy bankfile export", EXPORT_USAGE,
				       "批次号 '%s' 无效（应为正整数）", argv[optind]);
	/* The payment file holds full names and account numbers: only a
	 * regular file, written 0600 and renamed into place, never a terminal,
	 * a pipe, a device or anything under /dev or /proc (/dev/stdout
	 * redirected to a file would be written in place, keeping its mode). */
	if (!cli_opt_empty("--out", out) && cli_out_in_place(out))
		return cli_usage_error("subsidy bankfile export", EXPORT_USAGE,
				       "输出文件 '%s' 不是普通文件（银行文件只写入普通文件）", out);
	if (cli_opt_empty("--out", out) ||
	    cli_output_not_db("subsidy bankfile export", EXPORT_USAGE, out, com.db) ||
	    cli_output_not_key("subsidy bankfile export", EXPORT_USAGE, out, com.key, com.db))
		return ERR_USAGE;
	/* before the database: an output that cannot be written is refused
	 * first (cli_out: temporary file renamed into place, 0600 whatever it
	 * replaces) */
	if ((rc = cli_out_open_mode(&o, "输出文件", out, 0600)))
		return rc;
	rc = open_with_key(&com, false, &db, &keys);
	if (rc) {
		cli_out_close(&o, false);
		return rc;
	}
	bulk_tune(db);
	error_clear(&err);
	rc = bankfile_export(db, &keys, batch, fileno(o.f), out, &count, &total, &err);
	pii_keys_wipe(&keys);
	if (rc)
		cli_fail(&err);
	if (cli_out_close(&o, rc == 0) && !rc)
		rc = ERR_IO;
	if (!rc) {
		batch_yuan(total, yuan, sizeof(yuan));
		printf("已导出批次 %ld 的代发文件 %s：%lld 笔，合计 %s 元（%lld 分）\n", batch, out,
		       (long long)count, yuan, (long long)total);
	}
	db_close(db);
	return rc;
}

/* ---- bankfile import ---- */

/*
 * The notes are kept (at most NOTES_SHOWN per kind, so a few tens of
 * kilobytes) and printed only once the import has committed: they describe
 * changes, and an import that fails at its commit changed nothing.
 */
struct import_ctx {
	int64_t shown[RECON_NOUTCOMES];
	struct buf notes;
	int lost; /* a note could not be kept (out of memory) */
};

#define NOTES_SHOWN 20

static void keep_note(void *ctx, enum reconcile_outcome o, long line, int64_t pid, const char *msg)
{
	struct import_ctx *ic = ctx;
	int rc = 0;

	if (ic->shown[o]++ < NOTES_SHOWN)
		rc = buf_printf(&ic->notes, "  %s：第 %ld 行 发放编号 %lld：%s\n",
				reconcile_outcome_label(o), line, (long long)pid, msg);
	else if (ic->shown[o] == NOTES_SHOWN + 1)
		rc = buf_printf(&ic->notes, "  %s：……（更多见 bank_return_line 表）\n",
				reconcile_outcome_label(o));
	if (rc)
		ic->lost = 1;
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
	const char *file;
	int c, rc, i;

	options_start();
	if ((c = next_option(argc, argv, opts, &com)) != -1)
		return cli_option_error("subsidy bankfile import", IMPORT_USAGE, c, argc, argv);
	if (cli_import_file_arg(argc, argv, "subsidy bankfile import", IMPORT_USAGE, &file))
		return ERR_USAGE;
	if ((rc = cli_input_readable(file)))
		return rc;
	/* A return file answers a batch exported from an existing database. */
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	bulk_tune(db);
	memset(&ic, 0, sizeof(ic));
	buf_init(&ic.notes, 1 << 20);
	error_clear(&err);
	rc = bankfile_import(db, file, &s, keep_note, &ic, &err);
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	fputs(buf_str(&ic.notes), stdout);
	if (ic.lost)
		printf("  ……（内存不足，部分说明未显示；全部见 bank_return_line 表）\n");
	if (s.already_imported) {
		printf("回盘文件 %s 已于 %s 导入（导入记录 %lld），本次未作任何更改\n", file,
		       s.imported_at, (long long)s.import_id);
		goto out;
	}
	printf("回盘文件 %s（批次 %lld，导入记录 %lld）：明细 %lld 行\n", file,
	       (long long)s.batch_id, (long long)s.import_id, (long long)s.lines);
	for (i = 0; i < RECON_NOUTCOMES; i++) {
		if (i <= RECON_REVERSED)
			printf("  %s %lld 笔，金额 %lld 分\n", reconcile_outcome_label(i),
			       (long long)s.n[i], (long long)s.fen[i]);
		else
			printf("  %s %lld 行\n", reconcile_outcome_label(i), (long long)s.n[i]);
	}
	/* both already counted above; said apart so the operator sees them */
	if (s.paid_after_failure)
		printf("  其中失败后又报成功（改为已发） %lld 笔，金额 %lld 分\n",
		       (long long)s.paid_after_failure, (long long)s.paid_after_failure_fen);
	if (s.late_reversed)
		printf("  此前回盘文件的冲正因本文件的成功记录生效 %lld 笔，金额 %lld 分\n",
		       (long long)s.late_reversed, (long long)s.late_reversed_fen);
	/* counted as 冲正 too, but not failed: the next batch does not pay it */
	if (s.reversed_cancelled)
		printf("  其中冲正后恢复为已取消（拦截后按已发入账的发放；不是失败，不会重发） %lld 笔，"
		       "金额 %lld 分\n",
		       (long long)s.reversed_cancelled, (long long)s.reversed_cancelled_fen);
	printf("  未回盘（仍在途） %lld 笔\n", (long long)s.still_pending);
out:
	buf_free(&ic.notes);
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
	    {"not-sscard", no_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	const char *account = NULL;
	char secret[STDIN_SECRET_MAX + 2];
	bool sscard = true;
	long payment = 0;
	int c, rc;

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		switch (c) {
		case 'p':
			if (cli_parse_long("--payment", optarg, 1, INT64_MAX, &payment))
				return ERR_USAGE;
			break;
		case 'a':
			account = optarg;
			break;
		case 'n':
			sscard = false;
			break;
		default:
			return cli_option_error("subsidy payment correct", CORRECT_USAGE, c, argc,
						argv);
		}
	}
	if (cli_no_operands(argc, argv, "subsidy payment correct", CORRECT_USAGE))
		return ERR_USAGE;
	if (!payment || !account)
		return cli_usage_error("subsidy payment correct", CORRECT_USAGE,
				       "需要 --payment 和 --account");
	if (strcmp(account, "-") == 0) {
		rc = secret_from_stdin("subsidy payment correct", CORRECT_USAGE, "--account", secret,
				       sizeof(secret));
		if (rc)
			return rc;
		account = secret;
	}
	rc = open_with_key(&com, false, &db, &keys);
	if (rc)
		goto out;
	error_clear(&err);
	rc = payment_correct(db, &keys, payment, account, sscard, &err);
	pii_keys_wipe(&keys);
	if (rc)
		cli_fail(&err);
	else
		printf("发放记录 %ld 已更正账户（尾号 %s），将在该项目期间的下一批次重发\n",
		       payment, account + strlen(account) - 4);
	db_close(db);
out:
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

/* ---- deaths import, officials import ---- */

#define DEATHS_USAGE "FILE [--encoding E] [--key PATH] [--db PATH]"
#define OFFICIALS_USAGE "FILE [--encoding E] [--key PATH] [--db PATH]"

/* Prints a rejected row; ctx, when not NULL, is an int counting them. */
static void print_reject(void *ctx, const struct error *e)
{
	char text[1024];

	if (ctx)
		(*(int *)ctx)++;
	fprintf(stderr, "minsheng: %s\n", error_format(e, text, sizeof(text)));
}

static int people_command(int argc, char **argv, int deaths)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"key", required_argument, NULL, 'k'},
	    {"encoding", required_argument, NULL, 'e'},
	    {NULL, 0, NULL, 0},
	};
	const char *words = deaths ? "subsidy deaths import" : "subsidy officials import";
	const char *usage = deaths ? DEATHS_USAGE : OFFICIALS_USAGE;
	const char *encoding = NULL;
	struct people_summary sum;
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	const char *file;
	int c, rc;

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		if (c != 'e')
			return cli_option_error(words, usage, c, argc, argv);
		encoding = optarg;
	}
	if (cli_import_file_arg(argc, argv, words, usage, &file) || cli_opt_empty("--key", com.key))
		return ERR_USAGE;
	if ((rc = cli_input_readable(file)) || (rc = cli_encoding_known(file, encoding)))
		return rc;
	rc = cli_open_db(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	/* The key is created on first use, as a roster import would, and bound
	 * to the database in the import's one transaction: a refused import
	 * leaves the database as it was (the key file stays: pii.h). */
	if (pii_init(&err) || db_begin(db, &err) || pii_open(db, com.key, 1, &keys, &err)) {
		db_rollback(db);
		rc = cli_fail(&err);
		goto out;
	}
	rc = deaths ? deaths_import(db, &keys, file, encoding, print_reject, NULL, &sum, &err)
		    : officials_import(db, &keys, file, encoding, print_reject, NULL, &sum, &err);
	pii_keys_wipe(&keys);
	if (!rc && db_commit(db, &err))
		rc = ERR_IO;
	if (rc)
		db_rollback(db);
	if (rc == ERR_INPUT && sum.rejected) {
		fprintf(stderr, "minsheng: %s 有 %lld 行错误，未导入任何记录\n", file,
			(long long)sum.rejected);
		goto out;
	}
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	if (deaths) {
		printf("已导入死亡记录 %lld 行：新增 %lld，更正 %lld；新暂停发放应发记录 %lld 条",
		       (long long)sum.rows, (long long)sum.added, (long long)sum.updated,
		       (long long)sum.held);
		if (sum.lifted)
			printf("，死亡日期更正后解除暂停 %lld 条", (long long)sum.lifted);
		printf("\n");
		/* Holds cannot stop an order already in a batch: say so. */
		if (sum.pending_after_death)
			printf("另有 %lld 笔在途发放属于死亡后期间，请用 subsidy payment cancel 拦截"
			       "（subsidy anomalies 列为死亡后发放）\n",
			       (long long)sum.pending_after_death);
	} else {
		printf("已导入公职人员 %lld 行：新增 %lld，更新姓名 %lld\n", (long long)sum.rows,
		       (long long)sum.added, (long long)sum.updated);
	}
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

/* ---- hold release, hold cancel ---- */

#define HOLD_USAGE "--entitlement ID [--db PATH]"

static int hold_command(int argc, char **argv, bool cancel)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"entitlement", required_argument, NULL, 'e'},
	    {NULL, 0, NULL, 0},
	};
	const char *words = cancel ? "subsidy hold cancel" : "subsidy hold release";
	char summary[256] = "";
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	int64_t failed = 0, blocked = 0;
	long id = 0;
	int c, rc;

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		if (c == 'e') {
			if (cli_parse_long("--entitlement", optarg, 1, INT64_MAX, &id))
				return ERR_USAGE;
		} else
			return cli_option_error(words, HOLD_USAGE, c, argc, argv);
	}
	if (cli_no_operands(argc, argv, words, HOLD_USAGE))
		return ERR_USAGE;
	if (!id)
		return cli_usage_error(words, HOLD_USAGE, "需要 --entitlement");
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	rc = cancel ? people_hold_cancel(db, id, summary, sizeof(summary), &err)
		    : people_hold_release(db, id, summary, sizeof(summary), &err);
	/* Released: a batch pays it only if it never had a payment or its
	 * failed payment was corrected; else the correction comes first. */
	if (!rc && !cancel &&
	    (people_awaiting_correction(db, id, &failed, &err) ||
	     people_reissue_blocked(db, id, &blocked, &err)))
		rc = ERR_IO;
	if (rc)
		cli_fail(&err);
	else if (cancel)
		printf("应发记录 %ld（%s）已取消，不再发放\n", id, summary);
	else if (blocked)
		printf("应发记录 %ld（%s）已解除暂停；但银行曾报其发放成功，款项可能已到账，"
		       "批次不会重发更正后的发放 %lld，请先与银行核实（见 subsidy anomalies 的 "
		       "bank_success_conflict）\n",
		       id, summary, (long long)blocked);
	else if (failed)
		printf("应发记录 %ld（%s）已解除暂停；其最近一次发放 %lld 失败且未更正账户，"
		       "须先用 subsidy payment correct --payment %lld 更正，"
		       "再由该项目期间的下一批次重发\n",
		       id, summary, (long long)failed, (long long)failed);
	else
		printf("应发记录 %ld（%s）已解除暂停，将在该项目期间的下一批次发放\n", id, summary);
	db_close(db);
	return rc;
}

int cli_subsidy_hold_release(int argc, char **argv)
{
	return hold_command(argc, argv, false);
}

int cli_subsidy_hold_cancel(int argc, char **argv)
{
	return hold_command(argc, argv, true);
}

/* ---- payment cancel, payment settle ---- */

/*
 * The options of payment cancel and payment settle: --payment ID (required),
 * --reason TEXT (required when need_reason), --db. Returns 0, or the exit
 * code of a usage error, already reported.
 */
static int payment_options(int argc, char **argv, const char *words, const char *usage,
			   bool need_reason, long *payment, const char **reason, struct common *com)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"payment", required_argument, NULL, 'p'},
	    {"reason", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*payment = 0;
	*reason = NULL;
	options_start();
	while ((c = next_option(argc, argv, opts, com)) != -1) {
		switch (c) {
		case 'p':
			if (cli_parse_long("--payment", optarg, 1, INT64_MAX, payment))
				return ERR_USAGE;
			break;
		case 'r':
			*reason = optarg;
			break;
		default:
			return cli_option_error(words, usage, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, words, usage))
		return ERR_USAGE;
	if (!*payment || (need_reason && !*reason))
		return cli_usage_error(words, usage,
				       need_reason ? "需要 --payment 和 --reason" : "需要 --payment");
	if (*reason && !payment_cancel_reason_ok(*reason))
		return cli_usage_error(words, usage,
				       "选项 --reason 的值无效（应为1至%d字节、不含控制字符的文字）",
				       PAYMENT_CANCEL_REASON_MAX);
	return 0;
}

#define PAYMENT_CANCEL_USAGE "--payment ID [--reason TEXT] [--db PATH]"

int cli_subsidy_payment_cancel(int argc, char **argv)
{
	const char *words = "subsidy payment cancel";
	struct payment_cancel_info in;
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	const char *reason;
	long payment;
	int rc;

	rc = payment_options(argc, argv, words, PAYMENT_CANCEL_USAGE, false, &payment, &reason,
			     &com);
	if (rc)
		return rc;
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	rc = payment_cancel(db, payment, reason, &in, &err);
	if (rc) {
		cli_fail(&err);
	} else {
		const char *why = in.reason;
		char yuan[32];

		if (strncmp(why, "CANCELLED: ", 11) == 0)
			why += 11;
		else
			why = "未注明";
		batch_yuan(in.amount_fen, yuan, sizeof(yuan));
		printf("发放记录 %ld 已拦截（项目 %s 期间 %s 金额 %s 元，批次 %lld，"
		       "应发 %lld）：发放和应发记录均已取消，不再发放\n",
		       payment, in.programme, in.period, yuan, (long long)in.batch_id,
		       (long long)in.entitlement_id);
		printf("原因：%s\n", why);
		printf("批次 %lld 的代发文件如已交银行，请通知银行撤回这一笔；此后导出的代发文件不再含这一笔，"
		       "银行如仍回盘成功，导入时列为矛盾，不记为已发\n",
		       (long long)in.batch_id);
	}
	db_close(db);
	return rc;
}

#define PAYMENT_SETTLE_USAGE "--payment ID --reason TEXT [--db PATH]"

int cli_subsidy_payment_settle(int argc, char **argv)
{
	const char *words = "subsidy payment settle";
	struct payment_settle_info in;
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	const char *reason;
	long payment;
	int rc;

	rc = payment_options(argc, argv, words, PAYMENT_SETTLE_USAGE, true, &payment, &reason,
			     &com);
	if (rc)
		return rc;
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	rc = payment_settle(db, payment, reason, &in, &err);
	if (rc) {
		cli_fail(&err);
	} else {
		char yuan[32];

		batch_yuan(in.amount_fen, yuan, sizeof(yuan));
		printf("发放记录 %ld 已按已发入账（项目 %s 期间 %s 金额 %s 元，批次 %lld，应发 %lld）："
		       "原为%s，依据回盘导入记录 %lld 第 %lld 行（银行时间 %s）报成功\n",
		       payment, in.programme, in.period, yuan, (long long)in.batch_id,
		       (long long)in.entitlement_id, ledger_status_label(in.previous_status),
		       (long long)in.line.import_id, (long long)in.line.line, in.line.bank_time);
		printf("原因：%s\n", reason);
		if (in.other.payment_id)
			printf("注意：同一应发的较早发放 %lld 也有银行成功回盘（导入记录 %lld 第 %lld "
			       "行，银行时间 %s），银行可能已重复发放，请与银行核实"
			       "（subsidy anomalies 继续列出）\n",
			       (long long)in.other.payment_id, (long long)in.other.import_id,
			       (long long)in.other.line, in.other.bank_time);
	}
	db_close(db);
	return rc;
}

/* ---- anomalies ---- */

#define ANOMALIES_USAGE                                                                            \
	"[--format text|json] [--shared-account-threshold N] [--key PATH] [--db PATH]"

struct anomaly_ctx {
	enum cli_format format;
	json_t *list;
	int64_t n[ANOMALY_NRULES];
};

static int print_anomaly(void *ctx, const struct anomaly *a)
{
	struct anomaly_ctx *ac = ctx;
	char yuan[32];

	ac->n[a->rule]++;
	batch_yuan(a->amount_fen, yuan, sizeof(yuan));
	if (ac->format == CLI_JSON) {
		json_t *o = json_object();

		json_object_set_new(o, "rule", json_string(anomaly_rule_code(a->rule)));
		json_object_set_new(o, "rule_name", json_string(anomaly_rule_label(a->rule)));
		json_object_set_new(o, "entitlement_id",
				    a->entitlement_id ? json_integer(a->entitlement_id)
						      : json_null());
		json_object_set_new(o, "payment_id",
				    a->payment_id ? json_integer(a->payment_id) : json_null());
		json_object_set_new(o, "programme", json_string(a->programme));
		json_object_set_new(o, "period", json_string(a->period));
		json_object_set_new(o, "county", json_string(a->county));
		json_object_set_new(o, "name", json_string(a->name));
		json_object_set_new(o, "id_number", json_string(a->id_number));
		json_object_set_new(o, "amount_fen", json_integer(a->amount_fen));
		json_object_set_new(o, "why", json_string(a->why));
		if (a->bank_import_id) {
			json_t *l = json_object();

			json_object_set_new(l, "import_id", json_integer(a->bank_import_id));
			json_object_set_new(l, "line", json_integer(a->bank_line));
			json_object_set_new(l, "bank_time", json_string(a->bank_time));
			json_object_set_new(o, "bank_line", l);
		} else {
			json_object_set_new(o, "bank_line", json_null());
		}
		json_array_append_new(ac->list, o);
		return 0;
	}
	if (a->rule == ANOMALY_SHARED_ACCOUNT) {
		printf("[%s] 发放 %lld：%s\n", anomaly_rule_label(a->rule),
		       (long long)a->payment_id, a->why);
		return 0;
	}
	printf("[%s] 项目 %s 期间 %s 应发 %lld", anomaly_rule_label(a->rule), a->programme,
	       a->period, (long long)a->entitlement_id);
	if (a->payment_id)
		printf(" 发放 %lld", (long long)a->payment_id);
	printf(" %s %s 县 %s %s 元：%s\n", a->name, a->id_number, a->county, yuan, a->why);
	return 0;
}

int cli_subsidy_anomalies(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"key", required_argument, NULL, 'k'},
	    {"format", required_argument, NULL, 'f'},
	    {"shared-account-threshold", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	struct anomaly_ctx ac;
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	long threshold = 5;
	int c, rc, have_key = 0, i;
	int64_t total = 0;

	memset(&ac, 0, sizeof(ac));
	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		if (c == 'f') {
			if (cli_format_parse(optarg, 1u << CLI_TEXT | 1u << CLI_JSON, &ac.format))
				return ERR_USAGE;
		} else if (c == 't') {
			if (cli_parse_long("--shared-account-threshold", optarg, 1, 1000000,
					   &threshold))
				return ERR_USAGE;
		} else
			return cli_option_error("subsidy anomalies", ANOMALIES_USAGE, c, argc,
						argv);
	}
	if (cli_no_operands(argc, argv, "subsidy anomalies", ANOMALIES_USAGE) ||
	    cli_opt_empty("--key", com.key))
		return ERR_USAGE;
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	/* With the key the masked ID shows first 6 and last 4; without, stars.
	 * A key file asked for with --key must work; the default one may be
	 * missing (an auditor's copy without keys), which is said. */
	if (pii_init(&err) == 0 && pii_open(db, com.key, 0, &keys, &err) == 0) {
		have_key = 1;
	} else if (com.key) {
		rc = cli_fail(&err);
		goto out;
	} else {
		fprintf(stderr, "minsheng: 警告：%s；身份证号以 * 代替\n", err.msg);
	}
	error_clear(&err);
	if (ac.format == CLI_JSON)
		ac.list = json_array();
	rc = anomaly_scan(db, have_key ? &keys : NULL, (int)threshold, print_anomaly, &ac, &err);
	if (have_key)
		pii_keys_wipe(&keys);
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	for (i = 0; i < ANOMALY_NRULES; i++)
		total += ac.n[i];
	if (ac.format == CLI_JSON) {
		json_t *root = json_object(), *counts = json_object();
		char *s;

		for (i = 0; i < ANOMALY_NRULES; i++)
			json_object_set_new(counts, anomaly_rule_code(i), json_integer(ac.n[i]));
		json_object_set_new(root, "anomalies", ac.list);
		ac.list = NULL;
		json_object_set_new(root, "counts", counts);
		s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(root);
	} else {
		printf("监管预警 %lld 条：", (long long)total);
		for (i = 0; i < ANOMALY_NRULES; i++)
			printf("%s%s %lld", i ? "，" : "", anomaly_rule_label(i),
			       (long long)ac.n[i]);
		printf("\n");
	}
out:
	json_decref(ac.list);
	db_close(db);
	return rc;
}

/* ---- disclose ---- */

#define DISCLOSE_USAGE                                                                             \
	"--programme P --period X [--village CODE] [--format text|csv] [--key PATH] [--db PATH]"

struct disclose_ctx {
	enum cli_format format;
	const char *programme, *period, *village;
	bool header_done;
	int64_t n, total_fen;
	struct buf line;
};

/* The heading, printed with the first row (or at the end of an empty list)
 * so that a refused list (unknown programme, bad period) prints nothing on
 * stdout. */
static void disclose_header(struct disclose_ctx *dc)
{
	if (dc->header_done)
		return;
	dc->header_done = true;
	if (dc->format == CLI_CSV)
		printf("name,id_number,village,amount_yuan,state\n");
	else
		printf("%s %s 补贴发放公示%s%s\n序号\t姓名\t身份证号\t村\t金额（元）\t状态\n",
		       dc->programme, dc->period, dc->village ? " 村 " : "",
		       dc->village ? dc->village : "");
}

static int print_disclosed(void *ctx, const struct disclose_row *r)
{
	struct disclose_ctx *dc = ctx;
	char yuan[32];

	disclose_header(dc);
	disclose_yuan(r->amount_fen, yuan, sizeof(yuan));
	dc->n++;
	dc->total_fen += r->amount_fen;
	if (dc->format == CLI_CSV) {
		buf_reset(&dc->line);
		/* a masked name keeps its first characters: "=1+2" is
		 * "=1*2", still a formula to a spreadsheet */
		if (mask_csv_text(&dc->line, r->name, strlen(r->name)) ||
		    buf_addc(&dc->line, ',') ||
		    buf_printf(&dc->line, "%s,%s,%s,%s\n", r->id_number, r->village, yuan,
			       r->state))
			return error_set(NULL, ERR_INTERNAL, "行太长");
		fputs(buf_str(&dc->line), stdout);
	} else {
		printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)dc->n, r->name, r->id_number,
		       r->village, yuan, r->state);
	}
	return 0;
}

int cli_subsidy_disclose(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"key", required_argument, NULL, 'k'},
	    {"programme", required_argument, NULL, 'p'},
	    {"period", required_argument, NULL, 'e'},
	    {"village", required_argument, NULL, 'v'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	const char *programme = NULL, *period = NULL, *village = NULL;
	struct disclose_ctx dc;
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	char yuan[32];
	int c, rc;

	memset(&dc, 0, sizeof(dc));
	buf_init(&dc.line, 4096);
	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		switch (c) {
		case 'p':
			programme = optarg;
			break;
		case 'e':
			period = optarg;
			break;
		case 'v':
			village = optarg;
			break;
		case 'f':
			if (cli_format_parse(optarg, 1u << CLI_TEXT | 1u << CLI_CSV, &dc.format))
				return ERR_USAGE;
			break;
		default:
			return cli_option_error("subsidy disclose", DISCLOSE_USAGE, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "subsidy disclose", DISCLOSE_USAGE))
		return ERR_USAGE;
	if (!programme || !period)
		return cli_usage_error("subsidy disclose", DISCLOSE_USAGE,
				       "需要 --programme 和 --period");
	if (cli_parse_period("subsidy disclose", DISCLOSE_USAGE, period, &(struct period){0}) ||
	    (village && cli_orgunit_code("--village", village, ORGUNIT_VILLAGE)))
		return ERR_USAGE;
	rc = open_with_key(&com, false, &db, &keys);
	if (rc)
		return rc;
	if (village && (rc = cli_orgunit_known(db, village, ORGUNIT_VILLAGE))) {
		pii_keys_wipe(&keys);
		buf_free(&dc.line);
		db_close(db);
		return rc;
	}
	error_clear(&err);
	dc.programme = programme;
	dc.period = period;
	dc.village = village;
	rc = disclose_list(db, &keys, programme, period, village, print_disclosed, &dc, &err);
	pii_keys_wipe(&keys);
	if (rc) {
		cli_fail(&err);
	} else {
		disclose_header(&dc);
		if (dc.format == CLI_TEXT) {
			disclose_yuan(dc.total_fen, yuan, sizeof(yuan));
			printf("合计 %lld 人，%s 元\n", (long long)dc.n, yuan);
		}
	}
	buf_free(&dc.line);
	db_close(db);
	return rc;
}

/* ---- lookup ---- */

#define LOOKUP_USAGE "--id ID|- --name NAME [--key PATH] [--db PATH]"

static int print_lookup(void *ctx, const struct lookup_row *r)
{
	bool *header_done = ctx;
	char yuan[32];

	/* The heading only above found rows: "not found" prints nothing on
	 * stdout, whatever made it not found. */
	if (!*header_done)
		printf("期间\t项目\t项目名称\t金额（元）\t状态\t到账时间\t账户\n");
	*header_done = true;
	disclose_yuan(r->amount_fen, yuan, sizeof(yuan));
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r->period, r->programme, r->programme_name, yuan,
	       r->state, r->bank_time[0] ? r->bank_time : "-", r->account);
	return 0;
}

int cli_subsidy_lookup(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"key", required_argument, NULL, 'k'},
	    {"id", required_argument, NULL, 'i'},
	    {"name", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	const char *id = NULL, *name = NULL;
	char secret[STDIN_SECRET_MAX + 2];
	bool header_done = false;
	struct common com = {0};
	struct pii_keys keys;
	struct db *db = NULL;
	struct error err;
	int c, rc;

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		if (c == 'i')
			id = optarg;
		else if (c == 'n')
			name = optarg;
		else
			return cli_option_error("subsidy lookup", LOOKUP_USAGE, c, argc, argv);
	}
	if (cli_no_operands(argc, argv, "subsidy lookup", LOOKUP_USAGE))
		return ERR_USAGE;
	if (!id || !name)
		return cli_usage_error("subsidy lookup", LOOKUP_USAGE, "需要 --id 和 --name");
	if (strcmp(id, "-") == 0) {
		rc = secret_from_stdin("subsidy lookup", LOOKUP_USAGE, "--id", secret,
				       sizeof(secret));
		if (rc)
			return rc;
		id = secret;
	}
	rc = open_with_key(&com, false, &db, &keys);
	if (rc)
		goto out;
	error_clear(&err);
	rc = disclose_lookup(db, &keys, id, name, print_lookup, &header_done, &err);
	pii_keys_wipe(&keys);
	if (rc)
		cli_fail(&err);
	db_close(db);
out:
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

/* ---- stats ---- */

#define STATS_USAGE                                                                                \
	"--year Y [--period P] [--format text|json] [--as-values] [--values-out FILE]"             \
	" [--element NAME=CODE] [--orgunit CODE] [--db PATH]"

/* The data elements --as-values writes, and what each holds. */
enum { EL_PROGRAMMES, EL_AMOUNT, EL_PEOPLE, EL_SHARE, EL_N };
static const char *const element_keys[EL_N] = {"programmes", "amount_yuan", "people",
					       "sscard_share"};

static int stats_values_csv(const struct stats *s, const char *const *codes, const char *orgunit,
			    struct buf *b)
{
	char v[DECIMAL_STRLEN];
	struct decimal pct;
	const char *period = s->period[0] ? s->period : NULL;
	char year[8];
	int i, rc = 0;

	snprintf(year, sizeof(year), "%04d", s->year);
	rc |= buf_adds(b, "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,"
			  "value\n");
	for (i = 0; i < EL_N; i++) {
		if (!codes[i][0])
			continue;
		if (i == EL_PROGRAMMES)
			snprintf(v, sizeof(v), "%lld", (long long)s->programmes);
		else if (i == EL_AMOUNT)
			decimal_format(stats_amount_yuan(s), v, sizeof(v));
		else if (i == EL_PEOPLE)
			snprintf(v, sizeof(v), "%lld", (long long)s->people);
		else if (stats_sscard_share(s, 2, &pct) == 0)
			decimal_format(pct, v, sizeof(v));
		else
			continue; /* no payments: no share to report */
		rc |=
		    buf_printf(b, "%s,%s,%s,,,%s\n", codes[i], period ? period : year, orgunit, v);
	}
	return rc ? ERR_INTERNAL : 0;
}

/*
 * Write b to path whole or not at all (cli_out_open: a temporary file
 * beside it renamed over it, so a failed write leaves no half file and a
 * link at path is replaced, not followed). Errors are printed.
 */
static int write_whole(const char *path, const struct buf *b)
{
	struct cli_out o;
	int rc = cli_out_open(&o, "输出文件", path);
	bool ok;

	if (rc)
		return rc;
	ok = fwrite(b->data, 1, b->len, o.f) == b->len;
	if (!ok)
		fprintf(stderr, "minsheng: 无法写入输出文件 '%s'：%s\n", path, error_errno_text(errno));
	rc = cli_out_close(&o, ok);
	return ok ? rc : ERR_IO;
}

int cli_subsidy_stats(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"year", required_argument, NULL, 'y'},
	    {"period", required_argument, NULL, 'p'},
	    {"format", required_argument, NULL, 'f'},
	    {"as-values", no_argument, NULL, 'a'},
	    {"values-out", required_argument, NULL, 'o'},
	    {"element", required_argument, NULL, 'e'},
	    {"orgunit", required_argument, NULL, 'u'},
	    {NULL, 0, NULL, 0},
	};
	const char *codes[EL_N] = {"ykt_programmes", "ykt_amount_yuan", "ykt_people",
				   "ykt_sscard_share"};
	const char *period = NULL, *values_out = NULL, *orgunit = "41";
	enum cli_format format = CLI_TEXT;
	struct stats s;
	struct common com = {0};
	struct db *db = NULL;
	struct error err;
	struct buf b;
	char line[512], yuan[32];
	long year = 0;
	int c, rc, as_values = 0, orgunit_given = 0, i;
	size_t k;

	options_start();
	while ((c = next_option(argc, argv, opts, &com)) != -1) {
		switch (c) {
		case 'y':
			if (cli_parse_long("--year", optarg, 1900, 9999, &year))
				return ERR_USAGE;
			break;
		case 'p':
			period = optarg;
			break;
		case 'f':
			if (cli_format_parse(optarg, 1u << CLI_TEXT | 1u << CLI_JSON, &format))
				return ERR_USAGE;
			break;
		case 'a':
			as_values = 1;
			break;
		case 'o':
			values_out = optarg;
			break;
		case 'u':
			orgunit = optarg;
			orgunit_given = 1;
			break;
		case 'e': {
			const char *eq = strchr(optarg, '=');

			for (i = 0; i < EL_N && eq; i++) {
				if (strlen(element_keys[i]) == (size_t)(eq - optarg) &&
				    strncmp(optarg, element_keys[i], (size_t)(eq - optarg)) == 0) {
					/* NAME= (empty) leaves that value out. */
					codes[i] = eq + 1;
					break;
				}
			}
			if (!eq || i == EL_N)
				return cli_usage_error(
				    "subsidy stats", STATS_USAGE,
				    "--element 应为 programmes|amount_yuan|people|"
				    "sscard_share=数据元代码，而不是 '%s'",
				    optarg);
			break;
		}
		default:
			return cli_option_error("subsidy stats", STATS_USAGE, c, argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "subsidy stats", STATS_USAGE))
		return ERR_USAGE;
	if (!year)
		return cli_usage_error("subsidy stats", STATS_USAGE, "需要 --year");
	if (period) {
		struct period p;

		/* as report, lagging and bulletin: a bad period is a usage error */
		if (cli_parse_period_in_year("subsidy stats", STATS_USAGE, period, year, &p))
			return ERR_USAGE;
	}
	if (cli_opt_empty("--values-out", values_out) ||
	    (values_out && cli_output_not_db("subsidy stats", STATS_USAGE, values_out, com.db)))
		return ERR_USAGE;
	if (cli_orgunit_code("--orgunit", orgunit, 0))
		return ERR_USAGE;
	/* --as-values writes the figures as data values of elements a plan
	 * must define: an empty database has none, so it is not created. */
	rc = cli_open_db_existing(com.db, &db);
	if (rc)
		return rc;
	error_clear(&err);
	buf_init(&b, 1 << 16);
	memset(&s, 0, sizeof(s));
	/* The default (41, the province) is not looked up: the figures are
	 * printed whatever units are loaded. */
	if (orgunit_given && (rc = cli_orgunit_known(db, orgunit, 0)))
		goto out;
	rc = stats_compute(db, (int)year, period, &s, &err);
	if (rc) {
		cli_fail(&err);
		goto out;
	}
	stats_wording(&s, line, sizeof(line));
	if (format == CLI_JSON) {
		json_t *root = json_object(), *per = json_array();
		struct decimal pct;
		char v[DECIMAL_STRLEN];
		char *text;

		json_object_set_new(root, "year", json_integer(s.year));
		json_object_set_new(root, "period",
				    s.period[0] ? json_string(s.period) : json_null());
		json_object_set_new(root, "programmes", json_integer(s.programmes));
		json_object_set_new(root, "payments", json_integer(s.payments));
		json_object_set_new(root, "amount_fen", json_integer(s.amount_fen));
		decimal_format(stats_amount_yuan(&s), v, sizeof(v));
		json_object_set_new(root, "amount_yuan", json_string(v));
		json_object_set_new(root, "people", json_integer(s.people));
		json_object_set_new(root, "sscard_payments", json_integer(s.sscard_payments));
		if (stats_sscard_share(&s, 1, &pct) == 0) {
			decimal_format(pct, v, sizeof(v));
			json_object_set_new(root, "sscard_share_percent", json_string(v));
		} else {
			json_object_set_new(root, "sscard_share_percent", json_null());
		}
		json_object_set_new(root, "wording", json_string(line));
		for (k = 0; k < s.nper; k++) {
			json_t *o = json_object();

			json_object_set_new(o, "code", json_string(s.per[k].code));
			json_object_set_new(o, "name", json_string(s.per[k].name));
			json_object_set_new(o, "payments", json_integer(s.per[k].payments));
			json_object_set_new(o, "amount_fen", json_integer(s.per[k].amount_fen));
			json_object_set_new(o, "people", json_integer(s.per[k].people));
			json_array_append_new(per, o);
		}
		json_object_set_new(root, "per_programme", per);
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(root);
	} else {
		char scope[64];

		stats_scope(&s, scope, sizeof(scope));
		printf("%s一卡通发放：%s\n", scope, line);
		for (k = 0; k < s.nper; k++) {
			batch_yuan(s.per[k].amount_fen, yuan, sizeof(yuan));
			printf("  %s %s：%lld 笔，%s 元，%lld 人\n", s.per[k].code, s.per[k].name,
			       (long long)s.per[k].payments, yuan, (long long)s.per[k].people);
		}
	}
	if (as_values || values_out) {
		if (stats_values_csv(&s, codes, orgunit, &b)) {
			rc = error_set(&err, ERR_INTERNAL, "无法生成数据值");
			cli_fail(&err);
			goto out;
		}
	}
	if (values_out) {
		rc = write_whole(values_out, &b);
		if (rc)
			goto out;
		fprintf(stderr, "已写出数据值文件 %s（可用 minsheng values import 导入）\n",
			values_out);
	}
	if (as_values) {
		struct values_import_opts vo = {
		    .name = "subsidy-stats", .user = "subsidy-stats", .reject = print_reject};
		struct values_import_stats vs;
		int printed = 0;

		vo.ctx = &printed;
		memset(&vs, 0, sizeof(vs));
		rc = values_import_mem(db, b.data, b.len, &vo, &vs, &err);
		if (rc) {
			/* The rejected rows are printed already: no repeat of
			 * the first one, and the hint only for them. */
			cli_import_failed(rc, printed, &err, "未写入任何数据值");
			if (printed)
				fprintf(stderr,
					"minsheng: 数据元需先在计划中定义（见 docs/stats.md），"
					"或用 --element 指定已有的数据元代码\n");
			goto out;
		}
		fprintf(stderr, "已写入数据值 %ld 个：新增 %ld，更新 %ld，未变 %ld\n", vs.rows,
			vs.inserted, vs.replaced, vs.unchanged);
	}
out:
	stats_free(&s);
	buf_free(&b);
	db_close(db);
	return rc;
}
