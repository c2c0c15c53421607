"""Helpers of the LLM integration tests: the stand-in LLM server as a child
process, scripted replies, and a real kagentd configured to use it."""
import json
import os
import subprocess
import tempfile
import time
import urllib.request

from harness import SOURCE, Server

STANDIN = os.path.join(SOURCE, "tests/standins/llm_standin.py")
REPLIES = os.path.join(SOURCE, "tests/standins/replies")
EXAMPLES = os.path.join(SOURCE, "examples/competitions")
MODEL = "standin-1"


def reply_file(name):
    return {"file": os.path.join(REPLIES, name)}


class Standin:
    """tests/standins/llm_standin.py on a free port."""

    def __init__(self, key):
        self.key = key
        self.dir = tempfile.mkdtemp(prefix="kagent-standin-")
        port_file = os.path.join(self.dir, "port")
        self.log = open(os.path.join(self.dir, "standin.log"), "ab")
        self.proc = subprocess.Popen(["/usr/bin/python3", STANDIN, f"--key={key}",
                                      f"--port-file={port_file}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        self.port = int(open(port_file).read())
        self.url = f"http://127.0.0.1:{self.port}"

    def _post(self, path, obj):
        req = urllib.request.Request(self.url + path, data=json.dumps(obj).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def script(self, script):
        """Replaces the scripted replies and forgets earlier requests."""
        return self._post("/_standin/script", script)

    def requests(self):
        return self._post("/_standin/requests", {})["requests"]

    def counts(self):
        return self._post("/_standin/requests", {})["counts"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def probe_program(data_dir, standin, then="good_solution.py"):
    """A program that prints what the train sandbox sees of secrets and
    networks (env_probe.py), then runs `then`; returned as a reply."""
    probe = open(os.path.join(REPLIES, "env_probe.py")).read()
    probe = probe.replace("__HOST_SOCKET__", os.path.join(data_dir, "run", "llm.sock"))
    probe = probe.replace("__STANDIN_PORT__", str(standin.port))
    body = probe + "\n" + open(os.path.join(REPLIES, then)).read()
    path = os.path.join(standin.dir, "probe_" + then)
    with open(path, "w") as f:
        f.write(body)
    return {"file": path}


def llm_server(standin, dialect="anthropic", key_env=None, extra=(), **kw):
    """A kagentd with real stages on the example competitions and the LLM on."""
    url = standin.url + ("/v1" if dialect == "openai" else "")
    os.environ[key_env or ("ANTHROPIC_API_KEY" if dialect == "anthropic" else "OPENAI_API_KEY")] = \
        standin.key
    args = [f"--llm={dialect}", f"--llm-url={url}", f"--llm-model={MODEL}", "--time-budget=10",
            "--max-running=1"] + list(extra)
    return Server(competitions=EXAMPLES, fake=False, extra=args, **kw)


def forget_keys():
    for k in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
        os.environ.pop(k, None)


def files_holding(root, needle):
    """Every file below `root` whose bytes contain `needle`."""
    hits = []
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            try:
                if os.path.isfile(p) and not os.path.islink(p) and needle.encode() in open(p, "rb").read():
                    hits.append(p)
            except OSError:
                pass
    return hits
