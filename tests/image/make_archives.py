#!/usr/bin/env python3
"""Image archives for the bosun image tests that no build tool writes.

    make_archives.py OUT_DIR

Reads OUT_DIR/app (an OCI layout written by buildah) and writes, next to
it:
  docker25.tar     the layout `docker save` writes since Docker 25: an OCI
                   layout with uncompressed layers plus a manifest.json
                   whose paths point into blobs/
  docker-gz.tar    a legacy docker-archive whose layer.tar files are
                   gzip-compressed (verified against the config's diff_ids)
  big-gzip, big-zstd, big-tar, big-trunc, big-docker-gz.tar
                   one layer of 24 MiB (gzip, zstd, uncompressed, cut
                   short, and in a docker-archive verified by diff_id),
                   large enough for a second thread to help read it
and the hostile inputs, one directory (or tar) each under OUT_DIR/hostile:
  traversal        "../" and absolute names, a hard link out of the root,
                   a file written through a symlink of the same layer
  pax-huge         a pax header of 2 MiB
  trunc-gzip       a gzip layer cut in the middle (digests consistent)
  trunc-zstd       the same with zstd
  bomb-gzip        300 MiB of zeros in a 300 KiB gzip layer
  bomb-zstd        1 GiB of zeros in a zstd layer of a few KiB
  missing-blob     a manifest naming a layer blob that is not there
  wrong-digest     a layer blob changed after the manifest was written
  absurd-config    a config descriptor claiming 1 PB
  absurd-entry     a tar entry claiming 8 GiB in a tiny layer
  nested           indexes nested 20 deep
  not-tar          a layer of random bytes
  bad-json         an index.json that is not JSON
  media-mismatch   a zstd blob declared as gzip
  docker-escape.tar  a docker-archive whose manifest.json names ../../etc/passwd
  outer-truncated.tar  an oci-archive cut in the middle
  outer-pax-huge.tar   an oci-archive whose index.json has a 1 MiB pax header
and small oci-archives of some of them in OUT_DIR/fuzz-seeds.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zlib

OUT = sys.argv[1]
HOSTILE = os.path.join(OUT, "hostile")
SEEDS = os.path.join(OUT, "fuzz-seeds")

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_GZIP = MT_TAR + "+gzip"
MT_ZSTD = MT_TAR + "+zstd"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def blob_path(layout, d):
    return os.path.join(layout, "blobs", "sha256", d.split(":", 1)[1])


class Layout:
    """An OCI image layout being written."""

    def __init__(self, path):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(os.path.join(path, "blobs", "sha256"))
        self.path = path
        with open(os.path.join(path, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)

    def blob(self, data):
        d = digest(data)
        with open(blob_path(self.path, d), "wb") as f:
            f.write(data)
        return d

    def descriptor(self, data, media_type, **extra):
        desc = {"mediaType": media_type, "digest": self.blob(data),
                "size": len(data)}
        desc.update(extra)
        return desc

    def image(self, layers, user="10001", history=None):
        """layers: (blob bytes, media type, uncompressed bytes)"""
        config = {
            "architecture": "amd64", "os": "linux",
            "config": {"User": user, "Env": ["PATH=/bin"]},
            "rootfs": {"type": "layers",
                       "diff_ids": [digest(plain) for _, _, plain in layers]},
            "history": history or [{"created_by": "make_archives.py"}
                                   for _ in layers],
        }
        cdesc = self.descriptor(json.dumps(config).encode(), MT_CONFIG)
        manifest = {
            "schemaVersion": 2, "mediaType": MT_MANIFEST, "config": cdesc,
            "layers": [self.descriptor(blob, mt) for blob, mt, _ in layers],
        }
        return manifest

    def manifest(self, manifest, **extra):
        return self.descriptor(json.dumps(manifest).encode(), MT_MANIFEST,
                               **extra)

    def index(self, descriptors):
        with open(os.path.join(self.path, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "mediaType": MT_INDEX,
                       "manifests": descriptors}, f)


def ref(name):
    return {"annotations": {"org.opencontainers.image.ref.name": name}}


def tar_of(entries, fmt=tarfile.PAX_FORMAT):
    """entries: dicts with name, and data / symlink / hardlink / mode /
    pax / type."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for e in entries:
            info = tarfile.TarInfo(e["name"])
            info.mode = e.get("mode", 0o644)
            info.mtime = 1700000000
            if "pax" in e:
                info.pax_headers = e["pax"]
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


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


