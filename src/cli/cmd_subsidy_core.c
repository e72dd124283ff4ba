/*
 * cmd_subsidy_core.c - `minsheng subsidy programme import|list`,
 * `subsidy roster import`, `subsidy check` and `subsidy beneficiary list`.
 * Formats and semantics: docs/subsidy-programmes.md, docs/roster.md,
 * docs/ledger.md, docs/personal-data.md.
 */
#include "cli/cli.h"
#include "cli/cmd_subsidy.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/ledger.h"
#include "subsidy/mask.h"
#include "subsidy/pii.h"
#include "subsidy/programme.h"
#include "subsidy/roster.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG_IMPORT_USAGE "FILE [--encoding E] [--db PATH]"
#define PROG_LIST_USAGE "[--format text|json|csv] [--db PATH]"
#define ROSTER_USAGE                                                                               \
	"FILE [--partial] [--rejects FILE] [--encoding E] [--key PATH]"                            \
	" [--threads 1|2] [--db PATH]"
#define CHECK_USAGE "[--db PATH]"
#define BEN_LIST_USAGE "[--unmask] [--key PATH] [--format text|csv] [--limit N] [--db PATH]"

/* Money as yuan with two decimals, from integer fen (no floating point). */
static void fen_text(int64_t fen, char *out, size_t n)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(out, n, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
}

/* ---- programme import ---- */

static void print_row_error(void *ctx, const struct error *e)
{
	char text[1024];

	(void)ctx;
	fprintf(stderr, "minsheng: %s [%s]\n", error_format(e, text, sizeof(text)), e->reason);
}

int cli_subsidy_programme_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"encoding", required_argument, NULL, 'e'},
	    {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL, *file = NULL, *encoding = NULL;
	struct db *db = NULL;
	struct error err;
	size_t count = 0;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else if (c == 'e')
			encoding = optarg;
		else
			return cli_option_error("subsidy programme import", PROG_IMPORT_USAGE, c,
						argc, argv);
	}
	if (cli_import_file_arg(argc, argv, "subsidy programme import", PROG_IMPORT_USAGE,
				&file))
		return ERR_USAGE;
	if ((ret = cli_input_readable(file)) || (ret = cli_encoding_known(file, encoding)))
		return ret;
	ret = cli_open_db(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	ret = programme_import(db, file, encoding, print_row_error, NULL, &count, &err);
	if (ret)
		cli_fail(&err);
	else
		printf("已导入 %zu 个补贴项目\n", count);
	db_close(db);
	return ret;
}

/* ---- programme list ---- */

static void age_text(const struct programme *p, char *out, size_t n)
{
	if (p->min_age < 0 && p->max_age < 0)
		snprintf(out, n, "不限");
	else if (p->max_age < 0)
		snprintf(out, n, "%d 岁以上", p->min_age);
	else
		snprintf(out, n, "%d-%d 岁", p->min_age < 0 ? 0 : p->min_age, p->max_age);
}

