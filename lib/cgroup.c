/* SPDX-License-Identifier: MIT */
/* cgroup.c: which container, pod or systemd unit a process belongs to, read from /proc/PID/cgroup. */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

/* Container ids are hex: Docker, containerd, CRI-O and Podman all use 64 digits. */
static int is_hex_id(const char *s, size_t n)
{
	size_t i;

	if (n < 12 || n > 128)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* @c (@n bytes) is PREFIX<hex>SUFFIX: 1 with *id, *idlen set. */
static int wrapped(const char *c, size_t n, const char *prefix, const char *suffix,
		   const char **id, size_t *idlen)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (n <= p + s || strncmp(c, prefix, p) != 0 || strncmp(c + n - s, suffix, s) != 0 ||
	    !is_hex_id(c + p, n - p - s))
		return 0;
	*id = c + p;
	*idlen = n - p - s;
	return 1;
}

/* A pod UID as the kubelet's systemd driver writes it: '_' for '-'. */
static void copy_id(char *buf, size_t len, const char *id, size_t n, int dashes)
{
	size_t i;

	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = dashes && id[i] == '_' ? '-' : id[i];
	buf[n] = '\0';
}

static int is_uid_text(const char *s, size_t n)
{
	size_t i;

	if (n < 8 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* The owner one cgroup path names: its kind, and its id in @buf. */
static int path_owner(const char *path, size_t plen, char *buf, size_t len)
{
	static const char *const scopes[] = { "docker-", "cri-containerd-", "crio-", "libpod-" };
	const char *c = path, *end = path + plen, *id, *prev = NULL;
	size_t n, idlen, prevlen = 0, i;
	int kube = 0, found = SHMKIT_OWNER_NONE;
	char unit[256] = "", ctr[160] = "", pod[80] = "";

	for (; c < end; c += n + 1) {
		const char *slash = memchr(c, '/', (size_t)(end - c));

		n = (size_t)((slash ? slash : end) - c);
		if (n == 0)
			continue;
		if (n >= 8 && strncmp(c, "kubepods", 8) == 0) {
			const char *p = NULL;
			size_t k;

			kube = 1;
			/* kubepods-burstable-pod<uid>.slice (systemd driver) */
			for (k = 0; k + 4 <= n; k++)
				if (strncmp(c + k, "-pod", 4) == 0)
					p = c + k + 4;
			if (p && n > 6 && strncmp(c + n - 6, ".slice", 6) == 0 &&
			    is_uid_text(p, (size_t)(c + n - 6 - p)))
				copy_id(pod, sizeof(pod), p, (size_t)(c + n - 6 - p), 1);
		} else if (kube && n > 3 && strncmp(c, "pod", 3) == 0 && is_uid_text(c + 3, n - 3)) {
			copy_id(pod, sizeof(pod), c + 3, n - 3, 1);	/* cgroupfs driver */
		}
		for (i = 0; i < ARRAY_SIZE(scopes); i++)
			if (wrapped(c, n, scopes[i], ".scope", &id, &idlen))
				copy_id(ctr, sizeof(ctr), id, idlen, 0);
		if ((prev && prevlen == 6 && strncmp(prev, "docker", 6) == 0 && is_hex_id(c, n)) ||
		    (kube && is_hex_id(c, n)))
			copy_id(ctr, sizeof(ctr), c, n, 0);
		if ((n > 8 && strncmp(c + n - 8, ".service", 8) == 0) ||
		    (n > 6 && strncmp(c + n - 6, ".scope", 6) == 0))
			copy_id(unit, sizeof(unit), c, n, 0);
		prev = c;
		prevlen = n;
	}
	if (pod[0])
		found = SHMKIT_OWNER_POD;
	else if (ctr[0])
		found = SHMKIT_OWNER_CONTAINER;
	else if (unit[0])
		found = SHMKIT_OWNER_UNIT;
	snprintf(buf, len, "%s", found == SHMKIT_OWNER_POD ? pod :
		 found == SHMKIT_OWNER_CONTAINER ? ctr : unit);
	return found;
}

int shmkit_cgroup_owner(const char *text, char *buf, size_t len)
{
	const char *line = text, *nl, *path;
	char cand[256];
	int best = SHMKIT_OWNER_NONE, kind;

	if (len == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	/* Every line: "0::/path" (v2), "N:controllers:/path" (v1, hybrid). */
	for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		path = memchr(line, ':', nl ? (size_t)(nl - line) : strlen(line));
		path = path ? memchr(path + 1, ':', nl ? (size_t)(nl - path - 1) :
				     strlen(path + 1)) : NULL;
		if (!path)
			continue;
		path++;
		kind = path_owner(path, nl ? (size_t)(nl - path) : strlen(path), cand, sizeof(cand));
		if (kind > best) {
			best = kind;
			snprintf(buf, len, "%s", cand);
		}
	}
	return best;
}

int shmkit_cgroup_owner_at(int pidfd, char *buf, size_t len)
{
	char text[8192];
	ssize_t n = 0, got;
	int fd;

	fd = openat(pidfd, "cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)n < sizeof(text) - 1 &&
	       (got = read(fd, text + n, sizeof(text) - 1 - (size_t)n)) > 0)
		n += got;
	close(fd);
	text[n] = '\0';
	return shmkit_cgroup_owner(text, buf, len);
}
