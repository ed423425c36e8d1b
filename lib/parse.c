/* SPDX-License-Identifier: MIT */
/* parse.c: strict parsers for what users type: refs, sizes, modes, durations, ids, users, time styles. */
#include <sys/ipc.h>
#include <sys/types.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int shmkit__scan_u64(const char *s, int base, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p;
	int overflow = 0;

	for (p = s; digit_value(*p) < base; p++) {
		unsigned d = (unsigned)digit_value(*p);

		if (v > (UINT64_MAX - d) / (uint64_t)base)
			overflow = 1;
		v = v * (uint64_t)base + d;
	}
	if (p == s)
		return -EINVAL;
	*end = p;
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

int shmkit__parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int rc;

	rc = shmkit__scan_u64(s, base, &v, &end);
	if (rc == -ERANGE && *end == '\0')
		return -ERANGE;
	if (rc < 0 || *end != '\0')
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* 0x-prefixed hex or plain decimal. */
static int parse_key_number(const char *s, uint64_t *out)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return shmkit__parse_u64(s + 2, 16, UINT32_MAX, out);
	return shmkit__parse_u64(s, 10, UINT32_MAX, out);
}

static int parse_key(const char *s, struct shmkit_ref *r)
{
	uint64_t v;
	int rc;

	rc = parse_key_number(s, &v);
	if (rc < 0)
		return rc;
	if (v == 0)		/* IPC_PRIVATE: never looked up by key */
		return -EINVAL;
	r->kind = SHMKIT_SYSV;
	r->by = SHMKIT_BY_KEY;
	r->key = (key_t)(uint32_t)v;
	return 0;
}

static int parse_id(const char *s, struct shmkit_ref *r)
{
	uint64_t v;
	int rc;

	rc = shmkit__parse_u64(s, 10, INT_MAX, &v);
	if (rc < 0)
		return rc;
	r->kind = SHMKIT_SYSV;
	r->by = SHMKIT_BY_ID;
	r->id = (int)v;
	return 0;
}

static int parse_name(const char *s, struct shmkit_ref *r)
{
	const char *name = s + 1;
	size_t len = strlen(name);

	if (len == 0 || len > SHMKIT_NAME_MAX || strchr(name, '/') ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	r->kind = SHMKIT_POSIX;
	r->by = SHMKIT_BY_NAME;
	memcpy(r->name, s, len + 2);
	return 0;
}

/* ftok:PATH[:PROJ]; PATH may hold colons, so PROJ is after the last one. */
static int parse_ftok(const char *s, struct shmkit_ref *r)
{
	char path[PATH_MAX];
	const char *colon = strrchr(s, ':');
	uint64_t proj = 1;
	size_t len = strlen(s);
	key_t key;
	int rc;

	if (colon) {
		rc = shmkit__parse_u64(colon + 1, 10, 255, &proj);
		if (rc < 0)
			return rc;
		len = (size_t)(colon - s);
	}
	if (len == 0)
		return -EINVAL;
	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, s, len);
	path[len] = '\0';
	key = ftok(path, (int)proj);
	if (key == -1)
		return -errno;
	if (key == IPC_PRIVATE)
		return -EINVAL;
	r->kind = SHMKIT_SYSV;
	r->by = SHMKIT_BY_KEY;
	r->key = key;
	return 0;
}

int shmkit_ref_parse(const char *text, unsigned flags, struct shmkit_ref *out)
{
	struct shmkit_ref r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.id = -1;
	if (!text || !*text)
		return -EINVAL;
	if (text[0] == '/')
		rc = parse_name(text, &r);
	else if (strncmp(text, "key:", 4) == 0)
		rc = parse_key(text + 4, &r);
	else if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		rc = parse_key(text, &r);
	else if (strncmp(text, "id:", 3) == 0)
		rc = parse_id(text + 3, &r);
	else if (strncmp(text, "ftok:", 5) == 0)
		rc = parse_ftok(text + 5, &r);
	else if (strcmp(text, "private") == 0 && (flags & SHMKIT_REF_ALLOW_PRIVATE)) {
		r.kind = SHMKIT_SYSV;
		r.by = SHMKIT_BY_PRIVATE;
		r.key = IPC_PRIVATE;
		rc = 0;
	} else if (text[0] >= '0' && text[0] <= '9')
		rc = parse_id(text, &r);
	else
		rc = -EINVAL;
	if (rc < 0)
		return rc;
	*out = r;
	return 0;
}

