/*
 * Dockerfile rules on image history: created_by in the classic builder's
 * and BuildKit's forms rebuilt as instructions, findings mapped back to
 * their history entry, rules that judge a whole Dockerfile left out, and
 * the configuration's Env.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "image/history.h"

static const char *rebuild(const char *const *created_by, size_t n)
{
    static char out[4096];
    history_doc d = {0};
    sb_init(&d.text);
    history_state st = {0};
    for (size_t i = 0; i < n; i++)
        history_append(&d, &st, created_by[i], (int)i);
    snprintf(out, sizeof(out), "%s", d.text.data);
    history_doc_free(&d);
    history_state_free(&st);
    return out;
}

static void test_classic(void **state)
{
    (void)state;
    const char *h[] = {
        "/bin/sh -c #(nop) ADD file:0f6a3b0c in / ",
        "/bin/sh -c #(nop)  CMD [\"bash\"]",
        "/bin/sh -c apt-get update && apt-get -y upgrade",
        "/bin/sh -c #(nop)  ENV GREETING=hello world PATH=/usr/bin",
        "|2 VERSION=1.2 TOKEN=abc /bin/sh -c make install",
        "/bin/sh -c #(nop)  USER app",
        "/bin/sh -c #(nop) COPY file:604df749 in /root/secret.pem ",
        "umoci repack",
        "/bin/sh -c #(nop)  ARG BUILD_ID",
    };
    assert_string_equal(rebuild(h, sizeof(h) / sizeof(h[0])),
                        "ADD file:0f6a3b0c /\n"
                        "RUN apt-get update && apt-get -y upgrade\n"
                        "ENV GREETING=\"hello world\" PATH=\"/usr/bin\"\n"
                        "ARG VERSION=\"1.2\" TOKEN=\"abc\"\n"
                        "RUN make install\n"
                        "USER app\n"
                        "COPY file:604df749 /root/secret.pem\n"
                        "ARG BUILD_ID\n");
}

static void test_buildkit(void **state)
{
    (void)state;
    const char *h[] = {
        "RUN /bin/sh -c apt-get update # buildkit",
        "RUN |1 V=2 /bin/sh -c echo $V # buildkit",
        "RUN |1 V=2 /bin/sh -c echo again # buildkit",
        "COPY --chown=1:1 app /app # buildkit",
        "COPY <<config.txt /etc/ # buildkit",
        "ENV A=$HOME \"quoted\"",
        "RUN /bin/bash -o pipefail -c curl -s https://x | sh # buildkit",
        "RUN /bin/sh -c cat <<EOF > /f\nhello\nEOF # buildkit",
        "RUN powershell -Command Get-Thing # buildkit",
        "WORKDIR /app",
        "LABEL a=b",
        "RUN /bin/sh -c echo \\ # buildkit:sha256:0123",
    };
    assert_string_equal(rebuild(h, sizeof(h) / sizeof(h[0])),
                        "RUN apt-get update\n"
                        "ARG V=\"2\"\n"
                        "RUN echo $V\n"
                        "RUN echo again\n"
                        "COPY --chown=1:1 app /app\n"
                        "COPY config.txt /etc/\n"
                        "ENV A=\"\\$HOME \\\"quoted\\\"\"\n"
                        "RUN curl -s https://x | sh\n"
                        "RUN <<'BOSUN_HISTORY_EOF'\n"
                        "cat <<EOF > /f\nhello\nEOF\n"
                        "BOSUN_HISTORY_EOF\n"
                        "WORKDIR /app\n"
                        "RUN <<'BOSUN_HISTORY_EOF'\necho \\\nBOSUN_HISTORY_EOF\n");
}

static img_history hist(const char *created_by)
{
    return (img_history){.created_by = created_by, .layer = -1};
}

static void test_findings_mapped(void **state)
{
    (void)state;
    img_history h[] = {
        hist("umoci repack"),
        hist("/bin/sh -c #(nop)  USER root"),
        hist("/bin/sh -c apt-get update && apt-get -y upgrade"),
        hist("/bin/sh -c #(nop)  ENV X=1"),
        hist("RUN /bin/sh -c curl -fsSL https://get.example.sh | sh # buildkit"),
        hist("/bin/sh -c #(nop) SHELL [/bin/bash -c]"),
    };
    const char *env[] = {"PATH=/bin", "X=1"};
    img_image img = {
        .name = "app.tar",
        .history = h,
        .nhistory = sizeof(h) / sizeof(h[0]),
        .env = env,
        .nenv = 2,
    };
    bosun_report *r = bosun_report_new();
    history_check(&img, NULL, r);
    bosun_report_sort(r);
    assert_int_equal(bosun_report_error_count(r), 0);
    assert_int_equal(bosun_report_count(r), 2);
    const bosun_finding *f = bosun_report_finding(r, 0);
    assert_string_equal(f->rule, "package-upgrade");
    assert_int_equal(f->history_index, 2);
    assert_int_equal(f->line, 0);
    assert_int_equal(f->layer_index, -1);
    assert_string_equal(f->file, "app.tar");
    f = bosun_report_finding(r, 1);
    assert_string_equal(f->rule, "pipe-to-shell");
    assert_int_equal(f->history_index, 4);
    bosun_report_free(r);
}

static void test_env_only_from_config(void **state)
{
    (void)state;
    history_doc d = {0};
    sb_init(&d.text);
    history_append_env(&d, "NAME", 4, "a \"b\" $c");
    assert_string_equal(d.text.data, "ENV NAME=\"a \\\"b\\\" \\$c\"\n");
    assert_int_equal(d.nlines, 1);
    assert_int_equal(d.line_entry[0], -1);
    history_doc_free(&d);

    history_state st = {0};
    sb_init(&d.text);
    history_append(&d, &st, "ENV A=1 B=2", 0);
    assert_true(history_sets_env(&st, "B", 1));
    assert_false(history_sets_env(&st, "C", 1));
    history_doc_free(&d);
    history_state_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classic),
        cmocka_unit_test(test_buildkit),
        cmocka_unit_test(test_findings_mapped),
        cmocka_unit_test(test_env_only_from_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
