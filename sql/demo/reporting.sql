-- Demo database, step 5: the reporting layer. As in production the trips
-- matview, its refresh function and log belong to postgres (the refresh job);
-- the summary views and fn_* helpers to tracksolid_owner. Included by load.sql.

RESET ROLE;

CREATE MATERIALIZED VIEW reporting.v_trips AS
WITH marked AS (
  SELECT p.device_id, p.ts, p.geom, p.speed,
         CASE WHEN lag(p.ts) OVER w IS NULL OR p.ts - lag(p.ts) OVER w > interval '15 minutes'
              THEN 1 ELSE 0 END AS starts_trip
  FROM tracksolid.positions p
  WINDOW w AS (PARTITION BY p.device_id ORDER BY p.ts)
), numbered AS (
  SELECT m.*, sum(m.starts_trip) OVER (PARTITION BY m.device_id ORDER BY m.ts) AS trip_seq
  FROM marked m
), trip AS (
  SELECT n.device_id, min(n.ts) AS started_at, max(n.ts) AS ended_at, count(*)::integer AS fixes,
         max(n.speed) AS max_speed_kmh,
         round(avg(n.speed) FILTER (WHERE n.speed > 0)::numeric, 1) AS avg_moving_speed_kmh,
         ST_MakeLine(n.geom ORDER BY n.ts) AS path
  FROM numbered n
  GROUP BY n.device_id, n.trip_seq
)
SELECT row_number() OVER (ORDER BY t.device_id, t.started_at)::bigint AS trip_id,
       t.device_id, d.plate, d.cost_centre, d.region,
       t.started_at, t.ended_at, t.ended_at - t.started_at AS duration, t.fixes,
       round((ST_Length(t.path::geography) / 1000)::numeric, 2) AS distance_km,
       t.max_speed_kmh, t.avg_moving_speed_kmh,
       ST_StartPoint(t.path)::geometry(Point, 4326) AS start_geom,
       ST_EndPoint(t.path)::geometry(Point, 4326)   AS end_geom,
       t.path::geometry(LineString, 4326)           AS path
FROM trip t JOIN tracksolid.devices d USING (device_id)
ORDER BY t.device_id, t.started_at;

CREATE UNIQUE INDEX v_trips_trip_id_idx ON reporting.v_trips (trip_id);
CREATE INDEX v_trips_device_started_idx ON reporting.v_trips (device_id, started_at);
CREATE INDEX v_trips_started_idx ON reporting.v_trips (started_at);

COMMENT ON MATERIALIZED VIEW reporting.v_trips IS
  'One row per trip: consecutive positions of a vehicle with no gap over 15 minutes. Materialized (refreshed nightly by reporting.refresh_v_trips), so it lags the raw positions by up to a day. The usual starting point for mileage, speed and utilisation questions.';
COMMENT ON COLUMN reporting.v_trips.trip_id              IS 'Trip number, stable until the next refresh.';
COMMENT ON COLUMN reporting.v_trips.duration             IS 'ended_at - started_at, idling included.';
COMMENT ON COLUMN reporting.v_trips.fixes                IS 'Number of GPS positions in the trip.';
COMMENT ON COLUMN reporting.v_trips.distance_km          IS 'Length of the driven path on the ellipsoid, km.';
COMMENT ON COLUMN reporting.v_trips.avg_moving_speed_kmh IS 'Mean speed over the fixes with speed > 0, km/h.';
COMMENT ON COLUMN reporting.v_trips.path                 IS 'The driven path as a line, WGS 84.';

-- Views and functions owned by tracksolid_owner read the matview as it.
GRANT SELECT ON reporting.v_trips TO tracksolid_owner;

CREATE TABLE reporting.refresh_log (
  refresh_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  view_name   text NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  duration    interval GENERATED ALWAYS AS (finished_at - started_at) STORED,
  rows        bigint,
  ok          boolean NOT NULL,
  message     text
);
-- The owner of the summary views reads the log too (freshness checks).
GRANT SELECT ON reporting.refresh_log TO tracksolid_owner;
COMMENT ON TABLE reporting.refresh_log IS
  'One row per refresh of a materialized view in reporting: when, how long, how many rows, and the error if it failed. Tells how fresh v_trips is.';

