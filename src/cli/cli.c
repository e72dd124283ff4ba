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
#include <limits.h>
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

/*
 * Print "minsheng: <message>\n" to stderr with control characters in the
 * message (a file name or option value holding a newline or a terminal
 * escape) replaced by '?', as error_format does for struct error.
 */
__attribute__((format(printf, 1, 0)))
static void veprint(const char *fmt, va_list ap)
{
	char text[2048], *q;

	vsnprintf(text, sizeof(text), fmt, ap);
	for (q = text; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	fprintf(stderr, "minsheng: %s\n", text);
}

__attribute__((format(printf, 1, 2)))
static void eprint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	veprint(fmt, ap);
	va_end(ap);
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
		eprint("数据库 '%s' 不存在（先导入数据，或用 --db 指定已有的数据库）", path);
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

	eprint("%s", error_format(err, text, sizeof(text)));
	return err->code ? err->code : ERR_INTERNAL;
}

int cli_usage_error(const char *words, const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	veprint(fmt, ap);
	va_end(ap);
	fprintf(stderr, "用法：minsheng %s %s\n", words, usage ? usage : "");
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
	if (stat(file, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			eprint("%s: '%s' 不是普通文件", file, file);
			return ERR_INPUT;
		}
		/* a pipe (mkfifo, <(...)) or a terminal is not opened to try:
		 * opening and closing a pipe would end its writer (SIGPIPE) and
		 * the import's own open would then wait for ever */
		if (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode) || S_ISSOCK(sb.st_mode))
			return 0;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		eprint("%s: 无法打开 '%s'：%s", file, file, strerror(errno));
		return ERR_IO;
	}
	/* it may have become a directory since the stat */
	if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
		close(fd);
		eprint("%s: '%s' 不是普通文件", file, file);
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
 * Where a path puts its file: the real path of its directory (symbolic
 * links and "." resolved) joined with its last component, which is not
 * followed. For an output file this is the name rename() replaces; two
 * paths with the same result are the same directory entry whether or not
 * the file exists yet. When the directory cannot be resolved (it does not
 * exist) the path is copied as given.
 */
static void dir_resolve(const char *p, char *out, size_t n)
{
	const char *slash = strrchr(p, '/'), *base = slash ? slash + 1 : p;
	char dir[4096], real[PATH_MAX];

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    (size_t)snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - p) : 1,
			     slash ? (slash == p ? "/" : p) : ".") >= sizeof(dir) ||
	    !realpath(dir, real)) {
		if (!realpath(p, real) || (size_t)snprintf(out, n, "%s", real) >= n)
			snprintf(out, n, "%s", p);
		return;
	}
	if ((size_t)snprintf(out, n, "%s/%s", strcmp(real, "/") ? real : "", base) >= n)
		snprintf(out, n, "%s", p);
}

/*
 * Where a file that is opened (following symbolic links, as SQLite and the
 * key reader do) really is: realpath when it exists, else dir_resolve.
 * SQLite puts the -wal and -shm files beside this resolved database file,
 * not beside a symbolic link to it.
 */
static void full_resolve(const char *p, char *out, size_t n)
{
	char real[PATH_MAX];

	if (realpath(p, real) && (size_t)snprintf(out, n, "%s", real) < n)
		return;
	dir_resolve(p, out, n);
}

/*
 * Whether writing the output out (into a temporary file renamed over its
 * name, cli_out_open) would hit the file whose resolved path is target:
 * the same directory entry, or (when both exist) the same inode, as with a
 * symbolic or hard link to it.
 */
static bool hits(const char *out, const char *out_entry, const char *target)
{
	struct stat so, st;

	if (strcmp(out_entry, target) == 0)
		return true;
	return stat(out, &so) == 0 && stat(target, &st) == 0 && so.st_dev == st.st_dev &&
	       so.st_ino == st.st_ino;
}

int cli_output_not_db(const char *words, const char *usage, const char *out, const char *opt)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	const char *db = cli_db_path(opt);
	char entry[4096], real[4096], path[4096], shown[4096];
	struct stat sb;
	bool link;
	size_t i;

	dir_resolve(out, entry, sizeof(entry));
	full_resolve(db, real, sizeof(real));
	link = lstat(db, &sb) == 0 && S_ISLNK(sb.st_mode);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", real, suffix[i]) >= sizeof(path))
			continue;
		if (!hits(out, entry, path))
			continue;
		/* name the file as typed, unless the database is reached through a
		 * link: then its -wal/-shm are beside the file the link points to */
		snprintf(shown, sizeof(shown), "%s%s", link && i ? real : db, suffix[i]);
		return cli_usage_error(words, usage, "输出文件 '%s' 就是数据库文件 '%s'", out,
				       shown);
	}
	/* the key it would use ($MINSHENG_KEY or the database's .key file) */
	return cli_output_not_key(words, usage, out, NULL, opt);
}

