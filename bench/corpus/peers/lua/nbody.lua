-- nbody: the Benchmarks Game n-body simulation of the Sun and the four giant
-- planets, each body a table {x, y, z, vx, vy, vz, mass}, 250,000 steps of 0.01;
-- prints the energy before and after to 9 decimals
local DAYS_PER_YEAR = 365.24
local SOLAR_MASS = 4.0 * math.pi * math.pi

local function body(x, y, z, vx, vy, vz, m)
  return {x, y, z, vx * DAYS_PER_YEAR, vy * DAYS_PER_YEAR, vz * DAYS_PER_YEAR, m * SOLAR_MASS}
end

local function system()
  return {
    body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
    body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
      9.54791938424326609e-04),
    body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
      2.85885980666130812e-04),
    body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
      4.36624404335156298e-05),
    body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
      5.15138902046611451e-05),
  }
end

local function offset_momentum(bodies)
  local px, py, pz = 0.0, 0.0, 0.0
  for k = 1, #bodies do
    local b = bodies[k]
    px = px + b[4] * b[7]
    py = py + b[5] * b[7]
    pz = pz + b[6] * b[7]
  end
  local sun = bodies[1]
  sun[4] = -px / SOLAR_MASS
  sun[5] = -py / SOLAR_MASS
  sun[6] = -pz / SOLAR_MASS
end

local function energy(bodies)
  local e = 0.0
  local n = #bodies
  for i = 1, n do
    local b = bodies[i]
    e = e + 0.5 * b[7] * (b[4] * b[4] + b[5] * b[5] + b[6] * b[6])
    for j = i + 1, n do
      local c = bodies[j]
      local dx, dy, dz = b[1] - c[1], b[2] - c[2], b[3] - c[3]
      e = e - b[7] * c[7] / math.sqrt(dx * dx + dy * dy + dz * dz)
    end
  end
  return e
end

local function advance(bodies, dt)
  local n = #bodies
  for i = 1, n do
    local b = bodies[i]
    for j = i + 1, n do
      local c = bodies[j]
      local dx, dy, dz = b[1] - c[1], b[2] - c[2], b[3] - c[3]
      local d2 = dx * dx + dy * dy + dz * dz
      local mag = dt / (d2 * math.sqrt(d2))
      local bm, cm = b[7], c[7]
      b[4] = b[4] - dx * cm * mag
      b[5] = b[5] - dy * cm * mag
      b[6] = b[6] - dz * cm * mag
      c[4] = c[4] + dx * bm * mag
      c[5] = c[5] + dy * bm * mag
      c[6] = c[6] + dz * bm * mag
    end
  end
  for i = 1, n do
    local b = bodies[i]
    b[1] = b[1] + dt * b[4]
    b[2] = b[2] + dt * b[5]
    b[3] = b[3] + dt * b[6]
  end
end

local bodies = system()
offset_momentum(bodies)
local before = string.format("%.9f", energy(bodies))
for _ = 1, 250000 do advance(bodies, 0.01) end
print(before .. " " .. string.format("%.9f", energy(bodies)))
