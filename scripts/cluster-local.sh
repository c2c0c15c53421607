#!/usr/bin/env bash
# A head and N workers as plain processes on this machine, for trying
# cluster mode and for tests: the head on the embedded PostgreSQL in
# DATA/head, workers in DATA/w1..wN, all on loopback (no TLS needed).
#   scripts/cluster-local.sh [-n N] [-s SLOTS] [-p HTTP_PORT] [-c CLUSTER_PORT] [-d DATA]
#                            [-- extra kagentd flags for every node]
# Prints one line per node (name, pid, health URL) and waits; Ctrl-C stops
# all of them. kagentd --help lists the cluster flags.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n=2 slots=1 port=8000 cport=4242 data="$root/var/cluster"
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift 2 ;;
    -s) slots=$2; shift 2 ;;
    -p) port=$2; shift 2 ;;
    -c) cport=$2; shift 2 ;;
    -d) data=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) echo "cluster-local.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
bin="$root/build/kagentd"
[ -x "$bin" ] || bash "$root/scripts/build.sh"
mkdir -p "$data"
pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; }
trap 'stop; exit 0' INT TERM
trap stop EXIT
"$bin" --role=head --port="$port" --cluster-port="$cport" --data-dir="$data/head" "$@" \
  > "$data/head.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
echo "head pid=${pids[0]} http://127.0.0.1:$port  (cluster port 127.0.0.1:$cport, log $data/head.log)"
for i in $(seq 1 "$n"); do
  "$bin" --role=worker --join="127.0.0.1:$cport" --slots="$slots" --node-name="w$i" \
    --port=$((port + i)) --data-dir="$data/w$i" "$@" > "$data/w$i.log" 2>&1 &
  pids+=($!)
  echo "worker w$i pid=$! http://127.0.0.1:$((port + i))/health  (log $data/w$i.log)"
done
wait
