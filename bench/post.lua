-- wrk script: POST /cargar_infraccion with a random seeded plate, a random
-- code of the example catalogue (docs/catalogo-ejemplo.csv, which the seed
-- loads) and a place each time, so that every request issues a fine and
-- writes its notification. Plates follow models.seedPlate: vehicle n is
-- AA000AA-style, n in [1, VEHICLES]. PLATE, when set, is sent every time
-- instead (bench/api.sh uses a plate no vehicle has, to time the request
-- path without the write). BARE=1 sends only the plate and the comments
-- (an infraction sin tipificar, no notification), for comparison.
local token = os.getenv("TOKEN")
local fixed = os.getenv("PLATE")
local bare = os.getenv("BARE") == "1"
local vehicles = tonumber(os.getenv("VEHICLES") or "10000")
local letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
local codes = {"SEM-ROJO", "VEL-10", "VEL-30", "VEL-MAS", "CINTURON", "CELULAR", "ALCOHOL", "EST-PROH",
  "DOBLE-FILA", "EST-DISC", "SIN-LIC", "SIN-VTV", "SIN-SEGURO", "CASCO", "LUCES", "GIRO-PROH",
  "CONTRAMANO", "PEATON", "ADELANTO", "MENORES", "PATENTE"}

local function plate(n)
  local d = string.format("%03d", n % 1000)
  n = math.floor(n / 1000)
  local l = {}
  for i = 1, 4 do
    local k = n % 26
    l[i] = letters:sub(k + 1, k + 1)
    n = math.floor(n / 26)
  end
  -- positions 6,5,1,0 of AB123CD take l[1], l[2], l[3], l[4]
  return l[4] .. l[3] .. d .. l[2] .. l[1]
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  if bare then
    return wrk.format(nil, nil, nil, string.format('{"placa_patente":"%s","comentarios":"Exceso de velocidad"}',
      fixed or plate(math.random(1, vehicles))))
  end
  local body = string.format('{"placa_patente":"%s","comentarios":"Exceso de velocidad","codigo":"%s",' ..
    '"ubicacion":{"lat":-34.6037,"lon":-58.3816,"descripcion":"Av. Corrientes 1200"}}',
    fixed or plate(math.random(1, vehicles)), codes[math.random(1, #codes)])
  return wrk.format(nil, nil, nil, body)
end
