-- Loads a demo tracksolid_db shaped like production (same schemas, owners,
-- object kinds and comments) with generated, reproducible data.
--   psql -v scale=1 -d tracksolid_db -f sql/demo/load.sql
-- Needs a superuser, PostGIS and TimescaleDB (preloaded) on the server. scale 1 gives about
-- 20k positions in a few seconds; scale 50 about 1M, for benchmarks.
-- Re-running replaces the demo schemas (and only a database marked as a demo).
-- Afterwards apply the read-only role: scripts/bootstrap_analytics_ro.sh.

\set ON_ERROR_STOP on
\set QUIET on

\if :{?scale}
\else
  \set scale 1
\endif
-- Timestamps are anchored, not taken from now(), so every load of the same
-- scale holds the same rows; the data covers the 14 days before the anchor.
\if :{?anchor}
\else
  \set anchor '2026-11-01 00:00:00+03'
\endif

-- Sizes grow with the square root of scale on two axes (vehicles, trips per
-- vehicle), so positions grow linearly: 40 x 10 x 50 points at scale 1.
SELECT greatest(1, round(40 * sqrt((:'scale')::numeric)))::int AS n_devices,
       greatest(1, round(10 * sqrt((:'scale')::numeric)))::int AS trips_per_device,
       50                                                      AS points_per_trip,
       greatest(20, round(300 * (:'scale')::numeric))::int     AS n_incidents,
       (:'anchor')::timestamptz                                AS anchor_ts
\gset

\echo 'demo: loading tracksolid_db at scale' :scale 'with' :n_devices 'vehicles,' :trips_per_device 'trips each'

BEGIN;
-- One backend, no parallel workers: random() after a fixed seed then yields
-- the same sequence on every load.
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL client_min_messages = warning;

\ir setup.sql
\ir tracksolid.sql
\ir fuel.sql
\ir tickets.sql
\ir reporting.sql
\ir infrastructure.sql

RESET ROLE;
COMMIT;

ANALYZE;
\echo 'demo: loaded'
SELECT (SELECT count(*) FROM tracksolid.devices)   AS devices,
       (SELECT count(*) FROM tracksolid.positions) AS positions,
       (SELECT count(*) FROM reporting.v_trips)    AS trips,
       (SELECT count(*) FROM tickets.inc)          AS incidents,
       (SELECT count(*) FROM fuel.records)         AS fuel_records;
