/*
 * The compiler-style formats, for people and editors:
 *
 *   Dockerfile:7:52: error: piping into python3 ... [pipe-to-shell]
 *       7 | RUN curl -sSL https://install.example.com | python3 -
 *         |                                            ^~~~~~~
 *
 * `tty` adds colour; `plain` is the same text without it. Everything that
 * comes from the input is sanitised: a Dockerfile must not be able to send
 * escape sequences to the terminal of whoever lints it.
 */
#include <string.h>

#include "report/report.h"
#include "util/utf8.h"

/* Lines longer than this (in columns) are shown as a window around the
 * token. */
#define SHOWN_COLUMNS 160
#define CONTEXT_BEFORE 60

typedef struct style {
    const char *bold, *reset, *severity, *gutter;
} style;

static const char *severity_color(bosun_severity s)
{
    switch (s) {
    case BOSUN_ERROR: return "\033[1;31m";
    case BOSUN_WARNING: return "\033[1;33m";
    case BOSUN_INFO: return "\033[1;36m";
    }
    return "";
}

/* A column is a code point, as finding positions count them: every byte
 * that is not a UTF-8 continuation byte starts one. */
static bool starts_column(unsigned char c)
{
    return (c & 0xC0) != 0x80;
}

/* Writes one column's bytes as something safe to show: control characters
 * become '?', bytes that are not UTF-8 become U+FFFD. */
static void put_column(FILE *out, const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == '\t') {
        fputc('\t', out);
    } else if (c < 0x20 || c == 0x7F) {
        fputc('?', out);
    } else if (utf8_valid_len(s, n) != n) {
        fputs(UTF8_REPLACEMENT, out);
    } else if (n == 2 && c == 0xC2 && (unsigned char)s[1] < 0xA0) {
        fputc('?', out); /* C1 controls: some terminals obey them */
    } else {
        fwrite(s, 1, n, out);
    }
}

/* Length of the column that starts at s[0]. */
static size_t column_len(const char *s, size_t avail)
{
    size_t n = 1;
    while (n < avail && !starts_column((unsigned char)s[n]))
        n++;
    return n;
}

/* A message or name on one line: tabs and line breaks become spaces. */
void report_put_text(FILE *out, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = column_len(s + i, n - i);
        if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            fputc(' ', out);
        else
            put_column(out, s + i, k);
        i += k;
    }
}

static void put_location(FILE *out, const bosun_finding *f)
{
    report_put_text(out, f->file);
    if (f->line)
        fprintf(out, ":%u:%u", f->line, f->column);
    if (f->layer_index >= 0)
        fprintf(out, ":layer %d", f->layer_index);
    else if (f->history_index >= 0 && !f->line)
        fprintf(out, ":history %d", f->history_index);
    if (f->path) {
        fputc(':', out);
        report_put_text(out, f->path);
    }
    fputc(':', out);
}

/*
 * The source line and a caret under the token:
 *
 *       7 | RUN curl ... | python3 -
 *         |                ^~~~~~~
 *
 * Tabs are repeated in the caret line so the caret lines up whatever the
 * terminal's tab stops.
 */
static void put_excerpt(FILE *out, const bosun_finding *f, const style *st)
{
    const char *line = f->source_line;
    size_t len = strlen(line);
    unsigned first = f->column ? f->column : 1;
    unsigned last = f->end_column > first ? f->end_column : first + 1;

    unsigned ncols = 0;
    for (size_t i = 0; i < len; i++)
        ncols += starts_column((unsigned char)line[i]);
    unsigned from = 1, to = ncols + 1; /* columns shown: [from, to) */
    if (ncols > SHOWN_COLUMNS) {
        from = first > CONTEXT_BEFORE ? first - CONTEXT_BEFORE : 1;
        to = from + SHOWN_COLUMNS <= ncols ? from + SHOWN_COLUMNS : ncols + 1;
    }
    bool cut_before = from > 1, cut_after = to <= ncols;

    if (f->end_line > f->line) /* the token goes on: to the end of the line */
        last = ncols + 1 > first ? ncols + 1 : first + 1;
    fprintf(out, "%s%6u |%s ", st->gutter, f->line, st->reset);
    if (cut_before)
        fputs("...", out);
    unsigned col = 1;
    for (size_t i = 0; i < len; col++) {
        size_t k = column_len(line + i, len - i);
        if (col >= from && col < to)
            put_column(out, line + i, k);
        i += k;
    }
    if (cut_after)
        fputs("...", out);
    fputc('\n', out);

    fprintf(out, "%s%6s |%s ", st->gutter, "", st->reset);
    if (cut_before)
        fputs("   ", out);
    col = 1;
    for (size_t i = 0; i < len && col < first && col < to; col++) {
        size_t k = column_len(line + i, len - i);
        if (col >= from)
            fputc(line[i] == '\t' ? '\t' : ' ', out);
        i += k;
    }
    for (; col < first; col++)
        fputc(' ', out); /* the token starts past the end of the line */
    fputs(st->severity, out);
    fputc('^', out);
    for (unsigned c = first + 1; c < last && c < to; c++)
        fputc('~', out);
    fprintf(out, "%s\n", st->reset);
}

bool report_write_plain(const bosun_report *r, FILE *out, bool color)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const bosun_finding *f = &r->findings[i];
        if (f->suppressed)
            continue; /* accepted: counted in the summary line only */
        style st = {"", "", "", ""};
        if (color)
            st = (style){"\033[1m", "\033[0m", severity_color(f->severity),
                         "\033[34m"};
        fputs(st.bold, out);
        put_location(out, f);
        fprintf(out, "%s %s%s%s: ", st.reset, st.severity,
                bosun_severity_name(f->severity), st.reset);
        report_put_text(out, f->message);
        fprintf(out, " [%s]\n", f->rule);
        if (f->source_line && f->line)
            put_excerpt(out, f, &st);
    }
    return !ferror(out);
}
