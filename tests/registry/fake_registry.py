#!/usr/bin/env python3
"""A small scripted registry for the client's behaviour tests.

    fake_registry.py CONFIG.json PORT_FILE

Serves one repository on 127.0.0.1 (a free port, written to PORT_FILE once
listening) over HTTP, or HTTPS when the configuration names a certificate,
with a token server at /token. The configuration says what to serve, how
to authenticate, and which faults to inject; every request is appended to
a log (one JSON object a line) so that tests can check what the client
sent. It exits after "lifetime" seconds or when its parent goes away, so
a test that dies never leaves it behind.

Configuration (JSON object, every key optional):
  repo           repository path ("team/app")
  manifests      {"<tag>": {"body": "...", "type": "<media type>"}}; served
                 by tag and by digest; "digest_header": "none" | "wrong"
  blobs          {"<digest>": "<file holding the bytes>"}
  auth           "none" | "basic" | "bearer"
  user, password credentials the registry (basic) or token server accepts
  refresh_token  identity token the token server accepts (OAuth2 POST)
  anonymous_tokens  the token server gives tokens without credentials
  token_field    "token" (default) or "access_token"
  expires_in     seconds, sent with tokens when given
  echo_password  the token server's 401 repeats the password it got
  echo_authorization  every error (registry and token server) repeats the
                 Authorization header it got
  range          whether Range requests are honoured (default true)
  faults         list of {"on": "manifest"|"blob"|"ping"|"token"|"any",
                 "times": N (default 1), then one of:
                   "status": code, "headers": {...}, "body": "..."
                   "drop_after": bytes   (close the connection mid-body)
                   "drip": seconds       (one byte, then silence that long)
                   "silence": seconds    (no answer at all for that long)
                   "redirect": "<url prefix>" (307 to prefix + path)
                   "revoke_tokens": true (tokens issued so far stop working)
                   "oversize": bytes     (claim or send that much)
                   "chunked": true       (with oversize: stream it unsized)
                   "extra": bytes        (send that many bytes too many)}
  serve_any      serve every GET with the bytes of this file (a blob store)
  log            file that gets one JSON line per request
  tls            {"cert": ..., "key": ..., "client_ca": ...}
  lifetime       seconds before exiting on its own (default 120)
"""

import base64
import hashlib
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse

CONFIG = {}
LOCK = threading.Lock()
STATE = {"tokens": set(), "issued": 0, "fault_hits": {}}


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def log_request(handler, kind, extra=None):
    path = CONFIG.get("log")
    if not path:
        return
    entry = {
        "kind": kind,
        "method": handler.command,
        "path": handler.path,
        "authorization": handler.headers.get("Authorization"),
        "range": handler.headers.get("Range"),
        "accept": handler.headers.get("Accept"),
        "port": handler.server.server_address[1],
    }
    if extra:
        entry.update(extra)
    with LOCK:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def take_fault(kind):
    """The first fault for this kind of request that still has uses."""
    with LOCK:
        for i, fault in enumerate(CONFIG.get("faults", [])):
            if fault.get("on", "any") not in (kind, "any"):
                continue
            used = STATE["fault_hits"].get(i, 0)
            if used >= fault.get("times", 1):
                continue
            STATE["fault_hits"][i] = used + 1
            return fault
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # ---- answers ----

    def send(self, status, body=b"", headers=None, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message, headers=None):
        if CONFIG.get("echo_authorization"):
            message += " (Authorization: %s)" % self.headers.get("Authorization")
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.send(status, body, headers)

    def challenge(self):
        port = self.server.server_address[1]
        scheme = "https" if CONFIG.get("tls") else "http"
        if CONFIG.get("auth") == "basic":
            return {"WWW-Authenticate": 'Basic realm="fake"'}
        repo = CONFIG.get("repo", "team/app")
        return {
            "WWW-Authenticate":
                'Bearer realm="%s://127.0.0.1:%d/token",service="fake-registry",'
                'scope="repository:%s:pull"' % (scheme, port, repo)
        }

    def authorized(self):
        auth = CONFIG.get("auth", "none")
        got = self.headers.get("Authorization") or ""
        if auth == "none":
            return True
        if auth == "basic":
            want = base64.b64encode(
                ("%s:%s" % (CONFIG["user"], CONFIG["password"])).encode()).decode()
            return got == "Basic " + want
        with LOCK:
            return got.startswith("Bearer ") and got[7:] in STATE["tokens"]

    # ---- the token server ----

    def token(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        form = {}
        if self.command == "POST":
            n = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        log_request(self, "token", {"query": query, "form": form})
        fault = take_fault("token")
        if fault and self.apply_fault(fault, b"{}"):
            return
        repo = CONFIG.get("repo", "team/app")
        scope = (form or query).get("scope", [""])[0]
        if scope != "repository:%s:pull" % repo:
            self.error(400, "DENIED", "unexpected scope %r" % scope)
            return
        ok = CONFIG.get("anonymous_tokens", False)
        got = self.headers.get("Authorization") or ""
        password = None
        if got.startswith("Basic "):
            user, _, password = base64.b64decode(got[6:]).decode().partition(":")
            ok = user == CONFIG.get("user") and password == CONFIG.get("password")
        if self.command == "POST":
            ok = (form.get("grant_type") == ["refresh_token"]
                  and form.get("refresh_token") == [CONFIG.get("refresh_token")])
        if not ok:
            message = "authentication failed"
            if CONFIG.get("echo_password") and password is not None:
                message += " for password " + password
            self.error(401, "UNAUTHORIZED", message)
            return
        with LOCK:
            STATE["issued"] += 1
            tok = "tok-%d-%s" % (STATE["issued"], os.urandom(4).hex())
            STATE["tokens"].add(tok)
        answer = {CONFIG.get("token_field", "token"): tok}
        if "expires_in" in CONFIG:
            answer["expires_in"] = CONFIG["expires_in"]
        self.send(200, json.dumps(answer).encode())

    # ---- faults ----

    def apply_fault(self, fault, body, status=200, headers=None):
        """True when the fault answered the request itself. `body`, `status`
        and `headers` are the answer the request would otherwise get."""
        if fault.get("revoke_tokens"):
            with LOCK:
                STATE["tokens"].clear()
            return False
        if "status" in fault:
            self.send(fault["status"], fault.get("body", "").encode(), fault.get("headers"))
            return True
        if "redirect" in fault:
            self.send(307, b"", {"Location": fault["redirect"] + self.path})
            return True
        if "drop_after" in fault:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body[:fault["drop_after"]])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return True
        if "silence" in fault:
            time.sleep(fault["silence"])
            self.close_connection = True
            return True
        if "drip" in fault:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:1])
            self.wfile.flush()
            time.sleep(fault["drip"])
            self.close_connection = True
            return True
        if "oversize" in fault:
            size = fault["oversize"]
            self.send_response(200)
            if fault.get("chunked"):
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"x" * 65536
                sent = 0
                try:
                    while sent < size:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        sent += len(chunk)
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass
            else:
                self.send_header("Content-Length", str(size))
                self.end_headers()
            self.close_connection = True
            return True
        if "extra" in fault:
            data = body + b"z" * fault["extra"]
            self.send(200, data, ctype="application/octet-stream")
            return True
        return False

    # ---- the API ----

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path == "/token":
            self.token()
        else:
            self.error(405, "UNSUPPORTED", "no")

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if CONFIG.get("serve_any"):
            log_request(self, "store")
            with open(CONFIG["serve_any"], "rb") as f:
                self.send(200, f.read(), ctype="application/octet-stream")
            return
        if path == "/token":
            self.token()
            return
        repo = CONFIG.get("repo", "team/app")
        kind = ("ping" if path == "/v2/" else
                "manifest" if path.startswith("/v2/%s/manifests/" % repo) else
                "blob" if path.startswith("/v2/%s/blobs/" % repo) else "other")
        log_request(self, kind)
        fault = take_fault(kind)
        if fault and "status" in fault and fault.get("before_auth", True):
            self.apply_fault(fault, b"")
            return
        if fault and fault.get("revoke_tokens"):
            self.apply_fault(fault, b"")
        if not self.authorized():
            self.error(401, "UNAUTHORIZED", "authentication required", self.challenge())
            return
        if kind == "ping":
            self.send(200, b"{}")
        elif kind == "manifest":
            self.manifest(path.rsplit("/", 1)[1], fault)
        elif kind == "blob":
            self.blob(path.rsplit("/", 1)[1], fault)
        else:
            self.error(404, "NAME_UNKNOWN", "repository name not known to registry")

    def manifest(self, ref, fault):
        for tag, m in CONFIG.get("manifests", {}).items():
            body = m["body"].encode()
            if ref in (tag, digest_of(body)):
                break
        else:
            self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            return
        if fault and self.apply_fault(fault, body):
            return
        headers = {}
        mode = m.get("digest_header", "right")
        if mode == "right":
            headers["Docker-Content-Digest"] = digest_of(body)
        elif mode == "wrong":
            headers["Docker-Content-Digest"] = digest_of(body + b"x")
        self.send(200, body, headers, m.get("type", "application/vnd.oci.image.manifest.v1+json"))

    def blob(self, digest, fault):
        path = CONFIG.get("blobs", {}).get(digest)
        if not path:
            self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
            return
        with open(path, "rb") as f:
            body = f.read()
        status, headers = 200, {}
        rng = self.headers.get("Range")
        if rng and CONFIG.get("range", True) and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            status = 206
            headers = {"Content-Range": "bytes %d-%d/%d" % (start, len(body) - 1, len(body))}
            body = body[start:]
        if fault and self.apply_fault(fault, body, status, headers):
            return
        self.send(status, body, headers, "application/octet-stream")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # dropped connections and failed handshakes are part of the tests


def watchdog(lifetime, parent):
    end = time.monotonic() + lifetime
    while time.monotonic() < end and os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def main():
    global CONFIG
    with open(sys.argv[1], encoding="utf-8") as f:
        CONFIG = json.load(f)
    server = Server(("127.0.0.1", 0), Handler)
    tls = CONFIG.get("tls")
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls["cert"], tls["key"])
        if tls.get("client_ca"):
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(tls["client_ca"])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=watchdog, args=(CONFIG.get("lifetime", 120), os.getppid()),
                     daemon=True).start()
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
