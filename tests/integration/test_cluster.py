#!/usr/bin/env python3
"""Cluster mode with real processes on localhost: a head (no local slots)
and workers. Jobs spread over the workers and a late joiner gets work; a
worker killed (kill -9) or frozen (SIGSTOP) during train is noticed, its
attempt reruns on the other node and the job succeeds; a cancel kills the
remote stage; a head killed with kill -9 takes its stages with it on the
workers, and once restarted the workers rejoin and the job resumes; the
cluster port needs certificates from the cluster CA when TLS is on."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD, SOURCE, Checks, make_mirror  # noqa: E402
from cluster_lib import Worker, head, nodes, processes_with, wait_until  # noqa: E402

c = Checks()
mirror = make_mirror(tempfile.mkdtemp(prefix="kagent-cl-mirror-"), {
    "quick": "sleep train 1\n",
    "slow": "sleep train 8\n",
    "long": "sleep train 60\n",
})
os.chmod(mirror, 0o755)
workers = []


def train_node(server, job_id, timeout=60):
    """The node running the job's train stage (by its busy slot), once it runs."""
    def find():
        st = server.get(f"/status/{job_id}").json()
        if st["metadata"].get("stage") != "train" or st["status"] != "running":
            return None
        busy = [n for n, v in nodes(server).items() if v["busy"] > 0 and v["state"] == "up"]
        return busy[0] if len(busy) == 1 else None
    return wait_until(find, timeout, 0.1)


def events(server, job_id):
    return server.get(f"/logs/{job_id}").json()["logs"]


def capacity(server):
    return server.get("/health").json()["capacity"]["max_running"]


h = head(mirror).start()
try:
    # -- spread, late join ----------------------------------------------------
    w1 = Worker("w1", h.cluster_port, slots=2).start()
    workers.append(w1)
    c.equal(capacity(h), 2, "capacity is the joined worker's slots")
    c.equal(nodes(h)["w1"]["address"], f"127.0.0.1:{w1.port}",
            "a node's address is where its /health answers")
    jobs = [h.submit("quick") for _ in range(8)]
    time.sleep(1.0)
    w2 = Worker("w2", h.cluster_port, slots=2).start()
    workers.append(w2)
    c.check(wait_until(lambda: capacity(h) == 4, 10), "capacity grows when w2 joins")
    metrics = h.get("/metrics").body.decode()
    c.check('kagent_node_up{node="w2"} 1' in metrics and 'kagent_node_slots{node="w1"} 2' in metrics
            and "kagent_cluster_slots 4" in metrics, "/metrics has per-node gauges")
    done = [h.wait_done(j, 180) for j in jobs]
    c.equal([d["status"] for d in done], ["success"] * 8, "8 jobs over two workers succeed")
    ran = nodes(h)
    c.check(ran["w1"]["stages_run"] > 0 and ran["w2"]["stages_run"] > 0,
            f"both workers ran stages, w2 after joining late: {ran}")
    used = {n for d in done for n in d["metadata"]["nodes"].values()}
    c.check(used <= {"w1", "w2"} and len(used) == 2, f"metadata names the nodes: {used}")
    c.check(len(done[0]["metadata"]["nodes"]) == 4, "every stage names its node")
    log = events(h, jobs[0])
    c.check(all(f"plain log line from {s}" in log for s in ("analyze", "plan", "generate", "train")),
            "the remote stages' lines reach the job's events")
    c.check(log.index("plain log line from analyze") < log.index("plain log line from train"),
            "in order")

    # -- kill -9 of the worker running train -------------------------------------
    job = h.submit("slow")
    victim = train_node(h, job)
    c.check(victim in ("w1", "w2"), f"train runs on a worker: {victim}")
    other = "w2" if victim == "w1" else "w1"
    vw = w1 if victim == "w1" else w2
    t0 = time.time()
    vw.kill9()
    lost = wait_until(lambda: nodes(h)[victim]["state"] == "lost", 15, 0.02)
    noticed = time.time() - t0
    print(f"kill -9 of {victim} noticed after {noticed * 1000:.0f} ms", flush=True)
    c.check(lost, "the head marks a killed worker lost")
    c.check(noticed < 10, f"noticed within seconds ({noticed:.1f} s)")
    c.check(wait_until(lambda: capacity(h) == 2, 5), "its slots leave the capacity")
    st = h.wait_done(job, 120)
    c.equal(st["status"], "success", "the job whose worker was killed succeeds")
    c.equal(st["metadata"]["nodes"].get("train"), other, "its train stage reran on the other node")
    log = events(h, job)
    c.check("lost during the stage" in log and "retrying" in log,
            "the job's events say the node was lost and the stage retried")
    c.equal(nodes(h)[victim]["stages_lost"], 1, "the lost attempt is counted on its node")
    c.check(f'kagent_node_up{{node="{victim}"}} 0' in h.get("/metrics").body.decode(),
            "its gauge says it is down")
    # It comes back under the same name.
    revived = Worker(victim, h.cluster_port, slots=2).start()
    workers.append(revived)
    c.check(wait_until(lambda: nodes(h)[victim]["state"] == "up" and capacity(h) == 4, 10),
            "a restarted worker rejoins under its name")
    w_by_name = {"w1": w1, "w2": w2, victim: revived}

    # -- SIGSTOP: a frozen worker counts as lost -----------------------------------
    job = h.submit("slow")
    frozen = train_node(h, job)
    fw = w_by_name[frozen]
    t0 = time.time()
    fw.signal(signal.SIGSTOP)
    lost = wait_until(lambda: nodes(h)[frozen]["state"] == "lost", 20, 0.02)
    print(f"SIGSTOP of {frozen} noticed after {(time.time() - t0) * 1000:.0f} ms", flush=True)
    c.check(lost, "the head marks a frozen worker lost (heartbeat timeout)")
    st = h.wait_done(job, 120)
    c.equal(st["status"], "success", "the job of a frozen worker succeeds elsewhere")
    c.check(st["metadata"]["nodes"].get("train") not in (None, frozen),
            "its train stage reran on another node")
    fw.signal(signal.SIGCONT)
    c.check(wait_until(lambda: nodes(h)[frozen]["state"] == "up", 30),
            "a thawed worker reconnects and rejoins")

    # -- cancel across nodes ---------------------------------------------------
    job = h.submit("long")
    runner = train_node(h, job)
    c.check(runner is not None, "the long job's train runs on a worker")
    c.check(wait_until(lambda: processes_with(job), 5), "its stage process exists")
    r = h.request("DELETE", f"/jobs/{job}")
    c.equal(r.status, 200, "DELETE of a job running remotely")
    t0 = time.time()
    gone = wait_until(lambda: not processes_with(job), 5, 0.02)
    print(f"remote stage gone {(time.time() - t0) * 1000:.0f} ms after the cancel", flush=True)
    c.check(gone, "no process of the cancelled job is left on its worker")
    c.equal(h.wait_done(job, 30)["status"], "cancelled", "the job is cancelled")

    # -- kill -9 of the head -----------------------------------------------------
    job = h.submit("slow")
    c.check(train_node(h, job) is not None, "train runs on a worker before the head dies")
    c.check(wait_until(lambda: processes_with(job), 5), "its stage process exists")
    h.kill9()
    c.check(wait_until(lambda: not processes_with(job), 15, 0.05),
            "workers kill the stages of a head that is gone")
    c.check(all(w.proc.poll() is None for w in (w_by_name["w1"], w_by_name["w2"])),
            "workers keep running without a head")
    h.start()
    c.check(wait_until(lambda: all(w_by_name[n].health().get("status") == "healthy"
                                   for n in ("w1", "w2")), 30), "workers rejoin the restarted head")
    st = h.wait_done(job, 180)
    c.equal(st["status"], "success", "the job resumes on the restarted head and succeeds")
    c.check("resuming" in events(h, job), "it resumed from its checkpoints")
    c.check(not processes_with(job), "no orphan stage process of that job")
