#!/usr/bin/env python3
"""Assemble an OCI image layout of bosun from nothing: no base image, no
pull, no container runtime.

    scripts/oci-image.py BUILD_DIR OUT_DIR

The image holds bosun and bosun-image from BUILD_DIR (as bosun-meta.json,
written by CMake, names them), exactly the shared libraries ldd says they
load and the dynamic loader, the CA bundle for registries over TLS, and an
/etc/passwd with root and the non-root user 65532 the image runs as. One
layer, written the same way from the same inputs every time: names sorted,
owner 0:0, every mtime and the creation time from SOURCE_DATE_EPOCH (or the
last commit's time), gzip without name or time. OUT_DIR is replaced by the
layout, whose one manifest is tagged with bosun's version.
"""
import datetime
import gzip
import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
USER = 65532
PASSWD = ("root:x:0:0:root:/root:/sbin/nologin\n"
          f"nonroot:x:{USER}:{USER}:nonroot:/:/sbin/nologin\n")
ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386",
        "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}


def die(msg):
    sys.exit("oci-image.py: " + msg)


def git(source, *args):
    """Output of git in the source tree, or None outside a repository."""
    try:
        return subprocess.run(["git", "-C", source, *args], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def shared_libraries(binaries):
    """Paths of the libraries and loader the binaries load, as ldd names
    them (the loader looks them up by those names)."""
    paths = set()
    for binary in binaries:
        out = subprocess.run(["ldd", binary], check=True, capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(?:\S+ => )?(/\S+) \(0x[0-9a-f]+\)$", line)
            if m:
                paths.add(m.group(1))
            elif "not found" in line:
                die(f"{binary}: a library is missing: {line.strip()}")
    return sorted(paths)


def stripped(binary, tmp):
    """A copy of the binary without symbols when strip is there."""
    copy = os.path.join(tmp, os.path.basename(binary))
    shutil.copyfile(binary, copy)
    if shutil.which("strip"):
        subprocess.run(["strip", "--strip-unneeded", copy], check=True)
    return copy


def layer_tar(files, mtime):
    """The layer: files maps an absolute path in the image to (source
    path or bytes, mode). Every parent directory gets an entry."""
    dirs = set()
    for path in files:
        parent = os.path.dirname(path)
        while parent not in ("/", ""):
            dirs.add(parent)
            parent = os.path.dirname(parent)
    entries = [(d, None, 0o755) for d in dirs]
    entries += [(p, src, mode) for p, (src, mode) in files.items()]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, src, mode in sorted(entries, key=lambda e: e[0]):
            info = tarfile.TarInfo(path.lstrip("/"))
            info.mtime, info.mode = mtime, mode
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if src is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
                continue
            data = src if isinstance(src, bytes) else open(src, "rb").read()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def put_blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest


def canonical(doc):
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: oci-image.py BUILD_DIR OUT_DIR")
    build, out = sys.argv[1:]
    source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        meta = json.load(open(os.path.join(build, "bosun-meta.json")))
    except (OSError, ValueError) as e:
        die(f"{build} is not a configured bosun build directory: {e}")
    binaries = [meta["bosun"], meta["bosun-image"]]
    for b in binaries:
        if not os.access(b, os.X_OK):
            die(f"{b} is not built")
    if not os.path.isfile(CA_BUNDLE):
        die(f"no {CA_BUNDLE}: install ca-certificates (scripts/deps.sh image)")

    epoch = os.environ.get("SOURCE_DATE_EPOCH") or git(source, "log", "-1", "--format=%ct")
    if not epoch or not epoch.isdigit():
        die("no SOURCE_DATE_EPOCH and no git history to take the time from")
    epoch = int(epoch)
    created = datetime.datetime.fromtimestamp(
        epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    revision = git(source, "rev-parse", "HEAD") or "unknown"
    if revision != "unknown" and git(source, "status", "--porcelain", "--untracked-files=no"):
        revision += "-dirty"
    version = meta["version"]

    annotations = {
        "org.opencontainers.image.title": "bosun",
        "org.opencontainers.image.description": meta["description"],
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.source": meta["homepage"],
        "org.opencontainers.image.url": meta["homepage"],
        "org.opencontainers.image.created": created,
    }
    if meta.get("license"):
        annotations["org.opencontainers.image.licenses"] = meta["license"]

    with tempfile.TemporaryDirectory() as tmp:
        files = {"/usr/bin/" + os.path.basename(b): (stripped(b, tmp), 0o755)
                 for b in binaries}
        for lib in shared_libraries(binaries):
            # The loader must be executable; the libraries need only be read.
            mode = 0o755 if "/ld-linux" in lib or "/ld64" in lib or "/ld-musl" in lib else 0o644
            files[lib] = (os.path.realpath(lib), mode)
        files[CA_BUNDLE] = (CA_BUNDLE, 0o644)
        files["/etc/passwd"] = (PASSWD.encode(), 0o644)
        tar = layer_tar(files, epoch)

    staging = out + ".tmp"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(os.path.join(staging, "blobs", "sha256"))
    gz = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=gz, mtime=0, compresslevel=6) as z:
        z.write(tar)
    layer = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
             "digest": put_blob(staging, gz.getvalue()), "size": len(gz.getvalue())}
    config = {
        "created": created,
        "architecture": ARCH.get(platform.machine(), platform.machine()),
        "os": "linux",
        "config": {
            "User": str(USER),
            "Entrypoint": ["/usr/bin/bosun"],
            "Cmd": ["--help"],
            "Env": ["PATH=/usr/bin"],
            "WorkingDir": "/",
            "Labels": annotations,
        },
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
        "history": [{"created": created,
                     "created_by": "COPY rootfs / # scripts/oci-image.py: bosun, "
                                   "its shared libraries, CA certificates, /etc/passwd"}],
    }
    config_bytes = canonical(config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": put_blob(staging, config_bytes), "size": len(config_bytes)},
        "layers": [layer],
        "annotations": annotations,
    }
    manifest_bytes = canonical(manifest)
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": manifest["mediaType"],
            "digest": put_blob(staging, manifest_bytes),
            "size": len(manifest_bytes),
            "platform": {"architecture": config["architecture"], "os": "linux"},
            "annotations": {"org.opencontainers.image.ref.name": version},
        }],
    }
    with open(os.path.join(staging, "index.json"), "wb") as f:
        f.write(canonical(index))
    with open(os.path.join(staging, "oci-layout"), "wb") as f:
        f.write(canonical({"imageLayoutVersion": "1.0.0"}))
    shutil.rmtree(out, ignore_errors=True)
    os.rename(staging, out)
    print(f"{out}: bosun {version}, {index['manifests'][0]['digest']}, "
          f"{layer['size']} bytes compressed")


if __name__ == "__main__":
    main()
