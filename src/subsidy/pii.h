/*
 * pii.h - personal data at rest: the key file, encryption of ID numbers and
 * bank accounts, and the keyed hashes they are found by.
 *
 * The key file (docs/personal-data.md) holds two independent 32-byte keys:
 * one for XChaCha20-Poly1305 encryption, one for keyed BLAKE2b
 * (crypto_generichash) look-up hashes, and on its first line the format it
 * serves (below). It lives beside the database (DB + ".key") unless --key
 * PATH or $MINSHENG_KEY says otherwise, and is created mode 0600 on first
 * use. The database records a fingerprint of both keys (subsidy_meta
 * 'key_check2'; older databases only had 'key_check', of the hash key), so
 * a different key file, or one with only one of the two keys changed, is
 * refused instead of silently making every look-up miss or mixing two
 * encryption keys in one database.
 *
 * Encryption is deterministic (a synthetic IV, as in SIV): no random number
 * is drawn per row, and equal values in equal places encrypt equally, which
 * reveals nothing the look-up hash does not.
 *
 * Two formats, and the key file says which (never the database alone):
 *
 * - PII_FORMAT_BOUND (key file "minsheng-key 2", every key made now; the
 *   database holds subsidy_meta 'pii_ad' = 2): the nonce is a keyed hash
 *   (hash key) of everything the associated data holds - the table, the
 *   kind, the owner's ID hash and the value's own hash - so two
 *   ciphertexts with different associated data never share a nonce (a
 *   shared nonce would give away the Poly1305 key and let anyone forge
 *   values). The associated data is the same four fields. An ID number's
 *   owner is itself (beneficiary, death, official: their id_hash); an
 *   account's owner is the person of its bank_account row. A ciphertext
 *   copied to another person's row, another table or column, or an account
 *   row re-pointed to another person then fails to decrypt.
 * - PII_FORMAT_OLD (key file "minsheng-key 1", made before the binding; no
 *   marker): the nonce is the value's hash, the associated data the kind
 *   byte alone. Such a key file is never bound to a new database (pii_open
 *   refuses it): a new database gets its own, new key file.
 *
 * In both, decryption also checks that the plaintext's keyed hash is the
 * stored hash, so a value that decrypts but is not the row's is refused.
 * A format-2 key opens only a database whose fingerprint 'key_check2' is
 * the bound format's (its label names the format) and whose marker is 2;
 * a format-1 key only one whose fingerprint is the old format's and which
 * has no marker. Anything else - a marker deleted, added or changed, the
 * other format's fingerprint copied in, 'key_check2' deleted beside a
 * format-2 key - is refused (ERR_IO, exit 3), so a writer without the key
 * cannot switch a database to the other format. The development format
 * pii_ad = 1 (nonce = value hash with the owner in the associated data:
 * forgeable) is refused.
 */
#ifndef MINSHENG_SUBSIDY_PII_H
#define MINSHENG_SUBSIDY_PII_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct error;

#define PII_KEYBYTES 32
#define PII_HASHBYTES 16
/* nonce-free ciphertext layout: MAC (16) then the encrypted bytes */
#define PII_OVERHEAD 16
/* longest value: a 19-digit account */
#define PII_MAXPLAIN 32
#define PII_MAXCIPHER (PII_MAXPLAIN + PII_OVERHEAD)

enum pii_kind {
	PII_ID = 'I',	   /* 18-character resident ID number */
	PII_ACCOUNT = 'A', /* bank account digits */
};

struct pii_keys {
	unsigned char enc[PII_KEYBYTES];
	unsigned char mac[PII_KEYBYTES];
	/* PII_FORMAT_BOUND or PII_FORMAT_OLD (above): the key file's version,
	 * set by pii_keys_load; pii_open checks the database agrees. */
	int format;
};

/* The formats, as recorded in subsidy_meta 'pii_ad' (none: old). */
#define PII_FORMAT_OLD 0
#define PII_FORMAT_BOUND 2

/* Where a ciphertext is stored: part of a bound ciphertext's nonce and
 * associated data, so one cannot be copied from one table to another. */
enum pii_table {
	PII_IN_BENEFICIARY = 'b', /* beneficiary.id_enc */
	PII_IN_ACCOUNT = 'a',	  /* bank_account.acct_enc */
	PII_IN_DEATH = 'd',	  /* death.id_enc */
	PII_IN_OFFICIAL = 'o',	  /* official.id_enc */
};

/* Initialise libsodium once (thread-safe, idempotent). ERR_INTERNAL if it
 * cannot be used. */
int pii_init(struct error *err);

/*
 * The key file path: opt if given, else $MINSHENG_KEY, else db_path +
 * ".key". Writes into out (n bytes); ERR_USAGE when it does not fit.
 */
int pii_key_path(const char *opt, const char *db_path, char *out, size_t n, struct error *err);

/*
 * Read the key file at path. When it does not exist and create is true, a
 * new one is written (a mkstemp file in the same directory, mode 0600,
 * linked into place) with fresh random keys, as version 2. Refused
 * (ERR_INPUT): anything but a regular file (a FIFO is opened without
 * blocking, so it cannot hang the command), a file owned by another user
 * than the effective one, a file readable or writable by group or others,
 * a malformed one (a version other than 1 or 2 included).
 * keys->format is the format the key file serves: PII_FORMAT_BOUND for
 * "minsheng-key 2", PII_FORMAT_OLD for "minsheng-key 1".
 * As the keys are now in memory, the process is made non-dumpable (no core
 * file, RLIMIT_CORE 0, PR_SET_DUMPABLE 0 on Linux) and keys is locked in
 * memory where allowed (sodium_mlock; pii_keys_wipe unlocks). On failure
 * keys is wiped.
 */
