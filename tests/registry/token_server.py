#!/usr/bin/env python3
"""A token server for the registry tests, after Docker's token
authentication specification, that docker-registry 2.8 trusts.

    token_server.py --policy FILE --sign-key KEY --sign-cert CERT
                    [--tls-cert CERT --tls-key KEY] [--listen 127.0.0.1:0]
                    [--port-file FILE] [--log FILE] [--issuer NAME]
                    [--expires-in S] [--lifetime S] [--max-life S]

GET /token?service=SVC&scope=repository:NAME:pull,push[&scope=...]
    [&offline_token=true]   with Basic credentials, or none (anonymous)
POST /token (form)  grant_type=password (username, password) or
    grant_type=refresh_token (refresh_token), service, scope (space
    separated), access_type=offline for a refresh token
answer {"token", "access_token", "expires_in", "issued_at"} (and
"refresh_token" when asked for). Wrong credentials: 401. Each token grants
only the actions of the asked scopes that the policy gives the subject.

The policy file (JSON) is read again on every request, so a test may change
it while the server runs:
    {"users": {"NAME": {"password": "...", "refresh_token": "..."}},
     "access": {"NAME": [{"type": "repository", "name": "GLOB",
                          "actions": ["pull", "push"]}],
                "": [...]},        # "" is the anonymous subject
     "expires_in": 300, "lifetime": 300}      # optional, override flags

The token is a JWT signed RS256 (the openssl command signs it) whose
header carries the signing certificate in "x5c": distribution 2.8 checks
that chain against its auth.token.rootcertbundle and takes the leaf's key.
"expires_in" is what the answer announces; "lifetime" is how long the
registry really accepts the token: distribution accepts a token up to 60 s
past its "exp", so exp = issue time + lifetime - 60 (a lifetime of 3 s makes
a token the registry refuses 3 s later, while the client may believe it
good for expires_in seconds: the way to test a refresh on 401).

The log file gets one JSON line per request: the subject, how it
authenticated, the service, the scopes asked for and the scopes granted;
never a password or a token.
"""
import argparse
import base64
import datetime
import fnmatch
import json
import os
import secrets
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# distribution's token.Leeway: a token is good until exp + 60 s.
REGISTRY_LEEWAY = 60


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem_to_der_b64(path):
    """The first certificate of a PEM file as base64 DER (x5c form)."""
    text = open(path).read()
    start = text.index("-----BEGIN CERTIFICATE-----")
    end = text.index("-----END CERTIFICATE-----", start)
    body = text[start + len("-----BEGIN CERTIFICATE-----"):end]
    return "".join(body.split())


def same(secret, given):
    """True when the configured `secret` (None: there is none) equals
    `given`, compared in constant time (bytes: any character may come)."""
    if not secret:
        return False
    return secrets.compare_digest(secret.encode(), given.encode())


def parse_scope(s):
    """"repository:a/b:pull,push" -> ("repository", "a/b", [actions]).
    The name may hold colons (a port); the type and actions cannot."""
    first = s.find(":")
    last = s.rfind(":")
    if first < 0 or last == first:
        return None
    typ = s[:first]
    if "(" in typ:                      # "repository(plugin)": drop the class
        typ = typ[:typ.index("(")]
    name = s[first + 1:last]
    actions = [a for a in s[last + 1:].split(",") if a]
    return typ, name, actions


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.count = 0
        self.x5c = [pem_to_der_b64(args.sign_cert)]
        self.log = open(args.log, "a") if args.log else None

    def policy(self):
        with open(self.args.policy) as f:
            return json.load(f)

    def record(self, entry):
        with self.lock:
            self.count += 1
            entry["n"] = self.count
            if self.log:
                self.log.write(json.dumps(entry, sort_keys=True) + "\n")
                self.log.flush()

    def sign(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", self.args.sign_key],
            input=signing_input, capture_output=True, check=True, timeout=30)
        return signing_input.decode() + "." + b64url(sig.stdout)


