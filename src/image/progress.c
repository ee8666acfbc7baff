#include "image/progress.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

/* Redraws a second: a few, so a terminal over a slow link keeps up. */
#define PROGRESS_INTERVAL_MS 250
/* Most layer lines drawn at once (more threads than that is rare). */
#define PROGRESS_MAX_LINES 16

struct progress_layer {
    progress_layer *next;      /* in flight, in the order they started */
    int index;
    char name[64];
    int64_t size;
    atomic_uint_fast64_t done;
    double start;
};

struct progress {
    FILE *out;
    char name[64];
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool stop;
    progress_layer *layers;
    size_t nlayers, ndone;
    atomic_uint_fast64_t input;
    int drawn;                 /* lines on the screen now */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* `s` for a terminal line: printable ASCII only, the end kept when it is
 * too long (what tells digests and member paths apart). */
static void shown(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    const char *from = s;
    if (n >= cap)
        from = s + n - (cap - 4);
    size_t k = 0;
    if (from != s) {
        memcpy(out, "...", 3);
        k = 3;
    }
    for (; *from && k + 1 < cap; from++)
        out[k++] = (unsigned char)*from >= 0x20 && (unsigned char)*from < 0x7f
                       ? *from
                       : '?';
    out[k] = '\0';
}

static void size_text(strbuf *sb, uint64_t n)
{
    if (n >= (1ull << 30))
        sb_printf(sb, "%.2f GiB", (double)n / (double)(1ull << 30));
    else if (n >= (1u << 20))
        sb_printf(sb, "%.1f MiB", (double)n / (double)(1u << 20));
    else
        sb_printf(sb, "%.0f KiB", (double)n / 1024.0);
}

static int columns(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        return ws.ws_col;
    return 80;
}

/* Move to the first line drawn and clear from there down. */
static void erase(progress *p, strbuf *sb)
{
    if (p->drawn > 1)
        sb_printf(sb, "\033[%dA", p->drawn - 1);
    if (p->drawn)
        sb_printf(sb, "\r\033[J");
    p->drawn = 0;
}

/* One line, cut to the terminal's width (a line that wraps would throw
 * the redrawing off). */
static void line(progress *p, strbuf *sb, const strbuf *text, int width)
{
    if (p->drawn)
        sb_printf(sb, "\n");
    size_t n = text->len < (size_t)width - 1 ? text->len : (size_t)width - 1;
    sb_append(sb, text->data, n);
    p->drawn++;
}

/* With the lock held. */
static void draw(progress *p)
{
    strbuf sb, t;
    sb_init(&sb);
    sb_init(&t);
    int width = columns(p->out);
    erase(p, &sb);
    sb_printf(&t, "bosun image %s: ", p->name);
    if (p->nlayers)
        sb_printf(&t, "%zu of %zu layers done", p->ndone, p->nlayers);
    else
        sb_printf(&t, "%zu layer%s done", p->ndone, p->ndone == 1 ? "" : "s");
    uint64_t input = atomic_load(&p->input);
    if (input) {
        sb_printf(&t, ", ");
        size_text(&t, input);
        sb_printf(&t, " read");
    }
    line(p, &sb, &t, width);
    double at = now();
    int lines = 0;
    for (progress_layer *l = p->layers; l && lines < PROGRESS_MAX_LINES;
         l = l->next, lines++) {
        uint64_t done = atomic_load(&l->done);
        sb_reset(&t);
        if (l->index >= 0)
            sb_printf(&t, "  layer %d %s  ", l->index, l->name);
        else
            sb_printf(&t, "  %s  ", l->name);
        size_text(&t, done);
        if (l->size >= 0) {
            sb_printf(&t, " of ");
            size_text(&t, (uint64_t)l->size);
        }
        double secs = at - l->start;
        if (secs > 0.2) {
            sb_printf(&t, "  ");
            size_text(&t, (uint64_t)((double)done / secs));
            sb_printf(&t, "/s");
        }
        line(p, &sb, &t, width);
    }
    fwrite(sb.data, 1, sb.len, p->out);
    fflush(p->out);
    sb_free(&sb);
    sb_free(&t);
}

static void *ticker(void *arg)
{
    progress *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += PROGRESS_INTERVAL_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        while (!p->stop &&
               pthread_cond_timedwait(&p->wake, &p->lock, &ts) == 0)
            ;
        if (p->stop)
            break;
        draw(p);
    }
    if (p->drawn) {
        strbuf sb;
        sb_init(&sb);
        erase(p, &sb);
        fwrite(sb.data, 1, sb.len, p->out);
        fflush(p->out);
        sb_free(&sb);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

progress *progress_new(FILE *out, const char *name)
{
    if (!out)
        return NULL;
    progress *p = xcalloc(1, sizeof(*p));
    p->out = out;
    shown(p->name, sizeof(p->name), name ? name : "");
    atomic_init(&p->input, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (pthread_create(&p->thread, NULL, ticker, p) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void progress_free(progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    while (p->layers) {
        progress_layer *l = p->layers;
        p->layers = l->next;
        free(l);
    }
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void progress_set_layers(progress *p, size_t n)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->nlayers = n;
    pthread_mutex_unlock(&p->lock);
}

void progress_input(progress *p, uint64_t bytes)
{
    if (p)
        atomic_store_explicit(&p->input, bytes, memory_order_relaxed);
}

progress_layer *progress_begin(progress *p, int index, const char *name,
                               int64_t size)
{
    if (!p)
        return NULL;
    progress_layer *l = xcalloc(1, sizeof(*l));
    l->index = index;
    /* A digest by its first 12 digits, as docker shows it. */
    const char *colon = name ? strchr(name, ':') : NULL;
    if (colon && strlen(colon + 1) >= 12 && !strchr(name, '/'))
        snprintf(l->name, sizeof(l->name), "%.*s%.12s", (int)(colon - name + 1),
                 name, colon + 1);
    else
        shown(l->name, sizeof(l->name), name ? name : "");
    l->size = size;
    atomic_init(&l->done, 0);
    l->start = now();
    pthread_mutex_lock(&p->lock);
    progress_layer **tail = &p->layers;
    while (*tail)
        tail = &(*tail)->next;
    *tail = l;
    pthread_mutex_unlock(&p->lock);
    return l;
}

void progress_advance(progress_layer *l, uint64_t bytes)
{
    if (l)
        atomic_fetch_add_explicit(&l->done, bytes, memory_order_relaxed);
}

void progress_end(progress *p, progress_layer *l)
{
    if (!p || !l)
        return;
    pthread_mutex_lock(&p->lock);
    for (progress_layer **at = &p->layers; *at; at = &(*at)->next)
        if (*at == l) {
            *at = l->next;
            break;
        }
    p->ndone++;
    pthread_mutex_unlock(&p->lock);
    free(l);
}