int pii_keys_load(const char *path, int create, struct pii_keys *keys, struct error *err);

/*
 * Load the keys for db and bind them to it: the first time, the keys'
 * fingerprints are stored in the database (and, for a format-2 key, the
 * marker 'pii_ad' = 2); afterwards a key file whose fingerprint of both
 * keys differs is refused ("密钥文件 … 与数据库 … 不匹配", ERR_INPUT), and a
 * missing key file is created only when the database holds no fingerprint
 * yet (create true). A format-1 key file is not bound to a new database
 * (ERR_INPUT, reason pii_key_old: it needs a new key). A database with
 * only the old fingerprint (of the hash key) is of the old format: the key
 * file must be a format-1 one whose encryption key decrypts the first
 * stored ciphertext (beneficiary, bank_account, death, official; none at
 * all is accepted), then the new fingerprint is stored (when the database
 * cannot be written, the check is simply repeated next time). Must run
 * inside a write transaction when create is true; it does not begin one
 * itself. What it records is the caller's to commit: an import that is
 * refused rolls the binding back with its rows. A key file it created
 * stays then (it is not removed: another database may have been bound to
 * the same path meanwhile; docs/personal-data.md), and the next import
 * binds it.
 * keys->format is the key file's (pii_keys_load), and the database must
 * agree with it. Refused with ERR_IO (exit 3), reason pii_format: a marker
 * the key's format does not name - deleted, added or changed; a format-2
 * key with the old format's fingerprint or with only 'key_check'; a
 * format-1 key on a bound database; ciphertexts without any fingerprint;
 * the development format 'pii_ad' = 1.
 */
int pii_open(struct db *db, const char *key_opt, int create, struct pii_keys *keys,
	     struct error *err);

/* Keyed hash (16 bytes) of value[0..len) of the given kind. */
void pii_hash(const struct pii_keys *k, enum pii_kind kind, const char *value, size_t len,
	      unsigned char out[PII_HASHBYTES]);

/*
 * Encrypt value[0..len) (len <= PII_MAXPLAIN), stored in table, whose
 * keyed hash (pii_hash of the same value and kind) is hash, for owner: the
 * ID hash of the person the value belongs to (an ID number: its own hash).
 * In PII_FORMAT_OLD table and owner are not used. Writes len + PII_OVERHEAD
 * bytes to out and returns that count, or 0 when len is too long.
 */
size_t pii_encrypt_in(const struct pii_keys *k, enum pii_table table, enum pii_kind kind,
		      const char *value, size_t len, const unsigned char hash[PII_HASHBYTES],
		      const unsigned char owner[PII_HASHBYTES], unsigned char *out);

/*
 * Decrypt a ciphertext made by pii_encrypt_in (table: where it is read
 * from; hash: the row's stored hash; owner: the ID hash of the person the
 * row belongs to now) into out (at least PII_MAXPLAIN + 1 bytes,
 * NUL-terminated). Returns the plaintext length, or -1 when authentication
 * fails (wrong key, tampered, swapped or moved value, row re-pointed to
 * another person) or the plaintext's keyed hash is not hash (out is then
 * wiped).
 */
long pii_decrypt_in(const struct pii_keys *k, enum pii_table table, enum pii_kind kind,
		    const unsigned char *cipher, size_t len,
		    const unsigned char hash[PII_HASHBYTES],
		    const unsigned char owner[PII_HASHBYTES], char *out);

/* pii_encrypt_in / pii_decrypt_in in the value's usual table: an account in
 * bank_account, an ID number in beneficiary. */
size_t pii_encrypt_owned(const struct pii_keys *k, enum pii_kind kind, const char *value,
			 size_t len, const unsigned char hash[PII_HASHBYTES],
			 const unsigned char owner[PII_HASHBYTES], unsigned char *out);
long pii_decrypt_owned(const struct pii_keys *k, enum pii_kind kind, const unsigned char *cipher,
		       size_t len, const unsigned char hash[PII_HASHBYTES],
		       const unsigned char owner[PII_HASHBYTES], char *out);

/* A beneficiary's ID number, whose owner is itself: pii_encrypt_owned(...,
 * hash, hash). An account needs pii_encrypt_owned with its person's ID
 * hash; a death or official record pii_encrypt_in. */
size_t pii_encrypt(const struct pii_keys *k, enum pii_kind kind, const char *value, size_t len,
		   const unsigned char hash[PII_HASHBYTES], unsigned char *out);

/* pii_decrypt_owned(..., hash, hash, out): for beneficiaries' ID numbers. */
long pii_decrypt(const struct pii_keys *k, enum pii_kind kind, const unsigned char *cipher,
		 size_t len, const unsigned char hash[PII_HASHBYTES], char *out);

/*
 * The error for a ciphertext that does not decrypt with the database's own
 * key (pii_open checked it), so the data was altered: what names the row
 * ("账户记录", "人员记录", "死亡记录"), id its id. An account: "账户记录 12
 * 与其所属人员不符（数据可能被篡改）"; an ID number: "人员记录 3 的身份证号与该
 * 记录不符（数据可能被篡改）". ERR_IO (exit 3), reason pii_tampered; returns
 * ERR_IO.
 */
int pii_tampered(struct error *err, enum pii_kind kind, const char *what, long long id);

/* Wipe keys from memory (and unlock them, see pii_keys_load). */
void pii_keys_wipe(struct pii_keys *k);

#endif
