/**
 * Time as the contract writes it: `localtime` and `sentat` are the device's local clock as ISO-8601 with
 * seconds, milliseconds and the UTC offset (`2016-07-26T08:45:55.721+01:00`), and the client's timers.
 * @module
 */

/** The client's view of time; tests pass one that does not wait. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/** `epochMs` on the device's local clock, with its offset: what `localtime` and `sentat` carry. */
export function localIsoTime(epochMs: number): string {
  const date = new Date(epochMs);
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const absolute = Math.abs(offsetMinutes);
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`
  );
}
