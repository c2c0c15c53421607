"""Shared by the security tests: a mirror of hostile competitions (each runs
one attack of attack-stage), a kagentd that uses attack-stage as its stage
program, and the checks the tests make on the host afterwards."""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import BUILD, Checks, Server  # noqa: E402,F401

ATTACK_STAGE = os.path.join(HERE, "attack-stage")


def make_attack_mirror(attacks):
    """A mirror folder with one competition per attack: slug -> ATTACK line."""
    root = tempfile.mkdtemp(prefix="kagent-attacks-")
    os.chmod(root, 0o755)
    for slug, line in attacks.items():
        data = os.path.join(root, slug, "public")
        os.makedirs(data)
        with open(os.path.join(data, "ATTACK"), "w") as f:
            f.write(line + "\n")
        with open(os.path.join(data, "train.csv"), "w") as f:
            f.write("id,target\n1,0\n")
        with open(os.path.join(root, slug, "description.md"), "w") as f:
            f.write(f"https://www.kaggle.com/competitions/{slug}\n")
    return root


def supported(flags):
    """The flags this kagentd knows (so the suite also runs against builds
    from before a flag existed, with that build's defaults)."""
    help_text = subprocess.run([os.path.join(BUILD, "kagentd"), "--help"],
                               capture_output=True, text=True).stdout
    out = []
    for flag in flags:
        name = flag.split("=", 1)[0]
        if name + "=" in help_text or name + " " in help_text:
            out.append(flag)
        else:
            print(f"note: this kagentd has no {name}; running with its default", flush=True)
    return out


def attack_server(mirror, mode, extra=(), **kw):
    """kagentd running attack-stage for every stage, in sandbox `mode`."""
    # Inside bwrap the stage program is mounted at /opt/kagent/kagent-stage;
    # in process mode it runs from its host path.
    python = "/opt/kagent/kagent-stage" if mode == "bwrap" else ATTACK_STAGE
    args = [f"--sandbox={mode}", f"--stage-bin={ATTACK_STAGE}", f"--python={python}",
            "--max-running=2", "--max-attempts=1"] + supported(list(extra))
    return Server(competitions=mirror, fake=False, extra=args, **kw)


def attack_lines(srv, job_id, name):
    """Parsed `ATTACK <name> k=v ...` lines of a job's logs, in order."""
    r = srv.get(f"/logs/{job_id}")
    out = []
    if r.status != 200:
        return out
    for line in r.json()["logs"].splitlines():
        i = line.find("ATTACK " + name + " ")
        if i < 0:
            continue
        fields = {}
        for kv in line[i + len("ATTACK " + name + " "):].split():
            k, _, v = kv.partition("=")
            fields[k] = v
        out.append(fields)
    return out


def wait_for_line(srv, job_id, name, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        lines = attack_lines(srv, job_id, name)
        if lines:
            return lines
        time.sleep(0.2)
    return []


def processes_with(token):
    """Pids of live processes whose command line carries `token`."""
    out = subprocess.run(["pgrep", "-f", token], capture_output=True, text=True).stdout
    return [p for p in out.split() if p]


def gone_within(token, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not processes_with(token):
            return True
        time.sleep(0.1)
    return not processes_with(token)


def kill_leftovers(token):
    for pid in processes_with(token):
        try:
            os.kill(int(pid), 9)
        except OSError:
            pass


def read(path):
    with open(path) as f:
        return f.read()


def host_file(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path
