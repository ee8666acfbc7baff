/*
 * The image rules: what `bosun image` checks in a built image, layer by
 * layer. Their checks live in src/image (the scan streams each layer once
 * and applies them all); this file holds their metadata, the one place
 * their ids, severities and texts live.
 */
#include "rules/rule.h"

const rule_def rule_image_root_user = {
    .info = {
        .id = "image-root-user",
        .severity = BOSUN_ERROR,
        .principle = 1,
        .scope = "image",
        .summary = "the image's configuration runs its process as root",
        .rationale =
            "What an image runs as is decided by the User of its "
            "configuration (its \"config\" alone: \"container_config\" is "
            "the build container's), whatever Dockerfile (or other tool) "
            "built it. An empty User means root, as do root, 0 and root or "
            "0 with any group, and whatever containerd and runc read as uid "
            "0: an empty user part (:1000), a signed zero (+0), a multiple "
            "of 2^32 (older containerd truncates it to 32 bits), and a user "
            "name that the image's own /etc/passwd (the file the final "
            "filesystem has there, symbolic and hard links followed) maps "
            "to uid 0, as runc reads it: the first line of the name, its "
            "uid field read as a number, an empty or malformed one meaning "
            "0. A container running as root is one kernel flaw or one "
            "careless mount away from root on the host, and platforms such "
            "as OpenShift refuse it or replace it with an arbitrary UID.",
        .bad = "FROM debian:12.5\nRUN useradd -u 10001 app\nCMD [\"app\"]",
        .good = "FROM debian:12.5\nRUN useradd -u 10001 app\nUSER 10001\n"
                "CMD [\"app\"]",
        .fix = "Set a non-root numeric user in the image (`USER 10001` as "
               "the last USER of the Dockerfile, or `--config.user` / "
               "`buildah config --user`), and make only the directories the "
               "process writes group 0 writable.",
    },
};

const rule_def rule_image_secret_file = {
    .info = {
        .id = "image-secret-file",
        .severity = BOSUN_ERROR,
        .principle = 8,
        .scope = "image",
        .summary = "a secret-looking file in a layer, even one a later "
                   "layer deletes",
        .rationale =
            "Every layer of an image is a tar that anyone who can pull the "
            "image can unpack. A private key copied in one layer and "
            "deleted in the next is gone from the container's filesystem, "
            "but still in the first layer, readable with `tar`. bosun reads "
            "every layer, before whiteouts are applied, and reports files "
            "whose names say they hold credentials (SSH and TLS private "
            "keys, .npmrc, .netrc, .pypirc, .git-credentials, cloud "
            "credentials, .env files), with the layer that adds them and "
            "the one that deletes them, wherever they are (no directory is "
            "exempt), hard links so named whatever they link to, and hard "
            "links to files so named.",
        .bad = "COPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@host:app.git "
               "&& rm /root/.ssh/id_rsa",
        .good = "RUN --mount=type=ssh git clone git@host:app.git",
        .fix = "Rotate the credential, then rebuild without it: pass "
               "secrets with `RUN --mount=type=secret` (or `--mount=type=ssh`) "
               "so they never land in a layer, and keep them out of the "
               "build context with .dockerignore.",
    },
};

const rule_def rule_image_secret_content = {
    .info = {
        .id = "image-secret-content",
        .severity = BOSUN_ERROR,
        .principle = 8,
        .scope = "image",
        .summary = "a file in a layer contains a credential",
        .rationale =
            "Credentials end up in images inside ordinary files: a config "
            "file with a cloud key, a script with a token, a private key "
            "block in a bundle. bosun scans the bytes of every regular file "
            "of every layer (deleted ones included) for precise credential "
            "formats: private key blocks, AWS, GitHub, GitLab, Slack, "
            "Stripe, Google and npm tokens, registry auths in Docker's "
            "config.json, passwords in URLs. No path is exempt: a layer's "
            "author chooses its paths, so a credential under "
            "/usr/share/doc, in a tests directory or in a library is "
            "reported like any other; files are not skipped by name, and "
            "compressed or binary ones are scanned too (measured, this "
            "costs about 1% on a Debian image). What is known not to be a "
            "secret is told apart by its bytes: placeholders and examples "
            "(AKIA...EXAMPLE, <token>, xxxx), key headers without a key, "
            "and the private keys GnuTLS compiles in for its self-tests, "
            "recognised by their fingerprint. A hard link has its file's "
            "bytes, so a credential in a file is reported under the names "
            "of the links to it too. Findings name the layer, the file and "
            "the line, never the secret itself. A file with more than a "
            "thousand candidates of one format that are not credentials "
            "(placeholders, key headers without a key) is confirmed up to "
            "there, then a finding says that bosun stopped confirming that "
            "format in the file: inspect it.",
        .bad = "# config.yaml holds aws_secret_access_key: ...\nCOPY config.yaml /app/",
        .good = "RUN --mount=type=secret,id=aws,target=/root/.aws/credentials "
                "./deploy.sh",
        .fix = "Rotate the credential first: it has been published with the "
               "image. Then read it at run time (environment, mounted "
               "secret) or at build time through `RUN --mount=type=secret`. "
               "A patterns file (--patterns) adds formats of your own.",
    },
};

