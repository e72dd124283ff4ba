/*
 * pii.c - key file, encryption and keyed hashes of personal data (pii.h).
 *
 * Key file format (text, so an operator can see what it is):
 *     minsheng-key 1
 *     enc <64 hex digits>
 *     mac <64 hex digits>
 */
#include "subsidy/pii.h"

#include "base/error.h"
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pii_init(struct error *err)
{
	if (sodium_init() < 0)
		return error_set(err, ERR_INTERNAL, "无法初始化 libsodium");
	return 0;
}

int pii_key_path(const char *opt, const char *db_path, char *out, size_t n, struct error *err)
{
	const char *env = getenv("MINSHENG_KEY");
	int len;

	if (opt && opt[0])
		len = snprintf(out, n, "%s", opt);
	else if (env && env[0])
		len = snprintf(out, n, "%s", env);
	else
		len = snprintf(out, n, "%s.key", db_path);
	if (len < 0 || (size_t)len >= n)
		return error_set(err, ERR_USAGE, "密钥文件路径过长");
	return 0;
}

static int parse_hex_line(const char *line, const char *word, unsigned char out[PII_KEYBYTES])
{
	size_t wl = strlen(word);
	size_t bin_len = 0;
	const char *end = NULL;

	if (strncmp(line, word, wl) != 0 || line[wl] != ' ')
		return -1;
	if (sodium_hex2bin(out, PII_KEYBYTES, line + wl + 1, strlen(line + wl + 1), "\n", &bin_len,
			   &end) != 0 ||
	    bin_len != PII_KEYBYTES)
		return -1;
	return 0;
}

static int keys_read(const char *path, int fd, struct pii_keys *keys, struct error *err)
{
	char text[512], *l2, *l3;
	ssize_t got;
	struct stat sb;

	if (fstat(fd, &sb) != 0)
		return error_set(err, ERR_IO, "无法读取密钥文件 '%s'：%s", path, strerror(errno));
	/* a directory (or a pipe) is no key, whatever its permissions */
	if (!S_ISREG(sb.st_mode))
		return error_set(err, ERR_INPUT, "密钥文件 '%s' 不是普通文件", path);
	if (sb.st_mode & 077)
		return error_set(err, ERR_INPUT, "密钥文件 '%s' 的权限过宽（%03o），应为 600", path,
				 (unsigned)(sb.st_mode & 0777));
	got = read(fd, text, sizeof(text) - 1);
	if (got < 0)
		return error_set(err, ERR_IO, "无法读取密钥文件 '%s'：%s", path, strerror(errno));
	text[got] = '\0';
	l2 = strchr(text, '\n');
	l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	if (strncmp(text, "minsheng-key 1\n", 15) != 0 || !l2 || !l3 ||
	    parse_hex_line(l2 + 1, "enc", keys->enc) || parse_hex_line(l3 + 1, "mac", keys->mac)) {
		sodium_memzero(text, sizeof(text));
		return error_set(err, ERR_INPUT, "密钥文件 '%s' 格式无效", path);
	}
	sodium_memzero(text, sizeof(text));
	return 0;
}

/*
 * Write new keys to a temporary file beside path, then link it into place:
 * a crash can leave only a stray temporary file, never a half-written key
 * file, and two processes racing to create the key end up with one.
 * Returns 0, or EEXIST-style -1 when another process linked first (the
 * caller then reads that file).
 */
static int keys_create(const char *path, struct pii_keys *keys, int *raced, struct error *err)
{
	char text[256], ehex[2 * PII_KEYBYTES + 1], mhex[2 * PII_KEYBYTES + 1];
	char tmp[4200];
	int fd, len, rc = 0;

	*raced = 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return error_set(err, ERR_USAGE, "密钥文件路径过长");
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return error_set(err, ERR_IO, "无法创建密钥文件 '%s'：%s", path, strerror(errno));
	randombytes_buf(keys->enc, sizeof(keys->enc));
	randombytes_buf(keys->mac, sizeof(keys->mac));
	sodium_bin2hex(ehex, sizeof(ehex), keys->enc, sizeof(keys->enc));
	sodium_bin2hex(mhex, sizeof(mhex), keys->mac, sizeof(keys->mac));
	len = snprintf(text, sizeof(text), "minsheng-key 1\nenc %s\nmac %s\n", ehex, mhex);
	/* umask can only remove bits, but say 0600 explicitly anyway. */
	if (fchmod(fd, 0600) != 0 || write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
		rc = error_set(err, ERR_IO, "无法写入密钥文件 '%s'：%s", path, strerror(errno));
	}
	close(fd);
	if (!rc && link(tmp, path) != 0) {
		if (errno == EEXIST)
			*raced = 1;
		else
			rc = error_set(err, ERR_IO, "无法创建密钥文件 '%s'：%s", path,
				       strerror(errno));
	}
	unlink(tmp);
	sodium_memzero(text, sizeof(text));
	sodium_memzero(ehex, sizeof(ehex));
	sodium_memzero(mhex, sizeof(mhex));
	return rc;
}

