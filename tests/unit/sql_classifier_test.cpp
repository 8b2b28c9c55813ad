// Tests for src/sql/classifier.cpp: which statements pass, the exact refusal for
// each rule, error offsets, statement stripping, and robustness on arbitrary bytes.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sql/classifier.h"
#include "sql/lexer.h"

using fleetmcp::sql::classify;
using fleetmcp::sql::ClassifyOptions;
using fleetmcp::sql::StatementKind;
using fleetmcp::sql::Verdict;

namespace {

struct Case {
  const char* sql;
  bool allowed;
  const char* reason_contains;  // for refusals: a piece of the reason that names what was found
};

void run_cases(const std::vector<Case>& cases, ClassifyOptions options = {}) {
  for (const Case& c : cases) {
    SUBCASE(c.sql) {
      const Verdict verdict = classify(c.sql, options);
      INFO("reason: ", verdict.reason);
      CHECK(verdict.allowed == c.allowed);
      if (c.allowed) {
        CHECK(verdict.reason.empty());
      } else {
        CHECK(verdict.reason.find(c.reason_contains) != std::string::npos);
      }
    }
  }
}

constexpr const char* kReadOnly = "is not allowed: fleetmcp is read-only";
constexpr const char* kTransaction = "is not allowed: fleetmcp runs each query in its own read-only transaction";
constexpr const char* kSession = "is not allowed: it changes session state";

}  // namespace

TEST_CASE("classifier: plain read queries are allowed") {
  run_cases({
      {"SELECT 1", true, ""},
      {"select 1", true, ""},
      {"SeLeCt now()", true, ""},
      {"SELECT * FROM reporting.trips WHERE started_at > now() - interval '1 day' ORDER BY 1 DESC LIMIT 10", true, ""},
      {"VALUES (1, 'a'), (2, 'b')", true, ""},
      {"TABLE reporting.vehicles", true, ""},
      {"(SELECT 1) UNION (SELECT 2)", true, ""},
      {"((VALUES (1))) EXCEPT SELECT 2", true, ""},
      {"(TABLE a) INTERSECT (TABLE b)", true, ""},
      {"SELECT $1::int + $2", true, ""},
      {"SELECT x->>'imei', y @> '{\"a\":1}'::jsonb, z::text FROM t", true, ""},
      {"SELECT ST_AsGeoJSON(geom) FROM tracksolid.positions LIMIT 5", true, ""},
      {"SELECT count(*) FILTER (WHERE speed > 80) OVER (PARTITION BY imei) FROM t", true, ""},
  });
}

TEST_CASE("classifier: keywords inside strings, identifiers, comments and dollar bodies never count") {
  run_cases({
      {"SELECT 'it''s a do-not-update set'", true, ""},
      {"SELECT 'DELETE FROM t; DROP TABLE x'", true, ""},
      {"SELECT \"delete\" FROM t", true, ""},
      {"SELECT \"for\", \"update\", \"into\" FROM t", true, ""},
      {"SELECT 1 AS \"into\"", true, ""},
      {"SELECT $$DROP TABLE x$$", true, ""},
      {"SELECT $tag$; COMMIT; $tag$", true, ""},
      {"SELECT $a$ $$; DELETE $$ $a$", true, ""},
      {"SELECT 1 -- ; DROP TABLE x", true, ""},
      {"SELECT 1 /* ; DELETE FROM t */", true, ""},
      {"SELECT 1 /* nested /* ; COMMIT */ still comment; */", true, ""},
      {"SELECT * FROM t /* FOR UPDATE */", true, ""},
      {"SELECT E'it\\'s; DROP TABLE x'", true, ""},
      {"SELECT U&\"d\\0061ta\" FROM t", true, ""},
      {"SELECT U&'\\0041; INSERT' UESCAPE '\\'", true, ""},
      {"SELECT a FROM t WHERE b = 'FOR UPDATE'", true, ""},
      {"SELECT format('%s', 'INSERT INTO t VALUES (1)')", true, ""},
      {"SELECT update_count, deleted_at, insert_time, merged, into_x FROM t", true, ""},
      {"SELECT t.update, t.delete FROM t", true, ""},
      {"SELECT 1 AS merge", true, ""},
      {"SELECT jsonb_path_query(doc, '$.a ? (@ > 1)') FROM t", true, ""},
      {"SELECT * FROM \"user\"", true, ""},
  });
}

