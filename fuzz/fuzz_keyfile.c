/*
 * fuzz_keyfile.c - the key file reader (pii_keys_load, subsidy/pii.h) on
 * arbitrary file contents (mode 0600, so only the text decides).
 *
 * The format (docs/personal-data.md) is three lines:
 *   minsheng-key V
 *   enc <64 hex digits>
 *   mac <64 hex digits>
 * where V is 1 (a key of the old, unbound format) or 2 (bound format, every
 * key made now), nothing else. The harness decides independently of pii.c
 * whether the text is such a file and aborts when the verdicts differ, when
 * an accepted file gives keys other than its hex digits, or a format other
 * than its version says. Modelled as the reader behaves: it reads
 * at most 511 bytes up to the first NUL, and decodes each key with
 * sodium_hex2bin ignoring line ends, so a line end between two digit pairs
 * is skipped and anything after the 64 digits that is not another digit
 * ends the key (lenient, harmless: the file is written by minsheng itself).
 * A refused file is ERR_INPUT with a message naming the file.
 */
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "subsidy/pii.h"

#include "fuzz_db.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * 32 bytes of hex digits at s into out, the way sodium_hex2bin reads them
 * with "\n" to ignore: digit pairs, line ends skipped between pairs, the
 * reading stopping at the first other character. 0 when exactly 32 bytes
 * were read and no digit follows (a 33rd byte is an error), else -1.
 */
static int hex32(const char *s, unsigned char out[PII_KEYBYTES])
{
	int n = 0, hi, lo;

	for (;;) {
		while (*s == '\n')
			s++;
		hi = hexval((unsigned char)*s);
		if (hi < 0)
			return n == PII_KEYBYTES ? 0 : -1;
		lo = hexval((unsigned char)s[1]);
		if (lo < 0 || n == PII_KEYBYTES)
			return -1; /* half a pair, or a 33rd byte */
		out[n++] = (unsigned char)(hi * 16 + lo);
		s += 2;
	}
}

/* The reference verdict on text (NUL-terminated, as the reader sees it). */
static int ref_accepts(const char *t, struct pii_keys *k)
{
	const char *l3;

	if (strncmp(t, "minsheng-key ", 13) != 0 || (t[13] != '1' && t[13] != '2') ||
	    strncmp(t + 14, "\nenc ", 5) != 0)
		return 0;
	k->format = t[13] == '1' ? PII_FORMAT_OLD : PII_FORMAT_BOUND;
	l3 = strchr(t + 15, '\n'); /* the end of the enc line */
	if (!l3 || strncmp(l3 + 1, "mac ", 4) != 0)
		return 0;
	return hex32(t + 19, k->enc) == 0 && hex32(l3 + 5, k->mac) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct pii_keys got, want;
	char text[512];
	const char *path;
	struct error err;
	size_t n;
	int rc, ok;

	if (size > 4096)
		return 0;
	error_clear(&err);
	if (!ready) {
		CHECK(pii_init(&err) == 0);
		ready = 1;
	}
	path = fuzz_file(data, size);
	CHECK(chmod(path, 0600) == 0);
	n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	memset(&want, 0, sizeof(want));
	ok = ref_accepts(text, &want);

	memset(&got, 0xa5, sizeof(got));
	rc = pii_keys_load(path, 0, &got, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	CHECK((rc == 0) == ok);
	if (rc == 0) {
		CHECK(memcmp(got.enc, want.enc, PII_KEYBYTES) == 0);
		CHECK(memcmp(got.mac, want.mac, PII_KEYBYTES) == 0);
		CHECK(got.format == want.format);
	} else {
		CHECK(err.code == ERR_INPUT && err.msg[0] != '\0');
		CHECK(strstr(err.msg, path) != NULL);
	}
	pii_keys_wipe(&got);
	return 0;
}
