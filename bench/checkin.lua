-- wrk script: post the quick check-in form of one commitment, again and again.
--
--   wrk -s bench/checkin.lua URL -- <form prefix> <day> <url-encoded csrf token>
--
-- Each request changes the day's answer (kept, partly, missed, kept, ...), so every
-- post is a real update of the same check-in, never a no-op and never a new row.

local statuses = { "kept", "partly", "missed" }
local counter = 0
local prefix, day, token

function init(args)
  prefix, day, token = args[1], args[2], args[3]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  counter = counter + 1
  local body = prefix .. "-csrf_token=" .. token
    .. "&" .. prefix .. "-day=" .. day
    .. "&" .. prefix .. "-status=" .. statuses[counter % 3 + 1]
    .. "&" .. prefix .. "-note="
  return wrk.format(nil, nil, nil, body)
end
