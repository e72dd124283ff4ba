/*
 * schema.c - the subsidy tables (migrations of module "subsidy").
 *
 * Migration 1 is the whole core of 一卡通 (docs/ledger.md describes the
 * accounts; docs/personal-data.md the encrypted columns):
 *
 *   subsidy_meta     key fingerprint (so a wrong key file is refused)
 *   programme        the programme list (政策清单)
 *   roster_import    one row per committed roster import
 *   beneficiary      people, found by a keyed hash of the ID number; the ID
 *                    itself only encrypted
 *   bank_account     each person's accounts as history (valid_to NULL:
 *                    current); the number only encrypted plus its last 4
 *   entitlement      one approved amount per payment identity
 *                    (programme, period, person): UNIQUE, so a second roster
 *                    row for the same identity can never become money
 *   batch, payment   payment orders; a partial unique index lets at most one
 *                    payment per entitlement be pending or paid, so paying
 *                    twice is impossible by construction
 *   budget           optional ceiling per programme, year and county
 *   ledger_txn,
 *   ledger_entry     the double-entry ledger in integer fen; triggers make
 *                    postings immutable
 *
 * Money is INTEGER fen everywhere; no REAL column exists. Other modules
 * (subsidy-ops) append later migrations for their own extra tables.
 */
#include "subsidy/subsidy.h"

#include "db/db.h"

