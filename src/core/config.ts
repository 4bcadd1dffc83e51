// Parses the collector's configuration (wrangler.toml vars and secrets) with its defaults, in one place.
// Every limit the edge and the consumer enforce comes from here.

export interface CollectorConfig {
  limits: RequestLimits;
  dedupeWindowDays: number;
  auth: AuthConfig;
  tenancy: TenancyConfig;
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
  hmacSecrets: string[];
  jwksUrl: string | undefined;
  jwksCacheSeconds: number;
  issuer: string | undefined;
  audience: string | undefined;
}

export const DEFAULT_LIMITS: RequestLimits = {
  maxWireBytes: 1024 * 1024,
  maxDecodedBytes: 4 * 1024 * 1024,
  maxEventsPerRequest: 2000,
  maxEventBytes: 64 * 1024,
};

export const DEFAULT_DEDUPE_WINDOW_DAYS = 7;
export const DEFAULT_JWKS_CACHE_SECONDS = 600;
export const DEFAULT_TENANT_CACHE_SECONDS = 30;

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
  | "JWT_SECRET"
  | "JWT_SECRET_PREVIOUS"
  | "JWKS_URL"
  | "JWKS_CACHE_SECONDS"
  | "JWT_ISSUER"
  | "JWT_AUDIENCE"
  | "OPEN_TENANCY"
  | "TENANT_CACHE_SECONDS";

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
    dedupeWindowDays: positiveInteger(source.DEDUPE_WINDOW_DAYS, DEFAULT_DEDUPE_WINDOW_DAYS),
    auth: {
      hmacSecrets: [source.JWT_SECRET, source.JWT_SECRET_PREVIOUS].filter(isPresent),
      jwksUrl: presentOrUndefined(source.JWKS_URL),
      jwksCacheSeconds: positiveInteger(source.JWKS_CACHE_SECONDS, DEFAULT_JWKS_CACHE_SECONDS),
      issuer: presentOrUndefined(source.JWT_ISSUER),
      audience: presentOrUndefined(source.JWT_AUDIENCE),
    },
    tenancy: {
      open: flag(source.OPEN_TENANCY, false),
      cacheSeconds: nonNegativeInteger(source.TENANT_CACHE_SECONDS, DEFAULT_TENANT_CACHE_SECONDS),
    },
  };
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
