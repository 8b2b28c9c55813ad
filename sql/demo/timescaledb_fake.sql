-- Demo database, step 7: stand-ins for TimescaleDB's internal schemas, which
-- production has and Debian's PostgreSQL lacks, so the tests can check that
-- fleetmcp hides them. Like TimescaleDB, they are readable by PUBLIC: hiding
-- must come from fleetmcp, not from missing privileges. Included by load.sql.

RESET ROLE;

CREATE SCHEMA _timescaledb_catalog;
CREATE SCHEMA _timescaledb_internal;
GRANT USAGE ON SCHEMA _timescaledb_catalog, _timescaledb_internal TO PUBLIC;

CREATE TABLE _timescaledb_catalog.hypertable (
  id                  integer PRIMARY KEY,
  schema_name         name NOT NULL,
  table_name          name NOT NULL,
  associated_schema_name name NOT NULL,
  associated_table_prefix name NOT NULL,
  num_dimensions      smallint NOT NULL
);
INSERT INTO _timescaledb_catalog.hypertable
VALUES (1, 'tracksolid', 'positions', '_timescaledb_internal', '_hyper_1', 1);

CREATE TABLE _timescaledb_internal._hyper_1_1_chunk (LIKE tracksolid.positions);
INSERT INTO _timescaledb_internal._hyper_1_1_chunk
SELECT * FROM tracksolid.positions ORDER BY device_id, ts LIMIT 100;

GRANT SELECT ON _timescaledb_catalog.hypertable, _timescaledb_internal._hyper_1_1_chunk TO PUBLIC;