int pii_keys_load(const char *path, int create, struct pii_keys *keys, struct error *err)
{
	int fd, rc;

	if (pii_init(err))
		return ERR_INTERNAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		int raced;

		rc = keys_create(path, keys, &raced, err);
		if (rc || !raced)
			return rc;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return error_set(err, ERR_INPUT,
					 "找不到密钥文件 "
					 "'%s'（需要可读的密钥文件才能查看或写入完整证件号和账号）",
					 path);
		return error_set(err, ERR_INPUT, "无法读取密钥文件 '%s'：%s", path,
				 strerror(errno));
	}
	rc = keys_read(path, fd, keys, err);
	close(fd);
	return rc;
}

static void key_check(const struct pii_keys *k, unsigned char out[16])
{
	static const char label[] = "minsheng key check";

	crypto_generichash(out, 16, (const unsigned char *)label, sizeof(label) - 1, k->mac,
			   sizeof(k->mac));
}

int pii_open(struct db *db, const char *key_opt, int create, struct pii_keys *keys,
	     struct error *err)
{
	sqlite3_stmt *st = NULL;
	unsigned char check[16];
	char path[4096];
	int have = 0, rc, step;

	if (pii_key_path(key_opt, db_path(db), path, sizeof(path), err))
		return ERR_USAGE;
	if (db_prepare(db, "SELECT value FROM subsidy_meta WHERE name = 'key_check'", &st, err))
		return ERR_IO;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 16) {
		memcpy(check, sqlite3_column_blob(st, 0), 16);
		have = 1;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(db, err, "读取密钥指纹");
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = pii_keys_load(path, create && !have, keys, err);
	if (rc)
		return rc;
	if (have) {
		unsigned char mine[16];

		key_check(keys, mine);
		if (sodium_memcmp(mine, check, 16) != 0) {
			pii_keys_wipe(keys);
			return error_set(err, ERR_INPUT, "密钥文件 '%s' 与数据库 '%s' 不匹配", path,
					 db_path(db));
		}
		return 0;
	}
	if (!create)
		return 0;
	key_check(keys, check);
	if (db_prepare(db, "INSERT INTO subsidy_meta(name, value) VALUES('key_check', ?)", &st,
		       err))
		return ERR_IO;
	sqlite3_bind_blob(st, 1, check, 16, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(db, err, "记录密钥指纹");
	return 0;
}

void pii_hash(const struct pii_keys *k, enum pii_kind kind, const char *value, size_t len,
	      unsigned char out[PII_HASHBYTES])
{
	unsigned char in[1 + 64];
	crypto_generichash_state s;

	if (len <= 64) {
		/* one-shot: cheaper than the streaming calls per row */
		in[0] = (unsigned char)kind;
		memcpy(in + 1, value, len);
		crypto_generichash(out, PII_HASHBYTES, in, len + 1, k->mac, sizeof(k->mac));
		return;
	}
	in[0] = (unsigned char)kind;
	crypto_generichash_init(&s, k->mac, sizeof(k->mac), PII_HASHBYTES);
	crypto_generichash_update(&s, in, 1);
	crypto_generichash_update(&s, (const unsigned char *)value, len);
	crypto_generichash_final(&s, out, PII_HASHBYTES);
}

static void make_nonce(const unsigned char hash[PII_HASHBYTES],
		       unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES])
{
	memset(nonce, 0, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	memcpy(nonce, hash, PII_HASHBYTES);
}

size_t pii_encrypt(const struct pii_keys *k, enum pii_kind kind, const char *value, size_t len,
		   const unsigned char hash[PII_HASHBYTES], unsigned char *out)
{
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char ad = (unsigned char)kind;
	unsigned long long mlen = 0;

	if (len > PII_MAXPLAIN)
		return 0;
	make_nonce(hash, nonce);
	/* detached layout: the MAC first, then the ciphertext */
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out + PII_OVERHEAD, out, &mlen,
							    (const unsigned char *)value, len, &ad,
							    1, NULL, nonce, k->enc);
	(void)mlen;
	return len + PII_OVERHEAD;
}

long pii_decrypt(const struct pii_keys *k, enum pii_kind kind, const unsigned char *cipher,
		 size_t len, const unsigned char hash[PII_HASHBYTES], char *out)
{
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char ad = (unsigned char)kind;
	size_t n;

	if (len < PII_OVERHEAD || len > PII_MAXCIPHER)
		return -1;
	n = len - PII_OVERHEAD;
	make_nonce(hash, nonce);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached((unsigned char *)out, NULL,
								cipher + PII_OVERHEAD, n, cipher,
								&ad, 1, nonce, k->enc) != 0)
		return -1;
	out[n] = '\0';
	return (long)n;
}

void pii_keys_wipe(struct pii_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}
