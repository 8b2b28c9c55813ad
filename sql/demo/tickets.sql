-- Demo database, step 4: field-service tickets (incidents, changes, status
-- history, daily snapshots) and their geography, owned by tracksolid_owner.
-- Included by load.sql.

SET ROLE tracksolid_owner;
SET seed = 0.37;

CREATE TABLE tickets.geo_clusters (
  cluster_id text PRIMARY KEY,
  name       text NOT NULL,
  region     text NOT NULL,
  boundary   geometry(Polygon, 32737) NOT NULL,
  centroid   geometry(Point, 4326) NOT NULL,
  area_km2   numeric(8, 2) NOT NULL
);
COMMENT ON TABLE tickets.geo_clusters IS
  'Maintenance clusters: the area a field team covers. Boundaries are in UTM zone 37S (SRID 32737, metres); transform points with ST_Transform(geom, 32737) before testing containment.';
COMMENT ON COLUMN tickets.geo_clusters.boundary IS 'Cluster boundary, UTM 37S (SRID 32737).';
COMMENT ON COLUMN tickets.geo_clusters.centroid IS 'Centre of the cluster, WGS 84.';

INSERT INTO tickets.geo_clusters
WITH centre(cluster_id, name, region, lat, lon, radius_m) AS (
  VALUES ('NRB-CBD-1', 'CBD North',        'Nairobi CBD', -1.2790, 36.8200, 3000),
         ('NRB-CBD-2', 'CBD South',        'Nairobi CBD', -1.3010, 36.8230, 3000),
         ('NRB-WL-1',  'Westlands',        'Westlands',   -1.2650, 36.8050, 4000),
         ('NRB-WL-2',  'Kangemi',          'Westlands',   -1.2620, 36.7500, 4000),
         ('NRB-EMB-1', 'Embakasi',         'Embakasi',    -1.3190, 36.8950, 5000),
         ('NRB-EMB-2', 'Utawala',          'Embakasi',    -1.2900, 36.9650, 5000),
         ('THK-1',     'Thika Town',       'Thika',       -1.0333, 37.0693, 6000),
         ('THK-2',     'Ruiru',            'Thika',       -1.1460, 36.9600, 6000),
         ('KJD-1',     'Kitengela',        'Kajiado',     -1.4730, 36.9600, 8000),
         ('KJD-2',     'Kajiado Town',     'Kajiado',     -1.8524, 36.7820, 8000),
         ('MKS-1',     'Machakos Town',    'Machakos',    -1.5177, 37.2634, 7000),
         ('MKS-2',     'Athi River',       'Machakos',    -1.4560, 36.9780, 7000)
)
SELECT cluster_id, name, region,
       ST_Buffer(ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 32737), radius_m, 8),
       ST_SetSRID(ST_MakePoint(lon, lat), 4326),
       round((pi() * radius_m * radius_m / 1e6)::numeric, 2)
FROM centre;

CREATE TABLE tickets.geo_locations (
  location_id integer PRIMARY KEY,
  site_code   text NOT NULL UNIQUE,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('bts', 'hub', 'data_centre', 'customer')),
  cluster_id  text NOT NULL REFERENCES tickets.geo_clusters,
  region      text NOT NULL,
  geom        geometry(Point, 4326) NOT NULL,
  address     text,
  attributes  jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE tickets.geo_locations IS
  'Sites where incidents happen: base stations, hubs, data centres, customer premises.';
COMMENT ON COLUMN tickets.geo_locations.site_code IS 'Operator site code, e.g. NRB-WL-1-004.';

INSERT INTO tickets.geo_locations
SELECT row_number() OVER (ORDER BY c.cluster_id, s),
       c.cluster_id || '-' || lpad(s::text, 3, '0'),
       c.name || ' site ' || s,
       (ARRAY['bts', 'bts', 'bts', 'hub', 'customer', 'customer', 'data_centre'])[1 + s % 7],
       c.cluster_id, c.region,
       ST_Transform(ST_SetSRID(ST_MakePoint(ST_X(ST_Transform(c.centroid, 32737)) + (random() - 0.5) * 3000,
                                            ST_Y(ST_Transform(c.centroid, 32737)) + (random() - 0.5) * 3000),
                               32737), 4326),
       CASE WHEN s % 4 = 0 THEN NULL ELSE 'Plot ' || (s * 13) || ', ' || c.name END,
       jsonb_build_object('power', CASE WHEN s % 3 = 0 THEN 'grid+generator' ELSE 'grid' END,
                          'tower_height_m', 20 + s % 5 * 10)
