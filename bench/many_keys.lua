-- wrk script for bench/many_keys: every request carries the x-api-key of one of
-- N keys drawn at random, derived from its index with the same formula as the
-- config generator ("mk" + the index on 38 digits, 40 characters).
--   wrk -s bench/many_keys.lua URL -- N      (N = 1: always key 0, same Lua cost)
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  n = tonumber(args[1] or "1000000")
  path = wrk.path
  math.randomseed(1000003 * (tid or 1))
end

function request()
  local i = math.random(0, n - 1)
  return wrk.format(nil, path, { ["x-api-key"] = string.format("mk%038d", i) })
end
