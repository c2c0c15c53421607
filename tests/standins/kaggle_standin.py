#!/usr/bin/python3
"""A stand-in for the Kaggle API as the kaggle CLI 1.6 calls it, for tests.

Two listeners, like the real service: the API (``/api/v1/...``, HTTP Basic
with user name and key) and a separate "storage" host that serves the signed
URLs the API redirects to. Paths, JSON field names and error bodies follow
KaggleSwagger.yaml and what kaggle.com answers:

  GET  /api/v1/competitions/list?search=S         [Competition]
  GET  /api/v1/competitions/data/list/<slug>      [File] (name, totalBytes, url, ...)
  GET  /api/v1/competitions/data/download-all/<slug>        302 to storage
  GET  /api/v1/competitions/data/download/<slug>/<file>     302 to storage
  POST /api/v1/competitions/<slug>/submissions/url/<len>/<mtime>   {createUrl, token}
  PUT  <storage>/upload/<token>                              the submission file
  POST /api/v1/competitions/submissions/submit/<slug>        {message}

Errors are {"code": N, "message": "..."} with the status line's reason:
401 for a wrong key, 404 for an unknown competition, 403 "You must accept
this competition's rules ..." and 429 with Retry-After for competitions
configured so. Storage honours Range (206, 416), checks the URL signature
and expiry, and records any Authorization header it is sent (credentials
must never reach it). Per-competition behaviours: "rules" (403 on
download), "rate_limit" (429 twice, then the redirect), "drop" (the first
download is cut off halfway), "slow" (the download takes about 2 s),
"expire" (the first signed URL is refused as expired).

Only the standard library; run it alone with --config FILE (JSON) or
import KaggleStandin.
"""
import argparse
import base64
import email.utils
import hashlib
import hmac
import io
import json
import secrets
import socket
import threading
import time
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RULES_MESSAGE = ("You must accept this competition\\u0027s rules before you\\u0027ll be able "
                 "to download files.")


class Competition:
    def __init__(self, slug, zip_bytes, title="", description="", metric="", behaviors=()):
        self.slug, self.zip_bytes = slug, zip_bytes
        self.title = title or slug.replace("-", " ").title()
        self.description, self.metric = description, metric
        self.behaviors = set(behaviors)
        self.modified = email.utils.formatdate(1700000000, usegmt=True)
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
            self.files = [(i.filename, i.file_size) for i in z.infolist() if not i.is_dir()]


