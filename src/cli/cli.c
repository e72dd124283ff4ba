/* cli.c - helpers shared by the command files (see cli.h). */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/period.h"
#include "db/db.h"
#include "subsidy/pii.h"
#include "subsidy/subsidy.h"
#include "tracker/orgunit.h"
#include "tracker/report.h"
#include "tracker/tracker.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The running command (cli_set_command); "" before main.c sets it. */
static const char *cur_words = "", *cur_usage = "";

void cli_set_command(const char *words, const char *usage)
{
	cur_words = words ? words : "";
	cur_usage = usage ? usage : "";
}

int cli_format_parse(const char *s, unsigned allowed, enum cli_format *out)
{
	static const char *const names[] = {"text", "json", "csv"};
	char list[64] = "";
	unsigned i;
	size_t len;

	for (i = 0; i < 3; i++) {
		if ((allowed & (1u << i)) && strcmp(s, names[i]) == 0) {
			*out = (enum cli_format)i;
			return 0;
		}
	}
	for (i = 0; i < 3; i++) {
		if (!(allowed & (1u << i)))
			continue;
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", len ? "|" : "", names[i]);
	}
	return cli_usage_error(cur_words, cur_usage, "不支持的输出格式 '%s'（应为 %s）", s, list);
}

const char *cli_db_path(const char *opt)
{
	const char *env;

	if (opt && opt[0])
		return opt;
	env = getenv("MINSHENG_DB");
	if (env && env[0])
		return env;
	return "minsheng.db";
}

int cli_opt_empty(const char *name, const char *value)
{
	if (!value || value[0])
		return 0;
	if (strcmp(name, "--db") == 0)
		return cli_usage_error(cur_words, cur_usage,
				       "选项 --db 的值为空（不写 --db 则用 $MINSHENG_DB 或 "
				       "./minsheng.db）");
	if (strcmp(name, "--key") == 0)
		return cli_usage_error(cur_words, cur_usage,
				       "选项 --key 的值为空（不写 --key 则用 $MINSHENG_KEY 或 "
				       "数据库文件名加 .key）");
	return cli_usage_error(cur_words, cur_usage, "选项 %s 的值为空", name);
}

/* create: a missing file becomes a new database (else it is refused). */
static int open_db(const char *opt, bool create, struct db **out)
{
	const char *path = cli_db_path(opt);
	struct error err;
	int rc;

	if (cli_opt_empty("--db", opt))
		return ERR_USAGE;
	error_clear(&err);
	rc = create ? db_open(path, out, &err) : db_open_existing(path, out, &err);
	if (rc && strcmp(err.reason, "db_missing") == 0) {
		fprintf(stderr,
			"minsheng: 数据库 '%s' 不存在（先导入数据，或用 --db 指定已有的数据库）\n",
			path);
		return rc;
	}
	if (!rc)
		rc = tracker_migrate(*out, &err);
	if (!rc)
		rc = subsidy_migrate(*out, &err);
	if (rc) {
		db_close(*out);
		*out = NULL;
		return cli_fail(&err);
	}
	return 0;
}

int cli_open_db(const char *opt, struct db **out)
{
	return open_db(opt, true, out);
}

int cli_open_db_existing(const char *opt, struct db **out)
{
	return open_db(opt, false, out);
}

int cli_fail(const struct error *err)
{
	char text[1024];

	fprintf(stderr, "minsheng: %s\n", error_format(err, text, sizeof(text)));
	return err->code ? err->code : ERR_INTERNAL;
}

int cli_usage_error(const char *words, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("minsheng: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n用法：minsheng %s %s\n", words, usage ? usage : "");
	return ERR_USAGE;
}

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	if (!s || !*s || *s == ' ' || *s == '+')
		goto bad;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	return cli_usage_error(cur_words, cur_usage,
			       "选项 %s 的值 '%s' 无效（应为 %ld 到 %ld 的整数）", opt, s ? s : "",
			       lo, hi);
}

