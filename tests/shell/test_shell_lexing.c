/* Shell front end: quoting, words, expansions, values and positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "shell/shell.h"
#include "util/arena.h"
#include "test_arena.h"
#include "shell/shell_test.h"

static sh_script *parse(void **state, const char *text)
{
    return sh_parse(*state, text, strlen(text), NULL, NULL);
}

static void assert_word(const sh_word *w, const char *value, const char *raw,
                        unsigned flags)
{
    assert_string_equal(w->value, value);
    assert_int_equal(w->len, strlen(value));
    assert_string_equal(w->raw, raw);
    assert_int_equal(w->flags, flags);
}

static void test_plain_words(void **state)
{
    const char *t = "apt-get install -y curl";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 1);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 4);
    assert_word(&c->argv[0], "apt-get", "apt-get", 0);
    assert_word(&c->argv[3], "curl", "curl", 0);
    assert_int_equal(c->argv[2].off, 16);
    assert_int_equal(c->argv[2].end, 18);
    assert_int_equal(c->off, 0);
    assert_int_equal(c->end, strlen(t));
    assert_string_equal(c->name, "apt-get");
    assert_int_equal(c->nargs, 3);
    assert_string_equal(c->args[0].value, "install");
}

static void test_single_and_double_quotes(void **state)
{
    const char *t = "echo 'a b' \"c $HOME\" \"x\\\"y\\$z\\\\w\\q\" 'it'\"'\"'s'";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 5);
    assert_word(&c->argv[1], "a b", "'a b'", SHW_QUOTED);
    assert_word(&c->argv[2], "c $HOME", "\"c $HOME\"", SHW_QUOTED | SHW_DYNAMIC | SHW_PARAM);
    /* Inside double quotes \ escapes only $ ` " \ and newline. */
    assert_word(&c->argv[3], "x\"y$z\\w\\q", "\"x\\\"y\\$z\\\\w\\q\"", SHW_QUOTED);
    assert_word(&c->argv[4], "it's", "'it'\"'\"'s'", SHW_QUOTED);
}

static void test_backslash_and_continuation(void **state)
{
    const char *t = "echo a\\ b \\$x c\\\nd \\\n  e";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 5);
    assert_word(&c->argv[1], "a b", "a\\ b", SHW_QUOTED);
    assert_word(&c->argv[2], "$x", "\\$x", SHW_QUOTED);
    /* A line continuation disappears, even inside a word. */
    assert_word(&c->argv[3], "cd", "c\\\nd", 0);
    assert_word(&c->argv[4], "e", "e", 0);
    assert_int_equal(c->argv[4].off, at(t, "e", 1));
}

static void test_ansi_c_and_locale_strings(void **state)
{
    const char *t = "printf $'a\\tb\\n\\x41\\101\\u00e9\\\\\\'' $\"hi $x\" $'cut\\0here'";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 4);
    assert_string_equal(c->argv[1].value, "a\tb\nAA\xc3\xa9\\'");
    assert_int_equal(c->argv[1].flags, SHW_QUOTED);
    assert_string_equal(c->argv[2].value, "hi $x");
    assert_int_equal(c->argv[2].flags, SHW_QUOTED | SHW_DYNAMIC | SHW_PARAM);
    /* A NUL ends an ANSI-C string, as in bash. */
    assert_string_equal(c->argv[3].value, "cut");

    /* POSIX sh has no $'...': a '$' then a quoted string. */
    sh_options posix = {.dialect = SH_DIALECT_POSIX};
    s = sh_parse(*state, "echo $'a\\n'", 11, NULL, &posix);
    assert_string_equal(s->cmds[0]->argv[1].value, "$a\\n");
}

static void test_comments(void **state)
{
    const char *t = "echo a#b # comment ; rm -rf /\n# whole line\nls #x";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 2);
    assert_int_equal(s->cmds[0]->argc, 2);
    assert_string_equal(s->cmds[0]->argv[1].value, "a#b");
    assert_string_equal(s->cmds[1]->name, "ls");
    assert_int_equal(s->cmds[1]->argc, 1);
}

