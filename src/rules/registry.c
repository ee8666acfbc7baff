/*
 * Every rule bosun knows, in catalog order. A rule is defined (metadata and
 * check) in the file of its principle; this list only names them.
 */
#include <string.h>

#include "rules/rule.h"

extern const rule_def rule_invalid_instruction;
extern const rule_def rule_root_user;
extern const rule_def rule_user_name_not_uid;
extern const rule_def rule_sudo;
extern const rule_def rule_world_writable;
extern const rule_def rule_passwd_writable;
extern const rule_def rule_package_upgrade;
extern const rule_def rule_pipe_to_shell;
extern const rule_def rule_from_latest;
extern const rule_def rule_from_not_pinned;
extern const rule_def rule_untrusted_registry;
extern const rule_def rule_unpinned_apt;
extern const rule_def rule_unpinned_apk;
extern const rule_def rule_unpinned_rpm;
extern const rule_def rule_unpinned_pip;
extern const rule_def rule_unpinned_npm;
extern const rule_def rule_unpinned_gem;
extern const rule_def rule_unpinned_go;
extern const rule_def rule_unpinned_cargo;
extern const rule_def rule_unpinned_git;
extern const rule_def rule_latest_url;
extern const rule_def rule_invalid_suppression;
extern const rule_def rule_add_url_unverified;
extern const rule_def rule_download_unverified;
extern const rule_def rule_insecure_download;
extern const rule_def rule_gpg_short_keyid;
extern const rule_def rule_secret_copied;
extern const rule_def rule_secret_env;
extern const rule_def rule_secret_in_run;
extern const rule_def rule_removed_later;
extern const rule_def rule_image_root_user;
extern const rule_def rule_image_setuid;
extern const rule_def rule_image_file_capabilities;
extern const rule_def rule_image_world_writable;
extern const rule_def rule_image_empty_password;
extern const rule_def rule_image_passwd_writable;
extern const rule_def rule_image_latest_tag;
extern const rule_def rule_image_digest_mismatch;
extern const rule_def rule_image_secret_file;
extern const rule_def rule_image_secret_content;
extern const rule_def rule_image_unsafe_path;

static const rule_def *const all_rules[] = {
    &rule_root_user,
    &rule_user_name_not_uid,
    &rule_sudo,
    &rule_world_writable,
    &rule_passwd_writable,
    &rule_package_upgrade,
    &rule_pipe_to_shell,
    &rule_from_latest,
    &rule_from_not_pinned,
    &rule_untrusted_registry,
    &rule_unpinned_apt,
    &rule_unpinned_apk,
    &rule_unpinned_rpm,
    &rule_unpinned_pip,
    &rule_unpinned_npm,
    &rule_unpinned_gem,
    &rule_unpinned_go,
    &rule_unpinned_cargo,
    &rule_unpinned_git,
    &rule_latest_url,
    &rule_add_url_unverified,
    &rule_download_unverified,
    &rule_insecure_download,
    &rule_gpg_short_keyid,
    &rule_secret_copied,
    &rule_secret_env,
    &rule_secret_in_run,
    &rule_removed_later,
    &rule_invalid_instruction,
    &rule_invalid_suppression,
    &rule_image_root_user,
    &rule_image_setuid,
    &rule_image_file_capabilities,
    &rule_image_world_writable,
    &rule_image_empty_password,
    &rule_image_passwd_writable,
    &rule_image_latest_tag,
    &rule_image_digest_mismatch,
    &rule_image_secret_file,
    &rule_image_secret_content,
    &rule_image_unsafe_path,
};

size_t rules_count(void)
{
    return sizeof(all_rules) / sizeof(all_rules[0]);
}

const rule_def *rules_at(size_t i)
{
    return i < rules_count() ? all_rules[i] : NULL;
}

const rule_def *rules_find(const char *id)
{
    for (size_t i = 0; i < rules_count(); i++)
        if (strcmp(all_rules[i]->info.id, id) == 0)
            return all_rules[i];
    return NULL;
}

size_t bosun_rule_count(void)
{
    return rules_count();
}

const bosun_rule_info *bosun_rule_at(size_t i)
{
    const rule_def *r = rules_at(i);
    return r ? &r->info : NULL;
}

const bosun_rule_info *bosun_rule_find(const char *id)
{
    const rule_def *r = rules_find(id);
    return r ? &r->info : NULL;
}
