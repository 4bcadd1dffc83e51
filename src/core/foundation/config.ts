/**
 * Parses the collector's configuration (wrangler.toml vars and secrets) with its defaults, in one place.
 * Every limit the edge and the consumer enforce comes from here.
 * @module
 */
import { MAX_EVENT_QUEUES } from "../exports/queue-partitions.js";
import {
  checkSchedule,
  routingAt,
  type ShardRouting,
  type ShardSchedule,
  type ShardStep,
  singleStep,
} from "../exports/shard-schedule.js";
import type { Backoff } from "./retry-backoff.js";

export interface CollectorConfig {
  limits: RequestLimits;
  dedupeWindowDays: number;
  /** An event whose (corrected) device time is more than this many days before receivedat gets receivedat. */
  eventTimeWindowDays: number;
  auth: AuthConfig;
  tenancy: TenancyConfig;
  delivery: DeliveryConfig;
  ledger: LedgerConfig;
  /**
   * How many queue partitions carry the events (EVENTS, then EVENTS_1 … EVENTS_{n-1}): each event travels on the
   * partition of its ledger shard (src/core/exports/queue-partitions.ts, docs/scale.md).
   */
  eventQueues: number;
  /**
   * The origins whose pages may call the device routes from a browser (CORS, src/edge/ingest/device-cors.ts):
   * "*" for any (the default: the routes take a bearer token, never a cookie), or the listed origins only.
   */
  deviceCorsOrigins: "*" | string[];
  quality: QualityConfig;
}

/** The data quality counts and rejected-event samples (docs/quality.md). */
export interface QualityConfig {
  /**
   * How long an isolate keeps the report of requests that queued nothing before sending it on its own (unless
   * the tenant's next request takes it along first): at most one such queue message per tenant and isolate this often.
   */
  reportFlushMs: number;
  /** Rejected events kept as samples per tenant, error path and UTC hour, at most. */
  samplesPerPathHour: number;
  /** Days the samples are kept before the hourly cron deletes them. */
  sampleRetentionDays: number;
}

export const DEFAULT_QUALITY: QualityConfig = {
  reportFlushMs: 10_000,
  samplesPerPathHour: 5,
  sampleRetentionDays: 7,
};

/** The sharded export ledger (src/ledger/, docs/scale.md). */
export interface LedgerConfig {
  /** Shard counts over time of a tenant not named in shardsByTenant (src/core/exports/shard-schedule.ts). */
  defaultShards: ShardSchedule;
  /** Tenants with more (or fewer) shards than the default, each with its counts over time (OPERATIONS.md). */
  shardsByTenant: Record<string, ShardSchedule>;
  /** How long a shard keeps its committed files' facts for the pull API; more than the dedupe window. */
  manifestRetentionDays: number;
  /**
   * Until when (epoch ms) the consumer also honours the D1 claims of the ledger before the shards
   * (migrations/0001, 0006); undefined = always. After the last D1 claim has aged out it is not needed.
   */
  legacyClaimsUntil: number | undefined;
}

/** Push delivery to tenants' own storage (src/delivery): upload sizes and the delivery queue's backoff. */
export interface DeliveryConfig {
  /** Files up to this size go up in one PUT; larger ones as multipart (S3) or blocks (Azure). */
  singlePutMaxBytes: number;
  /** Size of each part or block of a larger file (S3 needs at least 5 MiB except for the last part). */
  partBytes: number;
  /** The delivery queue's retry delays: the first (DELIVERY_RETRY_FIRST_SECONDS), each later one doubled, up to
   * DELIVERY_RETRY_MAX_SECONDS. */
  retry: Backoff;
  /**
   * Destinations may be http or https on 127.0.0.0/8 and [::1]: local emulators (s3rver, Azurite, MinIO) only.
   * Off when deployed; see src/core/delivery/destination-endpoint.ts for what is refused.
   */
  allowLoopbackEndpoints: boolean;
}

export interface TenancyConfig {
  /** Any tenant in a valid token may send, with default settings, unless the tenants table says otherwise. */
  open: boolean;
  /** How long an isolate keeps a tenant's settings before reading them again. */
  cacheSeconds: number;
}

export interface RequestLimits {
  maxWireBytes: number;
  maxDecodedBytes: number;
  maxEventsPerRequest: number;
  maxEventBytes: number;
}

export interface AuthConfig {
  /** The secrets that verify HS256 tokens; empty when HS256 is not accepted (ALLOW_HS256). */
  hmacSecrets: string[];
  jwksUrl: string | undefined;
  jwksCacheSeconds: number;
  issuer: string | undefined;
  audience: string | undefined;
  /** A token whose exp is further ahead than this is refused: a leaked token is good for this long at most. */
  maxTokenTtlSeconds: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  maxWireBytes: 1024 * 1024,
  maxDecodedBytes: 4 * 1024 * 1024,
  maxEventsPerRequest: 2000,
  maxEventBytes: 64 * 1024,
};

