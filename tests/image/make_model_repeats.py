#!/usr/bin/env python3
"""Hostile images against the layer model where the image's parts meet:
a blob listed at several places whose hard links reach other files at
each, link targets that the runtimes read two ways, and user names that only the image's /etc/passwd can resolve.

    make_model_repeats.py OUT_DIR

Writes one OCI layout per case under OUT_DIR/model (next to
make_model_hostile.py's, whose helpers it uses); test_image_model_repeats.sh
says what bosun must report.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_model_hostile as mm  # noqa: E402

ELF = mm.ELF


# ------------------------------------------------------- repeated blobs

def repeated_links():
    """One blob of hard links listed at places 1 and 3. Below place 1,
    /usr/bin/h1 is setuid and h2 plain; place 2 writes them again the
    other way round, so the links of place 3 reach other files than those
    of place 1."""
    links = [
        {"name": "opt/l1", "hardlink": "usr/bin/h1"},
        {"name": "opt/l2", "hardlink": "usr/bin/h2"},
    ]
    mm.image("repeat-links", [
        mm.BASE + [
            {"name": "usr/bin/h1", "data": ELF + b"1", "mode": 0o4755},
            {"name": "usr/bin/h2", "data": ELF + b"2", "mode": 0o755},
        ],
        links,
        [
            {"name": "usr/bin/h1", "data": ELF + b"1", "mode": 0o755},
            {"name": "usr/bin/h2", "data": ELF + b"2", "mode": 0o4755},
        ],
        links,
    ])


def repeated_link_findings():
    """600 hard links to a file with a token, in one blob listed at 12
    places: each place's links hold the token, and the report lists what
    one place would, however many times the blob is listed."""
    links = [{"name": "app/copy%04d.txt" % i, "hardlink": "srv/token.txt"}
             for i in range(600)]
    mm.image("repeat-link-findings", [
        mm.BASE + [{"name": "srv/token.txt",
                    "data": ("token=%s\n" % mm.token()).encode()}],
    ] + [links] * 12, compress=True)


def repeated_link_bound():
    """40,000 hard links to a lower layer's file, in one blob listed at 30
    places: 1.2 million resolutions, more than bosun makes for one
    image."""
    links = [{"name": "l/%06d" % i, "hardlink": "srv/file"}
             for i in range(40000)]
    mm.image("repeat-link-bound", [
        mm.BASE + [{"name": "srv/file", "data": b"x\n"}],
    ] + [links] * 30, compress=True)


# ------------------------------------------------------------ link names

def climbing_links():
    """Hard link targets with ".." after a symbolic link (x -> a/b): Docker
    cleans the name first (x/../s1 is /s1), containerd follows x first
    (x/.. is /a, so /a/s1). /s1 and /a/s2 are setuid, /a/s1 and /s2 plain;
    the names of the entries are as Go cleans them once more ("./", "//")."""
    mm.image("link-climbs", [
        mm.BASE + [
            {"name": "a/b", "dir": True},
            {"name": "x", "symlink": "a/b"},
            {"name": "s1", "data": ELF + b"1", "mode": 0o4755},
            {"name": "a/s1", "data": ELF + b"2", "mode": 0o755},
            {"name": "s2", "data": ELF + b"3", "mode": 0o755},
            {"name": "a/s2", "data": ELF + b"4", "mode": 0o4755},
        ],
        [
            {"name": "./opt//l1", "hardlink": "x/../s1"},
            {"name": "opt/l2", "hardlink": "./x/../s2"},
        ],
    ])


# --------------------------------------------------------------- notices

def decoys():
    """A file of 1,100 private key headers without a key, then a key: bosun
    stops confirming after 1,000 and says so; a hard link to it in the
    next layer says the same under its own name."""
    pem = b"-----BEGIN PRIVATE KEY-----\n" * 1100 + mm.private_key()
    mm.image("decoys", [
        mm.BASE + [{"name": "app/decoys.pem", "data": pem}],
        [{"name": "app/link.pem", "hardlink": "app/decoys.pem"}],
    ])


# ------------------------------------------------------------------ user

def user_names():
    """A User that Go's strconv.Atoi refuses (out of range), so runc and
    containerd look it up as a name, which the image's /etc/passwd maps to
    uid 0."""
    big = "99999999999999999999"
    mm.image("user-name-out-of-range", [mm.BASE[:1] + [
        {"name": "etc/passwd",
         "data": ("root:x:0:0:root:/root:/bin/sh\n"
                  "%s:x:0:0::/:/bin/sh\n" % big).encode()},
    ]], user=big)


def main():
    os.makedirs(mm.OUT, exist_ok=True)
    repeated_links()
    repeated_link_findings()
    repeated_link_bound()
    climbing_links()
    decoys()
    user_names()


if __name__ == "__main__":
    main()
