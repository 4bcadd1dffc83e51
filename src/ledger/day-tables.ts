/**
 * Tables of a shard split by UTC day (`{base}_{yyyymmdd}`, e.g. `runs_20261130`), so that rows past their
 * retention leave with their whole table: Durable Objects bill every row a DELETE removes as a row written, and a
 * DROP TABLE writes none (measured in workerd: a DELETE of 2 rows reports 2 rows written, a DROP of a 3-row table
 * 0). A shard's rows that grow with traffic and age out together (the runs of a day's claims, the minute rollups
 * of a day) live in day tables; each owner passes the table's columns and finds its tables here.
 * @module
 */
import type { MeteredSql } from "./sql-usage.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Durable Objects' SQLite takes at most 5 terms in a compound SELECT (SQLITE_LIMIT_COMPOUND_SELECT; a 6th fails
 * with "too many terms in compound SELECT"), and a shard has 8 or 9 live runs day tables and over 30 of files:
 * a statement over day tables reads 5 at a time.
 */
const TABLES_PER_STATEMENT = 5;

/** `tables` in groups of TABLES_PER_STATEMENT, in order. */
export function statementGroups<T>(tables: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < tables.length; start += TABLES_PER_STATEMENT) {
    groups.push(tables.slice(start, start + TABLES_PER_STATEMENT));
  }
  return groups;
}

/** 'yyyymmdd' of the UTC day of `epochMs`. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10).replaceAll("-", "");
}

/** The UTC day 'yyyymmdd' of a 'yyyy-mm-dd…' bucket or key part. */
export function dayOfBucket(bucket: string): string {
  return bucket.slice(0, 10).replaceAll("-", "");
}

/** The 'yyyy-mm-dd' of a 'yyyymmdd' day. */
export function isoDayOf(day: string): string {
  return `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
}

/** Epoch ms of the start of a 'yyyymmdd' day. */
export function dayStartMs(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
}

/** The day `days` days before `day` ('yyyymmdd'). */
export function daysBefore(day: string, days: number): string {
  return dayOf(dayStartMs(day) - days * DAY_MS);
}

export function dayTableName(base: string, day: string): string {
  if (!/^[a-z_]+$/.test(base) || !/^\d{8}$/.test(day)) throw new Error(`not a day table: ${base}_${day}`);
  return `${base}_${day}`;
}

/** The days that have a `base` table, newest first. */
export function dayTables(sql: MeteredSql, base: string): string[] {
  return readDayTables(sql, [base])[base]!.days;
}

/** A base's day tables and whether the table named `base` itself exists (the one table of before the day tables). */
export interface BaseTables {
  /** Days that have a `base` table, newest first. */
  days: string[];
  base: boolean;
}

/** The day tables of several bases at once: one read of sqlite_schema (it is scanned whole, however filtered). */
export function readDayTables<Base extends string>(sql: MeteredSql, bases: readonly Base[]): Record<Base, BaseTables> {
  // Sorted here: an ORDER BY would bill every name again as a row read (SQLite's sorter).
  const names = sql
    .all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
    .map((row) => row.name)
    .sort()
    .reverse();
  return Object.fromEntries(
    bases.map((base) => {
      const days = names.filter((name) => isDayTableOf(name, base)).map((name) => name.slice(base.length + 1));
      return [base, { days, base: names.includes(base) }];
    }),
  ) as Record<Base, BaseTables>;
}

function isDayTableOf(name: string, base: string): boolean {
  return baseOfTable(name) === base && name !== base;
}

/** The base a table counts with: `runs` for `runs_20261130` (and for `runs` itself). */
export function baseOfTable(name: string): string {
  return name.replace(/_\d{8}$/, "");
}

/** Creates the day's table if it is missing; `columns` is the body of its CREATE TABLE (columns and keys). */
export function ensureDayTable(sql: MeteredSql, base: string, day: string, columns: string): string {
  const name = dayTableName(base, day);
  sql.run(`CREATE TABLE IF NOT EXISTS ${name} (${columns}) WITHOUT ROWID`);
  return name;
}

/** Drops the day's `base` table (written rows: none, however many it holds). */
export function dropDayTable(sql: MeteredSql, base: string, day: string): void {
  sql.run(`DROP TABLE IF EXISTS ${dayTableName(base, day)}`);
}

/** Drops the `base` tables of days before `day` (of `days`, when the caller has just read them); returns those dropped. */
export function dropDayTablesBefore(
  sql: MeteredSql,
  base: string,
  day: string,
  days: readonly string[] = dayTables(sql, base),
): string[] {
  const dropped = days.filter((tableDay) => tableDay < day);
  for (const tableDay of dropped) sql.run(`DROP TABLE ${dayTableName(base, tableDay)}`);
  return dropped;
}
