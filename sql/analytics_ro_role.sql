-- The read-only role fleetmcp connects as, as the production deployment defines it.
-- Idempotent and all-or-nothing (one transaction); run as a superuser:
--   psql -v ro_password=... -d tracksolid_db -f sql/analytics_ro_role.sql
-- scripts/bootstrap_analytics_ro.sh generates the password and feeds it in on
-- stdin, so the password never sits in this repository or on a command line.
--
-- What the role gets, and nothing else:
--   CONNECT on this database; USAGE on the readable schemas; SELECT on their
--   tables, views and materialized views; EXECUTE on their functions; the same
--   for objects that the owning roles create later (default privileges);
--   read-only transactions by default and short timeouts.
-- Every grant below only ever names analytics_ro: no other role is changed.

\set ON_ERROR_STOP on
\set QUIET on

\if :{?ro_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'analytics_ro_role.sql needs the password: psql -v ro_password=... '
                                '(scripts/bootstrap_analytics_ro.sh does this)'; END $$;
\endif

BEGIN;

DO $superuser$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'run analytics_ro_role.sql as a superuser (it sets default privileges for '
                    'the owning roles and keeps the password out of the log), not as %', current_user;
  END IF;
END
$superuser$;

-- Keep the password out of the server log whatever its logging settings.
SET LOCAL log_statement = 'none';
SET LOCAL log_min_duration_statement = -1;
SET LOCAL log_min_error_statement = 'panic';
-- Stored as a SCRAM verifier whatever the server's default is.
SET LOCAL password_encryption = 'scram-sha-256';
-- The password travels in a transaction-local setting, read back below,
-- because psql does not substitute :variables inside dollar-quoted DO bodies.
SET LOCAL fleetmcp.ro_password = :'ro_password';

DO $role$
DECLARE
  pw text := current_setting('fleetmcp.ro_password');
BEGIN
  IF length(pw) < 16 THEN
    RAISE EXCEPTION 'ro_password is too short (% characters); use at least 16', length(pw);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'analytics_ro') THEN
    EXECUTE format('CREATE ROLE analytics_ro LOGIN PASSWORD %L', pw);
  END IF;
  -- Re-asserted on every run so a hand-edited role converges back.
  EXECUTE format('ALTER ROLE analytics_ro WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
                 'NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L', pw);
END
$role$;
-- The plain-text password must not linger in the session.
SET LOCAL fleetmcp.ro_password = '';

-- Session defaults. They are a safety net, not the boundary (a session may SET
-- them back); the boundary is that the role holds no write privilege at all.
ALTER ROLE analytics_ro SET default_transaction_read_only = on;
ALTER ROLE analytics_ro SET statement_timeout = '30s';
ALTER ROLE analytics_ro SET idle_in_transaction_session_timeout = '60s';
-- Temp files survive no rollback of ours but fill the server's disk while a
-- query runs: a 5-second sort of generate_series(1, 300000000) wrote 1.24 GB
-- of them with the default -1 (no limit). 1GB is far above what an analyst's
-- sort or hash of the demo's largest table spills, and small beside the data
-- disk. temp_file_limit is superuser-only (PGC_SUSET), so only this ALTER ROLE
-- (run by a superuser) can set it: a connection's options cannot, and the
-- role cannot SET it back.
ALTER ROLE analytics_ro SET temp_file_limit = '1GB';

