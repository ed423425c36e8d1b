/* SPDX-License-Identifier: MIT */
/* fuzz_reflist.c: reference lists read one a line (shmkit_reflist_read, shmkit_reflist_dedup) must match a line-by-line model. */
#include <sys/mman.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "shmkit.h"
#include "fuzz.h"

/* What the list should hold: each line split, trimmed, decoded and parsed on its own. */
struct model {
	size_t n, line;		/* entries; the line refused, or 0 */
	int rc;
	char *bad;		/* the text of the line refused */
};

static int blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void check_line(const struct shmkit_refent *v, size_t nv, struct model *m,
		       const uint8_t *p, size_t len, size_t line)
{
	struct shmkit_ref ref;
	char *text, *s, *e, *dec;
	int rc;

	if (memchr(p, '\0', len)) {
		m->rc = -EILSEQ;
		m->line = line;
		return;
	}
	text = fuzz_string(p, len);
	for (s = text; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s + strlen(s); e > s && blank(e[-1]); e--)
		;
	*e = '\0';
	if (*s == '\0' || *s == '#') {
		free(text);
		return;
	}
	dec = strdup(s);
	if (!dec)
		abort();
	rc = shmkit_ref_unescape(dec);
	if (rc == 0)
		rc = shmkit_ref_parse(dec, 0, &ref);
	free(dec);
	if (rc < 0) {
		m->rc = rc;
		m->line = line;
		m->bad = strdup(s);
	} else {
		FUZZ_ASSERT(m->n < nv);
		FUZZ_ASSERT(v[m->n].line == line);
		FUZZ_ASSERT(strcmp(v[m->n].text, s) == 0);
		FUZZ_ASSERT(shmkit_ref_cmp(&v[m->n].ref, &ref) == 0);
		m->n++;
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct shmkit_reflist_error err = { 0 };
	const struct shmkit_refent *v, *d;
	struct model m = { 0 };
	struct shmkit_reflist *list;
	size_t nv, nd, i, j, start, line = 0;
	const uint8_t *nl;
	int rc;

	if (fd < 0)
		fd = memfd_create("fuzz_reflist", 0);
	if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0 || shmkit_reflist_new(&list) < 0)
		abort();
	rc = shmkit_reflist_read(list, fd, &err);
	nv = shmkit_reflist_all(list, &v);

	/* The model, line by line, up to the first line refused. */
	for (start = 0; start < size && m.rc == 0; start = (size_t)(nl - data) + 1) {
		nl = memchr(data + start, '\n', size - start);
		if (!nl)
			nl = data + size;
		check_line(v, nv, &m, data + start, (size_t)(nl - data) - start, ++line);
	}
	FUZZ_ASSERT(rc == m.rc);
	FUZZ_ASSERT(nv == m.n);
	if (rc < 0) {
		FUZZ_ASSERT(err.line == m.line && err.line > 0);
		FUZZ_ASSERT((rc == -EILSEQ) == (err.text == NULL));
		FUZZ_ASSERT(rc == -EILSEQ || (m.bad && strcmp(err.text, m.bad) == 0));
	}
	free(m.bad);

	/* Duplicates go, first ones stay, in order. */
	FUZZ_ASSERT(shmkit_reflist_dedup(list) == 0);
	nd = shmkit_reflist_all(list, &d);
	FUZZ_ASSERT(nd <= nv && (nd > 0) == (nv > 0));
	for (i = 0; i < nd; i++) {
		FUZZ_ASSERT(i == 0 || d[i].line > d[i - 1].line);
		if (nd <= 256)
			for (j = 0; j < i; j++)
				FUZZ_ASSERT(shmkit_ref_cmp(&d[i].ref, &d[j].ref) != 0);
	}
	shmkit_reflist_free(list);
	return 0;
}
