-- Demo database, step 2: the telematics feed (vehicles, GPS positions,
-- device events), owned by tracksolid_owner. Included by load.sql.
-- As in production, positions and events are TimescaleDB hypertables with
-- one-day chunks, created empty and filled afterwards. The chunks of
-- positions sit in _timescaledb_internal; those of events in tracksolid
-- itself (associated_schema_name), where fleetmcp must still not list them.

SET ROLE tracksolid_owner;
SET seed = 0.11;

CREATE TABLE tracksolid.devices (
  device_id    integer PRIMARY KEY,
  imei         text NOT NULL UNIQUE CHECK (imei ~ '^[0-9]{15}$'),
  device_uuid  uuid NOT NULL UNIQUE,
  plate        text NOT NULL UNIQUE,
  model        text NOT NULL,
  vehicle_type text NOT NULL,
  cost_centre  text NOT NULL,
  region       text NOT NULL,
  driver_name  text,
  home_geom    geometry(Point, 4326) NOT NULL,
  installed_on date NOT NULL,
  active       boolean NOT NULL DEFAULT true,
  tags         text[] NOT NULL DEFAULT '{}',
  attributes   jsonb NOT NULL DEFAULT '{}',
  odometer_km  bigint NOT NULL,
  created_at   timestamptz NOT NULL
);
COMMENT ON TABLE tracksolid.devices IS
  'One row per vehicle tracker (GPS device) and the vehicle it is fitted to. Join positions, events, fuel.records and reporting views on device_id.';
COMMENT ON COLUMN tracksolid.devices.device_id    IS 'Tracksolid device id; the key every other table uses.';
COMMENT ON COLUMN tracksolid.devices.imei         IS '15-digit IMEI of the tracker.';
COMMENT ON COLUMN tracksolid.devices.device_uuid  IS 'Stable UUID of the device in the Tracksolid API.';
COMMENT ON COLUMN tracksolid.devices.plate        IS 'Vehicle registration plate, e.g. KDA 123A.';
COMMENT ON COLUMN tracksolid.devices.cost_centre  IS 'Finance cost centre the vehicle is charged to, e.g. CC-120 Fibre Rollout.';
COMMENT ON COLUMN tracksolid.devices.region       IS 'Operating region the vehicle is based in.';
COMMENT ON COLUMN tracksolid.devices.home_geom    IS 'Depot where the vehicle is parked overnight (WGS 84).';
COMMENT ON COLUMN tracksolid.devices.active       IS 'False once the vehicle is retired; its history stays.';
COMMENT ON COLUMN tracksolid.devices.tags         IS 'Free labels such as night-shift or leased.';
COMMENT ON COLUMN tracksolid.devices.attributes   IS 'Vehicle attributes from the fleet register: fuel_type, tank_l, speed_limit_kmh, sim.';
COMMENT ON COLUMN tracksolid.devices.odometer_km  IS 'Odometer reading when the tracker was installed, km.';

