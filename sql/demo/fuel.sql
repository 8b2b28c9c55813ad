-- Demo database, step 3: fuel-card transactions and their ingestion state,
-- owned by tracksolid_owner. Included by load.sql.

SET ROLE tracksolid_owner;
SET seed = 0.23;

CREATE TABLE fuel.records (
  record_id       bigint GENERATED ALWAYS AS IDENTITY,
  device_id       integer NOT NULL REFERENCES tracksolid.devices,
  filled_at       timestamptz NOT NULL,
  litres          numeric(7, 2) NOT NULL CHECK (litres > 0),
  price_per_litre numeric(7, 3) NOT NULL,
  amount_kes      numeric(12, 2) NOT NULL,
  odometer_km     integer,
  km_per_litre    double precision,
  station         text NOT NULL,
  receipt_no      text NOT NULL,
  source          text NOT NULL CHECK (source IN ('fleetcard_csv', 'manual')),
  batch_id        uuid NOT NULL,
  raw             jsonb NOT NULL,
  ingested_at     timestamptz NOT NULL,
  -- A hypertable's unique keys must hold its time column.
  PRIMARY KEY (record_id, filled_at),
  UNIQUE (receipt_no, filled_at)
);
-- No index leads with filled_at (only device_id, filled_at below), so the
-- catalog tools can only give its time range from the chunk bounds.
SELECT FROM create_hypertable('fuel.records', by_range('filled_at', interval '7 days'), create_default_indexes => false);
COMMENT ON TABLE fuel.records IS
  'Fuel purchases per vehicle from the fleet fuel card (and a few entered by hand). Amounts in Kenya shillings. A TimescaleDB hypertable on filled_at (seven-day chunks).';
COMMENT ON COLUMN fuel.records.litres          IS 'Litres dispensed.';
COMMENT ON COLUMN fuel.records.price_per_litre IS 'Pump price, KES per litre.';
COMMENT ON COLUMN fuel.records.amount_kes      IS 'Amount charged, KES (litres x price, rounded by the station).';
COMMENT ON COLUMN fuel.records.odometer_km     IS 'Odometer keyed in at the pump; NULL when the attendant skipped it.';
COMMENT ON COLUMN fuel.records.km_per_litre    IS 'Distance since the previous fill divided by litres; NaN where it cannot be computed (first fill, or no odometer).';
COMMENT ON COLUMN fuel.records.batch_id        IS 'Ingestion batch (one fuel-card CSV file) the row came from.';
COMMENT ON COLUMN fuel.records.raw             IS 'The source row as ingested.';

INSERT INTO fuel.records (device_id, filled_at, litres, price_per_litre, amount_kes, odometer_km,
                          km_per_litre, station, receipt_no, source, batch_id, raw, ingested_at)
WITH fill AS MATERIALIZED (
  SELECT d.device_id, d.odometer_km, n,
         date_trunc('second', :'anchor'::timestamptz - interval '14 days'
           + (n + random()) * (interval '14 days' / (:trips_per_device / 2 + 1))) AS filled_at,
         (20 + random() * 50)::numeric(7, 2) AS litres,
         (ARRAY[189.840, 179.210, 192.500])[1 + (d.device_id + n) % 3]::numeric(7, 3) AS price,
         (ARRAY['Shell Uhuru Highway', 'TotalEnergies Thika Road', 'Rubis Mombasa Road',
                'Ola Ngong Road', 'Shell Machakos Junction'])[1 + (d.device_id * 3 + n) % 5] AS station,
         random() AS r
  FROM tracksolid.devices d CROSS JOIN generate_series(0, :trips_per_device / 2) n
  ORDER BY d.device_id, n
), odo AS (
  SELECT f.*,
         CASE WHEN f.r < 0.08 THEN NULL
              ELSE f.odometer_km + 400 * n + (f.r * 50)::int END AS odometer_at_fill
  FROM fill f
)
SELECT device_id, filled_at, litres, price, round(litres * price, 0), odometer_at_fill,
       coalesce((odometer_at_fill - lag(odometer_at_fill) OVER w) / litres::double precision, 'NaN'),
       station,
       'RC' || to_char(filled_at, 'YYMMDD') || '-' || lpad(device_id::text, 4, '0') || '-' || n,
       CASE WHEN r > 0.95 THEN 'manual' ELSE 'fleetcard_csv' END,
       md5('batch-' || to_char(filled_at, 'YYYY-MM-DD'))::uuid,
       jsonb_build_object('card', 'XXXX-' || lpad((device_id * 7919 % 10000)::text, 4, '0'),
                          'station', station, 'litres', litres, 'unit_price', price,
                          'odo', odometer_at_fill),
       filled_at + interval '1 day'
