#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in $KAGENT_FUZZ_BUILD_DIR (default
# <source>/build-fuzz) when they are missing or stale, then runs each on its
# corpus (tests/fuzz/corpus/<target>/, read only; new finds go to a temp
# dir) for KAGENT_FUZZ_SECONDS (default 40) and prints its executions.
# Exits non-zero when a target crashes, leaks or trips a sanitizer.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${KAGENT_FUZZ_BUILD_DIR:-$src/build-fuzz}"
seconds="${KAGENT_FUZZ_SECONDS:-40}"
targets=(fuzz_router fuzz_run_body fuzz_url fuzz_csv fuzz_stage_line)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
        -DKAGENT_FUZZ=ON "${launcher[@]}" >/dev/null
fi
CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$src")}" CCACHE_NOHASHDIR=1 \
  cmake --build "$build" -j2 --target "${targets[@]}" >/dev/null
failed=0
for t in "${targets[@]}"; do
  work=$(mktemp -d /tmp/kagent-fuzz-$t.XXXXXX)
  log="$work/log"
  rc=0
  (cd "$work" && "$build/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
     -max_len=8192 -print_final_stats=1 "$work" "$src/tests/fuzz/corpus/$t") >"$log" 2>&1 || rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "FAIL: $t (exit $rc) after $execs executions; crash input kept in $work"
    grep -E 'ERROR|SUMMARY|==[0-9]+==' "$log" | head -20
  else
    echo "ok: $t $execs executions in ${seconds} s, coverage $cov"
    rm -rf "$work"
  fi
done
if [ "$failed" -eq 0 ]; then echo "${#targets[@]} passed, 0 failed"; else echo "fuzzing found a problem"; fi
exit "$failed"
