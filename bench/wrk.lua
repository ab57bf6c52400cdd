-- bench/wrk.lua: the request bench/run sends, and a count of the answers.
--
-- Configured through the environment (bench/run sets it):
--   BENCH_METHOD   GET (default) or POST
--   BENCH_TOKEN    a personal API token: "Authorization: Bearer ..."
--   BENCH_BODY     the request body for POST; without it a POST sends the
--                  new-ticket body below
--   BENCH_PATHS    a file of request paths, one a line: the requests go
--                  through them in turn (each thread from its own place)
--                  instead of to the URL's path
--
-- Every thread counts the HTTP status of each answer; done() adds them up
-- and prints one line that bench/run reads:
--   bench-statuses: 200=12345 503=2

local method = os.getenv("BENCH_METHOD") or "GET"
local token = os.getenv("BENCH_TOKEN") or ""
local body = os.getenv("BENCH_BODY") or ""

-- A new ticket, as a customer sends it from the portal or a script.
local new_ticket = '{"subject":"Export to CSV stops at 30 seconds",'
	.. '"description":"Exporting a project with about 40,000 rows stops '
	.. 'after 30 seconds with an error. Smaller projects export fine. '
	.. 'What can we do?","category":"technical","priority":"normal"}'

wrk.method = method
wrk.headers["Accept"] = "application/json"
if token ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. token
end
if method ~= "GET" and method ~= "HEAD" then
	if body == "" then
		body = new_ticket
	end
	wrk.body = body
	wrk.headers["Content-Type"] = "application/json"
end

local paths = {}
local paths_file = os.getenv("BENCH_PATHS") or ""
if paths_file ~= "" then
	for line in io.lines(paths_file) do
		if line ~= "" then
			table.insert(paths, line)
		end
	end
	assert(#paths > 0, paths_file .. ": no paths")
end

local threads = {}

function setup(thread)
	table.insert(threads, thread)
	-- Threads start far apart in the list, so that they do not work on
	-- the same objects at the same time.
	thread:set("next_path", (#threads - 1) * 7919)
end

if #paths > 0 then
	next_path = 0
	function request()
		next_path = next_path + 1
		return wrk.format(nil, paths[next_path % #paths + 1])
	end
end

-- Per thread (each thread has its own Lua state).
statuses = {}

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		for code, n in pairs(t:get("statuses")) do
			total[code] = (total[code] or 0) + n
		end
	end
	local codes = {}
	for code in pairs(total) do
		table.insert(codes, code)
	end
	table.sort(codes)
	local out = {}
	for _, code in ipairs(codes) do
		table.insert(out, string.format("%d=%d", code, total[code]))
	end
	io.write("bench-statuses: " .. table.concat(out, " ") .. "\n")
end