TEST_CASE("classifier: FOR that is not a locking clause is fine") {
  run_cases({
      {"SELECT substring(name FROM 1 FOR 2) FROM t", true, ""},
      {"select substring(name from 1 for 3) from t", true, ""},
      {"SELECT overlay('abcdef' PLACING 'xx' FROM 2 FOR 3)", true, ""},
      {"SELECT * FROM xmltable('/r' PASSING x COLUMNS id FOR ORDINALITY, v text PATH 'v')", true, ""},
  });
}

TEST_CASE("classifier: WITH, and WITH that is not a clause start, are fine") {
  run_cases({
      {"WITH x AS (SELECT 1) SELECT * FROM x", true, ""},
      {"with x as (select 1), y as (select 2) select * from x, y", true, ""},
      {"WITH x AS MATERIALIZED (SELECT 1), y AS NOT MATERIALIZED (SELECT 2) SELECT * FROM x, y", true, ""},
      {"WITH x(a, b) AS (VALUES (1, 2)) TABLE x", true, ""},
      {"WITH \"Q\" AS (SELECT 1) SELECT * FROM \"Q\"", true, ""},
      {"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r", true, ""},
      {"WITH RECURSIVE r(id) AS (SELECT 1) SEARCH DEPTH FIRST BY id, id2 SET ord SELECT * FROM r", true, ""},
      {"WITH RECURSIVE r(id) AS (SELECT 1) CYCLE id SET is_cycle USING path SELECT * FROM r", true, ""},
      {"WITH RECURSIVE r(id) AS (SELECT 1) CYCLE id SET c TO 'Y' DEFAULT 'N' USING p SELECT * FROM r", true, ""},
      {"WITH a AS (WITH b AS (SELECT 1) SELECT * FROM b) SELECT * FROM a", true, ""},
      {"SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s", true, ""},
      {"SELECT EXISTS (WITH x AS (SELECT 1) SELECT 1 FROM x)", true, ""},
      {"(WITH x AS (SELECT 1) SELECT * FROM x)", true, ""},
      {"SELECT * FROM unnest(ARRAY[1, 2]) WITH ORDINALITY", true, ""},
      {"SELECT CAST(x AS timestamp WITH TIME ZONE) FROM t", true, ""},
      {"SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES", true, ""},
  });
}

TEST_CASE("classifier: functions are another layer's job") {
  run_cases({
      {"SELECT pg_read_file('/etc/passwd')", true, ""},
      {"SELECT set_config('default_transaction_read_only', 'off', false)", true, ""},
      {"SELECT nextval('s')", true, ""},
      {"SELECT pg_advisory_lock(1)", true, ""},
  });
}

TEST_CASE("classifier: trailing and leading semicolons, whitespace and comments are fine") {
  run_cases({
      {"SELECT 1;", true, ""},
      {"SELECT 1 ;  ;;\n-- done\n", true, ""},
      {"SELECT 1; /* bye */", true, ""},
      {"  -- why\n  SELECT 1", true, ""},
      {";; SELECT 1", true, ""},
  });
}

TEST_CASE("classifier: empty input is a clear error") {
  run_cases({
      {"", false, "empty query"},
      {"   \n\t", false, "empty query"},
      {"-- only a comment", false, "empty query"},
      {"/* only /* nested */ comment */", false, "empty query"},
      {";", false, "empty query"},
      {" ; ; -- x\n;", false, "empty query"},
  });
}

TEST_CASE("classifier: more than one statement is refused, naming the second") {
  run_cases({
      {"SELECT 1; COMMIT", false, "Only one statement per call: found a second statement (COMMIT) at position 10."},
      {"SELECT 1; COMMIT; DROP TABLE t", false, "second statement (COMMIT)"},
      {"SELECT 1;SELECT 2", false, "second statement (SELECT)"},
      {"SELECT 1; -- x\n DELETE FROM t", false, "second statement (DELETE)"},
      {"SELECT 1; /* c */ ; drop table t", false, "second statement (DROP)"},
      {"SELECT ';'; DROP TABLE t", false, "second statement (DROP)"},
      {"SELECT $$ ; $$; SET TRANSACTION READ WRITE", false, "second statement (SET)"},
      {"SELECT 'a\\'; DROP TABLE t; --'", false, "second statement (DROP)"},
      {"SELECT 1; 'x'", false, "second statement ('x')"},
      {"SELECT 1; (SELECT 2)", false, "second statement ('(')"},
      {"SELECT 1; ROLLBACK; BEGIN READ WRITE; DELETE FROM t", false, "second statement (ROLLBACK)"},
  });
}