INSERT INTO reporting.refresh_log (view_name, started_at, finished_at, rows, ok, message)
SELECT 'reporting.v_trips',
       :'anchor'::timestamptz - d * interval '1 day' + interval '2 hours',
       :'anchor'::timestamptz - d * interval '1 day' + interval '2 hours' + (40 + d * 3) * interval '1 second',
       CASE WHEN d = 9 THEN NULL ELSE (SELECT count(*) FROM reporting.v_trips) * (15 - d) / 15 END,
       d <> 9,
       CASE WHEN d = 9 THEN 'canceling statement due to lock timeout' END
FROM generate_series(14, 1, -1) d;

CREATE FUNCTION reporting.refresh_v_trips()
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
  started timestamptz := clock_timestamp();
  trips   bigint;
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.v_trips;
  SELECT count(*) INTO trips FROM reporting.v_trips;
  INSERT INTO reporting.refresh_log (view_name, started_at, finished_at, rows, ok)
  VALUES ('reporting.v_trips', started, clock_timestamp(), trips, true);
  RETURN trips;
END
$$;
COMMENT ON FUNCTION reporting.refresh_v_trips() IS
  'Refreshes reporting.v_trips and records it in refresh_log; returns the trip count. Run by the nightly job. It writes, so it fails in a read-only session.';

SET ROLE tracksolid_owner;

CREATE VIEW reporting.v_daily_summary AS
WITH trips AS (
  SELECT (started_at AT TIME ZONE 'Africa/Nairobi')::date AS day, device_id, plate, cost_centre, region,
         count(*) AS trips, sum(distance_km) AS distance_km, sum(duration) AS driving_time,
         max(max_speed_kmh) AS max_speed_kmh
  FROM reporting.v_trips
  GROUP BY 1, device_id, plate, cost_centre, region
), alarms AS (
  SELECT (ts AT TIME ZONE 'Africa/Nairobi')::date AS day, device_id,
         count(*) FILTER (WHERE event_type = 'overspeed')     AS overspeed_events,
         count(*) FILTER (WHERE event_type = 'harsh_braking') AS harsh_braking_events
  FROM tracksolid.events
  GROUP BY 1, device_id
), fills AS (
  SELECT (filled_at AT TIME ZONE 'Africa/Nairobi')::date AS day, device_id,
         sum(litres) AS fuel_litres, sum(amount_kes) AS fuel_cost_kes
  FROM fuel.records
  GROUP BY 1, device_id
)
SELECT t.day, t.device_id, t.plate, t.cost_centre, t.region, t.trips, t.distance_km, t.driving_time,
       t.max_speed_kmh,
       coalesce(a.overspeed_events, 0)     AS overspeed_events,
       coalesce(a.harsh_braking_events, 0) AS harsh_braking_events,
       coalesce(f.fuel_litres, 0)          AS fuel_litres,
       coalesce(f.fuel_cost_kes, 0)        AS fuel_cost_kes
FROM trips t
LEFT JOIN alarms a USING (day, device_id)
LEFT JOIN fills f USING (day, device_id);
COMMENT ON VIEW reporting.v_daily_summary IS
  'Per vehicle and local (Africa/Nairobi) day: trips, km, driving time, top speed, alarms and fuel bought. Only days with at least one trip.';
COMMENT ON COLUMN reporting.v_daily_summary.day IS 'Calendar day in Africa/Nairobi time.';

CREATE VIEW reporting.v_monthly_cost_centre AS
WITH driving AS (
  SELECT date_trunc('month', started_at AT TIME ZONE 'Africa/Nairobi')::date AS month, cost_centre,
         count(DISTINCT device_id) AS vehicles, count(*) AS trips,
         sum(distance_km) AS distance_km, sum(duration) AS driving_time
  FROM reporting.v_trips
  GROUP BY 1, cost_centre
), fuelled AS (
  SELECT date_trunc('month', r.filled_at AT TIME ZONE 'Africa/Nairobi')::date AS month, d.cost_centre,
         sum(r.litres) AS fuel_litres, sum(r.amount_kes) AS fuel_cost_kes
  FROM fuel.records r JOIN tracksolid.devices d USING (device_id)
  GROUP BY 1, d.cost_centre
)
SELECT month, cost_centre,
       coalesce(dr.vehicles, 0) AS vehicles, coalesce(dr.trips, 0) AS trips,
       coalesce(dr.distance_km, 0) AS distance_km, dr.driving_time,
       coalesce(fu.fuel_litres, 0) AS fuel_litres, coalesce(fu.fuel_cost_kes, 0) AS fuel_cost_kes,
       round(fu.fuel_cost_kes / nullif(dr.distance_km, 0), 2) AS cost_per_km_kes
