/*
 * Internals of the shell front end, shared by its source files:
 *
 *   lexer.c     characters, quoting, words and the expansions inside them
 *   parser.c    the grammar: lists, pipelines, compound commands,
 *               here-documents, nested scripts
 *   commands.c  command nodes, the flat command list, the public entry points
 *   wrappers.c  wrappers seen through (sudo, env, xargs ...) and the strings
 *               that run as scripts (sh -c, su -c, eval ...)
 *
 * The parser reads one text at a time (the script, the inside of a backquote,
 * a `sh -c` string ...) and recurses on substitutions. Commands are built as
 * nodes of a tree: a command's children are the commands nested in its words,
 * its here-documents and its script strings. The tree is flattened in
 * pre-order at the end, which puts nested commands right after their holder.
 */
#ifndef BOSUN_SHELL_SHELL_INTERNAL_H
#define BOSUN_SHELL_SHELL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell.h"
#include "util/strbuf.h"

/* Recursion budget of the parser: compound commands, substitutions, quotes
 * and nested scripts all count. Deeper input is a syntax error. */
#define SH_MAX_NEST 200
#define SH_DEFAULT_MAX_DEPTH 32
/* Budgets, as multiples of the input size (plus a floor). */
#define SH_BUDGET_FACTOR 4
#define SH_BUDGET_FLOOR 65536

/* Context flags a nested command inherits from where it appears. */
#define SH_CTX_INHERIT (~(unsigned)(SHC_BACKGROUND | SHC_NEGATED))

typedef struct cmd_node cmd_node;

/* Where the bytes of a word's value come from, for parsing the value as a
 * script: value offset -> offset in the text the word was read from. */
typedef struct word_src {
    uint32_t text_off;   /* text offset of the word's first byte           */
    const srcmap *vmap;  /* NULL: value byte i is text byte text_off + i   */
} word_src;

struct cmd_node {
    sh_command cmd;      /* first member: a cmd_node * is an sh_command *  */
    cmd_node *next;      /* next sibling (same list)                       */
    cmd_node *first_child, *last_child;
    uint32_t origin;     /* holder's text offset of what produced it; keeps
                            children in source order                       */
    /* While the command is being completed: its words are items from
     * P->items[item_base], and once listed (see sh_arg_src) argv[i]'s
     * word_src is P->srcs[src_base + i]. (32 bits, like text offsets: it
     * fits the padding, and 4G items would take hundreds of GB.) */
    uint32_t item_base;
    size_t src_base;
    bool stdin_shell;    /* runs a shell that reads its script from stdin  */
};

/* A read word: the public part plus where its value came from. */
typedef struct lexed_word {
    sh_word w;
    word_src src;
    uint32_t text_end;
} lexed_word;

/* A here-document, from its operator until its body is read and handed to
 * the command that holds it. */
typedef struct heredoc {
    const char *delim;
    size_t delim_len;
    uint32_t op_off;       /* text offset of the operator (errors)          */
    int fd;
    bool strip_tabs;
    bool expands;
    /* The simple command holding it (NULL for a compound command's
     * redirection) and the context to give commands found in the body. */
    cmd_node *node;
    size_t redir_index;
    bool has_node, node_done;
    unsigned ctx;
    uint16_t depth;
    /* The body, once read: [body_start, body_end) of the text. */
    bool read;
    uint32_t body_start, body_end;
    const char *body;
    size_t body_len;
    uint32_t body_off;
} heredoc;

/* One word or redirection of the simple command being read. */
typedef enum item_kind { ITEM_ARG, ITEM_ASSIGN, ITEM_REDIR } item_kind;

typedef struct sh_item {
    item_kind kind;
    lexed_word lw;         /* the word, or the redirection target          */
    int fd;
    sh_redir_op op;
    heredoc *hd;
    uint32_t op_off;       /* text offset where a redirection starts       */
} sh_item;

/* The commands of one text or substitution, in order, and who holds them. */
typedef struct sh_level {
    cmd_node *head, *tail;
    cmd_node *holder;      /* parent of the commands of this level          */
    int holder_word;
    size_t hd_base;        /* its pending here-documents start here         */
} sh_level;

