-- Hostile statements for tests/integration/hostile_corpus_test.cpp. Each entry
-- starts with "-- expect: TEXT" (a substring the answer must contain; several
-- alternatives separated by " || "), optionally "-- tool: NAME" (default query)
-- and "-- args: {JSON}" (more arguments); the lines up to the next entry are
-- the sql argument. After each entry nothing in the database has changed, no
-- 'demo-secret-' value came back and the server still answers SELECT 1.

-- Multi-statement escapes
-- expect: Only one statement per call
SELECT 1; COMMIT; DELETE FROM fuel.records
-- expect: Only one statement per call
SELECT 1; ROLLBACK; BEGIN READ WRITE; DELETE FROM fuel.records
-- expect: Only one statement per call
SELECT 1; SET TRANSACTION READ WRITE; UPDATE tracksolid.devices SET plate = 'X'
-- expect: COMMIT is not allowed
COMMIT; DELETE FROM fuel.records
-- expect: Only one statement per call
TABLE fuel.records; TRUNCATE fuel.records
-- expect: Only one statement per call
VALUES (1); DROP SCHEMA fuel CASCADE
-- expect: SET is not allowed
SET TRANSACTION READ WRITE
-- expect: SET is not allowed
SET LOCAL transaction_read_only = off
-- expect: SET is not allowed
SET ROLE postgres
-- expect: SET is not allowed
SET SESSION AUTHORIZATION postgres
-- expect: RESET is not allowed
RESET ALL

-- set_config
-- expect: "rows":[["off"]]
SELECT set_config('default_transaction_read_only', 'off', false)
-- expect: transaction read-write mode must be set before any query
SELECT set_config('transaction_read_only', 'off', true)
-- expect: permission denied to set role "postgres"
SELECT set_config('role', 'postgres', false)
-- expect: permission denied to set parameter "session_authorization" || permission denied to set session authorization
SELECT set_config('session_authorization', 'postgres', false)
-- expect: "row_count":1
SELECT set_config('search_path', 'infrastructure', false)

