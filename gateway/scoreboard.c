/*
 * scoreboard: the shared table and its seqlock. A slot is one page:
 *
 *	[ _Atomic seq | entry ... ]	seq odd while the child writes
 *
 * Pages only get memory once touched, and claims take the lowest free
 * slot, so the table costs what the busiest moment needed, however many
 * slots it has. C11 atomics on lock-free types work across processes on
 * one mapping; the fences pair the entry's bytes with seq.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "popgate/scoreboard.h"
#include "popgate/xmem.h"

#define SCOREBOARD_READ_TRIES	10000

struct scoreboard_slot {
	_Atomic uint32_t	seq;
	struct scoreboard_entry	entry;
};

struct scoreboard {
	unsigned char	*base;
	size_t		 page;		/* slot stride */
	size_t		 nslots;
	size_t		 used;
	unsigned char	*taken;		/* parent's own: one byte per slot */
};

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "seq must be lock-free to be "
    "shared between processes");

static struct scoreboard_slot *
slot_at(const struct scoreboard *sb, int slot)
{
	return (struct scoreboard_slot *)(void *)(sb->base +
	    (size_t)slot * sb->page);
}

struct scoreboard *
scoreboard_new(size_t nslots)
{
	struct scoreboard	*sb = NULL;
	long			 page = sysconf(_SC_PAGESIZE);
	void			*base = NULL;

	if (nslots == 0 || page <= 0 ||
	    (size_t)page < sizeof(struct scoreboard_slot) ||
	    nslots > (size_t)INT32_MAX / (size_t)page) {
		errno = EINVAL;
		return NULL;
	}
	base = mmap(NULL, nslots * (size_t)page, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		return NULL;
	}
	sb = xcalloc(1, sizeof(*sb));
	sb->base = base;
	sb->page = (size_t)page;
	sb->nslots = nslots;
	sb->taken = xcalloc(nslots, 1);
	return sb;
}

void
scoreboard_free(struct scoreboard *sb)
{
	if (sb == NULL) {
		return;
	}
	munmap(sb->base, sb->nslots * sb->page);
	free(sb->taken);
	free(sb);
}

size_t
scoreboard_slots(const struct scoreboard *sb)
{
	return sb->nslots;
}

size_t
scoreboard_used(const struct scoreboard *sb)
{
	return sb->used;
}

int
scoreboard_claim(struct scoreboard *sb)
{
	struct scoreboard_slot	*s = NULL;
	size_t			 i;

	for (i = 0; i < sb->nslots; i++) {
		if (!sb->taken[i]) {
			break;
		}
	}
	if (i == sb->nslots) {
		return -1;
	}
	/* Its last child is reaped: nobody else writes it now. */
	s = slot_at(sb, (int)i);
	atomic_store_explicit(&s->seq, 0, memory_order_relaxed);
	memset(&s->entry, 0, sizeof(s->entry));
	atomic_thread_fence(memory_order_release);
	sb->taken[i] = 1;
	sb->used++;
	return (int)i;
}

void
scoreboard_release(struct scoreboard *sb, int slot)
{
	if (slot < 0 || (size_t)slot >= sb->nslots || !sb->taken[slot]) {
		return;
	}
	sb->taken[slot] = 0;
	sb->used--;
}

int
scoreboard_read(const struct scoreboard *sb, int slot,
    struct scoreboard_entry *out)
{
	const struct scoreboard_slot	*s = NULL;
	uint32_t			 before, after;
	int				 i;

	memset(out, 0, sizeof(*out));
	if (slot < 0 || (size_t)slot >= sb->nslots) {
		return -1;
	}
	s = slot_at(sb, slot);
	for (i = 0; i < SCOREBOARD_READ_TRIES; i++) {
		before = atomic_load_explicit(&s->seq, memory_order_acquire);
		if ((before & 1) == 0) {
			memcpy(out, &s->entry, sizeof(*out));
			atomic_thread_fence(memory_order_acquire);
			after = atomic_load_explicit(&s->seq,
			    memory_order_relaxed);
			if (after == before) {
				out->user[SCOREBOARD_USER_LEN - 1] = '\0';
				return 0;
			}
		}
		sched_yield();
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

struct scoreboard_slot *
scoreboard_child(struct scoreboard *sb, int slot)
{
	struct scoreboard_slot	*s = NULL;
	size_t			 before, after;

	if (sb == NULL) {
		return NULL;
	}
	if (slot >= 0 && (size_t)slot < sb->nslots) {
		s = slot_at(sb, slot);
		before = (size_t)slot * sb->page;
		after = (sb->nslots - (size_t)slot - 1) * sb->page;
		if (before > 0) {
			munmap(sb->base, before);
		}
		if (after > 0) {
			munmap(sb->base + before + sb->page, after);
		}
	} else {
		munmap(sb->base, sb->nslots * sb->page);
	}
	free(sb->taken);
	free(sb);
	return s;
}

void
scoreboard_publish(struct scoreboard_slot *s, const struct scoreboard_entry *e)
{
	uint32_t	seq;

	if (s == NULL) {
		return;
	}
	seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	memcpy(&s->entry, e, sizeof(s->entry));
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}