/* Stacks reused for the whole parse: they start in the parser itself and
 * move to the heap when they outgrow it. */
#define SH_STACK(type, inline_n)                                              \
    struct {                                                                  \
        type *v;                                                              \
        size_t n, cap;                                                        \
        bool heap;                                                            \
        type first[inline_n];                                                 \
    }
#define SH_STACK_INIT(stack)                                                  \
    ((stack).v = (stack).first, (stack).n = 0,                                \
     (stack).cap = sizeof((stack).first) / sizeof((stack).first[0]),          \
     (stack).heap = false)
#define SH_STACK_FREE(stack) ((stack).heap ? free((stack).v) : (void)0)

/* Where the last source lookup of the text landed. Words are read in
 * order, so the next lookup is usually in the same map segment: a range
 * check instead of a search (see sh_src). */
typedef struct map_cursor {
    size_t seg;          /* index of the segment, a hint for the next search */
    size_t lo, hi;       /* the text offsets [lo, hi) the segment covers     */
    size_t src;          /* the source offset of lo                          */
} map_cursor;

typedef struct sh_parser {
    arena *a;
    sh_resolve_fn resolve;
    void *resolve_ctx;
    unsigned max_depth;
    bool bash;

    /* The text being read: s[0..end), current position pos, mapped to
     * source offsets through map. */
    const char *s;
    size_t end;
    size_t pos;
    const srcmap *map;
    map_cursor cur;

    /* Where we are. */
    sh_level *lv;
    cmd_node *building;    /* the simple command whose words are being read */
    unsigned ctx;
    uint16_t depth;
    unsigned nest;
    bool abort;            /* the nesting budget ran out: stop everything   */
    /* Work budgets that keep hostile input linear: bytes of nested scripts
     * still allowed, and bytes the arithmetic look-ahead may still scan. */
    size_t nested_budget;
    size_t lookahead_budget;
    uint32_t next_pipeline;
    size_t nnodes;         /* command nodes made, to size the result      */

    /* Results besides the commands. */
    sh_error *error;
    bool truncated;
    const char **functions;
    size_t nfunctions, functions_cap;

    /* Short strings are packed into blocks of the arena (which aligns each
     * allocation to 16 bytes). */
    char *pool;
    size_t pool_left, pool_block;

    /* Scratch. */
    strbuf val;                   /* values of the words being read         */
    SH_STACK(srcmap_seg, 16) segs;  /* their value -> text maps             */
    SH_STACK(sh_item, 16) items;    /* words of the commands being read     */
    SH_STACK(cmd_node *, 16) pipes; /* elements of the pipelines being read */
    SH_STACK(heredoc *, 4) hds;     /* here-documents waiting for a body    */
    SH_STACK(word_src, 16) srcs;    /* argv sources of commands being
                                       completed                            */
} sh_parser;

void *sh_stack_grow(void *v, size_t *cap, size_t elem, bool *heap);
#define SH_PUSH(stack)                                                        \
    ((stack).n == (stack).cap                                                 \
         ? (void)((stack).v = sh_stack_grow((stack).v, &(stack).cap,          \
                                             sizeof(*(stack).v), &(stack).heap)) \
         : (void)0,                                                           \
     &(stack).v[(stack).n++])

/* ------------------------------------------------------------ characters */

static inline bool sh_at_end(const sh_parser *P)
{
    return P->pos >= P->end || P->abort;
}

/* The byte at pos + k, or -1 past the end. */
static inline int sh_peek(const sh_parser *P, size_t k)
{
    size_t i = P->pos + k;
    return i < P->end && !P->abort ? (unsigned char)P->s[i] : -1;
}

/* Ends a word outside quotes: blanks, newline and ; & | ( ) < > */
static inline bool sh_is_delim(int c)
{
    switch (c) {
    case -1: case ' ': case '\t': case '\n': case ';': case '&': case '|':
    case '(': case ')': case '<': case '>':
        return true;
    default:
        return false;
    }
}

/*
 * Byte classes, for the loops that look at every byte of a script: one
 * table load instead of a chain of comparisons (table in lexer.c).
 */