TEST_CASE("classifier: writes and DDL are refused by name") {
  run_cases({
      {"INSERT INTO t VALUES (1)", false, "INSERT is not allowed: fleetmcp is read-only. Use SELECT"},
      {"UPDATE t SET a = 1", false, "UPDATE is not allowed: fleetmcp is read-only. Use SELECT"},
      {"delete from t", false, "DELETE is not allowed"},
      {"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", false, "MERGE is not allowed"},
      {"TRUNCATE t", false, "TRUNCATE is not allowed"},
      {"COPY t TO '/tmp/x'", false, "COPY is not allowed"},
      {"COPY (SELECT 1) TO PROGRAM 'sh -c id'", false, "COPY is not allowed"},
      {"CREATE TABLE x (a int)", false, "CREATE TABLE is not allowed"},
      {"CREATE TEMP TABLE x AS SELECT 1", false, "CREATE TEMP TABLE is not allowed"},
      {"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", false,
       "CREATE OR REPLACE FUNCTION is not allowed"},
      {"CREATE UNIQUE INDEX i ON t (a)", false, "CREATE UNIQUE INDEX is not allowed"},
      {"CREATE MATERIALIZED VIEW v AS SELECT 1", false, "CREATE MATERIALIZED VIEW is not allowed"},
      {"DROP TABLE t", false, "DROP TABLE is not allowed"},
      {"drop schema reporting cascade", false, "DROP SCHEMA is not allowed"},
      {"ALTER TABLE t ADD COLUMN b int", false, "ALTER TABLE is not allowed"},
      {"ALTER ROLE analytics_ro SET default_transaction_read_only = off", false, "ALTER ROLE is not allowed"},
      {"ALTER SYSTEM SET fsync = off", false, "ALTER SYSTEM is not allowed"},
      {"GRANT ALL ON t TO public", false, "GRANT is not allowed"},
      {"REVOKE SELECT ON t FROM public", false, "REVOKE is not allowed"},
      {"COMMENT ON TABLE t IS 'x'", false, "COMMENT is not allowed"},
      {"SECURITY LABEL ON TABLE t IS 'x'", false, "SECURITY is not allowed"},
      {"REFRESH MATERIALIZED VIEW v", false, "REFRESH is not allowed"},
      {"IMPORT FOREIGN SCHEMA s FROM SERVER x INTO y", false, "IMPORT is not allowed"},
      {"REASSIGN OWNED BY a TO b", false, "REASSIGN is not allowed"},
      {"VACUUM FULL t", false, "VACUUM is not allowed"},
      {"ANALYZE t", false, "ANALYZE is not allowed"},
      {"CLUSTER t USING i", false, "CLUSTER is not allowed"},
      {"REINDEX TABLE t", false, "REINDEX is not allowed"},
      {"CHECKPOINT", false, "CHECKPOINT is not allowed"},
      {"(DELETE FROM t)", false, "DELETE is not allowed"},
      {"  /* hi */ insert into t select 1", false, "INSERT is not allowed"},
  });
}

TEST_CASE("classifier: transaction control, session state and procedural code are refused by name") {
  run_cases({
      {"BEGIN", false, "BEGIN is not allowed: fleetmcp runs each query in its own read-only transaction"},
      {"BEGIN READ WRITE", false, "BEGIN is not allowed"},
      {"START TRANSACTION READ WRITE", false, "START is not allowed"},
      {"COMMIT", false, "COMMIT is not allowed"},
      {"ROLLBACK", false, "ROLLBACK is not allowed"},
      {"END", false, "END is not allowed"},
      {"ABORT", false, "ABORT is not allowed"},
      {"SAVEPOINT s", false, "SAVEPOINT is not allowed"},
      {"RELEASE SAVEPOINT s", false, "RELEASE is not allowed"},
      {"SET search_path TO public", false, "SET is not allowed: settings are fixed by fleetmcp"},
      {"SET TRANSACTION READ WRITE", false, "SET is not allowed"},
      {"set session characteristics as transaction read write", false, "SET is not allowed"},
      {"RESET ALL", false, "RESET is not allowed"},
      {"SHOW search_path", false, "SHOW is not supported: read a setting with SELECT current_setting"},
      {"DISCARD ALL", false, "DISCARD is not allowed"},
      {"LISTEN ch", false, "LISTEN is not allowed"},
      {"UNLISTEN *", false, "UNLISTEN is not allowed"},
      {"NOTIFY ch, 'x'", false, "NOTIFY is not allowed"},
      {"LOAD 'auto_explain'", false, "LOAD is not allowed"},
      {"PREPARE p AS DELETE FROM t", false, "PREPARE is not allowed"},
      {"EXECUTE p", false, "EXECUTE is not allowed"},
      {"DEALLOCATE ALL", false, "DEALLOCATE is not allowed"},
      {"DECLARE c CURSOR FOR SELECT 1", false, "DECLARE is not allowed"},
      {"FETCH 10 FROM c", false, "FETCH is not allowed"},
      {"MOVE NEXT IN c", false, "MOVE is not allowed"},
      {"CLOSE c", false, "CLOSE is not allowed"},
      {"LOCK TABLE t IN ACCESS EXCLUSIVE MODE", false, "LOCK is not allowed: fleetmcp never takes locks"},
      {"DO $$ BEGIN DELETE FROM t; END $$", false, "DO is not allowed: it runs procedural code"},
      {"CALL p()", false, "CALL is not allowed"},
  });
}

