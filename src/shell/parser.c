/*
 * The grammar: a recursive-descent parser over the text, POSIX sh plus the
 * bash that Dockerfiles use.
 *
 *   list      := and_or ((';' | '&' | newline) and_or)*
 *   and_or    := pipeline (('&&' | '||') linebreak pipeline)*
 *   pipeline  := ['time' ['-p']] ['!'] command (('|' | '|&') linebreak command)*
 *   command   := simple | compound redirection* | function definition
 *
 * Each list is told which tokens end it (its own and every enclosing
 * construct's), so a missing `fi` or `done` is reported once and the
 * enclosing constructs still close where they should. Tokens that cannot
 * start a command and that nothing expects are reported and skipped.
 *
 * Simple commands become nodes (commands.c); compound commands only set the
 * context flags of the commands inside them.
 */
#include <limits.h>
#include <string.h>

#include "shell/shell_internal.h"

/* ------------------------------------------------------------- keywords */

typedef enum keyword {
    KW_NONE,
    KW_IF, KW_THEN, KW_ELIF, KW_ELSE, KW_FI,
    KW_DO, KW_DONE, KW_WHILE, KW_UNTIL, KW_FOR, KW_SELECT, KW_IN,
    KW_CASE, KW_ESAC, KW_FUNCTION, KW_TIME, KW_COPROC,
    KW_LBRACE, KW_RBRACE, KW_BANG, KW_DLBRACK,
} keyword;

/* Does the text at p (room bytes) start with the reserved word `word`,
 * followed by a delimiter or the end? Sets *len when it does. */
static inline bool keyword_at(const char *p, size_t room, const char *word,
                              size_t *len)
{
    size_t n = strlen(word);
    if (n > room || memcmp(p, word, n) != 0 ||
        (n < room && !sh_is_delim((unsigned char)p[n])))
        return false;
    *len = n;
    return true;
}

/* The reserved word at pos, if any (only meaningful in command position).
 * Called several times at each command: the first byte rules out most
 * command names at once. */
static keyword peek_keyword(const sh_parser *P, size_t *len)
{
    if (P->abort || P->pos >= P->end)
        return KW_NONE;
    const char *p = P->s + P->pos;
    size_t room = P->end - P->pos;
    bool bash = P->bash;
    switch (*p) {
    case '{':
        return keyword_at(p, room, "{", len) ? KW_LBRACE : KW_NONE;
    case '}':
        return keyword_at(p, room, "}", len) ? KW_RBRACE : KW_NONE;
    case '!':
        return keyword_at(p, room, "!", len) ? KW_BANG : KW_NONE;
    case '[':
        return bash && keyword_at(p, room, "[[", len) ? KW_DLBRACK : KW_NONE;
    case 'c':
        if (keyword_at(p, room, "case", len))
            return KW_CASE;
        return bash && keyword_at(p, room, "coproc", len) ? KW_COPROC : KW_NONE;
    case 'd':
        if (keyword_at(p, room, "do", len))
            return KW_DO;
        return keyword_at(p, room, "done", len) ? KW_DONE : KW_NONE;
    case 'e':
        if (keyword_at(p, room, "elif", len))
            return KW_ELIF;
        if (keyword_at(p, room, "else", len))
            return KW_ELSE;
        return keyword_at(p, room, "esac", len) ? KW_ESAC : KW_NONE;
    case 'f':
        if (keyword_at(p, room, "fi", len))
            return KW_FI;
        if (keyword_at(p, room, "for", len))
            return KW_FOR;
        return bash && keyword_at(p, room, "function", len) ? KW_FUNCTION : KW_NONE;
    case 'i':
        if (keyword_at(p, room, "if", len))
            return KW_IF;
        return keyword_at(p, room, "in", len) ? KW_IN : KW_NONE;
    case 's':
        return bash && keyword_at(p, room, "select", len) ? KW_SELECT : KW_NONE;
    case 't':
        if (keyword_at(p, room, "then", len))
            return KW_THEN;
        return bash && keyword_at(p, room, "time", len) ? KW_TIME : KW_NONE;
    case 'u':
        return keyword_at(p, room, "until", len) ? KW_UNTIL : KW_NONE;
    case 'w':
        return keyword_at(p, room, "while", len) ? KW_WHILE : KW_NONE;
    default:
        return KW_NONE;
    }
}

static bool at_keyword(const sh_parser *P, keyword want, size_t *len)
{
    return peek_keyword(P, len) == want;
}

/* ---------------------------------------------------------- list tokens */

static unsigned keyword_stop(keyword k)
{
    switch (k) {
    case KW_THEN: return STOP_THEN;
    case KW_ELIF: return STOP_ELIF;
    case KW_ELSE: return STOP_ELSE;
    case KW_FI: return STOP_FI;
    case KW_DO: return STOP_DO;
    case KW_DONE: return STOP_DONE;
    case KW_ESAC: return STOP_ESAC;
    case KW_RBRACE: return STOP_RBRACE;
    default: return STOP_OTHER;
    }
}

/* What ends or continues a list at pos (blanks already skipped), given the
 * keyword k that peek_keyword() found there. The grammar looks at each
 * command start several times: callers pass k along rather than peek
 * again. */
static unsigned peek_stop_at(const sh_parser *P, keyword k)
{
    int c = sh_peek(P, 0);
    if (c < 0)
        return STOP_EOF;
    if (c == ')')
        return STOP_RPAREN;
    if (c == ';') {
        int d = sh_peek(P, 1);
        return d == ';' || (P->bash && d == '&') ? STOP_DSEMI : STOP_OTHER;
    }
    return keyword_stop(k);
}

/* The same, peeking the keyword. */
static unsigned peek_stop(const sh_parser *P)
{
    size_t len;
    return peek_stop_at(P, peek_keyword(P, &len));
}

