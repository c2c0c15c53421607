#!/usr/bin/python3
"""Issue 9 item 10: API keys and what they guard, against the real server and
a real PostgreSQL. `kagentd keys create/list/revoke`; without keys kagentd
serves loopback only (a public --host refuses to start, exit 2); with keys
every call needs one, a key sees and cancels only its own jobs (404 for
others', also on /logs, /result, /ws and GET /jobs) and an admin key sees
all; per-key rate limit and queued-job cap (429 + Retry-After);
Idempotency-Key (same job for the same body, 409 for another, across a
restart); the Host header is checked (DNS rebinding); a body-less
POST /run?url= is refused as a CORS simple request; CORS is off unless
--cors-origin is set."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD, DATABASE_URL, Checks, Server, make_mirror  # noqa: E402
from ws_client import WebSocket  # noqa: E402

URL = "https://www.kaggle.com/competitions/{}"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def keys(*args):
    out = subprocess.run([os.path.join(BUILD, "kagentd"), "keys", *args,
                          f"--database-url={DATABASE_URL}"], capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr


def create_key(c, name, *extra):
    rc, out, err = keys("create", f"--name={name}", *extra)
    c.equal(rc, 0, f"keys create {name}: {err}")
    key = out.strip().splitlines()[-1] if out.strip() else ""
    c.check(key.startswith("kag_"), f"the key is printed once: {out!r}")
    return key


def auth(key):
    return {"Authorization": f"Bearer {key}"}


def post_run(srv, key, slug, extra_headers=None, body=None):
    h = {"Content-Type": "application/json", **auth(key), **(extra_headers or {})}
    data = body if body is not None else json.dumps({"kaggle_url": URL.format(slug)}).encode()
    return srv.request("POST", "/run", data, h)


def ws_path(srv, path, key):
    return WebSocket(srv.port, path, headers=auth(key) if key else None)


def main():
    if not DATABASE_URL:
        print("KAGENT_TEST_DATABASE_URL is not set: run scripts/test.sh", flush=True)
        return 1
    c = Checks()
    try:
        return run_all(c)
    finally:
        # The test database is shared: the next test file starts without keys.
        subprocess.run(["psql", DATABASE_URL, "-qc", "DELETE FROM api_keys"], capture_output=True)


def run_all(c):
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "quick": "", "slow": "sleep train 30"})
    # Start from no keys at all.
    subprocess.run(["psql", DATABASE_URL, "-qc", "DELETE FROM api_keys"], capture_output=True)

    print("without keys: loopback only", flush=True)
    srv = Server(competitions=mirror).start()
    try:
        h = srv.get("/health").json()
        c.check("loopback only" in h.get("services", {}).get("auth", ""),
                f"/health says keys are off and loopback only: {h.get('services')}")
        c.check("loopback only" in srv.tail(200), "and so does the start-up log")
        q = "/run?url=" + URL.format("quick").replace(":", "%3A").replace("/", "%2F")
        r = srv.request("POST", q, b"", {"Content-Type": "text/plain"})
        c.equal(r.status, 415, "a body-less POST /run?url= that a web page could send: 415")
        r = srv.request("POST", q, b"")
        c.equal(r.status, 415, "also without any Content-Type")
        r = srv.request("POST", q, b"", {"Content-Type": "application/json"})
        c.equal(r.status, 201, "?url= with Content-Type: application/json (needs a preflight)")
        r = srv.request("GET", "/health", None, {"Host": f"attacker.example:{srv.port}"})
        c.equal(r.status, 421, "a rebinding page's Host header: 421")
    finally:
        srv.stop()
    public = Server(competitions=mirror, extra=["--host=0.0.0.0"])
    try:
        proc = subprocess.run(public.args, capture_output=True, text=True, timeout=30)
        rc, err = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        rc, err = "still running after 30 s", ""
    c.equal(rc, 2, "a public --host without keys refuses to start")
    c.check("API key" in err, f"and says why: {err.strip()[-200:]}")

    print("keys create / list / revoke", flush=True)
    alice = create_key(c, "alice")
    bob = create_key(c, "bob")
    admin = create_key(c, "root", "--admin")
    rc, _, err = keys("create", "--name=alice")
    c.check(rc != 0 and "exists" in err, f"a live name cannot be created twice: {err!r}")
    rc, out, _ = keys("list")
    c.check(rc == 0 and "alice" in out and "bob" in out and "root" in out and "admin" in out,
            f"keys list shows them: {out!r}")
    c.check(alice not in out and alice[:12] in out, "list shows a prefix, never the key")
    stored = subprocess.run(["psql", DATABASE_URL, "-Atc", "SELECT key_hash FROM api_keys"],
                            capture_output=True, text=True).stdout
    c.check(alice not in stored and len(stored.split()[0]) == 64, "keys are stored hashed")

    srv = Server(competitions=mirror,
                 extra=["--rate-limit=4", "--max-queued-per-key=3", "--max-running=1"]).start()
    try:
        run_checks(c, srv, alice, bob, admin)
    finally:
        srv.stop()

    print("Idempotency-Key survives a restart; CORS when configured", flush=True)
    srv = Server(competitions=mirror, data_dir=srv.data_dir,
                 extra=["--cors-origin=https://ui.example"]).start()
    try:
        body = json.dumps({"kaggle_url": URL.format("quick")}).encode()
        r = post_run(srv, alice, "quick", {"Idempotency-Key": "restart-1"}, body)
        c.equal(r.status, 201, "first use of an Idempotency-Key")
        first = r.json()["job_id"]
        srv.stop()
        srv.start()
        r = post_run(srv, alice, "quick", {"Idempotency-Key": "restart-1"}, body)
        c.equal((r.status, r.json().get("job_id")), (201, first), "same job after a restart")
        r = srv.request("OPTIONS", "/run", None, {
            "Origin": "https://ui.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        c.equal(r.status, 204, "a preflight from the configured origin")
        c.equal(r.headers.get("Access-Control-Allow-Origin"), "https://ui.example",
                "names the origin")
        c.check("authorization" in r.headers.get("Access-Control-Allow-Headers", "").lower(),
                "allows the Authorization header")
        r = srv.request("GET", "/jobs", None, {"Origin": "https://evil.example", **auth(alice)})
        c.equal(r.headers.get("Access-Control-Allow-Origin"), None, "other origins get no CORS")
        rc, _, _ = keys("revoke", "--name=bob")
        c.equal(rc, 0, "keys revoke")
        deadline = time.time() + 10
        while time.time() < deadline and srv.request("GET", "/jobs", None, auth(bob)).status != 401:
            time.sleep(0.3)
        c.equal(srv.request("GET", "/jobs", None, auth(bob)).status, 401,
                "a revoked key is refused without a restart")
        rc, out, _ = keys("list")
        c.check("revoked" in out, f"list shows it revoked: {out!r}")
    finally:
        srv.stop()
    return c.finish()


def run_checks(c, srv, alice, bob, admin):
    print("every call needs a key", flush=True)
    c.equal(srv.get("/jobs").status, 401, "no key: 401")
    r = srv.request("GET", "/jobs", None, auth("kag_wrong"))
    c.equal(r.status, 401, "a wrong key: 401")
    c.check("Bearer" in (r.headers.get("WWW-Authenticate") or ""), "with WWW-Authenticate")
    c.equal(srv.get("/health").status, 200, "/health needs no key")
    c.equal(srv.get("/").status, 200, "the dashboard page needs no key")
    r = srv.request("POST", "/run", json.dumps({"kaggle_url": URL.format("quick")}).encode(),
                    {"Content-Type": "application/json"})
    c.equal(r.status, 401, "POST /run without a key")
    c.check("auth" in srv.get("/health").json()["services"], "/health names the auth mode")

    print("each key sees its own jobs", flush=True)
    r = post_run(srv, alice, "quick")
    c.equal(r.status, 201, "alice submits")
    a_job = r.json()["job_id"]
    r = post_run(srv, bob, "quick")
    b_job = r.json()["job_id"]
    srv_wait(srv, alice, a_job)
    srv_wait(srv, bob, b_job)
    c.equal(srv.request("GET", f"/status/{a_job}", None, auth(alice)).status, 200, "own status")
    for path in (f"/status/{a_job}", f"/logs/{a_job}", f"/result/{a_job}/submission.csv",
                 f"/result/{a_job}/solution.py"):
        c.equal(srv.request("GET", path, None, auth(bob)).status, 404, f"bob: {path} is 404")
        c.equal(srv.request("GET", path, None, auth(admin)).status, 200, f"admin: {path}")
    c.equal(srv.request("DELETE", f"/jobs/{a_job}", None, auth(bob)).status, 404,
            "bob cannot cancel alice's job")
    mine = srv.request("GET", "/jobs", None, auth(alice)).json()
    c.check(mine["jobs"] and all(j["job_id"] != b_job for j in mine["jobs"]),
            "GET /jobs lists only alice's jobs")
    c.equal(mine["total"], len([j for j in mine["jobs"]]), "and counts only hers")
    every = [j["job_id"] for j in srv.request("GET", "/jobs", None, auth(admin)).json()["jobs"]]
    c.check(a_job in every and b_job in every, "admin lists every job")
    ws = ws_path(srv, f"/ws/jobs/{a_job}", bob)
    c.equal(ws.status, 404, "bob cannot stream alice's job")
    ws = ws_path(srv, f"/ws/jobs/{a_job}", None)
    c.equal(ws.status, 401, "no key: no stream")
    ws = ws_path(srv, f"/ws/jobs/{a_job}", alice).read_until()
    c.equal(ws.close_code, 1000, "alice streams her job")
    sub = WebSocket(srv.port, f"/ws/jobs/{a_job}", protocols=["kagent", f"kagent-key.{alice}"])
    c.equal(sub.status, 101, "a browser's key as a subprotocol")
    c.equal(sub.headers.get("sec-websocket-protocol"), "kagent", "and the server names kagent")
    sub.close()
    feed = ws_path(srv, "/ws/jobs", bob)
    r = post_run(srv, alice, "quick")
    srv_wait(srv, alice, r.json()["job_id"])
    r2 = post_run(srv, bob, "quick")
    srv_wait(srv, bob, r2.json()["job_id"])
    feed.read_until(lambda w: any(m.get("job", {}).get("job_id") == r2.json()["job_id"]
                                  and m["job"]["status"] == "success" for m in w.messages))
    seen = {m["job"]["job_id"] for m in feed.messages if m.get("type") == "job"}
    c.check(r.json()["job_id"] not in seen and a_job not in seen,
            "bob's /ws/jobs shows none of alice's jobs")
    feed.close()

    print("rate limit and queued-job cap per key", flush=True)
    time.sleep(61)  # a fresh minute for the bucket
    slow = []
    codes = []
    for _ in range(5):
        r = post_run(srv, alice, "slow")
        codes.append(r.status)
        if r.status == 201:
            slow.append(r.json()["job_id"])
        else:
            last = r
    c.equal(codes[:4], [201, 201, 201, 201], "four jobs within the per-key cap and rate")
    c.equal(codes[4], 429, "a fifth: 429")
    c.check(last.headers.get("Retry-After"), "with Retry-After")
    r = post_run(srv, bob, "slow")
    c.equal(r.status, 201, "another key is not limited by alice's use")
    slow.append(r.json()["job_id"])
    for j in slow:
        srv.request("DELETE", f"/jobs/{j}", None, auth(admin))

    print("Idempotency-Key", flush=True)
    body = json.dumps({"kaggle_url": URL.format("quick")}).encode()
    r1 = post_run(srv, bob, "quick", {"Idempotency-Key": "k-1"}, body)
    r2 = post_run(srv, bob, "quick", {"Idempotency-Key": "k-1"}, body)
    c.equal(r1.status, 201, "first request with a key")
    c.equal((r2.status, r2.json().get("job_id")), (201, r1.json().get("job_id")),
            "the same key and body: the same job")
    other = json.dumps({"kaggle_url": URL.format("slow")}).encode()
    c.equal(post_run(srv, bob, "slow", {"Idempotency-Key": "k-1"}, other).status, 409,
            "the same key with another body: 409")

    print("Host header, body-less POST, CORS off", flush=True)
    r = srv.request("GET", "/health", None, {"Host": "evil.example:%d" % srv.port})
    c.equal(r.status, 421, "a foreign Host header: 421")
    for host in (f"localhost:{srv.port}", f"127.0.0.1:{srv.port}", f"[::1]:{srv.port}"):
        c.equal(srv.request("GET", "/health", None, {"Host": host}).status, 200, f"Host {host}")
    q = "/run?url=" + URL.format("quick").replace(":", "%3A").replace("/", "%2F")
    r = srv.request("POST", q, b"", {"Content-Type": "text/plain"})
    c.check(r.status in (401, 415), f"a simple request cannot create a job: {r.status}")
    r = srv.request("POST", q, b"", {"Content-Type": "text/plain", **auth(bob)})
    c.equal(r.status, 201, "?url= with the bearer header still works")
    r = srv.request("GET", "/jobs", None, {"Origin": "https://evil.example", **auth(alice)})
    c.equal(r.headers.get("Access-Control-Allow-Origin"), None, "CORS is off by default")
    r = srv.request("OPTIONS", "/run", None, {"Origin": "https://evil.example",
                                              "Access-Control-Request-Method": "POST"})
    c.check(r.status in (403, 405), f"no preflight without --cors-origin: {r.status}")
    ws = WebSocket(srv.port, "/ws/jobs", headers={"Origin": "https://evil.example", **auth(alice)})
    c.equal(ws.status, 403, "a WebSocket from a foreign page is refused")


def srv_wait(srv, key, job, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = srv.request("GET", f"/status/{job}", None, auth(key))
        if r.status == 200 and r.json()["status"] in ("success", "failed", "timeout", "cancelled"):
            return r.json()
        time.sleep(0.2)
    raise AssertionError(f"job {job} did not finish")


if __name__ == "__main__":
    sys.exit(main())
