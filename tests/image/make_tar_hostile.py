#!/usr/bin/env python3
"""Layers and image archives whose tar headers libarchive and Go's
archive/tar (which docker and containerd unpack with) read differently.

    make_tar_hostile.py OUT_DIR

Writes one OCI layout per case under OUT_DIR/hostile-tar (see CASES and
test_image_tar_hostile.sh for what each holds and how Go reads it), the
outer-archive cases as OUT_DIR/hostile-tar/*.tar, and small oci-archives
of the layouts in OUT_DIR/fuzz-seeds. Headers are written byte by byte:
no tar library writes these.
"""
import hashlib
import json
import os
import shutil
import sys
import tarfile

OUT = sys.argv[1]
DIR = os.path.join(OUT, "hostile-tar")
SEEDS = os.path.join(OUT, "fuzz-seeds")

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_TAR = "application/vnd.oci.image.layer.v1.tar"

# Made-up key material: the content scanner finds it, nothing uses it.
KEY = (b"-----BEGIN OPENSSH PRIVATE KEY-----\n" +
       hashlib.sha256(b"bosun").hexdigest().encode() * 4 +
       b"\n-----END OPENSSH PRIVATE KEY-----\n")


# ------------------------------------------------------------ tar blocks

def octal(n, width):
    return b"%0*o\0" % (width - 1, n)


def header(name, size=0, typeflag=b"0", mode=0o644, linkname=b"",
           magic=b"ustar\x0000", prefix=b"", fields=None):
    """One 512-byte header; fields: {offset: bytes} written last, before
    the checksum."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = octal(mode, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    h[124:136] = octal(size, 12)
    h[136:148] = octal(1700000000, 12)
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:257 + len(magic)] = magic
    h[345:345 + len(prefix)] = prefix
    for off, val in (fields or {}).items():
        h[off:off + len(val)] = val
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % 512)


def member(name, data=b"", **kw):
    kw.setdefault("size", len(data))
    return header(name, **kw) + pad(data)


def pax(records, typeflag=b"x", name=b"PaxHeader"):
    body = b""
    for key, value in records:
        rec = b" " + key + b"=" + value + b"\n"
        n = len(rec) + 1
        while len(b"%d" % n) + len(rec) != n:
            n += 1
        body += b"%d" % n + rec
    return member(name, body, typeflag=typeflag)


def gnu_long(name, typeflag=b"L"):
    return member(b"././@LongLink", name + b"\0", typeflag=typeflag,
                  magic=b"ustar  \0")


END = b"\0" * 1024

BASE = (member(b"etc/", typeflag=b"5", mode=0o755) +
        member(b"etc/hostname", b"hostile\n"))


# --------------------------------------------------------------- layouts

def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layout(path, layers):
    """A one-image OCI layout of uncompressed layers."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "blobs", "sha256"))

    def blob(data, media_type):
        d = digest(data)
        with open(os.path.join(path, "blobs", "sha256", d[7:]), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": d, "size": len(data)}

    config = {"architecture": "amd64", "os": "linux",
              "config": {"User": "10001"},
              "rootfs": {"type": "layers",
                         "diff_ids": [digest(l) for l in layers]},
              "history": [{"created_by": "make_tar_hostile.py"}
                          for _ in layers]}
    manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
                "config": blob(json.dumps(config).encode(), MT_CONFIG),
                "layers": [blob(l, MT_TAR) for l in layers]}
    mdesc = blob(json.dumps(manifest).encode(), MT_MANIFEST)
    mdesc["annotations"] = {"org.opencontainers.image.ref.name": "1.0"}
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [mdesc]}, f)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def layer_case(name, tar):
    layout(os.path.join(DIR, name), [BASE + END, tar])


# ----------------------------------------------------------------- cases

def long_dotdot():
    """A 5,000-byte component that "../" removes: the file is
    /root/.aws/credentials to Go's filepath.Clean."""
    name = b"x" * 5000 + b"/../root/.aws/credentials"
    return pax([(b"path", name)]) + member(b"creds", b"[default]\n") + END


def long_name():
    """A name 5,000 bytes long once cleaned: no runtime can create it."""
    name = b"/".join([b"d" * 200] * 25) + b"/token"
    return pax([(b"path", name)]) + member(b"t", b"x\n") + END


def star_prefix():
    """star header ("tar\\0" at 508): Go's prefix is the 131 bytes at 345
    and the atime/ctime at 476/488 must be numbers; libarchive reads 155
    bytes of prefix, the times included."""
    prefix = b"x" * (131 - len(b"/../root/.aws")) + b"/../root/.aws"
    fields = {476: b"00000000000\0", 488: b"00000000000\0", 508: b"tar\0"}
    return member(b"credentials", b"[default]\n", prefix=prefix,
                  fields=fields) + END


def pax_then_gnu_name():
    """A pax path, then a GNU long name, for one file: Go takes the GNU
    name whatever the order, libarchive the header that comes first."""
    return (pax([(b"path", b"tmp/readme")]) +
            gnu_long(b"root/.ssh/id_rsa") +
            member(b"placeholder", KEY, mode=0o600) + END)


