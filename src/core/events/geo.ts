/**
 * Maps the request's `cf` object (Cloudflare's estimate of where the client is) to the `geo` of an event.
 * @module
 */
import type { Geo } from "./schemas/envelope.js";

/** The parts of `request.cf` that geo reads; every one may be missing. */
export interface CfLocation {
  country?: unknown;
  region?: unknown;
  regionCode?: unknown;
  city?: unknown;
  postalCode?: unknown;
  latitude?: unknown;
  longitude?: unknown;
  timezone?: unknown;
  continent?: unknown;
  colo?: unknown;
}

/** Returns the geo fields the edge provided, or undefined when it provided none. */
export function geoFromCf(cf: CfLocation | undefined): Geo | undefined {
  if (!cf) return undefined;
  const geo: Geo = {};
  setText(geo, "country", cf.country);
  setText(geo, "region", cf.region);
  setText(geo, "regioncode", cf.regionCode);
  setText(geo, "city", cf.city);
  setText(geo, "postcode", cf.postalCode);
  setCoordinate(geo, "latitude", cf.latitude);
  setCoordinate(geo, "longitude", cf.longitude);
  setText(geo, "timezone", cf.timezone);
  setText(geo, "continent", cf.continent);
  setText(geo, "colo", cf.colo);
  return Object.keys(geo).length === 0 ? undefined : geo;
}

type TextField = "country" | "region" | "regioncode" | "city" | "postcode" | "timezone" | "continent" | "colo";

function setText(geo: Geo, field: TextField, value: unknown): void {
  if (typeof value === "string" && value !== "") geo[field] = value;
}

// Cloudflare gives coordinates as strings ("51.50799"); exports carry numbers so query engines can use them.
function setCoordinate(geo: Geo, field: "latitude" | "longitude", value: unknown): void {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number === "number" && Number.isFinite(number)) geo[field] = number;
}
