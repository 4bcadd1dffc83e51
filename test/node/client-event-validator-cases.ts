/**
 * The events the fast-path parity test feeds to both the generated validator and zod: the seed examples, and
 * systematic mutations of them: every field (declared by the schema or not, nested ones too) removed and set
 * to each of a list of values chosen to sit on the edges of the schema's rules (types, enums, GUIDs, date-times,
 * country codes, integers and their safe range, empty strings, nulls, arrays, objects), plus whole-event cases.
 * Every case is JSON text parsed back, as the edge only ever validates what JSON.parse returned.
 * @module
 */
import { z } from "zod";
import { seedEvents } from "../../fixtures/seed-events.js";
import { clientEventSchema, EVENT_TYPES } from "../../src/core/events/schemas/events.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** A place in an event and the schema of what goes there (none for a field the schema does not declare). */
interface FieldPath {
  path: Path;
  schema: z.core.$ZodType | undefined;
}

export interface Case {
  name: string;
  event: unknown;
}

const GUID = "5f71e09784354cfabd8253fe24d6b701";

const DATE_TIMES = [
  "2016-07-26T08:45:55.721118+01:00",
  "2016-07-26T08:45:55Z",
  "2016-07-26t08:45:55z",
  "2016-07-26T08:45:55",
  "2016-07-26T08:45+01:00",
  "2016-07-26 08:45:55Z",
  "2016-13-26T08:45:55Z",
  "2016-00-26T08:45:55Z",
  "2016-02-30T08:45:55Z",
  "2016-02-29T08:45:55Z",
  "2015-02-29T08:45:55Z",
  "2000-02-29T08:45:55Z",
  "1900-02-29T08:45:55Z",
  "0000-02-29T08:45:55Z",
  "2016-04-31T08:45:55Z",
  "2016-11-30T08:45:55Z",
  "2016-12-31T23:59:59.999-12:00",
  "2016-07-26T08:60:00Z",
  "2016-07-32T08:45:55Z",
  "2016-07-26T24:00:00Z",
  "2016-07-26T23:59:60Z",
  "2016-07-26T23:59:61Z",
  "2016-07-26T08:45:55.Z",
  "2016-07-26T08:45:55.721+0100",
  "2016-07-26T08:45:55-05",
  "2016-07-26T08:45:55+01:0",
  "2016-07-26T08:45:55+24:00",
  "2016-07-26T08:45:55+01:60",
  "2016-07-26T08:45:55Z\n",
  "\n2016-07-26T08:45:55Z",
  " 2016-07-26T08:45:55Z",
  "２０16-07-26T08:45:55Z",
  "16-07-26T08:45:55Z",
  "2016-07-26",
];

const GUIDS = [
  GUID,
  GUID.toUpperCase(),
  GUID.slice(1),
  `${GUID}0`,
  "5f71e097-8435-4cfa-bd82-53fe24d6b701",
  `${GUID.slice(1)}g`,
  `${GUID}\n`,
  `${GUID.slice(1)}é`,
];

const COUNTRY_CODES = ["gb", "GB", "gB", "g", "gbr", "g1", "éé", "GB\n", "  "];

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  7.5,
  -0.5,
  1e21,
  1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.MIN_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER - 1,
  2 ** 31,
  -(2 ** 31) - 1,
];

const STRINGS = ["", " ", "x", "7", "true", "null", "\u0000", "😀", "\ud800", "a".repeat(300)];

/** Values of other enums and near misses, for every field; each enum field also gets all of its own values. */
const ENUM_LIKE = [
  "playevent",
  "clickevent",
  "PlayEvent",
  "playevent ",
  "wan",
  "Wan",
  "wifi",
  "start",
  "bluetooth",
  "like",
];

/** The allowed values of an enum or literal field, each also upper-cased and with a trailing space. */
function ownValues(node: z.core.$ZodType | undefined): string[] {
  const inner = node instanceof z.ZodOptional ? (node.unwrap() as z.core.$ZodType) : node;
  const values =
    inner instanceof z.ZodEnum ? inner.options.map(String) : inner instanceof z.ZodLiteral ? inner.values : [];
  return [...values].flatMap((value) => [String(value), String(value).toUpperCase(), `${String(value)} `]);
}

const STRUCTURES: Json[] = [
  null,
  true,
  false,
  [],
  [null],
  ["de-DE"],
  [1],
  [{}],
  [{ name: "Groove Armada" }],
  [{ name: "" }],
  [{ id: GUID, name: "x" }],
  [{ id: "nope", name: "x" }],
  {},
  { name: "x" },
  { name: "" },
  { name: 1 },
  { connection: "aux" },
  { connection: "wifi" },
  { id: GUID, userid: GUID, parameters: {} },
  { id: GUID, userid: GUID, parameters: [] },
  { id: GUID, userid: GUID, parameters: null },
  { id: GUID, userid: GUID },
  { country: "DE", language: 1 },
  { nested: { deeper: [1, { x: null }] } },
];

/** The values every field is set to in turn (one of each format; formatted fields get them all). */
export function candidateValues(): Json[] {
  return [
    ...STRUCTURES,
    ...NUMBERS,
    ...STRINGS,
    DATE_TIMES[0]!,
    GUIDS[0]!,
    COUNTRY_CODES[0]!,
    ...ENUM_LIKE,
    ...EVENT_TYPES,
  ];
}

