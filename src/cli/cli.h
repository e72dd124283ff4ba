/*
 * cli.h - what every command file shares: the command table entry, option
 * helpers, opening the database, output formats and error reporting.
 *
 * Commands are registered in tables (one file per command group, like tmux's
 * cmd-*.c); main.c only dispatches. A command's exec gets argv with argv[0]
 * the command's own name, so getopt_long can be used directly, and returns
 * the exit code: 0 success, 1 bad input or failed check, 2 usage, 3 internal
 * or I/O error (the ERR_* codes of base/error.h).
 */
#ifndef MINSHENG_CLI_CLI_H
#define MINSHENG_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct db;
struct error;

struct cli_command {
	const char *name;
	const char *summary;                  /* one line, Chinese */
	const char *usage;                    /* options after the command words */
	int (*exec)(int argc, char **argv);   /* NULL for a group */
	const struct cli_command *sub;        /* a group's commands, ended by {0} */
};

/* The command groups, each defined in its own cmd_*.c. */
extern const struct cli_command cli_orgunit_commands[];
extern const struct cli_command cli_plan_commands[];
extern const struct cli_command cli_values_commands[];
extern const struct cli_command cli_subsidy_commands[];
int cli_report(int argc, char **argv);
int cli_lagging(int argc, char **argv);
int cli_bulletin(int argc, char **argv);
int cli_demo(int argc, char **argv);

/*
 * Called by main.c before a command runs: its words ("plan list") and usage,
 * so that the helpers below that are not given them (cli_format_parse,
 * cli_parse_long) end their usage errors with the same "用法：" line as
 * cli_usage_error. The strings must outlive the command.
 */
void cli_set_command(const char *words, const char *usage);

enum cli_format { CLI_TEXT, CLI_JSON, CLI_CSV };

/* Every format, for cli_format_parse's allowed. */
#define CLI_FORMATS_ALL ((1u << CLI_TEXT) | (1u << CLI_JSON) | (1u << CLI_CSV))

/*
 * Parse a --format value. allowed is a bit set of (1u << CLI_TEXT) etc.
 * Returns 0, or prints a usage error and returns ERR_USAGE.
 */
int cli_format_parse(const char *s, unsigned allowed, enum cli_format *out);

/*
 * The database path: the --db option if given, else $MINSHENG_DB, else
 * ./minsheng.db.
 */
const char *cli_db_path(const char *opt);

/*
 * An empty --db or --key ("--db \"$UNSET\"") is a usage error, not the
 * default path: prints it (with the usage line) and returns ERR_USAGE; 0
 * when value is NULL (option not given) or not empty. name is the option,
 * "--db" or "--key". cli_open_db and cli_open_db_existing check --db; a
 * command that uses cli_db_path itself, or takes --key, calls it first.
 */
int cli_opt_empty(const char *name, const char *value);

/*
 * Open the database (creating and migrating every module's tables on first
 * use). On failure prints the error and returns its code; *out is NULL.
 * For commands that write (imports, demo, batch create, ...).
 */
int cli_open_db(const char *opt, struct db **out);

/*
 * As cli_open_db, but a database that does not exist is refused, not
 * created: "数据库 'x' 不存在（先导入数据，或用 --db 指定已有的数据库）",
 * ERR_IO, and no file is left behind. For commands that only read, so that
 * a mistyped --db is not answered with an empty new database and "nothing
 * found". An existing file of an older schema is still migrated (the
 * queries need the current tables), as cli_open_db does.
 */
int cli_open_db_existing(const char *opt, struct db **out);

/* Print "minsheng: <file:line:col: message>" to stderr; returns err->code
 * (ERR_INTERNAL when it is 0). */
int cli_fail(const struct error *err);

/*
 * Print a usage error ("minsheng: <message>" then "用法：minsheng <words>
 * <usage>") and return ERR_USAGE. words is the command path, e.g.
 * "plan import".
 */
