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

enum cli_format { CLI_TEXT, CLI_JSON, CLI_CSV };

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
 * Open the database (creating and migrating every module's tables on first
 * use). On failure prints the error and returns its code; *out is NULL.
 */
int cli_open_db(const char *opt, struct db **out);

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
 * Parse a decimal integer option value strictly (no sign unless allowed,
 * no trailing text, range lo..hi). Returns 0 or a usage error.
 */
int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out);

#endif
