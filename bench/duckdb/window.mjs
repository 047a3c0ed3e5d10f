// DuckDB peer of `tally score bench.arr_rank` (bench/window.sh, docs/performance.md):
// the same window aggregates in SQL, output in input order.
//
//   node bench/duckdb/window.mjs IN.csv OUT.csv THREADS
//
// quantile_cont is the same linear interpolation (type 7) as Tally's quantile; rows with
// open_tickets < 0 are left out before the windows, as Tally's require does. The row number
// of the scan (input order) orders the output, since windows reorder rows.
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, threads] = process.argv.slice(2);
if (!input || !output || !threads) {
  console.error('usage: node window.mjs IN.csv OUT.csv THREADS');
  process.exit(2);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

const sql = `
COPY (
  WITH t AS (
    SELECT row_number() OVER () AS rn, account_id, arr, region, open_tickets
    FROM read_csv(${quote(input)}, header = true, delim = ',', quote = '"',
      columns = {'account_id': 'VARCHAR', 'logins_30d': 'BIGINT', 'logins_prev_30d': 'BIGINT',
                 'open_tickets': 'BIGINT', 'nps': 'DOUBLE', 'arr': 'DOUBLE',
                 'region': 'VARCHAR', 'segment': 'VARCHAR'})
  ), kept AS (SELECT * FROM t WHERE open_tickets >= 0)
  SELECT account_id,
    arr >= quantile_cont(arr, 0.8) OVER () AS top_fifth,
    arr - avg(arr) OVER (PARTITION BY region) AS vs_region,
    coalesce(arr / sum(arr) OVER (PARTITION BY region), 0) AS region_share
  FROM kept ORDER BY rn
) TO ${quote(output)} (FORMAT csv, HEADER true)`;

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
const started = process.hrtime.bigint();
await connection.run(sql);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.error(`duckdb threads=${threads} query ${seconds.toFixed(3)} s`);
connection.closeSync();