static const struct migration subsidy_migrations[] = {
	{1,
	 "CREATE TABLE subsidy_meta("
	 " name TEXT PRIMARY KEY,"
	 " value BLOB NOT NULL);"

	 "CREATE TABLE programme("
	 " id INTEGER PRIMARY KEY,"
	 " code TEXT NOT NULL UNIQUE,"
	 " name TEXT NOT NULL,"
	 " department TEXT NOT NULL,"
	 " frequency TEXT NOT NULL"
	 "  CHECK(frequency IN ('monthly','quarterly','yearly','once')),"
	 " standard_fen INTEGER CHECK(standard_fen IS NULL OR standard_fen > 0),"
	 " min_age INTEGER CHECK(min_age IS NULL OR min_age >= 0),"
	 " max_age INTEGER CHECK(max_age IS NULL OR max_age >= 0),"
	 " seq INTEGER NOT NULL DEFAULT 0," /* order in the last import */
	 " CHECK(min_age IS NULL OR max_age IS NULL OR min_age <= max_age));"

	 "CREATE TABLE roster_import("
	 " id INTEGER PRIMARY KEY,"
	 " file TEXT NOT NULL,"
	 " encoding TEXT NOT NULL,"
	 " imported_at TEXT NOT NULL," /* UTC, ISO 8601 */
	 " accepted INTEGER NOT NULL DEFAULT 0,"
	 " rejected INTEGER NOT NULL DEFAULT 0,"
	 " total_fen INTEGER NOT NULL DEFAULT 0);"

	 "CREATE TABLE beneficiary("
	 " id INTEGER PRIMARY KEY,"
	 " id_hash BLOB NOT NULL UNIQUE,"  /* keyed BLAKE2b-128 of the 18-char ID */
	 " id_enc BLOB NOT NULL,"          /* XChaCha20-Poly1305: nonce|ciphertext|tag */
	 " name TEXT NOT NULL,"
	 " village_code TEXT NOT NULL,"
	 " female INTEGER NOT NULL CHECK(female IN (0, 1)),"
	 " birth_day INTEGER NOT NULL,"    /* days since 1970-01-01 (period.h) */
	 " import_id INTEGER REFERENCES roster_import(id));"

	 "CREATE TABLE bank_account("
	 " id INTEGER PRIMARY KEY,"
	 " beneficiary_id INTEGER NOT NULL REFERENCES beneficiary(id),"
	 " acct_hash BLOB NOT NULL,"       /* keyed hash of the digits */
	 " acct_enc BLOB NOT NULL,"
	 " last4 TEXT NOT NULL,"
	 " is_sscard INTEGER NOT NULL DEFAULT 1 CHECK(is_sscard IN (0, 1)),"
	 " valid_from TEXT NOT NULL,"      /* UTC, ISO 8601 */
	 " valid_to TEXT,"                 /* NULL: the current account */
	 " source TEXT NOT NULL);"         /* 'roster' or what changed it */
	 "CREATE INDEX bank_account_beneficiary ON bank_account(beneficiary_id);"
	 "CREATE UNIQUE INDEX bank_account_current ON bank_account(beneficiary_id)"
	 " WHERE valid_to IS NULL;"

	 "CREATE TABLE entitlement("
	 " id INTEGER PRIMARY KEY,"
	 " programme_id INTEGER NOT NULL REFERENCES programme(id),"
	 " period TEXT NOT NULL,"
	 " beneficiary_id INTEGER NOT NULL REFERENCES beneficiary(id),"
	 " amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
	 " county_code TEXT NOT NULL,"     /* first 6 digits of village_code */
	 " village_code TEXT NOT NULL,"
	 " account_id INTEGER NOT NULL REFERENCES bank_account(id),"
	 " status TEXT NOT NULL DEFAULT 'approved'"
	 "  CHECK(status IN ('approved','on_hold','cancelled')),"
	 " hold_reason TEXT,"
	 " import_id INTEGER NOT NULL REFERENCES roster_import(id),"
	 " line INTEGER NOT NULL,"         /* line in the roster file */
	 " UNIQUE(programme_id, period, beneficiary_id));" /* payment identity */
	 "CREATE INDEX entitlement_beneficiary ON entitlement(beneficiary_id);"
	 "CREATE TRIGGER entitlement_fixed BEFORE UPDATE OF"
	 " programme_id, period, beneficiary_id, amount_fen ON entitlement"
	 " BEGIN SELECT RAISE(ABORT, '应发记录的项目、期间、人员和金额不可修改'); END;"
	 "CREATE TRIGGER entitlement_keep BEFORE DELETE ON entitlement"
	 " BEGIN SELECT RAISE(ABORT, '应发记录不可删除'); END;"

	 "CREATE TABLE batch("
	 " id INTEGER PRIMARY KEY,"
	 " programme_id INTEGER NOT NULL REFERENCES programme(id),"
	 " period TEXT NOT NULL,"
	 " county_code TEXT,"              /* NULL: all counties */
	 " created_at TEXT NOT NULL);"

	 "CREATE TABLE payment("
	 " id INTEGER PRIMARY KEY,"
	 " entitlement_id INTEGER NOT NULL REFERENCES entitlement(id),"
	 " batch_id INTEGER NOT NULL REFERENCES batch(id),"
	 " attempt INTEGER NOT NULL CHECK(attempt >= 1),"
	 " account_id INTEGER NOT NULL REFERENCES bank_account(id),"
	 " amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
	 " status TEXT NOT NULL DEFAULT 'pending'"
	 "  CHECK(status IN ('pending','paid','failed','cancelled')),"
	 " reason TEXT,"                   /* bank reason code when failed */
	 " bank_time TEXT,"
	 " UNIQUE(entitlement_id, attempt));"
	 /* At most one live (pending or paid) payment per entitlement. */
	 "CREATE UNIQUE INDEX payment_live ON payment(entitlement_id)"
	 " WHERE status IN ('pending','paid');"
	 "CREATE INDEX payment_batch ON payment(batch_id);"
	 "CREATE TRIGGER payment_fixed BEFORE UPDATE OF"
	 " entitlement_id, batch_id, attempt, amount_fen ON payment"
	 " BEGIN SELECT RAISE(ABORT, '发放记录的应发、批次、次数和金额不可修改'); END;"
	 "CREATE TRIGGER payment_keep BEFORE DELETE ON payment"
	 " BEGIN SELECT RAISE(ABORT, '发放记录不可删除'); END;"

	 "CREATE TABLE budget("
	 " programme_id INTEGER NOT NULL REFERENCES programme(id),"
	 " year INTEGER NOT NULL,"
	 " county_code TEXT NOT NULL,"
	 " amount_fen INTEGER NOT NULL CHECK(amount_fen >= 0),"
	 " PRIMARY KEY(programme_id, year, county_code));"

	 "CREATE TABLE ledger_txn("
	 " id INTEGER PRIMARY KEY,"
	 " kind TEXT NOT NULL,"            /* entitled, payment_created, paid, ... */
	 " ref TEXT NOT NULL,"             /* what caused it: 'roster_import 3', 'batch 7' */
	 " created_at TEXT NOT NULL);"
	 "CREATE TABLE ledger_entry("
	 " id INTEGER PRIMARY KEY,"
	 " txn_id INTEGER NOT NULL REFERENCES ledger_txn(id),"
	 " account TEXT NOT NULL CHECK(account IN"
	 "  ('entitled','unpaid','pending','paid','failed','cancelled')),"
	 " programme_id INTEGER NOT NULL REFERENCES programme(id),"
	 " period TEXT NOT NULL,"
	 " amount_fen INTEGER NOT NULL CHECK(amount_fen <> 0));" /* debit > 0 > credit */
	 "CREATE INDEX ledger_entry_txn ON ledger_entry(txn_id);"
	 "CREATE INDEX ledger_entry_pp ON ledger_entry(programme_id, period);"
	 "CREATE TRIGGER ledger_txn_no_update BEFORE UPDATE ON ledger_txn"
	 " BEGIN SELECT RAISE(ABORT, '账务凭证不可修改'); END;"
	 "CREATE TRIGGER ledger_txn_no_delete BEFORE DELETE ON ledger_txn"
	 " BEGIN SELECT RAISE(ABORT, '账务凭证不可删除'); END;"
	 "CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry"
	 " BEGIN SELECT RAISE(ABORT, '账务分录不可修改'); END;"
	 "CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry"
	 " BEGIN SELECT RAISE(ABORT, '账务分录不可删除'); END;"},

	/*
	 * Migration 2 (subsidy-ops: batches, bank files, anomalies; see
	 * docs/batches.md, docs/bankfile.md, docs/anomalies.md):
	 *
	 *   payment_correction   a failed payment whose account was corrected:
	 *                        its entitlement may be reissued (once)
	 *   bank_import          one row per return file applied, by content
	 *                        hash, so the same file is never applied twice
	 *   bank_return_line     every D line of those files with its outcome
	 *   death                date of death per person (keyed ID hash)
	 *   official             the officials list (优亲厚友 review)
	 */
	{2,
	 "CREATE TABLE payment_correction("
	 " payment_id INTEGER PRIMARY KEY REFERENCES payment(id),"
	 " account_id INTEGER NOT NULL REFERENCES bank_account(id),"
	 " corrected_at TEXT NOT NULL);"

	 "CREATE TABLE bank_import("
	 " id INTEGER PRIMARY KEY,"
	 " file_hash BLOB NOT NULL UNIQUE," /* BLAKE2b-256 of the file's bytes */
	 " file TEXT NOT NULL,"
	 " batch_id INTEGER NOT NULL REFERENCES batch(id),"
	 " imported_at TEXT NOT NULL,"
	 " lines INTEGER NOT NULL,"
	 " paid INTEGER NOT NULL, paid_fen INTEGER NOT NULL,"
	 " failed INTEGER NOT NULL, failed_fen INTEGER NOT NULL,"
	 " reversed INTEGER NOT NULL, reversed_fen INTEGER NOT NULL,"
	 " already INTEGER NOT NULL, unknown INTEGER NOT NULL,"
	 " mismatch INTEGER NOT NULL, duplicate INTEGER NOT NULL,"
	 " conflict INTEGER NOT NULL);"

	 "CREATE TABLE bank_return_line("
	 " import_id INTEGER NOT NULL REFERENCES bank_import(id),"
	 " line INTEGER NOT NULL,"
	 " payment_id INTEGER NOT NULL," /* as the bank wrote it: may be unknown */
	 " status TEXT NOT NULL CHECK(status = 'SUCCESS' OR status = 'FAILED'"
	 "  OR status = 'REVERSED'),"
	 " reason TEXT NOT NULL,"
	 " amount_fen INTEGER NOT NULL,"
	 " bank_time TEXT NOT NULL,"
	 /* Written as ORs, not IN (...): SQLite builds a temporary index for an
	  * IN list on every row it checks, which made bulk inserts 5x slower. */
	 " outcome TEXT NOT NULL CHECK(outcome = 'paid' OR outcome = 'failed'"
	 "  OR outcome = 'reversed' OR outcome = 'already' OR outcome = 'unknown'"
	 "  OR outcome = 'mismatch' OR outcome = 'duplicate' OR outcome = 'conflict'));"
	 "CREATE TRIGGER bank_return_line_keep BEFORE DELETE ON bank_return_line"
	 " BEGIN SELECT RAISE(ABORT, '回盘记录不可删除'); END;"

	 "CREATE TABLE death("
	 " id_hash BLOB PRIMARY KEY,"      /* keyed hash, as beneficiary.id_hash */
	 " id_enc BLOB NOT NULL,"
	 " death_day INTEGER NOT NULL,"    /* days since 1970-01-01 */
	 " file TEXT NOT NULL,"
	 " line INTEGER NOT NULL,"
	 " imported_at TEXT NOT NULL);"

	 "CREATE TABLE official("
	 " id INTEGER PRIMARY KEY,"
	 " id_hash BLOB NOT NULL,"
	 " id_enc BLOB NOT NULL,"
	 " name TEXT NOT NULL,"
	 " village_code TEXT NOT NULL,"
	 " role TEXT NOT NULL,"
	 " imported_at TEXT NOT NULL,"
	 " UNIQUE(id_hash, village_code, role));"},

	/*
	 * Migration 3 (subsidy-ops): entitlements on hold, found without a
	 * scan of the programme-period (holds are few; batch create counts
	 * them every time).
	 */
	{3,
	 "CREATE INDEX entitlement_on_hold ON entitlement(programme_id, period)"
	 " WHERE status = 'on_hold';"},

	/*
	 * Migration 4 (subsidy payment settle, docs/batches.md): a payment
	 * the records held as cancelled or failed, booked as paid after the
	 * operator confirmed with the bank that its SUCCESS line stands. One
	 * row per settlement, naming the bank line used and what the payment
	 * was before; rows are never changed or deleted. A payment may have
	 * more than one (settled, reversed by a later return file, settled
	 * again), so payment_id is indexed, not unique.
	 */
	{4,
	 "CREATE TABLE payment_settlement("
	 " id INTEGER PRIMARY KEY,"
	 " payment_id INTEGER NOT NULL REFERENCES payment(id),"
	 " import_id INTEGER NOT NULL REFERENCES bank_import(id),"
	 " line INTEGER NOT NULL,"
	 " bank_time TEXT NOT NULL,"
	 " amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
	 " previous_status TEXT NOT NULL"
	 "  CHECK(previous_status = 'cancelled' OR previous_status = 'failed'),"
	 " previous_reason TEXT,"
	 " previous_entitlement_status TEXT NOT NULL,"
	 " reason TEXT NOT NULL,"
	 " settled_at TEXT NOT NULL);" /* UTC, ISO 8601 */
	 "CREATE INDEX payment_settlement_payment ON payment_settlement(payment_id);"
	 "CREATE TRIGGER payment_settlement_no_update BEFORE UPDATE ON payment_settlement"
	 " BEGIN SELECT RAISE(ABORT, '核实入账记录不可修改'); END;"
	 "CREATE TRIGGER payment_settlement_no_delete BEFORE DELETE ON payment_settlement"
	 " BEGIN SELECT RAISE(ABORT, '核实入账记录不可删除'); END;"},
};

int subsidy_migrate(struct db *db, struct error *err)
{
	return db_migrate(db, "subsidy", subsidy_migrations,
			  (int)(sizeof(subsidy_migrations) /
				sizeof(subsidy_migrations[0])),
			  err);
}