TEST_CASE("classifier: the category explanations are the promised ones") {
  CHECK(classify("COMMIT").reason == std::string("COMMIT ") + kTransaction + ", so send just the query.");
  CHECK(classify("LISTEN ch").reason.starts_with(std::string("LISTEN ") + kSession));
  CHECK(classify("DROP TABLE t").reason.starts_with(std::string("DROP TABLE ") + kReadOnly));
}

TEST_CASE("classifier: anything else at the start is refused with what was found") {
  run_cases({
      {"FROBNICATE t", false, "'FROBNICATE' does not start a query fleetmcp can run"},
      {"42", false, "A query must start with SELECT, WITH, VALUES, TABLE or EXPLAIN; found '42' at position 0."},
      {"'SELECT 1'", false, "found ''SELECT 1''"},
      {"\\d reporting.trips", false, "psql backslash commands"},
      {"(((", false, "A query must start with SELECT"},
      {"( UPDATE t SET a = 1 )", false, "UPDATE is not allowed"},
  });
}

TEST_CASE("classifier: data-modifying WITH is refused at any nesting level") {
  run_cases({
      {"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", false,
       "Data-modifying WITH (DELETE inside WITH) is not allowed: fleetmcp is read-only"},
      {"WITH i AS (INSERT INTO t VALUES (1) RETURNING id) SELECT * FROM i", false, "(INSERT inside WITH)"},
      {"with u as (update t set a = 1 returning *) select 1", false, "(UPDATE inside WITH)"},
      {"WITH m AS (MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE RETURNING *) SELECT 1", false,
       "(MERGE inside WITH)"},
      {"WITH x AS MATERIALIZED (DELETE FROM t) SELECT 1", false, "(DELETE inside WITH)"},
      {"WITH x AS NOT MATERIALIZED (DELETE FROM t) SELECT 1", false, "(DELETE inside WITH)"},
      {"WITH a AS (SELECT 1), b AS (DELETE FROM t RETURNING *) SELECT * FROM a", false, "(DELETE inside WITH)"},
      {"WITH a(x) AS (SELECT 1), \"b\" AS (DELETE FROM t) SELECT * FROM a", false, "(DELETE inside WITH)"},
      {"WITH a AS (SELECT 1) DELETE FROM t", false, "(DELETE after WITH)"},
      {"WITH a AS (SELECT 1) UPDATE t SET x = 1", false, "(UPDATE after WITH)"},
      {"WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", false, "(INSERT after WITH)"},
      {"WITH a AS (WITH b AS (UPDATE t SET x = 1 RETURNING *) SELECT * FROM b) SELECT 1", false,
       "(UPDATE inside WITH)"},
      {"WITH a AS (WITH b AS (SELECT 1) DELETE FROM t RETURNING *) SELECT 1", false, "(DELETE after WITH)"},
      {"SELECT * FROM (WITH d AS (DELETE FROM t RETURNING 1) SELECT * FROM d) s", false, "(DELETE inside WITH)"},
      {"SELECT 1 WHERE EXISTS (WITH d AS (DELETE FROM t RETURNING 1) SELECT 1)", false, "(DELETE inside WITH)"},
      {"(WITH d AS (DELETE FROM t RETURNING 1) SELECT 1)", false, "(DELETE inside WITH)"},
      {"WITH RECURSIVE r(id) AS (SELECT 1) SEARCH BREADTH FIRST BY id SET ord DELETE FROM t", false,
       "(DELETE after WITH)"},
      {"WITH RECURSIVE r(id) AS (SELECT 1) SEARCH DEPTH FIRST BY set SET x DELETE FROM z", false,
       "(DELETE after WITH)"},
      {"WITH RECURSIVE r(id) AS (SELECT 1) CYCLE id SET c USING p DELETE FROM t", false, "(DELETE after WITH)"},
      {"WITH /* c */ d -- x\n AS (\n DELETE FROM t) SELECT 1", false, "(DELETE inside WITH)"},
      {"WITH x (SELECT 1) SELECT 1", false, "Could not read the WITH clause: expected AS at position 18."},
      {"WITH AS (DELETE FROM t) SELECT 1", false, "Could not read the WITH clause"},
      {"WITH x AS DELETE FROM t", false, "expected ( before the body of the WITH query"},
      {"WITH RECURSIVE r AS (SELECT 1) SEARCH FIRST BY id SET o SELECT 1", false, "expected SEARCH"},
      {"WITH RECURSIVE r AS (SELECT 1) CYCLE id SET c TO 1 DEFAULT 0 SELECT 1", false, "expected CYCLE"},
  });
}

