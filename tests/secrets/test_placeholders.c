/*
 * Placeholders are not credentials: documentation examples, template
 * variables and masked values. Test strings are assembled at run time so
 * that nothing credential-shaped sits in the sources.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "secrets/secrets.h"

static bool placeholder(const char *id, const char *a, const char *b)
{
    char s[256];
    snprintf(s, sizeof(s), "%s%s", a, b);
    return secret_is_placeholder(id, s, strlen(s));
}

static void test_markers(void **state)
{
    (void)state;
    assert_true(placeholder("aws-access-key-id", "AKIAIOSFODNN7", "EXAMPLE"));
    assert_true(placeholder("github-token", "ghp_", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    assert_true(placeholder("npmrc-auth", "_authToken=", "${NPM_TOKEN}"));
    assert_true(placeholder("slack-token", "xoxb-", "your-token-here12"));
    assert_false(placeholder("aws-access-key-id", "AKIA", "QWERTYUIOP234567"));
    assert_false(placeholder("github-token", "ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"));
}

static void test_url_passwords(void **state)
{
    (void)state;
    const char *id = "url-password";
    assert_true(placeholder(id, "https://user:", "password@registry.internal"));
    assert_true(placeholder(id, "https://alice:", "s3cr3tPa55@example.com"));
    assert_true(placeholder(id, "https://alice:", "s3cr3tPa55@git.example.org"));
    assert_true(placeholder(id, "postgres://postgres:", "postgres@db"));
    assert_true(placeholder(id, "ftp://anonymous:", "*****@ftp.internal"));
    assert_true(placeholder(id, "https://u:", "<password>@host.internal"));
    assert_false(placeholder(id, "https://deploy:", "s3cr3tPa55@git.internal.net"));
    assert_false(placeholder(id, "amqp://app:", "Zx81kq9Lm@rabbit:5672"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markers),
        cmocka_unit_test(test_url_passwords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
