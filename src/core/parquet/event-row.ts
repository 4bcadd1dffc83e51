/**
 * One exported event as one Parquet row, without losing anything: each value that has the type its column
 * declares goes into the column; everything else (fields the document does not declare, at any depth, and a
 * declared field whose value does not have the declared type) goes into `extra`, a JSON object shaped like the
 * event. `rebuildEvent` merges the two back into the event, equal to it as a JSON value (the order of its
 * fields is not kept).
 *
 * `extra` records, per path: for an object, its undeclared fields and the extras of its declared ones; for a
 * list, the extras of its elements by index (`{"1": …}`); for a value no column can hold, the value itself (a
 * declared field present as `null` too, so null and absent stay apart).
 * @module
 */
import { EVENT_SHAPE, type FieldShape, PARQUET_COLUMNS } from "./parquet-columns.js";

/** The column values of a row (struct columns as objects, lists as arrays, Longs as bigint, instants as Date). */
export type RowValues = Record<string, unknown>;

export interface EventRow {
  values: RowValues;
  /** undefined when every field of the event is in a column. */
  extra: Record<string, unknown> | undefined;
}

interface Split {
  column: unknown;
  /** Present when the column does not hold all of the value. */
  extra?: { value: unknown };
}

export function eventToRow(event: unknown): EventRow {
  const split = splitValue(event, EVENT_SHAPE);
  const declared = (split.column ?? {}) as Record<string, unknown>;
  const values: RowValues = {};
  for (const column of PARQUET_COLUMNS) {
    const [first, second] = column.path;
    const parent = declared[first];
    values[column.name] =
      second === undefined ? parent : ((parent as Record<string, unknown> | null)?.[second] ?? null);
  }
  return { values, extra: flattenedGeoExtra(declared, split.extra?.value) };
}

/**
 * `geo` has no column of its own, only `geo_*` ones, so a geo object with none of its fields in a column (an empty
 * one) would read back as absent: its presence goes into extra.
 */
function flattenedGeoExtra(declared: Record<string, unknown>, extra: unknown): Record<string, unknown> | undefined {
  const geo = declared.geo as Record<string, unknown> | null | undefined;
  const record = (extra ?? undefined) as Record<string, unknown> | undefined;
  if (geo && Object.values(geo).every((value) => value === null) && !(record && "geo" in record)) {
    return { ...record, geo: {} };
  }
  return record;
}

function splitValue(value: unknown, shape: FieldShape): Split {
  if (value === undefined) return { column: null };
  switch (shape.kind) {
    case "struct":
      return splitStruct(value, shape.fields);
    case "list":
      return splitList(value, shape.element);
    case "string":
    case "enum":
      return typeof value === "string" ? { column: value } : unheld(value);
    case "int64":
      return Number.isSafeInteger(value) ? { column: BigInt(value as number) } : unheld(value);
    case "double":
      return typeof value === "number" && Number.isFinite(value) ? { column: value } : unheld(value);
    case "timestamp":
      return isExactInstant(value) ? { column: new Date(value) } : unheld(value);
    case "json":
      return value === null ? unheld(value) : { column: value };
  }
}

function unheld(value: unknown): Split {
  return { column: null, extra: { value } };
}

function splitStruct(value: unknown, fields: Readonly<Record<string, FieldShape>>): Split {
  if (!isPlainObject(value)) return unheld(value);
  const column: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(fields)) {
    const split = splitValue(Object.hasOwn(value, name) ? value[name] : undefined, shape);
    column[name] = split.column;
    if (split.extra) extra[name] = split.extra.value;
  }
  for (const [name, fieldValue] of Object.entries(value)) {
    if (!Object.hasOwn(fields, name)) extra[name] = fieldValue;
  }
  return Object.keys(extra).length === 0 ? { column } : { column, extra: { value: extra } };
}

function splitList(value: unknown, element: FieldShape): Split {
  if (!Array.isArray(value)) return unheld(value);
  const extra: Record<string, unknown> = {};
  const column = value.map((item, index) => {
    const split = splitValue(item, element);
    // A null element reads back as null: its place in the list already says it was there.
    if (split.extra && !(item === null && split.column === null)) extra[String(index)] = split.extra.value;
    return split.column;
  });
  return Object.keys(extra).length === 0 ? { column } : { column, extra: { value: extra } };
}

/** An instant written exactly as toISOString writes it (the collector's own), so the column loses nothing. */
function isExactInstant(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const instant = new Date(value);
  return !Number.isNaN(instant.getTime()) && instant.toISOString() === value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The event a row holds: its columns as a reader returns them (Longs as bigint or number, instants as Date or ISO
 * text, JSON columns as parsed values or JSON text) merged with its extra. The inverse of eventToRow.
 */
export function rebuildEvent(values: RowValues, extra: unknown): Record<string, unknown> {
  const declared: Record<string, unknown> = {};
  for (const column of PARQUET_COLUMNS) {
    const value = values[column.name];
    if (value === null || value === undefined) continue;
    const [first, second] = column.path;
    if (second === undefined) declared[first] = value;
    else declared[first] = { ...(declared[first] as object | undefined), [second]: value };
  }
  const parsedExtra = typeof extra === "string" ? (JSON.parse(extra) as unknown) : extra;
  return mergeValue(fromColumn(declared, EVENT_SHAPE), parsedExtra ?? undefined) as Record<string, unknown>;
}

/** A column value as JSON would hold it: nulls of absent fields dropped, bigints and Dates back to JSON values. */
function fromColumn(value: unknown, shape: FieldShape): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.kind) {
    case "struct": {
      const object: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(shape.fields)) {
        const childValue = fromColumn((value as Record<string, unknown>)[name], child);
        if (childValue !== undefined) object[name] = childValue;
      }
      return object;
    }
    case "list":
      return (value as unknown[]).map((item) => fromColumn(item, shape.element) ?? null);
    case "int64":
      return Number(value);
    case "timestamp":
      return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
    case "json":
      return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
    default:
      return value;
  }
}

function mergeValue(column: unknown, extra: unknown): unknown {
  if (extra === undefined) return column;
  if (column === undefined) return extra;
  if (Array.isArray(column) && isPlainObject(extra)) {
    return column.map((item, index) => mergeValue(item, extra[String(index)]));
  }
  if (isPlainObject(column) && isPlainObject(extra)) {
    const merged: Record<string, unknown> = { ...column };
    for (const [name, value] of Object.entries(extra)) merged[name] = mergeValue(column[name], value);
    return merged;
  }
  return extra;
}