FROM tickets.geo_clusters c
CROSS JOIN generate_series(1, 10 * ceil(sqrt((:'scale')::numeric))::int) s
ORDER BY c.cluster_id, s;

CREATE TABLE tickets.inc (
  inc_id             bigint PRIMARY KEY,
  inc_number         text NOT NULL UNIQUE,
  opened_at          timestamptz NOT NULL,
  acknowledged_at    timestamptz,
  resolved_at        timestamptz,
  closed_at          timestamptz,
  status             text NOT NULL CHECK (status IN ('Assigned', 'In Progress', 'Pending', 'Resolved', 'Closed', 'Cancelled')),
  priority           text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  category           text NOT NULL,
  summary            text NOT NULL,
  region             text NOT NULL,
  cluster_id         text REFERENCES tickets.geo_clusters,
  location_id        integer REFERENCES tickets.geo_locations,
  assigned_device_id integer REFERENCES tracksolid.devices,
  assignee           text,
  sla_hours          integer NOT NULL,
  sla_due_at         timestamptz NOT NULL,
  sla_breached       boolean NOT NULL,
  sla_paused         interval NOT NULL DEFAULT '0',
  tags               text[] NOT NULL DEFAULT '{}',
  raw                text NOT NULL,
  geog               geography(Point, 4326),
  geom               geometry(Point, 4326)
);
COMMENT ON TABLE tickets.inc IS
  'Incident tickets from the ITSM tool, typed, with the raw export line kept in raw. Open ones: status in (Assigned, In Progress, Pending); see also inc_open_sla.';
COMMENT ON COLUMN tickets.inc.inc_number         IS 'ITSM number, e.g. INC000123.';
COMMENT ON COLUMN tickets.inc.status             IS 'Assigned, In Progress, Pending (open); Resolved, Closed, Cancelled (done).';
COMMENT ON COLUMN tickets.inc.priority           IS 'P1 (critical) to P4 (low).';
COMMENT ON COLUMN tickets.inc.assigned_device_id IS 'Vehicle dispatched to the incident (tracksolid.devices.device_id), if any.';
COMMENT ON COLUMN tickets.inc.sla_hours          IS 'Resolution target for the priority: P1 4, P2 8, P3 24, P4 72 hours.';
COMMENT ON COLUMN tickets.inc.sla_due_at         IS 'opened_at + sla_hours + sla_paused.';
COMMENT ON COLUMN tickets.inc.sla_breached       IS 'Resolved after sla_due_at, or still open when the data was loaded and past it.';
COMMENT ON COLUMN tickets.inc.sla_paused         IS 'Time the SLA clock was stopped (status Pending, waiting on the customer).';
COMMENT ON COLUMN tickets.inc.raw                IS 'The pipe-separated line as exported by the ITSM tool, before typing.';
COMMENT ON COLUMN tickets.inc.geog               IS 'Incident location as geography; ST_DWithin(geog, ..., metres) for radius searches. NULL when the address could not be geocoded.';
COMMENT ON COLUMN tickets.inc.geom               IS 'The same location as geometry (SRID 4326), for joins with the other spatial tables.';

