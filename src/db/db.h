/*
 * db.h - the database connection, migrations and statement helpers.
 *
 * SQLite now (one file, WAL, synchronous=FULL, foreign keys on); the
 * interface is kept narrow so a PostgreSQL connection can be added beside it.
 * Each domain module owns its tables and passes its own list of migrations to
 * db_migrate; the schema version of each module is kept in the file (table
 * schema_version), and opening a file whose version for a module is newer
 * than this program knows is an error, never a silent downgrade.
 */
#ifndef MINSHENG_DB_DB_H
#define MINSHENG_DB_DB_H

#include <sqlite3.h>
#include <stdint.h>

struct error;
struct db;

/* One schema step of a module: applied once, in order, in a transaction. */
struct migration {
	int version;        /* 1, 2, 3, ... without gaps */
	const char *sql;    /* one or more statements */
};

/*
 * Open (creating when missing, mode 0600) the database at path. Sets WAL mode,
 * synchronous=FULL, foreign_keys=ON and a busy timeout. *out is NULL on
 * failure. ERR_IO with the path and SQLite's message on failure.
 */
int db_open(const char *path, struct db **out, struct error *err);

/*
 * As db_open, but a file that does not exist is not created: ERR_IO with
 * reason "db_missing" ("数据库 'x' 不存在"), and nothing is left on disk.
 * For commands that only read, where a mistyped path must not turn into
 * a new empty database.
 */
int db_open_existing(const char *path, struct db **out, struct error *err);

/* Close. Accepts NULL. */
void db_close(struct db *db);

/* The SQLite handle, for modules' own statements. */
sqlite3 *db_sqlite(struct db *db);

/* The path the database was opened with. */
const char *db_path(const struct db *db);

/*
 * Bring module's tables up to the last of the n migrations. Refuses
 * (ERR_IO, "数据库 'x' 的 tracker 架构版本 5 比本程序支持的 3 新") when
 * the file already has a newer version.
 */
int db_migrate(struct db *db, const char *module, const struct migration *m,
	       int n, struct error *err);

/* Run one or more statements without results. */
int db_exec(struct db *db, const char *sql, struct error *err);

/* Transactions. db_begin is BEGIN IMMEDIATE (so writers serialise at once). */
int db_begin(struct db *db, struct error *err);
int db_commit(struct db *db, struct error *err);
/* Roll back if a transaction is open; never fails (errors are ignored). */
void db_rollback(struct db *db);

/* Prepare a statement; on error fills err with the SQL's failure. */
int db_prepare(struct db *db, const char *sql, sqlite3_stmt **st,
	       struct error *err);

/*
 * Record SQLite's current error on err as ERR_IO, with a context word
 * ("插入数据值"). Returns ERR_IO.
 */
int db_fail(struct db *db, struct error *err, const char *what);

/* Run a query whose first column of the first row is an integer; *out = 0 when no row. */
int db_int(struct db *db, const char *sql, int64_t *out, struct error *err);

#endif
