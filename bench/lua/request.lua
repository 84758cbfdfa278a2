-- wrk script for the ketamine-kg benchmark (bench/run.py writes the request file).
-- Usage: wrk ... -s bench/lua/request.lua URL -- REQUEST_FILE
-- REQUEST_FILE: line 1 method, line 2 path (with query string), line 3 Accept,
-- line 4 Content-Type (or "-"), the rest the body (may be empty).
-- done() prints one JSON line with the counts and latency percentiles in microseconds.

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local method = file:read("*l")
  local path = file:read("*l")
  local accept = file:read("*l")
  local content_type = file:read("*l")
  local body = file:read("*a")
  file:close()
  wrk.method = method
  wrk.path = path
  wrk.headers["Accept"] = accept
  if content_type ~= "-" then
    wrk.headers["Content-Type"] = content_type
  end
  if body ~= nil and #body > 0 then
    wrk.body = body
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.status, errors.connect,
    errors.read, errors.write, errors.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