INSERT INTO tickets.inc
WITH base AS MATERIALIZED (
  SELECT i,
         date_trunc('second', :'anchor'::timestamptz - interval '30 days' + random() * interval '30 days') AS opened_at,
         (ARRAY['P1', 'P2', 'P2', 'P3', 'P3', 'P3', 'P4'])[1 + floor(random() * 7)::int] AS priority,
         floor(random() * 8)::int AS cat,
         1 + floor(random() * (SELECT count(*) FROM tickets.geo_locations))::int AS location_id,
         random() AS r1, random() AS r2, random() AS r3
  FROM generate_series(1, :n_incidents) i
  ORDER BY i
), timed AS (
  SELECT b.*, l.cluster_id, l.region, l.geom AS site_geom,
         CASE b.priority WHEN 'P1' THEN 4 WHEN 'P2' THEN 8 WHEN 'P3' THEN 24 ELSE 72 END AS sla_hours,
         CASE WHEN b.r3 < 0.15 THEN make_interval(hours => (b.r3 * 40)::int) ELSE interval '0' END AS paused,
         b.opened_at + (5 + b.r1 * 55) * interval '1 minute' AS acknowledged_at
  FROM base b JOIN tickets.geo_locations l USING (location_id)
), resolved AS (
  SELECT t.*,
         t.opened_at + t.sla_hours * (0.2 + t.r2 * 1.6) * interval '1 hour' + t.paused AS would_resolve,
         t.opened_at + t.sla_hours * interval '1 hour' + t.paused AS due
  FROM timed t
), stated AS (
  SELECT r.*,
         CASE WHEN r.r1 > 0.97 THEN 'Cancelled'
              -- A few wait on a customer or a part, whatever their age.
              WHEN r.would_resolve > :'anchor'::timestamptz OR r.r1 > 0.90 THEN
                (ARRAY['Assigned', 'In Progress', 'Pending'])[1 + (r.i % 3)]
              WHEN r.would_resolve + interval '24 hours' > :'anchor'::timestamptz THEN 'Resolved'
              ELSE 'Closed' END AS status
  FROM resolved r
)
SELECT i,
       'INC' || lpad(i::text, 6, '0'),
       opened_at,
       acknowledged_at,
       CASE WHEN status IN ('Resolved', 'Closed') THEN would_resolve END,
       CASE WHEN status = 'Closed' THEN would_resolve + interval '24 hours'
            WHEN status = 'Cancelled' THEN acknowledged_at END,
       status, priority,
       (ARRAY['Fibre', 'Power', 'Power', 'Transmission', 'Customer', 'Security', 'Change', 'Environment'])[1 + cat],
       (ARRAY['Fibre cut', 'Power outage at site', 'Generator failure', 'Link flapping',
              'Customer CPE down', 'Vandalism / theft', 'Planned works overrun', 'Air-con failure'])[1 + cat],
       region, cluster_id, location_id,
       CASE WHEN r3 < 0.8 THEN 1 + (i * 7919) % :n_devices END,
       CASE WHEN status = 'Assigned' AND r3 > 0.5 THEN NULL
            ELSE (ARRAY['team.nairobi', 'team.thika', 'team.kajiado', 'team.machakos', 'noc.l2'])[1 + i % 5] END,
       sla_hours, due,
       CASE WHEN status IN ('Resolved', 'Closed') THEN would_resolve > due
            WHEN status = 'Cancelled' THEN false
            ELSE :'anchor'::timestamptz > due END,
       paused,
       CASE WHEN cat = 5 THEN ARRAY['security', 'police-report'] WHEN priority = 'P1' THEN ARRAY['major'] ELSE '{}' END,
       concat_ws('|', 'INC' || lpad(i::text, 6, '0'), priority,
                 (ARRAY['Fibre cut', 'Power outage at site', 'Generator failure', 'Link flapping',
                        'Customer CPE down', 'Vandalism / theft', 'Planned works overrun', 'Air-con failure'])[1 + cat],
                 region, cluster_id, to_char(opened_at AT TIME ZONE 'Africa/Nairobi', 'DD/MM/YYYY HH24:MI'),
                 CASE WHEN r2 < 0.05 THEN 'location: see site visit report' ELSE 'site ' || location_id END),
       CASE WHEN r2 >= 0.05 THEN ST_Translate(site_geom, (r1 - 0.5) * 0.002, (r3 - 0.5) * 0.002)::geography END,
       CASE WHEN r2 >= 0.05 THEN ST_Translate(site_geom, (r1 - 0.5) * 0.002, (r3 - 0.5) * 0.002) END
FROM stated
ORDER BY i;

CREATE INDEX inc_opened_idx ON tickets.inc (opened_at);
CREATE INDEX inc_status_idx ON tickets.inc (status);
CREATE INDEX inc_geog_idx   ON tickets.inc USING gist (geog);

CREATE TABLE tickets.crq (
  crq_id        bigint PRIMARY KEY,
  crq_number    text NOT NULL UNIQUE,
  inc_id        bigint REFERENCES tickets.inc,
  title         text NOT NULL,
  risk          text NOT NULL CHECK (risk IN ('Low', 'Medium', 'High')),
  status        text NOT NULL CHECK (status IN ('Scheduled', 'Implemented', 'Failed', 'Cancelled')),
  region        text NOT NULL,
  cluster_id    text REFERENCES tickets.geo_clusters,
  planned_start timestamptz NOT NULL,
  planned_end   timestamptz NOT NULL,
  actual_start  timestamptz,
  actual_end    timestamptz,
  approvers     text[] NOT NULL,
  details       jsonb NOT NULL
);
COMMENT ON TABLE tickets.crq IS
  'Change requests (planned works). inc_id links a change raised to fix an incident.';

