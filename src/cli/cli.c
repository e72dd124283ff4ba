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
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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
		eprint("%s: 无法打开 '%s'：%s", file, file, error_errno_text(errno));
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

int cli_encoding_known(const char *file, const char *encoding)
{
	struct csv_options opt = {.name = file, .encoding = encoding};
	struct csv_reader *r;
	struct error err;
	int rc;

	if (!encoding)
		return 0;
	/* the reader's own check, on no data: the same message and reason
	 * the import gives, before the database is opened */
	error_clear(&err);
	rc = csv_open_mem("", 0, &opt, &r, &err);
	csv_close(r);
	return rc ? cli_fail(&err) : 0;
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

bool cli_out_in_place(const char *path)
{
	return write_in_place(path);
}

/*
 * Temporary files to remove when the process is killed by SIGHUP, SIGINT
 * or SIGTERM while an output is being written. The handler only calls
 * unlink and raise (both async-signal-safe) on paths kept here, in static
 * storage; a slot is filled and emptied with those signals blocked, so the
 * handler never sees half a path, nor a name already renamed into place.
 * The handler is installed only while a slot is in use, and only for a
 * signal whose disposition is the default (an ignored one, as nohup or a
 * shell's background job leaves SIGHUP or SIGINT, stays ignored); the
 * default is put back when the last output is closed. More outputs open at
 * once than slots are still written, just not cleaned up on a signal.
 */
#define OUT_SLOTS 4
static const int out_signals[] = {SIGHUP, SIGINT, SIGTERM};
#define OUT_NSIG (sizeof(out_signals) / sizeof(out_signals[0]))
static struct {
	volatile sig_atomic_t used;
	char path[sizeof(((struct cli_out *)0)->tmp)];
} out_slot[OUT_SLOTS];
static int out_slots_used;
static bool out_hooked[OUT_NSIG];

static void out_on_signal(int sig)
{
	int i, saved = errno;

	for (i = 0; i < OUT_SLOTS; i++)
		if (out_slot[i].used)
			unlink(out_slot[i].path);
	/* SA_RESETHAND restored the default action: it ends the process once
	 * the handler returns and the signal is unblocked */
	raise(sig);
	errno = saved;
}

static void out_block(sigset_t *old)
{
	sigset_t set;
	size_t k;

	sigemptyset(&set);
	for (k = 0; k < OUT_NSIG; k++)
		sigaddset(&set, out_signals[k]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Remember path for the handler; the slot, or -1 when none is free.
 * Call with the signals blocked (out_block). */
static int out_track(const char *path)
{
	struct sigaction sa, old;
	size_t k, n = strlen(path);
	int i;

	for (i = 0; i < OUT_SLOTS; i++)
		if (!out_slot[i].used)
			break;
	if (i == OUT_SLOTS || n >= sizeof(out_slot[i].path))
		return -1;
	memcpy(out_slot[i].path, path, n + 1);
	out_slot[i].used = 1;
	if (out_slots_used++ == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = out_on_signal;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		for (k = 0; k < OUT_NSIG; k++)
			sigaddset(&sa.sa_mask, out_signals[k]);
		for (k = 0; k < OUT_NSIG; k++)
			out_hooked[k] = sigaction(out_signals[k], NULL, &old) == 0 &&
					!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL &&
					sigaction(out_signals[k], &sa, NULL) == 0;
	}
	return i;
}

/* Forget a slot of out_track; with the signals blocked. */
static void out_untrack(int slot)
{
	size_t k;

	if (slot < 0)
		return;
	out_slot[slot].used = 0;
	if (--out_slots_used == 0)
		for (k = 0; k < OUT_NSIG; k++)
			if (out_hooked[k])
				signal(out_signals[k], SIG_DFL);
}

/*
 * The refusals made before anything is created (docs/cli.md, Output
 * files). *reg gets what is at path when it is a regular file that will be
 * replaced (st_mode 0 otherwise: nothing there, a symbolic link, which is
 * replaced and not followed, or a file written in place).
 */
static int out_check(const char *what, const char *path, struct stat *reg)
{
	struct stat sb;

	memset(reg, 0, sizeof(*reg));
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		eprint("无法写入%s '%s'：%s", what, path, error_errno_text(EISDIR));
		return ERR_IO;
	}
	/* a name the file system refuses (too long, a file as a directory)
	 * fails now, not at the rename after the database was written */
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 0; /* a new file; a missing directory fails at mkstemp */
		eprint("无法写入%s '%s'：%s", what, path, error_errno_text(errno));
		return ERR_IO;
	}
	if (write_in_place(path) || !S_ISREG(sb.st_mode))
		return 0;
	/* a rename would leave the other names on the old contents */
	if (sb.st_nlink > 1) {
		eprint("无法写入%s '%s'：它有 %ju 个硬链接，替换它后其他链接仍是旧内容"
		       "（请换一个文件名，或先删除其他链接）",
		       what, path, (uintmax_t)sb.st_nlink);
		return ERR_USAGE;
	}
	/* as opening it for writing would fail; root may write any file, so
	 * for root a file without any write bit counts as read-only */
	if ((sb.st_mode & 0222) == 0 || (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 &&
					 (errno == EACCES || errno == EPERM))) {
		eprint("无法写入%s '%s'：文件是只读的（没有写权限），不替换它", what, path);
		return ERR_IO;
	}
	*reg = sb;
	return 0;
}

int cli_out_check(const char *what, const char *path)
{
	struct stat reg;

	return out_check(what, path, &reg);
}

/*
 * The mode of the new file: mode when the caller requires one; else the
 * replaced file's permission bits (and its group, when the new file may
 * have it; if not, no group bits, which were meant for that group); else
 * what fopen "w" would give, 0666 less the umask (mkstemp gives 0600).
 */
static int out_set_mode(int fd, unsigned mode, const struct stat *reg)
{
	struct stat now;
	mode_t mask, m;

	if (mode)
		return fchmod(fd, (mode_t)mode);
	if (S_ISREG(reg->st_mode)) {
		/* set-user-ID and the like are not copied onto new contents */
		m = reg->st_mode & 0777;
		if (fchown(fd, geteuid() == 0 ? reg->st_uid : (uid_t)-1, reg->st_gid) != 0) {
			/* not a member of that group: keep ours */
		}
		if (fstat(fd, &now) != 0 || now.st_gid != reg->st_gid)
			m &= (mode_t)~070;
	} else {
		mask = umask(0);
		umask(mask);
		m = 0666 & ~mask;
	}
	if (fchmod(fd, m) != 0) {
		/* keeps 0600: stricter, still usable */
	}
	return 0;
}

/* The directory holding path, for openat-like calls ("." or "/" too). */
static void dir_of(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, n, ".");
	else
		snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

/*
 * An unnamed file (O_TMPFILE) in the directory of path, its name for
 * reopening ("/proc/self/fd/N") in o->tmp and the descriptor in o->anon:
 * nothing appears in the directory until cli_out_close links it in, so a
 * process killed in between (SIGKILL, a crash) leaves nothing behind. The
 * descriptor, or -1 with errno: 0 when the file system or kernel has no
 * O_TMPFILE or /proc is missing (then the caller makes a named temporary
 * file as before).
 */
static int out_open_anon(struct cli_out *o, const char *path)
{
	char dir[4096];
	struct stat sb;
	int fd;

#ifdef O_TMPFILE
	dir_of(path, dir, sizeof(dir));
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* no O_TMPFILE here (an old kernel takes it as O_DIRECTORY:
		 * EISDIR; a file system without it: EOPNOTSUPP) */
		if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
			errno = 0;
		return -1;
	}
	/* modules open the file by this name, and the commit links it
	 * through it: without /proc, the named temporary file instead */
	snprintf(o->tmp, sizeof(o->tmp), "/proc/self/fd/%d", fd);
	if (stat(o->tmp, &sb) != 0) {
		close(fd);
		o->tmp[0] = '\0';
		errno = 0;
		return -1;
	}
	o->anon = fd;
	return fd;
#else
	(void)o;
	(void)path;
	(void)dir;
	(void)sb;
	(void)fd;
	errno = 0;
	return -1;
#endif
}