FROM odo
WINDOW w AS (PARTITION BY device_id ORDER BY n)
ORDER BY device_id, n;

CREATE INDEX records_device_filled_idx ON fuel.records (device_id, filled_at);

CREATE TABLE fuel.ingest_state (
  source           text PRIMARY KEY,
  last_file        text,
  last_row         bigint NOT NULL DEFAULT 0,
  last_ingested_at timestamptz,
  rows_total       bigint NOT NULL DEFAULT 0,
  file_sha256      bytea,
  ok               boolean NOT NULL,
  error            text,
  cursor           jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE fuel.ingest_state IS
  'Where each fuel data source''s ingestion stands: last file and row read, totals, last error. Check it when fuel figures look stale.';
COMMENT ON COLUMN fuel.ingest_state.file_sha256 IS 'SHA-256 of the last file read, to skip re-deliveries.';
COMMENT ON COLUMN fuel.ingest_state.cursor      IS 'Source-specific resume position.';

INSERT INTO fuel.ingest_state
SELECT 'fleetcard_csv', 'fleetcard_' || to_char(max(filled_at), 'YYYYMMDD') || '.csv',
       count(*) FILTER (WHERE source = 'fleetcard_csv'), max(ingested_at),
       count(*) FILTER (WHERE source = 'fleetcard_csv'),
       sha256(convert_to('fleetcard_' || to_char(max(filled_at), 'YYYYMMDD'), 'UTF8')),
       true, NULL, jsonb_build_object('sftp_dir', '/inbound/fuel', 'offset', count(*) FILTER (WHERE source = 'fleetcard_csv'))
FROM fuel.records
UNION ALL
SELECT 'manual', NULL, 0, max(ingested_at) FILTER (WHERE source = 'manual'),
       count(*) FILTER (WHERE source = 'manual'), NULL,
       false, 'sheet "Manual fills" has an unknown column "Odo (mi)"', '{}'
FROM fuel.records;

CREATE FUNCTION fuel.fn_monthly_by_cost_centre(month date)
RETURNS TABLE (cost_centre text, vehicles bigint, fills bigint, litres numeric, amount_kes numeric)
LANGUAGE sql STABLE
AS $$
  SELECT d.cost_centre, count(DISTINCT r.device_id), count(*), sum(r.litres), sum(r.amount_kes)
  FROM fuel.records r JOIN tracksolid.devices d USING (device_id)
  WHERE r.filled_at >= date_trunc('month', month) AND r.filled_at < date_trunc('month', month) + interval '1 month'
  GROUP BY d.cost_centre
  ORDER BY d.cost_centre
$$;
COMMENT ON FUNCTION fuel.fn_monthly_by_cost_centre(date) IS
  'Fuel per cost centre for the calendar month containing month. Example: SELECT * FROM fuel.fn_monthly_by_cost_centre(''2026-10-01'').';

CREATE FUNCTION fuel.fn_device_fills(device integer, since timestamptz)
RETURNS SETOF fuel.records
LANGUAGE sql STABLE
AS $$
  SELECT * FROM fuel.records WHERE device_id = device AND filled_at >= since ORDER BY filled_at
$$;
COMMENT ON FUNCTION fuel.fn_device_fills(integer, timestamptz) IS
  'Fuel records of one vehicle since a time, oldest first. Example: SELECT * FROM fuel.fn_device_fills(7, now() - interval ''30 days'').';