FROM driving dr
FULL JOIN fuelled fu USING (month, cost_centre);
COMMENT ON VIEW reporting.v_monthly_cost_centre IS
  'Per finance cost centre and calendar month: vehicles, trips, km, fuel litres and cost, and fuel cost per km (KES).';

CREATE FUNCTION reporting.fn_device_day(device integer, day date)
RETURNS SETOF reporting.v_trips
LANGUAGE sql STABLE
AS $$
  SELECT * FROM reporting.v_trips
  WHERE device_id = device
    AND started_at >= day::timestamp AT TIME ZONE 'Africa/Nairobi'
    AND started_at <  (day + 1)::timestamp AT TIME ZONE 'Africa/Nairobi'
  ORDER BY started_at
$$;
COMMENT ON FUNCTION reporting.fn_device_day(integer, date) IS
  'Trips of one vehicle on one local day, in order. Example: SELECT trip_id, started_at, distance_km FROM reporting.fn_device_day(7, ''2026-10-25'').';

CREATE FUNCTION reporting.fn_trips_between(since timestamptz, until timestamptz)
RETURNS SETOF reporting.v_trips
LANGUAGE sql STABLE
AS $$
  SELECT * FROM reporting.v_trips WHERE started_at >= since AND started_at < until ORDER BY started_at
$$;
COMMENT ON FUNCTION reporting.fn_trips_between(timestamptz, timestamptz) IS
  'Trips that started in [since, until). Example: SELECT count(*) FROM reporting.fn_trips_between(''2026-10-20'', ''2026-10-27'').';

CREATE FUNCTION reporting.fn_top_speeders(since timestamptz, until timestamptz, n integer DEFAULT 10)
RETURNS TABLE (device_id integer, plate text, overspeed_events bigint, max_speed_kmh double precision)
LANGUAGE sql STABLE
AS $$
  SELECT e.device_id, d.plate, count(*), max(e.speed)
  FROM tracksolid.events e JOIN tracksolid.devices d USING (device_id)
  WHERE e.event_type = 'overspeed' AND e.ts >= since AND e.ts < until
  GROUP BY e.device_id, d.plate
  ORDER BY 3 DESC, 4 DESC, 1
  LIMIT n
$$;
COMMENT ON FUNCTION reporting.fn_top_speeders(timestamptz, timestamptz, integer) IS
  'Vehicles with the most overspeed alarms (> 80 km/h) in [since, until). Example: SELECT * FROM reporting.fn_top_speeders(''2026-10-18'', ''2026-11-01'', 5).';

CREATE FUNCTION reporting.fn_cost_centre_month(month date)
RETURNS SETOF reporting.v_monthly_cost_centre
LANGUAGE sql STABLE
AS $$
  SELECT * FROM reporting.v_monthly_cost_centre
  WHERE v_monthly_cost_centre.month = date_trunc('month', fn_cost_centre_month.month)::date
  ORDER BY cost_centre
$$;
COMMENT ON FUNCTION reporting.fn_cost_centre_month(date) IS
  'The monthly cost-centre figures for the month containing month. Example: SELECT * FROM reporting.fn_cost_centre_month(''2026-10-01'').';

CREATE FUNCTION reporting.fn_last_position(device integer)
RETURNS TABLE (ts timestamptz, lon double precision, lat double precision, speed double precision,
               geom geometry(Point, 4326))
LANGUAGE sql STABLE
AS $$
  SELECT p.ts, ST_X(p.geom), ST_Y(p.geom), p.speed, p.geom
  FROM tracksolid.positions p
  WHERE p.device_id = device
  ORDER BY p.ts DESC
  LIMIT 1
$$;
COMMENT ON FUNCTION reporting.fn_last_position(integer) IS
  'The latest GPS position of a vehicle. Example: SELECT * FROM reporting.fn_last_position(7).';