static void test_expansions_keep_written_form(void **state)
{
    const char *t = "curl \"pkg=${VER}\" ${A:-\"x y\"} $(uname -m)x `id -u` $((1+2)) $? $$ $# $1 $@ ${#arr[@]} ${x//a/b} a$ $";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 15);
    assert_word(&c->argv[1], "pkg=${VER}", "\"pkg=${VER}\"", SHW_QUOTED | SHW_DYNAMIC | SHW_PARAM);
    assert_word(&c->argv[2], "${A:-\"x y\"}", "${A:-\"x y\"}", SHW_QUOTED | SHW_DYNAMIC | SHW_PARAM);
    assert_word(&c->argv[3], "$(uname -m)x", "$(uname -m)x", SHW_DYNAMIC | SHW_CMDSUBST);
    assert_word(&c->argv[4], "`id -u`", "`id -u`", SHW_DYNAMIC | SHW_CMDSUBST);
    assert_word(&c->argv[5], "$((1+2))", "$((1+2))", SHW_DYNAMIC | SHW_ARITH);
    for (int i = 6; i <= 12; i++)
        assert_int_equal(c->argv[i].flags, SHW_DYNAMIC | SHW_PARAM);
    assert_string_equal(c->argv[11].value, "${#arr[@]}");
    assert_string_equal(c->argv[12].value, "${x//a/b}");
    /* A '$' that starts nothing is a literal. */
    assert_word(&c->argv[13], "a$", "a$", 0);
    assert_word(&c->argv[14], "$", "$", 0);
    /* The substitutions' commands are listed after the command. */
    assert_int_equal(s->ncmds, 3);
    assert_string_equal(s->cmds[1]->name, "uname");
    assert_string_equal(s->cmds[2]->name, "id");
}

static void test_substitution_nesting_and_quotes(void **state)
{
    const char *t = "echo \"$(echo \"$(date +%s)\" ')' \"(\")\" ${x:-$(pwd)} $(case $y in a) echo A;; (b) echo B;; esac)";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->cmds[0]->argc, 4);
    const char *names[] = {"echo", "echo", "date", "pwd", NULL, NULL};
    assert_int_equal(s->ncmds, 6);
    for (int i = 0; i < 4; i++)
        assert_string_equal(s->cmds[i]->name, names[i]);
    /* echo A / echo B from the case arms. */
    assert_string_equal(s->cmds[4]->argv[1].value, "A");
    assert_string_equal(s->cmds[5]->argv[1].value, "B");
    assert_int_equal(s->cmds[4]->ctx, SHC_CMDSUBST | SHC_BRANCH);
    assert_int_equal(s->cmds[2]->depth, 2);
    assert_ptr_equal(s->cmds[2]->parent, s->cmds[1]);
    assert_int_equal(s->cmds[2]->parent_word, 1);
    assert_ptr_equal(s->cmds[3]->parent, s->cmds[0]);
    assert_int_equal(s->cmds[3]->parent_word, 2);
    assert_int_equal(s->cmds[0]->argv[2].flags, SHW_DYNAMIC | SHW_PARAM | SHW_CMDSUBST);
}

static void test_arithmetic_versus_subshell(void **state)
{
    const char *t = "echo $(( (1+2) * $(nproc) )) $( (cd /; ls) ) $((echo a) | cat)";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 4);
    assert_int_equal(c->argv[1].flags, SHW_DYNAMIC | SHW_ARITH | SHW_CMDSUBST);
    assert_int_equal(c->argv[2].flags, SHW_DYNAMIC | SHW_CMDSUBST);
    assert_int_equal(c->argv[3].flags, SHW_DYNAMIC | SHW_CMDSUBST);
    assert_int_equal(s->ncmds, 6);
    assert_string_equal(s->cmds[1]->name, "nproc");
    assert_string_equal(s->cmds[2]->name, "cd");
    assert_int_equal(s->cmds[2]->ctx, SHC_CMDSUBST | SHC_SUBSHELL);
    assert_string_equal(s->cmds[3]->name, "ls");
    assert_string_equal(s->cmds[4]->name, "echo");
    assert_string_equal(s->cmds[5]->name, "cat");
    assert_int_equal(s->cmds[5]->pipe_pos, 1);
}

