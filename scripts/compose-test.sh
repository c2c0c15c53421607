#!/usr/bin/env bash
# End-to-end test of docker/compose.yaml under podman-compose: builds the images,
# brings up postgres, certs, head and $KAGENT_WORKERS workers (project
# kagent-test, the head on 127.0.0.1:$KAGENT_TEST_PORT), runs the smallest
# bundled competition, checks it succeeded on a worker, downloads
# submission.csv, and always tears everything down (down -v). Last line:
#   RESULT: PASS|FAIL <what>
#
# When the image's kagentd has no cluster mode yet (no --join in --help), or
# scripts/cluster-certs.sh is missing, it runs "standalone": postgres + a head
# without cluster flags (a derived compose file), the job running on the head.
#
# Environment: KAGENT_TEST_PORT (18000), KAGENT_WORKERS (2), KAGENT_BUILD_JOBS
# (make jobs in the image build; default 1, this machine is shared),
# KAGENT_SKIP_BUILD=1 (use the images already there), KAGENT_TEST_TIMEOUT
# (job timeout, 600 s), KAGENT_TEST_MODE=cluster|standalone (default: detect),
# KAGENT_KEEP=1 (leave the stack up for a look; `podman-compose -p kagent-test
# -f FILE down -v` later).
# Needs root, podman and podman-compose (apt install podman podman-compose) and,
# with podman's CNI backend, the dnsname plugin so services find each other
# by name (installed here from Debian when missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
project=kagent-test
port=${KAGENT_TEST_PORT:-18000}
workers=${KAGENT_WORKERS:-2}
job_timeout=${KAGENT_TEST_TIMEOUT:-600}
image=localhost/kagent:compose-test
pg_image=localhost/kagent-postgres:compose-test
base="http://127.0.0.1:$port"
work=$(mktemp -d /tmp/kagent-compose-test.XXXXXX)
compose_file="$root/docker/compose.yaml"
t0=$(date +%s)

say() { echo "== [$(( $(date +%s) - t0 ))s] $*"; }
result=""
fail() {
  result="FAIL $*"
  echo "compose-test: FAIL: $*" >&2
  exit 1
}
pc() { podman-compose -p "$project" -f "$compose_file" "$@"; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

dump_logs() {
  for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" \
               --format '{{.Names}}' 2>/dev/null); do
    echo "---- logs of $c (last 40 lines; state $(podman inspect -f '{{.State.Status}} exit={{.State.ExitCode}}' "$c" 2>/dev/null))"
    podman logs --tail 40 "$c" 2>&1 | sed 's/^/    /'
  done
}
cleanup() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    [ -n "$result" ] || result="FAIL (exit $rc before a verdict; see above)"
    dump_logs || true
  fi
  if [ "${KAGENT_KEEP:-0}" = 1 ]; then
    echo "compose-test: KAGENT_KEEP=1: stack left up (compose file $compose_file)"
  else
    say "tearing down"
    pc down -v -t 10 >"$work/down.log" 2>&1 || echo "compose-test: down -v failed (see $work/down.log)" >&2
    # The network podman-compose made for the project outlives down in 1.0.x.
    podman network rm -f "${project}_default" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  echo "RESULT: ${result:-FAIL unknown}  ($(( $(date +%s) - t0 ))s)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites -----------------------------------------------------------
command -v podman >/dev/null || fail "no podman (apt install podman)"
command -v podman-compose >/dev/null || fail "no podman-compose (apt install podman-compose)"
if podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null | grep -q cni \
   && [ ! -x /usr/lib/cni/dnsname ]; then
  say "installing podman's dnsname CNI plugin (service names as host names)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    golang-github-containernetworking-plugin-dnsname >/dev/null \
    || fail "cannot install golang-github-containernetworking-plugin-dnsname"
fi
if podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}' | grep -q .; then
  say "removing a previous $project stack"
  pc down -v -t 5 >/dev/null 2>&1 || true
fi

# --- images ------------------------------------------------------------------
if [ "${KAGENT_SKIP_BUILD:-0}" != 1 ]; then
  say "building $pg_image"
  b0=$(date +%s)
  podman build --network=host -q -f "$root/docker/postgres.Dockerfile" -t "$pg_image" \
    "$root/docker" >"$work/build-pg.log" 2>&1 || { tail -30 "$work/build-pg.log"; fail "postgres image build"; }
  say "building $image (make -j${KAGENT_BUILD_JOBS:-1}; slow the first time)"
  b1=$(date +%s)
  podman build --network=host --build-arg JOBS="${KAGENT_BUILD_JOBS:-1}" \
    -f "$root/docker/Dockerfile" -t "$image" "$root" >"$work/build.log" 2>&1 \
    || { tail -40 "$work/build.log"; fail "kagent image build"; }
  say "images built: postgres $(( b1 - b0 ))s, kagent $(( $(date +%s) - b1 ))s"