int cli_subsidy_programme_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	const unsigned allowed = 1u << CLI_TEXT | 1u << CLI_JSON | 1u << CLI_CSV;
	enum cli_format format = CLI_TEXT;
	struct programme_list l = {0};
	const char *dbpath = NULL;
	struct db *db = NULL;
	struct error err;
	struct buf line;
	size_t i;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else if (c == 'f') {
			if (cli_format_parse(optarg, allowed, &format))
				return ERR_USAGE;
		} else
			return cli_option_error("subsidy programme list", PROG_LIST_USAGE, c, argc,
						argv);
	}
	if (cli_no_operands(argc, argv, "subsidy programme list", PROG_LIST_USAGE))
		return ERR_USAGE;
	ret = cli_open_db_existing(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	ret = programme_list_load(db, &l, &err);
	if (ret) {
		cli_fail(&err);
		goto out;
	}
	buf_init(&line, 1 << 16);
	if (format == CLI_TEXT) {
		printf("政策清单（%zu 项）\n", l.n);
		printf("代码\t名称\t主管部门\t频次\t标准（元）\t年龄\n");
	} else if (format == CLI_CSV) {
		printf("code,name,department,frequency,standard_fen,min_age,max_age\n");
	} else {
		printf("[");
	}
	for (i = 0; i < l.n; i++) {
		const struct programme *p = &l.p[i];
		char money[32], ages[32];

		if (p->standard_fen > 0)
			fen_text(p->standard_fen, money, sizeof(money));
		else
			snprintf(money, sizeof(money), "不限");
		age_text(p, ages, sizeof(ages));
		if (format == CLI_TEXT) {
			printf("%s\t%s\t%s\t%s\t%s\t%s\n", p->code, p->name, p->department,
			       programme_frequency_label(p->frequency), money, ages);
		} else if (format == CLI_CSV) {
			buf_reset(&line);
			/* name, department: free text, guarded against
			 * spreadsheet formulas (mask_csv_text) */
			if (csv_write_field(&line, p->code, strlen(p->code)) ||
			    buf_addc(&line, ',') ||
			    mask_csv_text(&line, p->name, strlen(p->name)) ||
			    buf_addc(&line, ',') ||
			    mask_csv_text(&line, p->department, strlen(p->department)) ||
			    buf_printf(&line, ",%s,", programme_frequency_name(p->frequency)))
				goto nomem;
			if (p->standard_fen > 0 &&
			    buf_printf(&line, "%lld", (long long)p->standard_fen))
				goto nomem;
			if (buf_addc(&line, ',') ||
			    (p->min_age >= 0 && buf_printf(&line, "%d", p->min_age)) ||
			    buf_addc(&line, ',') ||
			    (p->max_age >= 0 && buf_printf(&line, "%d", p->max_age)) ||
			    buf_addc(&line, '\n'))
				goto nomem;
			fputs(buf_str(&line), stdout);
		} else {
			json_t *o = json_pack(
			    "{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "code", p->code, "name", p->name,
			    "department", p->department, "frequency",
			    programme_frequency_name(p->frequency), "standard_fen",
			    p->standard_fen > 0 ? json_integer(p->standard_fen) : json_null(),
			    "min_age", p->min_age >= 0 ? json_integer(p->min_age) : json_null(),
			    "max_age", p->max_age >= 0 ? json_integer(p->max_age) : json_null());
			char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

			json_decref(o);
			if (!s)
				goto nomem;
			printf("%s\n  %s", i ? "," : "", s);
			free(s);
		}
	}
	if (format == CLI_JSON)
		printf("%s]\n", l.n ? "\n" : "");
	buf_free(&line);
	goto out;
nomem:
	buf_free(&line);
	error_set(&err, ERR_NOMEM, "内存不足");
	ret = cli_fail(&err);
out:
	programme_list_free(&l);
	db_close(db);
	return ret;
}

/* ---- roster import ---- */

#define REJECTS_SHOWN 50

struct reject_print {
	const char *file;
	size_t shown;
	size_t total;
	struct cli_out *out; /* the reject file, or NULL */
	bool read_through;   /* rows_read_through was called */
	bool placed;	     /* it put the reject file in place */
	bool place_failed;   /* it could not (the reason is printed) */
};

static void print_reject(void *ctx, long line, long column, const char *code, const char *msg)
{
	struct reject_print *rp = ctx;

	rp->total++;
	if (rp->shown >= REJECTS_SHOWN)
		return;
	rp->shown++;
	fprintf(stderr, "minsheng: %s:%ld:%ld: %s [%s]\n", rp->file, line, column, msg, code);
}

/*
 * roster_import's before_commit: the rows are read through and the reject
 * file is written and closed; it takes its name now, before the rows are
 * committed. A file that cannot be put in place (its error printed by
 * cli_out_close) means nothing is committed.
 */
