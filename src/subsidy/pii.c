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
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

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

/* What a file that is not a regular one is, for the message. */
static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "是目录";
	if (S_ISFIFO(m))
		return "是命名管道";
	if (S_ISSOCK(m))
		return "是套接字";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "是设备文件";
	return "类型不明";
}

static int keys_read(const char *path, int fd, struct pii_keys *keys, struct error *err)
{
	char text[512], *l2, *l3;
	ssize_t got;
	struct stat sb;
	int fl;

	if (fstat(fd, &sb) != 0)
		return error_set(err, ERR_IO, "无法读取密钥文件 '%s'：%s", path, error_errno_text(errno));
	/* a directory, a pipe or a device is no key, whatever its permissions
	 * (a FIFO was opened without blocking, so no writer can hang us) */
	if (!S_ISREG(sb.st_mode))
		return error_set(err, ERR_INPUT, "密钥文件 '%s' 不是普通文件（%s）", path,
				 file_kind(sb.st_mode));
	/* Another user's file may have been put there to make us encrypt
	 * with keys that user knows (or to read ours back): only our own. */
	if (sb.st_uid != geteuid())
		return error_set(
		    err, ERR_INPUT,
		    "密钥文件 '%s' 的属主（用户 %ld）不是当前用户（用户 %ld），拒绝使用", path,
		    (long)sb.st_uid, (long)geteuid());
	if (sb.st_mode & 077)
		return error_set(err, ERR_INPUT, "密钥文件 '%s' 的权限过宽（%03o），应为 600", path,
				 (unsigned)(sb.st_mode & 0777));
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	got = read(fd, text, sizeof(text) - 1);
	if (got < 0)
		return error_set(err, ERR_IO, "无法读取密钥文件 '%s'：%s", path, error_errno_text(errno));
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
 * Returns 0 (*raced set when another process linked first: the caller
 * then reads that file), or an error.
 */
static int keys_create(const char *path, struct pii_keys *keys, int *raced, struct error *err)
{
	char text[256], ehex[2 * PII_KEYBYTES + 1], mhex[2 * PII_KEYBYTES + 1];
	char tmp[4200];
	int fd, len, rc = 0;

	*raced = 0;
	/* An unpredictable name in the key's own directory (mkstemp: O_EXCL,
	 * mode 0600), so nobody sharing the directory can put a file or link
	 * there first; link() below needs the same file system anyway. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp))
		return error_set(err, ERR_USAGE, "密钥文件路径过长");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return error_set(err, ERR_IO, "无法创建密钥文件 '%s'：%s", path, error_errno_text(errno));
	randombytes_buf(keys->enc, sizeof(keys->enc));
	randombytes_buf(keys->mac, sizeof(keys->mac));
	sodium_bin2hex(ehex, sizeof(ehex), keys->enc, sizeof(keys->enc));
	sodium_bin2hex(mhex, sizeof(mhex), keys->mac, sizeof(keys->mac));
	len = snprintf(text, sizeof(text), "minsheng-key 1\nenc %s\nmac %s\n", ehex, mhex);
	/* umask can only remove bits, but say 0600 explicitly anyway. */
	if (fchmod(fd, 0600) != 0 || write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
		rc = error_set(err, ERR_IO, "无法写入密钥文件 '%s'：%s", path, error_errno_text(errno));
	}
	close(fd);
	if (!rc && link(tmp, path) != 0) {
		if (errno == EEXIST)
			*raced = 1;
		else
			rc = error_set(err, ERR_IO, "无法创建密钥文件 '%s'：%s", path,
				       error_errno_text(errno));
	}
	unlink(tmp);
	sodium_memzero(text, sizeof(text));
	sodium_memzero(ehex, sizeof(ehex));
	sodium_memzero(mhex, sizeof(mhex));
	return rc;
}

/*
 * A process that holds the keys (and decrypts ID numbers) writes no core
 * file and cannot be read by ptrace or /proc/PID/mem from other processes
 * of the same user: a crash dump would otherwise hold both keys and every
 * full number decrypted so far. Best effort; failures change nothing else.
 */
static void harden_process(void)
{
	struct rlimit rl = {0, 0};

	(void)setrlimit(RLIMIT_CORE, &rl);
#ifdef __linux__
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

static int open_key(const char *path)
{
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer forever; keys_read refuses anything but a regular file and
	 * clears the flag. A symbolic link is followed (an operator may keep
	 * the key elsewhere); the file it reaches is checked. */
	return open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
}

int pii_keys_load(const char *path, int create, struct pii_keys *keys, struct error *err)
{
	int fd, rc;

	if (pii_init(err))
		return ERR_INTERNAL;
	harden_process();
	/* keep the keys out of swap and core files where the system lets us
	 * (pii_keys_wipe unlocks and zeroes) */
	(void)sodium_mlock(keys, sizeof(*keys));
	fd = open_key(path);
	if (fd < 0 && errno == ENOENT && create) {
		int raced;

		rc = keys_create(path, keys, &raced, err);
		if (rc || !raced)
			goto out;
		fd = open_key(path);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			rc = error_set(err, ERR_INPUT,
				       "找不到密钥文件 "
				       "'%s'（需要可读的密钥文件才能查看或写入完整证件号和账号）",
				       path);
		else
			rc = error_set(err, ERR_INPUT, "无法读取密钥文件 '%s'：%s", path,
				       error_errno_text(errno));
		goto out;
	}
	rc = keys_read(path, fd, keys, err);
	close(fd);
out:
	if (rc)
		pii_keys_wipe(keys);
	else
		keys->bound = 1; /* the current format; pii_open reads the database's */
	return rc;
}

/* The old fingerprint ('key_check'): of the hash key alone. */
static void key_check(const struct pii_keys *k, unsigned char out[16])
{
	static const char label[] = "minsheng key check";

	crypto_generichash(out, 16, (const unsigned char *)label, sizeof(label) - 1, k->mac,
			   sizeof(k->mac));
}

/* The fingerprint of both keys ('key_check2'): the encryption key hashed
 * under the hash key, so a key file with the right hash key and another
 * encryption key no longer passes. */
static void key_check2(const struct pii_keys *k, unsigned char out[16])
{
	static const char label[] = "minsheng key check 2 enc+mac";
	unsigned char in[sizeof(label) - 1 + PII_KEYBYTES];

	memcpy(in, label, sizeof(label) - 1);
	memcpy(in + sizeof(label) - 1, k->enc, PII_KEYBYTES);
	crypto_generichash(out, 16, in, sizeof(in), k->mac, sizeof(k->mac));
	sodium_memzero(in, sizeof(in));
}

/* Reads subsidy_meta value name into out (16 bytes): 1 found, 0 not, -1 error. */
static int meta_get(struct db *db, const char *name, unsigned char out[16], struct error *err)
{
	sqlite3_stmt *st = NULL;
	int step, found = 0;

	if (db_prepare(db, "SELECT value FROM subsidy_meta WHERE name = ?", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 16) {
		memcpy(out, sqlite3_column_blob(st, 0), 16);
		found = 1;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		sqlite3_finalize(st);
		db_fail(db, err, "读取密钥指纹");
		return -1;
	}
	sqlite3_finalize(st);
	return found;
}

static int meta_put(struct db *db, const char *name, const unsigned char v[16], struct error *err)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (db_prepare(db, "INSERT OR REPLACE INTO subsidy_meta(name, value) VALUES(?, ?)", &st,
		       err))
		return ERR_IO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, v, 16, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(db, err, "记录密钥指纹");
	return 0;
}

/* Record 'pii_ad' = 1: this database's ciphertexts are bound to their rows. */
static int meta_put_bound(struct db *db, struct error *err)
{
	return db_exec(db, "INSERT OR REPLACE INTO subsidy_meta(name, value) VALUES('pii_ad', 1)",
		       err)
		   ? ERR_IO
		   : 0;
}

/*
 * A database from before 'key_check2': does the encryption key open the
 * data already there? The first ciphertext of each table that holds one is
 * decrypted (beneficiary ID, account, death record, official). Returns 1
 * when one decrypts or there is none at all, 0 when one fails, -1 on a
 * database error.
 */
static int enc_key_opens_data(struct db *db, const struct pii_keys *k, struct error *err)
{
	static const struct {
		const char *sql;
		enum pii_kind kind;
	} probe[] = {
	    {"SELECT id_hash, id_enc, id_hash FROM beneficiary ORDER BY id LIMIT 1", PII_ID},
	    /* an account is bound to its person (owner: the third column) */
	    {"SELECT a.acct_hash, a.acct_enc, b.id_hash FROM bank_account a"
	     " LEFT JOIN beneficiary b ON b.id = a.beneficiary_id ORDER BY a.id LIMIT 1",
	     PII_ACCOUNT},
	    {"SELECT id_hash, id_enc, id_hash FROM death LIMIT 1", PII_ID},
	    {"SELECT id_hash, id_enc, id_hash FROM official ORDER BY id LIMIT 1", PII_ID},
	};
	size_t i;

	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		sqlite3_stmt *st = NULL;
		char out[PII_MAXPLAIN + 1];
		long n;
		int step;

		if (db_prepare(db, probe[i].sql, &st, err))
			return -1;
		step = sqlite3_step(st);
		if (step == SQLITE_DONE) {
			sqlite3_finalize(st);
			continue;
		}
		if (step != SQLITE_ROW) {
			sqlite3_finalize(st);
			db_fail(db, err, "读取密文");
			return -1;
		}
		n = sqlite3_column_bytes(st, 0) == PII_HASHBYTES &&
			    sqlite3_column_bytes(st, 2) == PII_HASHBYTES
			? pii_decrypt_owned(k, probe[i].kind, sqlite3_column_blob(st, 1),
					    (size_t)sqlite3_column_bytes(st, 1),
					    sqlite3_column_blob(st, 0), sqlite3_column_blob(st, 2),
					    out)
			: -1;
		sqlite3_finalize(st);
		sodium_memzero(out, sizeof(out));
		return n >= 0;
	}
	return 1;
}

/*
 * The ciphertext format the database records: 1 when subsidy_meta has
 * 'pii_ad' = 1 (bound to the row), 0 when it has no such row (an older
 * database) or another value, -1 on a database error.
 */
static int meta_bound(struct db *db, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int step, bound = 0;

	if (db_prepare(db, "SELECT value FROM subsidy_meta WHERE name = 'pii_ad'", &st, err))
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		bound = sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
			sqlite3_column_int64(st, 0) == 1;
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		db_fail(db, err, "读取个人数据格式");
		return -1;
	}
	return bound;
}

