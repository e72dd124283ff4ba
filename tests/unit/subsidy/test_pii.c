/* test_pii.c - key file, keyed hashes, encryption of personal data, and the
 * key file's hardening. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

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
	char p[300], p2[300];
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
	/* a key made now is a format-2 key, and says so on its first line */
	assert_int_equal(a.format, PII_FORMAT_BOUND);
	f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(p2, sizeof(p2), f));
	fclose(f);
	assert_string_equal(p2, "minsheng-key 2\n");
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
	assert_null(strstr(err.msg, "CRLF"));
	/* CRLF line ends (edited on Windows) are named */
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("minsheng-key 2\r\nenc 00\r\nmac 11\r\n", f);
	fclose(f);
	assert_int_equal(pii_keys_load(p, 0, &b, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "不能是 Windows 的 CRLF"));
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

/* The key file hardening (review of personal data): the fingerprint covers
 * both keys, older databases are upgraded by decrypting their data, a FIFO
 * or another user's file is refused, the temporary file of a new key is not
 * a predictable name, the process becomes non-dumpable. */

/* Writes a key file of the given version (1: old format, 2: bound) with
 * the given keys (mode 0600). */
static void write_key_v(const char *path, const struct pii_keys *k, int version)
{
	static const char hex[] = "0123456789abcdef";
	FILE *f = fopen(path, "w");
	size_t i;

	assert_non_null(f);
	fprintf(f, "minsheng-key %d\nenc ", version);
	for (i = 0; i < PII_KEYBYTES; i++)
		fprintf(f, "%c%c", hex[k->enc[i] >> 4], hex[k->enc[i] & 15]);
	fputs("\nmac ", f);
	for (i = 0; i < PII_KEYBYTES; i++)
		fprintf(f, "%c%c", hex[k->mac[i] >> 4], hex[k->mac[i] & 15]);
	fputs("\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
}

/* A key file of the format k is used in (k->format). */
static void write_key(const char *path, const struct pii_keys *k)
{
	write_key_v(path, k, k->format == PII_FORMAT_BOUND ? 2 : 1);
}

/* Stores a death record of id encrypted with k (a ciphertext to probe). */
static void add_death(struct db *db, const struct pii_keys *k, const char *id)
{
	unsigned char h[PII_HASHBYTES], c[PII_MAXCIPHER];
	sqlite3_stmt *st = NULL;
	struct error err;
	size_t n;

	error_clear(&err);
	pii_hash(k, PII_ID, id, strlen(id), h);
	n = pii_encrypt_in(k, PII_IN_DEATH, PII_ID, id, strlen(id), h, h, c);
	assert_int_equal(db_prepare(db,
				    "INSERT INTO death(id_hash, id_enc, death_day, file, line,"
				    " imported_at) VALUES(?, ?, 19000, 'd.csv', 2, '2026-01-01')",
				    &st, &err),
			 0);
	sqlite3_bind_blob(st, 1, h, PII_HASHBYTES, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, c, (int)n, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static int meta_count(struct db *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	struct error err;
	int n;

	error_clear(&err);
	assert_int_equal(
	    db_prepare(db, "SELECT count(*) FROM subsidy_meta WHERE name = ?", &st, &err), 0);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A key file whose enc key alone differs is refused (it used to pass). */
static void test_enc_key_in_fingerprint(void **state)
{
	struct pii_keys k, bad;
	struct db *db = NULL;
	struct error err;
	char kp[300], bp[300];

	(void)state;
	error_clear(&err);
	path_in(kp, sizeof(kp), "a.key");
	path_in(bp, sizeof(bp), "a-badenc.key");
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	assert_int_equal(pii_open(db, kp, 1, &k, &err), 0);
	assert_int_equal(meta_count(db, "key_check"), 1);
	assert_int_equal(meta_count(db, "key_check2"), 1);
	bad = k;
	bad.enc[0] ^= 0x10;
	write_key(bp, &bad);
	assert_int_equal(pii_open(db, bp, 0, &k, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "不匹配"));
	/* the keys are not left in memory after a refusal */
	assert_int_equal(k.enc[0] | k.mac[0] | k.enc[31] | k.mac[31], 0);
	/* nor with create (a roster import) */
	error_clear(&err);
	assert_int_equal(pii_open(db, bp, 1, &k, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "不匹配"));
	/* a changed mac key is refused as before */
	bad = k;
	error_clear(&err);
	assert_int_equal(pii_open(db, kp, 0, &k, &err), 0);
	bad = k;
	bad.mac[5] ^= 1;
	write_key(bp, &bad);
	assert_int_equal(pii_open(db, bp, 0, &bad, &err), ERR_INPUT);
	pii_keys_wipe(&k);
	db_close(db);
}

/*
 * Ciphertexts bound to their row (associated data, pii.h): an account
 * encrypted for one person does not decrypt for another, nor as an ID,
 * nor in the old format; the old format (bound 0) ignores the owner.
 */
static void test_bound_ciphertexts(void **state)
{
	static const char acct[] = "6217000000000000012", id[] = "410102194003150112";
	unsigned char ha[PII_HASHBYTES], hp[PII_HASHBYTES], hq[PII_HASHBYTES];
	unsigned char c[PII_MAXCIPHER], c2[PII_MAXCIPHER];
	struct pii_keys k, old;
	char out[PII_MAXPLAIN + 1];
	struct error err;
	size_t n, n2;

	(void)state;
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	memset(&k, 3, sizeof(k));
	k.format = PII_FORMAT_BOUND;
	old = k;
	old.format = PII_FORMAT_OLD;
	pii_hash(&k, PII_ACCOUNT, acct, 19, ha);
	pii_hash(&k, PII_ID, id, 18, hp);
	pii_hash(&k, PII_ID, "410102194102111020", 18, hq);

	/* an account of person p */
	n = pii_encrypt_owned(&k, PII_ACCOUNT, acct, 19, ha, hp, c);
	assert_int_equal(n, 19 + PII_OVERHEAD);
	assert_int_equal(pii_decrypt_owned(&k, PII_ACCOUNT, c, n, ha, hp, out), 19);
	assert_string_equal(out, acct);
	/* moved to person q (or its row re-pointed to q): refused */
	assert_int_equal(pii_decrypt_owned(&k, PII_ACCOUNT, c, n, ha, hq, out), -1);
	/* read as if it had no owner, or in the old format: refused */
	assert_int_equal(pii_decrypt(&k, PII_ACCOUNT, c, n, ha, out), -1);
	assert_int_equal(pii_decrypt_owned(&old, PII_ACCOUNT, c, n, ha, hp, out), -1);
	/* as an ID: refused */
	assert_int_equal(pii_decrypt_owned(&k, PII_ID, c, n, ha, hp, out), -1);
	/* the same account of another person (a shared account) encrypts
	 * differently, in the encrypted bytes too: they are under another
	 * nonce. Equal bodies meant one nonce with two associated data, which
	 * gives away the Poly1305 key (review, finding 1). */
	n2 = pii_encrypt_owned(&k, PII_ACCOUNT, acct, 19, ha, hq, c2);
	assert_int_equal(n2, n);
	assert_memory_not_equal(c, c2, PII_OVERHEAD);
	assert_memory_not_equal(c + PII_OVERHEAD, c2 + PII_OVERHEAD, 19);
	/* and the same ID number in another table, or as an account */
	n = pii_encrypt_in(&k, PII_IN_BENEFICIARY, PII_ID, id, 18, hp, hp, c);
	n2 = pii_encrypt_in(&k, PII_IN_DEATH, PII_ID, id, 18, hp, hp, c2);
	assert_memory_not_equal(c + PII_OVERHEAD, c2 + PII_OVERHEAD, 18);
	n2 = pii_encrypt_in(&k, PII_IN_OFFICIAL, PII_ID, id, 18, hp, hp, c2);
	assert_memory_not_equal(c + PII_OVERHEAD, c2 + PII_OVERHEAD, 18);
	n2 = pii_encrypt_in(&k, PII_IN_BENEFICIARY, PII_ACCOUNT, id, 18, hp, hp, c2);
	assert_memory_not_equal(c + PII_OVERHEAD, c2 + PII_OVERHEAD, 18);
	/* a death record's ciphertext is not an official's or a person's */
	n = pii_encrypt_in(&k, PII_IN_DEATH, PII_ID, id, 18, hp, hp, c);
	assert_int_equal(pii_decrypt_in(&k, PII_IN_DEATH, PII_ID, c, n, hp, hp, out), 18);
	assert_string_equal(out, id);
	assert_int_equal(pii_decrypt_in(&k, PII_IN_OFFICIAL, PII_ID, c, n, hp, hp, out), -1);
	assert_int_equal(pii_decrypt_in(&k, PII_IN_BENEFICIARY, PII_ID, c, n, hp, hp, out), -1);
	assert_int_equal(pii_decrypt(&k, PII_ID, c, n, hp, out), -1);
	/* the old format has no table: as before */
	n = pii_encrypt_in(&old, PII_IN_DEATH, PII_ID, id, 18, hp, hp, c);
	assert_int_equal(pii_decrypt_in(&old, PII_IN_OFFICIAL, PII_ID, c, n, hp, hp, out), 18);

	/* an ID number is bound to its own hash: pii_encrypt/pii_decrypt */
	n = pii_encrypt(&k, PII_ID, id, 18, hp, c);
	assert_int_equal(pii_decrypt(&k, PII_ID, c, n, hp, out), 18);
	assert_int_equal(pii_decrypt_owned(&k, PII_ID, c, n, hp, hp, out), 18);
	assert_int_equal(pii_decrypt_owned(&k, PII_ID, c, n, hp, hq, out), -1);
	assert_int_equal(pii_decrypt(&old, PII_ID, c, n, hp, out), -1);

	/* the old format: the domain byte only, as before (the owner is not
	 * part of it: that is the limit of older databases) */
	n = pii_encrypt_owned(&old, PII_ACCOUNT, acct, 19, ha, hp, c);
	assert_int_equal(pii_decrypt_owned(&old, PII_ACCOUNT, c, n, ha, hq, out), 19);
	assert_int_equal(pii_decrypt(&old, PII_ACCOUNT, c, n, ha, out), 19);
	assert_int_equal(pii_decrypt_owned(&k, PII_ACCOUNT, c, n, ha, hp, out), -1);
	assert_int_equal(pii_decrypt(&old, PII_ID, c, n, ha, out), -1);

	/* the message names the row */
	assert_int_equal(pii_tampered(&err, PII_ACCOUNT, "账户记录", 12), ERR_IO);
	assert_string_equal(err.msg, "账户记录 12 与其所属人员不符（数据可能被篡改）");
	assert_string_equal(err.reason, "pii_tampered");
	assert_int_equal(err.code, ERR_IO);
	error_clear(&err);
	pii_tampered(&err, PII_ID, "人员记录", 3);
	assert_string_equal(err.msg, "人员记录 3 的身份证号与该记录不符（数据可能被篡改）");
	pii_keys_wipe(&k);
	pii_keys_wipe(&old);
}

/*
 * What a forger who solved a nonce's Poly1305 key could store: a valid
 * ciphertext of another number under the nonce and associated data of the
 * row's own hash (made here with the key). Decryption checks the
 * plaintext's keyed hash against the stored one and refuses it, in both
 * formats (review, finding 1).
 */
static void test_forged_plaintext(void **state)
{
	static const char acct[] = "6217000000000099006", other[] = "6228480000000000059";
	static const char id[] = "410102194707073450";
	unsigned char ha[PII_HASHBYTES], hp[PII_HASHBYTES], c[PII_MAXCIPHER];
	struct pii_keys k;
	char out[PII_MAXPLAIN + 1];
	struct error err;
	size_t n;
	int f;

	(void)state;
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	memset(&k, 7, sizeof(k));
	pii_hash(&k, PII_ID, id, 18, hp);
	for (f = 0; f < 2; f++) {
		k.format = f ? PII_FORMAT_BOUND : PII_FORMAT_OLD;
		pii_hash(&k, PII_ACCOUNT, acct, 19, ha);
		/* the honest ciphertext */
		n = pii_encrypt_owned(&k, PII_ACCOUNT, acct, 19, ha, hp, c);
		assert_int_equal(pii_decrypt_owned(&k, PII_ACCOUNT, c, n, ha, hp, out), 19);
		/* another number under the row's hash: authentic, not the row's */
		n = pii_encrypt_owned(&k, PII_ACCOUNT, other, 19, ha, hp, c);
		memset(out, 'x', sizeof(out));
		assert_int_equal(pii_decrypt_owned(&k, PII_ACCOUNT, c, n, ha, hp, out), -1);
		assert_null(memmem(out, sizeof(out), "62284800", 8)); /* wiped */
		/* an ID likewise */
		n = pii_encrypt(&k, PII_ID, "410102194505051237", 18, hp, c);
		assert_int_equal(pii_decrypt(&k, PII_ID, c, n, hp, out), -1);
	}
	pii_keys_wipe(&k);
}

static int meta_value(struct db *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	struct error err;
	int v = -1;

	error_clear(&err);
	assert_int_equal(db_prepare(db, "SELECT value FROM subsidy_meta WHERE name = ?", &st, &err),
			 0);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Stores a person with ID number id and a bank account acct of theirs,
 * both encrypted with k (in k's format). */
static void add_account(struct db *db, const struct pii_keys *k, const char *id, const char *acct)
{
	unsigned char hp[PII_HASHBYTES], ha[PII_HASHBYTES], ci[PII_MAXCIPHER], ca[PII_MAXCIPHER];
	sqlite3_stmt *st = NULL;
	struct error err;
	size_t ni, na;

	error_clear(&err);
	pii_hash(k, PII_ID, id, 18, hp);
	pii_hash(k, PII_ACCOUNT, acct, strlen(acct), ha);
	ni = pii_encrypt(k, PII_ID, id, 18, hp, ci);
	na = pii_encrypt_owned(k, PII_ACCOUNT, acct, strlen(acct), ha, hp, ca);
	assert_int_equal(
	    db_prepare(db,
		       "INSERT INTO beneficiary(id_hash, id_enc, name, village_code,"
		       " female, birth_day) VALUES(?, ?, '张三', '410102001001', 0, 0)",
		       &st, &err),
	    0);
	sqlite3_bind_blob(st, 1, hp, PII_HASHBYTES, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, ci, (int)ni, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(db_prepare(db,
				    "INSERT INTO bank_account(beneficiary_id, acct_hash, acct_enc,"
				    " last4, valid_from, source) VALUES(last_insert_rowid(), ?, ?,"
				    " '0012', '2026-01-01', 'roster')",
				    &st, &err),
			 0);
	sqlite3_bind_blob(st, 1, ha, PII_HASHBYTES, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, ca, (int)na, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/*
 * The fingerprints an older database (made before the binding) holds:
 * 'key_check' of the hash key, 'key_check2' over the old label. Written
 * here by hand, as no code writes the old format's fingerprints for a new
 * database any more.
 */
static void put_old_fingerprints(struct db *db, const struct pii_keys *k)
{
	static const char l1[] = "minsheng key check", l2[] = "minsheng key check 2 enc+mac";
	unsigned char c1[16], c2[16], in[sizeof(l2) - 1 + PII_KEYBYTES];
	sqlite3_stmt *st = NULL;
	struct error err;

	error_clear(&err);
	crypto_generichash(c1, 16, (const unsigned char *)l1, sizeof(l1) - 1, k->mac, PII_KEYBYTES);
	memcpy(in, l2, sizeof(l2) - 1);
	memcpy(in + sizeof(l2) - 1, k->enc, PII_KEYBYTES);
	crypto_generichash(c2, 16, in, sizeof(in), k->mac, PII_KEYBYTES);
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta", &err), 0);
	assert_int_equal(db_prepare(db,
				    "INSERT INTO subsidy_meta(name, value) VALUES('key_check', ?),"
				    " ('key_check2', ?)",
				    &st, &err),
			 0);
	sqlite3_bind_blob(st, 1, c1, 16, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, c2, 16, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* pii_open on db with the key at kp (create as given) is refused with
 * ERR_IO, reason pii_format, its message containing what. */
static void refused_format(struct db *db, const char *kp, int create, const char *what)
{
	struct pii_keys got;
	struct error err;

	error_clear(&err);
	memset(&got, 0x5a, sizeof(got));
	assert_int_equal(pii_open(db, kp, create, &got, &err), ERR_IO);
	assert_string_equal(err.reason, "pii_format");
	if (!strstr(err.msg, what))
		fail_msg("'%s' lacks '%s'", err.msg, what);
	/* the keys are not left in memory */
	assert_int_equal(got.enc[0] | got.mac[0] | got.enc[31], 0);
}

/* Fresh random keys of the given format (as a key file of it would give). */
static void random_keys(struct pii_keys *k, int format)
{
	memset(k, 0, sizeof(*k));
	randombytes_buf(k->enc, sizeof(k->enc));
	randombytes_buf(k->mac, sizeof(k->mac));
	k->format = format;
}

/*
 * An older database (only 'key_check', old format, its format-1 key file):
 * the enc key must open its data; then 'key_check2' is stored.
 */
static void test_upgrade_old_database(void **state)
{
	struct pii_keys k, bad, got;
	struct db *db = NULL;
	struct error err;
	char kp[300], bp[300], k2p[300];

	(void)state;
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	path_in(kp, sizeof(kp), "u.key");
	path_in(bp, sizeof(bp), "u-badenc.key");
	path_in(k2p, sizeof(k2p), "u-v2.key");
	random_keys(&k, PII_FORMAT_OLD);
	write_key(kp, &k);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	put_old_fingerprints(db, &k);
	add_death(db, &k, "410102194003150112");
	/* as written by earlier versions: no key_check2 */
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta WHERE name = 'key_check2'", &err),
			 0);
	bad = k;
	bad.enc[31] ^= 1;
	write_key(bp, &bad);
	assert_int_equal(pii_open(db, bp, 0, &got, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "不匹配"));
	assert_int_equal(meta_count(db, "key_check2"), 0);
	/* the same keys as a format-2 key file: such a key never made a
	 * database without key_check2, so it is refused (exit 3) */
	write_key_v(k2p, &k, 2);
	refused_format(db, k2p, 0, "第 2 版密钥");
	assert_int_equal(meta_count(db, "key_check2"), 0);
	/* the right key passes and the new fingerprint is stored ... */
	error_clear(&err);
	assert_int_equal(pii_open(db, kp, 0, &got, &err), 0);
	assert_memory_equal(&got, &k, sizeof(k));
	assert_int_equal(got.format, PII_FORMAT_OLD);
	assert_int_equal(meta_count(db, "key_check2"), 1);
	assert_int_equal(meta_value(db, "pii_ad"), -1);
	/* ... which from now on refuses the bad key without a probe */
	assert_int_equal(db_exec(db, "DELETE FROM death", &err), 0);
	assert_int_equal(pii_open(db, bp, 0, &got, &err), ERR_INPUT);

	/* an older database without any ciphertext: accepted and stored */
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta WHERE name = 'key_check2'", &err),
			 0);
	error_clear(&err);
	assert_int_equal(pii_open(db, kp, 0, &got, &err), 0);
	assert_int_equal(meta_count(db, "key_check2"), 1);
	pii_keys_wipe(&got);
	pii_keys_wipe(&k);
	db_close(db);
}

/* The old-format fingerprint (as an older database using k's keys holds)
 * put into db as 'key_check2'; the other rows of subsidy_meta are kept. */
static void put_old_check2(struct db *db, const struct pii_keys *k)
{
	static const char l2[] = "minsheng key check 2 enc+mac";
	unsigned char c2[16], in[sizeof(l2) - 1 + PII_KEYBYTES];
	sqlite3_stmt *st = NULL;
	struct error err;

	error_clear(&err);
	memcpy(in, l2, sizeof(l2) - 1);
	memcpy(in + sizeof(l2) - 1, k->enc, PII_KEYBYTES);
	crypto_generichash(c2, 16, in, sizeof(in), k->mac, PII_KEYBYTES);
	assert_int_equal(db_prepare(db,
				    "INSERT OR REPLACE INTO subsidy_meta(name, value)"
				    " VALUES('key_check2', ?)",
				    &st, &err),
			 0);
	sqlite3_bind_blob(st, 1, c2, 16, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Replaces every person and account of db by one person with one account,
 * encrypted with k in k's format (a writer copying them in from a
 * database of that format using the same keys). */
static void replace_people(struct db *db, const struct pii_keys *k)
{
	struct error err;

	error_clear(&err);
	assert_int_equal(db_exec(db, "DELETE FROM bank_account; DELETE FROM beneficiary", &err), 0);
	add_account(db, k, "410102194003150112", "6217000000000000012");
}

/*
 * The key file decides the format (review 2, B1). One key serving an older
 * and a new database let a writer without the key copy the older one's
 * fingerprint and unbound ciphertexts into the new one (deleting the
 * marker), or delete 'key_check2' and the marker and plant an old-format
 * first row for the upgrade probe: the new database was then read and
 * written unbound. Now a format-1 key is not bound to a new database, a
 * format-2 key opens only bound databases and a format-1 key only old ones.
 */
static void test_key_decides_format(void **state)
{
	struct pii_keys k, k2, got;
	struct db *db = NULL;
	struct error err;
	char k1p[300], k2p[300], k3p[300];

	(void)state;
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	path_in(k1p, sizeof(k1p), "d-v1.key");
	path_in(k2p, sizeof(k2p), "d-v2.key");
	path_in(k3p, sizeof(k3p), "d-v3.key");
	random_keys(&k, PII_FORMAT_OLD);
	k2 = k;
	k2.format = PII_FORMAT_BOUND;
	write_key_v(k1p, &k, 1);
	write_key_v(k2p, &k, 2);
	write_key_v(k3p, &k, 3);
	/* the version is read: 1 old, 2 bound, anything else malformed */
	assert_int_equal(pii_keys_load(k1p, 0, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_OLD);
	assert_int_equal(pii_keys_load(k2p, 0, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_BOUND);
	assert_int_equal(pii_keys_load(k3p, 0, &got, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "格式无效"));
	pii_keys_wipe(&got);

	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	/* a format-1 key is not bound to a new database (it needs its own
	 * key): nothing recorded; reading an empty one is harmless */
	error_clear(&err);
	assert_int_equal(pii_open(db, k1p, 1, &got, &err), ERR_INPUT);
	assert_string_equal(err.reason, "pii_key_old");
	assert_non_null(strstr(err.msg, "要有自己的新密钥"));
	assert_int_equal(got.enc[0] | got.mac[0], 0);
	assert_int_equal(meta_count(db, "key_check") + meta_count(db, "key_check2"), 0);
	assert_int_equal(meta_value(db, "pii_ad"), -1);
	error_clear(&err);
	assert_int_equal(pii_open(db, k1p, 0, &got, &err), 0);
	assert_int_equal(meta_count(db, "key_check2"), 0);
	/* the same keys as a format-2 key: bound */
	assert_int_equal(pii_open(db, k2p, 1, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_BOUND);
	assert_int_equal(meta_value(db, "pii_ad"), 2);
	add_account(db, &k2, "410102194003150112", "6217000000000000012");
	assert_int_equal(db_exec(db, "CREATE TEMP TABLE clean AS SELECT * FROM subsidy_meta", &err),
			 0);

	/* the format-1 key file of the same keys does not open it */
	refused_format(db, k1p, 0, "minsheng-key 1");
	refused_format(db, k1p, 1, "旧版密钥只用于旧格式的数据库");

	/* repro 1: the older database's fingerprint (same keys, old label)
	 * copied in, the marker deleted, its unbound ciphertexts copied in */
	put_old_check2(db, &k);
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta WHERE name = 'pii_ad'", &err), 0);
	replace_people(db, &k);
	refused_format(db, k2p, 0, "第 2 版密钥");
	refused_format(db, k2p, 1, "第 2 版密钥");
	assert_int_equal(meta_value(db, "pii_ad"), -1); /* nothing written back */
	/* with the marker left in place, the same */
	assert_int_equal(
	    db_exec(db, "INSERT INTO subsidy_meta(name, value) VALUES('pii_ad', 2)", &err), 0);
	refused_format(db, k2p, 0, "第 2 版密钥");

	/* repro 2: key_check2 and the marker deleted, key_check kept, an
	 * old-format first row for the probe: no probe, refused */
	assert_int_equal(
	    db_exec(db, "DELETE FROM subsidy_meta WHERE name IN ('key_check2', 'pii_ad')", &err),
	    0);
	refused_format(db, k2p, 0, "第 2 版密钥");
	refused_format(db, k2p, 1, "第 2 版密钥");
	assert_int_equal(meta_count(db, "key_check2"), 0); /* none written */
	assert_int_equal(meta_value(db, "pii_ad"), -1);

	/* restored: readable again with the format-2 key only */
	assert_int_equal(db_exec(db,
				 "DELETE FROM subsidy_meta; INSERT INTO subsidy_meta SELECT * FROM"
				 " clean",
				 &err),
			 0);
	replace_people(db, &k2);
	error_clear(&err);
	assert_int_equal(pii_open(db, k2p, 0, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_BOUND);

	/* an older database (old fingerprint, no marker): the format-1 key
	 * opens it, the format-2 key of the same keys does not */
	put_old_fingerprints(db, &k);
	replace_people(db, &k);
	assert_int_equal(pii_open(db, k1p, 1, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_OLD);
	refused_format(db, k2p, 1, "第 2 版密钥");
	pii_keys_wipe(&got);
	pii_keys_wipe(&k);
	pii_keys_wipe(&k2);
	db_close(db);
}

/*
 * The format marker (review, finding 2): a new database gets 'pii_ad' = 2
 * and a fingerprint naming that format; deleting or changing the marker,
 * deleting every fingerprint, or the development format 1 are refused
 * (ERR_IO) instead of switching writers to the old format. A database
 * without the marker whose fingerprint is the old format's keeps the old
 * format with its version-1 key file; a marker added to it is refused as
 * well.
 */
static void test_format_marker(void **state)
{
	struct pii_keys k, got;
	struct db *db = NULL;
	struct error err;
	char kp[300];

	(void)state;
	error_clear(&err);
	path_in(kp, sizeof(kp), "m.key");
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	/* read-only before any key: nothing recorded */
	assert_int_equal(meta_value(db, "pii_ad"), -1);
	assert_int_equal(pii_open(db, kp, 1, &k, &err), 0);
	assert_int_equal(k.format, PII_FORMAT_BOUND);
	assert_int_equal(meta_value(db, "pii_ad"), 2);
	add_account(db, &k, "410102194003150112", "6217000000000000012");
	assert_int_equal(pii_open(db, kp, 0, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_BOUND);

	/* the marker deleted: refused for readers and writers alike */
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta WHERE name = 'pii_ad'", &err), 0);
	refused_format(db, kp, 0, "格式标记");
	refused_format(db, kp, 1, "格式标记");
	assert_int_equal(meta_value(db, "pii_ad"), -1); /* nothing written back */
	/* changed to something else */
	assert_int_equal(
	    db_exec(db, "INSERT INTO subsidy_meta(name, value) VALUES('pii_ad', 0)", &err), 0);
	refused_format(db, kp, 1, "格式标记");
	assert_int_equal(
	    db_exec(db, "UPDATE subsidy_meta SET value = '2' WHERE name = 'pii_ad'", &err), 0);
	refused_format(db, kp, 0, "格式标记");
	/* the development format */
	assert_int_equal(
	    db_exec(db, "UPDATE subsidy_meta SET value = 1 WHERE name = 'pii_ad'", &err), 0);
	refused_format(db, kp, 0, "pii_ad = 1");
	/* back to 2: readable again */
	assert_int_equal(
	    db_exec(db, "UPDATE subsidy_meta SET value = 2 WHERE name = 'pii_ad'", &err), 0);
	assert_int_equal(pii_open(db, kp, 0, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_BOUND);
	/* key_check2 and the marker deleted: a format-2 key's database always
	 * has key_check2, so that is refused too (no probe) */
	assert_int_equal(
	    db_exec(db, "DELETE FROM subsidy_meta WHERE name IN ('key_check2', 'pii_ad')", &err),
	    0);
	refused_format(db, kp, 0, "第 2 版密钥");
	/* every fingerprint deleted, ciphertexts present: any key would do */
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta", &err), 0);
	refused_format(db, kp, 1, "没有密钥指纹");
	refused_format(db, kp, 0, "没有密钥指纹");
	assert_int_equal(meta_count(db, "key_check2"), 0);
	assert_int_equal(db_exec(db, "DELETE FROM bank_account", &err), 0);
	assert_int_equal(db_exec(db, "DELETE FROM beneficiary", &err), 0);

	/* an older database (old fingerprints, old-format data, no marker)
	 * with its format-1 key file: read and written in the old format,
	 * marker not added */
	got = k;
	got.format = PII_FORMAT_OLD;
	write_key(kp, &got);
	add_account(db, &got, "410102194003150112", "6217000000000000012");
	put_old_fingerprints(db, &k);
	assert_int_equal(pii_open(db, kp, 1, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_OLD);
	assert_int_equal(meta_value(db, "pii_ad"), -1);
	/* a marker added to it does not make it bound */
	assert_int_equal(
	    db_exec(db, "INSERT INTO subsidy_meta(name, value) VALUES('pii_ad', 2)", &err), 0);
	refused_format(db, kp, 1, "格式标记");
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta WHERE name = 'pii_ad'", &err), 0);
	/* its key check upgraded from 'key_check' alone by decrypting the
	 * first person in the old format */
	assert_int_equal(db_exec(db, "DELETE FROM subsidy_meta WHERE name = 'key_check2'", &err),
			 0);
	assert_int_equal(pii_open(db, kp, 0, &got, &err), 0);
	assert_int_equal(got.format, PII_FORMAT_OLD);
	assert_int_equal(meta_count(db, "key_check2"), 1);
	assert_int_equal(meta_value(db, "pii_ad"), -1);
	assert_int_equal(pii_open(db, kp, 0, &got, &err), 0); /* the stored one matches */
	/* ... and with a marker added before the upgrade: refused */
	assert_int_equal(db_exec(db,
				 "DELETE FROM subsidy_meta WHERE name = 'key_check2';"
				 " INSERT INTO subsidy_meta(name, value) VALUES('pii_ad', 2)",
				 &err),
			 0);
	refused_format(db, kp, 0, "格式标记");
	assert_int_equal(meta_count(db, "key_check2"), 0);
	pii_keys_wipe(&got);
	pii_keys_wipe(&k);
	db_close(db);
}

/* A FIFO at the key path is refused at once (it used to hang). */
static void test_fifo_refused(void **state)
{
	struct pii_keys k;
	struct error err;
	char p[300];

	(void)state;
	error_clear(&err);
	path_in(p, sizeof(p), "fifo.key");
	assert_int_equal(mkfifo(p, 0600), 0);
	alarm(20); /* a regression hangs: die rather than wait forever */
	assert_int_equal(pii_keys_load(p, 0, &k, &err), ERR_INPUT);
	assert_int_equal(pii_keys_load(p, 1, &k, &err), ERR_INPUT);
	alarm(0);
	assert_non_null(strstr(err.msg, "不是普通文件"));
	assert_non_null(strstr(err.msg, "命名管道"));
	/* a directory too */
	path_in(p, sizeof(p), "dir.key");
	assert_int_equal(mkdir(p, 0700), 0);
	error_clear(&err);
	assert_int_equal(pii_keys_load(p, 0, &k, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "不是普通文件"));
}

/* A key file owned by another user is refused (root only can make one). */
static void test_other_owner(void **state)
{
	struct pii_keys k;
	struct error err;
	char p[300];

	(void)state;
	if (geteuid() != 0)
		skip();
	error_clear(&err);
	path_in(p, sizeof(p), "owned.key");
	assert_int_equal(pii_keys_load(p, 1, &k, &err), 0);
	assert_int_equal(chown(p, 65534, 65534), 0);
	assert_int_equal(pii_keys_load(p, 0, &k, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "属主"));
	assert_non_null(strstr(err.msg, "owned.key"));
}

/* The temporary file of a new key is not path.tmp<pid>: a file there (in a
 * shared directory, anyone's) is neither used nor removed. */
static void test_create_tmp_name(void **state)
{
	struct pii_keys k;
	struct error err;
	char p[300], t[400];
	struct stat sb;
	FILE *f;

	(void)state;
	error_clear(&err);
	path_in(p, sizeof(p), "new.key");
	snprintf(t, sizeof(t), "%s.tmp%ld", p, (long)getpid());
	f = fopen(t, "w");
	assert_non_null(f);
	fputs("not yours\n", f);
	fclose(f);
	assert_int_equal(pii_keys_load(p, 1, &k, &err), 0);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(t, &sb), 0);
	assert_int_equal(sb.st_size, 10);
	pii_keys_wipe(&k);
}

/* Loading the key makes the process non-dumpable with no core file. */
static void test_no_core(void **state)
{
	struct pii_keys k;
	struct error err;
	struct rlimit rl;
	char p[300];

	(void)state;
	error_clear(&err);
	path_in(p, sizeof(p), "core.key");
	assert_int_equal(pii_keys_load(p, 1, &k, &err), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
#ifdef __linux__
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
#endif
	pii_keys_wipe(&k);
	assert_int_equal(k.enc[0] | k.mac[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_file),
	    cmocka_unit_test(test_key_path),
	    cmocka_unit_test(test_hash_and_encrypt),
	    cmocka_unit_test(test_open_binds_key),
	    cmocka_unit_test(test_enc_key_in_fingerprint),
	    cmocka_unit_test(test_upgrade_old_database),
	    cmocka_unit_test(test_bound_ciphertexts),
	    cmocka_unit_test(test_forged_plaintext),
	    cmocka_unit_test(test_format_marker),
	    cmocka_unit_test(test_key_decides_format),
	    cmocka_unit_test(test_fifo_refused),
	    cmocka_unit_test(test_other_owner),
	    cmocka_unit_test(test_create_tmp_name),
	    cmocka_unit_test(test_no_core), /* last: the process is non-dumpable after it */
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
