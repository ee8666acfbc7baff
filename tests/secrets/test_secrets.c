/*
 * Secret-looking file names and credential formats. Test tokens are built
 * from pieces so that no credential-shaped literal sits in the sources.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "secrets/secrets.h"

static const char *kind(const char *path)
{
    return secret_file_kind(path, strlen(path));
}

static void test_secret_file_names(void **state)
{
    (void)state;
    static const char *const secret[] = {
        "id_rsa", "/root/.ssh/id_ed25519", "ID_RSA", ".npmrc", "app/.pypirc",
        ".netrc", ".git-credentials", "/home/u/.aws/credentials",
        ".docker/config.json", ".env", "config/.env.production", ".env.local",
        "credentials.json", "htpasswd", "server.key", "tls/private.pem",
        "cert/client.p12", "keystore.jks", "/root/.ssh", ".ssh/", "deploy_key.ppk",
        ".kube/config", ".ssh/my_deploy_key", "prod.kubeconfig", "kubeconfig",
    };
    for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
        if (!kind(secret[i]))
            fail_msg("%s should look secret", secret[i]);
    static const char *const fine[] = {
        "id_rsa.pub", ".env.example", ".env.sample", "env", "app.py",
        "cacert.pem", "ca-certificates.pem", "fullchain.pem", "server.crt",
        "nginx_signing.key", "repo.key", "apt.gpg.key", "public.key",
        ".ssh/known_hosts", ".ssh/config", ".ssh/id_rsa.pub",
        ".ssh/authorized_keys", ".aws/config", "config.json", "keys/",
        ".key", "monkey", "Dockerfile", "", "/",
    };
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
        if (kind(fine[i]))
            fail_msg("%s should not look secret (%s)", fine[i], kind(fine[i]));
    assert_string_equal(kind("/root/.ssh/id_rsa"), "SSH private key");
    assert_string_equal(kind(".aws/credentials"), "AWS credentials");
}

/* "<prefix><n times c>" */
static const char *token(char *buf, const char *prefix, char c, size_t n)
{
    size_t p = strlen(prefix);
    memcpy(buf, prefix, p);
    memset(buf + p, c, n);
    buf[p + n] = '\0';
    return buf;
}

static const char *find_id(credential_matcher *cm, const char *s)
{
    credential_match m;
    return credential_find(cm, s, strlen(s), &m) ? m.pattern->id : NULL;
}

static void test_credential_patterns(void **state)
{
    (void)state;
    credential_matcher *cm = credential_matcher_new();
    char b[256], t[256];
    assert_string_equal(find_id(cm, "-----BEGIN OPENSSH PRIVATE KEY-----"), "private-key");
    assert_string_equal(find_id(cm, "-----BEGIN PRIVATE KEY-----"), "private-key");
    assert_null(find_id(cm, "-----BEGIN PUBLIC KEY-----"));
    assert_null(find_id(cm, "-----BEGIN CERTIFICATE-----"));

    token(b, "AK" "IA", 'Q', 16);
    assert_string_equal(find_id(cm, b), "aws-access-key-id");
    token(b, "AK" "IA", 'Q', 15);
    assert_null(find_id(cm, b));
    snprintf(t, sizeof(t), "AWS_SECRET_ACCESS_KEY=%s", token(b, "", 'k', 40));
    assert_string_equal(find_id(cm, t), "aws-secret-access-key");
    snprintf(t, sizeof(t), "aws_secret_access_key = \"%s\"", token(b, "", 'k', 40));
    assert_string_equal(find_id(cm, t), "aws-secret-access-key");

    assert_string_equal(find_id(cm, token(b, "gh" "p_", 'a', 36)), "github-token");
    assert_null(find_id(cm, token(b, "gh" "p_", 'a', 20)));
    assert_string_equal(find_id(cm, token(b, "github" "_pat_", 'a', 82)),
                        "github-fine-grained-token");
    assert_string_equal(find_id(cm, token(b, "gl" "pat-", 'z', 20)), "gitlab-token");
    assert_string_equal(find_id(cm, token(b, "xo" "xb-", '1', 24)), "slack-token");
    snprintf(t, sizeof(t), "https://hooks.slack.com/services/T0000/B0000/%s",
             token(b, "", 'x', 24));
    assert_string_equal(find_id(cm, t), "slack-webhook");
    assert_string_equal(find_id(cm, token(b, "sk" "_live_", 'c', 24)), "stripe-key");
    assert_null(find_id(cm, token(b, "sk" "_test_", 'c', 24)));
    assert_string_equal(find_id(cm, token(b, "AI" "za", 'd', 35)), "google-api-key");
    assert_string_equal(find_id(cm, token(b, "np" "m_", 'e', 36)), "npm-token");
    snprintf(t, sizeof(t), "//registry.npmjs.org/:_authToken=%s", token(b, "", 'f', 36));
    assert_string_equal(find_id(cm, t), "npmrc-auth");
    snprintf(t, sizeof(t), "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"%s\"}}}",
             token(b, "", 'Z', 24));
    assert_string_equal(find_id(cm, t), "docker-config-auth");
    assert_string_equal(find_id(cm, "https://deploy:s3cr3tpw@git.example.com/x.git"),
                        "url-password");
    assert_null(find_id(cm, "https://user@git.example.com/x.git"));
    assert_null(find_id(cm, "https://${USER}:${PASS}@git.example.com/x.git"));
    assert_null(find_id(cm, "http://localhost:8080/path"));
    assert_null(find_id(cm, "nothing to see here"));
    credential_matcher_free(cm);
}

