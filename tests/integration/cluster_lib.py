"""Cluster processes for tests: a head (harness.Server with --role=head) and
workers (kagentd --role=worker), all on loopback. Standard library only."""
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

from harness import BUILD, FAKE_STAGE, Server, free_port


def head(competitions, local_slots=0, cluster_port=None, extra=(), data_dir=None):
    port = cluster_port or free_port()
    s = Server(data_dir=data_dir, competitions=competitions,
               extra=["--role=head", f"--cluster-port={port}", f"--local-slots={local_slots}",
                      "--log-level=info", *extra])
    s.cluster_port = port
    return s


class Worker:
    """One kagentd --role=worker joined to 127.0.0.1:<cluster_port>."""

    def __init__(self, name, cluster_port, slots=1, extra=(), fake=True):
        self.name, self.port = name, free_port()
        self.data_dir = tempfile.mkdtemp(prefix=f"kagent-{name}-")
        os.chmod(self.data_dir, 0o755)
        self.args = [os.path.join(BUILD, "kagentd"), "--role=worker",
                     f"--join=127.0.0.1:{cluster_port}", f"--slots={slots}",
                     f"--node-name={name}", f"--port={self.port}",
                     f"--data-dir={self.data_dir}", "--log-level=info"]
        if fake:
            self.args += [f"--stage-bin={FAKE_STAGE}", "--python=/opt/kagent/kagent-stage"]
        self.args += list(extra)
        self.log_path = os.path.join(self.data_dir, "kagentd.log")
        self.proc = None

    def start(self, wait_joined=True, timeout=30):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited {self.proc.returncode}:\n"
                                   + self.tail())
            h = self.health()
            if h is not None and (not wait_joined or h.get("status") == "healthy"):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"worker {self.name} did not join in time:\n" + self.tail())

    def health(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return json.loads(e.read())
        except OSError:
            return None

    def tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def signal(self, sig):
        self.proc.send_signal(sig)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def nodes(server):
    r = server.get("/cluster")
    assert r.status == 200, (r.status, r.body)
    return {n["name"]: n for n in r.json()["nodes"]}


def wait_until(pred, timeout, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return None


def processes_with(token):
    """Pids of stage processes of a job: its id names the stage's cgroup
    (and is in its paths in process mode without root)."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cgroup", "rb") as f:
                cg = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if token.encode() in cg or token.encode() in cmd:
            pids.append(pid)
    return pids
