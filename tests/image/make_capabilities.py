#!/usr/bin/env python3
"""Images whose files carry file capabilities, for
test_image_capabilities.sh.

    make_capabilities.py OUT_DIR [GNU_TAR_LAYER]

Writes OCI layouts under OUT_DIR:
  crafted    one layer of files whose pax headers hold
             SCHILY.xattr.security.capability values made here: revision 2
             effective, revision 2 not effective (inheritable too), revision
             3 with a rootid, revision 1, capabilities 32 to 40, an empty
             set, wrong lengths, an unknown revision; a second layer deletes
             one of them (whiteout) and replaces another without the
             attribute
  gnutar     GNU_TAR_LAYER (a layer written by `tar --xattrs` from a file
             setcap marked) as the only layer, when given
"""
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import tarfile

OUT = sys.argv[1]
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_TAR = "application/vnd.oci.image.layer.v1.tar"
CAP = "SCHILY.xattr.security.capability"
ELF = b"\x7fELF\x02\x01\x01" + bytes(9)


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def caps(revision, effective, permitted, inheritable=0, rootid=None):
    """A vfs_cap_data value (little-endian), as the kernel writes it."""
    magic = revision << 24 | (1 if effective else 0)
    words = [magic, permitted & 0xFFFFFFFF, inheritable & 0xFFFFFFFF]
    if revision >= 2:
        words += [permitted >> 32, inheritable >> 32]
    if revision == 3:
        words.append(rootid or 0)
    return struct.pack("<%dI" % len(words), *words)


def bit(*caps_):
    return sum(1 << c for c in caps_)


def tar_of(entries):
    """entries: (name, xattr value or None); "name/" is a directory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, value in entries:
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime = 1700000000
            if name.endswith("/"):
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
                continue
            info.mode = 0o755
            if value is not None:
                # Python's tarfile writes pax values as UTF-8 text; a
                # binary value goes in through surrogateescape, as it does
                # for names (the bytes come out as they went in).
                info.pax_headers = {CAP: value.decode("utf-8",
                                                      "surrogateescape")}
            info.size = len(ELF)
            t.addfile(info, io.BytesIO(ELF))
    return buf.getvalue()


def image(name, tars):
    path = os.path.join(OUT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "blobs", "sha256"))

    def blob(data, media_type):
        d = digest(data)
        with open(os.path.join(path, "blobs", "sha256", d[7:]), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": d, "size": len(data)}

    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"User": "10001"},
        "rootfs": {"type": "layers", "diff_ids": [digest(t) for t in tars]},
        "history": [{"created_by": "make_capabilities.py"} for _ in tars],
    }
    manifest = {
        "schemaVersion": 2, "mediaType": MT_MANIFEST,
        "config": blob(json.dumps(config).encode(), MT_CONFIG),
        "layers": [blob(t, MT_TAR) for t in tars],
    }
    desc = blob(json.dumps(manifest).encode(), MT_MANIFEST)
    desc["annotations"] = {"org.opencontainers.image.ref.name": "1.0"}
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [desc]}, f)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    first = tar_of([
        ("usr/", None),
        ("usr/bin/", None),
        ("usr/bin/ping", caps(2, True, bit(13))),
        ("usr/bin/admin", caps(2, False, bit(21, 12), bit(12))),
        ("usr/bin/ns", caps(3, True, bit(10), rootid=100000)),
        ("usr/bin/old", caps(1, True, bit(0, 1))),
        ("usr/bin/high", caps(2, True, bit(32, 38, 39, 40) | 1 << 45)),
        ("usr/bin/empty", caps(2, True, 0)),
        ("usr/bin/short", caps(2, True, bit(21))[:14]),
        ("usr/bin/long", caps(2, True, bit(7)) + b"\0\0"),
        ("usr/bin/tiny", b"\x02"),
        ("usr/bin/rev9", b"\x00\x00\x00\x09" + bytes(16)),
        ("usr/bin/deleted", caps(2, True, bit(19))),
        ("usr/bin/replaced", caps(2, True, bit(16))),
        ("usr/bin/plain", None),
    ])
    second = tar_of([
        ("usr/", None),
        ("usr/bin/", None),
        ("usr/bin/.wh.deleted", None),
        ("usr/bin/replaced", None),
    ])
    image("crafted", [first, second])
    if len(sys.argv) > 2:
        with open(sys.argv[2], "rb") as f:
            image("gnutar", [f.read()])


if __name__ == "__main__":
    main()