export const DEFAULT_DELIVERY: DeliveryConfig = {
  singlePutMaxBytes: 16 * 1024 * 1024,
  partBytes: 8 * 1024 * 1024,
  // An hour between attempts at most: with the queue's max_retries (100) a destination may be down for days.
  retry: { firstSeconds: 30, maxSeconds: 60 * 60 },
  allowLoopbackEndpoints: false,
};

export const DEFAULT_DEDUPE_WINDOW_DAYS = 7;
export const DEFAULT_LEDGER_SHARDS = 1;
export const DEFAULT_MANIFEST_RETENTION_DAYS = 31;
export const DEFAULT_EVENT_QUEUES = 1;
/** One shard per tenant is plenty below ~10 million events a day; docs/scale.md sizes the rest. */
const MAX_LEDGER_SHARDS = 1024;
export const DEFAULT_EVENT_TIME_WINDOW_DAYS = 30;
export const DEFAULT_JWKS_CACHE_SECONDS = 600;
export const DEFAULT_TENANT_CACHE_SECONDS = 30;
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** A queue message holds at most 128 KB; an event must fit in one with its server fields and some margin. */
const LARGEST_ALLOWED_EVENT_BYTES = 100_000;

/** The subset of the Worker's env that configuration is read from; plain strings, so Node scripts can pass theirs. */
export type ConfigSource = Partial<Record<ConfigVarName, string | undefined>>;

type ConfigVarName =
  | "MAX_WIRE_BYTES"
  | "MAX_DECODED_BYTES"
  | "MAX_EVENTS_PER_REQUEST"
  | "MAX_EVENT_BYTES"
  | "DEDUPE_WINDOW_DAYS"
  | "EVENT_TIME_WINDOW_DAYS"
  | "JWT_SECRET"
  | "JWT_SECRET_PREVIOUS"
  | "JWKS_URL"
  | "JWKS_CACHE_SECONDS"
  | "JWT_ISSUER"
  | "JWT_AUDIENCE"
  | "ALLOW_HS256"
  | "MAX_TOKEN_TTL_SECONDS"
  | "OPEN_TENANCY"
  | "TENANT_CACHE_SECONDS"
  | "DELIVERY_SINGLE_PUT_MAX_BYTES"
  | "DELIVERY_PART_BYTES"
  | "DELIVERY_RETRY_FIRST_SECONDS"
  | "DELIVERY_RETRY_MAX_SECONDS"
  | "DELIVERY_ALLOW_LOOPBACK_ENDPOINTS"
  | "LEDGER_SHARDS"
  | "LEDGER_SHARDS_BY_TENANT"
  | "MANIFEST_RETENTION_DAYS"
  | "LEGACY_CLAIMS_UNTIL"
  | "EVENT_QUEUES"
  | "DEVICE_CORS_ORIGINS"
  | "REQUEST_REPORT_FLUSH_MS"
  | "REJECTED_SAMPLES_PER_PATH_HOUR"
  | "REJECTED_SAMPLE_RETENTION_DAYS";

const parsedConfigs = new WeakMap<object, CollectorConfig>();

/** Parses once per env object: the env of a deployed Worker does not change between requests. */
export function readConfig(source: ConfigSource): CollectorConfig {
  const cached = parsedConfigs.get(source);
  if (cached) return cached;
  const config = parseConfig(source);
  parsedConfigs.set(source, config);
  return config;
}

