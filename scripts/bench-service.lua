-- wrk script: POST /get-online-features of one feature service for ROWS random (driver, customer) pairs per
-- request, each with a random distance_km request field (used by rides_plus' trip_request; rides has no
-- request field, so it gets none: an unexpected request field would be a 400).
-- usage: wrk -t2 -c16 -d15s --latency -s scripts/bench-service.lua http://127.0.0.1:PORT/get-online-features -- SERVICE ROWS
local service, rows = "rides", 1
function init(args)
  service = args[1] or "rides"
  rows = tonumber(args[2] or "1")
end
function request()
  local d, c, k = {}, {}, {}
  for i = 1, rows do
    d[i] = math.random(1000, 1999); c[i] = math.random(1, 500)
    k[i] = string.format("%.2f", 0.5 + math.random() * 30)
  end
  local body = '{"feature_service":"' .. service .. '","entities":{"driver_id":[' .. table.concat(d, ",") ..
    '],"customer_id":[' .. table.concat(c, ",") .. ']'
  if service == "rides_plus" then body = body .. ',"distance_km":[' .. table.concat(k, ",") .. ']' end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body .. '}}')
end
