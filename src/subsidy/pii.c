/*
 * pii.c - key file, encryption and keyed hashes of personal data (pii.h).
 *
 * Key file format (text, so an operator can see what it is):
 *     minsheng-key 2
 *     enc <64 hex digits>
 *     mac <64 hex digits>
 * The version on the first line is the ciphertext format the key serves
 * (pii.h): 2 for every key file made now (bound format only), 1 for key
 * files made before the binding (old format only). The database's own
 * records never decide the format.
 */
#include "subsidy/pii.h"

#include "base/error.h"
#include "db/db.h"

#include <errno.h>
#include <stdbool.h>
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
		return error_set(err, ERR_IO, "无法读取密钥文件 '%s'：%s", path,
				 error_errno_text(errno));
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
		return error_set(err, ERR_IO, "无法读取密钥文件 '%s'：%s", path,
				 error_errno_text(errno));
	text[got] = '\0';
	l2 = strchr(text, '\n');
	l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	/* the version is exactly "1" or "2" and the line ends there */
	if (strncmp(text, "minsheng-key ", 13) != 0 || (text[13] != '1' && text[13] != '2') ||
	    text[14] != '\n' || !l2 || !l3 || parse_hex_line(l2 + 1, "enc", keys->enc) ||
	    parse_hex_line(l3 + 1, "mac", keys->mac)) {
		/* a key file edited on Windows (its first line, say) */
		bool crlf = strchr(text, '\r') != NULL;

		sodium_memzero(text, sizeof(text));
		return error_set(err, ERR_INPUT, "密钥文件 '%s' 格式无效%s", path,
				 crlf ? "（行尾应为 LF，不能是 Windows 的 CRLF）" : "");
	}
	keys->format = text[13] == '2' ? PII_FORMAT_BOUND : PII_FORMAT_OLD;
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
		return error_set(err, ERR_IO, "无法创建密钥文件 '%s'：%s", path,
				 error_errno_text(errno));
	randombytes_buf(keys->enc, sizeof(keys->enc));
	randombytes_buf(keys->mac, sizeof(keys->mac));
	sodium_bin2hex(ehex, sizeof(ehex), keys->enc, sizeof(keys->enc));
	sodium_bin2hex(mhex, sizeof(mhex), keys->mac, sizeof(keys->mac));
	/* a key made now serves the bound format only (pii.h) */
	keys->format = PII_FORMAT_BOUND;
	len = snprintf(text, sizeof(text), "minsheng-key 2\nenc %s\nmac %s\n", ehex, mhex);
	/* umask can only remove bits, but say 0600 explicitly anyway. */
	if (fchmod(fd, 0600) != 0 || write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
		rc = error_set(err, ERR_IO, "无法写入密钥文件 '%s'：%s", path,
			       error_errno_text(errno));
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
	return rc;
}

/* The old fingerprint ('key_check'): of the hash key alone. */
static void key_check(const struct pii_keys *k, unsigned char out[16])
{
	static const char label[] = "minsheng key check";

	crypto_generichash(out, 16, (const unsigned char *)label, sizeof(label) - 1, k->mac,
			   sizeof(k->mac));
}

/*
 * The fingerprint of both keys ('key_check2'): the encryption key hashed
 * under the hash key, so a key file with the right hash key and another
 * encryption key no longer passes. Its label names the ciphertext format,
 * so the format is authenticated by the key too: a database whose marker
 * was deleted or changed (to have bound ciphertexts written unbound, or
 * the other way) no longer matches. The old format keeps the label it
 * always had.
 */
