-- Opt-in hardening beside analytics_ro_role.sql. Run as a superuser:
--   psql -d tracksolid_db -f sql/analytics_ro_hardening.sql
--
-- 1. Takes EXECUTE on the functions whose effects outlive a rolled-back
--    transaction (and SELECT on the views that show other sessions' SQL) away
--    from PUBLIC, so that analytics_ro cannot reach them even from inside a
--    plpgsql body, which fleetmcp's checks (src/side_effects/) cannot see into.
-- 2. Takes EXECUTE on every SECURITY DEFINER function analytics_ro can run
--    (e.g. reporting.refresh_v_trips(), which writes with its owner's rights)
--    away from PUBLIC and from analytics_ro: without this, only fleetmcp's
--    READ ONLY transaction stands between the role and those writes.
--    `fleetmcp doctor` lists the functions this closes.
--
-- Opt-in because it changes every role of the database, not just
-- analytics_ro: a privilege held through PUBLIC can only be taken from PUBLIC.
-- So it grants the privilege straight back to the owning roles (`keep`: the
-- roles that own the data and run the ingestion, which may use advisory locks
-- or notify, or run the nightly refresh) and to each SECURITY DEFINER
-- function's owner; superusers bypass the check anyway. Add any other role
-- that needs one of these to `keep` below before running it. Idempotent.

\set ON_ERROR_STOP on
BEGIN;

DO $harden$
DECLARE
  keep constant text[] := ARRAY['tracksolid_owner'];
  -- The names src/side_effects/side_effect_guard.cpp refuses, '*' being any
  -- text; tests/unit/hardening_sql_test.cpp keeps the two lists identical.
  -- Functions refused when called:
  called constant text[] := ARRAY[
    'pg_logical_emit_message', 'txid_current', 'pg_current_xact_id',
    'pg_advisory_*', 'pg_try_advisory_*',
    'pg_cancel_backend', 'pg_terminate_backend', 'pg_signal_backend',
    'pg_reload_conf', 'pg_rotate_logfile', 'pg_log_backend_memory_contexts',
    'lo_*', 'loread', 'lowrite', 'pg_notify',
    'pg_create_*', 'pg_drop_replication_slot', 'pg_copy_*_replication_slot',
    'pg_replication_*', 'pg_logical_slot_*',
    'pg_backup_*', 'pg_start_backup', 'pg_stop_backup', 'pg_switch_wal',
    'pg_promote', 'pg_wal_replay_*', 'pg_import_system_collations',
    'dblink*', 'query_to_xml*', 'ts_stat'];
  -- Views and functions refused wherever they are named (other sessions' SQL):
  named constant text[] := ARRAY[
    'pg_stat_activity', 'pg_stat_get_activity', 'pg_stat_get_backend_activity',
    'pg_stat_statements*'];
  fn_patterns text[];
  view_patterns text[];
  target record;
  r text;
BEGIN
  SELECT array_agg(replace(replace(p, '_', '\_'), '*', '%')) INTO fn_patterns FROM unnest(called || named) p;
  SELECT array_agg(replace(replace(p, '_', '\_'), '*', '%')) INTO view_patterns FROM unnest(named) p;

  -- Each row: the privilege, the object, whom to take it from, whom to give it back to.
  FOR target IN
    -- PostgreSQL's own functions, and those of extensions such as dblink and
    -- pg_stat_statements (a function an owner wrote under such a name is
    -- refused by fleetmcp's check and left alone here).
    SELECT 'EXECUTE' AS privilege, 'FUNCTION ' || p.oid::regprocedure AS object, 'PUBLIC' AS revoke_from,
           keep AS give_back
    FROM pg_proc p
    WHERE p.proname LIKE ANY (fn_patterns)
      AND (p.pronamespace = 'pg_catalog'::regnamespace
           OR EXISTS (SELECT FROM pg_depend d
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))
      AND has_function_privilege('public', p.oid, 'EXECUTE')
    UNION ALL
    -- A view reads with its owner's rights, so pg_stat_activity (and
    -- pg_stat_statements, where installed) needs its own REVOKE.
    SELECT 'SELECT', c.oid::regclass::text, 'PUBLIC', keep
    FROM pg_class c
    WHERE c.relkind = 'v' AND c.relname LIKE ANY (view_patterns)
      AND (c.relnamespace = 'pg_catalog'::regnamespace
           OR EXISTS (SELECT FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
      AND has_table_privilege('public', c.oid, 'SELECT')
    UNION ALL
    -- SECURITY DEFINER functions outside PostgreSQL's and the extensions' own
    -- that analytics_ro can execute: they run with their owner's rights.
    SELECT 'EXECUTE', 'ROUTINE ' || p.oid::regprocedure, 'PUBLIC, analytics_ro',
           keep || pg_get_userbyid(p.proowner)::text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prosecdef AND p.prokind IN ('f', 'p')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT FROM pg_depend d
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
      AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'analytics_ro')
      AND has_function_privilege('analytics_ro', p.oid, 'EXECUTE')
    ORDER BY 1, 2
  LOOP
    EXECUTE format('REVOKE %s ON %s FROM %s', target.privilege, target.object, target.revoke_from);
    FOREACH r IN ARRAY target.give_back LOOP
      IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('GRANT %s ON %s TO %I', target.privilege, target.object, r);
      END IF;
    END LOOP;
    RAISE NOTICE '% no longer has % on %', target.revoke_from, target.privilege, target.object;
  END LOOP;
END
$harden$;

COMMIT;
\echo 'analytics_ro hardening applied'
