-- wrk script: online.lua's 1..ROWS-row lookup, optionally with `Authorization: Bearer TOKEN`.
-- (../shared/bench/online.lua passes its own headers to wrk.format, which then ignores wrk's -H.)
-- usage: wrk -t2 -c16 -d15s -s scripts/bench-auth.lua http://127.0.0.1:PORT/get-online-features -- ROWS [TOKEN]
local rows = 1
local headers = {["Content-Type"] = "application/json"}
function init(args)
  rows = tonumber(args[1] or "1")
  if args[2] then headers["Authorization"] = "Bearer " .. args[2] end
end
local feats = '"driver_stats:conv_rate","driver_stats:acc_rate","driver_stats:avg_daily_trips",' ..
  '"customer_stats:current_balance","customer_stats:avg_passenger_count","customer_stats:lifetime_trip_count"'
function request()
  local d, c = {}, {}
  for i = 1, rows do d[i] = math.random(1000, 1999); c[i] = math.random(1, 500) end
  local body = '{"features":[' .. feats .. '],"entities":{"driver_id":[' .. table.concat(d, ",") ..
    '],"customer_id":[' .. table.concat(c, ",") .. ']}}'
  return wrk.format("POST", nil, headers, body)
end
