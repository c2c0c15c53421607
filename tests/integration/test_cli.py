#!/usr/bin/python3
"""The `kagent` CLI against the real server: every command, its output and
its exit code (0 ok, 1 job not successful, 2 usage, 3 unreachable, 4 not
found), and --follow over the WebSocket in plain-line mode (not a tty)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD, Checks, Server, free_port, make_mirror  # noqa: E402

URL = "https://www.kaggle.com/competitions/{}"
KAGENT = os.path.join(BUILD, "kagent")
UNKNOWN = "00000000-0000-4000-8000-000000000000"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def cli(server, *args, timeout=180):
    """Runs kagent; returns (exit code, stdout, stderr)."""
    env = dict(os.environ)
    env.pop("KAGENT_URL", None)
    argv = [KAGENT] + ([f"--server={server}"] if server else []) + list(args)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def main():
    c = Checks()
    check_without_server(c)
    mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-mirror-"), {
        "quick": "",
        "slow": "sleep train 30",
        "broken": "fail plan",
    })
    # Its own embedded PostgreSQL: jobs left queued by other tests sharing
    # KAGENT_TEST_DATABASE_URL would be resumed here and hold the slots.
    srv = Server(competitions=mirror, database_url="", extra=["--max-running=3"]).start(timeout=120)
    try:
        check_with_server(c, srv, f"http://127.0.0.1:{srv.port}")
    finally:
        srv.stop()
    return c.finish()


def check_without_server(c):
    # --- usage: exit 2 and a message naming the way to help ------------------
    for args in ([], ["frobnicate"], ["status"], ["submit"], ["jobs", "--limit=0"],
                 ["jobs", "--status=done"], ["result", "x", "-o"], ["status", "x", "--follow"],
                 ["--server=ftp://x", "jobs"]):
        code, out, err = cli(None, *args)
        c.equal(code, 2, f"usage {args} exits 2")
        c.check("--help" in err, f"usage {args} points to --help: {err!r}")
    code, out, _ = cli(None, "--help")
    c.equal(code, 0, "--help exits 0")
    c.check("submit URL" in out and "Exit codes" in out, "--help lists commands and exit codes")
    for cmd in ("submit", "status", "logs", "result", "cancel", "jobs"):
        code, out, _ = cli(None, cmd, "--help")
        c.check(code == 0 and out.startswith("Usage: kagent"), f"{cmd} --help")

    # --- server unreachable: exit 3 ------------------------------------------
    down = f"http://127.0.0.1:{free_port()}"
    for args in (["jobs"], ["status", UNKNOWN], ["submit", URL.format("quick")],
                 ["logs", UNKNOWN, "--follow"]):
        code, _, err = cli(down, *args, timeout=60)
        c.equal(code, 3, f"server down: {args} exits 3")
        c.check("127.0.0.1" in err, f"server down: {args} names the server: {err!r}")
    # KAGENT_URL is used when --server is not given.
    env = dict(os.environ, KAGENT_URL=down)
    p = subprocess.run([KAGENT, "jobs"], capture_output=True, text=True, env=env, timeout=60)
    c.check(p.returncode == 3 and down in p.stderr, "KAGENT_URL picks the server")


def plain_lines(out):
    return [line for line in out.splitlines() if line.startswith("[")]


def check_with_server(c, srv, server):
    # --- submit --follow on a quick job: 0 and plain progress lines -----------
    code, out, err = cli(server, "submit", URL.format("quick"), "--follow")
    c.equal(code, 0, f"submit --follow quick exits 0 (stderr {err!r})")
    lines = out.splitlines()
    quick = lines[0] if lines else ""
    c.check(UUID.match(quick), f"submit prints the job id first: {quick!r}")
    c.check(any(re.match(r"^\[train\] \d+% ", l) for l in lines),
            f"plain progress lines like '[train] 40% ...': {lines}")
    first = {}
    for i, l in enumerate(plain_lines(out)):
        first.setdefault(l[1:l.index("]")], i)
    c.check(all(s in first for s in ("analyze", "plan", "generate", "train"))
            and first["analyze"] < first["plan"] < first["generate"] < first["train"],
            f"stages appear in pipeline order: {first}")
    c.check(lines and lines[-1].startswith("status: success"), f"ends with the status: {lines[-1:]}")
    c.check("\x1b[" not in out, "no escape sequences when stdout is not a terminal")
    # The rest does not depend on --follow having waited.
    c.equal(srv.wait_done(quick)["status"] if quick else None, "success", "the server agrees")

    # --- logs --follow of a finished job replays every event exactly once -----
    code, out, _ = cli(server, "logs", quick, "--follow")
    c.equal(code, 0, "logs --follow of a finished job exits 0")
    # /status may answer from the live job actor while its last events are
    # still on their way into the database (group commit): wait for them.
    deadline = time.time() + 20
    while True:
        logged = srv.get(f"/logs/{quick}").json()["logs"].splitlines()
        if (logged and "] status: " in logged[-1]) or time.time() > deadline:
            break
        time.sleep(0.1)
    c.equal(len(out.splitlines()), len(logged), "logs --follow shows each event once")
    c.equal(len(set(out.splitlines())), len(out.splitlines()), "no line shown twice")
    code, out, _ = cli(server, "logs", quick)
    c.check(code == 0 and "[train]" in out, "logs prints the job's log")

    # --- status ---------------------------------------------------------------
    code, out, _ = cli(server, "status", quick)
    c.equal(code, 0, "status exits 0")
    c.check(re.search(r"^status\s+success$", out, re.M), f"status summary shows success: {out!r}")
    c.check(re.search(r"^competition\s+quick", out, re.M), "status summary names the competition")
    c.check(re.search(r"^model\s+.*0\.75", out, re.M), f"status shows the CV score: {out!r}")
    code, out, _ = cli(server, "status", quick, "--json")
    c.check(code == 0 and json.loads(out)["job_id"] == quick, "status --json is the server's JSON")

    # --- result -----------------------------------------------------------------
    d = tempfile.mkdtemp(prefix="kagent-cli-")
    target = os.path.join(d, "sub.csv")
    code, out, _ = cli(server, "result", quick, "-o", target)
    c.equal(code, 0, "result -o exits 0")
    c.equal(open(target).read() if os.path.exists(target) else None, "id,target\n1,0\n2,1\n",
            "result writes submission.csv")
    code, out, _ = cli(server, "result", quick, "-o", "-")
    c.equal((code, out), (0, "id,target\n1,0\n2,1\n"), "result -o - writes to stdout")
    code, out, _ = cli(server, "result", quick, "--code", "-o", "-")
    c.check(code == 0 and "fake solution" in out, "result --code gives solution.py")
    p = subprocess.run([KAGENT, f"--server={server}", "result", quick], cwd=d,
                       capture_output=True, text=True, timeout=60)
    c.check(p.returncode == 0 and os.path.exists(os.path.join(d, "submission.csv")),
            "result defaults to ./submission.csv")

    # --- a failing job: 1 ------------------------------------------------------
    code, out, err = cli(server, "submit", URL.format("broken"), "--follow")
    c.equal(code, 1, "submit --follow on a failing job exits 1")
    broken = out.splitlines()[0] if out else ""
    if broken:
        srv.wait_done(broken)
    c.check(out.splitlines() and out.splitlines()[-1].startswith("status: failed"),
            f"failing job ends with 'status: failed': {out[-200:]!r}")
    code, _, err = cli(server, "result", broken)
    c.equal(code, 1, "result of a failed job exits 1")
    c.check("not complete" in err, f"result explains: {err!r}")
    code, out, _ = cli(server, "status", broken)
    c.check(code == 0 and re.search(r"^error\s+\S", out, re.M), "status shows the error")
    code, _, _ = cli(server, "cancel", broken)
    c.equal(code, 1, "cancel of a finished job exits 1")

    # --- cancel a running job while another kagent follows it -------------------
    follower = subprocess.Popen([KAGENT, f"--server={server}", "submit", URL.format("slow"),
                                 "--follow"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    slow = follower.stdout.readline().strip()
    c.check(UUID.match(slow), f"slow job id: {slow!r}")
    srv.wait_for(slow, lambda s: s.get("metadata", {}).get("stage") == "train", timeout=120)
    code, out, _ = cli(server, "cancel", slow)
    c.equal((code, out.strip()), (0, "cancelled"), "cancel prints the resulting status")
    try:
        rest, _ = follower.communicate(timeout=30)
        c.equal(follower.returncode, 1, "the follower of a cancelled job exits 1")
        c.check("status: cancelled" in rest, f"the follower shows the cancel: {rest[-200:]!r}")
    except subprocess.TimeoutExpired:
        follower.kill()
        follower.communicate()
        c.check(False, "the follower ends after the cancel")
    code, out, _ = cli(server, "cancel", slow)
    c.equal((code, out.strip()), (0, "cancelled"), "cancelling twice is fine")

    # --- jobs ---------------------------------------------------------------------
    code, out, _ = cli(server, "jobs")
    c.equal(code, 0, "jobs exits 0")
    c.check(out.startswith("ID") and all(j in out for j in (quick, broken, slow)),
            f"jobs lists every job: {out!r}")
    code, out, _ = cli(server, "jobs", "--status=failed")
    c.check(code == 0 and broken in out and quick not in out, "jobs --status filters")
    code, out, _ = cli(server, "jobs", "--limit=1")
    c.equal(len([l for l in out.splitlines() if UUID.match(l.split()[0])]), 1, "jobs --limit")

    # --- unknown job: 4 -------------------------------------------------------------
    for args in (["status", UNKNOWN], ["status", "not-a-uuid"], ["logs", UNKNOWN],
                 ["logs", UNKNOWN, "--follow"], ["result", UNKNOWN], ["cancel", UNKNOWN]):
        code, _, err = cli(server, *args)
        c.equal(code, 4, f"{args} on an unknown job exits 4 ({err.strip()!r})")

    # --- the server rejects the input: 2 ----------------------------------------------
    code, _, err = cli(server, "submit", "https://example.com/not-kaggle")
    c.equal(code, 2, "submit of a non-Kaggle URL exits 2")
    c.check(err.startswith("kagent submit: ") and len(err) > 20, f"with the server's detail: {err!r}")


if __name__ == "__main__":
    sys.exit(main())
