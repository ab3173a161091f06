-- wrk script for plain GETs (pages with a session cookie, assets, the bare handler): prints the
-- same JSON line as rotate.lua. BENCH_HEADERS: extra headers, "Name: value" separated by "|".
local extra = os.getenv("BENCH_HEADERS")
if extra and extra ~= "" then
  for pair in string.gmatch(extra, "[^|]+") do
    local name, value = pair:match("^%s*(.-)%s*:%s*(.-)%s*$")
    wrk.headers[name] = value
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\": %d, \"seconds\": %.3f, \"rps\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"non_2xx_3xx\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