TEST_CASE("classifier: SELECT … INTO is refused") {
  run_cases({
      {"SELECT * INTO new_t FROM t", false, "SELECT … INTO creates a table; not allowed."},
      {"select a into temp x from t", false, "SELECT … INTO creates a table"},
      {"SELECT 1into x", false, "SELECT … INTO creates a table"},
      {"(SELECT 1 INTO x)", false, "SELECT … INTO creates a table"},
      {"SELECT * FROM (SELECT 1 INTO x) s", false, "SELECT … INTO creates a table"},
      {"WITH a AS (SELECT 1) SELECT * INTO b FROM a", false, "SELECT … INTO creates a table"},
      {"TABLE t INTO x", false, "SELECT … INTO creates a table"},
  });
}

TEST_CASE("classifier: locking clauses are refused anywhere, by name") {
  run_cases({
      {"SELECT * FROM t FOR UPDATE", false, "Locking clause FOR UPDATE is not allowed in read-only queries"},
      {"SELECT * FROM t FOR NO KEY UPDATE", false, "Locking clause FOR NO KEY UPDATE is not allowed"},
      {"SELECT * FROM t FOR SHARE", false, "Locking clause FOR SHARE is not allowed"},
      {"SELECT * FROM t FOR KEY SHARE", false, "Locking clause FOR KEY SHARE is not allowed"},
      {"select * from t for update of t nowait", false, "FOR UPDATE"},
      {"SELECT * FROM t FOR SHARE SKIP LOCKED", false, "FOR SHARE"},
      {"SELECT * FROM t LIMIT 1 FOR UPDATE", false, "FOR UPDATE"},
      {"SELECT * FROM (SELECT * FROM t FOR UPDATE) s", false, "FOR UPDATE"},
      {"SELECT 1 WHERE EXISTS (SELECT 1 FROM t FOR KEY SHARE)", false, "FOR KEY SHARE"},
      {"WITH x AS (SELECT * FROM t FOR UPDATE) SELECT * FROM x", false, "FOR UPDATE"},
      {"SELECT * FROM t FOR /* sneaky */ UPDATE", false, "FOR UPDATE"},
      {"SELECT * FROM t FOR\n-- split\nUPDATE", false, "FOR UPDATE"},
      {"SELECT * FROM t FOR SHARE OF t FOR UPDATE OF u", false, "FOR SHARE"},
  });
}

TEST_CASE("classifier: EXPLAIN without ANALYZE is allowed") {
  run_cases({
      {"EXPLAIN SELECT 1", true, ""},
      {"explain verbose select 1", true, ""},
      {"EXPLAIN (FORMAT JSON) SELECT * FROM t", true, ""},
      {"EXPLAIN (ANALYZE false) SELECT 1", true, ""},
      {"EXPLAIN (ANALYZE off, COSTS true) SELECT 1", true, ""},
      {"EXPLAIN (ANALYZE 0) SELECT 1", true, ""},
      {"EXPLAIN (ANALYZE 'false', FORMAT YAML) SELECT 1", true, ""},
      {"EXPLAIN (COSTS, VERBOSE, BUFFERS false) VALUES (1)", true, ""},
      {"EXPLAIN WITH x AS (SELECT 1) SELECT * FROM x", true, ""},
      {"EXPLAIN (SELECT 1) UNION (SELECT 2)", true, ""},
      {"EXPLAIN TABLE t", true, ""},
      {"EXPLAIN SELECT 'ANALYZE'", true, ""},
      {"EXPLAIN (\"ANALYZE\") SELECT 1", true, ""},  // quoted names keep their case; the server rejects this one
  });
}