INSERT INTO tickets.crq
SELECT n,
       'CRQ' || lpad(n::text, 6, '0'),
       CASE WHEN n % 2 = 0 THEN i.inc_id END,
       (ARRAY['Fibre re-route', 'Generator replacement', 'Battery bank upgrade', 'Router firmware upgrade',
              'Site access road repair'])[1 + n % 5],
       (ARRAY['Low', 'Medium', 'High'])[1 + n % 3],
       CASE WHEN i.opened_at + interval '3 days' > :'anchor'::timestamptz THEN 'Scheduled'
            WHEN n % 11 = 0 THEN 'Failed' WHEN n % 13 = 0 THEN 'Cancelled' ELSE 'Implemented' END,
       i.region, i.cluster_id,
       date_trunc('hour', i.opened_at) + interval '2 days',
       date_trunc('hour', i.opened_at) + interval '2 days 4 hours',
       CASE WHEN i.opened_at + interval '3 days' <= :'anchor'::timestamptz AND n % 13 <> 0
            THEN date_trunc('hour', i.opened_at) + interval '2 days 10 minutes' END,
       CASE WHEN i.opened_at + interval '3 days' <= :'anchor'::timestamptz AND n % 13 <> 0
            THEN date_trunc('hour', i.opened_at) + interval '2 days 3 hours' + (n % 7) * interval '20 minutes' END,
       CASE WHEN n % 3 = 0 THEN ARRAY['cab.nairobi', 'ops.manager'] ELSE ARRAY['cab.nairobi'] END,
       jsonb_build_object('outage_expected', n % 4 = 0, 'affected_sites', n % 6,
                          'rollback', 'revert to previous configuration')
FROM tickets.inc i
CROSS JOIN LATERAL (SELECT i.inc_id / 3 AS n) k
WHERE i.inc_id % 3 = 0;

CREATE TABLE tickets.closure_events (
  event_id        bigint PRIMARY KEY,
  inc_id          bigint NOT NULL REFERENCES tickets.inc,
  ts              timestamptz NOT NULL,
  from_status     text,
  to_status       text NOT NULL,
  actor           text NOT NULL,
  resolution_code text
);
COMMENT ON TABLE tickets.closure_events IS
  'Status history of each incident, one row per transition, from opening to closure.';
COMMENT ON COLUMN tickets.closure_events.resolution_code IS 'Set on the transition to Resolved.';

INSERT INTO tickets.closure_events
SELECT row_number() OVER (ORDER BY i.inc_id, e.ts, e.step), i.inc_id, e.ts, e.from_status, e.to_status,
       e.actor, e.resolution_code
FROM tickets.inc i
CROSS JOIN LATERAL (VALUES
  (1, i.opened_at, NULL, 'Assigned', 'itsm.autoroute', NULL),
  (2, i.acknowledged_at, 'Assigned', 'In Progress', coalesce(i.assignee, 'noc.l1'), NULL),
  (3, i.resolved_at, 'In Progress', 'Resolved', coalesce(i.assignee, 'noc.l1'),
      (ARRAY['Repaired', 'Replaced', 'No fault found', 'Third party'])[1 + (i.inc_id % 4)::int]),
  (4, i.closed_at, CASE WHEN i.status = 'Cancelled' THEN 'In Progress' ELSE 'Resolved' END,
      i.status, 'itsm.autoclose', NULL)
) e(step, ts, from_status, to_status, actor, resolution_code)
WHERE e.ts IS NOT NULL
  AND (e.step < 2 OR i.status NOT IN ('Assigned'))
  AND (e.step < 4 OR i.status IN ('Closed', 'Cancelled'));

CREATE TABLE tickets.inc_daily_snapshot (
  snapshot_date   date NOT NULL,
  region          text NOT NULL,
  cluster_id      text NOT NULL REFERENCES tickets.geo_clusters,
  open_count      integer NOT NULL,
  breached_count  integer NOT NULL,
  p1_open         integer NOT NULL,
  oldest_open_age interval,
  mean_age_hours  numeric(8, 2),
  PRIMARY KEY (snapshot_date, region, cluster_id)
);
COMMENT ON TABLE tickets.inc_daily_snapshot IS
  'Open-incident backlog per cluster at the end of each day (Africa/Nairobi), as taken by the nightly job.';

