"""Starts the real kagentd for integration tests and talks HTTP to it.

Only the Python standard library: tests run with Debian's /usr/bin/python3.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

SOURCE = os.environ.get("KAGENT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
BUILD = os.environ.get("KAGENT_BUILD_DIR", os.path.join(SOURCE, "build"))
FAKE_STAGE = os.path.join(SOURCE, "tests/fixtures/fake-stage")
# The shared development competitions (not part of the repository; scripts/test.sh
# finds them): tests that need them skip without.
SHARED = os.environ.get("KAGENT_SHARED_DIR", "")
SKIPPED = 77  # ctest reports a test exiting with this as skipped (tests/CMakeLists.txt)


def _load_test_postgres():
    """The throwaway PostgreSQL of ctest's test_pg fixture, when the environment
    does not name one (scripts/test-postgres.sh start-env writes the file)."""
    path = os.path.join(BUILD, "test-postgres.env")
    if os.environ.get("KAGENT_TEST_DATABASE_URL") or not os.path.exists(path):
        return
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            if key.startswith("KAGENT_TEST_"):
                os.environ.setdefault(key, value)


_load_test_postgres()
DATABASE_URL = os.environ.get("KAGENT_TEST_DATABASE_URL", "")


def shared_dir_or_skip(what):
    """The shared development set's folder `what`, or exit as skipped."""
    path = os.path.join(SHARED, what) if SHARED else ""
    if not path or not os.path.isdir(path):
        print(f"SKIPPED: needs the shared development set ({what}/): set KAGENT_SHARED_DIR",
              flush=True)
        raise SystemExit(SKIPPED)
    return path
TERMINAL = {"success", "failed", "timeout", "cancelled"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_mirror(root, competitions):
    """A mirror folder with one competition per name; value = BEHAVIOR text."""
    for slug, behavior in competitions.items():
        data = os.path.join(root, slug, "public")
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(data, "BEHAVIOR"), "w") as f:
            f.write(behavior)
        with open(os.path.join(root, slug, "description.md"), "w") as f:
            f.write(f"https://www.kaggle.com/competitions/{slug}\n")
    return root


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


class Server:
    """One kagentd process. fake=True uses the stand-in stages (fast)."""

    def __init__(self, data_dir=None, competitions=None, fake=True, database_url=None,
                 extra=(), preexec=None):
        self.port = free_port()
        self.preexec = preexec  # runs in the child before exec (e.g. setrlimit)
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="kagent-it-")
        os.chmod(self.data_dir, 0o755)
        self.args = [os.path.join(BUILD, "kagentd"), f"--port={self.port}",
                     f"--data-dir={self.data_dir}", "--log-level=warn"]
        if competitions:
            self.args.append(f"--competitions={competitions}")
        if fake:
            # The stand-in must be visible inside bwrap too: it is mounted as
            # the stage program, and the interpreter path points at the mount.
            self.args += [f"--stage-bin={FAKE_STAGE}", "--python=/opt/kagent/kagent-stage"]
        url = DATABASE_URL if database_url is None else database_url
        if url:
            self.args.append(f"--database-url={url}")
        self.args += list(extra)
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "kagentd.log")

    def start(self, timeout=60):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT,
                                     preexec_fn=self.preexec)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kagentd exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if self.get("/health").status in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("kagentd did not answer /health in time:\n" + self.tail())

    def tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("kagentd did not stop on SIGTERM")
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    # -- HTTP -------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=30):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=body, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())

    def get(self, path):
        return self.request("GET", path)

    def post_json(self, path, obj, raw=None, content_type="application/json"):
        body = raw if raw is not None else json.dumps(obj).encode()
        return self.request("POST", path, body, {"Content-Type": content_type})

    def submit(self, slug):
        r = self.post_json("/run", {"kaggle_url": f"https://www.kaggle.com/competitions/{slug}"})
        assert r.status == 201, (r.status, r.body)
        return r.json()["job_id"]

    def wait_for(self, job_id, pred, timeout=120):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            r = self.get(f"/status/{job_id}")
            if r.status == 200:
                last = r.json()
                if pred(last):
                    return last
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} never reached the expected state; last: {last}")

    def wait_done(self, job_id, timeout=120):
        return self.wait_for(job_id, lambda s: s["status"] in TERMINAL, timeout)


def pg_ctl(pgdir, action):
    """Stops or starts the test PostgreSQL of scripts/test-postgres.sh."""
    cmd = ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", f"{pgdir}/data", "-w", "-t", "60",
           "-l", f"{pgdir}/postgres.log"]
    if action == "stop":
        cmd += ["-m", "fast", "stop"]
    else:
        cmd += ["-o", f"-c listen_addresses='' -k {pgdir}/sock -c max_connections=100", "start"]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    subprocess.run(cmd, check=True, capture_output=True)


def psql(sql, url=None):
    """Runs one query on the test database; returns rows as lists of strings."""
    url = url or DATABASE_URL
    out = subprocess.run(["psql", url, "-At", "-F", "\t", "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


class Checks:
    """Counts checks and failures so a test file ends with 'N passed, N failed'."""

    def __init__(self):
        self.passed, self.failed = 0, 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}", flush=True)

    def equal(self, got, want, what):
        self.check(got == want, f"{what}: got {got!r}, want {want!r}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed or not self.passed else 0
