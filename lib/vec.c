/* SPDX-License-Identifier: MIT */
/* vec.c: a growable array of snapshots, handed out as the public array plus count. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct shmkit_info *shmkit__vec_push(struct shmkit__vec *vec)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		struct shmkit_info *v = reallocarray(vec->v, cap, sizeof(*v));

		if (!v)
			return NULL;
		vec->v = v;
		vec->cap = cap;
	}
	memset(&vec->v[vec->n], 0, sizeof(vec->v[0]));
	return &vec->v[vec->n++];
}