int cli_usage_error(const char *words, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The usage error for what getopt_long returned on a bad option: c is ':'
 * (an option without its argument; the optstring must start with ':') or
 * anything else (an unknown option). Call getopt_long with opterr = 0 so
 * that it prints nothing of its own. Returns ERR_USAGE.
 */
int cli_option_error(const char *words, const char *usage, int c, int argc, char **argv);

/*
 * The operand of an import command: exactly one FILE left after the options
 * (argv[optind..]). Sets *file and returns 0, or prints a usage error
 * ("缺少文件", "多余的参数 'x'") and returns ERR_USAGE.
 */
int cli_import_file_arg(int argc, char **argv, const char *words, const char *usage,
			const char **file);

/*
 * Before an import opens (and perhaps creates) the database: the input FILE
 * can be opened for reading ("-", standard input, always can). Else prints
 * "minsheng: FILE: 无法打开 'FILE'：<reason>", as the import itself would,
 * and returns ERR_IO, so a mistyped file name does not leave a new empty
 * database behind. A directory is refused the same way with
 * "'FILE' 不是普通文件" and ERR_INPUT, as bankfile import refuses it.
 */
int cli_input_readable(const char *file);

/*
 * Before an import opens (and perhaps creates) the database: its
 * --encoding value (NULL: not given, detect) is one the CSV reader accepts
 * (csv_options.encoding). Else prints "minsheng: FILE: 不支持的编码 'X'", as
 * the import itself would, and returns ERR_USAGE (reason
 * "unknown_encoding"), so a mistyped encoding leaves no new database.
 */
int cli_encoding_known(const char *file, const char *encoding);

/*
 * A command without operands: usage error "多余的参数 'x'" when anything is
 * left after the options (argv[optind..]); else 0.
 */
int cli_no_operands(int argc, char **argv, const char *words, const char *usage);

/*
 * Parse a --period value (docs/periods.md); a malformed one is a usage
 * error naming what is wrong. Whether it lies in the year is the caller's
 * (or the report's) check.
 */
struct period;
int cli_parse_period(const char *words, const char *usage, const char *s, struct period *p);

/*
 * As cli_parse_period, and the period must lie in year: else the usage
 * error "周期 'P' 不在 Y 年内" (exit 2, like any pair of options that
 * contradict each other). Every command taking --year and --period (report,
 * lagging, bulletin, subsidy stats) calls it after all options are read, so
 * their order does not matter.
 */
int cli_parse_period_in_year(const char *words, const char *usage, const char *s, long year,
			     struct period *p);

/*
 * An output file a command is about to write (--out, --values-out,
 * --rejects) must not be the database (opt as for cli_open_db), its -wal,
 * -shm or -journal file, or the key file it would use ($MINSHENG_KEY, else
 * the database's path plus ".key"): writing it would destroy them. Files
 * are compared by where they really are, not by name: the database path is
 * resolved (symbolic links followed; for a database not created yet, its
 * directory's real path) before -wal etc. are added, since SQLite puts them
 * beside the resolved file; the output is the same file when it names the
 * same directory entry (existing or not) or, when both exist, the same
 * inode. Usage error "输出文件 'x' 就是数据库文件 'y'" or "输出文件 'x' 就是密钥
 * 文件 'k'" (ERR_USAGE); else 0. Outputs written with cli_out_open replace
 * their name, never a file a symbolic link points to, so a file that
 * appears after this check (a -wal created when the database opens) is
 * not written through a link either.
 */
int cli_output_not_db(const char *words, const char *usage, const char *out, const char *opt);

/*
 * As cli_output_not_db for the key file only: key_opt if given (a command
 * taking --key), else $MINSHENG_KEY, else the database's path plus ".key"
 * (db_opt as for cli_open_db). Usage error "输出文件 'x' 就是密钥文件 'k'"
 * when out is that file; else 0.
 */
int cli_output_not_key(const char *words, const char *usage, const char *out, const char *key_opt,
		       const char *db_opt);

/*
 * An output file written whole or not at all (docs/cli.md, Output files).
 * cli_out_open creates an unnamed temporary file (O_TMPFILE) in the
 * directory of path and opens f on it; cli_out_close(o, true) flushes,
 * fsyncs and links it into the directory as ".ms-XXXXXX" (its name as long
 * whatever path's is, so any name the file system takes works), renames
 * that over path at once (then fsyncs the directory, so the new name
 * survives a crash), so a symbolic link at path is replaced, not followed,
 * and a failed write leaves no half file; cli_out_close(o, false) drops
 * it. Until then the file has no name: a process killed meanwhile, even by
 * SIGKILL, leaves nothing in the directory. Where the file system (or
 * kernel) has no O_TMPFILE, or /proc is not mounted, the temporary file is
 * a named ".ms-XXXXXX" made at once instead; killed by SIGHUP, SIGINT or
 * SIGTERM meanwhile, the process removes it before it dies (the handler is
 * installed only while such a file is open, and not over an ignored
 * signal), but SIGKILL leaves it.
 *
 * The new file's mode: the caller's (cli_out_open_mode) when it requires
 * one, whatever existed and whatever the umask; else, replacing a regular
 * file, that file's permission bits (and group where allowed; if the group
 * cannot be kept its bits are cleared); else what fopen "w" gives, 0666
 * less the umask. The file belongs to the user running the command.
 *
 * Refused before anything is created (so call it before the database is
 * opened): a directory (ERR_IO); a regular file with more than one hard
 * link, since the rename would leave the other names on the old contents
 * (ERR_USAGE); a read-only regular file, one the user may not write or,
 * for root, one without any write bit (ERR_IO), as opening it for writing
 * would fail. A path that exists and is not a regular file (a pipe,
 * /dev/null) or lies under /dev or /proc (/dev/stdout) is written in
 * place instead, keeping its mode.
 */
struct cli_out {
	const char *path; /* as given */
	const char *what; /* for messages: "拒绝文件", "输出文件" */
	char tmp[4096];	  /* the temporary file's name ("/proc/self/fd/N" for an
			   * unnamed one); "" when written in place */
	FILE *f;
	int slot; /* private: the signal handler's record of tmp, or -1 */
	int anon; /* private: the unnamed file's own descriptor, or -1 */
};

/* Returns 0, or prints "minsheng: 无法写入<what> 'path'：<reason>" and
 * returns ERR_IO (ERR_USAGE for a file with other hard links). */
int cli_out_open(struct cli_out *o, const char *what, const char *path);

/* As cli_out_open, the new file made mode (e.g. 0600 for a file of
 * personal data) whatever file it replaces and whatever the umask; mode 0
 * is cli_out_open's rule. A file written in place is created with mode
 * but an existing one keeps its own. */
int cli_out_open_mode(struct cli_out *o, const char *what, const char *path, unsigned mode);

/* True when path would be written in place (an existing file that is not
 * a regular one, or anything under /dev or /proc), not through a temporary
 * file: for a command that writes only regular files. */
bool cli_out_in_place(const char *path);

/* The refusals of cli_out_open alone, nothing created: for a command that
 * writes path by other means, or opens it only after the database. Same
 * messages and return values. */
int cli_out_check(const char *what, const char *path);

/* The file being written (the temporary file, or path written in place),
 * for a module that opens the file itself (by name, "w": the mode set
 * here stays; an unnamed file is reopened through /proc/self/fd, which
 * stays valid until cli_out_close even when f is closed first). */
const char *cli_out_name(const struct cli_out *o);

/* Finish (keep) or drop the output. Returns 0, or prints the error as
 * cli_out_open and returns ERR_IO (the temporary file is removed). */
int cli_out_close(struct cli_out *o, bool keep);

/*
 * The form of an org unit code given as an option (opt: "--county",
 * "--village", "--orgunit"), checked before the database is opened: level
 * 3 (a county) 6 digits, level 5 (a village) 12 digits, 0 (any level) 1 to
 * ORGUNIT_CODE_MAX characters of [0-9A-Za-z_.-], as orgunit import takes.
 * Else the usage error "选项 --county 的值 'x' 无效（县级单位代码应为6位数字）"
 * (ERR_USAGE); 0 when well-formed.
 */
int cli_orgunit_code(const char *opt, const char *code, int level);

/*
 * With the database open: when org units are loaded, code must be one of
 * them, and at level unless level is 0. Else prints "minsheng: 未知的单位代码
 * 'x'（组织机构中没有这个单位）" or "minsheng: 单位 'x'（名称）是乡级单位，不是
 * 县级单位" and returns ERR_INPUT. An unknown code is accepted (0) when no
 * unit of that level (for level 0: no unit at all) is loaded, since there
 * is nothing to check it against: as roster import takes any village when
 * no village is loaded (the bundled divisions stop at townships). A known
 * code of another level is refused all the same. ERR_IO for a database
 * error (printed).
 */
int cli_orgunit_known(struct db *db, const char *code, int level);

/*
 * Parse a LEVEL option value (orgunit list --level, report --by, lagging
 * --level): a name province..village or its number 1..5, at least min
 * (1 province .. 5 village). Else the usage error "层级 'x' 无效（应为
 * city、county、township、village 或 2-5）" naming what is allowed.
 */
int cli_parse_level(const char *words, const char *usage, const char *s, int min, int *out);

/*
 * The note callback of the tracker's imports (tracker_note_fn): prints each
 * problem as it is found, "minsheng: FILE:LINE:COL: 原因", a warning as
 * "minsheng: 警告：…". ctx is an int counting the errors printed, or NULL.
 */
void cli_print_note(void *ctx, const struct error *e, bool warning);

/*
 * Report a failed import and return ret: after printed notes a closing
 * "minsheng: 导入失败，共 N 处错误，<outcome>" (outcome says what was left
 * unchanged), with none (the file could not be read, a database error) err.
 */
int cli_import_failed(int ret, int printed, const struct error *err, const char *outcome);

/*
 * A list printed as a JSON array, one object a line: "[" and the objects,
 * then cli_json_list_end. cli_json_list_item prints o (compact, keys in
 * insertion order) as element number n (0-based) and releases it; returns
 * 0 or ERR_NOMEM (also when o is NULL, as json_pack returns on failure).
 */
struct json_t;
int cli_json_list_item(struct json_t *o, long n);
void cli_json_list_end(long n);

/*
 * Print one CSV row (fields quoted as needed, then a newline) to stdout,
 * using line as the scratch buffer. Returns 0 or ERR_NOMEM.
 */
struct buf;
int cli_csv_row(struct buf *line, const char *const *v, size_t n);

/*
 * Flush standard output and check that everything printed to it was
 * written (a full disk, a closed descriptor, /dev/full): else prints
 * "minsheng: 写出失败" and returns ERR_IO. main.c calls it after every
 * command that succeeded, so no command's output is lost with exit 0.
 */
int cli_stdout_close(void);

/*
 * Parse a decimal integer option value strictly (no sign unless allowed,
 * no trailing text, range lo..hi). Returns 0 or a usage error.
 */
int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out);

#endif
