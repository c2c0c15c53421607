#!/usr/bin/env python3
"""Chaos round for cluster mode: a head and WORKERS workers on localhost run
JOBS no-op jobs (train sleeps SLEEP s) while a random worker is killed with
kill -9 (or frozen with SIGSTOP) every KILL_EVERY s and restarted, and the
head itself is killed with kill -9 and restarted once halfway. At the end
every job must have succeeded: prints RESULT lines with what was killed and
how many jobs were lost (must be 0). Uses the test PostgreSQL of
scripts/test-postgres.sh when KAGENT_TEST_DATABASE_URL is set, else the
embedded one.   JOBS (30) WORKERS (3) KILL_EVERY (3) SLEEP (2) SEED (1)"""
import os
import random
import signal
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "../tests/integration"))
from harness import make_mirror  # noqa: E402
from cluster_lib import Worker, head, nodes, wait_until  # noqa: E402

JOBS = int(os.environ.get("JOBS", 30))
WORKERS = int(os.environ.get("WORKERS", 3))
KILL_EVERY = float(os.environ.get("KILL_EVERY", 3))
SLEEP = int(os.environ.get("SLEEP", 2))
rng = random.Random(int(os.environ.get("SEED", 1)))

mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-chaos-"), {"chaos": f"sleep train {SLEEP}\n"})
os.chmod(mirror, 0o755)
h = head(mirror, extra=["--max-attempts=8"])
h.start()
ws = {f"c{i}": Worker(f"c{i}", h.cluster_port, slots=1).start() for i in range(1, WORKERS + 1)}
killed = {"kill9": 0, "sigstop": 0, "head": 0}
t0 = time.time()
jobs = [h.submit("chaos") for _ in range(JOBS)]
head_killed = False
try:
    while True:
        statuses = [h.get(f"/status/{j}").json()["status"] for j in jobs]
        if all(s in ("success", "failed", "timeout", "cancelled") for s in statuses):
            break
        if time.time() - t0 > 900:
            print("RESULT chaos timeout: jobs still running after 900 s", flush=True)
            break
        time.sleep(KILL_EVERY)
        name = rng.choice(sorted(ws))
        w = ws[name]
        if rng.random() < 0.3:
            w.signal(signal.SIGSTOP)
            killed["sigstop"] += 1
            time.sleep(2.5)
            w.kill9()
        else:
            w.kill9()
            killed["kill9"] += 1
        ws[name] = Worker(name, h.cluster_port, slots=1).start()
        done = sum(s == "success" for s in statuses)
        if not head_killed and done >= JOBS // 2:
            head_killed = True
            h.kill9()
            killed["head"] += 1
            h.start()
    statuses = {}
    for j in jobs:
        st = h.wait_done(j, 600)
        statuses[st["status"]] = statuses.get(st["status"], 0) + 1
    wall = time.time() - t0
    lost = JOBS - statuses.get("success", 0)
    print(f"RESULT chaos jobs={JOBS} workers={WORKERS} kill9={killed['kill9']} "
          f"sigstop_then_kill9={killed['sigstop']} head_kill9={killed['head']} "
          f"statuses={statuses} lost={lost} wall_s={wall:.1f}", flush=True)
    view = h.get("/cluster").json()
    print(f"RESULT chaos nodes_lost={view['nodes_lost']} "
          f"stages_lost={sum(n['stages_lost'] for n in view['nodes'])}", flush=True)
finally:
    for w in ws.values():
        w.stop()
    h.stop()
sys.exit(0 if statuses.get("success", 0) == JOBS else 1)
