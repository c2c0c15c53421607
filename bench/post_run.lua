-- wrk: POST /run, every request a new job; each 201's job id is written to
-- <KAGENT_BENCH_IDS>.<thread> so the bench can check every one is durable.
-- 429s (refused: queue full, rate limit) are counted apart from other answers.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  ids = io.open(os.getenv("KAGENT_BENCH_IDS") .. "." .. tid, "w")
  created, refused, other = 0, 0, 0
end

wrk.method = "POST"
wrk.path = "/run"
wrk.body = '{"kaggle_url": "https://www.kaggle.com/competitions/noop"}'
wrk.headers["Content-Type"] = "application/json"

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    ids:write(body:match('"job_id":"([^"]+)"'), "\n")
  elseif status == 429 then
    refused = refused + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, r, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    r = r + t:get("refused")
    o = o + t:get("other")
  end
  local s = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d created=%d refused=%d other=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f timeouts=%d\n",
    summary.requests, c, r, o, summary.requests / s, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.timeout))
end
