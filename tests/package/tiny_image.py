#!/usr/bin/env python3
"""Writes a small OCI archive (a tar of an OCI image layout, tag "1.0")
whose image a checker must fault: it runs as root and its one layer holds
an SSH private key.

    tests/package/tiny_image.py OUT.tar
"""
import hashlib
import io
import json
import sys
import tarfile


def tar_of(files):
    """An uncompressed tar of files (name -> bytes), owner 0:0, mtime 0."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o600
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main():
    key = ("-----BEGIN OPENSSH PRIVATE KEY-----\n"
           + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" * 4
           + "-----END OPENSSH PRIVATE KEY-----\n").encode()
    layer = tar_of({"root": None, "root/.ssh": None, "root/.ssh/id_ed25519": key,
                    "etc": None, "etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n"})
    blobs = {}

    def blob(data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"digest": digest, "size": len(data)}

    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers",
                                    "diff_ids": [blob(layer)["digest"]]}}).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": dict(blob(config), mediaType="application/vnd.oci.image.config.v1+json"),
        "layers": [dict(blob(layer), mediaType="application/vnd.oci.image.layer.v1.tar")],
    }).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [dict(
        blob(manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
        annotations={"org.opencontainers.image.ref.name": "1.0"})]}).encode()
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', "index.json": index,
             "blobs": None, "blobs/sha256": None}
    for digest, data in blobs.items():
        files["blobs/sha256/" + digest.split(":")[1]] = data
    with open(sys.argv[1], "wb") as f:
        f.write(tar_of(files))


if __name__ == "__main__":
    main()
