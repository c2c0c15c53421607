#!/usr/bin/python3
"""The same escape attempts in --sandbox=process (no namespaces: rlimits, an
unprivileged uid and a cgroup). kagentd runs as root here, as in CI, so the
stage must still not be root, must not read /etc/shadow, must stay within
its process and memory bounds, must not create user namespaces, and no
setsid + double-fork daemon may survive the stage's end, a cancel or a
timeout. Host files are never read or written through the stage's symlinks."""
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from security_lib import (Checks, attack_lines, attack_server, gone_within,  # noqa: E402
                          host_file, kill_leftovers, make_attack_mirror, read, wait_for_line)

PROCESS_LIMIT = 64
STAGE_MEMORY_MIB = 256


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
        "memory": "train memory 4 200",
        "userns": "train userns",
        "daemon-end": f"train daemon {tokens['end']} exit",
        "daemon-cancel": f"train daemon {tokens['cancel']} wait",
        "daemon-timeout": f"train daemon {tokens['timeout']} wait",
    })
    limits = [f"--process-limit={PROCESS_LIMIT}", f"--stage-memory={STAGE_MEMORY_MIB << 20}",
              "--stage-timeout=20", "--time-budget=10"]
    srv = attack_server(mirror, "process", limits).start()
    try:
        jobs = {slug: srv.submit(slug) for slug in (
            "symlink-read", "symlink-log", "identity", "fork", "memory", "userns", "daemon-end")}
        done = {slug: srv.wait_done(job, timeout=300) for slug, job in jobs.items()}

        st = done["symlink-read"]
        why = st.get("error_message") or ""
        c.check(st["status"] == "failed" and "submission.csv" in why,
                f"symlink read: the job fails naming submission.csv ({st['status']}: {why})")
        r = srv.get(f"/result/{jobs['symlink-read']}/submission.csv")
        c.check(b"TOPSECRET" not in r.body, f"symlink read: the host file is not served ({r.status})")
        c.equal(read(crontab), "original\n", "symlink log: the host file is untouched")

        ident = attack_lines(srv, jobs["identity"], "identity")
        shadow = attack_lines(srv, jobs["identity"], "shadow")
        c.check(ident and ident[0]["uid"] != "0" and ident[0]["euid"] != "0",
                f"identity: the stage does not run as uid 0 ({ident})")
        c.check(shadow and shadow[0]["result"] == "refused",
                f"identity: /etc/shadow unreadable ({shadow})")

        fork = attack_lines(srv, jobs["fork"], "fork")
        count = int(fork[-1]["count"]) if fork else -1
        print(f"figure: a process-mode stage forked {count} processes (limit {PROCESS_LIMIT})",
              flush=True)
        c.check(0 <= count < PROCESS_LIMIT, f"fork: processes per stage are bounded ({count})")
        mem = attack_lines(srv, jobs["memory"], "memory")
        held = max([int(m.get("held_mib", m.get("total_mib", 0))) for m in mem] or [0])
        print(f"figure: a process-mode stage held {held} MiB at most "
              f"(limit {STAGE_MEMORY_MIB} MiB)", flush=True)
        c.check(held <= STAGE_MEMORY_MIB, f"memory: bounded to the stage's limit ({held} MiB)")
        userns = attack_lines(srv, jobs["userns"], "userns")
        c.check(userns and userns[0]["result"] == "refused", f"userns: refused ({userns})")

        c.check(attack_lines(srv, jobs["daemon-end"], "daemon"), "daemon end: started")
        c.check(gone_within(tokens["end"], 5), "daemon end: no daemon survives the stage's end")

        job = srv.submit("daemon-cancel")
        c.check(wait_for_line(srv, job, "daemon"), "daemon cancel: started")
        c.equal(srv.request("DELETE", f"/jobs/{job}").status, 200, "daemon cancel: cancelled")
        c.check(gone_within(tokens["cancel"], 5), "daemon cancel: no daemon survives the cancel")

        job = srv.submit("daemon-timeout")
        c.check(wait_for_line(srv, job, "daemon"), "daemon timeout: started")
        c.equal(srv.wait_done(job, timeout=120)["status"], "timeout", "daemon timeout: timed out")
        c.check(gone_within(tokens["timeout"], 5), "daemon timeout: no daemon survives")
    finally:
        srv.stop()
        for t in tokens.values():
            kill_leftovers(t)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
