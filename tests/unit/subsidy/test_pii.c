/* test_pii.c - key file, keyed hashes, encryption of personal data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "db/db.h"
#include "subsidy/pii.h"
#include "subsidy/subsidy.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_pii.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void test_key_file(void **state)
{
	struct pii_keys a, b;
	struct error err;
	struct stat sb;
	char p[300];
	FILE *f;

	(void)state;
	error_clear(&err);
	path_in(p, sizeof(p), "k1");
	assert_int_equal(pii_keys_load(p, 0, &a, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "找不到密钥文件"));
	error_clear(&err);
	assert_int_equal(pii_keys_load(p, 1, &a, &err), 0);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(pii_keys_load(p, 1, &b, &err), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* the two keys are independent */
	assert_memory_not_equal(a.enc, a.mac, PII_KEYBYTES);

	/* too open */
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(pii_keys_load(p, 0, &b, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "权限过宽"));
	error_clear(&err);

	/* malformed */
	path_in(p, sizeof(p), "k2");
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("minsheng-key 1\nenc 00\nmac 11\n", f);
	fclose(f);
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(pii_keys_load(p, 0, &b, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "格式无效"));
}

static void test_key_path(void **state)
{
	struct error err;
	char out[64];

	(void)state;
	error_clear(&err);
	unsetenv("MINSHENG_KEY");
	assert_int_equal(pii_key_path(NULL, "x.db", out, sizeof(out), &err), 0);
	assert_string_equal(out, "x.db.key");
	setenv("MINSHENG_KEY", "/k/env.key", 1);
	assert_int_equal(pii_key_path(NULL, "x.db", out, sizeof(out), &err), 0);
	assert_string_equal(out, "/k/env.key");
	assert_int_equal(pii_key_path("o.key", "x.db", out, sizeof(out), &err), 0);
	assert_string_equal(out, "o.key");
	unsetenv("MINSHENG_KEY");
	assert_int_equal(pii_key_path(NULL, "a-very-long-database-path-name-that-does-not-fit.db",
				      out, 16, &err),
			 ERR_USAGE);
}

static void test_hash_and_encrypt(void **state)
{
	static const char id[] = "410102194003150112";
	unsigned char h1[PII_HASHBYTES], h2[PII_HASHBYTES], c[PII_MAXCIPHER];
	struct pii_keys k, k2;
	char out[PII_MAXPLAIN + 1];
	struct error err;
	size_t n;

	(void)state;
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	memset(&k, 1, sizeof(k));
	memset(&k2, 2, sizeof(k2));
	pii_hash(&k, PII_ID, id, 18, h1);
	pii_hash(&k, PII_ID, id, 18, h2);
	assert_memory_equal(h1, h2, PII_HASHBYTES);
	pii_hash(&k, PII_ACCOUNT, id, 18, h2); /* another kind */
	assert_memory_not_equal(h1, h2, PII_HASHBYTES);
	pii_hash(&k2, PII_ID, id, 18, h2); /* another key */
	assert_memory_not_equal(h1, h2, PII_HASHBYTES);

	n = pii_encrypt(&k, PII_ID, id, 18, h1, c);
	assert_int_equal(n, 18 + PII_OVERHEAD);
	assert_null(memmem(c, n, "1940", 4));
	assert_int_equal(pii_decrypt(&k, PII_ID, c, n, h1, out), 18);
	assert_string_equal(out, id);
	/* wrong kind, wrong key, tampered, wrong nonce: all refused */
	assert_int_equal(pii_decrypt(&k, PII_ACCOUNT, c, n, h1, out), -1);
	assert_int_equal(pii_decrypt(&k2, PII_ID, c, n, h1, out), -1);
	pii_hash(&k, PII_ID, "410102194003150120", 18, h2);
	assert_int_equal(pii_decrypt(&k, PII_ID, c, n, h2, out), -1);
	c[20] ^= 1;
	assert_int_equal(pii_decrypt(&k, PII_ID, c, n, h1, out), -1);
	assert_int_equal(pii_decrypt(&k, PII_ID, c, 3, h1, out), -1);
	/* too long to encrypt */
	assert_int_equal(pii_encrypt(&k, PII_ID, "0123456789012345678901234567890123", 34, h1, c),
			 0);
	/* an account */
	pii_hash(&k, PII_ACCOUNT, "6217000000000000012", 19, h2);
	n = pii_encrypt(&k, PII_ACCOUNT, "6217000000000000012", 19, h2, c);
	assert_int_equal(pii_decrypt(&k, PII_ACCOUNT, c, n, h2, out), 19);
	assert_string_equal(out, "6217000000000000012");
	pii_keys_wipe(&k);
	assert_int_equal(k.enc[0], 0);
}

static void test_open_binds_key(void **state)
{
	struct pii_keys k;
	struct db *db = NULL;
	struct error err;
	char kp[300], kp2[300];

	(void)state;
	error_clear(&err);
	path_in(kp, sizeof(kp), "db.key");
	path_in(kp2, sizeof(kp2), "other.key");
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	/* reading without create: no key yet */
	assert_int_equal(pii_open(db, kp, 0, &k, &err), ERR_INPUT);
	error_clear(&err);
	assert_int_equal(pii_open(db, kp, 1, &k, &err), 0);
	assert_int_equal(pii_open(db, kp, 0, &k, &err), 0);
	/* another key file (created independently) is refused */
	assert_int_equal(pii_keys_load(kp2, 1, &k, &err), 0);
	assert_int_equal(pii_open(db, kp2, 1, &k, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "不匹配"));
	/* and a missing key is not re-created once the database has one */
	error_clear(&err);
	assert_int_equal(unlink(kp), 0);
	assert_int_equal(pii_open(db, kp, 1, &k, &err), ERR_INPUT);
	assert_int_equal(access(kp, F_OK), -1);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_file),
	    cmocka_unit_test(test_key_path),
	    cmocka_unit_test(test_hash_and_encrypt),
	    cmocka_unit_test(test_open_binds_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