INSERT INTO tracksolid.devices
WITH region(r, name, lat, lon) AS (
  VALUES (0, 'Nairobi CBD', -1.2864, 36.8172), (1, 'Westlands', -1.2676, 36.8108),
         (2, 'Embakasi',    -1.3190, 36.8950), (3, 'Thika',     -1.0333, 37.0693),
         (4, 'Kajiado',     -1.8524, 36.7820), (5, 'Machakos',  -1.5177, 37.2634)
)
SELECT i,
       '86226505' || lpad(i::text, 7, '0'),
       md5('device-' || i)::uuid,
       'KD' || chr(65 + i % 26) || ' ' || (100 + (i * 37) % 900) || chr(65 + (i * 7) % 26),
       (ARRAY['Concox GT06N', 'Concox JM-VL01', 'Jimi JC400', 'Concox AT4'])[1 + i % 4],
       (ARRAY['Pickup', 'Van', 'Truck', 'Motorcycle', 'Saloon'])[1 + (i * 3) % 5],
       (ARRAY['CC-110 Field Maintenance', 'CC-120 Fibre Rollout', 'CC-130 Fuel Logistics',
              'CC-140 Executive Pool', 'CC-150 Security Response'])[1 + (i * 7) % 5],
       region.name,
       CASE WHEN i % 11 = 0 THEN NULL ELSE
         (ARRAY['Wanjiku', 'Otieno', 'Achieng', 'Kamau', 'Mutua', 'Njeri', 'Kiprop', 'Amina'])[1 + i % 8]
         || ' ' ||
         (ARRAY['Mwangi', 'Odhiambo', 'Wafula', 'Chebet', 'Kariuki', 'Hassan', 'Mutiso'])[1 + (i * 5) % 7]
       END,
       ST_SetSRID(ST_MakePoint(region.lon + (random() - 0.5) * 0.06,
                               region.lat + (random() - 0.5) * 0.06), 4326),
       date '2023-01-01' + (random() * 900)::int,
       i % 17 <> 0,
       CASE i % 5 WHEN 0 THEN ARRAY['night-shift'] WHEN 1 THEN ARRAY['leased', 'pool']
                  WHEN 2 THEN ARRAY['pool'] ELSE '{}' END,
       jsonb_build_object(
         'fuel_type', CASE WHEN i % 3 = 0 THEN 'petrol' ELSE 'diesel' END,
         'tank_l', 50 + (i % 4) * 20,
         'speed_limit_kmh', 80,
         'sim', jsonb_build_object('iccid', '8925402' || lpad(i::text, 12, '0'), 'apn', 'safaricom')),
       20000 + (random() * 180000)::bigint,
       :'anchor'::timestamptz - interval '400 days' + i * interval '1 day'
FROM generate_series(1, :n_devices) i
JOIN region ON region.r = i % 6;

CREATE TABLE tracksolid.positions (
  device_id   integer NOT NULL REFERENCES tracksolid.devices,
  ts          timestamptz NOT NULL,
  geom        geometry(Point, 4326) NOT NULL,
  speed       double precision NOT NULL,
  heading     smallint NOT NULL CHECK (heading BETWEEN 0 AND 359),
  altitude_m  real,
  satellites  smallint,
  ignition    boolean NOT NULL,
  gps_valid   boolean NOT NULL,
  odometer_m  bigint NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, ts)
);
-- Its own index on ts stands in for TimescaleDB's default one.
SELECT FROM create_hypertable('tracksolid.positions', by_range('ts', interval '1 day'), create_default_indexes => false);
COMMENT ON TABLE tracksolid.positions IS
  'GPS fixes, one every 30 s while a vehicle is on a trip. The largest table, a TimescaleDB hypertable on ts (one-day chunks): always filter on ts and, if you can, device_id.';
COMMENT ON COLUMN tracksolid.positions.ts          IS 'Time of the fix, by the device clock.';
COMMENT ON COLUMN tracksolid.positions.geom        IS 'Position, WGS 84 (SRID 4326). Use geom::geography for distances in metres.';
COMMENT ON COLUMN tracksolid.positions.speed       IS 'Ground speed, km/h.';
COMMENT ON COLUMN tracksolid.positions.heading     IS 'Course over ground, degrees clockwise from north.';
COMMENT ON COLUMN tracksolid.positions.ignition    IS 'Ignition line state at the fix.';
COMMENT ON COLUMN tracksolid.positions.gps_valid   IS 'False when the fix came from too few satellites; such positions may be off by hundreds of metres.';
COMMENT ON COLUMN tracksolid.positions.odometer_m  IS 'Running odometer reported by the device, metres.';
COMMENT ON COLUMN tracksolid.positions.received_at IS 'When the platform received the fix; later than ts for buffered uploads.';

