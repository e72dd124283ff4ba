/* test_db.c - opening, migrating, refusing a newer schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "db/db.h"

static const struct migration two[] = {
	{1, "CREATE TABLE a(x INTEGER);"},
	{2, "CREATE TABLE b(y INTEGER); INSERT INTO a VALUES(1);"},
};

static void temp_path(char *path, size_t n)
{
	snprintf(path, n, "/tmp/minsheng-test-db-%ld.db", (long)getpid());
	unlink(path);
}

static void test_migrate_once_and_upgrade(void **state)
{
	char path[128];
	struct db *db;
	struct error err;
	int64_t v;

	(void)state;
	temp_path(path, sizeof(path));
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_migrate(db, "m", two, 1, &err), 0);
	assert_int_equal(db_migrate(db, "m", two, 2, &err), 0);
	assert_int_equal(db_migrate(db, "m", two, 2, &err), 0); /* nothing to do */
	assert_int_equal(db_int(db, "SELECT count(*) FROM a", &v, &err), 0);
	assert_int_equal(v, 1); /* step 2 ran exactly once */
	assert_int_equal(db_int(db, "SELECT version FROM schema_version WHERE module='m'", &v, &err), 0);
	assert_int_equal(v, 2);
	db_close(db);

	/* A program that knows only version 1 refuses the file. */
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_migrate(db, "m", two, 1, &err), ERR_IO);
	assert_non_null(strstr(err.msg, "架构版本 2"));
	db_close(db);
	unlink(path);
}

static void test_failed_migration_rolls_back(void **state)
{
	static const struct migration bad[] = {
		{1, "CREATE TABLE c(z INTEGER); CREATE TABLE c(z INTEGER);"},
	};
	char path[128];
	struct db *db;
	struct error err;
	int64_t v;

	(void)state;
	temp_path(path, sizeof(path));
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_migrate(db, "bad", bad, 1, &err), ERR_IO);
	assert_int_equal(db_int(db, "SELECT count(*) FROM sqlite_master WHERE name='c'", &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(db_int(db, "SELECT count(*) FROM schema_version WHERE module='bad'", &v, &err), 0);
	assert_int_equal(v, 0);
	db_close(db);
	unlink(path);
}

static void test_open_failure(void **state)
{
	struct db *db;
	struct error err;

	(void)state;
	assert_int_equal(db_open("/nonexistent-dir/x.db", &db, &err), ERR_IO);
	assert_null(db);
	assert_non_null(strstr(err.msg, "/nonexistent-dir/x.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_once_and_upgrade),
		cmocka_unit_test(test_failed_migration_rolls_back),
		cmocka_unit_test(test_open_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