/* Can a command start at pos, where peek_stop() found `tok`? */
static bool can_start_command_at(const sh_parser *P, unsigned tok)
{
    int c = sh_peek(P, 0);
    switch (c) {
    case -1: case '\n': case ';': case '|': case ')':
        return false;
    case '&':
        return P->bash && sh_peek(P, 1) == '>';
    default:
        return tok == STOP_OTHER;
    }
}

/* The same, peeking. */
static bool can_start_command(const sh_parser *P)
{
    return can_start_command_at(P, peek_stop(P));
}

/* The token at pos that nothing expects: its message and length. */
static const char *describe_token(const sh_parser *P, size_t *len)
{
    *len = 1;
    int c = sh_peek(P, 0), d = sh_peek(P, 1);
    size_t klen;
    switch (peek_keyword(P, &klen)) {
    case KW_THEN: *len = klen; return "unexpected 'then'";
    case KW_ELIF: *len = klen; return "unexpected 'elif'";
    case KW_ELSE: *len = klen; return "unexpected 'else'";
    case KW_FI: *len = klen; return "unexpected 'fi'";
    case KW_DO: *len = klen; return "unexpected 'do'";
    case KW_DONE: *len = klen; return "unexpected 'done'";
    case KW_ESAC: *len = klen; return "unexpected 'esac'";
    case KW_RBRACE: *len = klen; return "unexpected '}'";
    default: break;
    }
    switch (c) {
    case -1:
        *len = 0;
        return "unexpected end of script";
    case '\n':
        return "unexpected newline";
    case ')':
        return "unexpected ')'";
    case ';':
        if (d == ';') {
            *len = sh_peek(P, 2) == '&' && P->bash ? 3 : 2;
            return "unexpected ';;'";
        }
        if (d == '&' && P->bash) {
            *len = 2;
            return "unexpected ';&'";
        }
        return "unexpected ';'";
    case '&':
        if (d == '&') {
            *len = 2;
            return "unexpected '&&'";
        }
        return "unexpected '&'";
    case '|':
        if (d == '|') {
            *len = 2;
            return "unexpected '||'";
        }
        if (d == '&' && P->bash) {
            *len = 2;
            return "unexpected '|&'";
        }
        return "unexpected '|'";
    default:
        return "unexpected token";
    }
}

static void report_unexpected(sh_parser *P)
{
    size_t len;
    sh_error_at(P, P->pos, describe_token(P, &len));
}

static void skip_unexpected(sh_parser *P)
{
    size_t len;
    sh_error_at(P, P->pos, describe_token(P, &len));
    P->pos += len ? len : 1;
}

/* Set a context flag on the commands listed at this level after `mark`. */
static void mark_from(sh_parser *P, cmd_node *mark, unsigned flag)
{
    for (cmd_node *n = mark ? mark->next : P->lv->head; n; n = n->next)
        n->cmd.ctx |= flag;
}

/* ------------------------------------------------------- redirections */

static bool at_io_number(const sh_parser *P)
{
    size_t i = P->pos;
    while (i < P->end && P->s[i] >= '0' && P->s[i] <= '9')
        i++;
    return i > P->pos && i < P->end && (P->s[i] == '<' || P->s[i] == '>');
}

/* bash's {varname}> : the shell picks the fd and stores it in varname. */
static size_t fd_var_length(const sh_parser *P)
{
    if (!P->bash || sh_peek(P, 0) != '{' || !sh_is_name_start(sh_peek(P, 1)))
        return 0;
    size_t i = P->pos + 2;
    while (i < P->end && sh_is_name_char((unsigned char)P->s[i]))
        i++;
    if (i + 1 < P->end && P->s[i] == '}' && (P->s[i + 1] == '<' || P->s[i + 1] == '>'))
        return i + 1 - P->pos;
    return 0;
}

static inline bool at_redirection(const sh_parser *P)
{
    int c = sh_peek(P, 0);
    switch (c) {
    case '<': case '>':
        return !(P->bash && sh_peek(P, 1) == '(');
    case '&':
        return P->bash && sh_peek(P, 1) == '>';
    case '{':
        return fd_var_length(P) > 0;
    default:
        return c >= '0' && c <= '9' && at_io_number(P);
    }
}

/* Read one redirection into the items of the command being read (n may be
 * NULL for a compound command: the redirection is read, then dropped). */
static void parse_redirection(sh_parser *P, cmd_node *n)
{
    size_t at = P->pos;
    int fd = -1;
    if (sh_peek(P, 0) == '{') {
        P->pos += fd_var_length(P);
    } else {
        long v = 0;
        while (sh_peek(P, 0) >= '0' && sh_peek(P, 0) <= '9') {
            if (v < INT_MAX / 10)
                v = v * 10 + (sh_peek(P, 0) - '0');
            P->pos++;
        }
        if (P->pos > at)
            fd = (int)v;
    }
    int c = sh_peek(P, 0), d = sh_peek(P, 1), e = sh_peek(P, 2);
    sh_redir_op op;
    size_t oplen = 1;
    if (c == '<') {
        if (d == '<') {
            oplen = 2;
            op = SH_REDIR_HEREDOC;
            if (e == '<' && P->bash) {
                op = SH_REDIR_HERESTRING;
                oplen = 3;
            } else if (e == '-') {
                op = SH_REDIR_HEREDOC_TAB;
                oplen = 3;
            }
        } else if (d == '&') {
            op = SH_REDIR_DUP_IN, oplen = 2;
        } else if (d == '>') {
            op = SH_REDIR_RDWR, oplen = 2;
        } else {
            op = SH_REDIR_IN;
        }
    } else if (c == '>') {
        if (d == '>')
            op = SH_REDIR_APPEND, oplen = 2;
        else if (d == '&')
            op = SH_REDIR_DUP_OUT, oplen = 2;
        else if (d == '|')
            op = SH_REDIR_CLOBBER, oplen = 2;
        else
            op = SH_REDIR_OUT;
    } else { /* &> &>> */
        op = e == '>' ? SH_REDIR_APPEND_ERR : SH_REDIR_OUT_ERR;
        oplen = e == '>' ? 3 : 2;
    }
    P->pos += oplen;
    sh_skip_blanks(P);

    bool is_heredoc = op == SH_REDIR_HEREDOC || op == SH_REDIR_HEREDOC_TAB;
    lexed_word lw;
    int t = sh_peek(P, 0);
    bool has_word = t >= 0 && (!sh_is_delim(t) || ((t == '<' || t == '>') &&
                                                   P->bash && sh_peek(P, 1) == '('));
    if (!has_word || !sh_lex_word(P, is_heredoc ? WM_DELIM : WM_NORMAL, &lw)) {
        sh_error_at(P, at, is_heredoc ? "missing here-document delimiter"
                                      : "missing redirection target");
        sh_plain_word(P, P->pos, P->pos, &lw);
    }

    heredoc *hd = NULL;
    if (is_heredoc) {
        hd = ARENA_NEW(P->a, heredoc);
        hd->delim = lw.w.value;
        hd->delim_len = lw.w.len;
        hd->op_off = (uint32_t)at;
        hd->fd = fd;
        hd->strip_tabs = op == SH_REDIR_HEREDOC_TAB;
        hd->expands = !(lw.w.flags & SHW_QUOTED);
        hd->has_node = n != NULL;
        hd->ctx = P->ctx;
        hd->depth = P->depth;
        *SH_PUSH(P->hds) = hd;
    }
    sh_item *it = SH_PUSH(P->items);
    it->kind = ITEM_REDIR;
    it->lw = lw;
    it->fd = fd;
    it->op = op;
    it->hd = hd;
    it->op_off = (uint32_t)at;
}