const rule_def rule_image_setuid = {
    .info = {
        .id = "image-setuid",
        .severity = BOSUN_WARNING,
        .principle = 1,
        .scope = "image",
        .summary = "a setuid or setgid executable in the image",
        .rationale =
            "A setuid or setgid executable runs with the rights of its "
            "owner or group, whoever starts it: a flaw in it, or in how it "
            "is called, hands those rights to any process of the "
            "container. Containers seldom need su, passwd or mount; "
            "without such files a process that starts unprivileged stays "
            "unprivileged. Only files that ship in the final filesystem are "
            "reported, and hard links under their own names: a setuid file "
            "whose first name a later layer deletes still runs through a "
            "link to it.",
        .bad = "RUN chmod u+s /usr/local/bin/helper",
        .good = "RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +",
        .fix = "Remove the setuid and setgid bits (`chmod a-s`) from files "
               "the container does not need them on, or remove the files.",
    },
};

const rule_def rule_image_file_capabilities = {
    .info = {
        .id = "image-file-capabilities",
        .severity = BOSUN_WARNING,
        .principle = 1,
        .scope = "image",
        .summary = "a file with file capabilities (security.capability)",
        .rationale =
            "File capabilities (`setcap cap_net_raw+ep FILE`) are the "
            "finer-grained setuid: whoever runs the file gets the "
            "capabilities its security.capability attribute lists, up to "
            "the container's bounding set (Docker's default keeps "
            "cap_net_raw, cap_net_bind_service, cap_chown, cap_setuid and "
            "more; a privileged container keeps them all), unless "
            "no_new_privs is set. A flaw in the file, or in how it is "
            "called, hands them to any process of the container. Layers carry the attribute as the "
            "pax header SCHILY.xattr.security.capability; bosun decodes it "
            "(revisions 1 to 3, all capabilities of Linux 6.x) and says "
            "whether the capabilities are effective at once (+e) or only "
            "permitted, for the program to raise itself. A value the "
            "kernel would refuse (wrong length, unknown revision) is "
            "reported as malformed with what it would grant. Only files "
            "that ship in the final filesystem are reported.",
        .bad = "RUN setcap cap_net_raw+ep /usr/local/bin/probe",
        .good = "RUN setcap -r /usr/local/bin/probe",
        .fix = "Remove the capabilities (`setcap -r FILE`) from files the "
               "container does not need them on, or grant the capability "
               "to the container that needs it (`--cap-add`) and keep the "
               "file plain; `--security-opt no-new-privileges` (Kubernetes: "
               "allowPrivilegeEscalation: false) stops file capabilities "
               "from being granted at all.",
    },
};

const rule_def rule_image_world_writable = {
    .info = {
        .id = "image-world-writable",
        .severity = BOSUN_WARNING,
        .principle = 1,
        .scope = "image",
        .summary = "a world-writable file or directory in the image",
        .rationale =
            "A file writable by everyone can be changed by any process of "
            "the container, whatever user it runs as; a world-writable "
            "directory without the sticky bit lets any process replace the "
            "files in it. Images that must run under an arbitrary UID need "
            "group 0 write access on a few directories, not world access. "
            "Sticky directories such as /tmp are fine, and only what ships "
            "in the final filesystem is reported (hard links under their "
            "own names).",
        .bad = "RUN chmod -R 777 /app",
        .good = "RUN chgrp -R 0 /app/data && chmod -R g=u /app/data",
        .fix = "Make the path writable by its owner and group 0 only "
               "(`chmod o-w`, `chmod g+w`), and only where the process "
               "really writes.",
    },
};

