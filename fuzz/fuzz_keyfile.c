/*
 * fuzz_keyfile.c - the key file reader (pii_keys_load, subsidy/pii.h) on
 * arbitrary file contents (mode 0600, so only the text decides).
 *
 * The format (docs/personal-data.md) is three lines:
 *   minsheng-key 1
 *   enc <64 hex digits>
 *   mac <64 hex digits>
 * The harness decides independently of pii.c whether the text is such a
 * file and aborts when the verdicts differ or when an accepted file gives
 * keys other than its hex digits. What the reader tolerates after the mac
 * digits (more line ends, then anything that is not a hex digit) and that
 * it reads at most 511 bytes up to the first NUL is modelled as documented
 * in pii.c. A refused file is ERR_INPUT with a message naming the file.
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

/* 64 hex digits at s into out; 0, or -1 when they are not all hex. */
static int hex32(const char *s, unsigned char out[PII_KEYBYTES])
{
	int i;

	for (i = 0; i < PII_KEYBYTES; i++) {
		int hi = hexval((unsigned char)s[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = hexval((unsigned char)s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

/* The reference verdict on text (NUL-terminated, as the reader sees it). */
static int ref_accepts(const char *t, struct pii_keys *k)
{
	size_t n = strlen(t);
	const char *p;

	/* "minsheng-key 1\n" (15) "enc " (4) 64 "\n" (1) "mac " (4) 64 */
	if (n < 15 + 4 + 64 + 1 + 4 + 64)
		return 0;
	if (memcmp(t, "minsheng-key 1\nenc ", 19) != 0 || hex32(t + 19, k->enc) || t[83] != '\n' ||
	    memcmp(t + 84, "mac ", 4) != 0 || hex32(t + 88, k->mac))
		return 0;
	p = t + 152;
	while (*p == '\n')
		p++;
	/* a hex digit here would be a 33rd key byte */
	return hexval((unsigned char)*p) < 0;
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
	} else {
		CHECK(err.code == ERR_INPUT && err.msg[0] != '\0');
		CHECK(strstr(err.msg, path) != NULL);
	}
	pii_keys_wipe(&got);
	return 0;
}
