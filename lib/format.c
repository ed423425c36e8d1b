/* SPDX-License-Identifier: MIT */
/* format.c: values as people read them: sizes, permission bits, times, ages and escaped names. */
#include <sys/types.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "internal.h"

/* snprintf's result as a shmkit return code. */
static int fitted(int n, size_t len)
{
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? n : -ENOBUFS;
}

int shmkit_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	uint64_t v = bytes, frac = 0;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		frac = v % 1024;
		v /= 1024;
		u++;
	}
	frac = (frac * 10 + 512) / 1024;	/* one decimal, rounded */
	if (frac == 10) {
		v++;
		frac = 0;
	}
	if (frac && u)
		return fitted(snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", v, frac,
				       units[u]), len);
	return fitted(snprintf(buf, len, "%" PRIu64 "%c", v, units[u]), len);
}

int shmkit_format_perms(mode_t mode, char *buf, size_t len)
{
	int i;

	if (len < 10)
		return -ENOBUFS;
	for (i = 0; i < 9; i++)
		buf[i] = (mode & (0400 >> i)) ? "rwx"[i % 3] : '-';
	buf[i] = '\0';
	return 9;
}

int shmkit_format_time(int64_t t, enum shmkit_time_style style, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n;

	if (t <= 0 || !localtime_r(&tt, &tm))
		return 0;	/* never happened */
	n = strftime(buf, len, style == SHMKIT_TIME_ISO ? "%Y-%m-%dT%H:%M:%S%z" :
		     style == SHMKIT_TIME_FULL ? "%a %b %e %H:%M:%S %Y" : "%Y-%m-%d %H:%M",
		     &tm);
	return n > 0 ? (int)n : -ENOBUFS;
}

int shmkit_format_age(uint64_t seconds, char *buf, size_t len)
{
	if (seconds < 120)
		return fitted(snprintf(buf, len, "%" PRIu64 "s", seconds), len);
	if (seconds < 120 * 60)
		return fitted(snprintf(buf, len, "%" PRIu64 "m", seconds / 60), len);
	if (seconds < 48 * 3600)
		return fitted(snprintf(buf, len, "%" PRIu64 "h", seconds / 3600), len);
	return fitted(snprintf(buf, len, "%" PRIu64 "d", seconds / 86400), len);
}

/* Length of the valid UTF-8 sequence at @p, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
		   (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
	size_t k;

	for (k = 1; k < n; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates and code points above U+10FFFF. */
	if ((n == 2 && *p < 0xc2) ||
	    (n == 3 && ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] > 0x9f))) ||
	    (n == 4 && ((*p == 0xf0 && p[1] < 0x90) || *p > 0xf4 || (*p == 0xf4 && p[1] > 0x8f))))
		return 0;
	return n;
}

size_t shmkit_format_escape(const char *s, unsigned flags, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	if (len == 0)
		return 0;
	while (*p && o + 5 < len) {
		if (flags & SHMKIT_ESC_UTF8) {
			n = utf8_len(p);
		} else {
			n = *p >= 0x20 && *p < 0x7f &&
			    !((flags & SHMKIT_ESC_BLANK) && (*p == ' ' || *p == '\\'));
		}
		if (n == 0) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p++);
			continue;
		}
		memcpy(buf + o, p, n);
		o += n;
		p += n;
	}
	buf[o] = '\0';
	return o;
}

size_t shmkit_format_holders(const struct shmkit_holder *x, size_t n, char *buf, size_t len)
{
	char comm[4 * sizeof(x->comm)];
	size_t i, o = 0;
	int k;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < n && o + 1 < len; i++) {
		shmkit_format_escape(x[i].comm, SHMKIT_ESC_BLANK, comm, sizeof(comm));
		k = snprintf(buf + o, len - o, "%s%d (%s)", i ? ", " : "", (int)x[i].pid, comm);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	return o < len ? o : len - 1;
}