enum sh_byte_class {
    CC_DELIM = 1u << 0,     /* ends a word outside quotes (sh_is_delim)      */
    CC_SPECIAL = 1u << 1,   /* needs a look inside an unquoted word: the
                               delimiters, quotes, \ $ `, * ? [ ] { } ~       */
    CC_FNAME_END = 1u << 2, /* cannot be part of a function name: the
                               delimiters, quotes, \ $ ` =                     */
    CC_BLANK = 1u << 3,     /* space, tab                                    */
    CC_SKIP_MORE = 1u << 4, /* may start a line continuation or a comment:
                               \ #                                           */
};
extern const unsigned char sh_byte_class[256];

static inline bool sh_byte_is(char c, unsigned cls)
{
    return (sh_byte_class[(unsigned char)c] & cls) != 0;
}

static inline bool sh_is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool sh_is_name_char(int c)
{
    return sh_is_name_start(c) || (c >= '0' && c <= '9');
}

/* Source offset of a text offset. */
uint32_t sh_src_lookup(sh_parser *P, size_t text_off);
static inline uint32_t sh_src(sh_parser *P, size_t text_off)
{
    if (text_off >= P->cur.lo && text_off < P->cur.hi)
        return (uint32_t)(P->cur.src + (text_off - P->cur.lo));
    return sh_src_lookup(P, text_off);
}

/* Source offset of the end of the span [start, end) of the text, whose
 * start maps to src_start. */
static inline uint32_t sh_src_end(sh_parser *P, uint32_t src_start, size_t start,
                                  size_t end)
{
    /* A resolved parameter can make a map go backwards: never end before
     * the start. */
    uint32_t e = end > start ? sh_src(P, end - 1) + 1 : src_start;
    return e < src_start ? src_start : e;
}

/* --------------------------------------------------------------- lexer.c */

void sh_error_at(sh_parser *P, size_t text_off, const char *message);
/* Enter one level of recursion; false (and the parse stops) when the
 * budget is spent. Every sh_enter is paired with an sh_leave. */
bool sh_enter_deep(sh_parser *P, size_t text_off);
static inline bool sh_enter(sh_parser *P, size_t text_off)
{
    if (++P->nest <= SH_MAX_NEST && !P->abort)
        return true;
    return sh_enter_deep(P, text_off);
}

static inline void sh_leave(sh_parser *P)
{
    P->nest--;
}

/* Blanks, line continuations and a comment; not newlines. Called at every
 * token: the blanks are skipped here, a continuation or a comment by
 * sh_skip_blanks_at. */
void sh_skip_blanks_at(sh_parser *P);
static inline void sh_skip_blanks(sh_parser *P)
{
    if (P->abort)
        return;
    const char *s = P->s;
    size_t i = P->pos, end = P->end;
    while (i < end && sh_byte_is(s[i], CC_BLANK))
        i++;
    P->pos = i;
    if (i < end && sh_byte_is(s[i], CC_SKIP_MORE))
        sh_skip_blanks_at(P);
}
/* Blanks, comments and newlines (reading pending here-document bodies). */
void sh_skip_linebreaks(sh_parser *P);
void sh_consume_newline(sh_parser *P);

enum sh_word_mode {
    WM_NORMAL = 0,
    WM_REGEX = 1u << 0,  /* right of =~ in [[ ]]: ( ) | belong to the word */
    WM_DELIM = 1u << 1,  /* here-document delimiter: no expansions          */
};
/* Read the word at pos; false when there is none. */
bool sh_lex_word(sh_parser *P, unsigned mode, lexed_word *out);
/* A word made of text[start, end) as is. */
void sh_plain_word(sh_parser *P, size_t start, size_t end, lexed_word *out);
/* Does the "((" just before `after` open an arithmetic expression (rather
 * than two subshells)? */
bool sh_arith_ahead(sh_parser *P, size_t after);
/* Read the arithmetic expression at pos (just after "((") as one word; pos
 * ends after the closing "))". */
void sh_lex_arith_expr(sh_parser *P, size_t open_off, lexed_word *out);
/* List the command substitutions of an expanding here-document body that
 * spans [pos, end). */
void sh_scan_heredoc_body(sh_parser *P);

/* -------------------------------------------------------------- parser.c */

