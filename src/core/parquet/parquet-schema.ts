/**
 * The Parquet schema of the export, from the column list (parquet-columns.ts): the schema elements the writer
 * needs, and the published description (GET /v1/schema/parquet), which names each column's Parquet physical
 * and logical type and what DuckDB, Spark and Athena read it as.
 * @module
 */
import type { SchemaElement } from "hyparquet";
import { EXTRA_COLUMN, type FieldShape, type LeafKind, PARQUET_COLUMNS } from "./parquet-columns.js";

const LEAF_ELEMENTS: Record<LeafKind, Omit<SchemaElement, "name">> = {
  string: { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } },
  enum: { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } },
  // Plain INT64 is a signed 64-bit integer; hyparquet-writer 0.17 writes an INTEGER logical type DuckDB cannot read.
  int64: { type: "INT64" },
  double: { type: "DOUBLE" },
  timestamp: {
    type: "INT64",
    converted_type: "TIMESTAMP_MILLIS",
    logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
  },
  json: { type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } },
};

/** The writer's schema: a flat list of elements, depth first, every field OPTIONAL. */
export function parquetSchemaElements(): SchemaElement[] {
  const columns: Array<[string, FieldShape]> = [
    ...PARQUET_COLUMNS.map((column): [string, FieldShape] => [column.name, column.shape]),
    [EXTRA_COLUMN, json],
  ];
  return [
    { name: "schema", num_children: columns.length },
    ...columns.flatMap(([name, shape]) => elementsOf(name, shape)),
  ];
}

const json: FieldShape = { kind: "json" };

function elementsOf(name: string, shape: FieldShape): SchemaElement[] {
  if (shape.kind === "struct") {
    const fields = Object.entries(shape.fields);
    return [
      { name, repetition_type: "OPTIONAL", num_children: fields.length },
      ...fields.flatMap(([child, childShape]) => elementsOf(child, childShape)),
    ];
  }
  if (shape.kind === "list") {
    return [
      { name, repetition_type: "OPTIONAL", converted_type: "LIST", logical_type: { type: "LIST" }, num_children: 1 },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      ...elementsOf("element", shape.element),
    ];
  }
  return [{ name, repetition_type: "OPTIONAL", ...LEAF_ELEMENTS[shape.kind] }];
}

/** What a column is, as the published schema says it. */
export interface PublishedColumn {
  name: string;
  parquet: string;
  /** The SQL type DuckDB reads it as (Spark and Athena read the same logical types alike). */
  sql: string;
  description: string;
}

const LEAF_TYPES: Record<LeafKind, { parquet: string; sql: string }> = {
  string: { parquet: "BYTE_ARRAY STRING", sql: "VARCHAR" },
  enum: { parquet: "BYTE_ARRAY STRING (dictionary)", sql: "VARCHAR" },
  int64: { parquet: "INT64", sql: "BIGINT" },
  double: { parquet: "DOUBLE", sql: "DOUBLE" },
  timestamp: { parquet: "INT64 TIMESTAMP(MILLIS, UTC)", sql: "TIMESTAMP WITH TIME ZONE" },
  json: { parquet: "BYTE_ARRAY JSON", sql: "JSON" },
};

/** The SQL type of a shape, as DuckDB names it (e.g. `STRUCT(name VARCHAR, duration BIGINT)`). */
export function sqlTypeOf(shape: FieldShape): string {
  if (shape.kind === "struct") {
    const fields = Object.entries(shape.fields).map(([name, child]) => `${name} ${sqlTypeOf(child)}`);
    return `STRUCT(${fields.join(", ")})`;
  }
  if (shape.kind === "list") return `${sqlTypeOf(shape.element)}[]`;
  return LEAF_TYPES[shape.kind].sql;
}

function parquetTypeOf(shape: FieldShape): string {
  if (shape.kind === "struct") return "group (struct)";
  if (shape.kind === "list") return `LIST of ${parquetTypeOf(shape.element)}`;
  return LEAF_TYPES[shape.kind].parquet;
}

/** The published schema: every column in file order. */
export function publishedParquetColumns(): PublishedColumn[] {
  const columns = PARQUET_COLUMNS.map((column) => ({
    name: column.name,
    parquet: parquetTypeOf(column.shape),
    sql: sqlTypeOf(column.shape),
    description: column.description,
  }));
  columns.push({
    name: EXTRA_COLUMN,
    parquet: parquetTypeOf(json),
    sql: sqlTypeOf(json),
    description:
      "every field no other column holds, at any depth, as a JSON object shaped like the event (null when none)",
  });
  return columns;
}
