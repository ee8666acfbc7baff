#!/usr/bin/env python3
"""A reverse proxy in front of a registry that injects one fault, for the
registry tests. Python standard library only; bodies are streamed, never
held whole.

    fault_proxy.py --upstream URL [--upstream-ca FILE] [--listen 127.0.0.1:0]
                   [--tls-cert CERT --tls-key KEY] [--port-file FILE]
                   [--log FILE] [--control FILE] [--max-life S]
                   [--storage-listen 127.0.0.2:0] [--storage-addr-file FILE]
                   [--fault NAME] [--target blobs|manifests|all] [--match TEXT]
                   [--times N] [--status CODE] [--retry-after S] [--cut BYTES]
                   [--huge-size BYTES] [--drip-interval S] [--drip-bytes N]
                   [--drip-after BYTES] [--ignore-range]

Faults (--fault, or "fault" in the control file):
  passthrough    nothing changed (the default)
  corrupt        one byte of the body flipped at --cut (default: the middle):
                 same length, wrong digest
  truncate       the body cut at --cut (default: the middle) and the
                 connection closed, on every matching request, ranged or not
  drop           the same cut, but only on requests without a Range header:
                 a client that resumes with Range gets the rest from the
                 registry (--ignore-range strips Range instead, so the
                 registry answers 200 with the whole body: no resume)
  status         an error answer --status (default 500) instead of the
                 registry's, with Retry-After: --retry-after when given
  redirect       blob requests answered 307 to the storage server (a second
                 listener, on 127.0.0.2 by default) that serves the blob from
                 the registry and logs whether an Authorization header
                 reached it
  huge-manifest  manifest GETs answered 200 with --huge-size bytes of JSON
                 (default 100 MiB; 0: a chunked body without end, cut at
                 16 GiB or 15 minutes)
  drip           the body sent --drip-bytes bytes (1) every --drip-interval
                 seconds (1), after --drip-after bytes sent at full speed

A fault hits the matching requests (--target: blobs, manifests or all;
--match: only paths holding TEXT), the first --times of them (-1: every
one), and everything else passes through. Body faults hit GETs only (and
redirect HEADs too). Defaults: target all for status, manifests for
huge-manifest, blobs otherwise; times 1 for drop, every one otherwise.

The control file, when given and present, is JSON with the same settings
("fault", "target", "match", "times", "status", "retry_after", "cut",
"huge_size", "drip_interval", "drip_bytes", "drip_after", "ignore_range");
it is read on every request and, when its content changes, replaces the
command-line settings and starts the count of hits again.

The log gets one JSON line per request, written when its answer is done:
n (order of arrival), time (of arrival, seconds since the epoch), server
("proxy" or "storage"), method, path, range, auth (the Authorization
scheme that came, or null: never its value), fault (the fault applied, or
null), status, sent (body bytes sent), complete (false when the body was
cut or the client went away).
"""
import argparse
import http.client
import json
import os
import re
import secrets
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PIECE = 64 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
              "te", "trailer", "trailers", "transfer-encoding", "upgrade", "expect"}
BLOB_RE = re.compile(r"^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$")
MANIFEST_RE = re.compile(r"^/v2/(.+)/manifests/([^/]+)$")
FAULTS = ("passthrough", "corrupt", "truncate", "drop", "status", "redirect",
          "huge-manifest", "drip")
HUGE_ENDLESS_BYTES = 16 << 30
HUGE_ENDLESS_SECONDS = 900

DEFAULTS = {"fault": "passthrough", "target": None, "match": None, "times": None,
            "status": 500, "retry_after": None, "cut": None,
            "huge_size": 100 << 20, "drip_interval": 1.0, "drip_bytes": 1,
            "drip_after": 0, "ignore_range": False}


def effective(settings):
    """Settings with the defaults that depend on the fault filled in."""
    s = dict(DEFAULTS)
    s.update({k: v for k, v in settings.items() if v is not None})
    if s["fault"] not in FAULTS:
        raise ValueError("unknown fault %r" % s["fault"])
    if s["target"] is None:
        s["target"] = {"status": "all", "huge-manifest": "manifests"}.get(s["fault"], "blobs")
    if s["times"] is None:
        s["times"] = 1 if s["fault"] == "drop" else -1
    return s


class Closed(Exception):
    """The client went away."""


