#!/usr/bin/python3
"""Issue 12: docs/openapi.yaml is the contract of the running server.

GET /openapi.json is the document; every route answers, for success and for
each error the test can bring about, with a status the document lists for that
route and a body (and required headers, such as Retry-After) that validate
against the documented schema; the WebSocket frames of a real job validate
against theirs. Every operation of the document is driven at least once.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import jsonschema
import yaml

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD, DATABASE_URL, SOURCE, Checks, Server, make_mirror  # noqa: E402
from ws_client import WebSocket  # noqa: E402

URL = "https://www.kaggle.com/competitions/{}"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
CORS = "http://app.example"
STAGE_FILES = ["solution.py", "profile.json", "plan.json", "metrics.json", "validation.json"]


def load_document():
    with open(os.path.join(SOURCE, "docs/openapi.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def resolve(doc, node):
    """`node` with every local $ref replaced by its target (siblings override)."""
    if isinstance(node, list):
        return [resolve(doc, x) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        merged = dict(resolve(doc, target))
        merged.update({k: resolve(doc, v) for k, v in node.items() if k != "$ref"})
        return merged
    return {k: resolve(doc, v) for k, v in node.items()}


class Contract:
    """Checks answers against the document and counts what was driven."""

    def __init__(self, c, doc):
        self.c, self.doc = c, doc
        self.paths = resolve(doc, doc["paths"])
        self.seen = set()  # (method, path template)

    def operation(self, method, template):
        item = self.paths.get(template)
        self.c.check(item is not None and method in item,
                     f"{method.upper()} {template} is in the document")
        return (item or {}).get(method, {})

    def check(self, method, template, status, headers, body, what):
        """One answer; returns the parsed JSON body (or None)."""
        method = method.lower()
        item = self.paths.get(template, {})
        if status == 405 and method not in item:
            # Another method on a known path: the path's operations document
            # the 405 (with Allow) they answer it with.
            self.c.check(any("405" in op.get("responses", {}) for op in item.values()
                             if isinstance(op, dict) and "responses" in op),
                         f"{what}: 405 is documented on {template}")
            method = next(m for m, op in item.items() if m not in ("options", "parameters")
                          and "405" in op.get("responses", {}))
            allow = headers.get("Allow") or ""
            self.c.equal(allow, method.upper(), f"{what}: Allow names the documented method")
        self.seen.add((method, template))
        op = self.operation(method, template)
        responses = op.get("responses", {})
        key = str(status)
        self.c.check(key in responses,
                     f"{what}: {status} is documented for {method.upper()} {template} "
                     f"(documented: {sorted(responses)}); body {body[:200]!r}")
        spec = responses.get(key, {})
        for name, h in spec.get("headers", {}).items():
            if h.get("required"):
                self.c.check(headers.get(name) is not None,
                             f"{what}: the required header {name} is there")
                if name == "Retry-After" and headers.get(name) is not None:
                    self.c.check(headers.get(name).isdigit(), f"{what}: Retry-After is seconds")
        content = spec.get("content")
        if not content:
            return None
        media = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        self.c.check(media in content,
                     f"{what}: Content-Type {media!r} is documented ({sorted(content)})")
        schema = content.get(media, {}).get("schema")
        if media != "application/json":
            return None
        try:
            value = json.loads(body)
        except ValueError:
            self.c.check(False, f"{what}: the body is JSON: {body[:200]!r}")
            return None
        if schema is not None:
            self.validate(value, schema, what)
        return value

    def validate(self, value, schema, what):
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(value),
                        key=lambda e: list(e.path))
        self.c.check(not errors, f"{what}: the body validates: "
                     + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:3]))

    def http(self, srv, method, path, template, body=None, headers=None, what=None,
             want=None):
        r = srv.request(method, path, body, headers or {})
        what = what or f"{method} {path}"
        if want is not None:
            self.c.equal(r.status, want, f"{what}: status ({r.body[:200]!r})")
        value = self.check(method, template, r.status, r.headers, r.body, what)
        return r, value

    def frame(self, name, message, what):
        self.validate(message, self.doc_schema(name), what)

    def doc_schema(self, name):
        return resolve(self.doc, self.doc["components"]["schemas"][name])

    def ws(self, srv, path, template, want, what, headers=None, protocols=None, upgrade=True):
        """A WebSocket handshake (or a plain GET when not upgrade)."""
        if not upgrade:
            return self.http(srv, "GET", path, template, headers=headers, what=what, want=want)
        ws = WebSocket(srv.port, path, headers=headers, protocols=protocols, timeout=60)
        self.c.equal(ws.status, want, f"{what}: status ({ws.body[:200]!r})")
        hdrs = {k.title(): v for k, v in ws.headers.items()}
        self.check("GET", template, ws.status, _Headers(hdrs), ws.body, what)
        return ws


class _Headers(dict):
    def get(self, name, default=None):
        for k, v in self.items():
            if k.lower() == name.lower():
                return v
        return default


def raw(port, data, read_timeout=10):
    """Sends bytes as they are; returns (status, headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        s.sendall(data)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        headers = _Headers((k.strip(), v.strip()) for k, v in
                           (line.split(":", 1) for line in lines[1:] if ":" in line))
        n = int(headers.get("Content-Length", "0"))
        while len(rest) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return int(lines[0].split()[1]), headers, rest[:n]


def json_post(body):
    return json.dumps(body).encode(), {"Content-Type": "application/json"}


def keys(*args):
    out = subprocess.run([os.path.join(BUILD, "kagentd"), "keys", *args,
                          f"--database-url={DATABASE_URL}"], capture_output=True, text=True)
    return out.returncode, out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def main():
    if not DATABASE_URL:
        print("KAGENT_TEST_DATABASE_URL is not set: run scripts/test.sh", flush=True)
        return 1
    c = Checks()
    doc = load_document()
    k = Contract(c, doc)
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "quick": "", "slow": "sleep train 30"})
    subprocess.run(["psql", DATABASE_URL, "-qc", "DELETE FROM api_keys"], capture_output=True)
    srv = Server(competitions=mirror, extra=["--max-queued=1", "--max-running=1",
                                             "--retry-after=7", f"--cors-origin={CORS}",
                                             "--max-body=4096"]).start()
    try:
        without_keys(c, k, srv, doc)
    finally:
        srv.stop()
    try:
        with_keys(c, k, mirror)
    finally:
        subprocess.run(["psql", DATABASE_URL, "-qc", "DELETE FROM api_keys"],
                       capture_output=True)
    # Every operation of the document was driven at least once.
    documented = {(m, p) for p, item in doc["paths"].items() for m in item
                  if m != "parameters"}
    c.equal(sorted(documented - k.seen), [], "operations the test never drove")
    return c.finish()