static void test_backquotes(void **state)
{
    const char *t = "echo `echo \\`date\\` \\$HOME` \"`id -un`\"";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 4);
    const sh_command *inner = s->cmds[1];
    assert_string_equal(inner->name, "echo");
    assert_int_equal(inner->argc, 3);
    assert_string_equal(inner->argv[2].value, "$HOME");
    /* Positions inside backquotes map back to the text. */
    assert_string_equal(s->cmds[2]->name, "date");
    assert_int_equal(s->cmds[2]->off, at(t, "date", 0));
    assert_int_equal(s->cmds[2]->depth, 2);
    assert_string_equal(s->cmds[3]->name, "id");
    assert_int_equal(s->cmds[3]->argv[1].off, at(t, "-un", 0));
}

static void test_process_substitution(void **state)
{
    const char *t = "diff <(sort a) >(tee b) && bash <(curl -s https://x)";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 5);
    assert_int_equal(s->cmds[0]->argc, 3);
    assert_int_equal(s->cmds[0]->argv[1].flags, SHW_DYNAMIC | SHW_PROCSUBST);
    assert_string_equal(s->cmds[1]->name, "sort");
    assert_int_equal(s->cmds[1]->ctx, SHC_PROCSUBST);
    assert_int_equal(s->cmds[1]->parent_word, 1);
    assert_string_equal(s->cmds[2]->name, "tee");
    assert_int_equal(s->cmds[2]->parent_word, 2);
    assert_string_equal(s->cmds[3]->name, "bash");
    assert_string_equal(s->cmds[4]->name, "curl");
    assert_ptr_equal(s->cmds[4]->parent, s->cmds[3]);
}

static void test_globs_braces_tilde(void **state)
{
    const char *t = "ls *.c a?b [ab]x x[ '*' {a,b} {1..3} {} ~/x ~ a~b \"~\" x=~";
    sh_script *s = parse(state, t);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 14);
    assert_int_equal(c->argv[1].flags, SHW_GLOB);
    assert_int_equal(c->argv[2].flags, SHW_GLOB);
    assert_int_equal(c->argv[3].flags, SHW_GLOB);
    assert_int_equal(c->argv[4].flags, 0);
    assert_int_equal(c->argv[5].flags, SHW_QUOTED);
    assert_int_equal(c->argv[6].flags, SHW_BRACE);
    assert_int_equal(c->argv[7].flags, SHW_BRACE);
    assert_int_equal(c->argv[8].flags, 0);
    assert_int_equal(c->argv[9].flags, SHW_TILDE);
    assert_int_equal(c->argv[10].flags, SHW_TILDE);
    assert_int_equal(c->argv[11].flags, 0);
    assert_int_equal(c->argv[12].flags, SHW_QUOTED);
    assert_string_equal(c->argv[13].value, "x=~");
}

static void test_operators_and_redirections(void **state)
{
    const char *t = "cmd <in >out 2>>err >|clob 3<>rw 4<&0 5>&- &>all &>>app 2>&1 {fd}>f x<y";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 2);
    assert_string_equal(c->argv[1].value, "x");
    assert_int_equal(c->nredirs, 12);
    const struct { int fd; sh_redir_op op; const char *target; } want[] = {
        {-1, SH_REDIR_IN, "in"},       {-1, SH_REDIR_OUT, "out"},
        {2, SH_REDIR_APPEND, "err"},   {-1, SH_REDIR_CLOBBER, "clob"},
        {3, SH_REDIR_RDWR, "rw"},      {4, SH_REDIR_DUP_IN, "0"},
        {5, SH_REDIR_DUP_OUT, "-"},    {-1, SH_REDIR_OUT_ERR, "all"},
        {-1, SH_REDIR_APPEND_ERR, "app"}, {2, SH_REDIR_DUP_OUT, "1"},
        {-1, SH_REDIR_OUT, "f"},       {-1, SH_REDIR_IN, "y"},
    };
    for (size_t i = 0; i < 12; i++) {
        assert_int_equal(c->redirs[i].fd, want[i].fd);
        assert_int_equal(c->redirs[i].op, want[i].op);
        assert_string_equal(c->redirs[i].target.value, want[i].target);
    }
    assert_int_equal(c->redirs[2].target.off, at(t, "err", 0));
    assert_int_equal(c->end, strlen(t));

    /* In POSIX sh, &> is a background & and then a redirection. */
    sh_options posix = {.dialect = SH_DIALECT_POSIX};
    s = sh_parse(*state, "a &>f", 5, NULL, &posix);
    assert_int_equal(s->ncmds, 2);
    assert_true(s->cmds[0]->ctx & SHC_BACKGROUND);
    assert_int_equal(s->cmds[1]->argc, 0);
    assert_int_equal(s->cmds[1]->nredirs, 1);
}

