/*
 * Command nodes and the flat command list; the public entry points.
 *
 * A node is made when a simple command starts (its words may hold
 * substitutions whose commands hang from it) and completed when its last
 * word is read: then its arrays are copied out of the scratch stack into
 * the arena, it is listed at its level, its wrappers are seen through and
 * the scripts it runs are parsed as its children.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell_internal.h"
#include "util/xalloc.h"

void *sh_stack_grow(void *v, size_t *cap, size_t elem, bool *heap)
{
    size_t n = *cap ? *cap * 2 : 16;
    if (*heap) {
        v = xreallocarray(v, n, elem);
    } else {
        void *moved = xreallocarray(NULL, n, elem);
        if (*cap)
            memcpy(moved, v, *cap * elem);
        v = moved;
        *heap = true;
    }
    *cap = n;
    return v;
}

char *sh_strndup_block(sh_parser *P, const char *s, size_t n)
{
    if (n >= P->pool_block / 4)
        return arena_strndup(P->a, s, n);
    /* A fresh block: the string now fits, and sh_strndup copies it. */
    P->pool = arena_alloc(P->a, P->pool_block);
    P->pool_left = P->pool_block;
    return sh_strndup(P, s, n);
}

uint32_t sh_new_pipeline(sh_parser *P)
{
    return P->next_pipeline++;
}

cmd_node *sh_node_new(sh_parser *P)
{
    /* One initialiser rather than zeroing then storing: a node is made
     * for every command. */
    cmd_node *n = arena_alloc(P->a, sizeof(*n));
    cmd_node *holder = P->lv->holder;
    P->nnodes++;
    *n = (cmd_node){
        .cmd = {
            .ctx = P->ctx,
            .depth = P->depth,
            .parent = holder ? &holder->cmd : NULL,
            .parent_word = holder ? P->lv->holder_word : -1,
            .sep = SH_SEP_END,
            .pipeline = sh_new_pipeline(P),
            .pipe_len = 1,
        },
    };
    return n;
}

void sh_level_append(sh_level *lv, cmd_node *head, cmd_node *tail)
{
    if (!head)
        return;
    if (lv->tail)
        lv->tail->next = head;
    else
        lv->head = head;
    lv->tail = tail;
}

void sh_attach_children(cmd_node *holder, cmd_node *head, cmd_node *tail,
                        uint32_t origin)
{
    if (!head)
        return;
    for (cmd_node *c = head;; c = c->next) {
        c->origin = origin;
        if (c == tail)
            break;
    }
    if (!holder->last_child || holder->last_child->origin <= origin) {
        if (holder->last_child)
            holder->last_child->next = head;
        else
            holder->first_child = head;
        holder->last_child = tail;
        return;
    }
    /* Keep the children in source order: insert after the last one that
     * comes from no later than `origin`. */
    cmd_node *prev = NULL, *c = holder->first_child;
    while (c && c->origin <= origin) {
        prev = c;
        c = c->next;
    }
    tail->next = c;
    if (prev)
        prev->next = head;
    else
        holder->first_child = head;
}

/* Source span of an item: a redirection starts at its operator. */
static uint32_t item_start(sh_parser *P, const sh_item *it)
{
    return it->kind == ITEM_REDIR ? sh_src(P, it->op_off) : it->lw.w.off;
}

