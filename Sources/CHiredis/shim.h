#ifndef LARDER_CHIREDIS_SHIM_H
#define LARDER_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>
#include <stdlib.h>
#include <string.h>

/*
 * A bump arena for hiredis reply objects.
 *
 * hiredis' default reader allocates every reply node and every string with malloc/calloc and
 * frees them one by one: about 18 allocations per 8-field HMGET reply, which dominates the cost
 * of a large online read. These reply functions build the same redisReply trees inside an arena
 * owned by one connection and released in one step once the replies of a request have been
 * decoded. Replies built this way must never be passed to freeReplyObject.
 *
 * Counts and lengths read from the wire never size an allocation by themselves: the arena refuses to
 * hand out more than `limit` bytes between two resets (hiredis then reports an out-of-memory error and
 * `exceeded` says why), and an array's element slots grow as its elements arrive instead of being
 * allocated for the count its header declares ("*2147483647\r\n" would otherwise take 16 GiB).
 */

#define LARDER_ARENA_CHUNK_SIZE ((size_t)64 * 1024)
/* The default bound on the reply objects of one pipeline. */
#define LARDER_ARENA_DEFAULT_LIMIT ((size_t)1 << 30)
/* Element slots allocated up front for an array, whatever count its header declares. */
#define LARDER_ARENA_FIRST_SLOTS ((size_t)64)

typedef struct larder_arena_chunk {
    struct larder_arena_chunk *next;
    size_t size;
    size_t used;
    size_t padding; /* keeps data 16-byte aligned */
    char data[];
} larder_arena_chunk;

typedef struct larder_arena {
    larder_arena_chunk *first;
    larder_arena_chunk *current;
    larder_arena_chunk *large; /* allocations too big for a chunk, freed on reset */
    size_t used;               /* bytes handed out since the last reset */
    size_t limit;              /* most bytes handed out between two resets */
    int exceeded;              /* an allocation was refused because of `limit` */
} larder_arena;

static inline larder_arena_chunk *larder_arena_new_chunk(size_t size) {
    larder_arena_chunk *chunk = (larder_arena_chunk *)malloc(sizeof(larder_arena_chunk) + size);
    if (chunk == NULL) return NULL;
    chunk->next = NULL;
    chunk->size = size;
    chunk->used = 0;
    return chunk;
}

static inline larder_arena *larder_arena_create(void) {
    larder_arena *arena = (larder_arena *)calloc(1, sizeof(larder_arena));
    if (arena == NULL) return NULL;
    arena->first = larder_arena_new_chunk(LARDER_ARENA_CHUNK_SIZE);
    if (arena->first == NULL) {
        free(arena);
        return NULL;
    }
    arena->current = arena->first;
    arena->limit = LARDER_ARENA_DEFAULT_LIMIT;
    return arena;
}

static inline void *larder_arena_alloc(larder_arena *arena, size_t size) {
    if (size > arena->limit - arena->used || ((size + 15) & ~(size_t)15) > arena->limit - arena->used) {
        arena->exceeded = 1;
        return NULL;
    }
    size = (size + 15) & ~(size_t)15;
    arena->used += size;
    larder_arena_chunk *chunk = arena->current;
    if (chunk->used + size <= chunk->size) {
        void *p = chunk->data + chunk->used;
        chunk->used += size;
        return p;
    }
    if (size > LARDER_ARENA_CHUNK_SIZE / 4) {
        larder_arena_chunk *big = larder_arena_new_chunk(size);
        if (big == NULL) return NULL;
        big->next = arena->large;
        arena->large = big;
        return big->data;
    }
    if (chunk->next == NULL) {
        chunk->next = larder_arena_new_chunk(LARDER_ARENA_CHUNK_SIZE);
        if (chunk->next == NULL) return NULL;
    }
    chunk = chunk->next;
    chunk->used = size;
    arena->current = chunk;
    return chunk->data;
}

/* Forgets every object; keeps the chunks for the next request. */
static inline void larder_arena_reset(larder_arena *arena) {
    for (larder_arena_chunk *c = arena->first; c != NULL; c = c->next) {
        c->used = 0;
        if (c == arena->current) break;
    }
    arena->current = arena->first;
    arena->used = 0;
    arena->exceeded = 0;
    while (arena->large != NULL) {
        larder_arena_chunk *next = arena->large->next;
        free(arena->large);
        arena->large = next;
    }
}