static int rows_read_through(void *ctx, struct error *err)
{
	struct reject_print *rp = ctx;

	rp->read_through = true;
	if (!rp->out)
		return 0;
	if (cli_out_close(rp->out, true)) {
		rp->place_failed = true;
		return error_set(err, ERR_IO, "无法写入拒绝文件 '%s'", rp->out->path);
	}
	rp->placed = true;
	return 0;
}

int cli_subsidy_roster_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"partial", no_argument, NULL, 'p'},
	    {"rejects", required_argument, NULL, 'r'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"key", required_argument, NULL, 'k'},
	    {"threads", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	struct roster_options ro = {0};
	struct roster_summary sum;
	struct reject_print rp = {0};
	struct cli_out rout;
	const char *dbpath = NULL;
	struct db *db = NULL;
	struct error err;
	char money[32];
	long threads = 2;
	int c, ret, i;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'p':
			ro.partial = true;
			break;
		case 'r':
			ro.rejects_path = optarg;
			break;
		case 'e':
			ro.encoding = optarg;
			break;
		case 'k':
			ro.key_opt = optarg;
			break;
		case 't':
			if (cli_parse_long("--threads", optarg, 1, 2, &threads))
				return ERR_USAGE;
			break;
		default:
			return cli_option_error("subsidy roster import", ROSTER_USAGE, c, argc,
						argv);
		}
	}
	if (cli_import_file_arg(argc, argv, "subsidy roster import", ROSTER_USAGE, &ro.path) ||
	    cli_opt_empty("--key", ro.key_opt) || cli_opt_empty("--rejects", ro.rejects_path))
		return ERR_USAGE;
	if (ro.rejects_path) {
		struct stat si, so;

		/* "w" would truncate the roster (or the database, or its key)
		 * while it is being read: refused before anything is opened.
		 * roster_import checks the first again for its other callers. */
		if (strcmp(ro.path, "-") != 0 && stat(ro.path, &si) == 0 &&
		    stat(ro.rejects_path, &so) == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			return cli_usage_error("subsidy roster import", ROSTER_USAGE,
					       "拒绝文件 '%s' 就是名册文件本身", ro.rejects_path);
		if (cli_output_not_db("subsidy roster import", ROSTER_USAGE, ro.rejects_path,
				      dbpath) ||
		    cli_output_not_key("subsidy roster import", ROSTER_USAGE, ro.rejects_path,
				       ro.key_opt, dbpath))
			return ERR_USAGE;
	}
	/* A missing roster, or an unknown encoding, leaves no new empty
	 * database behind. */
	if ((ret = cli_input_readable(ro.path)) || (ret = cli_encoding_known(ro.path, ro.encoding)))
		return ret;
	ro.threads = (int)threads;
	ro.on_reject = print_reject;
	ro.before_commit = rows_read_through;
	ro.ctx = &rp;
	rp.file = ro.path;
	/* The reject file goes to a temporary file renamed over its name
	 * once the rows are read through, before they are committed (a link
	 * there is replaced, not followed into the database's -wal or key
	 * that open creates); made before the database, so that one that
	 * cannot be written leaves no new database behind. A file refused
	 * as a whole leaves an existing reject file as it was. */
	if (ro.rejects_path) {
		/* 0600: its messages are about named people's rows */
		if ((ret = cli_out_open_mode(&rout, "拒绝文件", ro.rejects_path, 0600)))
			return ret;
		/* roster_import opens it by name itself */
		fclose(rout.f);
		rout.f = NULL;
		ro.rejects_path = cli_out_name(&rout);
		rp.out = &rout;
	}
	ret = cli_open_db(dbpath, &db);
	if (ret) {
		if (ro.rejects_path)
			cli_out_close(&rout, false);
		return ret;
	}
	error_clear(&err);
	ret = roster_import(db, &ro, &sum, &err);
	if (ro.rejects_path) {
		/* a failed write names the file asked for, not the temporary one */
		if (ret && rout.tmp[0] && strstr(err.msg, rout.tmp))
			error_set(&err, err.code, "无法写入拒绝文件 '%s'", rout.path);
		ro.rejects_path = rout.path;
		/* not put in place: refused as a whole, or a failure first */
		cli_out_close(&rout, false);
	}
	if (ret && !(ret == ERR_INPUT && !err.code)) {
		if (!rp.place_failed) /* else cli_out_close printed why */
			cli_fail(&err);
		/* failed at the commit or just before it: say so plainly */
		if (rp.placed) {
			error_set(&err, ERR_IO, "未导入任何数据（拒绝文件 '%s' 已写出）",
				  ro.rejects_path);
			cli_fail(&err);
		} else if (rp.read_through) {
			fprintf(stderr, "minsheng: 未导入任何数据\n");
		}
		goto out;
	}
	if (rp.total > rp.shown)
		fprintf(stderr, "minsheng: 另有 %zu 行被拒绝%s\n", rp.total - rp.shown,
			ro.rejects_path ? "，全部拒绝行见拒绝文件"
					: "（用 --rejects FILE 写出全部）");
	fen_text(sum.accepted_fen, money, sizeof(money));
	printf("接受 %zu 行，拒绝 %zu 行\n", sum.accepted, sum.rejected);
	for (i = 1; i < ROSTER_NREASONS; i++)
		if (sum.by_reason[i])
			printf("  %s\t%zu\n", roster_reason_code(i), sum.by_reason[i]);
	if (sum.committed) {
		printf("已写入：导入编号 %lld，新增人员 %zu，新增账户 %zu，应发金额 %s 元\n",
		       (long long)sum.import_id, sum.new_people, sum.new_accounts, money);
		if (sum.kept_corrected)
			printf("其中 %zu 行的银行账号已被更正，沿用更正后的账户\n",
			       sum.kept_corrected);
		if (sum.held_at_death)
			printf("其中 %lld 条因死亡记录暂停发放（见 subsidy anomalies）\n",
			       (long long)sum.held_at_death);
	} else if (sum.rejected && !ro.partial)
		printf("未写入任何数据（有被拒绝的行；全部修正后重新导入，或用 --partial "
		       "只导入有效行）\n");
	else
		printf("未写入任何数据\n");
out:
	db_close(db);
	return ret;
}