fi
podman image exists "$image" || fail "no image $image (unset KAGENT_SKIP_BUILD)"
podman image exists "$pg_image" || fail "no image $pg_image (unset KAGENT_SKIP_BUILD)"
export KAGENT_IMAGE=$image KAGENT_POSTGRES_IMAGE=$pg_image KAGENT_WORKERS=$workers
mkdir -p "$work/competitions"
export KAGENT_COMPETITIONS_DIR="$work/competitions"
# The file appends ":8000" (the container port).
export KAGENT_HTTP_PUBLISH="127.0.0.1:$port"
export KAGENT_ALLOWED_HOSTS="127.0.0.1:$port,localhost:$port"

mode=${KAGENT_TEST_MODE:-}
if [ -z "$mode" ]; then
  if podman run --rm --entrypoint /usr/local/bin/kagentd "$image" --help 2>&1 | grep -q -- '--join' \
     && podman run --rm --entrypoint /bin/sh "$image" -c \
          'test -x /usr/local/share/kagent/scripts/cluster-certs.sh'; then
    mode=cluster
  else
    mode=standalone
  fi
fi
say "mode: $mode"
if [ "$mode" = standalone ]; then
  # The same file without the cluster: no certs, no workers, a head whose
  # command has no cluster flags (today's kagentd knows only --role).
  compose_file="$work/compose.standalone.yaml"
  /usr/bin/python3 - "$root/docker/compose.yaml" "$compose_file" <<'PY' || fail "cannot derive the standalone compose file"
import os, sys, yaml
src, dst = sys.argv[1:]
c = yaml.safe_load(open(src))
here = os.path.dirname(os.path.abspath(src))
for s in c["services"].values():
    if isinstance(s.get("build"), dict):
        s["build"]["context"] = os.path.normpath(os.path.join(here, s["build"]["context"]))
del c["services"]["certs"], c["services"]["worker"]
head = c["services"]["head"]
head["depends_on"] = {"postgres": {"condition": "service_healthy"}}
head["command"] = [a for a in head["command"]
                   if not a.startswith(("--cluster-", "--local-slots"))]
head["volumes"] = [v for v in head["volumes"] if not v.startswith("certs:")]
del c["volumes"]["certs"]
yaml.safe_dump(c, open(dst, "w"), sort_keys=False)
PY
fi
cnt() { echo "${project}_$1_${2:-1}"; }

# wait_healthy CONTAINER SECONDS: runs the container's own health check (podman
# runs them from systemd timers, absent here) until it passes.
wait_healthy() {
  local c=$1 limit=$2 start
  start=$(date +%s)
  until podman healthcheck run "$c" >/dev/null 2>&1; do
    local state
    state=$(podman inspect -f '{{.State.Status}}' "$c" 2>/dev/null || echo missing)
    [ "$state" = missing ] && fail "container $c does not exist"
    [ $(( $(date +%s) - start )) -ge "$limit" ] && fail "$c not healthy after ${limit}s (state $state)"
    sleep 2
  done
  say "$c healthy after $(( $(date +%s) - start ))s"
}

# --- bring-up, one service at a time (podman-compose 1.0 ignores conditions) ---
say "starting postgres"
pc up -d --no-build postgres >"$work/up-postgres.log" 2>&1 || { cat "$work/up-postgres.log"; fail "up postgres"; }
wait_healthy "$(cnt postgres)" 90

if [ "$mode" = cluster ]; then
  say "making the cluster certificates"
  pc up -d --no-build certs >"$work/up-certs.log" 2>&1 || { cat "$work/up-certs.log"; fail "up certs"; }
  rc=$(timeout 120 podman wait "$(cnt certs)" 2>/dev/null) || fail "certs did not finish within 120s"
  [ "$rc" = 0 ] || fail "certs exited with $rc"
fi

say "starting head"
pc up -d --no-build head >"$work/up-head.log" 2>&1 || { cat "$work/up-head.log"; fail "up head"; }
wait_healthy "$(cnt head)" 180
for i in $(seq 1 30); do
  curl -fsS "$base/health" -o "$work/health.json" 2>/dev/null && break
  [ "$i" = 30 ] && fail "head healthy inside its container but $base/health unreachable from the host"
  sleep 1
done
say "head /health: $(json 'd.get("status")' <"$work/health.json")"
key=$(podman exec "$(cnt head)" cat /var/lib/kagent/admin.key) || fail "no API key in the head (KAGENT_KEY_FILE)"
auth=(-H "Authorization: Bearer $key")
head_node=$(podman exec "$(cnt head)" hostname)

