/* db.c - SQLite connection, migrations and statement helpers (see db.h). */
#include "db/db.h"

#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct db {
	sqlite3 *h;
	char *path;
};

/*
 * SQLite's reason in Chinese for users, its own (English) message kept in
 * brackets for whoever has to find the cause. A message raised by one of
 * our triggers is Chinese already and is used as it is. rc is the
 * (extended) result code; msg SQLite's message, may be NULL.
 */
static const char *db_reason(int rc, const char *msg, char *buf, size_t n)
{
	const char *zh;

	if (!msg)
		msg = sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: zh = "数据库正被另一个程序使用"; break;
	case SQLITE_FULL: zh = "磁盘空间不足"; break;
	case SQLITE_IOERR: zh = "读写数据库文件失败"; break;
	case SQLITE_CORRUPT: zh = "数据库文件已损坏"; break;
	case SQLITE_NOTADB: zh = "不是数据库文件"; break;
	case SQLITE_READONLY: zh = "数据库只能读，不能写"; break;
	case SQLITE_CANTOPEN: zh = "无法打开数据库文件"; break;
	case SQLITE_PERM: zh = "权限不足"; break;
	case SQLITE_NOMEM: zh = "内存不足"; break;
	case SQLITE_TOOBIG: zh = "数据过大"; break;
	case SQLITE_CONSTRAINT:
		if ((unsigned char)msg[0] >= 0x80) /* our triggers' Chinese messages */
			return msg;
		zh = "违反数据约束";
		break;
	default: zh = "数据库操作失败"; break;
	}
	snprintf(buf, n, "%s（%s）", zh, msg);
	return buf;
}

int db_fail(struct db *db, struct error *err, const char *what)
{
	char why[300];

	if (!db || !db->h)
		return error_set(err, ERR_IO, "数据库错误（%s）：无连接", what);
	return error_set(err, ERR_IO, "数据库错误（%s）：%s", what,
			 db_reason(sqlite3_extended_errcode(db->h), sqlite3_errmsg(db->h), why,
				   sizeof(why)));
}

/* flags: SQLite's open flags (read-write, with or without create). */
static int open_flags(const char *path, int flags, struct db **out, struct error *err)
{
	static int configured;
	struct db *db;
	struct stat sb;
	int rc;

	*out = NULL;
	/*
	 * Before SQLite's first use in the process: no global memory statistics
	 * (they take a mutex on every allocation, measurable in bulk imports).
	 * Later calls return SQLITE_MISUSE and change nothing, which is fine.
	 */
	if (!configured) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = 1;
	}
	db = calloc(1, sizeof(*db));
	if (!db)
		return error_set(err, ERR_NOMEM, "内存不足");
	db->path = strdup(path);
	if (!db->path) {
		free(db);
		return error_set(err, ERR_NOMEM, "内存不足");
	}
	/*
	 * A new database file is made mode 0600 before SQLite opens it (which
	 * would give 0644 less the umask): it holds names, villages and birth
	 * days in clear, which with a public 公示 list (first 6 and last 4
	 * digits) rebuild whole ID numbers (docs/personal-data.md). SQLite
	 * gives its -wal and -shm files the database file's mode. An existing
	 * file keeps its mode; O_EXCL never touches one made meanwhile.
	 */
	if ((flags & SQLITE_OPEN_CREATE) && path[0] && strcmp(path, ":memory:") != 0 &&
	    strncmp(path, "file:", 5) != 0 && stat(path, &sb) != 0 && errno == ENOENT) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd >= 0)
			close(fd);
	}
	rc = sqlite3_open_v2(path, &db->h, flags, NULL);
	if (rc != SQLITE_OK && !(flags & SQLITE_OPEN_CREATE) && stat(path, &sb) != 0 &&
	    errno == ENOENT) {
		error_set(err, ERR_IO, "数据库 '%s' 不存在", path);
		error_reason(err, "db_missing");
		db_close(db);
		return ERR_IO;
	}
	if (rc != SQLITE_OK) {
		char why[300];

		error_set(err, ERR_IO, "无法打开数据库 '%s'：%s", path,
			  db_reason(db->h ? sqlite3_extended_errcode(db->h) : rc,
				    db->h ? sqlite3_errmsg(db->h) : NULL, why, sizeof(why)));
		db_close(db);
		return ERR_IO;
	}
	sqlite3_busy_timeout(db->h, 10000);
	rc = db_exec(db,
		     "PRAGMA journal_mode=WAL;"
		     "PRAGMA synchronous=FULL;"
		     "PRAGMA foreign_keys=ON;"
		     "CREATE TABLE IF NOT EXISTS schema_version("
		     " module TEXT PRIMARY KEY, version INTEGER NOT NULL);",
		     err);
	if (rc) {
		/* err->msg is both the reason and the buffer error_set fills:
		 * formatting one into the other is undefined (and lost it) */
		char reason[sizeof(err->msg)];

		snprintf(reason, sizeof(reason), "%s", err->msg);
		error_set(err, ERR_IO, "无法打开数据库 '%s'：%s", path, reason);
		db_close(db);
		return ERR_IO;
	}
	*out = db;
	return 0;
}