/* ---- check ---- */

static void print_violation(void *ctx, const char *code, const char *msg)
{
	(void)ctx;
	printf("违规 [%s]：%s\n", code, msg);
}

int cli_subsidy_check(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	struct ledger_check_result res;
	const char *dbpath = NULL;
	struct db *db = NULL;
	struct error err;
	char a[32], b[32], p[32], u[32], f[32], x[32];
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else
			return cli_option_error("subsidy check", CHECK_USAGE, c, argc, argv);
	}
	if (cli_no_operands(argc, argv, "subsidy check", CHECK_USAGE))
		return ERR_USAGE;
	ret = cli_open_db_existing(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	ret = ledger_check(db, print_violation, NULL, &res, &err);
	if (ret) {
		cli_fail(&err);
		goto out;
	}
	fen_text(res.fen[LEDGER_ENTITLED], a, sizeof(a));
	fen_text(res.fen[LEDGER_PAID], b, sizeof(b));
	fen_text(res.fen[LEDGER_PENDING], p, sizeof(p));
	fen_text(res.fen[LEDGER_UNPAID], u, sizeof(u));
	fen_text(res.fen[LEDGER_FAILED], f, sizeof(f));
	fen_text(res.fen[LEDGER_CANCELLED], x, sizeof(x));
	if (res.violations) {
		printf("核对未通过：%lld 处违规\n", (long long)res.violations);
		ret = ERR_INPUT;
		goto out;
	}
	printf("核对通过：%lld 个项目期间，%lld 条应发记录，%lld 笔发放，%lld 张凭证\n",
	       (long long)res.programme_periods, (long long)res.entitlements,
	       (long long)res.payments, (long long)res.transactions);
	printf("应发 %s 元 = 已发 %s + 在途 %s + 待发 %s + 失败 %s + 已取消 %s 元；借贷平衡\n", a,
	       b, p, u, f, x);
out:
	db_close(db);
	return ret;
}

