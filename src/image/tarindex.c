#include "image/tarindex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 512
/* pax records and GNU long names longer than this are refused. */
#define MAX_EXTENDED (64u * 1024)

void tar_path_normalise(char *path)
{
    char *out = path;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
            p++;
            continue;
        }
        if (!*p)
            break;
        if (out != path)
            *out++ = '/';
        while (*p && *p != '/')
            *out++ = *p++;
    }
    *out = '\0';
}

static bool read_exact(int fd, void *buf, size_t len, uint64_t off)
{
    char *b = buf;
    while (len) {
        ssize_t n = pread(fd, b, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        b += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

/* An octal field (NUL or space terminated), or GNU's base-256 form. */
static bool parse_number(const unsigned char *f, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        if (f[0] != 0x80)
            return false; /* negative */
        for (size_t i = 1; i < len; i++) {
            if (v >> 56)
                return false;
            v = (v << 8) | f[i];
        }
        *out = v;
        return true;
    }
    size_t i = 0;
    while (i < len && f[i] == ' ')
        i++;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v >> 60)
            return false;
        v = (v << 3) | (uint64_t)(f[i] - '0');
    }
    if (i < len && f[i] != '\0' && f[i] != ' ')
        return false;
    *out = v;
    return true;
}

static bool checksum_ok(const unsigned char *h)
{
    uint64_t want;
    if (!parse_number(h + 148, 8, &want))
        return false;
    unsigned long sum_u = 0;
    long sum_s = 0;
    for (size_t i = 0; i < BLOCK; i++) {
        unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
        sum_u += c;
        sum_s += (signed char)c;
    }
    return want == sum_u || (long)want == sum_s;
}

static bool all_zero(const unsigned char *h)
{
    for (size_t i = 0; i < BLOCK; i++)
        if (h[i])
            return false;
    return true;
}

static char *field_string(arena *a, const unsigned char *f, size_t len)
{
    size_t n = strnlen((const char *)f, len);
    return arena_strndup(a, (const char *)f, n);
}

/* pax records: "<len> <key>=<value>\n" ... */
static void parse_pax(arena *a, const char *data, size_t len, char **path,
                      char **link, uint64_t *size, bool *has_size)
{
    size_t i = 0;
    while (i < len) {
        size_t rec = 0, j = i;
        while (j < len && data[j] >= '0' && data[j] <= '9' && rec < len)
            rec = rec * 10 + (size_t)(data[j++] - '0');
        /* A record holds at least its length, a space and a newline. */
        if (j >= len || data[j] != ' ' || rec < j - i + 2 || rec > len - i)
            return;
        const char *kv = data + j + 1;
        const char *end = data + i + rec - 1; /* the '\n' */
        const char *eq = memchr(kv, '=', (size_t)(end - kv));
        if (eq && *end == '\n') {
            size_t klen = (size_t)(eq - kv);
            const char *v = eq + 1;
            size_t vlen = (size_t)(end - v);
            if (klen == 4 && memcmp(kv, "path", 4) == 0)
                *path = arena_strndup(a, v, vlen);
            else if (klen == 8 && memcmp(kv, "linkpath", 8) == 0)
                *link = arena_strndup(a, v, vlen);
            else if (klen == 4 && memcmp(kv, "size", 4) == 0) {
                uint64_t s = 0;
                bool ok = vlen > 0 && vlen < 20;
                for (size_t k = 0; ok && k < vlen; k++) {
                    ok = v[k] >= '0' && v[k] <= '9';
                    s = s * 10 + (uint64_t)(v[k] - '0');
                }
                if (ok) {
                    *size = s;
                    *has_size = true;
                }
            }
        }
        i += rec;
    }
}