int cli_option_error(const char *words, const char *usage, int c, int argc, char **argv)
{
	/* getopt has stepped over the bad option (and its missing argument) */
	const char *opt = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "";

	if (c == ':')
		return cli_usage_error(words, usage, "选项 %s 需要参数", opt);
	/* an unknown short option may sit inside a cluster (-xy): name the letter */
	if (optopt > 0 && optopt < 128)
		return cli_usage_error(words, usage, "未知选项 '-%c'", optopt);
	return cli_usage_error(words, usage, "未知选项 '%s'", opt);
}

int cli_import_file_arg(int argc, char **argv, const char *words, const char *usage,
			const char **file)
{
	if (optind >= argc)
		return cli_usage_error(words, usage, "缺少文件");
	if (optind != argc - 1)
		return cli_usage_error(words, usage, "多余的参数 '%s'", argv[optind + 1]);
	*file = argv[optind];
	return 0;
}

int cli_input_readable(const char *file)
{
	struct stat sb;
	int fd;

	if (strcmp(file, "-") == 0)
		return 0;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "minsheng: %s: 无法打开 '%s'：%s\n", file, file, strerror(errno));
		return ERR_IO;
	}
	/* a directory opens but cannot be read as a file; pipes and
	 * terminals (/dev/stdin, <(...)) can */
	if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
		close(fd);
		fprintf(stderr, "minsheng: %s: '%s' 不是普通文件\n", file, file);
		return ERR_INPUT;
	}
	close(fd);
	return 0;
}

int cli_no_operands(int argc, char **argv, const char *words, const char *usage)
{
	if (optind < argc)
		return cli_usage_error(words, usage, "多余的参数 '%s'", argv[optind]);
	return 0;
}

int cli_parse_period(const char *words, const char *usage, const char *s, struct period *p)
{
	struct error err;

	error_clear(&err);
	if (period_parse(s, strlen(s), p, &err))
		return cli_usage_error(words, usage, "%s", err.msg);
	return 0;
}

int cli_parse_period_in_year(const char *words, const char *usage, const char *s, long year,
			     struct period *p)
{
	int rc = cli_parse_period(words, usage, s, p);

	if (rc)
		return rc;
	if (p->year != year)
		return cli_usage_error(words, usage, "周期 '%s' 不在 %ld 年内", s, year);
	return 0;
}

/*
 * Whether paths a and b name the same file: the same inode when both
 * exist; when neither does yet, the same name in the same directory (so
 * that "--rejects x.db --db x.db" on a new database is caught before the
 * command creates the one and then truncates it as the other).
 */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	const char *ba, *bb;
	char da[4096], db[4096];
	bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;

	if (ea || eb)
		return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	ba = strrchr(a, '/');
	bb = strrchr(b, '/');
	if (strcmp(ba ? ba + 1 : a, bb ? bb + 1 : b) != 0)
		return false;
	if ((size_t)snprintf(da, sizeof(da), "%.*s", ba ? (int)(ba - a + 1) : 1, ba ? a : ".") >=
		sizeof(da) ||
	    (size_t)snprintf(db, sizeof(db), "%.*s", bb ? (int)(bb - b + 1) : 1, bb ? b : ".") >=
		sizeof(db))
		return false;
	return stat(da, &sa) == 0 && stat(db, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int cli_output_not_db(const char *words, const char *usage, const char *out, const char *opt)
{
	static const char *const suffix[] = {"", "-wal", "-shm", ".key"};
	const char *db = cli_db_path(opt);
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", db, suffix[i]) >= sizeof(path))
			continue;
		if (same_file(out, path))
			return cli_usage_error(words, usage, "输出文件 '%s' 就是数据库文件 '%s'",
					       out, path);
	}
	return 0;
}

int cli_output_not_key(const char *words, const char *usage, const char *out, const char *key_opt,
		       const char *db_opt)
{
	struct error err;
	char path[4096];

	error_clear(&err);
	if (pii_key_path(key_opt, cli_db_path(db_opt), path, sizeof(path), &err) != 0)
		return 0;
	if (same_file(out, path))
		return cli_usage_error(words, usage, "输出文件 '%s' 就是密钥文件 '%s'", out, path);
	return 0;
}

