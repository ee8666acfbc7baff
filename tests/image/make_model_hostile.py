#!/usr/bin/env python3
"""Hostile images against bosun image's layer model: what each layer adds,
deletes and hides, what ships, what the container runs as.

    make_model_hostile.py OUT_DIR

Writes one OCI layout per case under OUT_DIR/model (see each function;
test_image_model_hostile.sh says what bosun must report and how the
runtimes see each case). Credentials are made up here, at build time.
"""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import string
import sys
import tarfile

OUT = os.path.join(sys.argv[1], "model")

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_GZIP = MT_TAR + "+gzip"

RNG = random.SystemRandom()


def token():
    """A GitHub token (random, of the right form)."""
    alphabet = string.ascii_letters + string.digits
    return "ghp_" + "".join(RNG.choice(alphabet) for _ in range(36))


def private_key():
    body = "".join(RNG.choice(string.ascii_letters + string.digits + "+/")
                   for _ in range(64 * 6))
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) +
            "\n-----END OPENSSH PRIVATE KEY-----\n").encode()


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_of(entries):
    """entries: dicts with name, and data / symlink / hardlink / dir /
    mode / uid / gid."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            info = tarfile.TarInfo(e["name"])
            info.mode = e.get("mode", 0o644)
            info.uid = e.get("uid", 0)
            info.gid = e.get("gid", 0)
            info.mtime = 1700000000
            data = e.get("data")
            if "symlink" in e:
                info.type = tarfile.SYMTYPE
                info.linkname = e["symlink"]
            elif "hardlink" in e:
                info.type = tarfile.LNKTYPE
                info.linkname = e["hardlink"]
            elif e.get("dir"):
                info.type = tarfile.DIRTYPE
                info.mode = e.get("mode", 0o755)
            if data is not None:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)
    return buf.getvalue()


def image(name, layers, user="10001", compress=False):
    """An OCI layout of layers (lists of entries), uncompressed or gzip."""
    path = os.path.join(OUT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "blobs", "sha256"))

    def blob(data, media_type):
        d = digest(data)
        with open(os.path.join(path, "blobs", "sha256", d[7:]), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": d, "size": len(data)}

    # A list given several times (the same object) is one blob, made once.
    made = {}

    def once(key, make):
        if key not in made:
            made[key] = make()
        return made[key]

    tars = [once(id(entries), lambda e=entries: tar_of(e)) for entries in layers]
    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"User": user},
        "rootfs": {"type": "layers", "diff_ids": [digest(t) for t in tars]},
        "history": [{"created_by": "make_model_hostile.py"} for _ in tars],
    }
    manifest = {
        "schemaVersion": 2, "mediaType": MT_MANIFEST,
        "config": blob(json.dumps(config).encode(), MT_CONFIG),
        "layers": [blob(once(("gz", id(t)),
                             lambda t=t: gzip.compress(t, 1, mtime=0)), MT_GZIP)
                   if compress else blob(t, MT_TAR) for t in tars],
    }
    desc = blob(json.dumps(manifest).encode(), MT_MANIFEST)
    desc["annotations"] = {"org.opencontainers.image.ref.name": "1.0"}
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [desc]}, f)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


BASE = [
    {"name": "etc", "dir": True},
    {"name": "etc/passwd",
     "data": b"root:x:0:0:root:/root:/bin/sh\napp:x:10001:0::/app:/bin/sh\n"},
    {"name": "etc/shadow", "data": b"root:*:19000:0:99999:7:::\n"
                                   b"app:!:19000::::::\n", "mode": 0o640},
    {"name": "etc/group", "data": b"root:x:0:\n"},
]

ELF = b"\x7fELF\x02\x01\x01" + bytes(9)


# ----------------------------------------------------------------- layers

def root_opaque():
    """A setuid tool and a token in layer 0; layer 1 marks its root opaque
    (.wh..wh..opq at the top of the layer)."""
    image("root-opaque", [
        BASE + [
            {"name": "usr/bin/tool", "data": ELF, "mode": 0o4755},
            {"name": "srv/app.conf", "data": ("token=%s\n" % token()).encode()},
        ],
        [
            {"name": ".wh..wh..opq", "data": b""},
            {"name": "srv", "dir": True},
            {"name": "srv/fresh", "data": b"fresh\n"},
        ],
    ])


# Two paths with equal hashes under bosun's former path hash (FNV-1a with
# a final mix, 63 bits), found with a parallel-collision (distinguished
# points) search on paths /opt/<16 hex digits>: 4.4e9 hashes, minutes on
# one core.
COLLIDING = ("opt/5fdd6dc48c1ec04b", "opt/37141efa8c0adb6f")


def collisions():
    """A setuid file, then a directory with a setuid file and a token, in
    layer 0 at the first path; layer 1 deletes the second path."""
    first, second = COLLIDING
    whiteout = "opt/.wh." + second.split("/")[1]
    image("collide-file", [
        BASE + [{"name": first, "data": ELF, "mode": 0o4755}],
        [{"name": whiteout, "data": b""}],
    ])
    image("collide-dir", [
        BASE + [
            {"name": first + "/bin/tool", "data": ELF, "mode": 0o4755},
            {"name": first + "/token.txt",
             "data": ("token=%s\n" % token()).encode()},
        ],
        [{"name": whiteout, "data": b""}],
    ])


# ------------------------------------------------------------ exemptions

def exempt_paths():
    """Credentials where bosun used not to look: documentation, headers, a
    test directory, a system library directory."""
    image("exempt-paths", [BASE + [
        {"name": "usr/share/doc/app/README",
         "data": ("Deploy with token %s\n" % token()).encode()},
        {"name": "usr/include/app/config.h",
         "data": ('#define TOKEN "%s"\n' % token()).encode()},
        {"name": "app/tests/.env", "data": ("TOKEN=%s\n" % token()).encode()},
        {"name": "usr/lib/app/libapp.so",
         "data": ELF + ("\0token=%s\0" % token()).encode()},
        {"name": "usr/share/doc/app/id_rsa", "data": private_key(),
         "mode": 0o600},
    ]])


GNUTLS = "/usr/lib/x86_64-linux-gnu/libgnutls.so.30"


def gnutls():
    """The host's GnuTLS (when there is one), whose self-tests embed
    private keys, away from any library directory: no finding, by its
    content."""
    if not os.path.exists(GNUTLS):
        return
    with open(GNUTLS, "rb") as f:
        lib = f.read()
    image("gnutls", [BASE + [{"name": "opt/app/libgnutls.so.30", "data": lib}]])


# ------------------------------------------------------------ hard links

def hardlinks():
    """Hard links: to setuid files whose first names later layers delete
    (a link in the same layer, one in a later layer, one through the
    merged-usr symbolic link bin -> usr/bin); a secret-file name linked to
    an innocent path; links (and a link to a link) to a file with a token,
    whose directory a later layer deletes."""
    image("hardlink-setuid", [
        BASE + [
            {"name": "usr/bin/helper", "data": ELF + b"1", "mode": 0o4755},
            {"name": "opt/a", "hardlink": "usr/bin/helper"},
            {"name": "usr/bin/helper2", "data": ELF + b"2", "mode": 0o2755,
             "gid": 42},
            {"name": "usr/bin/helper3", "data": ELF + b"3", "mode": 0o4755},
            {"name": "bin", "symlink": "usr/bin"},
        ],
        [
            {"name": "opt/b", "hardlink": "usr/bin/helper2"},
            {"name": "opt/c", "hardlink": "bin/helper3"},
        ],
        [
            {"name": "usr/bin/.wh.helper", "data": b""},
            {"name": "usr/bin/.wh.helper2", "data": b""},
            {"name": "usr/bin/.wh.helper3", "data": b""},
        ],
    ])
    image("hardlink-secret-name", [BASE + [
        {"name": "usr/share/misc/notes.txt", "data": b"just some notes\n"},
        {"name": "root/.ssh/id_rsa", "hardlink": "usr/share/misc/notes.txt"},
    ]])
    image("hardlink-secret-content", [
        BASE + [
            {"name": "srv/data/blob.txt",
             "data": ("token=%s\n" % token()).encode()},
            {"name": "app/config.txt", "hardlink": "srv/data/blob.txt"},
        ],
        [
            {"name": "app/other.txt", "hardlink": "srv/data/blob.txt"},
            {"name": "app/third.txt", "hardlink": "app/config.txt"},
        ],
        [{"name": "srv/.wh.data", "data": b""}],
    ])


# -------------------------------------------------------------- accounts

def shadow_line(name, password):
    return "%s:%s:19000:0:99999:7:::\n" % (name, password)


def accounts():
    """The final /etc/shadow and /etc/passwd, wherever they really are: an
    /etc/shadow of more than 4 MiB whose last line has an empty password;
    /etc/shadow a symbolic link to another file; /etc a symbolic link to
    another directory (in a later layer); /etc/shadow and /etc/passwd hard
    links to files of a lower layer."""
    locked = "".join(shadow_line("user%06d" % i, "!") for i in range(140000))
    image("shadow-big", [[
        {"name": "etc", "dir": True},
        {"name": "etc/passwd", "data": b"root:x:0:0:root:/root:/bin/sh\n"},
        {"name": "etc/shadow", "mode": 0o640,
         "data": (locked + shadow_line("root", "")).encode()},
    ]])
    image("shadow-symlink", [
        BASE + [{"name": "data/shadow", "mode": 0o640,
                 "data": (shadow_line("root", "*") +
                          shadow_line("app", "")).encode()}],
        [{"name": "etc/shadow", "symlink": "/data/shadow"}],
    ])
    image("etc-symlink", [
        BASE + [
            {"name": "cfg/passwd", "mode": 0o664,
             "data": b"root:x:0:0:root:/root:/bin/sh\n"},
            {"name": "cfg/shadow", "mode": 0o640,
             "data": shadow_line("root", "").encode()},
        ],
        [
            {"name": ".wh.etc", "data": b""},
            {"name": "etc", "symlink": "cfg"},
        ],
    ])
    image("accounts-hardlink", [
        BASE + [
            {"name": "var/backups/sh", "mode": 0o640,
             "data": shadow_line("root", "").encode()},
            {"name": "home/app/passwd", "mode": 0o664,
             "data": b"root:x:0:0:root:/root:/bin/sh\n"},
        ],
        [
            {"name": "etc/shadow", "hardlink": "var/backups/sh"},
            {"name": "etc/passwd", "hardlink": "home/app/passwd"},
        ],
    ])


# ------------------------------------------------------------------ user

def users():
    """User names the image's final /etc/passwd maps to uid 0: directly,
    through a symbolic link to another layer's file, and with an empty uid
    field (runc reads it as 0); and one it maps to 10001."""
    image("user-root-name", [BASE[:1] + [
        {"name": "etc/passwd",
         "data": b"root:x:0:0:root:/root:/bin/sh\napp:x:0:0::/app:/bin/sh\n"},
    ]], user="app")
    image("user-root-symlink", [
        BASE + [{"name": "data/passwd",
                 "data": b"root:x:0:0::/root:/bin/sh\nsvc:x:0:0::/:/bin/sh\n"}],
        [{"name": "etc/passwd", "symlink": "../data/passwd"}],
    ], user="svc:svc")
    image("user-empty-uid", [BASE[:1] + [
        {"name": "etc/passwd",
         "data": b"root:x:0:0:root:/root:/bin/sh\napp:x::0::/app:/bin/sh\n"},
    ]], user="app")
    image("user-nonroot-name", [BASE], user="app")


# ------------------------------------------------------------ bounds

def link_bounds():
    """What links cost: 50k hard links to files of their own layer (as
    pnpm or conda write them: they say nothing, and are not kept); 5000
    hard links with 4 KB names to files of a lower layer (kept: the file
    budget runs out, an error says so); 30k links through a chain of 40
    symbolic links, over 60 layers, to 100 setuid files."""
    store = "root/.local/share/pnpm/store/v3/files/"
    pkg = "app/node_modules/.pnpm/pkg@1.2.3/node_modules/pkg/lib/"
    plain_links = []
    for i in range(50000):
        target = store + "%02x/%062x" % (i % 256, i)
        plain_links.append({"name": target, "data": b"x"})
        plain_links.append({"name": pkg + "f%06d.js" % i, "hardlink": target})
    image("links-plain", [BASE + plain_links], compress=True)
    deep = "/".join(["d" * 200] * 19)
    lower = BASE + [{"name": deep + "/f%04d" % i, "data": b"x"}
                    for i in range(100)]
    image("links-budget", [lower, [
        {"name": deep + "/l%05d" % i, "hardlink": deep + "/f%04d" % (i % 100)}
        for i in range(5000)]], compress=True)
    chain = [{"name": "s%d" % i, "symlink": "/s%d" % (i + 1)}
             for i in range(39)] + [{"name": "s39", "symlink": "/usr/bin"}]
    tools = [{"name": "usr/bin/tool%d" % i, "data": ELF, "mode": 0o4755}
             for i in range(100)]
    filler = [[{"name": "fill/%d" % i, "data": b"x"}] for i in range(60)]
    links = [{"name": "l/%06d" % i, "hardlink": "s0/tool%d" % (i % 100)}
             for i in range(30000)]
    image("links-chain", [BASE + chain + tools] + filler + [links],
          compress=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    root_opaque()
    collisions()
    exempt_paths()
    gnutls()
    hardlinks()
    accounts()
    users()
    link_bounds()


if __name__ == "__main__":
    main()