TEST_CASE("classifier: EXPLAIN ANALYZE is refused in every spelling unless allowed") {
  run_cases({
      {"EXPLAIN ANALYZE SELECT 1", false, "EXPLAIN ANALYZE runs the query, so it is not allowed here"},
      {"EXPLAIN ANALYSE SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"explain analyze verbose select 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (ANALYZE) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (ANALYZE true) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (ANALYZE on) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (ANALYZE 1) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (ANALYZE 'yes') SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (FORMAT JSON, ANALYZE) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (analyse, buffers) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (ANALYZE false, ANALYZE true) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (\"analyze\" true) SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (\"analyse\") SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
      {"EXPLAIN (U&\"an\\0061lyze\") SELECT 1", false, "EXPLAIN ANALYZE runs the query"},
  });
}

TEST_CASE("classifier: EXPLAIN of something not allowed is refused, even with ANALYZE allowed") {
  const std::vector<Case> cases = {
      {"EXPLAIN ANALYZE DELETE FROM t", false, "Inside EXPLAIN: DELETE is not allowed: fleetmcp is read-only"},
      {"EXPLAIN DELETE FROM t", false, "Inside EXPLAIN: DELETE is not allowed"},
      {"EXPLAIN (ANALYZE) UPDATE t SET a = 1", false, "Inside EXPLAIN: UPDATE is not allowed"},
      {"EXPLAIN INSERT INTO t VALUES (1)", false, "Inside EXPLAIN: INSERT is not allowed"},
      {"EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1", false, "Inside EXPLAIN: CREATE TABLE is not allowed"},
      {"EXPLAIN EXECUTE p", false, "Inside EXPLAIN: EXECUTE is not allowed"},
      {"EXPLAIN ANALYZE WITH d AS (DELETE FROM t RETURNING 1) SELECT 1", false, "(DELETE inside WITH)"},
      {"EXPLAIN (ANALYZE) SELECT * FROM t FOR UPDATE", false, "FOR UPDATE"},
      {"EXPLAIN SELECT 1 INTO x", false, "SELECT … INTO"},
      {"EXPLAIN EXPLAIN SELECT 1", false, "EXPLAIN cannot be nested."},
      {"EXPLAIN", false, "EXPLAIN needs a query to explain"},
      {"EXPLAIN (FORMAT JSON)", false, "EXPLAIN needs a query to explain"},
      {"EXPLAIN ANALYZE", false, "EXPLAIN needs a query to explain"},
      {"(EXPLAIN SELECT 1)", false, "EXPLAIN must come first"},
  };
  SUBCASE("analyze refused") { run_cases(cases); }
  SUBCASE("analyze allowed") { run_cases(cases, ClassifyOptions{.allow_explain_analyze = true}); }
}

TEST_CASE("classifier: allow_explain_analyze lets EXPLAIN ANALYZE of a query through, flagged") {
  const ClassifyOptions allow{.allow_explain_analyze = true};
  for (const char* sql : {"EXPLAIN ANALYZE SELECT 1", "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM t"}) {
    const Verdict verdict = classify(sql, allow);
    CHECK(verdict.allowed);
    CHECK(verdict.kind == StatementKind::Explain);
    CHECK(verdict.explain_analyze);
    CHECK(verdict.statement == sql);
  }
  const Verdict refused = classify("EXPLAIN ANALYZE SELECT 1");
  CHECK_FALSE(refused.allowed);
  CHECK(refused.kind == StatementKind::Explain);
  CHECK(refused.explain_analyze);
  const Verdict plain = classify("EXPLAIN SELECT 1", allow);
  CHECK(plain.allowed);
  CHECK_FALSE(plain.explain_analyze);
}

TEST_CASE("classifier: unreadable SQL is refused with the lexer's finding and position") {
  run_cases({
      {"SELECT 'abc", false, "Cannot read the query: unterminated quoted string at position 7."},
      {"SELECT \"abc", false, "unterminated quoted identifier at position 7"},
      {"SELECT 1 /* x", false, "unterminated /* comment at position 9"},
      {"SELECT $$x", false, "unterminated dollar-quoted string at position 7"},
      {"SELECT E'x\\'; DROP TABLE t", false, "unterminated quoted string"},
      {"SELECT B'1", false, "unterminated bit string literal"},
  });
}

TEST_CASE("classifier: unbalanced parentheses are refused at the stray one") {
  run_cases({
      {"SELECT (1", false, "This '(' is never closed."},
      {"SELECT count(* FROM t", false, "never closed"},
      {"SELECT 1)", false, "This ')' has no matching '('."},
      // Would close the query tool's own wrapping parenthesis: refused, never run.
      {"SELECT 1) AS x, (SELECT 2", false, "no matching"},
      {"SELECT ')' , '(' , \"(\" FROM t -- )", true, ""},
      {"SELECT ((1) + (2))", true, ""},
  });
  const Verdict verdict = classify("SELECT f(1, (2)");
  CHECK(verdict.error_offset == 8);
}

TEST_CASE("classifier: kinds") {
  CHECK(classify("SELECT 1").kind == StatementKind::Select);
  CHECK(classify("WITH x AS (SELECT 1) SELECT 1").kind == StatementKind::With);
  CHECK(classify("VALUES (1)").kind == StatementKind::Values);
  CHECK(classify("TABLE t").kind == StatementKind::Table);
  CHECK(classify("EXPLAIN SELECT 1").kind == StatementKind::Explain);
  CHECK(classify("((VALUES (1)))").kind == StatementKind::Values);
  CHECK(classify("(SELECT 1) UNION (SELECT 2)").kind == StatementKind::Select);
}

TEST_CASE("classifier: error offsets point at the offending token") {
  using namespace std::string_view_literals;
  struct OffsetCase {
    std::string_view sql;
    std::size_t offset;
  };
  const std::vector<OffsetCase> cases = {
      {"SELECT 1; COMMIT", 10},
      {"  DELETE FROM t", 2},
      {"/* x */ ((UPDATE t SET a = 1))", 10},
      {"SELECT * FROM t FOR UPDATE", 16},
      {"SELECT * INTO x FROM t", 9},
      {"WITH d AS (DELETE FROM t) SELECT 1", 11},
      {"WITH a AS (SELECT 1) UPDATE t SET x = 1", 21},
      {"SELECT 'abc", 7},
      {"EXPLAIN ANALYZE SELECT 1", 8},
      {"EXPLAIN (FORMAT JSON, ANALYZE) SELECT 1", 22},
      {"EXPLAIN DELETE FROM t", 8},
      {"SELECT 1; /* c */ ; DROP TABLE t", 20},
      {"SELECT 1\0; DROP TABLE t"sv, 8},
      {"WITH x (SELECT 1) SELECT 1", 18},  // "(SELECT 1)" reads as a column list
  };
  for (const OffsetCase& c : cases) {
    CAPTURE(c.sql);
    const Verdict verdict = classify(c.sql);
    CHECK_FALSE(verdict.allowed);
    CHECK(verdict.error_offset == c.offset);
  }
}

TEST_CASE("classifier: the statement is stripped of trailing semicolons, whitespace and comments") {
  struct StripCase {
    const char* sql;
    const char* statement;
  };
  const std::vector<StripCase> cases = {
      {"SELECT 1", "SELECT 1"},
      {"SELECT 1;", "SELECT 1"},
      {"SELECT 1 ;  ;;\n-- done\n", "SELECT 1"},
      {"SELECT 1 -- trailing", "SELECT 1"},
      {"SELECT 1 /* tail */ ", "SELECT 1"},
      {"  -- lead\nSELECT 1", "  -- lead\nSELECT 1"},
      {";; SELECT 1;", " SELECT 1"},
      {"SELECT 'a;b' ; ", "SELECT 'a;b'"},
      {"SELECT $$;$$;", "SELECT $$;$$"},
      {"SELECT 1 -- a\n + 2; -- b", "SELECT 1 -- a\n + 2"},
  };
  for (const StripCase& c : cases) {
    CAPTURE(c.sql);
    const Verdict verdict = classify(c.sql);
    REQUIRE(verdict.allowed);
    CHECK(verdict.statement == c.statement);
    // Wrapped as DECLARE … FOR <statement>, nothing may follow it unseen.
    const auto tokens = fleetmcp::sql::lex(verdict.statement).tokens;
    REQUIRE_FALSE(tokens.empty());
    CHECK(tokens.back().kind != fleetmcp::sql::TokenKind::Comment);
    CHECK(tokens.back().kind != fleetmcp::sql::TokenKind::Whitespace);
    CHECK(tokens.back().kind != fleetmcp::sql::TokenKind::Semicolon);
  }
}

TEST_CASE("classifier: quoted analyst text in a reason is short, valid UTF-8 without control bytes") {
  const Verdict binary = classify("\xff\xfe x");
  CHECK_FALSE(binary.allowed);
  CHECK(binary.reason.find("'?\?' does not start a query") != std::string::npos);

  const Verdict control = classify("\x01 x");
  CHECK(control.reason.find("found '?' at position 0") != std::string::npos);

  const Verdict umlaut = classify("LÖSCHE t");
  CHECK(umlaut.reason.find("'LÖSCHE'") != std::string::npos);

  const Verdict overlong = classify("\xc0\xaf x");  // an overlong '/' must not pass as UTF-8
  CHECK(overlong.reason.find("'?\?'") != std::string::npos);

  const Verdict long_word = classify(std::string(10'000, 'a'));
  CHECK(long_word.reason.size() < 200);
}

TEST_CASE("classifier: deep nesting and long inputs are handled without recursion") {
  const std::size_t depth = 100'000;
  SUBCASE("a deeply parenthesised query") {
    const Verdict verdict = classify(std::string(depth, '(') + "SELECT 1" + std::string(depth, ')'));
    CHECK(verdict.allowed);
    CHECK(verdict.kind == StatementKind::Select);
  }
  SUBCASE("deeply nested WITH, data-modifying at the bottom") {
    std::string sql;
    for (std::size_t i = 0; i < depth / 10; ++i) sql += "WITH a AS (";
    sql += "DELETE FROM t";
    for (std::size_t i = 0; i < depth / 10; ++i) sql += ") SELECT 1";
    const Verdict verdict = classify(sql);
    CHECK_FALSE(verdict.allowed);
    CHECK(verdict.reason.find("(DELETE inside WITH)") != std::string::npos);
  }
  SUBCASE("a long run of statement-name words keeps the reason short") {
    std::string sql = "CREATE";
    for (std::size_t i = 0; i < depth; ++i) sql += " OR";
    CHECK(classify(sql).reason.starts_with("CREATE OR OR OR is not allowed"));
  }
  SUBCASE("a query a megabyte long") {
    std::string sql = "SELECT 1";
    while (sql.size() < 1'000'000) sql += " + length('x') -- c\n";
    const Verdict verdict = classify(sql + "; DELETE FROM t");
    CHECK_FALSE(verdict.allowed);
    CHECK(verdict.error_offset == sql.size() + 2);
  }
}

TEST_CASE("classifier: random bytes never throw and verdicts stay consistent") {
  std::mt19937 random(4242);
  const std::vector<std::string_view> pieces = {
      "SELECT", "WITH",    "x",       "AS",    "(",       ")",      "DELETE",       "FROM",   "t",
      "FOR",    "UPDATE",  "SHARE",   "INTO",  ";",       "'a'",    "$$b$$",        "--c\n",  "/*d*/",
      ",",      "EXPLAIN", "ANALYZE", "1",     " ",       "INSERT", "VALUES",       "TABLE",  "'",
      "\"",     "$",       "/*",      "E'\\'", "U&\"q\"", "NOT",    "MATERIALIZED", "SEARCH", "CYCLE",
      "SET",    "USING",   "\xff",    "\n",    "KEY",     "NO",     "RECURSIVE",    "MERGE"};
  std::uniform_int_distribution<std::size_t> count(0, 24);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> coin(0, 9);
  for (int iteration = 0; iteration < 20'000; ++iteration) {
    std::string sql;
    for (std::size_t i = count(random); i > 0; --i) {
      if (coin(random) == 0) {
        sql += static_cast<char>(byte(random));
      } else {
        sql += pieces[pick(random)];
        sql += ' ';
      }
    }
    Verdict verdict;
    REQUIRE_NOTHROW(verdict = classify(sql));
    REQUIRE(verdict.error_offset <= sql.size());
    if (!verdict.allowed) {
      REQUIRE(!verdict.reason.empty());
      continue;
    }
    // An allowed statement is a piece of the input and classifies the same on its own.
    REQUIRE(!verdict.statement.empty());
    REQUIRE(sql.find(verdict.statement) != std::string::npos);
    const Verdict again = classify(verdict.statement);
    REQUIRE(again.allowed);
    REQUIRE(again.statement == verdict.statement);
  }
}