static void key_check2(const struct pii_keys *k, int format, unsigned char out[16])
{
	static const char old[] = "minsheng key check 2 enc+mac";
	static const char bound[] = "minsheng key check 2 enc+mac, pii format 2";
	unsigned char in[sizeof(bound) - 1 + PII_KEYBYTES];
	size_t ll = format == PII_FORMAT_BOUND ? sizeof(bound) - 1 : sizeof(old) - 1;

	memcpy(in, format == PII_FORMAT_BOUND ? bound : old, ll);
	memcpy(in + ll, k->enc, PII_KEYBYTES);
	crypto_generichash(out, 16, in, ll + PII_KEYBYTES, k->mac, sizeof(k->mac));
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

/* Record 'pii_ad' = 2: this database's ciphertexts are bound to their rows. */
static int meta_put_bound(struct db *db, struct error *err)
{
	return db_exec(db, "INSERT OR REPLACE INTO subsidy_meta(name, value) VALUES('pii_ad', 2)",
		       err)
		   ? ERR_IO
		   : 0;
}

/*
 * Does the encryption key open the data already there, in the given
 * format? The first ciphertext of the first table that holds one is
 * decrypted (beneficiary ID, account, death record, official). Returns 1
 * when it decrypts or there is none at all, 0 when it fails, -1 on a
 * database error.
 */
static int enc_key_opens_data(struct db *db, const struct pii_keys *k, struct error *err)
{
	static const struct {
		const char *sql;
		enum pii_table table;
		enum pii_kind kind;
	} probe[] = {
	    {"SELECT id_hash, id_enc, id_hash FROM beneficiary ORDER BY id LIMIT 1",
	     PII_IN_BENEFICIARY, PII_ID},
	    /* an account is bound to its person (owner: the third column) */
	    {"SELECT a.acct_hash, a.acct_enc, b.id_hash FROM bank_account a"
	     " LEFT JOIN beneficiary b ON b.id = a.beneficiary_id ORDER BY a.id LIMIT 1",
	     PII_IN_ACCOUNT, PII_ACCOUNT},
	    {"SELECT id_hash, id_enc, id_hash FROM death LIMIT 1", PII_IN_DEATH, PII_ID},
	    {"SELECT id_hash, id_enc, id_hash FROM official ORDER BY id LIMIT 1", PII_IN_OFFICIAL,
	     PII_ID},
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
			? pii_decrypt_in(
			      k, probe[i].table, probe[i].kind, sqlite3_column_blob(st, 1),
			      (size_t)sqlite3_column_bytes(st, 1), sqlite3_column_blob(st, 0),
			      sqlite3_column_blob(st, 2), out)
			: -1;
		sqlite3_finalize(st);
		sodium_memzero(out, sizeof(out));
		return n >= 0;
	}
	return 1;
}

/*
 * The marker subsidy_meta 'pii_ad': 0 when there is none (an older
 * database, or a new one not yet bound to a key), its value when it is 1
 * or 2, 3 for anything else (not a format this version ever wrote), -1 on
 * a database error.
 */
#define MARKER_OTHER 3
static int meta_marker(struct db *db, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int step, marker = 0;

	if (db_prepare(db, "SELECT value FROM subsidy_meta WHERE name = 'pii_ad'", &st, err))
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		marker = MARKER_OTHER;
		if (sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
		    (sqlite3_column_int64(st, 0) == 1 || sqlite3_column_int64(st, 0) == 2))
			marker = (int)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		db_fail(db, err, "读取个人数据格式");
		return -1;
	}
	return marker;
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

/* The error for a marker the key's fingerprint contradicts. */
static int format_altered(struct db *db, struct error *err)
{
	error_set(err, ERR_IO,
		  "数据库 '%s' 的个人数据格式标记（subsidy_meta 中的 pii_ad）已被删除或改动，"
		  "与密钥指纹不符（数据可能被篡改），拒绝读写个人数据",
		  db_path(db));
	error_reason(err, "pii_format");
	return ERR_IO;
}

/*
 * A format-2 key file on a database whose fingerprints are not those of a
 * bound database: the old format's fingerprint (of these very keys), or
 * 'key_check' alone. No format-2 key ever made such a database, so they
 * were put there - to have the data read and written unbound.
 */
static int not_bound(struct db *db, const char *path, struct error *err)
{
	error_set(err, ERR_IO,
		  "密钥文件 '%s' 是第 2 版密钥（minsheng-key 2），只用于绑定格式的数据库，"
		  "而数据库 '%s' 的密钥指纹不是绑定格式的（已被删除或换成了旧格式的，"
		  "数据可能被篡改），拒绝读写个人数据",
		  path, db_path(db));
	error_reason(err, "pii_format");
	return ERR_IO;
}

/*
 * An older key file (minsheng-key 1) on a bound database: only development
 * builds made those (they wrote version 1 for every key). Not opened: an
 * older key file may also serve an older database, whose fingerprint and
 * ciphertexts a writer could copy here to have this one read unbound.
 */
static int key_too_old(struct db *db, const char *path, struct error *err)
{
	error_set(err, ERR_IO,
		  "数据库 '%s' 是绑定格式（pii_ad = 2），密钥文件 '%s' 却是旧版（minsheng-key 1），"
		  "旧版密钥只用于旧格式的数据库；若此密钥文件只用于这一个数据库，"
		  "把它的第一行改为 minsheng-key 2 即可，否则请用新的密钥文件新建数据库并重新导入",
		  db_path(db), path);
	error_reason(err, "pii_format");
	return ERR_IO;
}

/* The marker ('pii_ad') a database of this format holds: 2, or none (0). */
static int format_marker(int format)
{
	return format == PII_FORMAT_BOUND ? 2 : 0;
}

/* Is check2 the fingerprint of keys for this format? */
static int check2_matches(const struct pii_keys *keys, int format, const unsigned char check2[16])
{
	unsigned char mine[16];

	key_check2(keys, format, mine);
	return sodium_memcmp(mine, check2, 16) == 0;
}

static int other_format(int format)
{
	return format == PII_FORMAT_BOUND ? PII_FORMAT_OLD : PII_FORMAT_BOUND;
}

int pii_open(struct db *db, const char *key_opt, int create, struct pii_keys *keys,
	     struct error *err)
{
	unsigned char check[16], check2[16], mine[16];
	char path[4096];
	int have, have2, rc, ok, marker, want, none;

	/* refused below before any key is read: nothing stale for the caller */
	sodium_memzero(keys, sizeof(*keys));
	if (pii_key_path(key_opt, db_path(db), path, sizeof(path), err))
		return ERR_USAGE;
	have = meta_get(db, "key_check", check, err);
	if (have < 0)
		return ERR_IO;
	have2 = meta_get(db, "key_check2", check2, err);
	if (have2 < 0)
		return ERR_IO;
	marker = meta_marker(db, err);
	if (marker < 0)
		return ERR_IO;
	if (marker == 1) {
		/* made today by development builds only; its nonces repeat
		 * for a shared account (forgeable), so it is not read */
		error_set(err, ERR_IO,
			  "数据库 '%s' 的个人数据是开发版本的格式（pii_ad = 1），其加密可被伪造，"
			  "本版本不再读写；请新建数据库并重新导入名册、死亡和公职人员名单，"
			  "不要再用其密钥文件",
			  db_path(db));
		error_reason(err, "pii_format");
		return ERR_IO;
	}
	none = have || have2 ? 0 : no_ciphertext(db, err);
	if (none < 0)
		return ERR_IO;
	if (!have && !have2 && !none) {
		/* every fingerprint was deleted: any key would pass and a
		 * writer would record its own */
		error_set(err, ERR_IO,
			  "数据库 '%s' 中有加密的个人数据，却没有密钥指纹（subsidy_meta 中的 "
			  "key_check、key_check2 已被删除，数据可能被篡改），拒绝读写个人数据",
			  db_path(db));
		error_reason(err, "pii_format");
		return ERR_IO;
	}
	rc = pii_keys_load(path, create && !have && !have2, keys, err);
	if (rc)
		return rc;
	/*
	 * The key file names the format (pii.h); the database's fingerprint
	 * and marker must agree with it, and nothing in the database can
	 * choose another: a wrong fingerprint is another key (exit 1), the
	 * right keys' fingerprint for the other format, a missing
	 * 'key_check2' beside a format-2 key, or a marker the key does not
	 * name are alterations (exit 3).
	 */
	want = format_marker(keys->format);
	if (!have && !have2) {
		/* a new database (no ciphertext, no key bound yet): the key
		 * file's format, recorded below when create; a marker of
		 * another format is not silently overwritten */
		if (marker != 0 && marker != want) {
			pii_keys_wipe(keys);
			return format_altered(db, err);
		}
		if (!create)
			return 0;
		if (keys->format != PII_FORMAT_BOUND) {
			/* an older key file is not bound to a new database:
			 * that database would be unbound for good, and one key
			 * serving two formats is what let a writer copy one
			 * database's format into the other */
			pii_keys_wipe(keys);
			if (!(key_opt && key_opt[0]) && !(getenv("MINSHENG_KEY") &&
							    getenv("MINSHENG_KEY")[0]))
				/* the default DB.key: this database holds no personal
				 * data yet, so moving that file away loses nothing */
				error_set(err, ERR_INPUT,
					  "默认密钥文件 '%s' 是旧版（minsheng-key 1），只用于旧格式的数据库；"
					  "新数据库 '%s' 还没有任何个人数据，要有自己的新密钥："
					  "请把 '%s' 移走（如仍用于别的数据库）或删除后重试，将自动创建新密钥",
					  path, db_path(db), path);
			else
				error_set(err, ERR_INPUT,
					  "密钥文件 '%s' 是旧版（minsheng-key 1），只用于旧格式的数据库；"
					  "新数据库 '%s' 要有自己的新密钥：请用 --key 或 MINSHENG_KEY "
					  "指定一个尚不存在的密钥文件（将自动创建），"
					  "或去掉它们以使用默认的“数据库路径.key”",
					  path, db_path(db));
			error_reason(err, "pii_key_old");
			return ERR_INPUT;
		}
	} else if (have2) {
		ok = check2_matches(keys, keys->format, check2);
		if (!ok && check2_matches(keys, other_format(keys->format), check2)) {
			rc = keys->format == PII_FORMAT_BOUND ? not_bound(db, path, err)
							      : key_too_old(db, path, err);
			pii_keys_wipe(keys);
			return rc;
		}
		if (!ok)
			goto mismatch;
		if (marker != want) {
			pii_keys_wipe(keys);
			return format_altered(db, err);
		}
		return 0;
	} else {
		/*
		 * Only 'key_check' (of the hash key): a database made before
		 * 'key_check2', so of the old format. The encryption key is
		 * checked by the data it encrypted (in the old format: the
		 * key file's; the row probed only tests the key).
		 */
		key_check(keys, mine);
		if (sodium_memcmp(mine, check, 16) != 0)
			goto mismatch;
		if (keys->format == PII_FORMAT_BOUND) {
			rc = not_bound(db, path, err);
			pii_keys_wipe(keys);
			return rc;
		}
		if (marker != want) {
			pii_keys_wipe(keys);
			return format_altered(db, err);
		}
		ok = enc_key_opens_data(db, keys, err);
		if (ok < 0) {
			pii_keys_wipe(keys);
			return ERR_IO;
		}
		if (!ok)
			goto mismatch;
	}
	/*
	 * Record the fingerprints: a new database (inside the caller's write
	 * transaction, with its format's marker), or an older one just
	 * verified. A read-only command runs outside a transaction (the
	 * insert commits by itself); if it cannot write (busy, read-only
	 * file), the check by decryption is simply made again next time, so
	 * that failure is not an error.
	 */
	key_check2(keys, keys->format, check2);
	if (!have) {
		key_check(keys, check);
		if (meta_put(db, "key_check", check, err) ||
		    (keys->format == PII_FORMAT_BOUND && meta_put_bound(db, err))) {
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

mismatch:
	pii_keys_wipe(keys);
	return error_set(err, ERR_INPUT, "密钥文件 '%s' 与数据库 '%s' 不匹配", path, db_path(db));
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

/* table, kind, owner's ID hash, the value's own hash */
#define AD_BYTES (2 + 2 * PII_HASHBYTES)
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

/*
 * The nonce and the associated data of a ciphertext (pii.h).
 *
 * PII_FORMAT_OLD: the nonce is the value's hash (zero-padded), the
 * associated data the kind byte alone; an older database is read and
 * written so.
 *
 * PII_FORMAT_BOUND: the associated data is the table, the kind, the owner
 * and the value's hash; the nonce is a keyed BLAKE2b of a label and that
 * associated data. Deriving the nonce from the whole associated data is
 * what makes it safe: with the nonce the value's hash alone, two people
 * sharing one account had two ciphertexts under one nonce with different
 * associated data, which repeats the Poly1305 one-time key and lets anyone
 * solve it from the two tags and forge any value under that nonce. Now
 * equal nonces mean equal associated data and (hash checked on decryption)
 * equal plaintext: the same ciphertext. The hash key is used, keyed BLAKE2b
 * being a PRF; the 24-byte output and the label keep it apart from the
 * 16-byte look-up hashes and fingerprints. Returns the associated data's
 * length.
 */
static unsigned long long make_nonce_ad(const struct pii_keys *k, enum pii_table table,
					enum pii_kind kind, const unsigned char hash[PII_HASHBYTES],
					const unsigned char owner[PII_HASHBYTES],
					unsigned char nonce[NONCE_BYTES],
					unsigned char ad[AD_BYTES])
{
	static const char label[] = "minsheng pii nonce 2";
	unsigned char in[sizeof(label) - 1 + AD_BYTES];

	if (k->format != PII_FORMAT_BOUND) {
		memset(nonce, 0, NONCE_BYTES);
		memcpy(nonce, hash, PII_HASHBYTES);
		ad[0] = (unsigned char)kind;
		return 1;
	}
	ad[0] = (unsigned char)table;
	ad[1] = (unsigned char)kind;
	memcpy(ad + 2, owner, PII_HASHBYTES);
	memcpy(ad + 2 + PII_HASHBYTES, hash, PII_HASHBYTES);
	memcpy(in, label, sizeof(label) - 1);
	memcpy(in + sizeof(label) - 1, ad, AD_BYTES);
	crypto_generichash(nonce, NONCE_BYTES, in, sizeof(in), k->mac, sizeof(k->mac));
	return AD_BYTES;
}

size_t pii_encrypt_in(const struct pii_keys *k, enum pii_table table, enum pii_kind kind,
		      const char *value, size_t len, const unsigned char hash[PII_HASHBYTES],
		      const unsigned char owner[PII_HASHBYTES], unsigned char *out)
{
	unsigned char nonce[NONCE_BYTES];
	unsigned char ad[AD_BYTES];
	unsigned long long adlen, mlen = 0;

	if (len > PII_MAXPLAIN)
		return 0;
	adlen = make_nonce_ad(k, table, kind, hash, owner, nonce, ad);
	/* detached layout: the MAC first, then the ciphertext */
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out + PII_OVERHEAD, out, &mlen,
							    (const unsigned char *)value, len, ad,
							    adlen, NULL, nonce, k->enc);
	(void)mlen;
	return len + PII_OVERHEAD;
}

long pii_decrypt_in(const struct pii_keys *k, enum pii_table table, enum pii_kind kind,
		    const unsigned char *cipher, size_t len,
		    const unsigned char hash[PII_HASHBYTES],
		    const unsigned char owner[PII_HASHBYTES], char *out)
{
	unsigned char nonce[NONCE_BYTES];
	unsigned char ad[AD_BYTES], mine[PII_HASHBYTES];
	unsigned long long adlen;
	size_t n;

	if (len < PII_OVERHEAD || len > PII_MAXCIPHER)
		return -1;
	n = len - PII_OVERHEAD;
	adlen = make_nonce_ad(k, table, kind, hash, owner, nonce, ad);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached((unsigned char *)out, NULL,
								cipher + PII_OVERHEAD, n, cipher,
								ad, adlen, nonce, k->enc) != 0)
		return -1;
	/* A valid tag says the key made this ciphertext for this place; the
	 * stored hash must also be the plaintext's, or the value is not the
	 * row's (what a forged ciphertext would be). */
	pii_hash(k, kind, out, n, mine);
	if (sodium_memcmp(mine, hash, PII_HASHBYTES) != 0) {
		sodium_memzero(out, n);
		return -1;
	}
	out[n] = '\0';
	return (long)n;
}

/* The usual table of a value of this kind (pii_encrypt_owned). */
static enum pii_table usual_table(enum pii_kind kind)
{
	return kind == PII_ACCOUNT ? PII_IN_ACCOUNT : PII_IN_BENEFICIARY;
}

size_t pii_encrypt_owned(const struct pii_keys *k, enum pii_kind kind, const char *value,
			 size_t len, const unsigned char hash[PII_HASHBYTES],
			 const unsigned char owner[PII_HASHBYTES], unsigned char *out)
{
	return pii_encrypt_in(k, usual_table(kind), kind, value, len, hash, owner, out);
}

long pii_decrypt_owned(const struct pii_keys *k, enum pii_kind kind, const unsigned char *cipher,
		       size_t len, const unsigned char hash[PII_HASHBYTES],
		       const unsigned char owner[PII_HASHBYTES], char *out)
{
	return pii_decrypt_in(k, usual_table(kind), kind, cipher, len, hash, owner, out);
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