export function parseConfig(source: ConfigSource): CollectorConfig {
  const dedupeWindowDays = positiveInteger(source.DEDUPE_WINDOW_DAYS, DEFAULT_DEDUPE_WINDOW_DAYS);
  return {
    limits: {
      maxWireBytes: positiveInteger(source.MAX_WIRE_BYTES, DEFAULT_LIMITS.maxWireBytes),
      maxDecodedBytes: positiveInteger(source.MAX_DECODED_BYTES, DEFAULT_LIMITS.maxDecodedBytes),
      maxEventsPerRequest: positiveInteger(source.MAX_EVENTS_PER_REQUEST, DEFAULT_LIMITS.maxEventsPerRequest),
      maxEventBytes: atMost(
        positiveInteger(source.MAX_EVENT_BYTES, DEFAULT_LIMITS.maxEventBytes),
        LARGEST_ALLOWED_EVENT_BYTES,
        "MAX_EVENT_BYTES",
      ),
    },
    dedupeWindowDays,
    eventTimeWindowDays: positiveInteger(source.EVENT_TIME_WINDOW_DAYS, DEFAULT_EVENT_TIME_WINDOW_DAYS),
    auth: parseAuth(source),
    tenancy: {
      open: flag(source.OPEN_TENANCY, false),
      cacheSeconds: nonNegativeInteger(source.TENANT_CACHE_SECONDS, DEFAULT_TENANT_CACHE_SECONDS),
    },
    delivery: {
      singlePutMaxBytes: positiveInteger(source.DELIVERY_SINGLE_PUT_MAX_BYTES, DEFAULT_DELIVERY.singlePutMaxBytes),
      partBytes: positiveInteger(source.DELIVERY_PART_BYTES, DEFAULT_DELIVERY.partBytes),
      retry: {
        firstSeconds: positiveInteger(source.DELIVERY_RETRY_FIRST_SECONDS, DEFAULT_DELIVERY.retry.firstSeconds),
        maxSeconds: positiveInteger(source.DELIVERY_RETRY_MAX_SECONDS, DEFAULT_DELIVERY.retry.maxSeconds),
      },
      allowLoopbackEndpoints: flag(source.DELIVERY_ALLOW_LOOPBACK_ENDPOINTS, DEFAULT_DELIVERY.allowLoopbackEndpoints),
    },
    ledger: parseLedgerConfig(source, dedupeWindowDays),
    eventQueues: atMost(positiveInteger(source.EVENT_QUEUES, DEFAULT_EVENT_QUEUES), MAX_EVENT_QUEUES, "EVENT_QUEUES"),
    deviceCorsOrigins: parseOrigins(source.DEVICE_CORS_ORIGINS, "DEVICE_CORS_ORIGINS"),
    quality: {
      reportFlushMs: nonNegativeInteger(source.REQUEST_REPORT_FLUSH_MS, DEFAULT_QUALITY.reportFlushMs),
      samplesPerPathHour: nonNegativeInteger(source.REJECTED_SAMPLES_PER_PATH_HOUR, DEFAULT_QUALITY.samplesPerPathHour),
      sampleRetentionDays: positiveInteger(source.REJECTED_SAMPLE_RETENTION_DAYS, DEFAULT_QUALITY.sampleRetentionDays),
    },
  };
}

/** An origin as browsers send it: scheme://host[:port], no path, no trailing slash (capacitor://localhost too). */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/;

/** "*" (or empty: the default) for any origin, else origins separated by commas or spaces, compared lowercased. */
function parseOrigins(raw: string | undefined, name: string): "*" | string[] {
  if (raw === undefined || raw.trim() === "" || raw.trim() === "*") return "*";
  const origins = raw
    .split(/[\s,]+/)
    .filter((origin) => origin !== "")
    .map((origin) => origin.toLowerCase());
  const invalid = origins.find((origin) => !ORIGIN.test(origin));
  if (invalid !== undefined) {
    throw new Error(
      `${name} must be "*" or origins like https://app.example.com; ${JSON.stringify(invalid)} is not one`,
    );
  }
  return origins;
}

function parseLedgerConfig(source: ConfigSource, dedupeWindowDays: number): LedgerConfig {
  const defaultShards = isPresent(source.LEDGER_SHARDS)
    ? parseSchedule(
        source.LEDGER_SHARDS.trim().startsWith("[") ? JSON.parse(source.LEDGER_SHARDS) : source.LEDGER_SHARDS,
        "LEDGER_SHARDS",
      )
    : singleStep(DEFAULT_LEDGER_SHARDS);
  const byTenant: Record<string, ShardSchedule> = {};
  if (isPresent(source.LEDGER_SHARDS_BY_TENANT)) {
    const parsed: unknown = JSON.parse(source.LEDGER_SHARDS_BY_TENANT);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error('LEDGER_SHARDS_BY_TENANT must be a JSON object like {"tenant": 16}');
    }
    for (const [tenant, schedule] of Object.entries(parsed))
      byTenant[tenant] = parseSchedule(schedule, `LEDGER_SHARDS_BY_TENANT.${tenant}`);
  }
  const manifestRetentionDays = positiveInteger(source.MANIFEST_RETENTION_DAYS, DEFAULT_MANIFEST_RETENTION_DAYS);
  // The manifest's file rows say whether a run's file committed: they must outlive the runs.
  if (manifestRetentionDays <= dedupeWindowDays) {
    throw new Error("MANIFEST_RETENTION_DAYS must be more than DEDUPE_WINDOW_DAYS");
  }
  let legacyClaimsUntil: number | undefined;
  if (isPresent(source.LEGACY_CLAIMS_UNTIL)) {
    legacyClaimsUntil = Date.parse(source.LEGACY_CLAIMS_UNTIL);
    if (Number.isNaN(legacyClaimsUntil)) throw new Error("LEGACY_CLAIMS_UNTIL must be an ISO-8601 date-time");
  }
  return { defaultShards, shardsByTenant: byTenant, manifestRetentionDays, legacyClaimsUntil };
}

