// Reads a Parquet file with hyparquet (an independent JavaScript Parquet reader): prints the
// schema, the codecs and statistics of every column chunk, and all rows, as JSON.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";

const file = await asyncBufferFromFile(process.argv[2]);
const metadata = await parquetMetadataAsync(file);
const rows = await parquetReadObjects({ file });
const chunks = metadata.row_groups.flatMap((g) => g.columns.map((c) => ({
  column: c.meta_data.path_in_schema.join("."),
  codec: c.meta_data.codec,
  encodings: c.meta_data.encodings,
  nulls: Number(c.meta_data.statistics?.null_count ?? -1),
  min: c.meta_data.statistics?.min_value,
  max: c.meta_data.statistics?.max_value,
})));
const replacer = (k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v);
console.log(JSON.stringify({
  schema: metadata.schema.map((s) => ({ name: s.name, type: s.type, repetition: s.repetition_type,
    logical: s.logical_type, converted: s.converted_type })),
  created_by: metadata.created_by,
  key_value_metadata: metadata.key_value_metadata,
  row_groups: metadata.row_groups.length,
  chunks,
  rows,
}, replacer));
