/* SPDX-License-Identifier: MIT */
/* reflist.c: lists of segment references as users give them: arguments, or one a line as shmls --raw prints them. */
#include <sys/types.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

struct shmkit_reflist {
	struct shmkit_refent *v;
	size_t n, cap;
	char *bad;	/* the line shmkit_reflist_read() refused last */
};

int shmkit_reflist_new(struct shmkit_reflist **out)
{
	struct shmkit_reflist *list = calloc(1, sizeof(*list));

	if (!list)
		return -ENOMEM;
	*out = list;
	return 0;
}

void shmkit_reflist_free(struct shmkit_reflist *list)
{
	int err = errno;
	size_t i;

	if (list) {
		for (i = 0; i < list->n; i++)
			free(list->v[i].text);
		free(list->v);
		free(list->bad);
		free(list);
	}
	errno = err;
}

/* Appends a reference; takes @text over, and frees it on failure. */
static int push(struct shmkit_reflist *list, const struct shmkit_ref *ref, char *text,
		size_t line)
{
	struct shmkit_refent *v;

	if (list->n == list->cap) {
		v = reallocarray(list->v, list->cap ? list->cap * 2 : 16, sizeof(*v));
		if (!v) {
			free(text);
			return -ENOMEM;
		}
		list->v = v;
		list->cap = list->cap ? list->cap * 2 : 16;
	}
	list->v[list->n].ref = *ref;
	list->v[list->n].text = text;
	list->v[list->n].line = line;
	list->n++;
	return 0;
}

int shmkit_reflist_add(struct shmkit_reflist *list, const struct shmkit_ref *ref,
		       const char *text)
{
	char *copy = strdup(text);

	if (!copy)
		return -ENOMEM;
	return push(list, ref, copy, 0);
}

/* Blanks as isspace(3) has them in the C locale. */
static int is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Line @line, the @len bytes at @s with its newline if it has one; the
 * byte after a line without one must be writable. Leading spaces and tabs
 * go, trailing blanks of any kind, as getline(3) callers usually trim.
 */
static int take_line(struct shmkit_reflist *list, char *s, size_t len, size_t line,
		     struct shmkit_reflist_error *out)
{
	char *end = s + len, *e = end, *text;
	struct shmkit_ref ref;
	int rc;

	if (memchr(s, '\0', len)) {
		out->line = line;
		out->text = NULL;
		return -EILSEQ;
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && is_blank(e[-1]))
		e--;
	*e = '\0';
	if (*s == '\0' || *s == '#')
		return 0;
	text = strdup(s);
	if (!text)
		goto nomem;
	/* The line is not needed any more: decode it where it is. */
	rc = shmkit_ref_unescape(s);
	if (rc == 0)
		rc = shmkit_ref_parse(s, 0, &ref);
	if (rc == 0) {
		rc = push(list, &ref, text, line);
		if (rc < 0)
			goto nomem;
		return 0;
	}
	free(list->bad);
	list->bad = text;
	out->line = line;
	out->text = text;
	return rc;
nomem:
	out->line = 0;
	out->text = NULL;
	return -ENOMEM;
}

int shmkit_reflist_read(struct shmkit_reflist *list, int fd,
			struct shmkit_reflist_error *out)
{
	size_t cap = 4096, have = 0, start, line = 0;
	char *buf = malloc(cap), *nl, *nbuf;
	int rc = 0, err = buf ? 0 : ENOMEM;
	ssize_t got;

	while (!err) {
		/* One byte stays free behind the data, for a last line's NUL. */
		if (have + 1 == cap) {
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				err = ENOMEM;
				break;
			}
			buf = nbuf;
			cap *= 2;
		}
		got = read(fd, buf + have, cap - 1 - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err = got < 0 ? errno : 0;
			break;
		}
		have += (size_t)got;
		start = 0;
		while (rc == 0 && (nl = memchr(buf + start, '\n', have - start))) {
			rc = take_line(list, buf + start, (size_t)(nl - buf) + 1 - start, ++line, out);
			start = (size_t)(nl - buf) + 1;
		}
		if (rc < 0)
			break;
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	/* Input that ends without a newline, or at an error, ends a line too (getline(3)). */
	if (rc == 0 && have > 0 && err != ENOMEM)
		rc = take_line(list, buf, have, ++line, out);
	free(buf);
	if (rc == 0 && err) {
		out->line = 0;
		out->text = NULL;
		rc = -err;
	}
	return rc;
}

/* One entry of a list being sorted: where it is, so that equal ones keep their order. */
struct slot {
	struct shmkit_refent *e;
};

static int by_ref(const void *a, const void *b)
{
	const struct shmkit_refent *x = ((const struct slot *)a)->e;
	const struct shmkit_refent *y = ((const struct slot *)b)->e;
	int c = shmkit_ref_cmp(&x->ref, &y->ref);

	if (c)
		return c;
	return (x > y) - (x < y);	/* the earlier one first */
}

int shmkit_reflist_dedup(struct shmkit_reflist *list)
{
	struct slot *p;
	size_t i, k;

	if (list->n < 2)
		return 0;
	p = reallocarray(NULL, list->n, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (i = 0; i < list->n; i++)
		p[i].e = &list->v[i];
	qsort(p, list->n, sizeof(*p), by_ref);
	for (i = 1; i < list->n; i++) {
		if (shmkit_ref_cmp(&p[i - 1].e->ref, &p[i].e->ref) == 0) {
			free(p[i].e->text);
			p[i].e->text = NULL;	/* dropped */
		}
	}
	free(p);
	for (i = k = 0; i < list->n; i++)
		if (list->v[i].text)
			list->v[k++] = list->v[i];
	list->n = k;
	return 0;
}

size_t shmkit_reflist_all(const struct shmkit_reflist *list,
			  const struct shmkit_refent **out)
{
	*out = list->v;
	return list->n;
}