/** The ledger shard counts of `tenant` over time. */
export function ledgerShardsOf(config: LedgerConfig, tenant: string): ShardSchedule {
  // Own entries only: a tenant may be named like an Object.prototype member ("constructor").
  return Object.hasOwn(config.shardsByTenant, tenant) ? config.shardsByTenant[tenant]! : config.defaultShards;
}

/**
 * How `tenant`'s sessions are routed to ledger shards at `now` (epoch ms): the one answer the edge (which queue
 * partition an event takes) and the consumer (which shard claims it) both read.
 */
export function ledgerRoutingOf(config: CollectorConfig, tenant: string, now: number): ShardRouting {
  return routingAt(ledgerShardsOf(config.ledger, tenant), now, config.dedupeWindowDays);
}

/**
 * A count of shards (a number, or its digits), or the counts over time: a JSON array of steps
 * `{"shards": n, "from": "ISO-8601 date-time"}`, the first without `from`, the others in ascending time.
 */
function parseSchedule(raw: unknown, name: string): ShardSchedule {
  if (!Array.isArray(raw)) return singleStep(shardCount(raw, name));
  const steps = raw.map((step: unknown, index): ShardStep => {
    const where = `${name}[${index}]`;
    if (typeof step !== "object" || step === null) throw new Error(`${where} must be {"shards": n, "from": "…"}`);
    const { shards, from } = step as { shards?: unknown; from?: unknown };
    if (index === 0 && from === undefined) return { shards: shardCount(shards, `${where}.shards`), from: 0 };
    const time = typeof from === "string" ? Date.parse(from) : Number.NaN;
    if (Number.isNaN(time)) throw new Error(`${where}.from must be an ISO-8601 date-time`);
    return { shards: shardCount(shards, `${where}.shards`), from: time };
  });
  return checkSchedule(steps, name);
}

function shardCount(raw: unknown, name: string): number {
  const value = typeof raw === "string" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_LEDGER_SHARDS) {
    throw new Error(`${name} must be a whole number of shards from 1 to ${MAX_LEDGER_SHARDS}`);
  }
  return value;
}

/**
 * HS256 (the shared JWT_SECRET) is accepted unless ALLOW_HS256 is "false"; with JWKS_URL set it is refused unless
 * ALLOW_HS256 is "true": an operator who moves to an identity provider's keys should not keep a second way to
 * sign tokens by accident, and can keep it on purpose while devices move over.
 */
function parseAuth(source: ConfigSource): AuthConfig {
  const jwksUrl = presentOrUndefined(source.JWKS_URL);
  const allowHs256 = flag(source.ALLOW_HS256, jwksUrl === undefined);
  if (!allowHs256 && jwksUrl === undefined) {
    throw new Error('ALLOW_HS256 is "false" and JWKS_URL is unset: no token could be verified');
  }
  return {
    hmacSecrets: allowHs256 ? [source.JWT_SECRET, source.JWT_SECRET_PREVIOUS].filter(isPresent) : [],
    jwksUrl,
    jwksCacheSeconds: positiveInteger(source.JWKS_CACHE_SECONDS, DEFAULT_JWKS_CACHE_SECONDS),
    issuer: presentOrUndefined(source.JWT_ISSUER),
    audience: presentOrUndefined(source.JWT_AUDIENCE),
    maxTokenTtlSeconds: positiveInteger(source.MAX_TOKEN_TTL_SECONDS, DEFAULT_MAX_TOKEN_TTL_SECONDS),
  };
}

/**
 * DESTINATION_KEY, the AES-256 key that seals destination secrets: 64 hex digits (`openssl rand -hex 32`).
 * Parsed apart from readConfig so that a missing key disables destinations only, never ingest.
 */
export function parseDestinationKey(raw: string | undefined): Uint8Array | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const hex = raw.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("DESTINATION_KEY must be 64 hex digits (32 bytes)");
  return Uint8Array.from(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
}

function flag(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === "") return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new Error(`configuration value ${JSON.stringify(raw)} is not "true" or "false"`);
}

function nonNegativeInteger(raw: string | undefined, fallback: number): number {
  if (raw === "0") return 0;
  return positiveInteger(raw, fallback);
}

function atMost(value: number, maximum: number, name: string): number {
  if (value > maximum) throw new Error(`${name} may be at most ${maximum}`);
  return value;
}

function positiveInteger(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`configuration value ${JSON.stringify(raw)} is not a positive integer`);
  }
  return value;
}

function isPresent(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

function presentOrUndefined(value: string | undefined): string | undefined {
  return isPresent(value) ? value : undefined;
}
