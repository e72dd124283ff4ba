/*
 * ops_fixture.h - a scratch database for the subsidy operations tests
 * (test_batch.c, test_anomaly.c, test_disclose.c, test_stats.c): programmes
 * and rosters go in through the real imports, files are written to a
 * temporary directory that fx_close removes. Header-only (static functions)
 * so each test stays one executable.
 */
#ifndef MINSHENG_TESTS_OPS_FIXTURE_H
#define MINSHENG_TESTS_OPS_FIXTURE_H

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"
#include "subsidy/bankfile.h"
#include "subsidy/batch.h"
#include "subsidy/ledger.h"
#include "subsidy/pii.h"
#include "subsidy/programme.h"
#include "subsidy/reconcile.h"
#include "subsidy/roster.h"
#include "subsidy/subsidy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FX_UNUSED __attribute__((unused))

struct fx {
	char dir[64];
	char dbpath[128];
	struct db *db;
	struct pii_keys keys;
	int have_keys;
};

/* Abort the test with the error's message. */
static FX_UNUSED void fx_ok(int rc, const struct error *err, const char *what)
{
	if (rc) {
		fprintf(stderr, "%s failed: %d %s:%ld:%ld %s (%s)\n", what, rc, err->file,
			err->line, err->column, err->msg, err->reason);
		abort();
	}
}

static FX_UNUSED void fx_open(struct fx *f)
{
	struct error err;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/ms-ops-XXXXXX");
	if (!mkdtemp(f->dir))
		abort();
	snprintf(f->dbpath, sizeof(f->dbpath), "%s/t.db", f->dir);
	error_clear(&err);
	fx_ok(db_open(f->dbpath, &f->db, &err), &err, "db_open");
	fx_ok(subsidy_migrate(f->db, &err), &err, "subsidy_migrate");
}

/* Write text to dir/name; path gets the full path (at least 192 bytes). */
static FX_UNUSED void fx_file(struct fx *f, const char *name, const char *text, char *path)
{
	FILE *fp;

	snprintf(path, 192, "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
}

static FX_UNUSED void fx_programmes(struct fx *f, const char *csv)
{
	char path[192];
	struct error err;
	size_t n = 0;

	fx_file(f, "programmes.csv", csv, path);
	error_clear(&err);
	fx_ok(programme_import(f->db, path, NULL, NULL, NULL, &n, &err), &err, "programme_import");
}

/* Import a roster (all or nothing) and load the key it created. */
static FX_UNUSED void fx_roster(struct fx *f, const char *csv)
{
	struct roster_options o;
	struct roster_summary s;
	struct error err;
	char path[192];

	fx_file(f, "roster.csv", csv, path);
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.threads = 1;
	error_clear(&err);
	fx_ok(roster_import(f->db, &o, &s, &err), &err, "roster_import");
	if (!f->have_keys) {
		fx_ok(pii_init(&err), &err, "pii_init");
		fx_ok(pii_open(f->db, NULL, 0, &f->keys, &err), &err, "pii_open");
		f->have_keys = 1;
	}
}

static FX_UNUSED int64_t fx_int(struct fx *f, const char *sql)
{
	struct error err;
	int64_t v = -1;

	error_clear(&err);
	fx_ok(db_int(f->db, sql, &v, &err), &err, sql);
	return v;
}

static FX_UNUSED void fx_exec(struct fx *f, const char *sql)
{
	struct error err;

	error_clear(&err);
	fx_ok(db_exec(f->db, sql, &err), &err, sql);
}

/* The ledger check finds nothing wrong. */
static FX_UNUSED int64_t fx_violations(struct fx *f)
{
	struct ledger_check_result res;
	struct error err;

	error_clear(&err);
	fx_ok(ledger_check(f->db, NULL, NULL, &res, &err), &err, "ledger_check");
	return res.violations;
}

/*
 * Make a batch of a programme-period and have the bank pay every payment
 * of it (SUCCESS at bank_time); returns the batch id (0: nothing due).
 */
static FX_UNUSED int64_t fx_pay(struct fx *f, const char *programme, const char *period,
				const char *bank_time)
{
	struct batch_request req = {programme, period, NULL};
	struct reconcile_summary s;
	struct batch_result res;
	struct bankret_line ln;
	struct error err;
	sqlite3_stmt *st;
	struct buf b;
	char path[192];
	int64_t n = 0, total = 0;

	error_clear(&err);
	fx_ok(batch_create(f->db, &req, &res, &err), &err, "batch_create");
	if (!res.batch_id)
		return 0;
	buf_init(&b, 1 << 20);
	bankfile_format_return_header(&b, res.batch_id);
	fx_ok(db_prepare(f->db, "SELECT id, amount_fen FROM payment WHERE batch_id = ? ORDER BY id",
			 &st, &err),
	      &err, "select payments");
	sqlite3_bind_int64(st, 1, res.batch_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&ln, 0, sizeof(ln));
		ln.payment_id = sqlite3_column_int64(st, 0);
		ln.amount_fen = sqlite3_column_int64(st, 1);
		ln.status = BANKRET_SUCCESS;
		snprintf(ln.bank_time, sizeof(ln.bank_time), "%s", bank_time);
		if (bankfile_format_return_line(&b, &ln))
			abort();
		n++;
		total += ln.amount_fen;
	}
	sqlite3_finalize(st);
	bankfile_format_trailer(&b, n, total);
	fx_file(f, "pay-return.csv", b.data, path);
	buf_free(&b);
	fx_ok(bankfile_import(f->db, path, &s, NULL, NULL, &err), &err, "bankfile_import");
	if (s.n[RECON_PAID] != n)
		abort();
	return res.batch_id;
}

static FX_UNUSED void fx_close(struct fx *f)
{
	char cmd[160];

	if (f->have_keys)
		pii_keys_wipe(&f->keys);
	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
}

/* Six people of two counties (valid IDs and accounts). */
#define FX_PROGRAMMES                                                                              \
	"code,name,department,frequency,standard_fen,min_age,max_age\n"                            \
	"GL01,高龄津贴,民政厅,monthly,50000,60,\n"

#define FX_ROSTER_HEADER "programme,period,id_number,name,village,bank_account,amount_fen\n"
#define FX_P0 "410102194001101018,张伟,410102001001,6217000000000010003"
#define FX_P1 "410102194102111020,王芳,410102001002,6217000000000010011"
#define FX_P2 "410102194203121033,李娜,410102001001,6217000000000010029"
#define FX_P3 "410105195204131130,李艳,410105001001,6217000000000010128"
#define FX_P4 "410105195305141143,赵杰,410105001001,6217000000000010136"
#define FX_P5 "410105195406151156,刘娟,410105001002,6217000000000010144"

/* Open a fixture with the GL01 programme and the given roster imported. */
static FX_UNUSED void fx_start(struct fx *f, const char *roster)
{
	fx_open(f);
	fx_programmes(f, FX_PROGRAMMES);
	fx_roster(f, roster);
}

#endif