const rule_def rule_image_passwd_writable = {
    .info = {
        .id = "image-passwd-writable",
        .severity = BOSUN_WARNING,
        .principle = 2,
        .scope = "image",
        .summary = "/etc/passwd or /etc/group writable by non-root",
        .rationale =
            "Making /etc/passwd group-writable so that an entrypoint can add "
            "the arbitrary UID it runs under also lets any process of the "
            "container add itself a user with UID 0. What counts is the "
            "file the final filesystem has at /etc/passwd and /etc/group, "
            "through symbolic and hard links. nss_wrapper gives a "
            "process a user name without touching /etc/passwd: it reads "
            "the files named by NSS_WRAPPER_PASSWD and NSS_WRAPPER_GROUP.",
        .bad = "RUN chmod g=u /etc/passwd",
        .good = "ENV LD_PRELOAD=libnss_wrapper.so NSS_WRAPPER_PASSWD=/tmp/passwd "
                "NSS_WRAPPER_GROUP=/etc/group",
        .fix = "Keep /etc/passwd and /etc/group owned by root with mode "
               "0644, and let the entrypoint write a passwd file for "
               "nss_wrapper instead.",
    },
};

const rule_def rule_image_empty_password = {
    .info = {
        .id = "image-empty-password",
        .severity = BOSUN_WARNING,
        .principle = 1,
        .scope = "image",
        .summary = "an account with an empty password in the image",
        .rationale =
            "An empty password field in /etc/shadow (or /etc/passwd) means "
            "the account has no password at all: su, login and any service "
            "that allows empty passwords let anyone in as that user, root "
            "included. '!' or '*' locks an account instead. bosun reads the "
            "files the final filesystem has at /etc/shadow and /etc/passwd, "
            "whatever symbolic or hard links lead there and whatever their "
            "size.",
        .bad = "RUN passwd -d root",
        .good = "RUN passwd -l root",
        .fix = "Lock the account (`passwd -l USER`, or '!' in the password "
               "field of /etc/shadow).",
    },
};

const rule_def rule_image_latest_tag = {
    .info = {
        .id = "image-latest-tag",
        .severity = BOSUN_WARNING,
        .principle = 5,
        .scope = "image",
        .summary = "the image's only tag is latest, or it has none",
        .rationale =
            "An image known only as `latest` (or by no name at all) cannot "
            "be told apart from the next build: deployments that refer to "
            "it get whatever was pushed last, and a rollback has nothing "
            "to roll back to. A version tag (and the digest, for whoever "
            "deploys it) names one build.",
        .bad = "# docker build -t app .",
        .good = "# docker build -t app:1.4.2 -t app:latest .",
        .fix = "Tag the image with a version (`app:1.4.2`, or the commit "
               "it was built from) and deploy it by that tag or its digest.",
    },
};

const rule_def rule_image_digest_mismatch = {
    .info = {
        .id = "image-digest-mismatch",
        .severity = BOSUN_ERROR,
        .principle = 7,
        .scope = "image",
        .summary = "a blob whose content differs from the digest that "
                   "names it",
        .rationale =
            "Images are content-addressed: a manifest names its "
            "configuration and layers by their sha256, and that digest is "
            "what signatures and pins vouch for. A blob whose bytes hash "
            "to something else is corrupted or was tampered with after "
            "the image was built; what it contains is not what was "
            "reviewed. bosun hashes every blob while it reads it (turn it "
            "off with --no-verify).",
        .bad = "# a layer blob changed after `docker save`",
        .good = "# the image exactly as the build or the registry produced it",
        .fix = "Do not use the image: fetch or build it again from a "
               "trusted source and compare the digests with the ones you "
               "expect.",
    },
};

const rule_def rule_image_unsafe_path = {
    .info = {
        .id = "image-unsafe-path",
        .severity = BOSUN_ERROR,
        .principle = 0,
        .scope = "image",
        .summary = "a layer entry whose name could write outside the image "
                   "root",
        .rationale =
            "Layer tars are unpacked by runtimes, registries, scanners and "
            "people's own scripts. An entry named with \"..\" or an "
            "absolute path, a hard link to a file outside the root, or a "
            "file written through a symlink the same layer just made, "
            "turns a careless extractor into one that overwrites files of "
            "the host. Build tools never write such entries; they are a "
            "sign of a hand-made or malicious layer.",
        .bad = "# a layer holding the symlink etc -> /etc, then etc/cron.d/job",
        .good = "# layers written by the build tool itself",
        .fix = "Do not unpack or run the image; rebuild the layer with the "
               "build tool, from relative paths.",
    },
};