class Stats:
    """What the stand-in saw; read by tests (also GET /_standin/stats)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.api = []                 # (method, path, authorized)
        self.download_all = {}        # slug -> redirects handed out
        self.storage_gets = []        # (slug, range header or "")
        self.storage_auth = []        # paths that came to storage WITH an Authorization header
        self.bytes_served = {}        # slug -> body bytes sent by storage
        self.submissions = []         # {slug, description, csv}
        self.rate_limited = {}        # slug -> 429s sent

    def snapshot(self):
        with self.lock:
            return {"api": list(self.api), "download_all": dict(self.download_all),
                    "storage_gets": list(self.storage_gets), "storage_auth": list(self.storage_auth),
                    "bytes_served": dict(self.bytes_served), "rate_limited": dict(self.rate_limited),
                    "submissions": [dict(s, csv=s["csv"].decode(errors="replace"))
                                    for s in self.submissions]}


def parse_multipart(content_type, body):
    """The text fields of a multipart/form-data body (what curl's mime API sends)."""
    params = dict(p.strip().split("=", 1) for p in content_type.split(";")[1:] if "=" in p)
    boundary = params.get("boundary", "").strip('"').encode()
    fields = {}
    for part in body.split(b"--" + boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
        for line in head.decode(errors="replace").split("\r\n"):
            if line.lower().startswith("content-disposition:"):
                for item in line.split(";"):
                    k, _, v = item.strip().partition("=")
                    if k == "name":
                        fields[v.strip('"')] = value[:-2] if value.endswith(b"\r\n") else value
    return {k: v.decode() for k, v in fields.items()}


class KaggleStandin:
    def __init__(self, username, key, competitions, host="127.0.0.1"):
        self.username, self.key, self.host = username, key, host
        self.competitions = {c.slug: c for c in competitions}
        self.stats = Stats()
        self.secret = secrets.token_bytes(16)
        self.uploads = {}
        self._dropped, self._expired = set(), set()
        self.api_server = ThreadingHTTPServer((host, 0), self._handler(api=True))
        self.storage_server = ThreadingHTTPServer((host, 0), self._handler(api=False))
        self.api_port = self.api_server.server_address[1]
        self.storage_port = self.storage_server.server_address[1]
        self.api_url = f"http://{host}:{self.api_port}/api/v1"

    def start(self):
        for s in (self.api_server, self.storage_server):
            s.daemon_threads = True
            threading.Thread(target=s.serve_forever, daemon=True).start()
        return self

    def stop(self):
        for s in (self.api_server, self.storage_server):
            s.shutdown()
            s.server_close()

    # -- signed storage URLs -------------------------------------------------
    def sign(self, path, expires):
        mac = hmac.new(self.secret, f"GET\n{expires}\n{path}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def signed_url(self, path):
        expires = int(time.time()) + 600
        q = urllib.parse.urlencode({"GoogleAccessId": "web-data@kaggle-161607.iam.gserviceaccount.com",
                                    "Expires": expires, "Signature": self.sign(path, expires)})
        return f"http://{self.host}:{self.storage_port}{path}?{q}"

    # -- handlers ------------------------------------------------------------
    def _handler(self, api):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "kaggle-standin"

            def log_message(self, *args):
                pass

            def do_GET(self):
                standin._api(self, "GET") if api else standin._storage_get(self)

            def do_POST(self):
                standin._api(self, "POST") if api else self.send_error(405)

            def do_PUT(self):
                standin._storage_put(self) if not api else self.send_error(405)

        return Handler

    @staticmethod
    def _send(h, status, body=b"", ctype="application/json; charset=utf-8", headers=()):
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            h.send_header(k, v)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def _json(self, h, status, obj):
        self._send(h, status, json.dumps(obj, separators=(",", ":")).encode())

    def _error(self, h, status, message, headers=()):
        # Kaggle's own encoding: apostrophes as \u0027, no spaces.
        self._send(h, status, ('{"code":%d,"message":"%s"}' % (status, message)).encode(),
                   headers=headers)

    def _authorized(self, h):
        want = "Basic " + base64.b64encode(f"{self.username}:{self.key}".encode()).decode()
        return hmac.compare_digest(h.headers.get("Authorization", ""), want)

    def _api(self, h, method):
        url = urllib.parse.urlsplit(h.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0)) if method == "POST" else b""
        if path == "/_standin/stats":
            return self._json(h, 200, self.stats.snapshot())
        ok = self._authorized(h)
        with self.stats.lock:
            self.stats.api.append((method, path, ok))
        if not path.startswith("/api/v1/"):
            return self._error(h, 404, "NotFound")
        if not ok:
            return self._error(h, 401, "Unauthorized")
        parts = path[len("/api/v1/"):].split("/")
        if method == "GET" and parts[:2] == ["competitions", "list"]:
            return self._list(h, query)
        if method == "GET" and parts[:3] == ["competitions", "data", "list"] and len(parts) == 4:
            c = self.competitions.get(parts[3])
            if not c:
                return self._error(h, 404, "NotFound")
            return self._json(h, 200, [{
                "ref": name, "name": name, "description": "", "totalBytes": size,
                "url": f"https://www.kaggle.com/api/v1/competitions/data/download/{c.slug}/{name}",
                "creationDate": "2023-11-14T22:13:20.000Z"} for name, size in c.files])
        if method == "GET" and parts[:3] == ["competitions", "data", "download-all"] and len(parts) == 4:
            return self._download_all(h, parts[3])
        if method == "POST" and len(parts) == 6 and parts[0] == "competitions" \
                and parts[2:4] == ["submissions", "url"]:
            return self._submission_url(h, parts[1], h.headers.get("Content-Type", ""), body)
        if method == "POST" and parts[:3] == ["competitions", "submissions", "submit"] and len(parts) == 4:
            return self._submit(h, parts[3], h.headers.get("Content-Type", ""), body)
        return self._error(h, 404, "NotFound")

    def _list(self, h, query):
        search = (query.get("search") or [""])[0].lower()
        page = int((query.get("page") or ["1"])[0])
        found = [c for c in self.competitions.values()
                 if search in c.slug or search in c.title.lower()] if page == 1 else []
        self._json(h, 200, [{
            "ref": f"https://www.kaggle.com/competitions/{c.slug}", "tags": [],
            "description": c.description, "id": 1000 + i, "title": c.title,
            "url": f"https://www.kaggle.com/competitions/{c.slug}",
            "deadline": "2030-01-01T23:59:00Z", "category": "Playground", "reward": "Knowledge",
            "organizationName": "Kaggle", "organizationRef": "kaggle", "kernelCount": 0,
            "teamCount": 12, "userHasEntered": "rules" not in c.behaviors, "userRank": None,
            "mergerDeadline": None, "newEntrantDeadline": None,
            "enabledDate": "2023-11-14T22:13:20Z", "maxDailySubmissions": 5, "maxTeamSize": 5,
            "evaluationMetric": c.metric, "awardsPoints": False,
            "isKernelsSubmissionsOnly": False, "submissionsDisabled": False}
            for i, c in enumerate(found)])

    def _download_all(self, h, slug):
        c = self.competitions.get(slug)
        if not c:
            return self._error(h, 404, "NotFound")
        if "rules" in c.behaviors:
            return self._error(h, 403, RULES_MESSAGE)
        if "rate_limit" in c.behaviors:
            with self.stats.lock:
                n = self.stats.rate_limited.get(slug, 0)
                if n < 2:
                    self.stats.rate_limited[slug] = n + 1
            if n < 2:
                return self._error(h, 429, "Too many requests", headers=[("Retry-After", "1")])
        with self.stats.lock:
            self.stats.download_all[slug] = self.stats.download_all.get(slug, 0) + 1
        location = self.signed_url(f"/kaggle-competitions-data/competitions/{1000}/{slug}.zip")
        self._send(h, 302, b"", ctype="text/html; charset=utf-8", headers=[("Location", location)])

    def _submission_url(self, h, slug, ctype, body):
        if slug not in self.competitions:
            return self._error(h, 404, "NotFound")
        fields = parse_multipart(ctype, body)
        token = secrets.token_hex(12)
        self.uploads[token] = {"slug": slug, "fileName": fields.get("fileName", ""), "data": None}
        self._json(h, 200, {"createUrl": f"http://{self.host}:{self.storage_port}/upload/{token}",
                            "token": token})

    def _submit(self, h, slug, ctype, body):
        c = self.competitions.get(slug)
        if not c:
            return self._error(h, 404, "NotFound")
        fields = parse_multipart(ctype, body)
        up = self.uploads.get(fields.get("blobFileTokens", ""))
        if not up or up["data"] is None or up["slug"] != slug:
            return self._error(h, 400, "The submission file was not uploaded")
        with self.stats.lock:
            self.stats.submissions.append({"slug": slug, "fileName": up["fileName"],
                                           "description": fields.get("submissionDescription", ""),
                                           "csv": up["data"]})
        self._json(h, 200, {"message": f"Successfully submitted to {c.title}", "ref": 4242})

    # -- storage -------------------------------------------------------------
    def _storage_check(self, h):
        if "Authorization" in h.headers:
            with self.stats.lock:
                self.stats.storage_auth.append(h.path)
            return False
        return True

    def _storage_get(self, h):
        url = urllib.parse.urlsplit(h.path)
        q = urllib.parse.parse_qs(url.query)
        if not self._storage_check(h):
            return self._send(h, 400, b"<Error><Code>InvalidArgument</Code><Message>Credentials "
                              b"must not be sent with a signed URL</Message></Error>",
                              ctype="application/xml; charset=UTF-8")
        expires, sig = (q.get("Expires") or ["0"])[0], (q.get("Signature") or [""])[0]
        if not hmac.compare_digest(sig, self.sign(url.path, expires)):
            return self._send(h, 403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>",
                              ctype="application/xml; charset=UTF-8")
        slug = url.path.rsplit("/", 1)[-1][:-len(".zip")]
        c = self.competitions.get(slug)
        if not c:
            return self._send(h, 404, b"<Error><Code>NoSuchKey</Code></Error>",
                              ctype="application/xml; charset=UTF-8")
        if "expire" in c.behaviors and slug not in self._expired:
            self._expired.add(slug)
            return self._send(h, 400, b"<Error><Code>ExpiredToken</Code><Message>The provided "
                              b"token has expired.</Message></Error>",
                              ctype="application/xml; charset=UTF-8")
        data, rng = c.zip_bytes, h.headers.get("Range", "")
        with self.stats.lock:
            self.stats.storage_gets.append((slug, rng))
        start, end, status = 0, len(data) - 1, 200
        if rng:
            spec = rng[len("bytes="):] if rng.startswith("bytes=") else ""
            first, _, last = spec.partition("-")
            if not first.isdigit() or int(first) >= len(data):
                return self._send(h, 416, b"", ctype="application/xml; charset=UTF-8",
                                  headers=[("Content-Range", f"bytes */{len(data)}")])
            start, status = int(first), 206
            end = min(int(last), end) if last.isdigit() else end
        body = data[start:end + 1]
        h.send_response(status)
        h.send_header("Content-Type", "application/zip")
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Accept-Ranges", "bytes")
        h.send_header("Last-Modified", c.modified)
        h.send_header("ETag", '"%s"' % hashlib.md5(data).hexdigest())
        if status == 206:
            h.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        h.end_headers()
        if "drop" in c.behaviors and slug not in self._dropped:
            # The first transfer breaks halfway: bytes stop and the socket closes.
            self._dropped.add(slug)
            half = len(body) // 2
            h.wfile.write(body[:half])
            h.wfile.flush()
            self._count(slug, half)
            h.connection.shutdown(socket.SHUT_RDWR)
            h.close_connection = True
            return
        chunk = max(1, len(body) // 20) if "slow" in c.behaviors else len(body) or 1
        for i in range(0, len(body), chunk):
            h.wfile.write(body[i:i + chunk])
            h.wfile.flush()
            self._count(slug, len(body[i:i + chunk]))
            if "slow" in c.behaviors:
                time.sleep(0.1)

    def _count(self, slug, n):
        with self.stats.lock:
            self.stats.bytes_served[slug] = self.stats.bytes_served.get(slug, 0) + n

    def _storage_put(self, h):
        token = urllib.parse.urlsplit(h.path).path.rsplit("/", 1)[-1]
        data = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        if not self._storage_check(h):
            return self._send(h, 400, b"<Error><Code>InvalidArgument</Code></Error>",
                              ctype="application/xml; charset=UTF-8")
        up = self.uploads.get(token)
        if not up:
            return self._send(h, 404, b"<Error><Code>NoSuchUpload</Code></Error>",
                              ctype="application/xml; charset=UTF-8")
        up["data"] = data
        self._send(h, 200, b"{}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True,
                    help='JSON: {"username", "key", "competitions": [{"slug", "zip", "title", '
                         '"description", "metric", "behaviors": [...]}]}')
    args = ap.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    comps = []
    for c in cfg["competitions"]:
        with open(c["zip"], "rb") as z:
            comps.append(Competition(c["slug"], z.read(), c.get("title", ""), c.get("description", ""),
                                     c.get("metric", ""), c.get("behaviors", ())))
    s = KaggleStandin(cfg["username"], cfg["key"], comps).start()
    print(json.dumps({"api_url": s.api_url, "storage_port": s.storage_port}), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        s.stop()


if __name__ == "__main__":
    main()