int cli_out_open_mode(struct cli_out *o, const char *what, const char *path, unsigned mode)
{
	const char *slash = strrchr(path, '/');
	struct stat reg;
	sigset_t old;
	int fd, rc;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->what = what;
	o->slot = -1;
	o->anon = -1;
	if ((rc = out_check(what, path, &reg)))
		return rc;
	if (write_in_place(path)) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  mode ? (mode_t)mode : 0666);
	} else {
		/* the same length whatever the name: a name as long as the file
		 * system allows still has a temporary file (the name the
		 * unnamed file is linked under for the rename, too) */
		if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%.*s.ms-XXXXXX",
				     slash ? (int)(slash - path + 1) : 0, path) >= sizeof(o->tmp)) {
			o->tmp[0] = '\0';
			eprint("无法写入%s '%s'：%s", what, path, error_errno_text(ENAMETOOLONG));
			return ERR_IO;
		}
		fd = out_open_anon(o, path);
		if (fd < 0 && errno == 0) {
			/* the named temporary file, removed on a signal */
			snprintf(o->tmp, sizeof(o->tmp), "%.*s.ms-XXXXXX",
				 slash ? (int)(slash - path + 1) : 0, path);
			out_block(&old);
			fd = mkstemp(o->tmp);
			if (fd >= 0)
				o->slot = out_track(o->tmp);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
		if (fd >= 0 && out_set_mode(fd, mode, &reg) != 0) {
			eprint("无法写入%s '%s'：%s", what, path, error_errno_text(errno));
			if (o->anon < 0)
				close(fd);
			cli_out_close(o, false);
			return ERR_IO;
		}
	}
	if (fd < 0) {
		eprint("无法写入%s '%s'：%s", what, path, error_errno_text(errno));
		o->tmp[0] = '\0';
		return ERR_IO;
	}
	/* the unnamed file's own descriptor stays open until cli_out_close
	 * (it is the file: a caller closing f must not end it) */
	if (o->anon >= 0 && (fd = fcntl(o->anon, F_DUPFD_CLOEXEC, 0)) < 0) {
		eprint("无法写入%s '%s'：%s", what, path, error_errno_text(errno));
		cli_out_close(o, false);
		return ERR_IO;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		eprint("无法写入%s '%s'：%s", what, path, error_errno_text(errno));
		close(fd);
		cli_out_close(o, false);
		return ERR_IO;
	}
	return 0;
}