/* Redirections after a compound command, [[ ]] or (( )). */
static void parse_trailing_redirections(sh_parser *P, cmd_node *n)
{
    size_t base = P->items.n;
    for (;;) {
        sh_skip_blanks(P);
        if (!at_redirection(P))
            break;
        parse_redirection(P, n);
    }
    if (!n)
        P->items.n = base;
}

/* ----------------------------------------------------- simple commands */

/* NAME=, NAME+=, NAME[...]= at the start of a word as written. */
static bool is_assignment(const char *raw)
{
    size_t i = 0;
    if (!sh_is_name_start((unsigned char)raw[0]))
        return false;
    while (sh_is_name_char((unsigned char)raw[i]))
        i++;
    if (raw[i] == '[') {
        while (raw[i] && raw[i] != ']')
            i++;
        if (!raw[i])
            return false;
        i++;
    }
    if (raw[i] == '+')
        i++;
    return raw[i] == '=';
}

static inline void push_word(sh_parser *P, item_kind kind, const lexed_word *lw)
{
    sh_item *it = SH_PUSH(P->items);
    it->kind = kind;
    it->lw = *lw;
    it->fd = -1;
    it->op = SH_REDIR_IN;
    it->hd = NULL;
    it->op_off = lw->src.text_off;
}

/* Commands nested in the word just read hang from argv word `index`. */
static void set_parent_word(cmd_node *n, cmd_node *before, size_t index)
{
    for (cmd_node *c = before ? before->next : n->first_child; c; c = c->next)
        c->cmd.parent_word = (int)index;
}

static void push_plain_arg(sh_parser *P, size_t start, size_t end, size_t *argc)
{
    lexed_word lw;
    sh_plain_word(P, start, end, &lw);
    push_word(P, ITEM_ARG, &lw);
    (*argc)++;
}

static cmd_node *parse_simple(sh_parser *P)
{
    cmd_node *n = sh_node_new(P);
    cmd_node *outer = P->building;
    P->building = n;
    size_t base = P->items.n, argc = 0;
    for (;;) {
        sh_skip_blanks(P);
        int c = sh_peek(P, 0);
        if (c < 0)
            break;
        if (at_redirection(P)) {
            parse_redirection(P, n);
            continue;
        }
        if (sh_is_delim(c) && !((c == '<' || c == '>') && P->bash)) {
            if (c == '(')
                sh_error_at(P, P->pos, "unexpected '('");
            break;
        }
        cmd_node *last = n->last_child;
        lexed_word lw;
        if (!sh_lex_word(P, WM_NORMAL, &lw))
            break;
        if (argc == 0 && is_assignment(lw.w.raw)) {
            push_word(P, ITEM_ASSIGN, &lw);
        } else {
            if (n->last_child != last)
                set_parent_word(n, last, argc);
            push_word(P, ITEM_ARG, &lw);
            argc++;
        }
    }
    P->building = outer;
    sh_complete_command(P, n, base);
    return n;
}

/* [[ ... ]]: a command named "[[" whose words run to "]]"; operators are
 * words there. */
static cmd_node *parse_cond(sh_parser *P)
{
    cmd_node *n = sh_node_new(P);
    cmd_node *outer = P->building;
    P->building = n;
    size_t base = P->items.n, argc = 0, open = P->pos;
    push_plain_arg(P, open, open + 2, &argc);
    P->pos += 2;
    bool closed = false, regex = false, newline_ok = false;
    for (;;) {
        sh_skip_blanks(P);
        int c = sh_peek(P, 0);
        if (c < 0 || c == ';')
            break;
        if (c == '\n') {
            if (!newline_ok)
                break;
            sh_consume_newline(P);
            continue;
        }
        if (c == ']' && sh_peek(P, 1) == ']' && sh_is_delim(sh_peek(P, 2))) {
            push_plain_arg(P, P->pos, P->pos + 2, &argc);
            P->pos += 2;
            closed = true;
            break;
        }
        if (!regex && (c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')')) {
            size_t len = (c == '&' || c == '|') && sh_peek(P, 1) == c ? 2 : 1;
            push_plain_arg(P, P->pos, P->pos + len, &argc);
            P->pos += len;
            newline_ok = len == 2 || c == '(';
            continue;
        }
        cmd_node *last = n->last_child;
        lexed_word lw;
        if (!sh_lex_word(P, regex ? WM_REGEX : WM_NORMAL, &lw)) {
            P->pos++;
            continue;
        }
        set_parent_word(n, last, argc);
        push_word(P, ITEM_ARG, &lw);
        argc++;
        regex = sh_word_is(&lw.w, "=~");
        newline_ok = sh_word_is(&lw.w, "!");
    }
    if (!closed)
        sh_error_at(P, open, "missing ']]'");
    else
        parse_trailing_redirections(P, n);
    P->building = outer;
    sh_complete_command(P, n, base);
    return n;
}