INSERT INTO tickets.inc_daily_snapshot
WITH day AS (
  SELECT d::date AS snapshot_date, (d + interval '1 day') AS day_end
  FROM generate_series((:'anchor'::timestamptz - interval '30 days') AT TIME ZONE 'Africa/Nairobi',
                       (:'anchor'::timestamptz - interval '1 day') AT TIME ZONE 'Africa/Nairobi',
                       interval '1 day') d
)
SELECT d.snapshot_date, c.region, c.cluster_id,
       count(i.inc_id),
       count(i.inc_id) FILTER (WHERE i.sla_due_at < d.day_end AT TIME ZONE 'Africa/Nairobi'),
       count(i.inc_id) FILTER (WHERE i.priority = 'P1'),
       max(d.day_end AT TIME ZONE 'Africa/Nairobi' - i.opened_at),
       round((avg(extract(epoch FROM d.day_end AT TIME ZONE 'Africa/Nairobi' - i.opened_at)) / 3600)::numeric, 2)
FROM day d
CROSS JOIN tickets.geo_clusters c
LEFT JOIN tickets.inc i
  ON i.cluster_id = c.cluster_id
 AND i.opened_at < d.day_end AT TIME ZONE 'Africa/Nairobi'
 AND coalesce(i.resolved_at, i.closed_at, 'infinity') >= d.day_end AT TIME ZONE 'Africa/Nairobi'
GROUP BY d.snapshot_date, c.region, c.cluster_id;

CREATE VIEW tickets.inc_open_sla AS
SELECT i.inc_id, i.inc_number, i.priority, i.status, i.region, i.cluster_id, i.summary, i.assignee,
       i.opened_at, i.sla_due_at,
       now() - i.opened_at        AS age,
       i.sla_due_at - now()       AS time_left,
       i.sla_due_at < now()       AS breached_now,
       i.geom
FROM tickets.inc i
WHERE i.status IN ('Assigned', 'In Progress', 'Pending');
COMMENT ON VIEW tickets.inc_open_sla IS
  'Open incidents with their age and SLA time left, measured against now(). Negative time_left means overdue.';

CREATE FUNCTION tickets.fn_open_by_region()
RETURNS TABLE (region text, open_incidents bigint, breached bigint, p1_open bigint)
LANGUAGE sql STABLE
AS $$
  SELECT region, count(*), count(*) FILTER (WHERE breached_now), count(*) FILTER (WHERE priority = 'P1')
  FROM tickets.inc_open_sla
  GROUP BY region
  ORDER BY count(*) DESC, region
$$;
COMMENT ON FUNCTION tickets.fn_open_by_region() IS
  'Open incidents per region, with how many are past their SLA now and how many are P1. Example: SELECT * FROM tickets.fn_open_by_region().';

CREATE FUNCTION tickets.fn_inc_near(lon double precision, lat double precision, radius_m double precision)
RETURNS TABLE (inc_number text, status text, priority text, opened_at timestamptz, distance_m double precision)
LANGUAGE sql STABLE
AS $$
  SELECT i.inc_number, i.status, i.priority, i.opened_at,
         ST_Distance(i.geog, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography)
  FROM tickets.inc i
  WHERE ST_DWithin(i.geog, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, radius_m)
  ORDER BY 5
$$;
COMMENT ON FUNCTION tickets.fn_inc_near(double precision, double precision, double precision) IS
  'Incidents within radius_m metres of (lon, lat), nearest first. Example: SELECT * FROM tickets.fn_inc_near(36.8172, -1.2864, 2000).';

CREATE FUNCTION tickets.fn_sla_breaches(since timestamptz)
RETURNS TABLE (inc_number text, priority text, region text, cluster_id text, opened_at timestamptz,
               sla_due_at timestamptz, overdue_by interval)
LANGUAGE sql STABLE
AS $$
  SELECT inc_number, priority, region, cluster_id, opened_at, sla_due_at,
         coalesce(resolved_at, now()) - sla_due_at
  FROM tickets.inc
  WHERE sla_breached AND opened_at >= since
  ORDER BY 7 DESC
$$;
COMMENT ON FUNCTION tickets.fn_sla_breaches(timestamptz) IS
  'Incidents opened since a time that breached their SLA, worst first. Example: SELECT * FROM tickets.fn_sla_breaches(''2026-10-01'').';

CREATE FUNCTION tickets.fn_cluster_of(lon double precision, lat double precision)
RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT cluster_id FROM tickets.geo_clusters
  WHERE ST_Contains(boundary, ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 32737))
  ORDER BY cluster_id
  LIMIT 1
$$;
COMMENT ON FUNCTION tickets.fn_cluster_of(double precision, double precision) IS
  'The maintenance cluster containing a WGS 84 point, or NULL. Example: SELECT tickets.fn_cluster_of(36.8050, -1.2650).';
