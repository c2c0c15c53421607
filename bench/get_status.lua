-- wrk: GET /status/{id} of one job (KAGENT_BENCH_JOB).
wrk.path = "/status/" .. os.getenv("KAGENT_BENCH_JOB")
function done(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    summary.requests, summary.requests / s, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
