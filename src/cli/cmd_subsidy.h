/* cmd_subsidy.h - the subsidy commands' entry points (one file per group). */
#ifndef MINSHENG_CLI_CMD_SUBSIDY_H
#define MINSHENG_CLI_CMD_SUBSIDY_H

int cli_subsidy_programme_import(int argc, char **argv);
int cli_subsidy_programme_list(int argc, char **argv);
int cli_subsidy_roster_import(int argc, char **argv);
int cli_subsidy_check(int argc, char **argv);
int cli_subsidy_beneficiary_list(int argc, char **argv);
int cli_subsidy_batch_create(int argc, char **argv);
int cli_subsidy_batch_list(int argc, char **argv);
int cli_subsidy_budget_set(int argc, char **argv);
int cli_subsidy_bankfile_export(int argc, char **argv);
int cli_subsidy_bankfile_import(int argc, char **argv);
int cli_subsidy_payment_correct(int argc, char **argv);
int cli_subsidy_payment_cancel(int argc, char **argv);
int cli_subsidy_payment_settle(int argc, char **argv);
int cli_subsidy_deaths_import(int argc, char **argv);
int cli_subsidy_officials_import(int argc, char **argv);
int cli_subsidy_hold_release(int argc, char **argv);
int cli_subsidy_hold_cancel(int argc, char **argv);
int cli_subsidy_anomalies(int argc, char **argv);
int cli_subsidy_disclose(int argc, char **argv);
int cli_subsidy_lookup(int argc, char **argv);
int cli_subsidy_stats(int argc, char **argv);

#endif