-- Each trip: leave near the depot, drive a wandering line at a cruise speed,
-- idle two fixes at each end. Trips of a vehicle are spread over 14 days.
INSERT INTO tracksolid.positions
WITH trip AS MATERIALIZED (
  SELECT d.device_id, d.odometer_km, k AS trip_no,
         ST_Y(d.home_geom) + (random() - 0.5) * 0.02 AS lat0,
         ST_X(d.home_geom) + (random() - 0.5) * 0.02 AS lon0,
         date_trunc('second', :'anchor'::timestamptz - interval '14 days'
           + (k + 0.1 + 0.5 * random()) * (interval '14 days' / :trips_per_device)) AS start_ts,
         random() * 360 AS heading0,
         25 + random() * 60 AS cruise_kmh
  FROM tracksolid.devices d CROSS JOIN generate_series(0, :trips_per_device - 1) k
  ORDER BY d.device_id, k
), fix AS MATERIALIZED (
  SELECT t.*, i,
         CASE WHEN i < 2 OR i >= :points_per_trip - 2 THEN 0
              -- now and then a sudden slow-down, which the device reports as harsh braking
              ELSE t.cruise_kmh * CASE WHEN random() < 0.015 THEN 0.35 ELSE 0.85 + 0.3 * random() END
         END AS speed_kmh,
         (random() - 0.5) * 40 AS turn,
         random() AS r
  FROM trip t CROSS JOIN generate_series(0, :points_per_trip - 1) i
  ORDER BY t.device_id, t.trip_no, i
), steered AS (
  SELECT f.*, f.heading0 + sum(f.turn) OVER w AS course,
         -- km driven in the 30 s before this fix
         f.speed_kmh * 30 / 3600.0 AS step_km
  FROM fix f WINDOW w AS (PARTITION BY device_id, trip_no ORDER BY i)
), moved AS (
  SELECT s.*,
         s.lat0 + sum(s.step_km * cos(radians(s.course))) OVER w / 111.32 AS lat,
         s.lon0 + sum(s.step_km * sin(radians(s.course))) OVER w / (111.32 * cos(radians(s.lat0))) AS lon,
         sum(s.step_km) OVER (PARTITION BY device_id ORDER BY trip_no, i) AS km_so_far
  FROM steered s WINDOW w AS (PARTITION BY device_id, trip_no ORDER BY i)
)
SELECT device_id,
       start_ts + i * interval '30 seconds',
       ST_SetSRID(ST_MakePoint(lon, lat), 4326),
       round(speed_kmh::numeric, 1)::double precision,
       mod(mod(round(course)::int, 360) + 360, 360),
       (1650 + (r - 0.5) * 120)::real,
       (5 + r * 9)::smallint,
       true,
       r > 0.02,
       (odometer_km * 1000 + km_so_far * 1000)::bigint,
       start_ts + i * interval '30 seconds'
         + CASE WHEN r > 0.99 THEN interval '2 hours' ELSE (1 + r * 20) * interval '1 second' END
FROM moved
ORDER BY device_id, trip_no, i;

CREATE INDEX positions_ts_idx   ON tracksolid.positions (ts);
CREATE INDEX positions_geom_idx ON tracksolid.positions USING gist (geom);

CREATE TABLE tracksolid.events (
  event_id     bigint GENERATED ALWAYS AS IDENTITY,
  device_id    integer NOT NULL REFERENCES tracksolid.devices,
  ts           timestamptz NOT NULL,
  event_type   text NOT NULL CHECK (event_type IN ('ignition_on', 'ignition_off', 'overspeed', 'harsh_braking')),
  severity     smallint NOT NULL,
  speed        double precision,
  geom         geometry(Point, 4326),
  frame_seq    bigint NOT NULL,
  raw_frame    bytea NOT NULL,
  payload      jsonb NOT NULL,
  acknowledged boolean NOT NULL DEFAULT false,
  ack_after    interval,
  -- A hypertable's unique keys must hold its time column.
  PRIMARY KEY (event_id, ts)
);
-- TimescaleDB's default index on ts DESC comes with it.
SELECT FROM create_hypertable('tracksolid.events', 'ts', chunk_time_interval => interval '1 day',
                              associated_schema_name => 'tracksolid');
COMMENT ON TABLE tracksolid.events IS
  'Alarms and state changes pushed by the devices: ignition on/off, overspeed (> 80 km/h), harsh braking.';
