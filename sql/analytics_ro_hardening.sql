-- Opt-in hardening beside analytics_ro_role.sql: takes EXECUTE on the functions
-- whose effects outlive a rolled-back transaction away from PUBLIC, so that
-- analytics_ro cannot call them even from inside a view or a plpgsql body,
-- which fleetmcp's name check (src/side_effects/) cannot see into.
-- Run as a superuser:   psql -d tracksolid_db -f sql/analytics_ro_hardening.sql
--
-- Opt-in because it changes every role of the database, not just
-- analytics_ro: a privilege held through PUBLIC can only be taken from PUBLIC.
-- So it grants EXECUTE straight back to the owning roles (the roles that own
-- the data and run the ingestion, which may use advisory locks or notify),
-- and superusers bypass the check anyway. Add any other role that needs one of
-- these functions to `keep` below before running it. Idempotent.
-- The names are those of src/side_effects/side_effect_guard.cpp's rules.

\set ON_ERROR_STOP on
BEGIN;

DO $harden$
DECLARE
  keep constant text[] := ARRAY['tracksolid_owner'];
  patterns constant text[] := ARRAY[
    'pg_logical_emit_message', 'txid_current', 'pg_current_xact_id',
    'pg\_advisory\_%', 'pg\_try\_advisory\_%',
    'pg_cancel_backend', 'pg_terminate_backend', 'pg_notify',
    'lo\_%', 'loread', 'lowrite', 'pg_stat_get_activity', 'pg_stat_get_backend_activity'];
  fn regprocedure;
  r text;
BEGIN
  FOR fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace
      AND p.proname LIKE ANY (patterns)
      AND has_function_privilege('public', p.oid, 'EXECUTE')
    ORDER BY 1
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
    FOREACH r IN ARRAY keep LOOP
      IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, r);
      END IF;
    END LOOP;
    RAISE NOTICE 'PUBLIC no longer executes %', fn;
  END LOOP;
  -- A view reads with its owner's rights, so pg_stat_activity needs its own REVOKE.
  REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC;
  FOREACH r IN ARRAY keep LOOP
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('GRANT SELECT ON pg_catalog.pg_stat_activity TO %I', r);
    END IF;
  END LOOP;
END
$harden$;

COMMIT;
\echo 'analytics_ro hardening applied'