static int compare_members(const void *pa, const void *pb)
{
    const tar_member *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Read an extended header's body (pax or GNU long name). */
static char *read_extended(arena *a, int fd, uint64_t off, uint64_t len,
                           const char **err)
{
    if (len > MAX_EXTENDED) {
        *err = "tar extended header too large";
        return NULL;
    }
    char *buf = arena_alloc(a, (size_t)len + 1);
    if (!read_exact(fd, buf, (size_t)len, off)) {
        *err = "truncated archive";
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

bool tar_index_build(arena *a, int fd, uint64_t size, tar_index *out,
                     const char **err)
{
    tar_member *members = NULL;
    size_t n = 0, cap = 0;
    char *pending_path = NULL, *pending_link = NULL;
    uint64_t pending_size = 0;
    bool pending_has_size = false;
    uint64_t off = 0;
    unsigned char h[BLOCK];

    for (;;) {
        if (off + BLOCK > size) {
            if (n == 0) {
                *err = "not a tar archive";
                return false;
            }
            break; /* no end-of-archive blocks: accept what was read */
        }
        if (!read_exact(fd, h, BLOCK, off)) {
            *err = "cannot read the archive";
            return false;
        }
        if (all_zero(h))
            break;
        if (!checksum_ok(h)) {
            *err = n == 0 ? "not a tar archive" : "corrupt tar header";
            return false;
        }
        uint64_t msize;
        if (!parse_number(h + 124, 12, &msize)) {
            *err = "corrupt tar header (size)";
            return false;
        }
        char type = h[156] ? (char)h[156] : '0';
        if (type == '1' || type == '2' || type == '3' || type == '4' ||
            type == '5' || type == '6')
            msize = 0;
        if (pending_has_size && type != 'x' && type != 'L' && type != 'K')
            msize = pending_size;
        uint64_t data = off + BLOCK;
        if (msize > size || data > size - msize) {
            *err = "truncated archive: a member reaches past the end of "
                   "the file";
            return false;
        }
        uint64_t next = data + ((msize + BLOCK - 1) / BLOCK) * BLOCK;

        if (type == 'x' || type == 'L' || type == 'K') {
            char *body = read_extended(a, fd, data, msize, err);
            if (!body)
                return false;
            if (type == 'x')
                parse_pax(a, body, (size_t)msize, &pending_path, &pending_link,
                          &pending_size, &pending_has_size);
            else if (type == 'L')
                pending_path = body;
            else
                pending_link = body;
            off = next;
            continue;
        }
        if (type != 'g') {
            if (n == TAR_INDEX_MAX_MEMBERS) {
                *err = "too many members in the archive";
                return false;
            }
            tar_member *m = ARENA_PUSH(a, members, n, cap);
            char *name = pending_path;
            if (!name) {
                char *base = field_string(a, h, 100);
                if (memcmp(h + 257, "ustar\0", 6) == 0 && h[345])
                    name = arena_printf(a, "%s/%s",
                                        field_string(a, h + 345, 155), base);
                else
                    name = base;
            }
            tar_path_normalise(name);
            m->name = name;
            if (pending_link)
                m->link = pending_link;
            else if (type == '1' || type == '2')
                m->link = field_string(a, h + 157, 100);
            else
                m->link = NULL;
            m->type = type;
            m->offset = data;
            m->size = msize;
            m->order = n - 1;
        }
        pending_path = pending_link = NULL;
        pending_has_size = false;
        off = next;
    }
    if (n > 1)
        qsort(members, n, sizeof(*members), compare_members);
    out->members = members;
    out->n = n;
    return true;
}

/* The last member named `name` (later members replace earlier ones). */
static const tar_member *lookup(const tar_index *ix, const char *name)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->members[mid].name, name) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && strcmp(ix->members[lo - 1].name, name) == 0)
        return &ix->members[lo - 1];
    return NULL;
}

/* `target` of a symlink in the directory of `from`, resolved lexically;
 * false when it leaves the archive. */
static bool resolve_link(const char *from, const char *target, char *out,
                         size_t cap)
{
    char buf[4096];
    const char *slash = strrchr(from, '/');
    int n = target[0] == '/' ? snprintf(buf, sizeof(buf), "%s", target)
            : slash ? snprintf(buf, sizeof(buf), "%.*s/%s",
                               (int)(slash - from), from, target)
                    : snprintf(buf, sizeof(buf), "%s", target);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return false;
    /* Apply "." and ".." component by component. */
    size_t len = 0;
    out[0] = '\0';
    for (char *save = NULL, *c = strtok_r(buf, "/", &save); c;
         c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (len == 0)
                return false;
            char *up = strrchr(out, '/');
            len = up ? (size_t)(up - out) : 0;
            out[len] = '\0';
            continue;
        }
        size_t k = strlen(c);
        if (len + k + 2 > cap)
            return false;
        if (len)
            out[len++] = '/';
        memcpy(out + len, c, k + 1);
        len += k;
    }
    return len > 0;
}

const tar_member *tar_index_find(const tar_index *ix, const char *name)
{
    char path[4096];
    if (snprintf(path, sizeof(path), "%s", name) >= (int)sizeof(path))
        return NULL;
    tar_path_normalise(path);
    for (int depth = 0; depth < 16; depth++) {
        const tar_member *m = lookup(ix, path);
        if (!m)
            return NULL;
        if (m->type == '2' && m->link) {
            char next[4096];
            if (!resolve_link(m->name, m->link, next, sizeof(next)))
                return NULL;
            memcpy(path, next, strlen(next) + 1);
            continue;
        }
        if (m->type == '1' && m->link) {
            if (snprintf(path, sizeof(path), "%s", m->link) >=
                (int)sizeof(path))
                return NULL;
            tar_path_normalise(path);
            continue;
        }
        return (m->type == '0' || m->type == '7') ? m : NULL;
    }
    return NULL;
}