class Proxy:
    """What both listeners share: settings, counters, the log, tickets."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.count = 0
        self.hits = 0
        self.cli = effective({k: getattr(args, k) for k in DEFAULTS})
        self.settings = self.cli
        self.control_text = None
        self.log = open(args.log, "a") if args.log else None
        self.tickets = {}
        self.storage_addr = None
        up = urlsplit(args.upstream)
        self.up_scheme, self.up_host, self.up_port = up.scheme, up.hostname, up.port
        self.up_ctx = None
        if up.scheme == "https":
            if args.upstream_ca:
                self.up_ctx = ssl.create_default_context(cafile=args.upstream_ca)
            else:
                self.up_ctx = ssl._create_unverified_context()

    def arrive(self):
        with self.lock:
            self.count += 1
            return self.count

    def current(self):
        """The settings in force, the control file read again."""
        path = self.args.control
        if not path:
            return self.settings
        try:
            with open(path) as f:
                text = f.read()
        except FileNotFoundError:
            text = None
        with self.lock:
            if text != self.control_text:
                self.control_text = text
                self.settings = self.cli if text is None else effective(json.loads(text))
                self.hits = 0
            return self.settings

    def take(self, s):
        """Count one hit of the fault; false once --times are used up."""
        with self.lock:
            if s["times"] >= 0 and self.hits >= s["times"]:
                return False
            self.hits += 1
            return True

    def record(self, entry):
        if not self.log:
            return
        with self.lock:
            self.log.write(json.dumps(entry, sort_keys=True) + "\n")
            self.log.flush()

    def connect(self):
        if self.up_scheme == "https":
            return http.client.HTTPSConnection(self.up_host, self.up_port,
                                               context=self.up_ctx, timeout=60)
        return http.client.HTTPConnection(self.up_host, self.up_port, timeout=60)


class Base(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bosun-test-proxy/1"
    timeout = 120
    wbufsize = 0        # every write goes to the socket: nothing is held

    def log_message(self, fmt, *args):
        pass

    # ------------------------------------------------------------ helpers
    def start_entry(self, server):
        p = self.server.proxy
        auth = self.headers.get("Authorization")
        self.entry = {"n": p.arrive(), "time": round(time.time(), 3),
                      "server": server, "method": self.command,
                      "path": self.path, "range": self.headers.get("Range"),
                      "auth": auth.split(" ", 1)[0] if auth else None,
                      "fault": None, "status": None, "sent": 0, "complete": True}

    def finish_entry(self):
        self.server.proxy.record(self.entry)

    def write(self, data):
        try:
            self.wfile.write(data)
        except (OSError, ValueError) as e:
            self.entry["complete"] = False
            raise Closed() from e
        self.entry["sent"] += len(data)

    def cut_connection(self):
        """Close at once, whatever Content-Length promised."""
        self.entry["complete"] = False
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def request_body(self):
        """The request body, as an iterator of pieces (None when empty);
        a chunked body is relayed as it came, chunk framing included."""
        n = self.headers.get("Content-Length")
        if n is not None and int(n) > 0:
            left = int(n)

            def fixed():
                nonlocal left
                while left > 0:
                    piece = self.rfile.read(min(PIECE, left))
                    if not piece:
                        raise Closed()
                    left -= len(piece)
                    yield piece
            return fixed()
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            def chunked():
                while True:
                    line = self.rfile.readline(1024)
                    yield line
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while True:             # trailers, then an empty line
                            t = self.rfile.readline(8192)
                            yield t
                            if t in (b"\r\n", b"\n", b""):
                                return
                    left = size + 2
                    while left > 0:
                        piece = self.rfile.read(min(PIECE, left))
                        if not piece:
                            raise Closed()
                        left -= len(piece)
                        yield piece
            return chunked()
        return None

    def discard_request_body(self):
        body = self.request_body()
        if body is not None:
            for _ in body:
                pass

    def upstream(self, method, path, auth, drop_range=False):
        """Send the request on to the registry; the response, and the
        connection to close after it."""
        p = self.server.proxy
        conn = p.connect()
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        chunked = False
        for k, v in self.headers.items():
            lk = k.lower()
            if lk in HOP_BY_HOP or lk == "authorization":
                if lk == "transfer-encoding" and "chunked" in v.lower():
                    chunked = True
                continue
            if lk == "range" and drop_range:
                continue
            conn.putheader(k, v)
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
        if auth:
            conn.putheader("Authorization", auth)
        conn.putheader("X-Forwarded-Proto", "https" if self.server.tls else "http")
        conn.endheaders()
        body = self.request_body()
        if body is not None:
            for piece in body:
                conn.send(piece)
        return conn.getresponse(), conn

    def send_head(self, status, headers, length):
        """Status and headers; `length` None means a chunked body."""
        self.send_response(status)
        for k, v in headers:
            lk = k.lower()
            if lk in HOP_BY_HOP or lk == "content-length":
                continue
            self.send_header(k, v)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.entry["status"] = status

    def relay(self, fault=None):
        """Forward the request to the registry and its answer back, with a
        body fault (corrupt, truncate, drop, drip) applied when given."""
        s = self.settings
        auth = getattr(self, "ticket_auth", None) if self.entry["server"] == "storage" \
            else self.headers.get("Authorization")
        path = getattr(self, "ticket_path", None) or self.path
        drop_range = s["ignore_range"] and self.entry["server"] == "proxy"
        resp, conn = self.upstream(self.command, path, auth, drop_range)
        try:
            headers = resp.getheaders()
            no_body = self.command == "HEAD" or resp.status in (204, 304) or resp.status < 200
            if no_body:
                self.send_response(resp.status)
                for k, v in headers:
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.end_headers()
                self.entry["status"] = resp.status
                return
            length = resp.getheader("Content-Length")
            length = int(length) if length is not None else None
            self.send_head(resp.status, headers, length)
            # A fault is spent only on a body the registry serves: the
            # 401 that asks for a token passes and does not count.
            if fault and resp.status in (200, 206) and self.server.proxy.take(s):
                self.entry["fault"] = fault
            else:
                fault = None
            cut = s["cut"] if s["cut"] is not None else (length or 0) // 2
            self.stream(resp, length, fault, cut)
        finally:
            conn.close()

    def stream(self, resp, length, fault, cut):
        s = self.settings
        sent = 0
        drip_start = s["drip_after"]
        while True:
            want = PIECE
            if fault in ("truncate", "drop"):
                if sent >= cut:
                    self.cut_connection()
                    return
                want = min(want, cut - sent)
            if fault == "drip" and sent >= drip_start:
                want = max(1, int(s["drip_bytes"]))
            elif fault == "drip":
                want = min(want, drip_start - sent)
            piece = resp.read(want)
            if not piece:
                break
            if fault == "corrupt" and sent <= cut < sent + len(piece):
                i = cut - sent
                piece = piece[:i] + bytes([piece[i] ^ 0xFF]) + piece[i + 1:]
            if length is None:
                self.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.write(piece)
            sent += len(piece)
            if fault == "drip" and sent > drip_start:
                time.sleep(float(s["drip_interval"]))
        if length is None:
            self.write(b"0\r\n\r\n")
        elif sent != length:            # the registry cut it: so do we
            self.cut_connection()

    def send_error_doc(self, status, code, message, extra=()):
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.entry["status"] = status
        if self.command != "HEAD":
            self.write(body)

    def handle_one(self, server):
        self.start_entry(server)
        try:
            self.settings = self.server.proxy.current()
            self.serve()
        except Closed:
            self.close_connection = True
        except (OSError, http.client.HTTPException) as e:
            self.entry["error"] = "%s: %s" % (type(e).__name__, e)
            self.entry["complete"] = False
            if self.entry["status"] is None:
                try:
                    self.send_error_doc(502, "UNKNOWN", "proxy: upstream failed")
                except Closed:
                    pass
            self.close_connection = True
        finally:
            self.finish_entry()


class ProxyHandler(Base):
    def matches(self, s):
        kind = None
        if BLOB_RE.match(self.path):
            kind = "blobs"
        elif MANIFEST_RE.match(self.path):
            kind = "manifests"
        if s["target"] != "all" and kind != s["target"]:
            return False
        return not s["match"] or s["match"] in self.path

    def serve(self):
        s = self.settings
        p = self.server.proxy
        fault = s["fault"]
        if fault != "passthrough" and self.matches(s):
            get = self.command == "GET"
            if fault == "status" and p.take(s):
                return self.inject_status(s)
            if fault == "redirect" and self.command in ("GET", "HEAD") \
                    and BLOB_RE.match(self.path) and p.take(s):
                return self.redirect()
            if fault == "huge-manifest" and get and MANIFEST_RE.match(self.path) \
                    and p.take(s):
                return self.huge(s)
            if fault in ("corrupt", "truncate", "drip") and get:
                return self.relay(fault)
            if fault == "drop" and get and not self.headers.get("Range"):
                return self.relay(fault)
        self.relay()

    def inject_status(self, s):
        self.entry["fault"] = "status"
        self.discard_request_body()
        code = int(s["status"])
        extra = []
        if s["retry_after"] is not None:
            extra.append(("Retry-After", str(s["retry_after"])))
        name = {429: "TOOMANYREQUESTS", 503: "UNAVAILABLE", 401: "UNAUTHORIZED",
                404: "NOT_FOUND"}.get(code, "UNKNOWN")
        self.send_error_doc(code, name, "injected by the test proxy", extra)

    def redirect(self):
        p = self.server.proxy
        self.entry["fault"] = "redirect"
        ticket = secrets.token_hex(12)
        with p.lock:
            p.tickets[ticket] = (self.path, self.headers.get("Authorization"))
        digest = BLOB_RE.match(self.path).group(2)
        scheme = "https" if self.server.tls else "http"
        location = "%s://%s/storage/%s/%s?X-Test-Signature=%s" % (
            scheme, p.storage_addr, ticket, digest, secrets.token_hex(8))
        self.send_response(307)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.entry["status"] = 307

    def huge(self, s):
        self.entry["fault"] = "huge-manifest"
        size = int(s["huge_size"])
        head = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' \
               b'"annotations":{"padding":"'
        tail = b'"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        if size > 0:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.entry["status"] = 200
        pad = b"A" * PIECE
        if size > 0:
            # head, padding, tail: exactly `size` bytes.
            self.write(head[:size])
            middle = size - len(head) - len(tail)
            while middle > 0:
                self.write(pad[:min(middle, PIECE)])
                middle -= PIECE
            rest = size - self.entry["sent"]
            if rest > 0:
                self.write(tail[-rest:])
            return
        # Without end: a chunked body until the client gives up, or the bound.
        self.write(b"%x\r\n%s\r\n" % (len(head), head))
        deadline = time.monotonic() + HUGE_ENDLESS_SECONDS
        chunk = b"%x\r\n%s\r\n" % (len(pad), pad)
        while self.entry["sent"] < HUGE_ENDLESS_BYTES and time.monotonic() < deadline:
            self.write(chunk)
        self.cut_connection()

    def do_GET(self):
        self.handle_one("proxy")

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET


class StorageHandler(Base):
    """The blob store a redirect points at: it serves the blob of a ticket
    with the credentials the proxy saw, whatever the client sends it."""

    def serve(self):
        p = self.server.proxy
        m = re.match(r"^/storage/([0-9a-f]+)/", self.path)
        ticket = p.tickets.get(m.group(1)) if m else None
        if ticket is None or self.command not in ("GET", "HEAD"):
            return self.send_error_doc(404, "BLOB_UNKNOWN", "no such ticket")
        self.ticket_path, self.ticket_auth = ticket
        self.relay()

    def do_GET(self):
        self.handle_one("storage")

    do_HEAD = do_GET


def listen(addr, handler, proxy, tls_ctx):
    host, _, port = addr.rpartition(":")
    server = ThreadingHTTPServer((host, int(port)), handler)
    server.daemon_threads = True
    server.proxy = proxy
    server.tls = tls_ctx is not None
    if tls_ctx:
        server.socket = tls_ctx.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
    return server


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--upstream-ca")
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--control")
    ap.add_argument("--storage-listen", default="127.0.0.2:0")
    ap.add_argument("--storage-addr-file")
    ap.add_argument("--max-life", type=float, default=1800)
    ap.add_argument("--fault", choices=FAULTS)
    ap.add_argument("--target", choices=("blobs", "manifests", "all"))
    ap.add_argument("--match")
    ap.add_argument("--times", type=int)
    ap.add_argument("--status", type=int)
    ap.add_argument("--retry-after")
    ap.add_argument("--cut", type=int)
    ap.add_argument("--huge-size", type=int)
    ap.add_argument("--drip-interval", type=float)
    ap.add_argument("--drip-bytes", type=int)
    ap.add_argument("--drip-after", type=int)
    ap.add_argument("--ignore-range", action="store_true", default=None)
    args = ap.parse_args()

    proxy = Proxy(args)
    tls_ctx = None
    if args.tls_cert:
        tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_ctx.load_cert_chain(args.tls_cert, args.tls_key)
    front = listen(args.listen, ProxyHandler, proxy, tls_ctx)
    try:
        store = listen(args.storage_listen, StorageHandler, proxy, tls_ctx)
    except OSError as e:
        # No 127.0.0.2 here: another port of the proxy's address will do,
        # since clients treat another port as another origin too.
        print("fault_proxy: storage on %s failed (%s), using the proxy's address"
              % (args.storage_listen, e), file=sys.stderr)
        store = listen(front.server_address[0] + ":0", StorageHandler, proxy, tls_ctx)
    proxy.storage_addr = "%s:%d" % store.server_address[:2]
    threading.Thread(target=store.serve_forever, daemon=True).start()
    if args.storage_addr_file:
        write_atomic(args.storage_addr_file, proxy.storage_addr + "\n")
    if args.port_file:
        write_atomic(args.port_file, "%d\n" % front.server_address[1])
    timer = threading.Timer(args.max_life, lambda: os._exit(3))
    timer.daemon = True
    timer.start()
    try:
        front.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
