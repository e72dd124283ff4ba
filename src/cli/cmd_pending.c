/*
 * cmd_pending.c - weak placeholders for commands not yet written.
 *
 * Each prints that the command is not available and exits 3. A command
 * file that defines the real function overrides its placeholder; this
 * file is deleted once every command exists.
 */
#include "cli/cli.h"
#include "cli/cmd_subsidy.h"

#include <stdio.h>

static int pending(const char *name)
{
	fprintf(stderr, "minsheng: 命令 %s 尚未实现\n", name);
	return 3;
}

__attribute__((weak)) int cli_subsidy_programme_import(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_programme_list(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_roster_import(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_check(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_batch_create(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_batch_list(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_budget_set(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_bankfile_export(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_bankfile_import(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_payment_correct(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_deaths_import(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_officials_import(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_anomalies(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_disclose(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_lookup(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_subsidy_stats(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_report(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_lagging(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_bulletin(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

__attribute__((weak)) int cli_demo(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

static const struct cli_command none[] = {{0}};

__attribute__((weak)) const struct cli_command cli_orgunit_commands[] = {
	{"list", "（尚未实现）", "", NULL, none},
	{0},
};

__attribute__((weak)) const struct cli_command cli_plan_commands[] = {
	{"list", "（尚未实现）", "", NULL, none},
	{0},
};

__attribute__((weak)) const struct cli_command cli_values_commands[] = {
	{"list", "（尚未实现）", "", NULL, none},
	{0},
};
