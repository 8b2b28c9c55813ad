-- Demo database, step 6: a schema analytics_ro must never read. Production
-- keeps service settings here; the tests check the role is refused. Owned by
-- postgres. Included by load.sql.

RESET ROLE;

CREATE SCHEMA infrastructure;
COMMENT ON SCHEMA infrastructure IS
  'Demo of the operations schema: service credentials and settings. Not for analysts; analytics_ro has no access.';

CREATE TABLE infrastructure.service_credentials (
  service    text PRIMARY KEY,
  username   text NOT NULL,
  secret     text NOT NULL,
  rotated_at timestamptz NOT NULL
);
COMMENT ON TABLE infrastructure.service_credentials IS
  'Credentials of the ingest services. Fake values in the demo; tests look for them in any output.';

INSERT INTO infrastructure.service_credentials VALUES
  ('tracksolid_api', 'ingest', 'demo-secret-tracksolid-0f9e8d7c', :'anchor'::timestamptz - interval '20 days'),
  ('fuelcard_sftp',  'fuel',   'demo-secret-fuelcard-1a2b3c4d',   :'anchor'::timestamptz - interval '45 days'),
  ('itsm_export',    'itsm',   'demo-secret-itsm-5e6f7a8b',       :'anchor'::timestamptz - interval '3 days');