def pax_then_gnu_link():
    """The same for a symlink's target (pax linkpath, GNU 'K')."""
    return (pax([(b"linkpath", b"/tmp/nothing")]) +
            gnu_long(b"/etc/shadow", typeflag=b"K") +
            member(b"etc/motd", typeflag=b"2", linkname=b"x") + END)


def zero_block():
    """One zero block, then more entries: libarchive ends the archive
    there, Go reads the next block and fails on it (two zero blocks end a
    tar, one is an error when a header follows)."""
    return (member(b"tmp/a", b"a\n") + b"\0" * 512 +
            member(b"root/.ssh/id_rsa", KEY, mode=0o600) + END)


def octal_space():
    """A mode with a space inside ("000 644"): libarchive stops at the
    space (mode 0), Go's octal parser rejects the header."""
    h = bytearray(header(b"tmp/b", size=2))
    h[100:108] = b"000 644\0"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return member(b"tmp/a", b"a\n") + bytes(h) + pad(b"b\n") + END


def hardlink_data():
    """A hard link with a size in a pax archive: libarchive reads that
    many bytes of data after it, Go reads none (links have no data) and
    finds the entry hidden there."""
    hidden = member(b"root/.ssh/id_rsa", KEY, mode=0o600)
    return (pax([(b"path", b"tmp/hl")]) +
            member(b"tmp/hl", hidden, typeflag=b"1", linkname=b"etc/hostname") +
            member(b"tmp/after", b"after\n") + END)


def volume_header():
    """A GNU volume header ('V'): libarchive skips it, Go returns it as an
    entry that docker and containerd do not unpack."""
    return (member(b"volume", typeflag=b"V", magic=b"ustar  \0") +
            member(b"tmp/c", b"c\n") + END)


def global_header():
    """A pax global header ('g'): libarchive skips it, Go returns it as an
    entry named by its header."""
    return (pax([(b"comment", b"hello")], typeflag=b"g",
                name=b"etc/hostname") +
            member(b"tmp/d", b"d\n") + END)


def nul_in_pax_path():
    """A NUL inside a pax path: Go rejects the record (and the layer),
    libarchive cuts the name at the NUL."""
    return (pax([(b"path", b"root/.ssh/id_rsa\0.txt")]) +
            member(b"x", KEY, mode=0o600) + END)


CASES = {
    "long-dotdot": long_dotdot,
    "long-name": long_name,
    "star-prefix": star_prefix,
    "pax-then-gnu-name": pax_then_gnu_name,
    "pax-then-gnu-link": pax_then_gnu_link,
    "zero-block": zero_block,
    "octal-space": octal_space,
    "hardlink-data": hardlink_data,
    "volume-header": volume_header,
    "global-header": global_header,
    "nul-in-pax-path": nul_in_pax_path,
}


# ------------------------------------------------------- outer archives

def outer(name, manifest_header):
    """An oci-archive of the long-dotdot layout whose index.json member is
    written with `manifest_header(data)` (the other members plain)."""
    src = os.path.join(DIR, "long-dotdot")
    out = b""
    for root, dirs, files in sorted(os.walk(src)):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(root, f)
            rel = os.path.relpath(path, src).encode()
            data = open(path, "rb").read()
            if rel == b"index.json":
                out += manifest_header(data)
            else:
                out += member(rel, data)
    with open(os.path.join(DIR, name), "wb") as f:
        f.write(out + END)


def outer_star(data):
    """index.json in a star header: Go's prefix is the 131 bytes at 345,
    "x...x/..", so docker load reads "x...x/../index.json", index.json once
    cleaned; a 155-byte prefix runs on into the star atime digits and names
    another file."""
    prefix = b"x" * 128 + b"/.."
    fields = {476: b"00000000000\0", 488: b"00000000000\0", 508: b"tar\0"}
    return member(b"index.json", data, prefix=prefix, fields=fields)


def outer_gnu_over_pax(data):
    """index.json named by a GNU long name before a pax path naming it
    "decoy.json": Go (docker load) takes the GNU name whatever the order."""
    return (gnu_long(b"index.json") + pax([(b"path", b"decoy.json")]) +
            member(b"placeholder", data))


def fuzz_seeds():
    os.makedirs(SEEDS, exist_ok=True)
    for name in CASES:
        src = os.path.join(DIR, name)
        with tarfile.open(os.path.join(SEEDS, "tar-" + name + ".tar"), "w",
                          format=tarfile.PAX_FORMAT) as t:
            for entry in sorted(os.listdir(src)):
                t.add(os.path.join(src, entry), arcname=entry)
    for name in ("outer-star.tar", "outer-gnu-over-pax.tar"):
        shutil.copy(os.path.join(DIR, name), os.path.join(SEEDS, name))


def main():
    shutil.rmtree(DIR, ignore_errors=True)
    os.makedirs(DIR)
    for name, make in CASES.items():
        layer_case(name, make())
    outer("outer-star.tar", outer_star)
    outer("outer-gnu-over-pax.tar", outer_gnu_over_pax)
    fuzz_seeds()


main()