def without_keys(c, k, srv, doc):
    print("the document", flush=True)
    r, served = k.http(srv, "GET", "/openapi.json", "/openapi.json", want=200)
    c.equal(served, doc, "GET /openapi.json is docs/openapi.yaml")
    k.http(srv, "POST", "/openapi.json", "/openapi.json", want=405)
    r, _ = k.http(srv, "GET", "/", "/", want=200)
    c.check(b"<html" in r.body.lower(), "GET / is the dashboard")
    k.http(srv, "DELETE", "/", "/", want=405)

    print("every route, before routing", flush=True)
    status, headers, body = raw(srv.port, b"GET /health HTTP/1.1\r\n\r\n")
    c.equal(status, 400, "no Host header")
    k.check("GET", "/health", status, headers, body, "no Host header")
    status, headers, body = raw(srv.port, b"GET /status/x HTTP/1.1\r\nHost: evil.example\r\n\r\n")
    c.equal(status, 421, "a foreign Host")
    k.check("GET", "/status/{id}", status, headers, body, "a foreign Host")
    status, headers, body = raw(srv.port, b"GET /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                                + b"x" * 20000 + b"\r\n\r\n")
    c.equal(status, 431, "header fields too large")
    k.check("GET", "/jobs", status, headers, body, "header fields too large")
    big = json.dumps({"kaggle_url": "x" * 5000}).encode()
    k.http(srv, "POST", "/run", "/run", big, {"Content-Type": "application/json"}, want=413)
    r = srv.get("/nowhere")
    c.equal(r.status, 404, "an unknown path")
    c.equal(r.json(), {"detail": "Not Found"}, "an unknown path's body")

    print("CORS preflight on every path", flush=True)
    for template in doc["paths"]:
        path = template.replace("{id}", UNKNOWN)
        k.http(srv, "OPTIONS", path, template, headers={"Origin": CORS},
               what=f"preflight {template}", want=204)
    k.http(srv, "OPTIONS", "/run", "/run", headers={"Origin": "http://other.example"},
           what="preflight of another origin", want=405)

    print("POST /run", flush=True)
    body, h = json_post({"kaggle_url": URL.format("quick")})
    r, created = k.http(srv, "POST", "/run", "/run", body, h, want=201)
    quick = created["job_id"]
    k.http(srv, "POST", "/run", "/run", b"{", h, what="malformed JSON", want=422)
    k.http(srv, "POST", "/run", "/run", *json_post({"kaggle_url": "x", "extra": 1}),
           what="an unexpected field", want=422)
    k.http(srv, "POST", "/run", "/run", *json_post({}), what="no kaggle_url", want=422)
    k.http(srv, "POST", "/run?url=x", "/run", *json_post({"kaggle_url": "x"}),
           what="both body and ?url=", want=422)
    k.http(srv, "POST", "/run", "/run", b"", {"Content-Type": "application/json"},
           what="neither body nor ?url=", want=422)
    k.http(srv, "POST", "/run", "/run", *json_post({"kaggle_url": "https://example.com/x"}),
           what="not a competition URL", want=400)
    k.http(srv, "POST", "/run", "/run",
           *json_post({"kaggle_url": URL.format("quick"), "time_budget_seconds": 5}),
           what="a budget below 10 s", want=400)
    k.http(srv, "POST", "/run", "/run", b"kaggle_url=x", {"Content-Type": "text/plain"},
           what="a body that is not JSON", want=415)
    k.http(srv, "POST", "/run?url=" + URL.format("quick"), "/run", b"", {},
           what="a body-less ?url= without JSON or Authorization", want=415)
    k.http(srv, "POST", "/run", "/run", body, {**h, "Idempotency-Key": "k" * 256},
           what="an Idempotency-Key over 255 characters", want=422)
    k.http(srv, "GET", "/run", "/run", want=405)
    srv.wait_done(quick)
    idem = {**h, "Idempotency-Key": "openapi-test"}
    r, first = k.http(srv, "POST", "/run", "/run", body, idem, what="with an Idempotency-Key",
                      want=201)
    r, again = k.http(srv, "POST", "/run", "/run", body, idem,
                      what="the same Idempotency-Key again", want=201)
    c.equal(again["job_id"], first["job_id"], "a replay answers with the first job")
    other, _ = json_post({"kaggle_url": URL.format("slow")})
    k.http(srv, "POST", "/run", "/run", other, idem,
           what="the Idempotency-Key with another request", want=409)
    srv.wait_done(first["job_id"])
    r, _ = k.http(srv, "POST", "/run?url=" + URL.format("quick"), "/run", b"",
                  {"Content-Type": "application/json"}, what="?url= with JSON", want=201)
    srv.wait_done(r.json()["job_id"])

    print("a finished job", flush=True)
    k.http(srv, "GET", f"/status/{quick}", "/status/{id}", want=200)
    k.http(srv, "GET", "/status/not-a-uuid", "/status/{id}", want=404)
    k.http(srv, "GET", f"/status/{UNKNOWN}", "/status/{id}", want=404)
    k.http(srv, "POST", f"/status/{quick}", "/status/{id}", want=405)
    r, _ = k.http(srv, "GET", f"/result/{quick}/submission.csv",
                  "/result/{id}/submission.csv", want=200)
    c.check(r.body.startswith(b"id,"), f"the CSV: {r.body[:40]!r}")
    k.http(srv, "GET", f"/result/{UNKNOWN}/submission.csv", "/result/{id}/submission.csv",
           want=404)
    k.http(srv, "DELETE", f"/result/{quick}/submission.csv", "/result/{id}/submission.csv",
           want=405)
    for name in STAGE_FILES:
        template = f"/result/{{id}}/{name}"
        k.http(srv, "GET", f"/result/{quick}/{name}", template, want=200)
        k.http(srv, "GET", f"/result/{UNKNOWN}/{name}", template, want=404)
        k.http(srv, "POST", f"/result/{quick}/{name}", template, want=405)
    k.http(srv, "GET", f"/logs/{quick}", "/logs/{id}", want=200)
    k.http(srv, "GET", f"/logs/{UNKNOWN}", "/logs/{id}", want=404)
    k.http(srv, "PUT", f"/logs/{quick}", "/logs/{id}", want=405)
    k.http(srv, "DELETE", f"/jobs/{quick}", "/jobs/{id}", what="cancel a finished job", want=409)
    k.http(srv, "DELETE", "/jobs/x", "/jobs/{id}", want=404)
    k.http(srv, "GET", f"/jobs/{quick}", "/jobs/{id}", want=405)
    k.http(srv, "POST", f"/jobs/{quick}/submit", "/jobs/{id}/submit", b"",
           {"Content-Type": "application/json"}, what="Kaggle without credentials", want=409)
    k.http(srv, "POST", f"/jobs/{quick}/submit", "/jobs/{id}/submit", b"", {},
           what="a body-less submit without JSON or Authorization", want=415)
    k.http(srv, "POST", f"/jobs/{quick}/submit", "/jobs/{id}/submit",
           *json_post({"message": 1}), what="a message that is not a string", want=422)
    k.http(srv, "POST", f"/jobs/{UNKNOWN}/submit", "/jobs/{id}/submit", *json_post({}),
           what="submit an unknown job", want=404)
    k.http(srv, "GET", f"/jobs/{quick}/submit", "/jobs/{id}/submit", want=405)

    print("GET /jobs, /health, /cluster, /metrics", flush=True)
    r, listed = k.http(srv, "GET", "/jobs", "/jobs", want=200)
    c.check(listed and listed["count"] >= 1, "the list has the jobs")
    k.http(srv, "GET", "/jobs?status_filter=success&limit=2", "/jobs", want=200)
    k.http(srv, "GET", "/jobs?status_filter=bogus", "/jobs", want=422)
    k.http(srv, "GET", "/jobs?limit=0", "/jobs", want=422)
    k.http(srv, "GET", "/jobs?limit=%zz", "/jobs", what="a malformed query", want=422)
    k.http(srv, "POST", "/jobs", "/jobs", *json_post({}), want=405)
    k.http(srv, "GET", "/health", "/health", want=200)
    k.http(srv, "POST", "/health", "/health", *json_post({}), want=405)
    k.http(srv, "GET", "/cluster", "/cluster", want=200)
    k.http(srv, "DELETE", "/cluster", "/cluster", want=405)
    r, _ = k.http(srv, "GET", "/metrics", "/metrics", want=200)
    c.check(b"kagent_jobs_queued" in r.body, "the metrics")
    k.http(srv, "POST", "/metrics", "/metrics", *json_post({}), want=405)

    print("WebSockets of a finished job", flush=True)
    ws = k.ws(srv, f"/ws/jobs/{quick}", "/ws/jobs/{id}", 101, "replay of a finished job")
    ws.read_until()
    c.equal(ws.close_code, 1000, "a finished job's stream closes with 1000")
    c.check(len(ws.events()) >= 4 and ws.messages[-1].get("type") == "end",
            f"events, then the end frame: {ws.messages[-2:]}")
    for m in ws.messages:
        k.frame("EndFrame" if m.get("type") == "end" else "EventFrame", m,
                f"frame {m.get('type')} {m.get('seq', '')}")
    ws = k.ws(srv, f"/ws/jobs/{quick}?since=3", "/ws/jobs/{id}", 101, "replay since 3")
    ws.read_until()
    c.check(all(m["seq"] > 3 for m in ws.events()), "since=3 replays only what follows")
    k.ws(srv, f"/ws/jobs/{quick}?since=x", "/ws/jobs/{id}", 422, "since=x").close()
    k.ws(srv, "/ws/jobs/nope", "/ws/jobs/{id}", 404, "a stream of no job").close()
    k.ws(srv, f"/ws/jobs/{quick}", "/ws/jobs/{id}", 426, "a plain GET", upgrade=False)
    k.ws(srv, f"/ws/jobs/{quick}", "/ws/jobs/{id}", 403, "a foreign origin",
         headers={"Origin": "http://evil.example"}).close()
    k.http(srv, "POST", f"/ws/jobs/{quick}", "/ws/jobs/{id}", *json_post({}), want=405)
    k.ws(srv, "/ws/jobs", "/ws/jobs", 426, "a plain GET of /ws/jobs", upgrade=False)
    k.ws(srv, "/ws/jobs", "/ws/jobs", 403, "/ws/jobs from a foreign origin",
         headers={"Origin": "http://evil.example"}).close()
    k.http(srv, "DELETE", "/ws/jobs", "/ws/jobs", want=405)

    print("running and queued jobs", flush=True)
    jobs_ws = k.ws(srv, "/ws/jobs", "/ws/jobs", 101, "the jobs stream")
    body, h = json_post({"kaggle_url": URL.format("slow")})
    r, slow = k.http(srv, "POST", "/run", "/run", body, h, want=201)
    slow = slow["job_id"]
    srv.wait_for(slow, lambda s: s["metadata"].get("stage") == "train")
    r, queued = k.http(srv, "POST", "/run", "/run", body, h, what="a second slow job", want=201)
    queued = queued["job_id"]
    r, _ = k.http(srv, "POST", "/run", "/run", body, h, what="the queue is full", want=429)
    c.equal(r.headers.get("Retry-After"), "7", "queue full: Retry-After is --retry-after")
    # A queued job's frame comes when it starts; the running one's come now.
    jobs_ws.read_until(lambda w: any(m["job"]["job_id"] == slow for m in w.messages))
    c.check(len(jobs_ws.messages) >= 2, "the jobs stream shows the jobs")
    for m in jobs_ws.messages:
        k.frame("JobFrame", m, f"job frame {m['job']['job_id']} {m['job']['status']}")
    jobs_ws.close()
    live = k.ws(srv, f"/ws/jobs/{slow}", "/ws/jobs/{id}", 101, "a running job's stream")
    k.http(srv, "GET", f"/result/{slow}/submission.csv", "/result/{id}/submission.csv",
           what="the CSV of a running job", want=400)
    k.http(srv, "GET", f"/result/{slow}/validation.json", "/result/{id}/validation.json",
           what="validation.json before train", want=404)
    k.http(srv, "POST", f"/jobs/{slow}/submit", "/jobs/{id}/submit", *json_post({}),
           what="Kaggle submit of a running job", want=400)
    k.http(srv, "DELETE", f"/jobs/{queued}", "/jobs/{id}", what="cancel a queued job", want=200)
    k.http(srv, "DELETE", f"/jobs/{slow}", "/jobs/{id}", what="cancel a running job", want=200)
    live.read_until()
    c.equal(live.close_code, 1000, "a cancelled job's stream ends with 1000")
    c.equal(live.messages[-1:] and live.messages[-1].get("type"), "end", "with an end frame")
    for m in live.messages:
        k.frame("EndFrame" if m.get("type") == "end" else "EventFrame", m,
                f"live frame {m.get('type')} {m.get('seq', '')}")


def with_keys(c, k, mirror):
    print("with API keys", flush=True)
    rc, key = keys("create", "--name=openapi")
    c.equal(rc, 0, "keys create")
    srv = Server(competitions=mirror, extra=["--rate-limit=1", "--retry-after=5",
                                             "--max-websockets-per-client=1"]).start()
    try:
        auth = {"Authorization": f"Bearer {key}"}
        body, h = json_post({"kaggle_url": URL.format("quick")})
        k.http(srv, "POST", "/run", "/run", body, h, what="no key", want=401)
        r, _ = k.http(srv, "GET", f"/status/{UNKNOWN}", "/status/{id}",
                      headers={"Authorization": "Bearer kag_wrong"}, what="a wrong key",
                      want=401)
        c.check(r.headers.get("WWW-Authenticate", "").startswith("Bearer"),
                "401 names the Bearer scheme")
        for template in ["/jobs", "/cluster", "/logs/{id}", "/jobs/{id}/submit"]:
            method = "POST" if template.endswith("submit") else "GET"
            k.http(srv, method, template.replace("{id}", UNKNOWN), template,
                   b"" if method == "POST" else None,
                   {"Content-Type": "application/json"} if method == "POST" else {},
                   what=f"{template} without a key", want=401)
        k.http(srv, "GET", "/health", "/health", what="health needs no key", want=200)
        r, job = k.http(srv, "POST", "/run", "/run", body, {**h, **auth}, what="with the key",
                        want=201)
        r, _ = k.http(srv, "POST", "/run", "/run", body, {**h, **auth},
                      what="over the key's rate", want=429)
        c.check((r.headers.get("Retry-After") or "0").isdigit()
                and int(r.headers.get("Retry-After") or "0") > 0,
                f"rate limit: Retry-After {r.headers.get('Retry-After')!r}")
        k.ws(srv, "/ws/jobs", "/ws/jobs", 401, "a stream without a key").close()
        time.sleep(0.5)  # its place (--max-websockets-per-client) is given back
        one = k.ws(srv, "/ws/jobs", "/ws/jobs", 101, "a stream with the key as subprotocol",
                   protocols=["kagent", f"kagent-key.{key}"])
        two = k.ws(srv, f"/ws/jobs/{job['job_id']}", "/ws/jobs/{id}", 429,
                   "a second stream from this address", headers=auth)
        c.check((two.headers.get("retry-after") or "").isdigit(),
                "too many streams: Retry-After")
        two.close()
        one.close()
        time.sleep(0.5)
        k.ws(srv, f"/ws/jobs/{UNKNOWN}", "/ws/jobs/{id}", 401, "a job stream without a key",
             ).close()
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(main())