int db_open(const char *path, struct db **out, struct error *err)
{
	return open_flags(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, out, err);
}

int db_open_existing(const char *path, struct db **out, struct error *err)
{
	return open_flags(path, SQLITE_OPEN_READWRITE, out, err);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

sqlite3 *db_sqlite(struct db *db)
{
	return db->h;
}

const char *db_path(const struct db *db)
{
	return db->path;
}

int db_exec(struct db *db, const char *sql, struct error *err)
{
	char *msg = NULL, why[300];

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(err, ERR_IO, "数据库错误：%s",
			  db_reason(sqlite3_extended_errcode(db->h), msg ? msg : sqlite3_errmsg(db->h),
				    why, sizeof(why)));
		sqlite3_free(msg);
		return ERR_IO;
	}
	return 0;
}

int db_begin(struct db *db, struct error *err)
{
	return db_exec(db, "BEGIN IMMEDIATE", err);
}

int db_commit(struct db *db, struct error *err)
{
	return db_exec(db, "COMMIT", err);
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_prepare(struct db *db, const char *sql, sqlite3_stmt **st,
	       struct error *err)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return db_fail(db, err, "准备语句");
	}
	return 0;
}

int db_int(struct db *db, const char *sql, int64_t *out, struct error *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if (db_prepare(db, sql, &st, err))
		return ERR_IO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		db_fail(db, err, "查询");
		sqlite3_finalize(st);
		return ERR_IO;
	}
	sqlite3_finalize(st);
	return 0;
}

static int db_version(struct db *db, const char *module, int *version,
		      struct error *err)
{
	sqlite3_stmt *st;
	int rc;

	*version = 0;
	if (db_prepare(db, "SELECT version FROM schema_version WHERE module = ?",
		       &st, err))
		return ERR_IO;
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, err, "读取架构版本");
	return 0;
}

int db_migrate(struct db *db, const char *module, const struct migration *m,
	       int n, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int version, i, rc;

	if (db_version(db, module, &version, err))
		return ERR_IO;
	if (version > n)
		return error_set(err, ERR_IO,
				 "数据库 '%s' 的 %s 架构版本 %d 比本程序支持的 %d 新，请升级 minsheng",
				 db->path, module, version, n);
	if (version == n)
		return 0;
	if (db_begin(db, err))
		return ERR_IO;
	/* Re-read inside the write lock: another process may have migrated. */
	if (db_version(db, module, &version, err))
		goto fail;
	for (i = version; i < n; i++) {
		if (m[i].version != i + 1) {
			error_set(err, ERR_INTERNAL, "%s 迁移编号错误：%d",
				  module, m[i].version);
			goto fail;
		}
		if (db_exec(db, m[i].sql, err))
			goto fail;
	}
	if (db_prepare(db,
		       "INSERT INTO schema_version(module, version) VALUES(?, ?)"
		       " ON CONFLICT(module) DO UPDATE SET version = excluded.version",
		       &st, err))
		goto fail;
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, n);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, err, "记录架构版本");
		goto fail;
	}
	return db_commit(db, err);
fail:
	db_rollback(db);
	return err && err->code ? err->code : ERR_IO;
}
