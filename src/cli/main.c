/*
 * main.c - the minsheng binary: finds the command in the tables and runs it.
 *
 * minsheng <group> [<command> ...] [options]; "--help" (or "help") at any
 * level lists what is below it; a command's "--help" may also come after
 * its other options.
 */
#include "cli/cli.h"

#include "base/error.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifndef MINSHENG_VERSION
#define MINSHENG_VERSION "0.1.0"
#endif

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("minsheng %s (SQLite %s)\n", MINSHENG_VERSION, sqlite3_libversion());
	return 0;
}

static const struct cli_command top_commands[] = {
	{"version", "显示版本", "", cmd_version, NULL},
	{"demo", "用内置数据建库并输出2022年度报告和通报", "[--db PATH]", cli_demo, NULL},
	{"orgunit", "组织机构（行政区划）", NULL, NULL, cli_orgunit_commands},
	{"plan", "年度民生实事计划与目标", NULL, NULL, cli_plan_commands},
	{"values", "数据值导入导出", NULL, NULL, cli_values_commands},
	{"report", "进度与完成情况报告",
	 "--year Y [--period P] [--orgunit CODE] [--by LEVEL] [--precision N] [--indicator CODE]"
	 " [--yellow-pp N] [--rate-yellow-pp N] [--format text|json|csv] [--db PATH]",
	 cli_report, NULL},
	{"lagging", "未完成单位名单",
	 "--year Y --indicator CODE [--period P] [--orgunit CODE] [--level LEVEL] [--format text|json]"
	 " [--db PATH]",
	 cli_lagging, NULL},
	{"bulletin", "生成进展通报",
	 "--year Y [--period P] [--orgunit CODE] [--precision N] [--db PATH]", cli_bulletin, NULL},
	{"subsidy", "惠民惠农财政补贴资金“一卡通”", NULL, NULL, cli_subsidy_commands},
	{0},
};

static void print_list(FILE *out, const char *words, const struct cli_command *t)
{
	size_t w = 0, i;

	for (i = 0; t[i].name; i++)
		if (strlen(t[i].name) > w)
			w = strlen(t[i].name);
	fprintf(out, "用法：minsheng%s%s <命令> [选项]\n\n命令：\n", words[0] ? " " : "",
		words);
	for (i = 0; t[i].name; i++)
		fprintf(out, "  %-*s  %s\n", (int)w, t[i].name, t[i].summary);
	fprintf(out, "\n用 minsheng%s%s <命令> --help 查看各命令的选项。\n",
		words[0] ? " " : "", words);
}

static int is_help(const char *s)
{
	return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0 ||
	       strcmp(s, "help") == 0;
}

/*
 * Whether the long option arg ("--rejects", "--rej", without "=value")
 * takes a value, as the command's usage line shows it: "--rejects FILE"
 * does, "[--partial]" does not. An abbreviation (getopt_long accepts a
 * unique prefix) takes one when an option it may stand for does.
 */
static bool takes_value(const char *usage, const char *arg)
{
	const char *p = usage, *name = arg + 2;
	size_t n = strlen(name), len;
	bool value;

	while (usage && (p = strstr(p, "--")) != NULL) {
		p += 2;
		len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
		value = p[len] == ' ' && p[len + 1] && !strchr("[-]|", p[len + 1]);
		if (len >= n && strncmp(p, name, n) == 0 && value)
			return true;
		p += len;
	}
	return false;
}

/*
 * A command's help: "help", "--help" or "-h" right after its words, or
 * "--help" / "-h" anywhere among its options ("report --year 2023 --help"),
 * up to a "--" that ends them. The value of an option that takes one is
 * not an option ("--rejects -h" names a reject file called "-h").
 */
static bool wants_help(int argc, char **argv, int from, const char *usage)
{
	int k;

	if (from < argc && is_help(argv[from]))
		return true;
	for (k = from; k < argc; k++) {
		if (strcmp(argv[k], "--") == 0)
			return false;
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0)
			return true;
		if (strncmp(argv[k], "--", 2) == 0 && !strchr(argv[k], '=') &&
		    takes_value(usage, argv[k]))
			k++;
	}
	return false;
}

int main(int argc, char **argv)
{
	const struct cli_command *table = top_commands, *cmd = NULL;
	char words[256] = "";
	int i = 1, k, rc;

	for (;;) {
		if (i >= argc) {
			print_list(cmd ? stdout : stderr, words, table);
			return cmd ? ERR_USAGE : ERR_USAGE;
		}
		if (is_help(argv[i])) {
			print_list(stdout, words, table);
			return cli_stdout_close();
		}
		cmd = NULL;
		for (k = 0; table[k].name; k++)
			if (strcmp(table[k].name, argv[i]) == 0)
				cmd = &table[k];
		if (!cmd) {
			fprintf(stderr, "minsheng: 未知命令 '%s%s%s'\n", words,
				words[0] ? " " : "", argv[i]);
			print_list(stderr, words, table);
			return ERR_USAGE;
		}
		snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s",
			 words[0] ? " " : "", cmd->name);
		if (!cmd->sub)
			break;
		table = cmd->sub;
		i++;
	}
	if (wants_help(argc, argv, i + 1, cmd->usage)) {
		printf("用法：minsheng %s %s\n%s\n", words, cmd->usage ? cmd->usage : "",
		       cmd->summary);
		return cli_stdout_close();
	}
	cli_set_command(words, cmd->usage);
	rc = cmd->exec(argc - i, argv + i);
	/*
	 * Output lost on the way (a full disk, /dev/full) is a failure, whatever
	 * the command printed it for: exit 3, not 0 or a check's 1. A command
	 * that failed with ERR_IO has said why already.
	 */
	if (rc != ERR_IO && cli_stdout_close())
		rc = ERR_IO;
	return rc;
}
