#!/usr/bin/python3
"""Escape attempts from inside the real bubblewrap sandbox, through a real
kagentd: each stage is attack-stage, which tries one thing per job. Every
attempt must be refused: host files are neither read nor written through
symlinks, /etc/shadow is not there, the stage is not root, processes, memory
and tmpfs are bounded, no nested user namespace, no ptrace of pid 1, and no
daemon outlives its stage (normal end, cancel, timeout). Prints the figures
it measured (processes a stage got, MiB it could hold)."""
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from security_lib import (Checks, attack_lines, attack_server, gone_within,  # noqa: E402
                          host_file, kill_leftovers, make_attack_mirror, read, wait_for_line)

PROCESS_LIMIT = 64
STAGE_MEMORY_MIB = 256
TMP_MIB = 64


def main():
    c = Checks()
    host = tempfile.mkdtemp(prefix="kagent-host-")
    os.chmod(host, 0o755)
    secret = host_file(host, "secret.csv", "id,target\nTOPSECRET,1\n")
    crontab = host_file(host, "crontab", "original\n")
    tokens = {k: str(random.randrange(10**6, 10**7)) for k in ("end", "cancel", "timeout")}
    mirror = make_attack_mirror({
        "symlink-read": f"train symlink-read {secret}",
        "symlink-log": f"plan symlink-log {crontab}",
        "identity": "train identity",
        "fork": "train fork 400",
        "tmpfs": "train tmpfs 256",
        "memory": "train memory 4 200",
        "userns": "train userns",
        "ptrace": "train ptrace",
        "daemon-end": f"train daemon {tokens['end']} exit",
        "daemon-cancel": f"train daemon {tokens['cancel']} wait",
        "daemon-timeout": f"train daemon {tokens['timeout']} wait",
    })
    limits = [f"--process-limit={PROCESS_LIMIT}", f"--stage-memory={STAGE_MEMORY_MIB << 20}",
              f"--tmp-size={TMP_MIB << 20}"]
    srv = attack_server(mirror, "bwrap", limits).start()
    try:
        run_one_job_attacks(c, srv, secret, crontab, tokens)
    finally:
        srv.stop()
        for t in tokens.values():
            kill_leftovers(t)
    # A server with a short stage timeout for the daemon-at-timeout attempt.
    srv = attack_server(mirror, "bwrap", limits + ["--stage-timeout=20", "--time-budget=10"])
    srv.start()
    try:
        job = srv.submit("daemon-timeout")
        c.check(wait_for_line(srv, job, "daemon"), "timeout: the daemon was started")
        st = srv.wait_done(job, timeout=120)
        c.equal(st["status"], "timeout", "timeout: the stage ran into its deadline")
        c.check(gone_within(tokens["timeout"], 5), "timeout: no daemon survives the deadline")
    finally:
        srv.stop()
        kill_leftovers(tokens["timeout"])
    return c.finish()


def run_one_job_attacks(c, srv, secret, crontab, tokens):
    jobs = {slug: srv.submit(slug) for slug in (
        "symlink-read", "symlink-log", "identity", "fork", "tmpfs", "memory", "userns", "ptrace",
        "daemon-end")}
    done = {slug: srv.wait_done(job, timeout=300) for slug, job in jobs.items()}

    # 1. A symlinked output is refused, named, and never served.
    st, job = done["symlink-read"], jobs["symlink-read"]
    why = st.get("error_message") or ""
    c.check(st["status"] == "failed" and "submission.csv" in why,
            f"symlink read: the job fails naming submission.csv ({st['status']}: {why})")
    r = srv.get(f"/result/{job}/submission.csv")
    c.check(b"TOPSECRET" not in r.body, f"symlink read: the host file is not served ({r.status})")

    # 2. Logs are not written through a symlink the stage planted.
    c.equal(read(crontab), "original\n", "symlink log: the host file is untouched")
    c.equal(done["symlink-log"]["status"], "success", "symlink log: the job itself goes on")

    # 3. Not root, no shadow.
    ident = attack_lines(srv, jobs["identity"], "identity")
    shadow = attack_lines(srv, jobs["identity"], "shadow")
    etc = attack_lines(srv, jobs["identity"], "etc")
    c.check(ident and ident[0]["uid"] != "0" and ident[0]["euid"] != "0",
            f"identity: the stage does not run as uid 0 ({ident})")
    c.check(shadow and shadow[0]["result"] == "refused", f"identity: /etc/shadow unreadable ({shadow})")
    entries = etc[0]["entries"].split(",") if etc else []
    c.check(etc and "shadow" not in entries and "gshadow" not in entries,
            f"identity: a minimal /etc without shadow ({entries})")

    # 4. Bounds: processes, memory, tmpfs.
    fork = attack_lines(srv, jobs["fork"], "fork")
    count = int(fork[-1]["count"]) if fork else -1
    print(f"figure: a stage forked {count} processes (limit {PROCESS_LIMIT} tasks, "
          f"stopped by {fork[-1]['stopped_by'] if fork else '?'})", flush=True)
    c.check(0 <= count < PROCESS_LIMIT, f"fork: processes per stage are bounded ({count})")
    mem = attack_lines(srv, jobs["memory"], "memory")
    held = max([int(m.get("held_mib", m.get("total_mib", 0))) for m in mem] or [0])
    print(f"figure: a stage held {held} MiB at most (limit {STAGE_MEMORY_MIB} MiB)", flush=True)
    c.check(held <= STAGE_MEMORY_MIB, f"memory: a stage cannot hold more than its limit ({held} MiB)")
    for fill in attack_lines(srv, jobs["tmpfs"], "tmpfs"):
        mib = int(fill["mib"])
        print(f"figure: {fill['where']} took {mib} MiB ({fill['stopped_by']})", flush=True)
        bound = 0 if fill["where"] == "/dev" else TMP_MIB
        c.check(mib <= bound, f"tmpfs: {fill['where']} is bounded to {bound} MiB ({mib} MiB)")
    c.check(len(attack_lines(srv, jobs["tmpfs"], "tmpfs")) == 3, "tmpfs: all three were tried")

    # 5. No nested user namespace, no ptrace of pid 1.
    userns = attack_lines(srv, jobs["userns"], "userns")
    c.check(userns and userns[0]["result"] == "refused", f"userns: refused ({userns})")
    ptrace = attack_lines(srv, jobs["ptrace"], "ptrace")
    c.check(ptrace and ptrace[0]["result"] == "refused", f"ptrace: pid 1 refused ({ptrace})")

    # 6. No daemon outlives its stage: normal end, then cancel.
    c.check(attack_lines(srv, jobs["daemon-end"], "daemon"), "daemon end: the daemon was started")
    c.check(gone_within(tokens["end"], 5), "daemon end: no daemon survives the stage's end")
    job = srv.submit("daemon-cancel")
    c.check(wait_for_line(srv, job, "daemon"), "daemon cancel: the daemon was started")
    c.equal(srv.request("DELETE", f"/jobs/{job}").status, 200, "daemon cancel: cancelled")
    c.check(gone_within(tokens["cancel"], 5), "daemon cancel: no daemon survives the cancel")


if __name__ == "__main__":
    sys.exit(main())