/* (( expression )): a command "((" EXPR "))". */
static cmd_node *parse_arith_command(sh_parser *P)
{
    cmd_node *n = sh_node_new(P);
    cmd_node *outer = P->building;
    P->building = n;
    size_t base = P->items.n, argc = 0, open = P->pos;
    push_plain_arg(P, open, open + 2, &argc);
    P->pos += 2;
    cmd_node *last = n->last_child;
    lexed_word expr;
    sh_lex_arith_expr(P, open, &expr);
    set_parent_word(n, last, argc);
    push_word(P, ITEM_ARG, &expr);
    argc++;
    if (P->pos >= expr.text_end + 2 && P->s[P->pos - 1] == ')') {
        push_plain_arg(P, P->pos - 2, P->pos, &argc);
        parse_trailing_redirections(P, n);
    }
    P->building = outer;
    sh_complete_command(P, n, base);
    return n;
}

/* ---------------------------------------------------- compound commands */

static cmd_node *parse_command(sh_parser *P, unsigned stop);
static cmd_node *parse_command_kw(sh_parser *P, unsigned stop, keyword k, size_t len);

/* A body list that ends with the keyword `close` (e.g. do ... done). */
static bool parse_body(sh_parser *P, unsigned stop, unsigned close_stop,
                       size_t close_len, unsigned ctx, size_t open,
                       const char *missing)
{
    unsigned saved = P->ctx;
    P->ctx |= ctx;
    unsigned tok = sh_parse_list(P, stop | close_stop);
    P->ctx = saved;
    if (tok != close_stop) {
        if (!P->abort)
            sh_error_at(P, open, missing);
        return false;
    }
    P->pos += close_len;
    return true;
}

static void parse_subshell(sh_parser *P, unsigned stop)
{
    size_t open = P->pos++;
    if (parse_body(P, stop, STOP_RPAREN, 1, SHC_SUBSHELL, open, "missing ')'"))
        parse_trailing_redirections(P, NULL);
}

static void parse_group(sh_parser *P, unsigned stop)
{
    size_t open = P->pos++;
    if (parse_body(P, stop, STOP_RBRACE, 1, SHC_GROUP, open, "missing '}'"))
        parse_trailing_redirections(P, NULL);
}

static void parse_if(sh_parser *P, unsigned stop)
{
    size_t open = P->pos;
    P->pos += 2;
    for (;;) {
        /* fi/elif/else before then: report the missing then at the if. */
        if (!parse_body(P, stop | STOP_ELIF | STOP_ELSE | STOP_FI, STOP_THEN, 4,
                        SHC_CONDITION, open, "missing 'then'"))
            return;
        unsigned saved = P->ctx;
        P->ctx |= SHC_BRANCH;
        unsigned tok = sh_parse_list(P, stop | STOP_ELIF | STOP_ELSE | STOP_FI);
        P->ctx = saved;
        if (tok == STOP_ELIF) {
            P->pos += 4;
            continue;
        }
        if (tok == STOP_ELSE) {
            P->pos += 4;
            if (!parse_body(P, stop, STOP_FI, 2, SHC_BRANCH, open, "missing 'fi'"))
                return;
        } else if (tok == STOP_FI) {
            P->pos += 2;
        } else {
            if (!P->abort)
                sh_error_at(P, open, "missing 'fi'");
            return;
        }
        parse_trailing_redirections(P, NULL);
        return;
    }
}

/* do ... done (or bash's { ... } after for/select). */
static void parse_loop_body(sh_parser *P, unsigned stop, size_t open)
{
    size_t len;
    sh_skip_linebreaks(P);
    keyword k = peek_keyword(P, &len);
    bool ok;
    if (k == KW_DO) {
        P->pos += len;
        ok = parse_body(P, stop, STOP_DONE, 4, SHC_LOOP, open, "missing 'done'");
    } else if (k == KW_LBRACE && P->bash) {
        P->pos += len;
        ok = parse_body(P, stop, STOP_RBRACE, 1, SHC_LOOP, open, "missing '}'");
    } else {
        if (!P->abort)
            sh_error_at(P, open, "missing 'do'");
        return;
    }
    if (ok)
        parse_trailing_redirections(P, NULL);
}

static void parse_while(sh_parser *P, unsigned stop, size_t kwlen)
{
    size_t open = P->pos;
    P->pos += kwlen;
    unsigned saved = P->ctx;
    P->ctx |= SHC_CONDITION;
    unsigned tok = sh_parse_list(P, stop | STOP_DO | STOP_DONE);
    P->ctx = saved;
    if (tok != STOP_DO) {
        if (!P->abort)
            sh_error_at(P, open, "missing 'do'");
        return;
    }
    parse_loop_body(P, stop, open);
}

