#include "image/accounts.h"

#include <string.h>

accounts_kind accounts_file_kind(const char *path)
{
    if (strcmp(path, "/etc/shadow") == 0)
        return ACCOUNTS_SHADOW;
    if (strcmp(path, "/etc/passwd") == 0)
        return ACCOUNTS_PASSWD;
    return ACCOUNTS_NONE;
}

void accounts_check(img_findings *f, int layer, const char *path,
                    const char *data, size_t len)
{
    size_t line = 0;
    for (size_t i = 0; i < len;) {
        const char *s = data + i;
        const char *nl = memchr(s, '\n', len - i);
        size_t n = nl ? (size_t)(nl - s) : len - i;
        i += n + 1;
        line++;
        const char *c1 = memchr(s, ':', n);
        if (!c1 || c1 == s || s[0] == '#' || s[0] == '+' || s[0] == '-')
            continue; /* no name, a comment, or an NIS marker */
        const char *pw = c1 + 1;
        size_t rest = n - (size_t)(pw - s);
        /* Empty means no password at all; "x" in passwd defers to shadow,
         * "!" and "*" lock the account. */
        if (rest == 0 || pw[0] != ':')
            continue;
        int name_len = (int)(c1 - s);
        findings_add(f, "image-empty-password", layer, path, KIND_FINAL_FS,
                     "user '%.*s' has an empty password in %s (line %zu): "
                     "anyone can log in as '%.*s' without one; lock the "
                     "account ('!' or '*' in the password field, or "
                     "passwd -l %.*s)",
                     name_len, s, path, line, name_len, s, name_len, s);
    }
}
