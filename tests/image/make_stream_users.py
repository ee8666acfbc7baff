#!/usr/bin/env python3
"""Images whose User is a name, for the reading of an archive as it comes
(bosun image -): the layers pass before the configuration, so the final
/etc/passwd is read again at the end from the bytes kept of the files
named passwd.

    make_stream_users.py OUT_DIR

Writes one OCI layout per case under OUT_DIR/stream (test_image_pipes.sh
says what bosun must report).
"""
import os
import sys

import make_model_hostile as model

model.OUT = os.path.join(sys.argv[1], "stream")

ROOT_APP = b"root:x:0:0:root:/root:/bin/sh\napp:x:0:0::/app:/bin/sh\n"
PLAIN_APP = b"root:x:0:0:root:/root:/bin/sh\napp:x:10001:0::/app:/bin/sh\n"


def main():
    os.makedirs(model.OUT, exist_ok=True)
    base = model.BASE[:1]
    # A later layer's /etc/passwd is the one that counts, either way.
    model.image("user-root-later", [
        base + [{"name": "etc/passwd", "data": PLAIN_APP}],
        [{"name": "etc/passwd", "data": ROOT_APP}],
    ], user="app")
    model.image("user-plain-later", [
        base + [{"name": "etc/passwd", "data": ROOT_APP}],
        [{"name": "etc/passwd", "data": PLAIN_APP}],
    ], user="app:app")
    # A hard link to a file named passwd of the same layer.
    model.image("user-root-hardlink", [
        base + [{"name": "usr", "dir": True},
                {"name": "usr/passwd", "data": ROOT_APP},
                {"name": "etc/passwd", "hardlink": "usr/passwd"}],
    ], user="app")
    # A symbolic link to a file of another name: its bytes were not kept.
    model.image("user-renamed", [
        base + [{"name": "data", "dir": True},
                {"name": "data/users", "data": ROOT_APP}],
        [{"name": "etc/passwd", "symlink": "../data/users"}],
    ], user="app")


if __name__ == "__main__":
    main()