-- Data-modifying CTEs, SELECT INTO, MERGE and other writes
-- expect: Data-modifying WITH (DELETE
WITH gone AS (DELETE FROM fuel.records RETURNING *) SELECT count(*) FROM gone
-- expect: Data-modifying WITH (INSERT
WITH added AS (INSERT INTO reporting.refresh_log (view_name, started_at) VALUES ('x', now()) RETURNING 1) SELECT 1
-- expect: Data-modifying WITH (UPDATE
WITH a AS (SELECT 1), b AS (UPDATE tracksolid.devices SET plate = 'X' RETURNING 1) SELECT * FROM a
-- expect: Data-modifying WITH
WITH RECURSIVE r AS (SELECT 1), m AS (MERGE INTO fuel.records t USING r ON false WHEN NOT MATCHED THEN DO NOTHING) SELECT 1
-- expect: SELECT … INTO creates a table
SELECT * INTO public.stolen FROM fuel.records
-- expect: Query refused: DELETE is not allowed
/* leading comment */ DELETE FROM fuel.records
-- expect: MERGE is not allowed
MERGE INTO fuel.records t USING (SELECT 1) s ON false WHEN NOT MATCHED THEN DO NOTHING
-- expect: ALTER ROLE is not allowed
ALTER ROLE analytics_ro SUPERUSER
-- expect: GRANT is not allowed
GRANT SELECT ON infrastructure.service_credentials TO analytics_ro
-- expect: CREATE FUNCTION is not allowed
CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'
-- expect: DELETE is not allowed
(DELETE FROM fuel.records)

-- Volatile functions that write
-- expect: read-only transaction
SELECT reporting.refresh_v_trips()
-- expect: read-only transaction
SELECT * FROM reporting.refresh_v_trips()
-- expect: lo_create() is refused before it runs: it works on large objects
SELECT lo_create(0)
-- expect: lo_from_bytea() is refused before it runs
SELECT lo_from_bytea(0, 'x')

-- Sequences
-- expect: permission denied for sequence records_record_id_seq
SELECT nextval('fuel.records_record_id_seq')
-- expect: permission denied for sequence records_record_id_seq
SELECT setval('fuel.records_record_id_seq', 1)
-- expect: permission denied for sequence events_event_id_seq
SELECT nextval('tracksolid.events_event_id_seq'::regclass)
-- expect: permission denied for sequence events_event_id_seq
SELECT setval('tracksolid.events_event_id_seq', 1, false)
-- expect: permission denied for sequence events_event_id_seq
SELECT nextval('tracksolid.events_event_id_seq') FROM generate_series(1, 100)

-- Unreadable schemas and catalogs
-- expect: permission denied for schema infrastructure
SELECT * FROM infrastructure.service_credentials
-- expect: permission denied for schema infrastructure
TABLE infrastructure.service_credentials
-- expect: query_to_xml() is refused before it runs: it runs SQL given as text
SELECT query_to_xml('SELECT * FROM infrastructure.service_credentials', true, true, '')
-- expect: permission denied for table pg_authid
SELECT rolname, rolpassword FROM pg_authid
-- expect: permission denied for view pg_shadow || permission denied for table pg_shadow
SELECT passwd FROM pg_shadow
-- expect: not one of the readable schemas || is not readable
-- tool: sample_table
-- args: {"schema": "infrastructure", "table": "service_credentials"}
-- expect: Explain refused || permission denied for schema infrastructure
-- tool: explain
-- args: {"analyze": true}
SELECT secret FROM infrastructure.service_credentials

-- Files and programs
-- expect: permission denied for function pg_read_file
SELECT pg_read_file('/etc/passwd')
-- expect: permission denied for function pg_read_binary_file
SELECT * FROM pg_read_binary_file('PG_VERSION')
-- expect: permission denied for function pg_ls_dir
SELECT pg_ls_dir('.')
-- expect: permission denied for function pg_stat_file
SELECT pg_stat_file('PG_VERSION')
-- expect: lo_import() is refused before it runs
SELECT lo_import('/etc/passwd')
-- expect: lo_export() is refused before it runs
SELECT lo_export(1, '/tmp/fleetmcp-stolen')
-- expect: COPY is not allowed
COPY (SELECT 1) TO PROGRAM 'touch /tmp/fleetmcp-pwned'
-- expect: COPY is not allowed
COPY fuel.records FROM PROGRAM 'id'
-- expect: pg_reload_conf() is refused before it runs: it signals the server
SELECT pg_reload_conf()

-- Procedural code
-- expect: DO is not allowed
DO $$ BEGIN DELETE FROM fuel.records; END $$
-- expect: CALL is not allowed
CALL public.nothing()

-- Locking
-- expect: Locking clause FOR UPDATE
SELECT * FROM fuel.records FOR UPDATE
-- expect: Locking clause FOR SHARE
SELECT * FROM tracksolid.devices FOR SHARE
-- expect: Locking clause FOR NO KEY UPDATE
SELECT * FROM fuel.records FOR NO KEY UPDATE SKIP LOCKED
-- expect: Locking clause FOR KEY SHARE
WITH d AS (SELECT * FROM tracksolid.devices FOR KEY SHARE) SELECT count(*) FROM d
-- expect: LOCK is not allowed
LOCK TABLE fuel.records IN ACCESS EXCLUSIVE MODE
-- expect: pg_advisory_lock() is refused before it runs: it takes an advisory lock
SELECT pg_advisory_lock(1), pg_try_advisory_lock(2)
-- expect: pg_advisory_xact_lock() is refused before it runs
SELECT pg_advisory_xact_lock(3)

-- Signalling other backends
-- expect: pg_terminate_backend() is refused before it runs: it signals another session
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'postgres'
-- expect: pg_cancel_backend() is refused before it runs: it signals another session
SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE usename = 'postgres'
-- expect: pg_terminate_backend() is refused before it runs
SELECT pg_terminate_backend(pg_backend_pid())

-- LISTEN / NOTIFY / PREPARE and other session commands
-- expect: LISTEN is not allowed
LISTEN fleet_channel
-- expect: NOTIFY is not allowed
NOTIFY fleet_channel, 'hello'
-- expect: pg_notify() is refused before it runs: it sends a notification
SELECT pg_notify('fleet_channel', 'hello')
-- expect: PREPARE is not allowed
PREPARE stolen AS SELECT * FROM fuel.records
-- expect: EXECUTE is not allowed
EXECUTE stolen
-- expect: DECLARE is not allowed
DECLARE c CURSOR WITH HOLD FOR SELECT 1
-- expect: DISCARD is not allowed
DISCARD ALL

-- Comment, quote and dollar tricks
-- expect: "rows":[[1]]
SELECT 1 /* ; DELETE FROM fuel.records */
-- expect: "rows":[[1]]
SELECT 1 /* /* nested */ ; DELETE FROM fuel.records */
-- expect: Only one statement per call
SELECT 1 -- ; hidden?
; DELETE FROM fuel.records
-- expect: "rows":[["a';DELETE FROM fuel.records;--"]]
SELECT 'a'';DELETE FROM fuel.records;--'
-- expect: Only one statement per call
SELECT 'a\'; DELETE FROM fuel.records; --'
-- expect: "row_count":1
SELECT E'\'; DELETE FROM fuel.records; --'
-- expect: Only one statement per call
SELECT $a$ $$ ; $a$; DROP TABLE fuel.records
-- expect: "row_count":1
SELECT $$; DELETE FROM fuel.records; $$
-- expect: Only one statement per call
SELECT U&"d\0061ta" FROM (SELECT 1 AS data) x; DELETE FROM fuel.records

-- EXPLAIN ANALYZE of writes
-- expect: EXPLAIN ANALYZE runs the query || Inside EXPLAIN
EXPLAIN ANALYZE DELETE FROM fuel.records
-- expect: EXPLAIN ANALYZE runs the query || Inside EXPLAIN
EXPLAIN (ANALYZE, FORMAT JSON) UPDATE tracksolid.devices SET plate = 'X'
-- expect: EXPLAIN ANALYZE runs the query || Data-modifying WITH
EXPLAIN ANALYZE WITH gone AS (DELETE FROM fuel.records RETURNING 1) SELECT * FROM gone
-- expect: Explain refused: DELETE is not allowed
-- tool: explain
-- args: {"analyze": true}
DELETE FROM fuel.records
-- expect: Inside EXPLAIN: DELETE is not allowed
-- tool: explain
-- args: {"analyze": true}
EXPLAIN ANALYZE DELETE FROM fuel.records
-- expect: read-only transaction
-- tool: explain
-- args: {"analyze": true}
SELECT reporting.refresh_v_trips()

-- Huge results, runaway CPU and memory
-- expect: "truncated":true
SELECT g, repeat('y', 1000) FROM generate_series(1, 1000000) g
-- expect: "cells_cut":1
SELECT repeat('x', 10000000)
-- expect: "truncated_reason":"rows" || temporary file size exceeds temp_file_limit
-- args: {"max_rows": 10000}
SELECT * FROM generate_series(1, 100000000)
-- expect: canceling statement due to statement timeout
-- args: {"timeout_s": 1, "allow_expensive": true}
SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b
-- expect: canceling statement due to statement timeout
-- args: {"timeout_s": 1}
SELECT pg_sleep(30)
-- expect: canceling statement due to statement timeout || out of memory || memory
-- args: {"timeout_s": 2}
SELECT string_agg(repeat('x', 1000), '') FROM generate_series(1, 10000000)
-- expect: canceling statement due to statement timeout || out of memory || temporary file size
-- args: {"timeout_s": 1}
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r
-- expect: canceling statement due to statement timeout
-- tool: explain
-- args: {"analyze": true, "timeout_s": 1}
SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b

-- Side effects outside the transaction, in every spelling (src/side_effects/)
-- expect: pg_notify() is refused before it runs
SELECT "pg_notify"('fleet_channel', 'quoted')
-- expect: pg_notify() is refused before it runs
SELECT pg_catalog.PG_NOTIFY('fleet_channel', 'qualified')
-- expect: pg_notify() is refused before it runs
WITH n AS (SELECT pg_notify('fleet_channel', 'cte')) SELECT * FROM n
-- expect: pg_notify() is refused before it runs
SELECT * FROM (SELECT "pg_catalog"."pg_notify"('fleet_channel', 'subquery')) s
-- expect: pg_logical_emit_message() is refused before it runs: it writes a WAL message
SELECT pg_logical_emit_message(false, 'fleet', 'x')
-- expect: txid_current() is refused before it runs: it assigns a transaction id
SELECT txid_current()
-- expect: pg_current_xact_id() is refused before it runs
SELECT pg_catalog.pg_current_xact_id()
-- expect: pg_try_advisory_xact_lock_shared() is refused before it runs
SELECT pg_try_advisory_xact_lock_shared(7)
-- expect: pg_create_physical_replication_slot() is refused before it runs
SELECT pg_create_physical_replication_slot('fleet')
-- expect: pg_switch_wal() is refused before it runs
SELECT pg_switch_wal()
-- expect: pg_notify() is refused before it runs
-- tool: explain
SELECT pg_notify('fleet_channel', 'explained')
-- expect: pg_stat_activity is refused before it runs: it shows other sessions' query text
SELECT query FROM pg_catalog.pg_stat_activity
-- expect: pg_stat_get_activity() is refused before it runs
SELECT * FROM pg_stat_get_activity(NULL)
