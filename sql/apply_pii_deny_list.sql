-- Hides the columns named in psql variable :deny_list (comma-separated
-- schema.table.column) from analytics_ro with column-level GRANTs: SELECT on
-- the table is revoked and granted again on every other column. Run as a
-- superuser after sql/analytics_ro_role.sql; safe to run again.
\set ON_ERROR_STOP on
SET fleetmcp.pii_deny_list = :'deny_list';

DO $$
DECLARE
  entry record;
  target record;
  visible text;
BEGIN
  -- A typo must not leave a column readable unnoticed.
  FOR entry IN
    SELECT item FROM unnest(string_to_array(current_setting('fleetmcp.pii_deny_list'), ',')) item
    WHERE NOT EXISTS (
      SELECT FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = split_part(item, '.', 1) AND c.relname = split_part(item, '.', 2)
        AND a.attname = split_part(item, '.', 3) AND a.attnum > 0 AND NOT a.attisdropped)
  LOOP
    RAISE EXCEPTION 'PII deny-list entry "%" names no column (expected schema.table.column)', entry.item;
  END LOOP;

  FOR target IN
    SELECT c.oid::regclass AS relation, array_agg(split_part(item, '.', 3)) AS hidden
    FROM unnest(string_to_array(current_setting('fleetmcp.pii_deny_list'), ',')) item
    JOIN pg_namespace n ON n.nspname = split_part(item, '.', 1)
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = split_part(item, '.', 2)
    GROUP BY c.oid
  LOOP
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO visible
    FROM pg_attribute a
    WHERE a.attrelid = target.relation AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT a.attname = ANY (target.hidden);
    EXECUTE format('REVOKE SELECT ON %s FROM analytics_ro', target.relation);
    -- Column grants outlive a table-level REVOKE; take them back from the hidden columns too.
    EXECUTE format('REVOKE SELECT (%s) ON %s FROM analytics_ro',
                   (SELECT string_agg(quote_ident(h), ', ') FROM unnest(target.hidden) h), target.relation);
    IF visible IS NOT NULL THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO analytics_ro', visible, target.relation);
    END IF;
    RAISE NOTICE 'analytics_ro: % hides %', target.relation, array_to_string(target.hidden, ', ');
  END LOOP;
END
$$;