typedef struct sub_save {
    sh_level *lv;
    cmd_node *building;
    unsigned ctx;
    uint16_t depth;
} sub_save;

/* Parse a list until a token in `stop` (a mask of enum sh_stop) or the end. */
unsigned sh_parse_list(sh_parser *P, unsigned stop);
enum sh_stop {
    STOP_EOF = 1u << 0,
    STOP_RPAREN = 1u << 1,
    STOP_DSEMI = 1u << 2,
    STOP_RBRACE = 1u << 3,
    STOP_THEN = 1u << 4,
    STOP_ELIF = 1u << 5,
    STOP_ELSE = 1u << 6,
    STOP_FI = 1u << 7,
    STOP_DO = 1u << 8,
    STOP_DONE = 1u << 9,
    STOP_ESAC = 1u << 10,
    STOP_OTHER = 1u << 11,
};

void sh_sub_begin(sh_parser *P, sh_level *lv, sub_save *sv, cmd_node *holder,
                  int holder_word, unsigned ctx, uint16_t depth);
void sh_sub_end(sh_parser *P, sh_level *lv, const sub_save *sv);
/* Parse a command substitution's list at pos (after "$(", "<(" or ">("),
 * listing its commands under the command being read. */
void sh_parse_substitution(sh_parser *P, size_t open_off, unsigned ctx_flag);
/* Parse `text` (a backquote's inside) as a substitution. */
void sh_parse_substitution_text(sh_parser *P, const char *text, size_t len,
                                const srcmap *map, size_t origin);
/* Parse `text` as a script run by `holder` (sh -c, eval, a here-document
 * fed to a shell ...); `map` maps text offsets to source offsets. */
void sh_parse_nested(sh_parser *P, cmd_node *holder, int word,
                     const char *text, size_t len, const srcmap *map,
                     uint32_t origin, int bash);
/* Resolve the here-documents pending from `base` as unterminated. */
void sh_finish_heredocs(sh_parser *P, size_t base);
void sh_read_heredocs(sh_parser *P);
void sh_deliver_heredoc(sh_parser *P, heredoc *h);

/* ------------------------------------------------------------ commands.c */

/* NUL-terminated copy of s[0..n) in the arena. Every word is copied:
 * the common case, a short string that fits the current block, is
 * inline; sh_strndup_block starts a block or copies a long string. */
char *sh_strndup_block(sh_parser *P, const char *s, size_t n);
static inline char *sh_strndup(sh_parser *P, const char *s, size_t n)
{
    if (n >= P->pool_left || n >= P->pool_block / 4)
        return sh_strndup_block(P, s, n);
    char *p = P->pool;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    P->pool += n + 1;
    P->pool_left -= n + 1;
    return p;
}
/* Where argv[k]'s value comes from, for parsing it as a script. Few
 * commands need that: the sources are listed on first use. */
#define SH_NO_SRCS SIZE_MAX
void sh_list_arg_srcs(sh_parser *P, cmd_node *n);
static inline const word_src *sh_arg_src(sh_parser *P, cmd_node *n, size_t k)
{
    if (n->src_base == SH_NO_SRCS)
        sh_list_arg_srcs(P, n);
    return &P->srcs.v[n->src_base + k];
}

cmd_node *sh_node_new(sh_parser *P);
/* Turn items[base..] into the command's arrays, list it, see through its
 * wrappers and parse its nested scripts. */
void sh_complete_command(sh_parser *P, cmd_node *n, size_t item_base);
void sh_attach_children(cmd_node *holder, cmd_node *head, cmd_node *tail,
                        uint32_t origin);
void sh_level_append(sh_level *lv, cmd_node *head, cmd_node *tail);
uint32_t sh_new_pipeline(sh_parser *P);

/* ------------------------------------------------------------ wrappers.c */

void sh_analyze_command(sh_parser *P, cmd_node *n);
/* Charge `n` bytes of nested work; false (and truncated) when spent. */
bool sh_charge_nested(sh_parser *P, size_t n);
/* Map from a word value's offsets (from `skip` on) to source offsets. */
srcmap *sh_word_source_map(sh_parser *P, const sh_word *w,
                           const word_src *src, size_t skip);

#endif