finally:
    for w in workers:
        w.stop()
    h.stop()

# -- TLS ------------------------------------------------------------------------
certs = tempfile.mkdtemp(prefix="kagent-cl-certs-")
foreign = tempfile.mkdtemp(prefix="kagent-cl-foreign-")
subprocess.run(["bash", os.path.join(SOURCE, "scripts/cluster-certs.sh"), certs, "head", "wok"],
               check=True, capture_output=True)
subprocess.run(["bash", os.path.join(SOURCE, "scripts/cluster-certs.sh"), foreign, "wbad"],
               check=True, capture_output=True)


def tls(d, name):
    return [f"--cluster-cert={d}/{name}.pem", f"--cluster-key={d}/{name}.key",
            f"--cluster-ca={d}/ca.pem"]


refused = subprocess.run([os.path.join(BUILD, "kagentd"), "--role=head", "--cluster-host=0.0.0.0",
                          "--data-dir=" + tempfile.mkdtemp()], capture_output=True, text=True)
c.equal(refused.returncode, 2, "a non-loopback cluster port without TLS is refused")
c.check("without TLS" in refused.stderr, f"and says why: {refused.stderr.strip()}")

# The real stages on a real example competition: its files travel to the
# worker in chunks, the submission comes back.
examples = os.path.join(SOURCE, "examples/competitions")
h = head(examples, extra=tls(certs, "head")).start()
others = []
try:
    ok = Worker("wok", h.cluster_port, extra=tls(certs, "wok"), fake=False).start()
    others.append(ok)
    c.check(wait_until(lambda: nodes(h).get("wok", {}).get("state") == "up", 10),
            "a worker with a certificate of the cluster CA joins")
    joined_at = nodes(h)["wok"]["joined_at"]
    plain = Worker("wplain", h.cluster_port).start(wait_joined=False)
    bad = Worker("wbad", h.cluster_port, extra=tls(foreign, "wbad")).start(wait_joined=False)
    others += [plain, bad]
    time.sleep(4)
    names = set(nodes(h))
    c.check("wplain" not in names, "a worker without a certificate cannot join")
    c.check("wbad" not in names, "a worker with a certificate of another CA cannot join")
    c.equal(plain.health().get("status"), "joining", "the refused worker keeps trying")
    job = h.submit("iris-species")
    st = h.wait_done(job, 300)
    c.equal((st["status"], st["metadata"].get("node")), ("success", "wok"),
            "a real job runs on the worker over the TLS cluster port")
    sub = h.get(f"/result/{job}/submission.csv")
    rows = sub.body.decode().splitlines()
    c.check(sub.status == 200 and rows[0] == "id,species" and len(rows) > 10,
            f"its submission came back: {rows[:2]}")
    # CAF's own TLS left OpenSSL's error queue undrained: every refused
    # handshake dropped the joined workers (and failed their stages).
    c.equal(nodes(h)["wok"]["joined_at"], joined_at,
            "refused handshakes leave the joined worker's connection alone")
    c.check("file cached" in ok.tail(200) and ok.health()["cached_bytes"] > 0,
            "the competition's files were sent to the worker and cached there")
finally:
    for w in others:
        w.stop()
    h.stop()

sys.exit(c.finish())
