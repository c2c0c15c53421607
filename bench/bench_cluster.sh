#!/usr/bin/env bash
# Cluster mode on this machine: a head (--local-slots=0) and workers as
# processes on loopback, the no-op stage (tests/fixtures/fake-stage) unless
# said otherwise. Prints RESULT lines:
#   overhead   per-step time of no-op jobs, standalone vs head + 1 remote worker
#   dispatch   steps/s (stage placements) with 1, 2, 4 workers (1 slot each), JOBS submitted at once
#   lost       ms until GET /cluster shows a worker lost: kill -9, and SIGSTOP
#   bytes      TCP payload bytes on the cluster port per job (no-op and the real
#              iris-species example), first run (worker cache cold) and second
#   JOBS (40), WORKERS ("1 2 4"), LOST_REPEAT (3), REAL (1: run the iris job)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
JOBS=${JOBS:-40}
WORKERS=${WORKERS:-1 2 4}
LOST_REPEAT=${LOST_REPEAT:-3}
REAL=${REAL:-1}
bin="$root/build/kagentd"
fake=(--stage-bin="$root/tests/fixtures/fake-stage" --python=/opt/kagent/kagent-stage)
tmp=$(mktemp -d /tmp/kagent-bench-cluster.XXXXXX); chmod 755 "$tmp"
pids=()
cleanup() {
  local rc=$?
  # A stopped worker ignores SIGTERM until continued.
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    # The nodes' logs say why; the databases and caches go.
    mkdir -p "$tmp.logs"; cp "$tmp"/*.log "$tmp.logs/" 2>/dev/null || true
    echo "bench_cluster: failed (exit $rc); logs in $tmp.logs" >&2
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The mirror: noop, sleepy (train sleeps 30 s) and a copy of the iris example.
for slug in noop sleepy; do
  mkdir -p "$tmp/mirror/$slug/public"
  echo "https://www.kaggle.com/competitions/$slug" > "$tmp/mirror/$slug/description.md"
done
# A remote worker's copy of a competition whose public/ is empty has no data
# directory and its stages fail to mount it, so noop gets a file too.
echo "# no-op" > "$tmp/mirror/noop/public/BEHAVIOR"
echo "sleep train 30" > "$tmp/mirror/sleepy/public/BEHAVIOR"
cp -r "$root/examples/competitions/iris-species" "$tmp/mirror/"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_health() {  # port [timeout_s]
  for _ in $(seq 1 $((${2:-60} * 10))); do
    curl -fs "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 0.1
  done
  echo "bench_cluster: nothing answers /health on port $1" >&2; return 1
}
# Python for everything that parses JSON or times things.
py() { /usr/bin/python3 "$tmp/bench.py" "$@"; }
cat > "$tmp/bench.py" <<'EOF'
import json, statistics, sys, time, urllib.request
from datetime import datetime

def call(port, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")

def ts(s):
    return datetime.fromisoformat(s).timestamp()

def submit(port, slug):
    return call(port, "POST", "/run", {"kaggle_url": f"https://www.kaggle.com/competitions/{slug}"})["job_id"]

def wait_done(port, ids, timeout):
    left, done = set(ids), {}
    deadline = time.time() + timeout
    while left and time.time() < deadline:
        for i in list(left):
            st = call(port, "GET", f"/status/{i}")
            if st["status"] in ("success", "failed", "timeout", "cancelled"):
                done[i] = st; left.discard(i)
        if left: time.sleep(0.05)
    if left: sys.exit(f"bench_cluster: {len(left)} jobs not done after {timeout} s")
    bad = [s for s in done.values() if s["status"] != "success"]
    if bad: sys.exit(f"bench_cluster: {len(bad)} jobs did not succeed: {bad[0].get('error_message')}")
    return done

def stages_run(port):
    return sum(n["stages_run"] for n in call(port, "GET", "/cluster")["nodes"])

def batch(port, slug, n, timeout):
    """Submits n jobs at once; prints wall_s, steps per job (placements, from
    GET /cluster's stages_run: 4 stages, train is 2 steps, solution.py then
    validate), the median per-step ms of a job, and the nodes used."""
    before = stages_run(port)
    t0 = time.time()
    ids = [submit(port, slug) for _ in range(n)]
    done = wait_done(port, ids, timeout)
    wall = time.time() - t0
    steps = (stages_run(port) - before) / n
    per = [1000 * (ts(s["completed_at"]) - ts(s["started_at"])) / steps for s in done.values()]
    nodes = sorted({n for s in done.values() for n in s["metadata"].get("nodes", {}).values()})
    print(f"{wall:.3f} {steps:g} {statistics.median(per):.1f} {','.join(nodes)}")

def one(port, slug, timeout):
    """One job, to the end; prints its wall time in s."""
    t0 = time.time()
    wait_done(port, [submit(port, slug)], timeout)
    print(f"{time.time() - t0:.3f}")

def wait_train(port, job, timeout):
    """Waits until the job runs its train stage; prints the node running it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        st = call(port, "GET", f"/status/{job}")
        m = st.get("metadata") or {}
        if st["status"] == "running" and m.get("stage") == "train" and m.get("node"):
            busy = {n["name"]: n["busy"] for n in call(port, "GET", "/cluster")["nodes"]}
            if busy.get(m["node"], 0) > 0:
                print(m["node"]); return
        time.sleep(0.05)
    sys.exit(f"bench_cluster: job {job} never reached train")

def wait_lost(port, node, timeout):
    """Polls GET /cluster every 20 ms from now until node is lost; prints ms."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        for n in call(port, "GET", "/cluster")["nodes"]:
            if n["name"] == node and n["state"] == "lost":
                print(f"{1000 * (time.time() - t0):.0f}"); return
        time.sleep(0.02)
    print("never")

def wait_nodes(port, names, timeout):
    deadline = time.time() + timeout
    want = set(names.split(","))
    while time.time() < deadline:
        up = {n["name"] for n in call(port, "GET", "/cluster")["nodes"] if n["state"] == "up"}
        if want <= up: return
        time.sleep(0.1)
    sys.exit(f"bench_cluster: nodes {want} not all up")

def cancel(port, job):
    try: call(port, "DELETE", f"/jobs/{job}")
    except Exception: pass

def field(port, job, key):
    st = call(port, "GET", f"/status/{job}")
    print(json.dumps(st.get(key) if key in st else st.get("metadata", {}).get(key)))

def median(*xs):
    print(f"{statistics.median(float(x) for x in xs):.1f}")

out = globals()[sys.argv[1]](*[int(a) if a.isdigit() else a for a in sys.argv[2:]])
if out is not None: print(out)
EOF

# --- start nodes -------------------------------------------------------------
declare -A worker_pid
start_standalone() {
  sport=$(free_port)
  "$bin" --port="$sport" --data-dir="$tmp/standalone" --competitions="$tmp/mirror" "${fake[@]}" \
    --max-running=1 --max-queued=100000 --log-level=warn > "$tmp/standalone.log" 2>&1 &
  spid=$!; pids+=($spid)
  wait_health "$sport" 120
}
start_head() {
  hport=$(free_port); cport=$(free_port)
  "$bin" --role=head --port="$hport" --cluster-port="$cport" --local-slots=0 \
    --data-dir="$tmp/head" --competitions="$tmp/mirror" "${fake[@]}" \
    --max-queued=100000 --log-level=info > "$tmp/head.log" 2>&1 &
  hpid=$!; pids+=($hpid)
  wait_health "$hport" 120
}
start_worker() {  # name [kagentd flags...]; fake stages unless flags are given
  local name=$1; shift
  local extra=("$@"); [ $# -gt 0 ] || extra=("${fake[@]}")
  "$bin" --role=worker --join="127.0.0.1:$cport" --slots=1 --node-name="$name" \
    --port="$(free_port)" --data-dir="$tmp/$name" --log-level=info "${extra[@]}" \
    > "$tmp/$name.log" 2>&1 &
  worker_pid[$name]=$!; pids+=($!)
  py wait_nodes "$hport" "$name" 60
}
stop_worker() {  # name: SIGTERM, as an operator would
  local p=${worker_pid[$1]}
  kill -CONT "$p" 2>/dev/null || true; kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  unset "worker_pid[$1]"
}

# --- 1. overhead of a remote stage -------------------------------------------
start_standalone
py one "$sport" noop 60 >/dev/null  # warm-up (page cache, bwrap)
read -r s_wall s_stages s_med _ < <(py batch "$sport" noop "$JOBS" 600)
kill -TERM "$spid"; wait "$spid" 2>/dev/null || true

start_head
start_worker w1
py one "$hport" noop 60 >/dev/null  # warm-up, and the worker caches the noop files
read -r r_wall r_stages r_med r_nodes < <(py batch "$hport" noop "$JOBS" 600)
awk -v sw="$s_wall" -v rw="$r_wall" -v n="$JOBS" -v st="$s_stages" -v sm="$s_med" -v rm="$r_med" 'BEGIN {
  s = 1000 * sw / (n * st); r = 1000 * rw / (n * st)
  printf "RESULT overhead jobs=%d steps_per_job=%g standalone_ms_per_step=%.1f remote_ms_per_step=%.1f remote_minus_standalone_ms=%.1f\n", n, st, s, r, r - s
  printf "RESULT overhead_job_median standalone_ms_per_step=%.1f remote_ms_per_step=%.1f difference_ms=%.1f\n", sm, rm, rm - sm }'
[ "$r_nodes" = w1 ] || echo "NOTE overhead: remote jobs ran on nodes $r_nodes, not only w1"

# --- 2. dispatch rate ----------------------------------------------------------
have=1
for n in $WORKERS; do
  while [ "$have" -lt "$n" ]; do have=$((have + 1)); start_worker "w$have"; done
  py one "$hport" noop 60 >/dev/null
  read -r wall stages _ nodes < <(py batch "$hport" noop "$JOBS" 600)
  awk -v w="$wall" -v n="$JOBS" -v st="$stages" -v k="$n" -v nodes="$nodes" 'BEGIN {
    printf "RESULT dispatch workers=%d jobs=%d steps=%d wall_s=%.2f steps_per_s=%.1f nodes_used=%s\n", k, n, n * st, w, n * st / w, nodes }'
done
for name in "${!worker_pid[@]}"; do stop_worker "$name"; done

# --- 3. noticing a lost worker -------------------------------------------------
lost_case() {  # signal name
  local sig=$1 name=$2
  start_worker "$name"
  local job; job=$(py submit "$hport" sleepy)
  local node; node=$(py wait_train "$hport" "$job" 60)
  [ "$node" = "$name" ] || { echo "bench_cluster: the job ran on $node, not $name" >&2; exit 1; }
  kill -"$sig" "${worker_pid[$name]}"
  disown "${worker_pid[$name]}" 2>/dev/null || true  # no "Killed" line from bash
  lost_ms=$(py wait_lost "$hport" "$name" 30)
  py cancel "$hport" "$job"
  stop_worker "$name"
}
for sig in KILL STOP; do
  ms=()
  for i in $(seq 1 "$LOST_REPEAT"); do lost_case "$sig" "lost-$sig-$i"; ms+=("$lost_ms"); done
  if printf '%s\n' "${ms[@]}" | grep -q never; then med=never; else med=$(py median "${ms[@]}"); fi
  echo "RESULT lost signal=SIG$sig median_ms=$med runs_ms=$(IFS=,; echo "${ms[*]}")"
done

# --- 4. bytes on the cluster port ----------------------------------------------
# Payload bytes both ways on the head's end of every cluster connection
# (bytes_acked = sent by the head and acknowledged, bytes_received); the
# heartbeat traffic of the same interval, measured idle, is subtracted.
wire() { ss -tinH state established "( sport = :$cport )" | awk '
  { for (i = 1; i <= NF; i++) { if ($i ~ /^bytes_acked:/) { split($i, a, ":"); s += a[2] }
                                 if ($i ~ /^bytes_received:/) { split($i, b, ":"); r += b[2] } } }
  END { printf "%d %d\n", s, r }'; }
idle_rate() {  # bytes/s both ways with nothing running
  local s0 r0 s1 r1; read -r s0 r0 < <(wire); sleep 5; read -r s1 r1 < <(wire)
  awk -v a=$((s1 - s0 + r1 - r0)) 'BEGIN { printf "%.1f\n", a / 5 }'
}
bytes_case() {  # label slug timeout
  local s0 r0 s1 r1 t0 t1 sent recv
  read -r s0 r0 < <(wire); t0=$(date +%s.%N)
  py one "$hport" "$2" "$3" >/dev/null
  sleep 0.3  # let the last acks arrive
  read -r s1 r1 < <(wire); t1=$(date +%s.%N)
  sent=$((s1 - s0)); recv=$((r1 - r0))
  awk -v l="$1" -v s=$sent -v r=$recv -v rate="$rate" -v t0="$t0" -v t1="$t1" 'BEGIN {
    hb = rate * (t1 - t0)
    printf "RESULT bytes %s head_to_worker=%d worker_to_head=%d total=%d heartbeat_estimate=%.0f net=%.0f seconds=%.1f\n", l, s, r, s + r, hb, s + r - hb, t1 - t0 }'
}
start_worker b1
rate=$(idle_rate)
echo "RESULT bytes idle_heartbeat_bytes_per_s=$rate workers=1"
bytes_case "job=noop run=first" noop 60
bytes_case "job=noop run=second" noop 60
stop_worker b1
if [ "$REAL" = 1 ]; then
  # The real stages: kagent-stage next to kagentd and the system python3.
  start_worker r1 --python=/usr/bin/python3
  bytes_case "job=iris-species run=first" iris-species 600
  bytes_case "job=iris-species run=second" iris-species 600
  stop_worker r1
fi
echo "RESULT cluster nodes_lost=$(curl -s "http://127.0.0.1:$hport/cluster" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes_lost"])')"