int shmkit_ref_format(const struct shmkit_ref *ref, char *buf, size_t len)
{
	int n;

	switch (ref->by) {
	case SHMKIT_BY_KEY:
		n = snprintf(buf, len, "0x%08x", (unsigned)ref->key);
		break;
	case SHMKIT_BY_ID:
		n = snprintf(buf, len, "%d", ref->id);
		break;
	case SHMKIT_BY_NAME:
		n = snprintf(buf, len, "%s", ref->name);
		break;
	case SHMKIT_BY_PRIVATE:
		n = snprintf(buf, len, "private");
		break;
	default:
		return -EINVAL;
	}
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENOBUFS;
	return n;
}

int shmkit_parse_size(const char *text, unsigned flags, size_t *out)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
		{ "", 0 },
		{ "K", 10 }, { "KiB", 10 }, { "KB", 10 },
		{ "M", 20 }, { "MiB", 20 }, { "MB", 20 },
		{ "G", 30 }, { "GiB", 30 }, { "GB", 30 },
		{ "T", 40 }, { "TiB", 40 }, { "TB", 40 },
	};
	const char *end;
	uint64_t v;
	size_t i;
	int rc;

	if (!text)
		return -EINVAL;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		rc = shmkit__scan_u64(text + 2, 16, &v, &end);
	else
		rc = shmkit__scan_u64(text, 10, &v, &end);
	if (rc == -EINVAL)
		return rc;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].suffix) == 0)
			break;
	if (i == ARRAY_SIZE(units))
		return -EINVAL;
	if (rc == -ERANGE)
		return rc;
	if (v == 0 && !(flags & SHMKIT_SIZE_ZERO_OK))
		return -EINVAL;
	if (v > (SIZE_MAX >> units[i].shift))
		return -ERANGE;
	*out = (size_t)(v << units[i].shift);
	return 0;
}

int shmkit_parse_mode(const char *text, mode_t *out)
{
	uint64_t v;
	int rc;

	if (!text)
		return -EINVAL;
	rc = shmkit__parse_u64(text, 8, 0777, &v);
	if (rc < 0)
		return rc;
	*out = (mode_t)v;
	return 0;
}

int shmkit_parse_duration(const char *text, uint64_t *out)
{
	static const struct {
		char unit;
		uint64_t seconds;
	} units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 },
	};
	uint64_t v, mult = 1;
	const char *end;
	size_t i;
	int rc;

	if (!text)
		return -EINVAL;
	rc = shmkit__scan_u64(text, 10, &v, &end);
	if (rc == -EINVAL)
		return rc;
	if (*end) {
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (end[0] == units[i].unit && end[1] == '\0')
				break;
		if (i == ARRAY_SIZE(units))
			return -EINVAL;
		mult = units[i].seconds;
	}
	if (rc == -ERANGE || v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

int shmkit_parse_id(const char *text, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int rc;

	if (!text)
		return -EINVAL;
	rc = shmkit__parse_u64(text, 10, max, &v);
	if (rc < 0)
		return rc;
	*out = (uint32_t)v;
	return 0;
}

int shmkit_ref_unescape(char *text)
{
	char *r = text, *w = text;

	while (*r) {
		if (r[0] == '\\' && r[1] == 'x' && digit_value(r[2]) < 16 &&
		    digit_value(r[3]) < 16) {
			*w = (char)(digit_value(r[2]) * 16 + digit_value(r[3]));
			if (*w++ == '\0')
				return -EINVAL;
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return 0;
}

int shmkit_ref_cmp(const struct shmkit_ref *a, const struct shmkit_ref *b)
{
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	if (a->by != b->by)
		return (int)a->by - (int)b->by;
	if (a->by == SHMKIT_BY_NAME)
		return strcmp(a->name, b->name);
	if (a->by == SHMKIT_BY_ID)
		return (a->id > b->id) - (a->id < b->id);
	return (a->key > b->key) - (a->key < b->key);
}

int shmkit_parse_time_style(const char *text, enum shmkit_time_style *out)
{
	static const struct {
		const char *name;
		enum shmkit_time_style style;
	} styles[] = {
		{ "short", SHMKIT_TIME_SHORT }, { "full", SHMKIT_TIME_FULL },
		{ "iso", SHMKIT_TIME_ISO },
	};
	size_t i;

	for (i = 0; text && i < ARRAY_SIZE(styles); i++) {
		if (strcmp(text, styles[i].name) == 0) {
			*out = styles[i].style;
			return 0;
		}
	}
	return -EINVAL;
}

int shmkit_parse_user(const char *text, uid_t *out)
{
	struct passwd *pw = text ? getpwnam(text) : NULL;
	uint32_t uid;

	if (pw) {
		*out = pw->pw_uid;
		return 0;
	}
	if (shmkit_parse_id(text, UINT32_MAX - 1, &uid) < 0)
		return -ENOENT;
	*out = (uid_t)uid;
	return 0;
}