/** Every date-time, GUID and country code case for a field with a pattern (each format's cases on the others too). */
function formatValues(node: z.core.$ZodType | undefined): string[] {
  const inner = node instanceof z.ZodOptional ? (node.unwrap() as z.core.$ZodType) : node;
  const hasPattern =
    inner instanceof z.ZodString && (inner._zod.def.checks ?? []).length > 0 && inner.format === "regex";
  return hasPattern ? [...DATE_TIMES, ...GUIDS, ...COUNTRY_CODES] : [];
}

function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function objectSchemaOf(node: z.core.$ZodType | undefined): z.ZodObject | undefined {
  const inner = node instanceof z.ZodOptional ? (node.unwrap() as z.core.$ZodType) : node;
  return inner instanceof z.ZodObject ? inner : undefined;
}

function arrayElementSchemaOf(node: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  const inner = node instanceof z.ZodOptional ? (node.unwrap() as z.core.$ZodType) : node;
  return inner instanceof z.ZodArray ? (inner.element as z.core.$ZodType) : undefined;
}

/**
 * Every path worth mutating in `value`: the keys it has and the keys its schema declares (so optional fields
 * that the seed leaves out are tried too), into nested objects and the first element of arrays.
 */
function pathsOf(value: Json, schema: z.ZodObject | undefined, prefix: Path): FieldPath[] {
  if (!isRecord(value)) return [];
  const keys = new Set([...Object.keys(schema?.shape ?? {}), ...Object.keys(value)]);
  const paths: FieldPath[] = [];
  for (const key of keys) {
    const path = [...prefix, key];
    const fieldSchema = schema?.shape[key] as z.core.$ZodType | undefined;
    paths.push({ path, schema: fieldSchema });
    const child = value[key];
    if (isRecord(child)) paths.push(...pathsOf(child, objectSchemaOf(fieldSchema), path));
    if (Array.isArray(child) && child.length > 0) {
      const elementSchema = arrayElementSchemaOf(fieldSchema);
      paths.push({ path: [...path, 0], schema: elementSchema });
      paths.push(...pathsOf(child[0]!, objectSchemaOf(elementSchema), [...path, 0]));
    }
  }
  return paths;
}

/** A fresh parse of the event's JSON with one change; every value set is itself what JSON.parse gives. */
function withChange(eventJson: string, path: Path, change: { remove: true } | { value: Json }): unknown {
  const copy = JSON.parse(eventJson) as Record<string, Json>;
  let target: Record<string | number, Json> = copy;
  for (const part of path.slice(0, -1)) target = target[part] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if ("remove" in change) {
    if (Array.isArray(target)) target.splice(Number(last), 1);
    else delete target[last];
  } else {
    target[last] =
      typeof change.value === "object" && change.value !== null ? structuredClone(change.value) : change.value;
  }
  return copy;
}

function optionSchemaFor(type: unknown): z.ZodObject | undefined {
  return clientEventSchema.options.find((option) => option.shape.type.value === type);
}

/** Seed events, each mutated at every path: removed, and set to every candidate value. */
export function mutationCases(): Case[] {
  const values = candidateValues();
  const cases: Case[] = [];
  seedEvents().forEach((seed, seedIndex) => {
    const event = seed as Json;
    const eventJson = JSON.stringify(event);
    for (const { path, schema } of pathsOf(event, optionSchemaFor(seed.type), [])) {
      const where = `seed ${seedIndex} (${String(seed.type)}) ${path.join(".")}`;
      cases.push({ name: `${where} removed`, event: withChange(eventJson, path, { remove: true }) });
      for (const value of [...values, ...ownValues(schema), ...formatValues(schema)]) {
        cases.push({
          name: `${where} = ${JSON.stringify(value).slice(0, 40)}`,
          event: withChange(eventJson, path, { value }),
        });
      }
    }
  });
  return cases;
}

/** Whole events that are not events at all, or carry their fields in another order or with extras. */
export function wholeEventCases(): Case[] {
  const seeds = seedEvents();
  const cases: Case[] = [
    ...candidateValues().map((value) => ({ name: `the event is ${JSON.stringify(value).slice(0, 40)}`, event: value })),
    { name: "an array of events", event: [seeds[0]] },
  ];
  seeds.forEach((seed, index) => {
    cases.push({ name: `seed ${index}`, event: JSON.parse(JSON.stringify(seed)) });
    cases.push({
      name: `seed ${index}, every object's keys reversed`,
      event: JSON.parse(JSON.stringify(reversed(seed as Json))),
    });
    cases.push({
      name: `seed ${index} with undeclared fields, server fields and __proto__`,
      // Built as text: JSON.parse makes "__proto__" an own key, as it does for a device's body.
      event: JSON.parse(
        `{"0":"zero","eventid":"spoofed","geo":{"country":"XX"},"__proto__":{"polluted":true},${JSON.stringify(seed).slice(1, -1)},"userid":"spoofed","zz":[1,{"a":null}],"10":"ten"}`,
      ),
    });
    for (const type of EVENT_TYPES) {
      cases.push({ name: `seed ${index} with type ${type}`, event: JSON.parse(JSON.stringify({ ...seed, type })) });
    }
  });
  return cases;
}

function reversed(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversed);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, child]) => [key, reversed(child)]),
  );
}