/* 1 when no table holds a ciphertext yet, 0 when one does, -1 on error. */
static int no_ciphertext(struct db *db, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int step, none;

	if (db_prepare(db,
		       "SELECT NOT EXISTS (SELECT 1 FROM beneficiary)"
		       " AND NOT EXISTS (SELECT 1 FROM bank_account)"
		       " AND NOT EXISTS (SELECT 1 FROM death)"
		       " AND NOT EXISTS (SELECT 1 FROM official)",
		       &st, err))
		return -1;
	step = sqlite3_step(st);
	none = step == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	if (step != SQLITE_ROW) {
		db_fail(db, err, "读取密文");
		return -1;
	}
	return none;
}

int pii_open(struct db *db, const char *key_opt, int create, struct pii_keys *keys,
	     struct error *err)
{
	unsigned char check[16], check2[16], mine[16];
	char path[4096];
	int have, have2, rc, ok, bound;

	if (pii_key_path(key_opt, db_path(db), path, sizeof(path), err))
		return ERR_USAGE;
	have = meta_get(db, "key_check", check, err);
	if (have < 0)
		return ERR_IO;
	have2 = meta_get(db, "key_check2", check2, err);
	if (have2 < 0)
		return ERR_IO;
	rc = pii_keys_load(path, create && !have && !have2, keys, err);
	if (rc)
		return rc;
	/* The format of the ciphertexts: bound to their rows when the
	 * database says so, or when nothing is bound to it yet (a new
	 * database: the marker is recorded with the fingerprints below). */
	bound = meta_bound(db, err);
	if (bound == 0 && !have && !have2)
		bound = no_ciphertext(db, err);
	if (bound < 0) {
		pii_keys_wipe(keys);
		return ERR_IO;
	}
	keys->bound = bound;
	if (have2) {
		key_check2(keys, mine);
		ok = sodium_memcmp(mine, check2, 16) == 0;
	} else if (have) {
		/* an older database: the hash key by its fingerprint, the
		 * encryption key by the data it encrypted */
		key_check(keys, mine);
		ok = sodium_memcmp(mine, check, 16) == 0;
		if (ok) {
			ok = enc_key_opens_data(db, keys, err);
			if (ok < 0) {
				pii_keys_wipe(keys);
				return ERR_IO;
			}
		}
	} else if (!create) {
		return 0;
	} else {
		ok = 1;
	}
	if (!ok) {
		pii_keys_wipe(keys);
		return error_set(err, ERR_INPUT, "密钥文件 '%s' 与数据库 '%s' 不匹配", path,
				 db_path(db));
	}
	if (have2)
		return 0;
	/*
	 * Record the fingerprints: a new database (inside the caller's write
	 * transaction), or an older one just verified. A read-only command
	 * runs outside a transaction (the insert commits by itself); if it
	 * cannot write (busy, read-only file), the check by decryption is
	 * simply made again next time, so that failure is not an error.
	 */
	key_check2(keys, check2);
	if (!have) {
		key_check(keys, check);
		if (meta_put(db, "key_check", check, err) ||
		    (keys->bound && meta_put_bound(db, err))) {
			pii_keys_wipe(keys);
			return ERR_IO;
		}
	}
	if (meta_put(db, "key_check2", check2, err)) {
		if (!have) {
			pii_keys_wipe(keys);
			return ERR_IO;
		}
		error_clear(err);
	}
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

/* domain byte, owner's ID hash, the value's own hash */
#define AD_BYTES (1 + 2 * PII_HASHBYTES)

/*
 * The associated data: the domain byte alone in an older database, else
 * also the owner and the value's hash (pii.h). The two lengths differ, and
 * Poly1305 authenticates the length, so neither form can pass for the
 * other. Returns its length.
 */
static unsigned long long make_ad(const struct pii_keys *k, enum pii_kind kind,
				  const unsigned char hash[PII_HASHBYTES],
				  const unsigned char owner[PII_HASHBYTES],
				  unsigned char ad[AD_BYTES])
{
	ad[0] = (unsigned char)kind;
	if (!k->bound)
		return 1;
	memcpy(ad + 1, owner, PII_HASHBYTES);
	memcpy(ad + 1 + PII_HASHBYTES, hash, PII_HASHBYTES);
	return AD_BYTES;
}

size_t pii_encrypt_owned(const struct pii_keys *k, enum pii_kind kind, const char *value,
			 size_t len, const unsigned char hash[PII_HASHBYTES],
			 const unsigned char owner[PII_HASHBYTES], unsigned char *out)
{
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char ad[AD_BYTES];
	unsigned long long adlen, mlen = 0;

	if (len > PII_MAXPLAIN)
		return 0;
	make_nonce(hash, nonce);
	adlen = make_ad(k, kind, hash, owner, ad);
	/* detached layout: the MAC first, then the ciphertext */
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out + PII_OVERHEAD, out, &mlen,
							    (const unsigned char *)value, len, ad,
							    adlen, NULL, nonce, k->enc);
	(void)mlen;
	return len + PII_OVERHEAD;
}