void sh_complete_command(sh_parser *P, cmd_node *n, size_t base)
{
    sh_command *c = &n->cmd;
    size_t nitems = P->items.n - base;
    const sh_item *items = P->items.v + base;
    size_t argc = 0, nassigns = 0, nredirs = 0;
    for (size_t k = 0; k < nitems; k++) {
        if (items[k].kind == ITEM_ARG)
            argc++;
        else if (items[k].kind == ITEM_ASSIGN)
            nassigns++;
        else
            nredirs++;
    }
    c->argv = argc ? arena_alloc(P->a, argc * sizeof(sh_word)) : NULL;
    c->assigns = nassigns ? arena_alloc(P->a, nassigns * sizeof(sh_word)) : NULL;
    c->redirs = nredirs ? arena_calloc(P->a, nredirs, sizeof(sh_redir)) : NULL;
    n->item_base = (uint32_t)base;
    n->src_base = SH_NO_SRCS;
    size_t ia = 0, is = 0, ir = 0;
    for (size_t k = 0; k < nitems; k++) {
        const sh_item *it = &items[k];
        if (it->kind == ITEM_ARG) {
            c->argv[ia++] = it->lw.w;
        } else if (it->kind == ITEM_ASSIGN) {
            c->assigns[is++] = it->lw.w;
        } else {
            sh_redir *r = &c->redirs[ir];
            r->fd = it->fd;
            r->op = it->op;
            r->target = it->lw.w;
            if (it->hd) {
                it->hd->node = n;
                it->hd->redir_index = ir;
                it->hd->node_done = true;
            }
            ir++;
        }
    }
    c->argc = ia;
    c->nassigns = is;
    c->nredirs = ir;
    if (nitems) {
        c->off = item_start(P, &items[0]);
        c->end = items[nitems - 1].lw.w.end;
        if (c->end < c->off)
            c->end = c->off;
    }
    sh_level_append(P->lv, n, n);
    sh_analyze_command(P, n);

    /* Here-strings fed to a shell are scripts; here-documents read before
     * the command was complete are delivered now. The stack may move while
     * nested scripts are parsed, hence the indexing. */
    for (size_t k = 0; nredirs && k < nitems; k++) {
        const sh_item *it = &P->items.v[base + k];
        if (it->kind != ITEM_REDIR)
            continue;
        if (it->hd && it->hd->read)
            sh_deliver_heredoc(P, it->hd);
        it = &P->items.v[base + k];
        if (it->op == SH_REDIR_HERESTRING && n->stdin_shell &&
            (it->fd == -1 || it->fd == 0) && !(it->lw.w.flags & SHW_DYNAMIC)) {
            lexed_word lw = it->lw;
            srcmap *map = sh_word_source_map(P, &lw.w, &lw.src, 0);
            sh_parse_nested(P, n, -1, lw.w.value, lw.w.len, map, lw.src.text_off, -1);
        }
    }
    P->items.n = base;
    if (n->src_base != SH_NO_SRCS)
        P->srcs.n = n->src_base;
}

void sh_list_arg_srcs(sh_parser *P, cmd_node *n)
{
    size_t argc = n->cmd.argc;
    while (P->srcs.cap - P->srcs.n < argc)
        P->srcs.v = sh_stack_grow(P->srcs.v, &P->srcs.cap, sizeof(*P->srcs.v),
                                  &P->srcs.heap);
    n->src_base = P->srcs.n;
    const sh_item *it = P->items.v + n->item_base;
    for (size_t k = 0; k < argc; it++)
        if (it->kind == ITEM_ARG)
            P->srcs.v[n->src_base + k++] = it->lw.src;
    P->srcs.n += argc;
}

/* ------------------------------------------------------------ results */

/* Pre-order walk of the command tree: each command, then its children.
 * Fills out[0..cap) and returns the number of commands. */
static size_t walk_tree(cmd_node *head, sh_command **out, size_t cap)
{
    SH_STACK(cmd_node *, 32) resume;
    SH_STACK_INIT(resume);
    size_t count = 0;
    cmd_node *n = head;
    while (n || resume.n) {
        if (!n) {
            n = resume.v[--resume.n];
            continue;
        }
        if (count < cap) {
            n->cmd.index = (uint32_t)count;
            out[count] = &n->cmd;
        }
        count++;
        if (n->first_child) {
            if (n->next)
                *SH_PUSH(resume) = n->next;
            n = n->first_child;
        } else {
            n = n->next;
        }
    }
    SH_STACK_FREE(resume);
    return count;
}

bool sh_charge_nested(sh_parser *P, size_t n)
{
    if (n > P->nested_budget) {
        P->truncated = true;
        return false;
    }
    P->nested_budget -= n;
    return true;
}

static void set_budgets(sh_parser *P, size_t input)
{
    P->pool_block = input < 256 ? 256 : input < 8192 ? input : 8192;
    P->nested_budget = SH_BUDGET_FACTOR * input + SH_BUDGET_FLOOR;
    P->lookahead_budget = SH_BUDGET_FACTOR * input + SH_BUDGET_FLOOR;
}

static void parser_init(sh_parser *P, arena *a, const sh_options *opts)
{
    /* The stacks at the end need no clearing: SH_STACK_INIT below. */
    memset(P, 0, offsetof(sh_parser, segs));
    P->a = a;
    P->bash = !opts || opts->dialect != SH_DIALECT_POSIX;
    P->resolve = opts ? opts->resolve : NULL;
    P->resolve_ctx = opts ? opts->resolve_ctx : NULL;
    P->max_depth = opts && opts->max_depth ? opts->max_depth : SH_DEFAULT_MAX_DEPTH;
    P->s = "";
    sb_init(&P->val);
    SH_STACK_INIT(P->segs);
    SH_STACK_INIT(P->items);
    SH_STACK_INIT(P->pipes);
    SH_STACK_INIT(P->hds);
    SH_STACK_INIT(P->srcs);
}

