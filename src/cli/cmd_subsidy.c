/* cmd_subsidy.c - the "minsheng subsidy ..." command tables. */
#include "cli/cli.h"
#include "cli/cmd_subsidy.h"

static const struct cli_command programme_commands[] = {
	{"import", "导入补贴项目清单", "FILE [--encoding E] [--db PATH]", cli_subsidy_programme_import, NULL},
	{"list", "政策清单", "[--format text|json|csv] [--db PATH]", cli_subsidy_programme_list, NULL},
	{0},
};

static const struct cli_command roster_commands[] = {
	{"import", "导入发放名册",
	 "FILE [--partial] [--rejects FILE] [--encoding E] [--key PATH] [--threads 1|2] [--db PATH]",
	 cli_subsidy_roster_import, NULL},
	{0},
};

static const struct cli_command beneficiary_commands[] = {
	{"list", "受益人员（默认脱敏）",
	 "[--unmask] [--key PATH] [--format text|csv] [--limit N] [--db PATH]",
	 cli_subsidy_beneficiary_list, NULL},
	{0},
};

static const struct cli_command batch_commands[] = {
	{"create", "生成发放批次", "--programme P --period X [--county CODE] [--db PATH]",
	 cli_subsidy_batch_create, NULL},
	{"list", "批次列表", "[--format text|json] [--db PATH]", cli_subsidy_batch_list, NULL},
	{0},
};

static const struct cli_command budget_commands[] = {
	{"set", "设置预算", "--programme P --year Y --county CODE --amount-fen N [--db PATH]",
	 cli_subsidy_budget_set, NULL},
	{0},
};

static const struct cli_command bankfile_commands[] = {
	{"export", "导出银行代发文件", "BATCH --out FILE [--key PATH] [--db PATH]", cli_subsidy_bankfile_export, NULL},
	{"import", "导入银行回盘文件并对账", "FILE [--db PATH]", cli_subsidy_bankfile_import, NULL},
	{0},
};

static const struct cli_command payment_commands[] = {
	{"correct", "更正失败发放的账户，待下一批次重发",
	 "--payment ID --account ACCOUNT|- [--not-sscard] [--key PATH] [--db PATH]",
	 cli_subsidy_payment_correct, NULL},
	{"cancel", "拦截在途发放（已在批次中、银行尚未回盘），不再发放",
	 "--payment ID [--reason TEXT] [--db PATH]", cli_subsidy_payment_cancel, NULL},
	{"settle", "银行报成功的已取消或失败发放，经与银行核实后按已发入账",
	 "--payment ID --reason TEXT [--db PATH]", cli_subsidy_payment_settle, NULL},
	{0},
};

static const struct cli_command deaths_commands[] = {
	{"import", "导入死亡人员信息", "FILE [--encoding E] [--key PATH] [--db PATH]", cli_subsidy_deaths_import, NULL},
	{0},
};

static const struct cli_command officials_commands[] = {
	{"import", "导入村干部等公职人员信息", "FILE [--encoding E] [--key PATH] [--db PATH]", cli_subsidy_officials_import, NULL},
	{0},
};

static const struct cli_command hold_commands[] = {
	{"release", "解除暂停发放（死亡记录有误等）", "--entitlement ID [--db PATH]",
	 cli_subsidy_hold_release, NULL},
	{"cancel", "取消暂停发放的应发记录（不再发放）", "--entitlement ID [--db PATH]",
	 cli_subsidy_hold_cancel, NULL},
	{0},
};

const struct cli_command cli_subsidy_commands[] = {
	{"programme", "补贴项目", NULL, NULL, programme_commands},
	{"roster", "发放名册", NULL, NULL, roster_commands},
	{"check", "核对账务平衡", "[--db PATH]", cli_subsidy_check, NULL},
	{"beneficiary", "受益人员", NULL, NULL, beneficiary_commands},
	{"batch", "发放批次", NULL, NULL, batch_commands},
	{"budget", "预算", NULL, NULL, budget_commands},
	{"bankfile", "银行文件", NULL, NULL, bankfile_commands},
	{"payment", "发放记录", NULL, NULL, payment_commands},
	{"deaths", "死亡人员", NULL, NULL, deaths_commands},
	{"officials", "公职人员", NULL, NULL, officials_commands},
	{"hold", "暂停发放", NULL, NULL, hold_commands},
	{"anomalies", "监管预警",
	 "[--format text|json] [--shared-account-threshold N] [--key PATH] [--db PATH]", cli_subsidy_anomalies, NULL},
	{"disclose", "公示名单",
	 "--programme P --period X [--village CODE] [--format text|csv] [--key PATH] [--db PATH]",
	 cli_subsidy_disclose, NULL},
	{"lookup", "个人补贴查询", "--id ID|- --name NAME [--key PATH] [--db PATH]", cli_subsidy_lookup, NULL},
	{"stats", "发放统计", "--year Y [--period P] [--format text|json] [--as-values] [--values-out FILE]"
	 " [--element NAME=CODE] [--orgunit CODE] [--db PATH]",
	 cli_subsidy_stats, NULL},
	{0},
};