COMMENT ON COLUMN tracksolid.events.severity     IS '1 informational, 2 warning, 3 critical.';
COMMENT ON COLUMN tracksolid.events.frame_seq    IS 'Device frame sequence: upper 16 bits the device slot, lower 48 a counter. Exceeds 2^53 for most devices.';
COMMENT ON COLUMN tracksolid.events.raw_frame    IS 'Binary GT06 frame as received (start bits 0x7878, device id, epoch seconds, stop bits).';
COMMENT ON COLUMN tracksolid.events.payload      IS 'Decoded alarm details.';
COMMENT ON COLUMN tracksolid.events.acknowledged IS 'A controller has acknowledged the alarm.';
COMMENT ON COLUMN tracksolid.events.ack_after    IS 'Time from the alarm to its acknowledgement.';

INSERT INTO tracksolid.events (device_id, ts, event_type, severity, speed, geom, frame_seq, raw_frame,
                               payload, acknowledged, ack_after)
WITH fix AS (
  SELECT p.device_id, p.ts, p.speed, p.geom,
         lag(p.speed) OVER w AS prev_speed, lag(p.ts) OVER w AS prev_ts, lead(p.ts) OVER w AS next_ts
  FROM tracksolid.positions p WINDOW w AS (PARTITION BY device_id ORDER BY ts)
), raised AS MATERIALIZED (
  SELECT f.device_id, f.ts, e.event_type, f.speed, f.geom, random() AS r
  FROM fix f
  CROSS JOIN LATERAL (VALUES
    (CASE WHEN f.prev_ts IS NULL OR f.ts - f.prev_ts > interval '15 minutes' THEN 'ignition_on' END),
    (CASE WHEN f.next_ts IS NULL OR f.next_ts - f.ts > interval '15 minutes' THEN 'ignition_off' END),
    (CASE WHEN f.speed > 80 AND coalesce(f.prev_speed, 0) <= 80 THEN 'overspeed' END),
    (CASE WHEN f.prev_speed - f.speed > 35 AND f.speed > 0 THEN 'harsh_braking' END)
  ) e(event_type)
  WHERE e.event_type IS NOT NULL
  ORDER BY f.device_id, f.ts, e.event_type
)
SELECT device_id, ts, event_type,
       CASE event_type WHEN 'harsh_braking' THEN 3 WHEN 'overspeed' THEN 2 ELSE 1 END,
       speed, geom,
       (device_id::bigint << 48) + row_number() OVER (PARTITION BY device_id ORDER BY ts, event_type),
       '\x7878'::bytea || int4send(device_id) || int8send(extract(epoch FROM ts)::bigint) || '\x0d0a'::bytea,
       jsonb_build_object('speed_kmh', speed, 'limit_kmh', 80, 'source', 'tracksolid_push',
                          'alarm', event_type, 'confirmed', r > 0.1),
       event_type IN ('overspeed', 'harsh_braking') AND r < 0.6,
       CASE WHEN event_type IN ('overspeed', 'harsh_braking') AND r < 0.6
            THEN make_interval(secs => round((r * 3000)::numeric, 0)) END
FROM raised
ORDER BY device_id, ts, event_type;

CREATE INDEX events_device_ts_idx ON tracksolid.events (device_id, ts);

CREATE FUNCTION tracksolid.fn_positions_near(lon double precision, lat double precision,
                                             radius_m double precision,
                                             since timestamptz, until timestamptz)
RETURNS TABLE (device_id integer, ts timestamptz, speed double precision, distance_m double precision)
LANGUAGE sql STABLE
AS $$
  SELECT p.device_id, p.ts, p.speed,
         ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography)
  FROM tracksolid.positions p
  WHERE p.ts >= since AND p.ts < until
    AND ST_DWithin(p.geom::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, radius_m)
  ORDER BY p.ts
$$;
COMMENT ON FUNCTION tracksolid.fn_positions_near(double precision, double precision, double precision, timestamptz, timestamptz) IS
  'Positions within radius_m metres of (lon, lat) between since and until, with their distance. Example: SELECT * FROM tracksolid.fn_positions_near(36.8172, -1.2864, 500, ''2026-10-20'', ''2026-10-21'').';