/* for NAME [in WORDS]; do ...; done, for ((;;)), select NAME in ... */
static void parse_for(sh_parser *P, unsigned stop, size_t kwlen)
{
    size_t open = P->pos;
    P->pos += kwlen;
    sh_skip_blanks(P);
    lexed_word lw;
    if (P->bash && kwlen == 3 && sh_peek(P, 0) == '(' && sh_peek(P, 1) == '(') {
        size_t at = P->pos;
        P->pos += 2;
        sh_lex_arith_expr(P, at, &lw);
        sh_skip_blanks(P);
        if (sh_peek(P, 0) == ';')
            P->pos++;
        parse_loop_body(P, stop, open);
        return;
    }
    int c = sh_peek(P, 0);
    if (c < 0 || sh_is_delim(c) || !sh_lex_word(P, WM_NORMAL, &lw)) {
        sh_error_at(P, open, "missing loop variable");
        return;
    }
    sh_skip_linebreaks(P);
    size_t len;
    if (at_keyword(P, KW_IN, &len)) {
        P->pos += len;
        for (;;) {
            sh_skip_blanks(P);
            c = sh_peek(P, 0);
            if (c == ';') {
                P->pos++;
                break;
            }
            if (c == '\n') {
                sh_consume_newline(P);
                break;
            }
            if (c < 0 || sh_is_delim(c)) {
                if (c >= 0)
                    report_unexpected(P);
                break;
            }
            if (!sh_lex_word(P, WM_NORMAL, &lw))
                break;
        }
    } else if (sh_peek(P, 0) == ';') {
        P->pos++;
    }
    parse_loop_body(P, stop, open);
}

static void parse_case(sh_parser *P, unsigned stop)
{
    size_t open = P->pos;
    P->pos += 4;
    sh_skip_blanks(P);
    lexed_word lw;
    int c = sh_peek(P, 0);
    if (c < 0 || sh_is_delim(c) || !sh_lex_word(P, WM_NORMAL, &lw)) {
        sh_error_at(P, open, "missing word after 'case'");
        return;
    }
    sh_skip_linebreaks(P);
    size_t len;
    if (!at_keyword(P, KW_IN, &len)) {
        sh_error_at(P, open, "missing 'in'");
        return;
    }
    P->pos += len;
    for (;;) {
        sh_skip_linebreaks(P);
        if (at_keyword(P, KW_ESAC, &len)) {
            P->pos += len;
            parse_trailing_redirections(P, NULL);
            return;
        }
        if (sh_at_end(P))
            break;
        if (sh_peek(P, 0) == '(')
            P->pos++;
        /* Patterns: word ('|' word)* ')' */
        for (;;) {
            sh_skip_blanks(P);
            c = sh_peek(P, 0);
            if (c < 0 || sh_is_delim(c) || !sh_lex_word(P, WM_NORMAL, &lw)) {
                if (!P->abort)
                    sh_error_at(P, P->pos, "bad case pattern");
                return;
            }
            sh_skip_blanks(P);
            c = sh_peek(P, 0);
            if (c == '|') {
                P->pos++;
                continue;
            }
            if (c == ')') {
                P->pos++;
                break;
            }
            if (!P->abort)
                sh_error_at(P, P->pos, "missing ')' after case pattern");
            return;
        }
        unsigned saved = P->ctx;
        P->ctx |= SHC_BRANCH;
        unsigned tok = sh_parse_list(P, stop | STOP_DSEMI | STOP_ESAC);
        P->ctx = saved;
        if (tok == STOP_DSEMI) {
            /* ;;  ;&  ;;& */
            P->pos += (sh_peek(P, 1) == ';' && sh_peek(P, 2) == '&' && P->bash) ? 3 : 2;
            continue;
        }
        if (tok != STOP_ESAC)
            break;
    }
    if (!P->abort)
        sh_error_at(P, open, "missing 'esac'");
}

static void add_function(sh_parser *P, size_t start, size_t end)
{
    const char *name = arena_strndup(P->a, P->s + start, end - start);
    *ARENA_PUSH(P->a, P->functions, P->nfunctions, P->functions_cap) = name;
}

/* Bytes a function name may hold (bash is liberal). */
static inline bool function_name_char(char c)
{
    return !sh_byte_is(c, CC_FNAME_END);
}

/* NAME ( ) at pos? Sets the end of the name and of the parentheses. */
static bool function_def_ahead(const sh_parser *P, size_t *name_end, size_t *after)
{
    size_t i = P->pos;
    while (i < P->end && function_name_char(P->s[i]))
        i++;
    if (i == P->pos)
        return false;
    size_t j = i;
    while (j < P->end && (P->s[j] == ' ' || P->s[j] == '\t'))
        j++;
    if (j >= P->end || P->s[j] != '(')
        return false;
    j++;
    while (j < P->end && (P->s[j] == ' ' || P->s[j] == '\t'))
        j++;
    if (j >= P->end || P->s[j] != ')')
        return false;
    *name_end = i;
    *after = j + 1;
    return true;
}


static void parse_function_body(sh_parser *P, unsigned stop, size_t open)
{
    sh_skip_linebreaks(P);
    if (!can_start_command(P)) {
        if (!P->abort)
            sh_error_at(P, open, "missing function body");
        return;
    }
    unsigned saved = P->ctx;
    P->ctx |= SHC_FUNCTION;
    parse_command(P, stop); /* a body of its own: a one-command pipeline */
    P->ctx = saved;
}

static void parse_function(sh_parser *P, unsigned stop, size_t name_end, size_t after)
{
    size_t open = P->pos;
    add_function(P, P->pos, name_end);
    P->pos = after;
    parse_function_body(P, stop, open);
}

/* function NAME [()] body */
static void parse_function_keyword(sh_parser *P, unsigned stop)
{
    size_t open = P->pos;
    P->pos += 8;
    sh_skip_blanks(P);
    size_t start = P->pos;
    while (P->pos < P->end && function_name_char(P->s[P->pos]))
        P->pos++;
    if (P->pos == start) {
        sh_error_at(P, open, "missing function name");
        return;
    }
    add_function(P, start, P->pos);
    size_t name_end, after;
    size_t save = P->pos;
    P->pos = start;
    if (function_def_ahead(P, &name_end, &after))
        P->pos = after;
    else
        P->pos = save;
    parse_function_body(P, stop, open);
}