/* ---- beneficiary list ---- */

int cli_subsidy_beneficiary_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},    {"unmask", no_argument, NULL, 'u'},
	    {"key", required_argument, NULL, 'k'},   {"format", required_argument, NULL, 'f'},
	    {"limit", required_argument, NULL, 'l'}, {NULL, 0, NULL, 0},
	};
	const unsigned allowed = 1u << CLI_TEXT | 1u << CLI_CSV;
	enum cli_format format = CLI_TEXT;
	const char *dbpath = NULL, *key_opt = NULL;
	struct pii_keys keys;
	bool unmask = false, have_key = false;
	sqlite3_stmt *st = NULL;
	struct db *db = NULL;
	struct error err;
	struct buf line;
	long limit = -1;
	int c, ret, step;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'u':
			unmask = true;
			break;
		case 'k':
			key_opt = optarg;
			break;
		case 'f':
			if (cli_format_parse(optarg, allowed, &format))
				return ERR_USAGE;
			break;
		case 'l':
			if (cli_parse_long("--limit", optarg, 0, 1000000000L, &limit))
				return ERR_USAGE;
			break;
		default:
			return cli_option_error("subsidy beneficiary list", BEN_LIST_USAGE, c,
						argc, argv);
		}
	}
	if (cli_no_operands(argc, argv, "subsidy beneficiary list", BEN_LIST_USAGE) ||
	    cli_opt_empty("--key", key_opt))
		return ERR_USAGE;
	ret = cli_open_db_existing(dbpath, &db);
	if (ret)
		return ret;
	error_clear(&err);
	/* The key decrypts; masked output needs it too (first 6 and last 4
	 * digits come from the decrypted number), so without a key the
	 * masked columns are all stars. --unmask without the key fails. */
	if (pii_open(db, key_opt, 0, &keys, &err) == 0)
		have_key = true;
	else if (unmask) {
		ret = cli_fail(&err);
		goto out;
	} else {
		char kp[4096];
		struct error perr;

		/* A key file that is there but unusable (another database's,
		 * too open, damaged) is worth a word: the operator would
		 * otherwise only see stars. A missing one is the normal case. */
		error_clear(&perr);
		if (pii_key_path(key_opt, db_path(db), kp, sizeof(kp), &perr) == 0 &&
		    access(kp, F_OK) == 0)
			fprintf(stderr, "minsheng: 注意：%s；身份证号只显示星号\n", err.msg);
	}
	error_clear(&err);
	buf_init(&line, 1 << 16);
	if (db_prepare(db,
		       "SELECT b.id, b.name, b.id_hash, b.id_enc, b.female,"
		       " b.birth_day, b.village_code, a.acct_hash, a.acct_enc,"
		       " a.last4, a.id"
		       " FROM beneficiary b LEFT JOIN bank_account a"
		       " ON a.beneficiary_id = b.id AND a.valid_to IS NULL"
		       " ORDER BY b.id LIMIT ?",
		       &st, &err)) {
		ret = cli_fail(&err);
		goto done;
	}
	sqlite3_bind_int64(st, 1, limit);
	if (format == CLI_TEXT)
		printf("编号\t姓名\t身份证号\t性别\t出生日期\t村（社区）\t账号\n");
	else
		printf("id,name,id_number,sex,birth_date,village,bank_account\n");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		char idp[PII_MAXPLAIN + 1] = "", acp[PII_MAXPLAIN + 1] = "";
		char idout[64], acout[64], nameout[256], birth[16];
		long il = -1, al = -1;

		if (!name)
			name = "";
		if (have_key && sqlite3_column_bytes(st, 2) == PII_HASHBYTES)
			il = pii_decrypt(&keys, PII_ID, sqlite3_column_blob(st, 3),
					 (size_t)sqlite3_column_bytes(st, 3),
					 sqlite3_column_blob(st, 2), idp);
		/* the account is bound to its person's ID hash (pii.h) */
		if (have_key && sqlite3_column_bytes(st, 7) == PII_HASHBYTES &&
		    sqlite3_column_bytes(st, 2) == PII_HASHBYTES)
			al = pii_decrypt_owned(&keys, PII_ACCOUNT, sqlite3_column_blob(st, 8),
					       (size_t)sqlite3_column_bytes(st, 8),
					       sqlite3_column_blob(st, 7),
					       sqlite3_column_blob(st, 2), acp);
		/* With the database's own key (pii_open checked it), a value
		 * that does not decrypt was altered or moved: stop, print
		 * nothing of it. */
		if (have_key && (il < 0 || (al < 0 && sqlite3_column_type(st, 8) != SQLITE_NULL))) {
			memset(idp, 0, sizeof(idp));
			memset(acp, 0, sizeof(acp));
			if (il < 0)
				pii_tampered(&err, PII_ID, "人员记录",
					     (long long)sqlite3_column_int64(st, 0));
			else
				pii_tampered(&err, PII_ACCOUNT, "账户记录",
					     (long long)sqlite3_column_int64(st, 10));
			fflush(stdout);
			ret = cli_fail(&err);
			goto done;
		}
		if (unmask) {
			snprintf(idout, sizeof(idout), "%s", il >= 0 ? idp : "（无法解密）");
			snprintf(acout, sizeof(acout), "%s", al >= 0 ? acp : "（无法解密）");
			snprintf(nameout, sizeof(nameout), "%s", name);
		} else {
			if (il >= 0)
				mask_id(idp, (size_t)il, idout, sizeof(idout));
			else
				snprintf(idout, sizeof(idout), "%s", "******************");
			if (al >= 0)
				mask_account(acp, (size_t)al, acout, sizeof(acout));
			else {
				const char *l4 = (const char *)sqlite3_column_text(st, 9);
				snprintf(acout, sizeof(acout), "************%s", l4 ? l4 : "****");
			}
			mask_name(name, strlen(name), nameout, sizeof(nameout));
		}
		memset(idp, 0, sizeof(idp));
		memset(acp, 0, sizeof(acp));
		/* The 8 digits a masked ID hides are the birth date: shown
		 * beside it, they would give the whole number back. Masked
		 * output hides it (the year or the age would still leave a few
		 * dozen candidates with the check digit, docs/personal-data.md). */
		if (unmask)
			date_format(date_from_days((int32_t)sqlite3_column_int(st, 5)), birth,
				    sizeof(birth));
		else
			snprintf(birth, sizeof(birth), "%s", "****-**-**");
		if (format == CLI_TEXT) {
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n",
			       (long long)sqlite3_column_int64(st, 0), nameout, idout,
			       sqlite3_column_int(st, 4) ? "女" : "男", birth,
			       sqlite3_column_text(st, 6), acout);
		} else {
			buf_reset(&line);
			if (buf_printf(&line, "%lld,", (long long)sqlite3_column_int64(st, 0)) ||
			    mask_csv_text(&line, nameout, strlen(nameout)) ||
			    buf_printf(&line, ",%s,%s,%s,%s,%s\n", idout,
				       sqlite3_column_int(st, 4) ? "F" : "M", birth,
				       sqlite3_column_text(st, 6), acout)) {
				error_set(&err, ERR_NOMEM, "内存不足");
				ret = cli_fail(&err);
				goto done;
			}
			fputs(buf_str(&line), stdout);
		}
	}
	if (step != SQLITE_DONE)
		ret = cli_fail((db_fail(db, &err, "读取人员"), &err));
done:
	sqlite3_finalize(st);
	buf_free(&line);
out:
	if (have_key)
		pii_keys_wipe(&keys);
	db_close(db);
	return ret;
}
