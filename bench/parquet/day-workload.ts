/**
 * One day of exported events for the Parquet benchmark and tests: the seed mix of bench/workload.ts enriched as
 * the edge does (event id, receivedat spread over the day, a fleet of users and devices in a few countries), as
 * JSON Lines, in export files of the size a consumer batch writes. Deterministic, like the rest of the workload.
 * @module
 */
import { enrichEvent } from "../../src/core/events/enrich.js";
import { requestClock } from "../../src/core/events/event-time.js";
import type { ClientEvent } from "../../src/core/events/schemas/events.js";
import { mixedEvents } from "../workload.js";

const COUNTRIES = [
  ["GB", "London", "EU", "LHR"],
  ["DE", "Berlin", "EU", "TXL"],
  ["US", "Chicago", "NA", "ORD"],
  ["CN", "Shanghai", "AS", "SHA"],
  ["FR", "Paris", "EU", "CDG"],
  ["JP", "Tokyo", "AS", "NRT"],
] as const;
const USERS = 5_000;
const DEVICES_PER_USER = 2;
const DAY_MS = 24 * 60 * 60 * 1000;
const CHUNK = 20_000;

/** `count` export lines of `day` (yyyy-mm-dd), in received order, generated `CHUNK` events at a time. */
export function* exportedDayLines(tenant: string, day: string, count: number, seed = 7): Generator<string> {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  for (let offset = 0; offset < count; offset += CHUNK) {
    const events = mixedEvents(Math.min(CHUNK, count - offset), 20, seed + offset);
    for (let index = 0; index < events.length; index++) {
      const position = offset + index;
      const user = position % USERS;
      const [country, city, continent, colo] = COUNTRIES[user % COUNTRIES.length]!;
      const event = {
        ...(events[index] as ClientEvent),
        sequencenumber: position + 1,
      } as ClientEvent;
      const enriched = enrichEvent(event, {
        tenant,
        userid: user.toString(16).padStart(32, "0"),
        deviceid: `device-${user}-${position % DEVICES_PER_USER}`,
        clock: requestClock(new Date(start + Math.floor((position / count) * DAY_MS)), undefined, 31),
        geo: { country, city, continent, colo, latitude: 51.5, longitude: -0.12 },
        ip: undefined,
        userAgent: undefined,
      });
      yield JSON.stringify(enriched);
    }
  }
}