def granted(policy, subject, scopes):
    """The parts of `scopes` the policy gives `subject`, in the JWT access
    claim form. A scope the subject has no action of is left out."""
    rules = policy.get("access", {}).get(subject, [])
    out = []
    for typ, name, actions in scopes:
        allowed = set()
        for r in rules:
            if r.get("type", "repository") != typ:
                continue
            if not fnmatch.fnmatchcase(name, r.get("name", "*")):
                continue
            for a in actions:
                if a in r.get("actions", []) or "*" in r.get("actions", []):
                    allowed.add(a)
        keep = [a for a in actions if a in allowed]
        if keep:
            out.append({"type": typ, "name": name, "actions": keep})
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bosun-test-token/1"
    timeout = 60

    def log_message(self, fmt, *args):  # the JSON log is enough
        pass

    def send_json(self, status, doc, extra=None):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def basic_user(self, policy):
        """(subject, how): subject None when credentials are wrong."""
        h = self.headers.get("Authorization")
        if not h:
            return "", "none"
        scheme, _, value = h.partition(" ")
        if scheme.lower() != "basic":
            return None, "unsupported " + scheme
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, "bad basic"
        u = policy.get("users", {}).get(user)
        if u is None or not same(u.get("password"), password):
            return None, "bad basic"
        return user, "basic"

    def issue(self, policy, subject, service, scopes, offline, entry):
        st = self.server.state
        args = st.args
        expires_in = int(policy.get("expires_in", args.expires_in))
        lifetime = int(policy.get("lifetime", args.lifetime
                                  if args.lifetime is not None else expires_in))
        now = int(time.time())
        access = granted(policy, subject, scopes)
        claims = {
            "iss": policy.get("issuer", args.issuer),
            "sub": subject,
            "aud": service,
            "exp": now + lifetime - REGISTRY_LEEWAY,
            "nbf": now - 1,
            "iat": now,
            "jti": secrets.token_hex(16),
            "access": access,
        }
        token = st.sign(claims)
        doc = {
            "token": token,
            "access_token": token,
            "expires_in": expires_in,
            "issued_at": datetime.datetime.fromtimestamp(
                now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if offline and subject:
            users = policy.get("users", {})
            rt = users.get(subject, {}).get("refresh_token")
            if rt:
                doc["refresh_token"] = rt
        entry.update(status=200, granted=[
            "%s:%s:%s" % (a["type"], a["name"], ",".join(a["actions"])) for a in access])
        st.record(entry)
        self.send_json(200, doc)

    def refuse(self, status, entry, message, error="UNAUTHORIZED"):
        entry.update(status=status)
        self.server.state.record(entry)
        extra = {}
        if status == 401:
            extra["WWW-Authenticate"] = 'Basic realm="bosun-test-token"'
        self.send_json(status, {"errors": [{"code": error, "message": message}],
                                "error": "invalid_grant" if status != 404 else "not_found",
                                "details": message}, extra)

    def do_GET(self):
        url = urlsplit(self.path)
        entry = {"method": "GET", "path": url.path}
        if url.path != self.server.state.args.path:
            return self.refuse(404, entry, "no such endpoint", "NOT_FOUND")
        q = parse_qs(url.query)
        policy = self.server.state.policy()
        scopes_raw = []
        for s in q.get("scope", []):
            scopes_raw.extend(s.split())
        service = q.get("service", [""])[0]
        offline = q.get("offline_token", ["false"])[0].lower() == "true"
        subject, how = self.basic_user(policy)
        entry.update(user=subject, auth=how, service=service, scopes=scopes_raw,
                     account=q.get("account", [None])[0], offline_token=offline)
        if subject is None:
            return self.refuse(401, entry, "authentication failed")
        scopes = [p for p in map(parse_scope, scopes_raw) if p]
        self.issue(policy, subject, service, scopes, offline, entry)

    def read_body(self, limit):
        """The request body, at most `limit` bytes, with Content-Length or
        chunked (Go's client sends a form chunked when it set the body after
        making the request); None when larger or malformed."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = b""
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    return None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                if len(out) + size > limit:
                    return None
                out += self.rfile.read(size)
                self.rfile.readline(16)
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            return None
        return self.rfile.read(length)

    def do_POST(self):
        url = urlsplit(self.path)
        entry = {"method": "POST", "path": url.path}
        if url.path != self.server.state.args.path:
            return self.refuse(404, entry, "no such endpoint", "NOT_FOUND")
        body = self.read_body(65536)
        if body is None:
            return self.refuse(400, entry, "form too large or malformed", "DENIED")
        form = parse_qs(body.decode(errors="replace"))
        policy = self.server.state.policy()
        users = policy.get("users", {})
        grant = form.get("grant_type", [""])[0]
        service = form.get("service", [""])[0]
        scopes_raw = []
        for s in form.get("scope", []):
            scopes_raw.extend(s.split())
        offline = form.get("access_type", [""])[0] == "offline"
        entry.update(grant_type=grant, service=service, scopes=scopes_raw,
                     client_id=form.get("client_id", [None])[0], offline_token=offline)
        subject = None
        if grant == "password":
            user = form.get("username", [""])[0]
            pw = form.get("password", [""])[0]
            u = users.get(user)
            if u is not None and same(u.get("password"), pw):
                subject = user
            entry.update(user=subject, auth="password")
        elif grant == "refresh_token":
            rt = form.get("refresh_token", [""])[0]
            for name, u in users.items():
                if same(u.get("refresh_token"), rt):
                    subject = name
            entry.update(user=subject, auth="refresh_token")
            offline = True          # a refresh grant answers with the token again
        else:
            entry.update(user=None, auth="unsupported grant")
        if subject is None:
            return self.refuse(401, entry, "authentication failed")
        scopes = [p for p in map(parse_scope, scopes_raw) if p]
        self.issue(policy, subject, service, scopes, offline, entry)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--policy", required=True)
    p.add_argument("--sign-key", required=True)
    p.add_argument("--sign-cert", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--listen", default="127.0.0.1:0")
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--path", default="/token")
    p.add_argument("--issuer", default="bosun-test-issuer")
    p.add_argument("--expires-in", type=int, default=300)
    p.add_argument("--lifetime", type=int, default=None)
    p.add_argument("--max-life", type=float, default=1800,
                   help="exit after this many seconds whatever happens")
    args = p.parse_args()

    host, _, port = args.listen.rpartition(":")
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    server.state = State(args)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake happens on the handler's thread, not in accept().
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % server.server_address[1])
        os.rename(tmp, args.port_file)
    timer = threading.Timer(args.max_life, lambda: os._exit(3))
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