DO $grants$
DECLARE
  readable  constant text[] := ARRAY['reporting', 'tracksolid', 'tickets', 'fuel'];
  owners    constant text[] := ARRAY['tracksolid_owner', 'postgres'];
  s text;
  o text;
  f regprocedure;
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO analytics_ro', current_database());
  -- Database-level CREATE would let the role create schemas.
  EXECUTE format('REVOKE CREATE ON DATABASE %I FROM analytics_ro', current_database());

  FOREACH s IN ARRAY readable LOOP
    IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = s) THEN
      RAISE NOTICE 'schema % does not exist here; skipped', s;
      CONTINUE;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO analytics_ro', s);
    -- ALL TABLES covers tables, views, materialized views, partitioned and
    -- foreign tables.
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO analytics_ro', s);
    -- EXECUTE on every function but the SECURITY DEFINER ones: those run
    -- with their owner's rights (reporting.refresh_v_trips() writes), and
    -- sql/analytics_ro_hardening.sql takes EXECUTE on them away; running this
    -- file again must not give it back. (Through PUBLIC the role may still
    -- run them until the hardening is applied; doctor lists them.)
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = s::regnamespace AND NOT p.prosecdef LOOP
      EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO analytics_ro', f);
    END LOOP;

    FOREACH o IN ARRAY owners LOOP
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = o) THEN
        RAISE NOTICE 'owning role % does not exist here; no default privileges for it', o;
        CONTINUE;
      END IF;
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I '
                     'GRANT SELECT ON TABLES TO analytics_ro', o, s);
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I '
                     'GRANT EXECUTE ON FUNCTIONS TO analytics_ro', o, s);
    END LOOP;
  END LOOP;

  -- Stated on its own because the trips matview is the object analysts use
  -- most and information_schema does not list it; ALL TABLES above covers it.
  IF to_regclass('reporting.v_trips') IS NOT NULL THEN
    GRANT SELECT ON reporting.v_trips TO analytics_ro;
  END IF;

  -- In every schema, take back any write privilege an earlier hand grant
  -- may have left (nextval needs sequence USAGE, so that goes too). Read
  -- grants outside the list above are left alone: an operator may add a
  -- schema on purpose, and re-running this file must not undo that.
  FOR s IN
    SELECT nspname FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND nspname NOT LIKE 'pg\_temp\_%' AND nspname NOT LIKE 'pg\_toast\_temp\_%'
  LOOP
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM analytics_ro', s);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER '
                   'ON ALL TABLES IN SCHEMA %I FROM analytics_ro', s);
    EXECUTE format('REVOKE USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA %I FROM analytics_ro', s);
  END LOOP;

  -- infrastructure holds service credentials: nothing there, ever.
  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'infrastructure') THEN
    REVOKE ALL ON SCHEMA infrastructure FROM analytics_ro;
    REVOKE ALL ON ALL TABLES IN SCHEMA infrastructure FROM analytics_ro;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA infrastructure FROM analytics_ro;
  END IF;
END
$grants$;

-- TEMP: PostgreSQL grants TEMPORARY on every database to PUBLIC, and a REVOKE
-- naming analytics_ro cannot remove a grant held through PUBLIC. Taking it
-- from PUBLIC would change every other role, so we leave it. It gives no way
-- to write: CREATE TEMP TABLE is refused in a read-only transaction (which is
-- this role's default and what fleetmcp always opens), temp objects vanish
-- with the session, and fleetmcp discards session state between calls.
--
-- CREATE: the role must be able to create nothing anywhere. Since
-- PostgreSQL 15 PUBLIC no longer has CREATE on schema public, but a database
-- upgraded from an older release may still grant it; that would reach
-- analytics_ro through PUBLIC, so we stop rather than leave a way to write.
DO $verify$
DECLARE
  creatable text;
  memberships text;
BEGIN
  -- Membership in another role brings that role's privileges along.
  SELECT string_agg(quote_ident(r.rolname), ', ' ORDER BY r.rolname) INTO memberships
  FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
  WHERE m.member = 'analytics_ro'::regrole;
  IF memberships IS NOT NULL THEN
    RAISE EXCEPTION 'analytics_ro is a member of %, which gives it more than this file grants', memberships
      USING HINT = 'REVOKE <role> FROM analytics_ro; then run this file again.';
  END IF;
  SELECT string_agg(quote_ident(nspname), ', ' ORDER BY nspname) INTO creatable
  FROM pg_namespace
  WHERE has_schema_privilege('analytics_ro', oid, 'CREATE');
  IF creatable IS NOT NULL THEN
    RAISE EXCEPTION 'analytics_ro could CREATE in schema(s) %, through a grant to PUBLIC', creatable
      USING HINT = 'Run, as the schema owner: REVOKE CREATE ON SCHEMA <schema> FROM PUBLIC; '
                   '(the PostgreSQL 15+ default for public), then run this file again.';
  END IF;
  IF has_database_privilege('analytics_ro', current_database(), 'CREATE') THEN
    RAISE EXCEPTION 'analytics_ro could create schemas in %, through a grant to PUBLIC', current_database()
      USING HINT = format('REVOKE CREATE ON DATABASE %I FROM PUBLIC;', current_database());
  END IF;
END
$verify$;

COMMIT;
\echo 'analytics_ro: role and grants applied'