long pii_decrypt_owned(const struct pii_keys *k, enum pii_kind kind, const unsigned char *cipher,
		       size_t len, const unsigned char hash[PII_HASHBYTES],
		       const unsigned char owner[PII_HASHBYTES], char *out)
{
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char ad[AD_BYTES];
	unsigned long long adlen;
	size_t n;

	if (len < PII_OVERHEAD || len > PII_MAXCIPHER)
		return -1;
	n = len - PII_OVERHEAD;
	make_nonce(hash, nonce);
	adlen = make_ad(k, kind, hash, owner, ad);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached((unsigned char *)out, NULL,
								cipher + PII_OVERHEAD, n, cipher,
								ad, adlen, nonce, k->enc) != 0)
		return -1;
	out[n] = '\0';
	return (long)n;
}

size_t pii_encrypt(const struct pii_keys *k, enum pii_kind kind, const char *value, size_t len,
		   const unsigned char hash[PII_HASHBYTES], unsigned char *out)
{
	return pii_encrypt_owned(k, kind, value, len, hash, hash, out);
}

long pii_decrypt(const struct pii_keys *k, enum pii_kind kind, const unsigned char *cipher,
		 size_t len, const unsigned char hash[PII_HASHBYTES], char *out)
{
	return pii_decrypt_owned(k, kind, cipher, len, hash, hash, out);
}

int pii_tampered(struct error *err, enum pii_kind kind, const char *what, long long id)
{
	if (kind == PII_ACCOUNT)
		error_set(err, ERR_IO, "%s %lld 与其所属人员不符（数据可能被篡改）", what, id);
	else
		error_set(err, ERR_IO, "%s %lld 的身份证号与该记录不符（数据可能被篡改）", what,
			  id);
	error_reason(err, "pii_tampered");
	return ERR_IO;
}

void pii_keys_wipe(struct pii_keys *k)
{
	/* zeroes, then unlocks what pii_keys_load locked (harmless if not) */
	if (sodium_munlock(k, sizeof(*k)) != 0)
		sodium_memzero(k, sizeof(*k));
}
