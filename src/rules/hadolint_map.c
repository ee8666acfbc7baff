/*
 * The hadolint correspondence table (see hadolint_map.h). Each code's
 * meaning was checked against hadolint's rule sources; `checks` says it in
 * our own few words. Sorted by code.
 */
#include "rules/hadolint_map.h"

#include <stdio.h>
#include <string.h>

#define NONE(code_, checks_) {code_, NULL, checks_, NULL, false}
#define GONE(code_, rule_, checks_) {code_, rule_, checks_, NULL, true}

static const hadolint_mapping table[] = {
    NONE("DL1001", "an inline ignore pragma is used"),
    NONE("DL3000", "WORKDIR with a relative path"),
    NONE("DL3001", "a command that makes no sense in a container (ssh, vim, "
                   "shutdown...)"),
    {"DL3002", "root-user", "the last USER of a stage is root",
     "bosun judges the stage that ships (also when it has no USER at all) "
     "and follows ARG/ENV expansion", false},
    NONE("DL3003", "cd instead of WORKDIR"),
    {"DL3004", "sudo", "sudo in a RUN", NULL, false},
    GONE("DL3005", "package-upgrade", "apt-get dist-upgrade"),
    {"DL3006", "from-latest", "FROM an image without a tag",
     "from-latest is DL3006 and DL3007 in one rule", false},
    {"DL3007", "from-latest", "FROM an image tagged latest",
     "from-latest is DL3006 and DL3007 in one rule", false},
    {"DL3008", "unpinned-apt", "apt-get install without package versions",
     NULL, false},
    NONE("DL3009", "apt lists left in the layer"),
    NONE("DL3010", "an archive unpacked by hand instead of with ADD"),
    NONE("DL3011", "an EXPOSE port out of range"),
    NONE("DL3012", "more than one HEALTHCHECK"),
    {"DL3013", "unpinned-pip", "pip install without package versions",
     "a range (>=) is not a pinned version for bosun", false},
    NONE("DL3014", "apt-get install without -y"),
    NONE("DL3015", "apt-get install without --no-install-recommends"),
    {"DL3016", "unpinned-npm", "npm install without package versions",
     "bosun also reads yarn and pnpm; a tag is not a pinned version", false},
    GONE("DL3017", "package-upgrade", "apk upgrade"),
    {"DL3018", "unpinned-apk", "apk add without package versions", NULL,
     false},
    NONE("DL3019", "apk add without --no-cache"),
    NONE("DL3020", "ADD of local files instead of COPY"),
    NONE("DL3021", "COPY of several sources to a destination without /"),
    NONE("DL3022", "COPY --from a stage not defined before"),
    NONE("DL3023", "COPY --from the stage itself"),
    NONE("DL3024", "two stages with the same name"),
    NONE("DL3025", "CMD or ENTRYPOINT in shell form"),
    {"DL3026", "untrusted-registry",
     "FROM an image from a registry outside the allowed list",
     "bosun checks FROM; hadolint also COPY --from and RUN --mount images",
     false},
    NONE("DL3027", "apt instead of apt-get"),
    {"DL3028", "unpinned-gem", "gem install without versions", NULL, false},
    NONE("DL3029", "FROM --platform"),
    NONE("DL3030", "yum install without -y"),
    GONE("DL3031", "package-upgrade", "yum update"),
    NONE("DL3032", "yum clean all missing"),
    {"DL3033", "unpinned-rpm", "yum install without package versions",
     "unpinned-rpm is DL3033, DL3037 and DL3041 in one rule", false},
    NONE("DL3034", "zypper without its non-interactive switch"),
    {"DL3035", "package-upgrade", "zypper dist-upgrade",
     "package-upgrade covers every blanket upgrade (apt, yum, dnf, apk, "
     "zypper, pacman)", false},
    NONE("DL3036", "zypper clean missing"),
    {"DL3037", "unpinned-rpm", "zypper install without package versions",
     "unpinned-rpm is DL3033, DL3037 and DL3041 in one rule", false},
    NONE("DL3038", "dnf install without -y"),
    GONE("DL3039", "package-upgrade", "dnf update"),
    NONE("DL3040", "dnf clean all missing"),
    {"DL3041", "unpinned-rpm", "dnf or microdnf install without package "
     "versions", "unpinned-rpm is DL3033, DL3037 and DL3041 in one rule",
     false},
    NONE("DL3042", "pip install without --no-cache-dir"),
    NONE("DL3043", "ONBUILD that triggers ONBUILD, FROM or MAINTAINER"),
    NONE("DL3044", "ENV that refers to a variable it defines"),
    NONE("DL3045", "COPY to a relative path without WORKDIR"),
    NONE("DL3046", "useradd of a high UID without -l"),
    NONE("DL3047", "wget without a progress option"),
    NONE("DL3048", "an invalid label key"),
    NONE("DL3049", "a required label is missing"),
    NONE("DL3050", "a label outside the schema"),
    NONE("DL3051", "an empty label"),
    NONE("DL3052", "a label that is not a URL"),
    NONE("DL3053", "a label that is not an RFC 3339 time"),
    NONE("DL3054", "a label that is not an SPDX license id"),
    NONE("DL3055", "a label that is not a git hash"),
    NONE("DL3056", "a label that is not a semantic version"),
    NONE("DL3057", "no HEALTHCHECK"),
    NONE("DL3058", "a label that is not an email address"),
    NONE("DL3059", "consecutive RUN instructions"),
    NONE("DL3060", "yarn cache clean missing"),
    NONE("DL3061", "an instruction before the first FROM or ARG"),
    {"DL3062", "unpinned-go", "go install, get or run without a version",
     NULL, false},
    NONE("DL3063", "a stage name that is a reserved word"),
    {"DL3064", "secret-env", "ARG or ENV with a secret-looking name",
     "bosun also looks for credentials in values, and reports an ENV only "
     "when it has a value", false},
    NONE("DL3065", "FROM --platform=$TARGETPLATFORM"),
    {"DL3066", "user-name-not-uid", "USER with a name, not a numeric UID",
     "bosun checks the USER the image runs as, not every USER", false},
    NONE("DL3067", "COPY of a whole filesystem from another stage"),
    NONE("DL4000", "MAINTAINER"),
    NONE("DL4001", "both wget and curl"),
    NONE("DL4003", "more than one CMD"),
    NONE("DL4004", "more than one ENTRYPOINT"),
    NONE("DL4005", "/bin/sh replaced instead of using SHELL"),
    NONE("DL4006", "a pipe in RUN without pipefail"),
};