/* coproc [NAME] command: runs asynchronously. */
static cmd_node *parse_coproc(sh_parser *P, unsigned stop)
{
    P->pos += 6;
    sh_skip_blanks(P);
    size_t len, i = P->pos;
    if (!at_keyword(P, KW_LBRACE, &len) && sh_peek(P, 0) != '(') {
        while (i < P->end && sh_is_name_char((unsigned char)P->s[i]))
            i++;
        size_t j = i;
        while (j < P->end && (P->s[j] == ' ' || P->s[j] == '\t'))
            j++;
        size_t save = P->pos;
        P->pos = j;
        bool named = i > save && (at_keyword(P, KW_LBRACE, &len) || sh_peek(P, 0) == '(');
        if (!named)
            P->pos = save;
    }
    cmd_node *mark = P->lv->tail;
    cmd_node *n = can_start_command(P) ? parse_command(P, stop) : NULL;
    mark_from(P, mark, SHC_BACKGROUND);
    return n;
}

/* The command at pos, where peek_keyword() found k (len bytes). */
static cmd_node *parse_command_at(sh_parser *P, unsigned stop, keyword k, size_t len)
{
    if (sh_peek(P, 0) == '(') {
        if (P->bash && sh_peek(P, 1) == '(' && sh_arith_ahead(P, P->pos + 2))
            return parse_arith_command(P);
        parse_subshell(P, stop);
        return NULL;
    }
    switch (k) {
    case KW_LBRACE:
        parse_group(P, stop);
        return NULL;
    case KW_IF:
        parse_if(P, stop);
        return NULL;
    case KW_WHILE: case KW_UNTIL:
        parse_while(P, stop, len);
        return NULL;
    case KW_FOR: case KW_SELECT:
        parse_for(P, stop, len);
        return NULL;
    case KW_CASE:
        parse_case(P, stop);
        return NULL;
    case KW_FUNCTION:
        parse_function_keyword(P, stop);
        return NULL;
    case KW_COPROC:
        return parse_coproc(P, stop);
    case KW_DLBRACK:
        return parse_cond(P);
    default:
        break;
    }
    size_t name_end, after;
    if (function_def_ahead(P, &name_end, &after)) {
        parse_function(P, stop, name_end, after);
        return NULL;
    }
    return parse_simple(P);
}

/* A command at pos, where peek_keyword() found k (len bytes); NULL unless
 * it is a simple command (or [[ ]], (( ))). */
static cmd_node *parse_command_kw(sh_parser *P, unsigned stop, keyword k, size_t len)
{
    cmd_node *n = NULL;
    if (sh_enter(P, P->pos))
        n = parse_command_at(P, stop, k, len);
    sh_leave(P);
    return n;
}

/* The same, peeking the keyword. */
static cmd_node *parse_command(sh_parser *P, unsigned stop)
{
    size_t len = 0;
    keyword k = peek_keyword(P, &len);
    return parse_command_kw(P, stop, k, len);
}

/* ---------------------------------------------------- pipelines, lists */

static void link_pipeline(sh_parser *P, size_t base)
{
    size_t n = P->pipes.n - base;
    cmd_node **el = P->pipes.v + base;
    uint32_t id = 0;
    bool have_id = false;
    for (size_t k = 0; k < n; k++) {
        if (!el[k])
            continue;
        if (!have_id) {
            id = el[k]->cmd.pipeline;
            have_id = true;
        }
        sh_command *c = &el[k]->cmd;
        c->pipeline = id;
        /* Both saturate: a pipeline longer than 65535 keeps pos < len. */
        c->pipe_len = (uint16_t)(n < UINT16_MAX ? n : UINT16_MAX);
        c->pipe_pos = (uint16_t)(k < c->pipe_len ? k : c->pipe_len - 1u);
        c->pipe_prev = k > 0 && el[k - 1] ? &el[k - 1]->cmd : NULL;
        c->pipe_next = k + 1 < n && el[k + 1] ? &el[k + 1]->cmd : NULL;
    }
}

static void set_sep(sh_parser *P, size_t base, sh_sep sep)
{
    for (size_t k = base; k < P->pipes.n; k++)
        if (P->pipes.v[k])
            P->pipes.v[k]->cmd.sep = sep;
    P->pipes.n = base;
}

/*
 * A pipeline at pos, where a command can start (the caller saw it), blanks
 * are skipped and peek_keyword() found k (len bytes). Its elements stay on
 * P->pipes from the returned index until the caller knows the separator
 * that follows; pos is left after blanks.
 */
static size_t parse_pipeline(sh_parser *P, unsigned stop, keyword k, size_t len)
{
    size_t base = P->pipes.n;
    cmd_node *mark = P->lv->tail;
    bool negate = false, ready = true;
    /* Here and after each '|', blanks are skipped and k is the keyword at
     * pos. */
    while (k == KW_BANG || k == KW_TIME) {
        P->pos += len;
        if (k == KW_BANG) {
            negate = !negate;
        } else {
            sh_skip_blanks(P);
            if (sh_peek(P, 0) == '-' && sh_peek(P, 1) == 'p' && sh_is_delim(sh_peek(P, 2)))
                P->pos += 2;
        }
        sh_skip_blanks(P);
        k = peek_keyword(P, &len);
        ready = can_start_command_at(P, peek_stop_at(P, k));
    }
    while (ready) {
        cmd_node *n = parse_command_kw(P, stop, k, len); /* may grow P->pipes */
        *SH_PUSH(P->pipes) = n;
        sh_skip_blanks(P);
        if (sh_peek(P, 0) != '|' || sh_peek(P, 1) == '|')
            break;
        P->pos += P->bash && sh_peek(P, 1) == '&' ? 2 : 1;
        sh_skip_linebreaks(P);
        k = peek_keyword(P, &len);
        if (!can_start_command_at(P, peek_stop_at(P, k))) {
            report_unexpected(P);
            break;
        }
    }
    link_pipeline(P, base);
    if (negate)
        mark_from(P, mark, SHC_NEGATED);
    return base;
}