static inline void larder_arena_free(larder_arena *arena) {
    larder_arena_reset(arena);
    larder_arena_chunk *c = arena->first;
    while (c != NULL) {
        larder_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(arena);
}

/* The root read task carries the reader's privdata: the arena. */
static inline larder_arena *larder_task_arena(const redisReadTask *task) {
    while (task->parent != NULL) task = task->parent;
    return (larder_arena *)task->privdata;
}

/*
 * An array's allocated element slots are kept in its `len` (unused for arrays); they double as elements
 * arrive, up to the declared count, so memory follows the bytes received rather than the header.
 */
static inline int larder_arena_slot(larder_arena *arena, redisReply *parent, size_t index) {
    if (index < parent->len) return 1;
    if (index >= parent->elements) return 0;
    size_t slots = parent->len * 2;
    if (slots <= index) slots = index + 1;
    if (slots > parent->elements) slots = parent->elements;
    redisReply **grown = (redisReply **)larder_arena_alloc(arena, slots * sizeof(redisReply *));
    if (grown == NULL) return 0;
    memset(grown, 0, slots * sizeof(redisReply *));
    if (parent->len > 0) memcpy(grown, parent->element, parent->len * sizeof(redisReply *));
    parent->element = grown;
    parent->len = slots;
    return 1;
}

static inline redisReply *larder_arena_reply(const redisReadTask *task, int type) {
    larder_arena *arena = larder_task_arena(task);
    redisReply *reply = (redisReply *)larder_arena_alloc(arena, sizeof(redisReply));
    if (reply == NULL) return NULL;
    memset(reply, 0, sizeof(redisReply));
    reply->type = type;
    if (task->parent != NULL) {
        redisReply *parent = (redisReply *)task->parent->obj;
        if (task->idx < 0 || !larder_arena_slot(arena, parent, (size_t)task->idx)) return NULL;
        parent->element[task->idx] = reply;
    }
    return reply;
}

static inline void *larder_arena_create_string(const redisReadTask *task, char *str, size_t len) {
    redisReply *reply = larder_arena_reply(task, task->type);
    if (reply == NULL) return NULL;
    char *copy = (char *)larder_arena_alloc(larder_task_arena(task), len + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, str, len);
    copy[len] = '\0';
    reply->str = copy;
    reply->len = len;
    return reply;
}

static inline void *larder_arena_create_array(const redisReadTask *task, int elements) {
    redisReply *reply = larder_arena_reply(task, REDIS_REPLY_ARRAY);
    if (reply == NULL) return NULL;
    reply->elements = (size_t)(elements > 0 ? elements : 0);
    if (elements > 0) {
        size_t first = reply->elements < LARDER_ARENA_FIRST_SLOTS ? reply->elements : LARDER_ARENA_FIRST_SLOTS;
        if (!larder_arena_slot(larder_task_arena(task), reply, first - 1)) return NULL;
    }
    return reply;
}

static inline void *larder_arena_create_integer(const redisReadTask *task, long long value) {
    redisReply *reply = larder_arena_reply(task, REDIS_REPLY_INTEGER);
    if (reply == NULL) return NULL;
    reply->integer = value;
    return reply;
}

static inline void *larder_arena_create_nil(const redisReadTask *task) {
    return larder_arena_reply(task, REDIS_REPLY_NIL);
}

static inline void larder_arena_free_object(void *reply) {
    (void)reply; /* released with the arena */
}

static redisReplyObjectFunctions larder_arena_reply_functions = {
    larder_arena_create_string,
    larder_arena_create_array,
    larder_arena_create_integer,
    larder_arena_create_nil,
    larder_arena_free_object,
};

/* Makes the connection's reader build replies in `arena`. */
static inline void larder_use_reply_arena(redisContext *context, larder_arena *arena) {
    context->reader->fn = &larder_arena_reply_functions;
    context->reader->privdata = arena;
}

/* Bytes fed to `reader` and not yet parsed into replies (a reply still arriving). */
static inline size_t larder_reader_pending_bytes(const redisReader *reader) {
    return reader->len - reader->pos;
}

/* A reader (for bytes read elsewhere, e.g. from a NIO channel) that builds its replies in `arena`. */
static inline redisReader *larder_arena_reader_create(larder_arena *arena) {
    redisReader *reader = redisReaderCreateWithFunctions(&larder_arena_reply_functions);
    if (reader != NULL) reader->privdata = arena;
    return reader;
}

#endif
