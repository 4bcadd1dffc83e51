/**
 * Maps the request's `cf` object (Cloudflare's estimate of where the client is) to the `geo` of an event, as
 * precise as the tenant's `geo` setting allows: every field (`on`), the country and continent only (`country`:
 * no region, city, postcode, coordinates, time zone or data centre, any of which narrows a user down further), or
 * none (`off`).
 * @module
 */
import type { GeoSetting } from "../tenants/tenant-settings.js";
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

/** The geo of the events of a request, by the tenant's setting; undefined when off or the edge gave none. */
export function geoForSetting(cf: CfLocation | undefined, setting: GeoSetting): Geo | undefined {
  if (setting === "off") return undefined;
  if (setting === "on") return geoFromCf(cf);
  return geoFromCf(cf && { country: cf.country, continent: cf.continent });
}

/** Returns the geo fields the edge provided, or undefined when it provided none. */
function geoFromCf(cf: CfLocation | undefined): Geo | undefined {
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
