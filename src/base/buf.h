/*
 * buf.h - a growable byte buffer with a ceiling.
 *
 * Like curl's dynbuf: each buffer is created with a maximum length, and any
 * append that would pass it fails with ERR_INPUT ("too big") instead of
 * growing. The content is always NUL-terminated (the NUL is not counted in
 * len). The buffer owns its memory; buf_free releases it.
 */
#ifndef MINSHENG_BASE_BUF_H
#define MINSHENG_BASE_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated content, NULL before the first append */
	size_t len;   /* bytes used, without the terminating NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* len may never exceed this */
};

/* Start an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);

/* Release the memory and return to the empty state. Accepts NULL. */
void buf_free(struct buf *b);

/* Forget the content but keep the memory. */
void buf_reset(struct buf *b);

/* Append n bytes. Returns 0, ERR_INPUT when max would be passed, ERR_NOMEM. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addc(struct buf *b, char c);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The content as a C string: "" when empty (never NULL). */
const char *buf_str(const struct buf *b);

#endif
