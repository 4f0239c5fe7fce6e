// Reads Stocktake inventory report data files with DuckDB (@duckdb/node-api), the way a user
// would query them: one table per report partition (dt), columns named from the manifest's
// fileSchema. Input on stdin (JSON): {format, columns: [fileSchema names], athena: [snake_case
// names], partitions: [{dt, files: [local paths]}], queries: [sql]}. Output on stdout:
// {rows: [...], results: [[...] per query]}.
import { DuckDBInstance } from "@duckdb/node-api";

const input = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (c) => { data += c; });
  process.stdin.on("end", () => resolve(data));
}));

const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(":memory:");
const conn = await instance.connect();

function source(files) {
  const list = `[${files.map(quote).join(", ")}]`;
  if (input.format === "CSV") {
    const cols = input.columns.map((c, i) => `${quote(input.athena[i])}: 'VARCHAR'`).join(", ");
    return `read_csv(${list}, header=false, delim=',', quote='"', escape='"', ` +
      `compression='gzip', columns={${cols}})`;
  }
  return `read_parquet(${list})`;
}

const parts = input.partitions.filter((p) => p.files.length);
const selects = parts.map((p) => `SELECT *, ${quote(p.dt)} AS dt FROM ${source(p.files)}`);
await conn.run(`CREATE TABLE inventory AS ${selects.join(" UNION ALL ")}`);
const rows = (await conn.runAndReadAll("SELECT * FROM inventory")).getRowObjectsJson();
const results = [];
for (const q of input.queries || []) {
  results.push((await conn.runAndReadAll(q)).getRowObjectsJson());
}
console.log(JSON.stringify({ rows, results }));
