/* SPDX-License-Identifier: MIT */
/* check.h: the few macros the unit test programs share; no framework, TAP-like output. */
#ifndef SHMKIT_TEST_CHECK_H
#define SHMKIT_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shmkit.h"

/* Exit status that tells tests/lib.bats to skip (automake's convention). */
#define CHECK_SKIP 77

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Counters live behind a pointer so that a program which forks (seg.c drops
 * privilege in a child) can move them into a shared mapping.
 */
struct check_counts {
	unsigned long run;
	unsigned long failed;
};

static struct check_counts check_local_counts;
static struct check_counts *check_counts = &check_local_counts;

/* A symbolic name for a return code: "0", "-EINVAL", "-SHMKIT_ETOOSMALL". */
static inline const char *check_rc_name(long long rc, char *buf, size_t len)
{
	static const char *const shmkit_idnames[] = {
		"SHMKIT_EBASE", "SHMKIT_ESHMMAX", "SHMKIT_ESHMMIN",
		"SHMKIT_ESHMALL", "SHMKIT_ESHMMNI", "SHMKIT_ETOOSMALL",
		"SHMKIT_ENOTSHM", "SHMKIT_EPRIVATE", "SHMKIT_ENOFIT",
		"SHMKIT_EPASTEND", "SHMKIT_ESHRUNK", "SHMKIT_ENOHUGE",
	};
	const char *name = NULL;

	/* Codes added to shmkit.h after this table print as numbers, never past its end. */
	if (rc < 0 && -rc >= SHMKIT_EBASE &&
	    -rc - SHMKIT_EBASE < (long long)ARRAY_SIZE(shmkit_idnames))
		name = shmkit_idnames[-rc - SHMKIT_EBASE];
	else if (rc < 0 && -rc == SHMKIT_EEND)
		name = "SHMKIT_EEND";
	else if (rc < 0 && -rc < SHMKIT_EBASE)
		name = strerrorname_np((int)-rc);
	if (name)
		snprintf(buf, len, "-%s", name);
	else
		snprintf(buf, len, "%lld", rc);
	return buf;
}

static inline void check_report(int ok, const char *file, int line,
				const char *what, const char *detail)
{
	check_counts->run++;
	if (ok) {
		printf("ok %lu - %s\n", check_counts->run, what);
	} else {
		check_counts->failed++;
		printf("not ok %lu - %s\n#   %s:%d: %s\n", check_counts->run,
		       what, file, line, detail);
	}
	fflush(stdout);
}

/* Return codes: compared and printed symbolically. */
static inline int check_rc_at(const char *file, int line, long long got,
			      long long want, const char *what)
{
	char g[64], w[64], detail[200];

	snprintf(detail, sizeof(detail), "expected %s, got %s",
		 check_rc_name(want, w, sizeof(w)),
		 check_rc_name(got, g, sizeof(g)));
	check_report(got == want, file, line, what, detail);
	return got == want;
}

static inline int check_u64_at(const char *file, int line, uint64_t got,
			       uint64_t want, const char *what)
{
	char detail[200];

	snprintf(detail, sizeof(detail),
		 "expected %" PRIu64 " (0x%" PRIx64 "), got %" PRIu64
		 " (0x%" PRIx64 ")", want, want, got, got);
	check_report(got == want, file, line, what, detail);
	return got == want;
}

static inline int check_i64_at(const char *file, int line, int64_t got,
			       int64_t want, const char *what)
{
	char detail[200];

	snprintf(detail, sizeof(detail),
		 "expected %" PRId64 ", got %" PRId64, want, got);
	check_report(got == want, file, line, what, detail);
	return got == want;
}

static inline int check_str_at(const char *file, int line, const char *got,
			       const char *want, const char *what)
{
	char detail[700];
	int ok = got && want && strcmp(got, want) == 0;

	snprintf(detail, sizeof(detail), "expected \"%.300s\", got \"%.300s\"",
		 want ? want : "(null)", got ? got : "(null)");
	check_report(ok, file, line, what, detail);
	return ok;
}

static inline int check_true_at(const char *file, int line, int cond,
				const char *expr, const char *what)
{
	char detail[300];

	snprintf(detail, sizeof(detail), "expected true: %.280s", expr);
	check_report(cond, file, line, what, detail);
	return cond;
}

/*
 * Each macro takes a printf-style description after its values, so table
 * rows can say which row they are: CHECK_RC(rc, -EINVAL, "parse '%s'", s).
 * The value is evaluated first, so the description may name what it fills.
 */
#define CHECK_WHAT(...) \
	char check_what_[512]; \
	snprintf(check_what_, sizeof(check_what_), __VA_ARGS__)

#define CHECK_RC_AT(file, line, got, want, ...) __extension__ ({ \
	long long check_got_ = (long long)(got); \
	CHECK_WHAT(__VA_ARGS__); \
	check_rc_at(file, line, check_got_, (long long)(want), check_what_); })
#define CHECK_RC(got, want, ...) CHECK_RC_AT(__FILE__, __LINE__, got, want, __VA_ARGS__)

#define CHECK_U64_AT(file, line, got, want, ...) __extension__ ({ \
	uint64_t check_got_ = (uint64_t)(got); \
	CHECK_WHAT(__VA_ARGS__); \
	check_u64_at(file, line, check_got_, (uint64_t)(want), check_what_); })
#define CHECK_U64(got, want, ...) CHECK_U64_AT(__FILE__, __LINE__, got, want, __VA_ARGS__)

#define CHECK_I64_AT(file, line, got, want, ...) __extension__ ({ \
	int64_t check_got_ = (int64_t)(got); \
	CHECK_WHAT(__VA_ARGS__); \
	check_i64_at(file, line, check_got_, (int64_t)(want), check_what_); })
#define CHECK_I64(got, want, ...) CHECK_I64_AT(__FILE__, __LINE__, got, want, __VA_ARGS__)

#define CHECK_STR_AT(file, line, got, want, ...) __extension__ ({ \
	const char *check_got_ = (got); \
	CHECK_WHAT(__VA_ARGS__); \
	check_str_at(file, line, check_got_, want, check_what_); })
#define CHECK_STR(got, want, ...) CHECK_STR_AT(__FILE__, __LINE__, got, want, __VA_ARGS__)

#define CHECK_TRUE_AT(file, line, cond, ...) __extension__ ({ \
	int check_cond_ = !!(cond); \
	CHECK_WHAT(__VA_ARGS__); \
	check_true_at(file, line, check_cond_, #cond, check_what_); })
#define CHECK_TRUE(cond, ...) CHECK_TRUE_AT(__FILE__, __LINE__, cond, __VA_ARGS__)

/* Prints the plan and a summary; returns the exit status for main(). */
static inline int check_done(const char *prog)
{
	printf("1..%lu\n# %s: %lu checks, %lu failed\n", check_counts->run,
	       prog, check_counts->run, check_counts->failed);
	return check_counts->failed ? 1 : 0;
}

#endif /* SHMKIT_TEST_CHECK_H */