int cli_output_not_key(const char *words, const char *usage, const char *out, const char *key_opt,
		       const char *db_opt)
{
	struct error err;
	char path[4096], entry[4096], real[4096];

	error_clear(&err);
	if (pii_key_path(key_opt, cli_db_path(db_opt), path, sizeof(path), &err) != 0)
		return 0;
	dir_resolve(out, entry, sizeof(entry));
	full_resolve(path, real, sizeof(real));
	if (hits(out, entry, real))
		return cli_usage_error(words, usage, "输出文件 '%s' 就是密钥文件 '%s'", out, path);
	return 0;
}

/*
 * Written in place (no temporary file): an existing file that is not a
 * regular one (a pipe, /dev/null, a terminal), or anything under /dev or
 * /proc (/dev/stdout, /dev/fd/3), whose directory must never get a file
 * renamed into it.
 */
static bool write_in_place(const char *path)
{
	char entry[4096];
	struct stat sb;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return true;
	dir_resolve(path, entry, sizeof(entry));
	return strncmp(entry, "/dev/", 5) == 0 || strncmp(entry, "/proc/", 6) == 0;
}

int cli_out_open(struct cli_out *o, const char *what, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat sb;
	mode_t mask;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->what = what;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		eprint("无法写入%s '%s'：%s", what, path, strerror(EISDIR));
		return ERR_IO;
	}
	if (write_in_place(path)) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	} else {
		if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%.*s.%s.XXXXXX",
				     slash ? (int)(slash - path + 1) : 0, path,
				     slash ? slash + 1 : path) >= sizeof(o->tmp)) {
			o->tmp[0] = '\0';
			eprint("无法写入%s '%s'：%s", what, path, strerror(ENAMETOOLONG));
			return ERR_IO;
		}
		fd = mkstemp(o->tmp);
		if (fd >= 0) {
			/* as a file created with fopen "w" would be (mkstemp gives 0600) */
			mask = umask(0);
			umask(mask);
			if (fchmod(fd, 0666 & ~mask) != 0) {
				/* keep 0600: stricter, still usable */
			}
		}
	}
	if (fd < 0) {
		eprint("无法写入%s '%s'：%s", what, path, strerror(errno));
		o->tmp[0] = '\0';
		return ERR_IO;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		eprint("无法写入%s '%s'：%s", what, path, strerror(errno));
		close(fd);
		cli_out_close(o, false);
		return ERR_IO;
	}
	return 0;
}

const char *cli_out_name(const struct cli_out *o)
{
	return o->tmp[0] ? o->tmp : o->path;
}

int cli_out_close(struct cli_out *o, bool keep)
{
	int rc = 0, e = 0;

	if (o->f) {
		errno = 0; /* a reason left over from earlier is not this one */
		if (fflush(o->f) != 0 || ferror(o->f))
			e = errno ? errno : EIO;
		errno = 0;
		if (fclose(o->f) != 0 && !e)
			e = errno ? errno : EIO;
		o->f = NULL;
	}
	if (keep && !e && o->tmp[0] && rename(o->tmp, o->path) != 0)
		e = errno;
	if (keep && e) {
		eprint("无法写入%s '%s'：%s", o->what, o->path, strerror(e));
		rc = ERR_IO;
	}
	if (o->tmp[0] && (!keep || rc))
		unlink(o->tmp);
	o->tmp[0] = '\0';
	return rc;
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

/* orgunit_list callback: one unit is enough. */
static int found_one(void *ctx, const struct orgunit *u)
{
	(void)ctx;
	(void)u;
	return 1;
}

int cli_orgunit_known(struct db *db, const char *code, int level)
{
	struct orgunit_filter f = {.level = level};
	struct orgunit_info u;
	struct error err;
	int rc;

	error_clear(&err);
	rc = orgunit_find(db, code, &u, &err);
	if (rc == ERR_INPUT) {
		/* nothing to check against when no unit of that level (of any
		 * level, for level 0) is loaded: the bundled divisions stop at
		 * townships, and roster import takes any village then too */
		error_clear(&err);
		rc = orgunit_list(db, &f, found_one, NULL, &err);
		if (rc == 0)
			return 0;
		if (rc != 1)
			return cli_fail(&err);
		eprint("未知的单位代码 '%s'（组织机构中没有这个单位）", code);
		return ERR_INPUT;
	}
	if (rc)
		return cli_fail(&err);
	if (level && u.level != level) {
		eprint("单位 '%s'（%s）是%s单位，不是%s单位", code, u.name,
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

	eprint("%s%s", warning ? "警告：" : "", error_format(e, text, sizeof(text)));
	if (!warning && count)
		(*count)++;
}

int cli_import_failed(int ret, int printed, const struct error *err, const char *outcome)
{
	if (printed)
		eprint("导入失败，共 %d 处错误，%s", printed, outcome);
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