size_t hadolint_map_count(void)
{
    return sizeof(table) / sizeof(table[0]);
}

const hadolint_mapping *hadolint_map_at(size_t i)
{
    return i < hadolint_map_count() ? &table[i] : NULL;
}

/* The table is sorted (a test checks it): a Dockerfile's comments can
 * list millions of codes, each looked up here. */
const hadolint_mapping *hadolint_map_find(const char *code)
{
    size_t lo = 0, hi = hadolint_map_count();
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(table[mid].code, code);
        if (cmp == 0)
            return &table[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool hadolint_is_code(const char *code)
{
    if (strncmp(code, "DL", 2) != 0 && strncmp(code, "SC", 2) != 0)
        return false;
    size_t digits = strspn(code + 2, "0123456789");
    return digits > 0 && code[2 + digits] == '\0';
}

void hadolint_map_siblings(const hadolint_mapping *m, char *buf, size_t size)
{
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; m->rule_id && i < hadolint_map_count(); i++) {
        const hadolint_mapping *o = &table[i];
        if (o == m || !o->rule_id || strcmp(o->rule_id, m->rule_id) != 0)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                         o->code);
        if (n < 0 || (size_t)n >= size - used) {
            buf[used] = '\0'; /* what fits: whole codes only */
            return;
        }
        used += (size_t)n;
    }
}
