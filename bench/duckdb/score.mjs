// DuckDB peer of `tally score customer.health` end to end (docs/performance.md, "End to end").
//
//   node bench/duckdb/score.mjs IN.csv OUT.csv THREADS
//
// Needs `@duckdb/node-api`, installed only under bench/duckdb by bench/e2e.sh
// (npm install --prefix bench/duckdb @duckdb/node-api). The same formula as
// metrics/customer/health.tally, in double arithmetic with round(x * 10) / 10 like Tally
// (DuckDB's round is half away from zero); the emea override as a CASE; rows with
// open_tickets < 0 (the `require`) are left out. Column types are given, so DuckDB spends
// nothing on sniffing them. Prints the query's own time on stderr.
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, threads] = process.argv.slice(2);
if (!input || !output || !threads) {
  console.error('usage: node score.mjs IN.csv OUT.csv THREADS');
  process.exit(2);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

const sql = `
COPY (
  WITH t AS (
    SELECT account_id, region, arr,
      round(100.0::DOUBLE * (
          0.5::DOUBLE * (least(greatest(logins_30d::DOUBLE / greatest(logins_prev_30d, 1)::DOUBLE, 0.0::DOUBLE), 2.0::DOUBLE) / 2.0::DOUBLE)
        + 0.3::DOUBLE * (1.0::DOUBLE - least(open_tickets, 10)::DOUBLE / 10.0::DOUBLE)
        + 0.2::DOUBLE * coalesce((nps + 100.0::DOUBLE) / 200.0::DOUBLE, 0.5::DOUBLE)
      ) * 10.0::DOUBLE) / 10.0::DOUBLE AS score
    FROM read_csv(${quote(input)}, header = true, delim = ',', quote = '"',
      columns = {'account_id': 'VARCHAR', 'logins_30d': 'BIGINT', 'logins_prev_30d': 'BIGINT',
                 'open_tickets': 'BIGINT', 'nps': 'DOUBLE', 'arr': 'DOUBLE',
                 'region': 'VARCHAR', 'segment': 'VARCHAR'})
    WHERE open_tickets >= 0
  )
  SELECT account_id, score,
    CASE WHEN score >= 70 THEN 'green' WHEN score >= 40 THEN 'amber' ELSE 'red' END AS tier,
    score < (CASE WHEN region = 'emea' THEN 35 ELSE 40 END) AND arr > 50000 AS at_risk
  FROM t
) TO ${quote(output)} (FORMAT csv, HEADER true)`;

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
const started = process.hrtime.bigint();
await connection.run(sql);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.error(`duckdb threads=${threads} query ${seconds.toFixed(3)} s`);
connection.closeSync();