static void test_assignments_and_arrays(void **state)
{
    const char *t = "A=1 B+=x arr=(a \"b c\" $(d)) m[k]=v cmd C=3";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->nassigns, 4);
    assert_string_equal(c->assigns[0].value, "A=1");
    assert_string_equal(c->assigns[1].value, "B+=x");
    assert_string_equal(c->assigns[2].value, "arr=(a \"b c\" $(d))");
    assert_true(c->assigns[2].flags & SHW_CMDSUBST);
    assert_string_equal(c->assigns[3].value, "m[k]=v");
    assert_int_equal(c->argc, 2);
    assert_string_equal(c->argv[1].value, "C=3");
    assert_int_equal(s->ncmds, 2);
    assert_string_equal(s->cmds[1]->name, "d");
    assert_int_equal(s->cmds[1]->parent_word, -1);

    s = parse(state, "X=$(id) Y=2");
    assert_int_equal(s->cmds[0]->argc, 0);
    assert_null(s->cmds[0]->name);
    assert_int_equal(s->cmds[0]->nassigns, 2);
}

static const char *resolver(void *ctx, const char *name, size_t len, size_t *vlen)
{
    (void)ctx;
    if (len == 3 && memcmp(name, "VER", 3) == 0) {
        *vlen = 5;
        return "1.2.3";
    }
    return NULL;
}

static void test_resolver(void **state)
{
    const char *t = "pip install \"pkg==${VER}\" pkg==$VER x$OTHER ${VER:-9} '$VER'";
    sh_options o = {.resolve = resolver};
    sh_script *s = sh_parse(*state, t, strlen(t), NULL, &o);
    const sh_command *c = s->cmds[0];
    assert_word(&c->argv[2], "pkg==1.2.3", "\"pkg==${VER}\"", SHW_QUOTED);
    assert_true(sh_word_is(&c->argv[2], "pkg==1.2.3"));
    assert_word(&c->argv[3], "pkg==1.2.3", "pkg==$VER", 0);
    assert_word(&c->argv[4], "x$OTHER", "x$OTHER", SHW_DYNAMIC | SHW_PARAM);
    assert_word(&c->argv[5], "${VER:-9}", "${VER:-9}", SHW_DYNAMIC | SHW_PARAM);
    assert_word(&c->argv[6], "$VER", "'$VER'", SHW_QUOTED);
}

static void test_offsets_through_srcmap(void **state)
{
    /* The text "curl -o x https://y" was joined from two source lines:
     * "curl -o " at source 100, "x https://y" at source 200. */
    arena *a = *state;
    const char *t = "curl -o x https://y";
    srcmap m = {0};
    srcmap_add(&m, a, 0, 100);
    srcmap_add(&m, a, 8, 200);
    sh_script *s = sh_parse(a, t, strlen(t), &m, NULL);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argv[0].off, 100);
    assert_int_equal(c->argv[1].off, 105);
    assert_int_equal(c->argv[2].off, 200);
    assert_int_equal(c->argv[3].off, 202);
    assert_int_equal(c->argv[3].end, 211);
    assert_int_equal(c->off, 100);
    assert_int_equal(c->end, 211);

    /* A word split across segments ends where its last byte is. */
    srcmap m2 = {0};
    srcmap_add(&m2, a, 0, 10);
    srcmap_add(&m2, a, 7, 50);
    s = sh_parse(a, "echo abcdef", 11, &m2, NULL);
    assert_int_equal(s->cmds[0]->argv[1].off, 15);
    assert_int_equal(s->cmds[0]->argv[1].end, 54);
}