BASE_FILES = [
    {"name": "etc", "dir": True},
    {"name": "etc/passwd", "data": b"root:x:0:0:root:/root:/bin/sh\n"},
    {"name": "etc/hostname", "data": b"hostile\n"},
]


def simple(path, layers, tag="1.0", **image_args):
    """A one-image layout whose layers are given as (blob, media type,
    uncompressed)."""
    lay = Layout(path)
    lay.index([lay.manifest(lay.image(layers, **image_args), **ref(tag))])
    return lay


def tar_layer(entries):
    plain = tar_of(entries)
    return (plain, MT_TAR, plain)


def gzip_layer(entries):
    plain = tar_of(entries)
    return (gz(plain), MT_GZIP, plain)


def write_tar_of_dir(src, dst):
    """An oci-archive (or docker-archive) of a directory."""
    with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(os.listdir(src)):
            t.add(os.path.join(src, name), arcname=name)


# ------------------------------------------------------------ real layouts

def read_app():
    app = os.path.join(OUT, "app")
    index = json.load(open(os.path.join(app, "index.json")))
    mdesc = index["manifests"][0]
    manifest = json.load(open(blob_path(app, mdesc["digest"])))
    config_raw = open(blob_path(app, manifest["config"]["digest"]), "rb").read()
    layers = []
    for l in manifest["layers"]:
        layers.append(gzip.decompress(open(blob_path(app, l["digest"]), "rb").read()))
    return config_raw, layers


def docker25(config_raw, layers):
    """What `docker save` writes since Docker 25."""
    root = os.path.join(OUT, "work-docker25")
    lay = Layout(root)
    cdesc = lay.descriptor(config_raw, MT_CONFIG)
    ldescs = [lay.descriptor(plain, MT_TAR) for plain in layers]
    manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
                "config": cdesc, "layers": ldescs}
    mdesc = lay.manifest(manifest, annotations={
        "io.containerd.image.name": "docker.io/library/app:1.0",
        "org.opencontainers.image.ref.name": "1.0"})
    lay.index([mdesc])
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump([{
            "Config": "blobs/sha256/" + cdesc["digest"].split(":")[1],
            "RepoTags": ["app:1.0"],
            "Layers": ["blobs/sha256/" + d["digest"].split(":")[1]
                       for d in ldescs],
        }], f)
    write_tar_of_dir(root, os.path.join(OUT, "docker25.tar"))
    shutil.rmtree(root)


def docker_gz(config_raw, layers):
    """A legacy docker-archive with compressed layer.tar files."""
    root = os.path.join(OUT, "work-docker-gz")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    cname = hashlib.sha256(config_raw).hexdigest() + ".json"
    open(os.path.join(root, cname), "wb").write(config_raw)
    paths = []
    for i, plain in enumerate(layers):
        d = "%064x" % (i + 1)
        os.makedirs(os.path.join(root, d))
        open(os.path.join(root, d, "layer.tar"), "wb").write(gz(plain))
        open(os.path.join(root, d, "VERSION"), "w").write("1.0")
        paths.append(d + "/layer.tar")
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump([{"Config": cname, "RepoTags": ["app:2.0"],
                    "Layers": paths}], f)
    write_tar_of_dir(root, os.path.join(OUT, "docker-gz.tar"))
    shutil.rmtree(root)


# --------------------------------------------------------------- hostile

def traversal():
    simple(os.path.join(HOSTILE, "traversal"), [tar_layer(BASE_FILES + [
        {"name": "../../evil.sh", "data": b"#!/bin/sh\n", "mode": 0o755},
        {"name": "/abs/owned", "data": b"x\n"},
        {"name": "hl", "hardlink": "../../etc/shadow"},
        {"name": "esc", "symlink": "/etc"},
        {"name": "esc/cron.d/job", "data": b"* * * * * root sh\n"},
    ])])


