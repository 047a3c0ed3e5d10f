# Sourced by the benchmark scripts (bench/e2e.sh, bench/window.sh) with $root and $work set:
# installs @duckdb/node-api under bench/duckdb only (npm), unless SKIP_DUCKDB=1, and sets
# duck=1 when it is there.
duck=0
if [[ ${SKIP_DUCKDB:-0} != 1 ]]; then
  if [[ ! -d $root/bench/duckdb/node_modules/@duckdb/node-api ]]; then
    echo "installing @duckdb/node-api under bench/duckdb ..."
    npm install --prefix "$root/bench/duckdb" --no-save --no-audit --no-fund @duckdb/node-api >"$work/npm.log" 2>&1 \
      || echo "npm could not install @duckdb/node-api (see $work/npm.log): DuckDB skipped"
  fi
  [[ -d $root/bench/duckdb/node_modules/@duckdb/node-api ]] && duck=1
  ((duck)) && echo "duckdb: @duckdb/node-api $(node -p "require('$root/bench/duckdb/node_modules/@duckdb/node-api/package.json').version")"
fi