/* Words are mostly plain bytes up to a delimiter, taken as written; other
 * bytes after a plain run go on with the word. */
static void test_how_plain_words_end(void **state)
{
    sh_script *s = parse(state, "echo a;echo b&echo c|cat>f<g\techo d\necho e");
    assert_null(s->error);
    assert_int_equal(s->ncmds, 5);
    assert_word(&s->cmds[0]->argv[1], "a", "a", 0);
    assert_int_equal(s->cmds[0]->argv[1].off, 5);
    assert_int_equal(s->cmds[0]->argv[1].end, 6);
    assert_word(&s->cmds[1]->argv[1], "b", "b", 0);
    assert_int_equal(s->cmds[1]->sep, SH_SEP_BG);
    assert_word(&s->cmds[2]->argv[1], "c", "c", 0);
    assert_int_equal(s->cmds[2]->pipe_len, 2);
    assert_int_equal(s->cmds[3]->argc, 3); /* cat echo d, after the tab */
    assert_word(&s->cmds[3]->redirs[0].target, "f", "f", 0);
    assert_word(&s->cmds[3]->redirs[1].target, "g", "g", 0);
    assert_word(&s->cmds[4]->argv[1], "e", "e", 0);
    assert_int_equal(s->cmds[4]->argv[1].end, 42);

    s = parse(state, "(echo a)");
    assert_word(&s->cmds[0]->argv[1], "a", "a", 0);

    s = parse(state, "echo ab'c'd ab$x ab* ab{c,d} ab\\ c ab~");
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->argc, 7);
    assert_word(&c->argv[1], "abcd", "ab'c'd", SHW_QUOTED);
    assert_word(&c->argv[2], "ab$x", "ab$x", SHW_PARAM | SHW_DYNAMIC);
    assert_word(&c->argv[3], "ab*", "ab*", SHW_GLOB);
    assert_word(&c->argv[4], "ab{c,d}", "ab{c,d}", SHW_BRACE);
    assert_word(&c->argv[5], "ab c", "ab\\ c", SHW_QUOTED);
    assert_word(&c->argv[6], "ab~", "ab~", 0);

    /* '(' goes on with an array assignment or an extglob; in a regex, ')'
     * and '|' belong to the word. */
    s = parse(state, "arr=(x y) ls @(a|b) x+(c)");
    c = s->cmds[0];
    assert_int_equal(c->nassigns, 1);
    assert_word(&c->assigns[0], "arr=(x y)", "arr=(x y)", 0);
    assert_word(&c->argv[1], "@(a|b)", "@(a|b)", SHW_GLOB);
    assert_word(&c->argv[2], "x+(c)", "x+(c)", SHW_GLOB);
    s = parse(state, "[[ a =~ b|c ]] && [[ x =~ ^(y|z)$ ]]");
    assert_null(s->error);
    assert_word(&s->cmds[0]->argv[3], "b|c", "b|c", 0);
    assert_word(&s->cmds[1]->argv[3], "^(y|z)$", "^(y|z)$", 0);
}

/* The first depth of "{ " groups around `word` that is too deep; the
 * error is at the word. */
static size_t first_too_deep(void **state, const char *word)
{
    char text[4096];
    for (size_t depth = 150; depth < 250; depth++) {
        size_t n = 0;
        for (size_t i = 0; i < depth; i++)
            n += (size_t)sprintf(text + n, "{ ");
        size_t at_word = n;
        n += (size_t)sprintf(text + n, "%s", word);
        for (size_t i = 0; i < depth; i++)
            n += (size_t)sprintf(text + n, "; }");
        sh_script *s = sh_parse(*state, text, n, NULL, NULL);
        if (!s->error) {
            assert_int_equal(s->ncmds, 1);
            continue;
        }
        assert_string_equal(s->error->message, "nesting too deep");
        assert_int_equal(s->error->off, at_word);
        assert_true(s->truncated);
        return depth;
    }
    fail_msg("no nesting limit");
    return 0;
}

/* A plain word (read as written) takes a level of nesting like a word
 * that needs decoding. */
