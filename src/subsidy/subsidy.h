/*
 * subsidy.h - 一卡通 subsidy disbursement: programmes, beneficiaries,
 * rosters, ledger, batches, bank files, reconciliation, anomalies,
 * disclosure.
 */
#ifndef MINSHENG_SUBSIDY_SUBSIDY_H
#define MINSHENG_SUBSIDY_SUBSIDY_H

struct db;
struct error;

/* Create or upgrade the subsidy tables (module "subsidy"). */
int subsidy_migrate(struct db *db, struct error *err);

#endif
