-- Demo database, step 1: refuses a non-demo database, then (re)creates the
-- owning role, PostGIS, TimescaleDB and the four production schemas. Included by load.sql.

DO $guard$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'the demo loader needs a superuser (it creates roles, PostGIS and objects owned by postgres)';
  END IF;
  -- Production has these schemas too; only a database this loader made (its
  -- schema comment starts with "Demo") may be dropped and reloaded.
  IF EXISTS (SELECT FROM pg_namespace
             WHERE nspname = 'tracksolid'
               AND coalesce(obj_description(oid, 'pg_namespace'), '') NOT LIKE 'Demo%') THEN
    RAISE EXCEPTION 'database % already has a tracksolid schema that is not the demo; refusing to replace it',
      current_database();
  END IF;
END
$guard$;

-- In production most objects belong to tracksolid_owner (the ingest
-- services' role) and some to postgres (the refresh jobs); the demo does the
-- same, creating "postgres" objects as the loading superuser.
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tracksolid_owner') THEN
    CREATE ROLE tracksolid_owner NOLOGIN;
  END IF;
END
$roles$;

CREATE EXTENSION IF NOT EXISTS postgis;
-- Needs shared_preload_libraries = 'timescaledb' (scripts/testdb sets it).
CREATE EXTENSION IF NOT EXISTS timescaledb;

-- Dropping a schema drops its hypertables and, with them, their chunks.
DROP SCHEMA IF EXISTS reporting, tracksolid, tickets, fuel, infrastructure CASCADE;

CREATE SCHEMA tracksolid AUTHORIZATION tracksolid_owner;
CREATE SCHEMA tickets    AUTHORIZATION tracksolid_owner;
CREATE SCHEMA fuel       AUTHORIZATION tracksolid_owner;
CREATE SCHEMA reporting  AUTHORIZATION tracksolid_owner;

COMMENT ON SCHEMA tracksolid IS
  'Demo of the Tracksolid GPS telematics feed: vehicles (devices), their GPS positions and device events (TimescaleDB hypertables).';
COMMENT ON SCHEMA tickets IS
  'Demo of the field-service ticketing data: incidents (inc), change requests (crq), status history, daily snapshots and the geography of clusters and sites.';
COMMENT ON SCHEMA fuel IS
  'Demo of fuel-card transactions per vehicle and the state of their ingestion.';
COMMENT ON SCHEMA reporting IS
  'Demo of the curated reporting layer: trips (materialized), daily and monthly summaries and helper functions. Start here.';