int cli_orgunit_code(const char *opt, const char *code, int level)
{
	size_t n = strlen(code);

	if (level == ORGUNIT_COUNTY || level == ORGUNIT_VILLAGE) {
		size_t want = level == ORGUNIT_COUNTY ? 6 : 12;

		if (n == want && strspn(code, "0123456789") == n)
			return 0;
		return cli_usage_error(cur_words, cur_usage,
				       "选项 %s 的值 '%s' 无效（%s单位代码应为%zu位数字）", opt,
				       code, orgunit_level_zh(level), want);
	}
	if (n >= 1 && n <= ORGUNIT_CODE_MAX &&
	    strspn(code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.-") == n)
		return 0;
	return cli_usage_error(cur_words, cur_usage,
			       "选项 %s 的值 '%s' 无效（单位代码应为1到%d个字母、数字或 _.-）", opt,
			       code, ORGUNIT_CODE_MAX);
}

int cli_orgunit_known(struct db *db, const char *code, int level)
{
	struct orgunit_info u;
	struct error err;
	int64_t n = 0;
	int rc;

	error_clear(&err);
	if (orgunit_count(db, &n, &err))
		return cli_fail(&err);
	if (n == 0)
		return 0;
	rc = orgunit_find(db, code, &u, &err);
	if (rc == ERR_INPUT) {
		fprintf(stderr, "minsheng: 未知的单位代码 '%s'（组织机构中没有这个单位）\n", code);
		return ERR_INPUT;
	}
	if (rc)
		return cli_fail(&err);
	if (level && u.level != level) {
		fprintf(stderr, "minsheng: 单位 '%s'（%s）是%s单位，不是%s单位\n", code, u.name,
			orgunit_level_zh(u.level), orgunit_level_zh(level));
		return ERR_INPUT;
	}
	return 0;
}

int cli_parse_level(const char *words, const char *usage, const char *s, int min, int *out)
{
	char list[128] = "";
	size_t len;
	int level, i;

	if (report_level_parse(s, &level) == 0 && level >= min) {
		*out = level;
		return 0;
	}
	for (i = min; i <= 5; i++) {
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", i > min ? "、" : "",
			 report_level_name(i));
	}
	return cli_usage_error(words, usage, "层级 '%s' 无效（应为 %s 或 %d-5）", s, list, min);
}

void cli_print_note(void *ctx, const struct error *e, bool warning)
{
	char text[1024];
	int *count = ctx;

	fprintf(stderr, "minsheng: %s%s\n", warning ? "警告：" : "",
		error_format(e, text, sizeof(text)));
	if (!warning && count)
		(*count)++;
}

int cli_import_failed(int ret, int printed, const struct error *err, const char *outcome)
{
	if (printed)
		fprintf(stderr, "minsheng: 导入失败，共 %d 处错误，%s\n", printed, outcome);
	else
		cli_fail(err);
	return ret;
}

int cli_json_list_item(struct json_t *o, long n)
{
	char *s;

	if (!o)
		return ERR_NOMEM;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return ERR_NOMEM;
	printf("%s\n  %s", n ? "," : "", s);
	free(s);
	return 0;
}

void cli_json_list_end(long n)
{
	fputs(n ? "\n]\n" : "]\n", stdout);
}

int cli_csv_row(struct buf *line, const char *const *v, size_t n)
{
	size_t i;

	buf_reset(line);
	for (i = 0; i < n; i++) {
		if (i && buf_addc(line, ','))
			return ERR_NOMEM;
		if (csv_write_field(line, v[i], strlen(v[i])))
			return ERR_NOMEM;
	}
	if (buf_addc(line, '\n'))
		return ERR_NOMEM;
	fputs(buf_str(line), stdout);
	return 0;
}
