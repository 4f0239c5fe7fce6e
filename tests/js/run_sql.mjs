// Runs SQL text as printed (e.g. `stocktake inventory ddl --engine duckdb`) in an in-memory
// DuckDB, then one query. Input on stdin (JSON): {sql, query}. Output: the query's rows (JSON).
import { DuckDBInstance } from "@duckdb/node-api";

const input = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (c) => { data += c; });
  process.stdin.on("end", () => resolve(data));
}));
const instance = await DuckDBInstance.create(":memory:");
const conn = await instance.connect();
await conn.run(input.sql);
console.log(JSON.stringify((await conn.runAndReadAll(input.query)).getRowObjectsJson()));