/* An and-or list at pos, as for parse_pipeline; pos is left after blanks. */
static size_t parse_and_or(sh_parser *P, unsigned stop, keyword k, size_t len)
{
    size_t base = parse_pipeline(P, stop, k, len);
    for (;;) {
        int c = sh_peek(P, 0);
        if ((c != '&' && c != '|') || sh_peek(P, 1) != c)
            return base;
        set_sep(P, base, c == '&' ? SH_SEP_AND : SH_SEP_OR);
        P->pos += 2;
        sh_skip_linebreaks(P);
        k = peek_keyword(P, &len);
        if (!can_start_command_at(P, peek_stop_at(P, k))) {
            report_unexpected(P);
            return P->pipes.n;
        }
        base = parse_pipeline(P, stop, k, len);
    }
}

unsigned sh_parse_list(sh_parser *P, unsigned stop)
{
    for (;;) {
        sh_skip_linebreaks(P);
        size_t len = 0;
        keyword k = peek_keyword(P, &len);
        unsigned tok = peek_stop_at(P, k);
        if (tok & (stop | STOP_EOF))
            return tok;
        if (!can_start_command_at(P, tok)) {
            skip_unexpected(P);
            continue;
        }
        cmd_node *mark = P->lv->tail;
        size_t base = parse_and_or(P, stop, k, len);
        int c = sh_peek(P, 0), d = sh_peek(P, 1);
        sh_sep sep = SH_SEP_END;
        if (c == ';' && d != ';' && !(P->bash && d == '&')) {
            P->pos++;
            sep = SH_SEP_SEQ;
        } else if (c == '&' && d != '&' && !(P->bash && d == '>')) {
            P->pos++;
            sep = SH_SEP_BG;
            mark_from(P, mark, SHC_BACKGROUND);
        } else if (c == '\n') {
            set_sep(P, base, SH_SEP_SEQ);
            sh_consume_newline(P);
            continue;
        }
        set_sep(P, base, sep);
    }
}

/* ------------------------------------------------- levels, nested texts */

void sh_sub_begin(sh_parser *P, sh_level *lv, sub_save *sv, cmd_node *holder,
                  int holder_word, unsigned ctx, uint16_t depth)
{
    sv->lv = P->lv;
    sv->building = P->building;
    sv->ctx = P->ctx;
    sv->depth = P->depth;
    lv->head = lv->tail = NULL;
    lv->holder = holder;
    lv->holder_word = holder ? holder_word : -1;
    lv->hd_base = P->hds.n;
    P->lv = lv;
    P->building = NULL;
    P->ctx = ctx;
    P->depth = depth;
}

void sh_sub_end(sh_parser *P, sh_level *lv, const sub_save *sv)
{
    (void)lv;
    P->lv = sv->lv;
    P->building = sv->building;
    P->ctx = sv->ctx;
    P->depth = sv->depth;
}

/* Hand a substitution's commands to the command being read, or list them
 * at the current level when no simple command holds them (for words, case
 * subjects, redirections of compound commands). */
static void attach_substitution(sh_parser *P, cmd_node *building,
                                const sh_level *lv, size_t origin)
{
    if (building)
        sh_attach_children(building, lv->head, lv->tail, (uint32_t)origin);
    else
        sh_level_append(P->lv, lv->head, lv->tail);
}

static void begin_substitution(sh_parser *P, sh_level *lv, sub_save *sv,
                               unsigned ctx_flag)
{
    cmd_node *b = P->building;
    cmd_node *holder = b ? b : P->lv->holder;
    int word = b ? -1 : P->lv->holder_word;
    sh_sub_begin(P, lv, sv, holder, word, P->ctx | ctx_flag, (uint16_t)(P->depth + 1));
}

void sh_parse_substitution(sh_parser *P, size_t open_off, unsigned ctx_flag)
{
    sh_level lv;
    sub_save sv;
    begin_substitution(P, &lv, &sv, ctx_flag);
    unsigned tok = sh_parse_list(P, STOP_RPAREN);
    if (tok == STOP_RPAREN)
        P->pos++;
    else if (!P->abort)
        sh_error_at(P, open_off, "unterminated command substitution");
    sh_sub_end(P, &lv, &sv);
    attach_substitution(P, sv.building, &lv, open_off);
}

typedef struct text_save {
    const char *s;
    size_t end, pos;
    const srcmap *map;
    map_cursor cur;
    bool bash;
} text_save;

static void text_push(sh_parser *P, text_save *t, const char *s, size_t len,
                      const srcmap *map)
{
    t->s = P->s;
    t->end = P->end;
    t->pos = P->pos;
    t->map = P->map;
    t->cur = P->cur;
    t->bash = P->bash;
    P->s = s;
    P->end = len;
    P->pos = 0;
    P->map = map;
    P->cur = (map_cursor){0};
}

static void text_pop(sh_parser *P, const text_save *t)
{
    P->s = t->s;
    P->end = t->end;
    P->pos = t->pos;
    P->map = t->map;
    P->cur = t->cur;
    P->bash = t->bash;
}

void sh_parse_substitution_text(sh_parser *P, const char *text, size_t len,
                                const srcmap *map, size_t origin)
{
    sh_level lv;
    sub_save sv;
    text_save ts;
    begin_substitution(P, &lv, &sv, SHC_CMDSUBST);
    text_push(P, &ts, text, len, map);
    sh_parse_list(P, 0);
    sh_finish_heredocs(P, lv.hd_base);
    text_pop(P, &ts);
    sh_sub_end(P, &lv, &sv);
    attach_substitution(P, sv.building, &lv, origin);
}

