-- wrk script for tools/bench/proxy-vs-nginx: every connection cycles through the benchmark
-- paths (GET), and done() prints one machine-readable line:
--   WRK_RESULT {"requests": ..., "duration_us": ..., "p50_us": ..., "p99_us": ..., ...}
--
-- Environment:
--   BENCH_PATHS   comma-separated request targets (default: the four paths below)
--   WRK_DELAY_MS  when set and > 0, every connection waits this many milliseconds before each
--                 request (wrk's delay() hook): a paced, below-saturation load. Latency is
--                 measured from sending to the full response, so the pause is not counted.

local paths = {
  "/merchants/m1",
  "/merchants/m1/customers",
  "/merchants/m1/customers/c1",
  "/merchants/m1/transactions/t1",
}
local from_env = os.getenv("BENCH_PATHS")
if from_env and from_env ~= "" then
  paths = {}
  for p in string.gmatch(from_env, "[^,]+") do paths[#paths + 1] = p end
end

local requests = {}
local next_index = 0
local threads_set_up = 0

function setup(thread)  -- runs in the main Lua state, once per wrk thread
  thread:set("start_index", threads_set_up)
  threads_set_up = threads_set_up + 1
end

function init(args)
  for _, p in ipairs(paths) do requests[#requests + 1] = wrk.format("GET", p) end
  -- each thread starts at another path, so the mix is even from the first request
  next_index = (start_index or 0) % #requests
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "")
if delay_ms and delay_ms > 0 then
  function delay() return delay_ms end
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"lat_mean_us": %.1f, "lat_max_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"p999_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