static void test_plain_word_at_nesting_limit(void **state)
{
    assert_int_equal(first_too_deep(state, "word"), first_too_deep(state, "'word'"));
}

/* Positions through a map of many segments (a RUN joined from many lines),
 * read in order, back again by nested texts, and across segments. */
static void test_offsets_through_many_segments(void **state)
{
    arena *a = *state;
    const char *t = "apt-get install -y a b c && sh -c 'echo `id` $(uname)' && x=`cat f` y";
    size_t len = strlen(t);
    /* Every 5 bytes is a new source line, 20 bytes further per byte. */
    srcmap m = {0};
    for (size_t d = 0; d < len; d += 5)
        srcmap_add(&m, a, d, 1000 + 20 * d);
    sh_script *s = sh_parse(a, t, len, &m, NULL);
    assert_null(s->error);
    /* Each command's words as text spans [start, end), in list order. */
    static const uint32_t spans[][6][2] = {
        {{0, 7}, {8, 15}, {16, 18}, {19, 20}, {21, 22}, {23, 24}}, /* apt-get  */
        {{28, 30}, {31, 33}, {34, 54}},                            /* sh -c    */
        {{35, 39}, {40, 44}, {45, 53}},                            /* echo     */
        {{41, 43}},                                                /* id       */
        {{47, 52}},                                                /* uname    */
        {{68, 69}},                                                /* y        */
        {{61, 64}, {65, 66}},                                      /* cat f    */
    };
    static const size_t argcs[] = {6, 3, 3, 1, 1, 1, 2};
    assert_int_equal(s->ncmds, 7);
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *c = s->cmds[i];
        assert_int_equal(c->argc, argcs[i]);
        for (size_t k = 0; k < c->argc; k++) {
            assert_int_equal(c->argv[k].off, srcmap_lookup(&m, spans[i][k][0]));
            assert_int_equal(c->argv[k].end, srcmap_lookup(&m, spans[i][k][1] - 1) + 1);
        }
    }
    /* x=`cat f`, read after the nested texts. */
    assert_int_equal(s->cmds[5]->nassigns, 1);
    assert_int_equal(s->cmds[5]->assigns[0].off, srcmap_lookup(&m, 58));
    assert_int_equal(s->cmds[5]->assigns[0].end, srcmap_lookup(&m, 66) + 1);
}

static void test_text_is_not_nul_terminated(void **state)
{
    /* Only the first 7 bytes are the script. */
    const char buf[] = "echo hi'; rm -rf /'";
    sh_script *s = sh_parse(*state, buf, 7, NULL, NULL);
    assert_int_equal(s->ncmds, 1);
    assert_int_equal(s->cmds[0]->argc, 2);
    assert_string_equal(s->cmds[0]->argv[1].value, "hi");
    s = sh_parse(*state, "", 0, NULL, NULL);
    assert_int_equal(s->ncmds, 0);
    assert_null(s->error);
    s = sh_parse(*state, NULL, 0, NULL, NULL);
    assert_int_equal(s->ncmds, 0);
}

static void test_word_is(void **state)
{
    sh_script *s = parse(state, "rm -rf \"/\" $x '' /");
    const sh_command *c = s->cmds[0];
    assert_true(sh_word_is(&c->argv[0], "rm"));
    assert_false(sh_word_is(&c->argv[0], "r"));
    assert_false(sh_word_is(&c->argv[0], "rmx"));
    assert_true(sh_word_is(&c->argv[2], "/"));
    assert_false(sh_word_is(&c->argv[3], "$x"));
    assert_true(sh_word_is(&c->argv[4], ""));
    assert_true(sh_word_is(&c->argv[5], "/"));
    assert_false(sh_word_is(NULL, "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_and_double_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backslash_and_continuation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ansi_c_and_locale_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expansions_keep_written_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_substitution_nesting_and_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arithmetic_versus_subshell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backquotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_process_substitution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_globs_braces_tilde, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operators_and_redirections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assignments_and_arrays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolver, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_through_srcmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_how_plain_words_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_word_at_nesting_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_through_many_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_is_not_nul_terminated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_word_is, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