void sh_parse_nested(sh_parser *P, cmd_node *holder, int word,
                     const char *text, size_t len, const srcmap *map,
                     uint32_t origin, int bash)
{
    if (holder->cmd.depth + 1u > P->max_depth) {
        P->truncated = true;
        return;
    }
    if (!sh_charge_nested(P, len))
        return;
    if (sh_enter(P, P->pos)) {
        sh_level lv;
        sub_save sv;
        text_save ts;
        sh_sub_begin(P, &lv, &sv, holder, word,
                     (holder->cmd.ctx & SH_CTX_INHERIT) | SHC_NESTED,
                     (uint16_t)(holder->cmd.depth + 1));
        text_push(P, &ts, text, len, map);
        if (bash >= 0)
            P->bash = bash > 0;
        sh_parse_list(P, 0);
        sh_finish_heredocs(P, lv.hd_base);
        text_pop(P, &ts);
        sh_sub_end(P, &lv, &sv);
        sh_attach_children(holder, lv.head, lv.tail, origin);
    }
    sh_leave(P);
}

/* ------------------------------------------------------ here-documents */

/*
 * The body as a script for a shell: tabs stripped for <<-, and for an
 * expanding body the escapes the outer shell removes (\$ \` \\ and
 * line continuations). `map` gets script offsets -> text offsets.
 */
static char *heredoc_text(sh_parser *P, const heredoc *h, bool decode,
                          size_t *len, srcmap *map)
{
    char *out = arena_alloc(P->a, (size_t)(h->body_end - h->body_start) + 1);
    size_t n = 0;
    bool line_start = true;
    for (size_t i = h->body_start; i < h->body_end; i++) {
        char c = P->s[i];
        if (line_start && h->strip_tabs && c == '\t')
            continue;
        line_start = false;
        if (decode && c == '\\' && i + 1 < h->body_end) {
            char d = P->s[i + 1];
            if (d == '\n') {
                i++;
                line_start = true;
                continue;
            }
            if (d == '$' || d == '`' || d == '\\') {
                if (map)
                    srcmap_add(map, P->a, n, i + 1);
                out[n++] = d;
                i++;
                continue;
            }
        }
        if (map)
            srcmap_add(map, P->a, n, i);
        out[n++] = c;
        if (c == '\n')
            line_start = true;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

static void store_body(sh_parser *P, heredoc *h)
{
    size_t len = h->body_end - h->body_start;
    if (h->strip_tabs)
        h->body = heredoc_text(P, h, false, &len, NULL);
    else
        h->body = arena_strndup(P->a, P->s + h->body_start, len);
    h->body_len = len;
    h->body_off = sh_src(P, h->body_start);
    h->read = true;
}

static bool heredoc_ready(const heredoc *h)
{
    return h->read && (!h->has_node || h->node_done);
}

/* Read the body of `h` from pos: lines up to the delimiter line. */
static void read_heredoc(sh_parser *P, heredoc *h)
{
    size_t i = P->pos;
    bool found = false;
    h->body_start = (uint32_t)i;
    while (i < P->end) {
        const char *nl = memchr(P->s + i, '\n', P->end - i);
        size_t line_end = nl ? (size_t)(nl - P->s) : P->end;
        size_t c = i;
        if (h->strip_tabs)
            while (c < line_end && P->s[c] == '\t')
                c++;
        if (line_end - c == h->delim_len && memcmp(P->s + c, h->delim, h->delim_len) == 0) {
            h->body_end = (uint32_t)i;
            P->pos = nl ? line_end + 1 : line_end;
            found = true;
            break;
        }
        i = nl ? line_end + 1 : line_end;
    }
    if (!found) {
        h->body_end = (uint32_t)P->end;
        P->pos = P->end;
        sh_error_at(P, h->op_off, "unterminated here-document");
    }
    store_body(P, h);
    if (heredoc_ready(h))
        sh_deliver_heredoc(P, h);
}

void sh_read_heredocs(sh_parser *P)
{
    size_t base = P->lv->hd_base, n = P->hds.n;
    for (size_t k = base; k < n && !P->abort; k++)
        read_heredoc(P, P->hds.v[k]);
    P->hds.n = base;
}

void sh_finish_heredocs(sh_parser *P, size_t base)
{
    size_t n = P->hds.n;
    for (size_t k = base; k < n; k++) {
        heredoc *h = P->hds.v[k];
        if (h->read)
            continue;
        if (!P->abort)
            sh_error_at(P, h->op_off, "unterminated here-document");
        h->body_start = h->body_end = (uint32_t)P->end;
        store_body(P, h);
        if (heredoc_ready(h))
            sh_deliver_heredoc(P, h);
    }
    P->hds.n = base;
}

/* The body is known and so is its command: store it, then parse it as a
 * script if a shell reads it, or list the substitutions it expands. */
void sh_deliver_heredoc(sh_parser *P, heredoc *h)
{
    cmd_node *n = h->node;
    if (n) {
        sh_redir *r = &n->cmd.redirs[h->redir_index];
        r->body = h->body;
        r->body_len = h->body_len;
        r->body_off = h->body_off;
        r->body_expands = h->expands;
    }
    if (P->abort)
        return;
    if (n && n->stdin_shell && (h->fd == -1 || h->fd == 0)) {
        srcmap *inner = ARENA_NEW(P->a, srcmap);
        size_t len;
        char *text = heredoc_text(P, h, h->expands, &len, inner);
        srcmap *map = srcmap_compose(P->a, inner, len, P->map);
        sh_parse_nested(P, n, -1, text, len, map, h->body_start, -1);
        return;
    }
    if (!h->expands || h->body_end == h->body_start)
        return;

    size_t save_pos = P->pos, save_end = P->end, hbase = P->hds.n;
    cmd_node *save_building = P->building;
    unsigned save_ctx = P->ctx;
    uint16_t save_depth = P->depth;
    P->pos = h->body_start;
    P->end = h->body_end;
    P->building = n;
    P->ctx = h->ctx | SHC_HEREDOC;
    P->depth = h->depth;
    sh_scan_heredoc_body(P);
    sh_finish_heredocs(P, hbase);
    P->pos = save_pos;
    P->end = save_end;
    P->building = save_building;
    P->ctx = save_ctx;
    P->depth = save_depth;
}