worker_nodes=()
if [ "$mode" = cluster ]; then
  say "starting $workers workers"
  pc up -d --no-build worker >"$work/up-worker.log" 2>&1 || { cat "$work/up-worker.log"; fail "up worker"; }
  for n in $(seq 1 "$workers"); do
    wait_healthy "$(cnt worker "$n")" 120
    worker_nodes+=("$(podman exec "$(cnt worker "$n")" hostname)")
  done
  say "workers: ${worker_nodes[*]} (head: $head_node)"
  for i in $(seq 1 60); do
    curl -fsS "${auth[@]}" "$base/cluster" -o "$work/cluster.json" 2>/dev/null || true
    up=$(json 'sum(1 for n in d.get("nodes",[]) if n.get("state")=="up" and n.get("name")!="'"$head_node"'")' \
           <"$work/cluster.json" 2>/dev/null || echo 0)
    [ "$up" -ge "$workers" ] && break
    [ "$i" = 60 ] && { cat "$work/cluster.json" 2>/dev/null; fail "only $up of $workers workers up in GET /cluster after 60s"; }
    sleep 1
  done
  say "GET /cluster: $up workers up"
fi

# --- one job -------------------------------------------------------------------
slug=$(podman exec "$(cnt head)" sh -c 'cd /usr/share/kagent/competitions && du -s */ | sort -n | head -n 1' \
         | awk '{print $2}' | tr -d /)
[ -n "$slug" ] || fail "no competition baked into the image"
say "submitting $slug (smallest bundled competition)"
code=$(curl -sS -o "$work/run.json" -w '%{http_code}' -X POST "$base/run" "${auth[@]}" \
         -H 'Content-Type: application/json' \
         -d "{\"kaggle_url\": \"https://www.kaggle.com/competitions/$slug\"}") || fail "POST /run: no answer"
[ "$code" = 201 ] || fail "POST /run answered $code: $(cat "$work/run.json")"
job=$(json 'd["job_id"]' <"$work/run.json")
j0=$(date +%s)
status=queued
while :; do
  if curl -fsS "${auth[@]}" "$base/status/$job" -o "$work/status.json" 2>/dev/null; then
    status=$(json 'd["status"]' <"$work/status.json")
    case $status in success|failed|timeout|cancelled) break ;; esac
  fi
  [ $(( $(date +%s) - j0 )) -ge "$job_timeout" ] && fail "job $job still $status after ${job_timeout}s"
  sleep 3
done
job_s=$(( $(date +%s) - j0 ))
say "job $job: $status after ${job_s}s"
if [ "$status" != success ]; then
  curl -fsS "${auth[@]}" "$base/logs/$job" 2>/dev/null | tail -c 3000 || true
  echo
  fail "job $job ended $status: $(json 'd.get("error") or d.get("message")' <"$work/status.json")"
fi
code=$(curl -sS "${auth[@]}" -o "$work/submission.csv" -w '%{http_code}' "$base/result/$job/submission.csv") \
  || fail "GET /result/$job/submission.csv: no answer"
[ "$code" = 200 ] || fail "GET /result/$job/submission.csv answered $code"
rows=$(($(wc -l <"$work/submission.csv") - 1))
[ "$rows" -gt 0 ] || fail "submission.csv has no rows"
say "submission.csv: $rows rows, header $(head -n 1 "$work/submission.csv")"

# --- where it ran ----------------------------------------------------------------
where="on the head (standalone)"
if [ "$mode" = cluster ]; then
  # Every value under a "node"-named key of the job's status: metadata.node
  # (the last stage's) and metadata.nodes {stage: node}.
  nodes=$(/usr/bin/python3 - "$work/status.json" <<'PY'
import json, sys
found = set()
def walk(v, under=False):
    if isinstance(v, dict):
        for k, x in v.items(): walk(x, under or "node" in k.lower())
    elif isinstance(v, list):
        for x in v: walk(x, under)
    elif isinstance(v, str) and under and v:
        found.add(v)
walk(json.load(open(sys.argv[1])))
print(" ".join(sorted(found)))
PY
)
  [ -n "$nodes" ] || fail "the job's status names no node: $(cat "$work/status.json")"
  for n in $nodes; do
    [ "$n" != "$head_node" ] || fail "a stage of job $job ran on the head ($n), not on a worker"
    printf '%s\n' "${worker_nodes[@]}" | grep -qx "$n" \
      || fail "job $job names node $n, which is none of the workers (${worker_nodes[*]})"
  done
  where="on worker(s) $nodes"
fi
result="PASS $mode: $slug $status in ${job_s}s $where, $rows submission rows"
