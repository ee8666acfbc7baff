/* Shell front end: here-documents and here-strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "shell/shell.h"
#include "util/arena.h"
#include "test_arena.h"

static sh_script *parse(void **state, const char *text)
{
    return sh_parse(*state, text, strlen(text), NULL, NULL);
}

static uint32_t at(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    assert_non_null(p);
    return (uint32_t)(p - text);
}

static void assert_body(const sh_redir *r, const char *body, bool expands)
{
    assert_non_null(r->body);
    assert_int_equal(r->body_len, strlen(body));
    assert_memory_equal(r->body, body, r->body_len);
    assert_int_equal(r->body_expands, expands);
}

static void test_basic_heredoc(void **state)
{
    const char *t = "cat > /etc/conf <<EOF\nkey=$VALUE\nline two\nEOF\necho after";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 2);
    const sh_command *c = s->cmds[0];
    assert_int_equal(c->nredirs, 2);
    assert_int_equal(c->redirs[1].op, SH_REDIR_HEREDOC);
    assert_string_equal(c->redirs[1].target.value, "EOF");
    assert_body(&c->redirs[1], "key=$VALUE\nline two\n", true);
    assert_int_equal(c->redirs[1].body_off, at(t, "key="));
    assert_int_equal(c->sep, SH_SEP_SEQ);
    assert_string_equal(s->cmds[1]->name, "echo");
    assert_int_equal(s->cmds[1]->off, at(t, "echo"));
}

static void test_quoted_delimiters(void **state)
{
    const char *forms[] = {"<<'EOF'", "<<\"EOF\"", "<<\\EOF", "<<E\"OF\"", "<< 'EOF'"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char t[128];
        strcpy(t, "cat ");
        strcat(t, forms[i]);
        strcat(t, "\n$(not a command) `nor this`\nEOF\n");
        sh_script *s = parse(state, t);
        assert_null(s->error);
        assert_int_equal(s->ncmds, 1);
        const sh_redir *r = &s->cmds[0]->redirs[0];
        assert_string_equal(r->target.value, "EOF");
        assert_body(r, "$(not a command) `nor this`\n", false);
    }
}

static void test_strip_tabs(void **state)
{
    const char *t = "if true; then\n\tcat <<-EOF\n\t\tindented $(id)\n\tEOF\nfi";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 3);
    const sh_redir *r = &s->cmds[1]->redirs[0];
    assert_int_equal(r->op, SH_REDIR_HEREDOC_TAB);
    assert_body(r, "indented $(id)\n", true);
    assert_int_equal(r->body_off, at(t, "\t\tindented"));
    assert_string_equal(s->cmds[2]->name, "id");
    assert_int_equal(s->cmds[2]->off, at(t, "id)"));
    assert_int_equal(s->cmds[2]->ctx, SHC_BRANCH | SHC_HEREDOC | SHC_CMDSUBST);
}

static void test_several_on_one_line(void **state)
{
    const char *t = "cat <<A <<'B'; echo x\nbody a $(hostname)\nA\nbody b $(nope)\nB\necho after";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 4);
    const sh_command *c = s->cmds[0];
    assert_string_equal(c->name, "cat");
    assert_body(&c->redirs[0], "body a $(hostname)\n", true);
    assert_body(&c->redirs[1], "body b $(nope)\n", false);
    /* The command found in the body hangs from cat. */
    const sh_command *h = s->cmds[1];
    assert_string_equal(h->name, "hostname");
    assert_int_equal(h->ctx, SHC_HEREDOC | SHC_CMDSUBST);
    assert_ptr_equal(h->parent, c);
    assert_int_equal(h->parent_word, -1);
    assert_int_equal(h->depth, 1);
    assert_int_equal(h->off, at(t, "hostname"));
    assert_string_equal(s->cmds[2]->name, "echo");
    assert_string_equal(s->cmds[3]->name, "echo");
    assert_int_equal(s->cmds[3]->off, at(t, "echo after"));
}

static void test_backquote_and_escapes_in_body(void **state)
{
    const char *t = "cat <<EOF\n\\$(skipped) `uname -r` \\` ${x:-$(pwd)}\nEOF";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 3);
    assert_string_equal(s->cmds[1]->name, "uname");
    assert_string_equal(s->cmds[2]->name, "pwd");
    assert_int_equal(s->cmds[2]->off, at(t, "pwd"));
}

static void test_heredoc_in_substitution(void **state)
{
    const char *t = "x=$(cat <<EOF\nhello $(id -u)\nEOF\n); echo \"$x\"";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 4);
    assert_null(s->cmds[0]->name);
    assert_string_equal(s->cmds[1]->name, "cat");
    assert_body(&s->cmds[1]->redirs[0], "hello $(id -u)\n", true);
    assert_string_equal(s->cmds[2]->name, "id");
    assert_ptr_equal(s->cmds[2]->parent, s->cmds[1]);
    assert_int_equal(s->cmds[2]->ctx, SHC_CMDSUBST | SHC_HEREDOC);
    assert_int_equal(s->cmds[2]->depth, 2);
    assert_string_equal(s->cmds[3]->name, "echo");
}

static void test_heredoc_on_compound_command(void **state)
{
    const char *t = "while read l; do echo \"$l\"; done <<EOF\na $(whoami)\nEOF\nls";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 4);
    assert_string_equal(s->cmds[2]->name, "whoami");
    assert_null(s->cmds[2]->parent);
    assert_string_equal(s->cmds[3]->name, "ls");
}

static void test_unterminated(void **state)
{
    const char *t = "cat <<EOF\nline one\nEOFX";
    sh_script *s = parse(state, t);
    assert_non_null(s->error);
    assert_string_equal(s->error->message, "unterminated here-document");
    assert_int_equal(s->error->off, 4);
    assert_body(&s->cmds[0]->redirs[0], "line one\nEOFX", true);

    /* No newline after the operator: an empty body. */
    s = parse(state, "cat <<EOF");
    assert_non_null(s->error);
    assert_string_equal(s->error->message, "unterminated here-document");
    assert_body(&s->cmds[0]->redirs[0], "", true);

    /* The delimiter on the last line without a newline ends it. */
    s = parse(state, "cat <<EOF\nx\nEOF");
    assert_null(s->error);
    assert_body(&s->cmds[0]->redirs[0], "x\n", true);

    s = parse(state, "cat <<");
    assert_non_null(s->error);
    assert_string_equal(s->error->message, "missing here-document delimiter");
}

static void test_here_string(void **state)
{
    const char *t = "grep -q x <<< \"$(cat /etc/os-release)\"";
    sh_script *s = parse(state, t);
    assert_null(s->error);
    assert_int_equal(s->ncmds, 2);
    const sh_redir *r = &s->cmds[0]->redirs[0];
    assert_int_equal(r->op, SH_REDIR_HERESTRING);
    assert_null(r->body);
    assert_int_equal(r->target.flags, SHW_QUOTED | SHW_DYNAMIC | SHW_CMDSUBST);
    assert_string_equal(s->cmds[1]->name, "cat");
    assert_int_equal(s->cmds[1]->parent_word, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic_heredoc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoted_delimiters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strip_tabs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_several_on_one_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backquote_and_escapes_in_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heredoc_in_substitution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heredoc_on_compound_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unterminated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_here_string, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
