-- wrk script: every request uses the next personal link (from BENCH_TOKENS) and poses as the next
-- client address (X-Forwarded-For; the server trusts 127.0.0.1 as a proxy), so the per-address
-- guest rate limit measures nothing but itself. BENCH_MODE=page GETs /rsvp/<token>;
-- BENCH_MODE=answer POSTs the plain form a guest without JavaScript sends, alternating accept
-- and decline per link.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local mode = os.getenv("BENCH_MODE") or "page"
local origin = os.getenv("BENCH_ORIGIN")
local n = 0
local thread_seed = 0

function setup(thread)
  thread_seed = thread_seed + 1
  thread:set("seed", thread_seed)
end

function init(args)
  n = (seed or 1) * 7919
end

function request()
  n = n + 1
  local token = tokens[(n % #tokens) + 1]
  local round = math.floor(n / #tokens)
  local client = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  if mode == "answer" then
    local answer = (round % 2 == 0) and "accept" or "decline"
    return wrk.format("POST", "/api/guest/answer", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = "text/html",
      ["Origin"] = origin,
      ["Referer"] = origin .. "/rsvp/" .. token,
      ["X-Forwarded-For"] = client,
    }, "token=" .. token .. "&answer=" .. answer)
  end
  return wrk.format("GET", "/rsvp/" .. token, { ["X-Forwarded-For"] = client })
end

-- one JSON line with what the report needs
function done(summary, latency, requests)
  local errors = summary.errors
  local non_2xx = errors.status
  io.write(string.format(
    "BENCH_JSON {\"requests\": %d, \"seconds\": %.3f, \"rps\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"non_2xx_3xx\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non_2xx,
    errors.connect + errors.read + errors.write + errors.timeout))
end