def pax_huge():
    simple(os.path.join(HOSTILE, "pax-huge"), [tar_layer(BASE_FILES + [
        {"name": "app/readme", "data": b"hello\n",
         "pax": {"comment": "x" * (2 << 20)}},
    ])])


def truncated(name, compress, media_type):
    plain = tar_of(BASE_FILES + [{"name": "app/big", "data": os.urandom(200000)}])
    packed = compress(plain)
    simple(os.path.join(HOSTILE, name),
           [(packed[:len(packed) // 2], media_type, plain)])


def bomb_gzip():
    """300 MiB of zeros: deflate tops out near 1030:1."""
    size = 300 << 20
    info = tarfile.TarInfo("zeros")
    info.size = size
    header = info.tobuf(format=tarfile.PAX_FORMAT)
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)
    parts = [z.compress(header)]
    chunk = bytes(1 << 20)
    for _ in range(size >> 20):
        parts.append(z.compress(chunk))
    parts.append(z.compress(bytes(1024)))
    parts.append(z.flush())
    packed = b"".join(parts)
    lay = Layout(os.path.join(HOSTILE, "bomb-gzip"))
    lay.index([lay.manifest({
        "schemaVersion": 2, "mediaType": MT_MANIFEST,
        "config": lay.descriptor(json.dumps({
            "architecture": "amd64", "os": "linux",
            "config": {"User": "10001"},
            "rootfs": {"type": "layers", "diff_ids": []}}).encode(), MT_CONFIG),
        "layers": [lay.descriptor(packed, MT_GZIP)]}, **ref("1.0"))])


def bomb_zstd():
    """1 GiB of zeros through the zstd command."""
    size = 1 << 30
    info = tarfile.TarInfo("zeros")
    info.size = size
    p = subprocess.Popen(["zstd", "-q", "-c", "-19"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    import threading
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()
    p.stdin.write(info.tobuf(format=tarfile.PAX_FORMAT))
    chunk = bytes(1 << 20)
    for _ in range(size >> 20):
        p.stdin.write(chunk)
    p.stdin.write(bytes(1024))
    p.stdin.close()
    reader.join()
    p.wait()
    packed = out[0]
    lay = Layout(os.path.join(HOSTILE, "bomb-zstd"))
    lay.index([lay.manifest({
        "schemaVersion": 2, "mediaType": MT_MANIFEST,
        "config": lay.descriptor(json.dumps({
            "architecture": "amd64", "os": "linux",
            "config": {"User": "10001"},
            "rootfs": {"type": "layers", "diff_ids": []}}).encode(), MT_CONFIG),
        "layers": [lay.descriptor(packed, MT_ZSTD)]}, **ref("1.0"))])


def missing_blob():
    lay = simple(os.path.join(HOSTILE, "missing-blob"),
                 [tar_layer(BASE_FILES), gzip_layer(BASE_FILES + [
                     {"name": "app/x", "data": b"x\n"}])])
    index = json.load(open(os.path.join(lay.path, "index.json")))
    manifest = json.load(open(blob_path(lay.path, index["manifests"][0]["digest"])))
    os.remove(blob_path(lay.path, manifest["layers"][1]["digest"]))


def wrong_digest():
    lay = simple(os.path.join(HOSTILE, "wrong-digest"), [tar_layer(BASE_FILES + [
        {"name": "app/data.txt", "data": b"hello world, as built\n"}])])
    index = json.load(open(os.path.join(lay.path, "index.json")))
    manifest = json.load(open(blob_path(lay.path, index["manifests"][0]["digest"])))
    path = blob_path(lay.path, manifest["layers"][0]["digest"])
    data = bytearray(open(path, "rb").read())
    at = bytes(data).index(b"as built")
    data[at:at + 8] = b"tampered"
    open(path, "wb").write(bytes(data))


def absurd_config():
    lay = Layout(os.path.join(HOSTILE, "absurd-config"))
    layer = tar_layer(BASE_FILES)
    manifest = lay.image([layer])
    manifest["config"]["size"] = 10 ** 15
    lay.index([lay.manifest(manifest, **ref("1.0"))])


def absurd_entry():
    plain = bytearray(tar_of(BASE_FILES + [{"name": "app/tiny", "data": b"abc"}],
                             fmt=tarfile.USTAR_FORMAT))
    at = bytes(plain).index(b"app/tiny")
    plain[at + 124:at + 136] = b"77777777777\0"  # 8 GiB
    plain[at + 148:at + 156] = b"        "
    plain[at + 148:at + 155] = b"%06o\0" % sum(plain[at:at + 512])
    plain = bytes(plain)
    simple(os.path.join(HOSTILE, "absurd-entry"), [(plain, MT_TAR, plain)])


def nested():
    lay = Layout(os.path.join(HOSTILE, "nested"))
    desc = lay.manifest(lay.image([tar_layer(BASE_FILES)]),
                        platform={"architecture": "amd64", "os": "linux"})
    for _ in range(20):
        desc = lay.descriptor(json.dumps({
            "schemaVersion": 2, "mediaType": MT_INDEX,
            "manifests": [desc]}).encode(), MT_INDEX)
    desc.update(ref("1.0"))
    lay.index([desc])


def not_tar():
    junk = os.urandom(5000)
    simple(os.path.join(HOSTILE, "not-tar"), [(junk, MT_TAR, junk)])


def bad_json():
    lay = Layout(os.path.join(HOSTILE, "bad-json"))
    with open(os.path.join(lay.path, "index.json"), "w") as f:
        f.write('{"schemaVersion": 2, "manifests": [')


def media_mismatch():
    plain = tar_of(BASE_FILES + [{"name": "app/x", "data": b"x\n"}])
    simple(os.path.join(HOSTILE, "media-mismatch"), [(zstd(plain), MT_GZIP, plain)])


def docker_escape():
    root = os.path.join(OUT, "work-escape")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"User": "1"},
                         "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    cname = hashlib.sha256(config).hexdigest() + ".json"
    open(os.path.join(root, cname), "wb").write(config)
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump([{"Config": cname, "RepoTags": ["escape:1"],
                    "Layers": ["../../etc/passwd"]}], f)
    write_tar_of_dir(root, os.path.join(HOSTILE, "docker-escape.tar"))
    shutil.rmtree(root)


def outer_truncated():
    src = os.path.join(HOSTILE, "traversal")
    dst = os.path.join(HOSTILE, "outer-truncated.tar")
    write_tar_of_dir(src, dst)
    size = os.path.getsize(dst)
    with open(dst, "r+b") as f:
        f.truncate(size // 2)


def outer_pax_huge():
    src = os.path.join(HOSTILE, "traversal")
    dst = os.path.join(HOSTILE, "outer-pax-huge.tar")
    with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(os.listdir(src)):
            info = t.gettarinfo(os.path.join(src, name), arcname=name)
            if name == "index.json":
                info.pax_headers = {"comment": "x" * (1 << 20)}
            if info.isfile():
                with open(os.path.join(src, name), "rb") as f:
                    t.addfile(info, f)
            else:
                t.add(os.path.join(src, name), arcname=name)


def many_symlinks():
    """One symbolic link more than a layer may hold (256 Ki): refused, in
    bounded memory, instead of a hash set that grows with the layer."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for i in range((256 << 10) + 1):
            info = tarfile.TarInfo("l/%06x" % i)
            info.type = tarfile.SYMTYPE
            info.linkname = "t"
            t.addfile(info)
    plain = buf.getvalue()
    simple(os.path.join(HOSTILE, "many-symlinks"), [tar_layer(BASE_FILES),
           (gz(plain), MT_GZIP, plain)])


def big():
    """Layers large enough for a second thread to help decode them: 24 MiB
    that do not compress, with findings before and after."""
    noise = os.urandom(24 << 20)
    token = b"ghp_" + hashlib.sha256(noise[:64]).hexdigest()[:36].encode()
    entries = BASE_FILES + [
        {"name": "app/first.env", "data": b"TOKEN=" + token + b"\n"},
        {"name": "app/noise.bin", "data": noise},
        {"name": "app/last.env", "data": b"TOKEN=" + token + b"\n"},
        {"name": "app/tool", "data": b"#!/bin/sh\n", "mode": 0o4755},
    ]
    plain = tar_of(entries)
    packed = gz(plain)
    simple(os.path.join(OUT, "big-gzip"), [(packed, MT_GZIP, plain)])
    simple(os.path.join(OUT, "big-zstd"), [(zstd(plain), MT_ZSTD, plain)])
    simple(os.path.join(OUT, "big-tar"), [(plain, MT_TAR, plain)])
    cut = packed[:len(packed) * 3 // 4]
    simple(os.path.join(OUT, "big-trunc"), [(cut, MT_GZIP, plain)])
    # A docker-archive whose layer is compressed: its diff_id names the
    # tar, so the decoded stream is hashed too.
    root = os.path.join(OUT, "work-big-docker")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "l"))
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"User": "10001"},
                         "rootfs": {"type": "layers",
                                    "diff_ids": [digest(plain)]}}).encode()
    cname = hashlib.sha256(config).hexdigest() + ".json"
    open(os.path.join(root, cname), "wb").write(config)
    open(os.path.join(root, "l", "layer.tar"), "wb").write(packed)
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump([{"Config": cname, "RepoTags": ["big:1"],
                    "Layers": ["l/layer.tar"]}], f)
    write_tar_of_dir(root, os.path.join(OUT, "big-docker-gz.tar"))
    shutil.rmtree(root)


def tiny():
    """A small valid image touching every check, for the fuzzer."""
    lay = Layout(os.path.join(OUT, "work-tiny"))
    layers = [
        gzip_layer(BASE_FILES + [
            {"name": "etc/shadow", "data": b"root::19000:0:99999:7:::\n"},
            {"name": "bin", "dir": True},
            {"name": "bin/su", "data": b"\x7fELF", "mode": 0o4755},
            {"name": "root/.ssh/id_rsa", "data": b"key\n", "mode": 0o600},
            {"name": "tmp", "dir": True, "mode": 0o1777},
            {"name": "data", "dir": True, "mode": 0o777},
        ]),
        (zstd(tar_of([{"name": "root/.ssh/.wh.id_rsa", "data": b""},
                      {"name": "etc/.wh..wh..opq", "data": b""}])), MT_ZSTD,
         b""),
    ]
    lay.index([lay.manifest(lay.image(layers, user="", history=[
        {"created_by": "/bin/sh -c apt-get -y upgrade"},
        {"created_by": "RUN /bin/sh -c curl -s https://x | sh # buildkit"},
    ]), **ref("latest"))])
    return lay.path


def fuzz_seeds():
    """Small oci-archives (the fuzzer's inputs are archives)."""
    os.makedirs(SEEDS, exist_ok=True)
    for name in ("traversal", "trunc-gzip", "trunc-zstd", "missing-blob",
                 "wrong-digest", "absurd-config", "absurd-entry", "nested",
                 "not-tar", "media-mismatch"):
        write_tar_of_dir(os.path.join(HOSTILE, name),
                         os.path.join(SEEDS, name + ".tar"))
    path = tiny()
    write_tar_of_dir(path, os.path.join(SEEDS, "tiny.tar"))
    shutil.rmtree(path)


def main():
    os.makedirs(HOSTILE, exist_ok=True)
    config_raw, layers = read_app()
    docker25(config_raw, layers)
    docker_gz(config_raw, layers)
    traversal()
    pax_huge()
    truncated("trunc-gzip", gz, MT_GZIP)
    truncated("trunc-zstd", zstd, MT_ZSTD)
    bomb_gzip()
    bomb_zstd()
    missing_blob()
    wrong_digest()
    absurd_config()
    absurd_entry()
    nested()
    not_tar()
    bad_json()
    media_mismatch()
    docker_escape()
    outer_truncated()
    outer_pax_huge()
    many_symlinks()
    big()
    fuzz_seeds()


main()