int cli_out_open(struct cli_out *o, const char *what, const char *path)
{
	return cli_out_open_mode(o, what, path, 0);
}

const char *cli_out_name(const struct cli_out *o)
{
	return o->tmp[0] ? o->tmp : o->path;
}

/* fsync the directory holding path, so that a rename in it is durable */
static void sync_dir_of(const char *path)
{
	char dir[4096];
	int fd;

	dir_of(path, dir, sizeof(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/*
 * Give the unnamed file (o->anon) the name o->path: link it into its
 * directory under a fresh ".ms-XXXXXX" name and rename that over the path
 * (linkat cannot replace a name). With the signals blocked (out_block):
 * the name exists only between two system calls. 0 or an errno value.
 */
static int out_link_anon(struct cli_out *o)
{
	static const char chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const char *slash = strrchr(o->path, '/');
	char name[sizeof(o->tmp)];
	unsigned char rnd[6];
	size_t len, k;
	int tries, e = EEXIST;

	snprintf(name, sizeof(name), "%.*s.ms-XXXXXX", slash ? (int)(slash - o->path + 1) : 0,
		 o->path);
	len = strlen(name);
	for (tries = 0; tries < 100 && e == EEXIST; tries++) {
		if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
			/* no entropy yet: any name not taken will do */
			unsigned long v = (unsigned long)getpid() * 2654435761UL +
					  (unsigned long)tries * 40503UL +
					  (unsigned long)(uintptr_t)o;

			for (k = 0; k < sizeof(rnd); k++, v >>= 5)
				rnd[k] = (unsigned char)v;
		}
		for (k = 0; k < 6; k++)
			name[len - 6 + k] = chars[rnd[k] % (sizeof(chars) - 1)];
		e = 0;
		if (linkat(AT_FDCWD, o->tmp, AT_FDCWD, name, AT_SYMLINK_FOLLOW) != 0)
			e = errno;
	}
	if (e)
		return e;
	if (rename(name, o->path) != 0) {
		e = errno;
		unlink(name);
		return e;
	}
	return 0;
}

int cli_out_close(struct cli_out *o, bool keep)
{
	sigset_t old;
	int rc = 0, e = 0, fd;

	if (o->f) {
		errno = 0; /* a reason left over from earlier is not this one */
		if (fflush(o->f) != 0 || ferror(o->f))
			e = errno ? errno : EIO;
		errno = 0;
		if (fclose(o->f) != 0 && !e)
			e = errno ? errno : EIO;
		o->f = NULL;
	}
	if (o->anon >= 0) {
		/* on disk before it takes the name (written through o->f or
		 * by a module that opened it by name: the same file) */
		if (keep && !e && fsync(o->anon) != 0)
			e = errno;
		if (keep && !e) {
			out_block(&old);
			e = out_link_anon(o);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
		/* dropped (or failed): closing the last descriptor of an
		 * unnamed file frees it, nothing to remove */
		close(o->anon);
		o->anon = -1;
		if (keep && !e)
			sync_dir_of(o->path);
		goto done;
	}

	/* on disk before it takes the name: after a crash the name holds
	 * the old file or the new one, not an empty one (the file may have
	 * been written by a module that opened it by name, so by name) */
	if (keep && !e && o->tmp[0]) {
		fd = open(o->tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || fsync(fd) != 0)
			e = errno;
		if (fd >= 0)
			close(fd);
	}
	/* the rename (or unlink) and forgetting the name for the signal
	 * handler happen together */
	out_block(&old);
	if (keep && !e && o->tmp[0] && rename(o->tmp, o->path) != 0)
		e = errno;
	if (o->tmp[0] && (!keep || e))
		unlink(o->tmp);
	out_untrack(o->slot);
	o->slot = -1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (keep && !e && o->tmp[0])
		sync_dir_of(o->tmp);
done:
	if (keep && e) {
		eprint("无法写入%s '%s'：%s", o->what, o->path, error_errno_text(e));
		rc = ERR_IO;
	}
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

int cli_stdout_close(void)
{
	/* fflush reports a failure of what it writes now; ferror one of an
	 * earlier write (a full buffer flushed while the command printed). */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "minsheng: 写出失败\n");
		return ERR_IO;
	}
	return 0;
}