static void test_match_offsets_and_redaction(void **state)
{
    (void)state;
    credential_matcher *cm = credential_matcher_new();
    char b[128], t[256];
    snprintf(t, sizeof(t), "export TOKEN=%s;", token(b, "gh" "p_", 'a', 36));
    credential_match m;
    assert_true(credential_find(cm, t, strlen(t), &m));
    assert_int_equal(m.off, 13);
    assert_int_equal(m.len, 40);
    /* Only the text given is searched. */
    assert_false(credential_find(cm, t, 20, &m));
    arena a;
    arena_init(&a);
    assert_string_equal(secret_redact(&a, t + 13, 40), "ghp_... (40 characters)");
    assert_string_equal(secret_redact(&a, "abc", 3), "... (3 characters)");
    arena_release(&a);
    credential_matcher_free(cm);
}

static const char *var(const char *name)
{
    return secret_var_name(name, strlen(name));
}

static void test_secret_variable_names(void **state)
{
    (void)state;
    static const char *const secret[] = {
        "PASSWORD", "MYSQL_ROOT_PASSWORD", "PGPASSWORD", "my_password",
        "DB_PASSWD", "GITHUB_TOKEN", "NPM_TOKEN", "API_KEY", "OPENAI_APIKEY",
        "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "SSH_PRIVATE_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS_JSON", "client_secret",
    };
    for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
        if (!var(secret[i]))
            fail_msg("%s should look secret", secret[i]);
    static const char *const fine[] = {
        "PATH", "GPG_KEY", "DB_PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME",
        "PASSWORD_MIN_LENGTH", "SECRETARY_VERSION", "TOKENIZERS_PARALLELISM",
        "VAULT_SECRET_PATH", "SECRETS_DIR", "KEY", "",
    };
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
        if (var(fine[i]))
            fail_msg("%s should not look secret", fine[i]);
    assert_string_equal(var("db_passwd"), "password");
    assert_string_equal(var("OPENAI_API_KEY"), "API key");
}

static bool trivial(const char *v)
{
    return secret_value_trivial(v, strlen(v));
}

static void test_trivial_values(void **state)
{
    (void)state;
    static const char *const trivial_values[] = {
        "", "\"\"", "12", "-1", "3.5", "true", "False", "yes", "off",
        "**None**", "xxxxxxxx", "00000000-0000-0000-0000-000000000000",
        "<your-token>", "get-your-api-key-here", "/run/secrets/db",
        "./db.pass", "~/.netrc", "data/.htpasswd", "changeit",
    };
    for (size_t i = 0; i < sizeof(trivial_values) / sizeof(trivial_values[0]);
         i++)
        if (!trivial(trivial_values[i]))
            fail_msg("'%s' should be trivial", trivial_values[i]);
    static const char *const real[] = {"hunter2", "p@ssw0rd", "admintoken",
                                       "root:Docker!", "${DB_PASSWORD}",
                                       "postgres"};
    for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++)
        if (trivial(real[i]))
            fail_msg("'%s' should not be trivial", real[i]);
}

/* A URL keyword alone does not cost a regular expression; a password in a
 * URL is still found. */
static void test_prefilters(void **state)
{
    (void)state;
    credential_matcher *cm = credential_matcher_new();
    assert_null(find_id(cm, "curl -fsSL https://example.com/a:b/c@d"));
    assert_null(find_id(cm, "cat /run/secrets/npm && npm_config_loglevel=warn"));
    assert_string_equal(find_id(cm, "mysql://root:rootpw@db:3306/app"),
                        "url-password");
    char b[64];
    assert_string_equal(find_id(cm, token(b, "np" "m_", 'e', 36)), "npm-token");
    credential_matcher_free(cm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_file_names),
        cmocka_unit_test(test_credential_patterns),
        cmocka_unit_test(test_match_offsets_and_redaction),
        cmocka_unit_test(test_secret_variable_names),
        cmocka_unit_test(test_trivial_values),
        cmocka_unit_test(test_prefilters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