static void parser_free(sh_parser *P)
{
    sb_free(&P->val);
    SH_STACK_FREE(P->segs);
    SH_STACK_FREE(P->items);
    SH_STACK_FREE(P->pipes);
    SH_STACK_FREE(P->hds);
    SH_STACK_FREE(P->srcs);
}

static sh_script *finish_script(sh_parser *P, cmd_node *head)
{
    sh_script *s = ARENA_NEW(P->a, sh_script);
    /* Every command is a node made here or by exec_command, which count
     * them: one walk fills the list. Should the count ever fall short,
     * walk again into a list of the size found. */
    size_t cap = P->nnodes ? P->nnodes : 1;
    s->cmds = arena_alloc(P->a, cap * sizeof(sh_command *));
    s->ncmds = walk_tree(head, s->cmds, cap);
    if (s->ncmds > cap) {
        s->cmds = arena_alloc(P->a, s->ncmds * sizeof(sh_command *));
        walk_tree(head, s->cmds, s->ncmds);
    }
    s->functions = P->functions;
    s->nfunctions = P->nfunctions;
    s->error = P->error;
    s->truncated = P->truncated;
    return s;
}

sh_script *sh_parse(arena *a, const char *text, size_t len, const srcmap *map,
                    const sh_options *opts)
{
    sh_parser P;
    parser_init(&P, a, opts);
    if (len >= UINT32_MAX) {
        len = UINT32_MAX - 1;
        P.truncated = true;
    }
    P.s = text ? text : "";
    P.end = text ? len : 0;
    P.map = map && map->n ? map : NULL;
    set_budgets(&P, P.end);
    sh_level root = {.holder_word = -1};
    P.lv = &root;
    sh_parse_list(&P, 0);
    sh_finish_heredocs(&P, 0);
    sh_script *s = finish_script(&P, root.head);
    parser_free(&P);
    return s;
}

sh_script *sh_from_argv(arena *a, const char *const *argv, const size_t *lens,
                        size_t argc, const uint32_t *offs,
                        const srcmap *const *maps, const sh_options *opts)
{
    sh_parser P;
    parser_init(&P, a, opts);
    sh_level root = {.holder_word = -1};
    P.lv = &root;
    size_t total = 0;
    for (size_t i = 0; i < argc; i++)
        total += lens ? lens[i] : strlen(argv[i]);
    set_budgets(&P, total);
    if (argc) {
        cmd_node *n = sh_node_new(&P);
        for (size_t i = 0; i < argc; i++) {
            size_t len = lens ? lens[i] : strlen(argv[i]);
            const srcmap *m = maps && maps[i] && maps[i]->n ? maps[i] : NULL;
            uint32_t off = offs ? offs[i] : m ? (uint32_t)srcmap_lookup(m, 0) : 0;
            sh_item *it = SH_PUSH(P.items);
            memset(it, 0, sizeof(*it));
            it->kind = ITEM_ARG;
            it->fd = -1;
            char *v = sh_strndup(&P, argv[i], len);
            it->lw.w.raw = it->lw.w.value = v;
            it->lw.w.len = len;
            it->lw.w.off = off;
            it->lw.w.end = len ? (m ? (uint32_t)srcmap_lookup(m, len - 1) + 1
                                    : off + (uint32_t)len)
                               : off;
            if (it->lw.w.end < off)
                it->lw.w.end = off;
            /* The values map straight to the source: the "text" of this
             * parse has the identity map. */
            if (!m) {
                srcmap *id = ARENA_NEW(a, srcmap);
                srcmap_add(id, a, 0, off);
                m = id;
            }
            it->lw.src.vmap = m;
            it->lw.src.text_off = (uint32_t)i;
            it->op_off = off;
        }
        sh_complete_command(&P, n, 0);
    }
    sh_script *s = finish_script(&P, root.head);
    parser_free(&P);
    return s;
}

bool sh_word_is(const sh_word *w, const char *s)
{
    if (!w || !w->value || (w->flags & SHW_DYNAMIC))
        return false;
    size_t n = strlen(s);
    return w->len == n && memcmp(w->value, s, n) == 0;
}
