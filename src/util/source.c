#include "util/source.h"

#include <string.h>

void source_init(source *src, arena *a, const char *name, const char *data,
                 size_t len)
{
    src->name = name;
    src->data = data;
    src->len = len;
    /* Lines average well over 16 bytes; grow in the rare case they don't. */
    size_t cap = len / 16 + 16, n = 0;
    uint32_t *starts = arena_alloc(a, sizeof(uint32_t) * cap);
    starts[n++] = 0;
    for (const char *p = data, *end = data + len;
         (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
        if (n == cap) {
            starts = arena_grow(a, starts, n, cap * 2, sizeof(uint32_t));
            cap *= 2;
        }
        starts[n++] = (uint32_t)(p - data + 1);
    }
    src->line_starts = starts;
    src->nlines = (uint32_t)n;
}

uint32_t source_line_of(const source *src, size_t offset)
{
    uint32_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (src->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

src_pos source_position(const source *src, size_t offset)
{
    if (offset > src->len)
        offset = src->len;
    uint32_t line = source_line_of(src, offset);
    uint32_t col = 1;
    for (size_t i = src->line_starts[line - 1]; i < offset; i++)
        if (((unsigned char)src->data[i] & 0xC0) != 0x80)
            col++;
    /* A UTF-8 byte-order mark is not a column. */
    if (line == 1 && offset >= 3 && src->len >= 3 &&
        memcmp(src->data, "\xEF\xBB\xBF", 3) == 0)
        col--;
    return (src_pos){line, col};
}

const char *source_line_text(const source *src, uint32_t line, size_t *len)
{
    if (line == 0 || line > src->nlines) {
        *len = 0;
        return "";
    }
    size_t start = src->line_starts[line - 1];
    size_t end = line < src->nlines ? src->line_starts[line] : src->len;
    while (end > start &&
           (src->data[end - 1] == '\n' || src->data[end - 1] == '\r'))
        end--;
    *len = end - start;
    return src->data + start;
}

void srcmap_add(srcmap *m, arena *a, size_t dst, size_t src)
{
    if (m->n) {
        const srcmap_seg *last = &m->segs[m->n - 1];
        if (dst >= last->dst && src == last->src + (dst - last->dst))
            return;
        if (last->dst == dst) {
            m->segs[m->n - 1].src = (uint32_t)src;
            return;
        }
    }
    srcmap_seg *s = ARENA_PUSH(a, m->segs, m->n, m->cap);
    s->dst = (uint32_t)dst;
    s->src = (uint32_t)src;
}

/* Index of the last segment of [lo, hi) that starts at or before `dst`
 * (lo when none does), given that segment hi, if any, starts after it. */
static size_t seg_search(const srcmap *m, size_t lo, size_t hi, size_t dst)
{
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->segs[mid].dst <= dst)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static size_t seg_translate(const srcmap_seg *s, size_t dst)
{
    if (dst < s->dst)
        return s->src;
    return s->src + (dst - s->dst);
}

size_t srcmap_lookup(const srcmap *m, size_t dst)
{
    if (!m || !m->n)
        return dst;
    if (m->n == 1) /* the common case: one contiguous piece */
        return seg_translate(&m->segs[0], dst);
    return seg_translate(&m->segs[seg_search(m, 0, m->n, dst)], dst);
}

/* Segments walked one by one from the hint before falling back to a
 * binary search: offsets usually move to the same or the next segment. */
#define HINT_STEPS 4

size_t srcmap_lookup_hint(const srcmap *m, size_t dst, size_t *hint)
{
    if (!m || !m->n)
        return dst;
    size_t i = *hint < m->n ? *hint : 0;
    if (m->segs[i].dst > dst) {
        /* Behind the hint: the answer is before it. */
        i = i ? seg_search(m, 0, i, dst) : 0;
    } else {
        size_t steps = 0;
        while (i + 1 < m->n && m->segs[i + 1].dst <= dst) {
            if (++steps > HINT_STEPS) {
                i = seg_search(m, i + 1, m->n, dst);
                break;
            }
            i++;
        }
    }
    *hint = i;
    return seg_translate(&m->segs[i], dst);
}

srcmap *srcmap_compose(arena *a, const srcmap *inner, size_t inner_len,
                       const srcmap *outer)
{
    srcmap *r = ARENA_NEW(a, srcmap);
    size_t nin = inner && inner->n ? inner->n : 1;
    size_t hint = 0; /* inner segments mostly walk the outer map forward */
    for (size_t i = 0; i < nin; i++) {
        size_t d0 = inner && inner->n ? inner->segs[i].dst : 0;
        size_t s0 = inner && inner->n ? inner->segs[i].src : 0;
        size_t d1 = (inner && i + 1 < inner->n) ? inner->segs[i + 1].dst
                                                  : inner_len;
        /* Walk the outer segments that this inner segment spans. */
        size_t d = d0;
        while (d < d1 || d == d0) {
            size_t s = s0 + (d - d0);
            srcmap_add(r, a, d, srcmap_lookup_hint(outer, s, &hint));
            if (!outer || !outer->n)
                break;
            /* The next outer segment begins after s: the one after the
             * segment found, or the first when s is before them all. */
            size_t next = outer->segs[hint].dst <= s ? hint + 1 : 0;
            if (next >= outer->n)
                break;
            size_t next_outer = outer->segs[next].dst;
            size_t nd = d + (next_outer - s);
            if (nd >= d1)
                break;
            d = nd;
        }
    }
    return r;
}
