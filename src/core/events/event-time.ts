/**
 * When an event happened, in UTC: the device's `localtime` as an instant, with the device's clock error removed
 * when the request says when it was sent (`sentat`), never later than the collector received it, and the receive
 * time itself when the device's time is implausible. The contract is in docs/exports.md ("When it happened").
 * @module
 */

export const EVENT_TIME_SOURCES = ["corrected", "device", "received"] as const;
export type EventTimeSource = (typeof EVENT_TIME_SOURCES)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one request knows about time: the same for every event of the request. */
export interface RequestClock {
  /** UTC ISO-8601 with milliseconds: the receivedat of every event of the request. */
  receivedat: string;
  receivedMs: number;
  /** receivedat - sentat in whole milliseconds when the request carried sentat: the device clock's error. */
  clockskewms: number | undefined;
  /** The earliest plausible event time: receivedMs less the window (EVENT_TIME_WINDOW_DAYS). */
  earliestMs: number;
}

export interface EventTime {
  eventtime: string;
  eventtimesource: EventTimeSource;
}

/**
 * The clock of a request received at `receivedAt`. `sentat` must already be a valid date-time with offset
 * (validateEnvelope checks it); one that still does not parse is treated as absent.
 */
export function requestClock(receivedAt: Date, sentat: string | undefined, windowDays: number): RequestClock {
  const receivedMs = receivedAt.getTime();
  const sentMs = sentat === undefined ? undefined : instantOf(sentat);
  return {
    receivedat: receivedAt.toISOString(),
    receivedMs,
    clockskewms: sentMs === undefined ? undefined : receivedMs - sentMs,
    earliestMs: receivedMs - windowDays * DAY_MS,
  };
}

/** The event time of an event whose device time is `localtime`, under the request's clock. */
export function eventTimeOf(localtime: string, clock: RequestClock): EventTime {
  const localMs = instantOf(localtime);
  if (localMs === undefined) return { eventtime: clock.receivedat, eventtimesource: "received" };
  const skew = clock.clockskewms;
  const happenedMs = skew === undefined ? localMs : localMs + skew;
  if (happenedMs < clock.earliestMs) return { eventtime: clock.receivedat, eventtimesource: "received" };
  const eventtimesource = skew === undefined ? "device" : "corrected";
  // A time in the future (a clock running fast, or network time between sentat and receipt) is the receive time.
  if (happenedMs >= clock.receivedMs) return { eventtime: clock.receivedat, eventtimesource };
  return { eventtime: utcIsoString(happenedMs), eventtimesource };
}

/** The latest year Date.prototype.toISOString writes with four digits. */
const LAST_FOUR_DIGIT_YEAR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const TWO_DIGITS = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, "0"));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, "0"));
let cachedDay = Number.NaN;
let cachedDayPrefix = "";

/**
 * What `new Date(ms).toISOString()` returns, about ten times faster: it runs for every event, and V8's
 * toISOString costs as much as parsing and serialising a small event. The events of a request mostly share a
 * day, so the date part is kept from the previous call; the time of day is table look-ups.
 */
export function utcIsoString(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${cachedDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}

/**
 * Milliseconds since the epoch of an ISO-8601 date-time with seconds and an offset (Z, ±hh:mm, ±hhmm or ±hh),
 * as `isoDateTimeWithOffset` accepts it; undefined for anything else, including a date not on the calendar.
 * Digits past the milliseconds are dropped; a leap second (:60) counts as the next minute's :00.
 * Read character by character: it runs for every event, and a regex's captures cost more than the rest of it.
 */
export function instantOf(text: string): number | undefined {
  if (text.length < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  if (text[4] !== "-" || text[7] !== "-" || text[13] !== ":" || text[16] !== ":") return undefined;
  const separator = text.charCodeAt(10);
  if (separator !== UPPER_T && separator !== LOWER_T) return undefined;
  let index = 19;
  let millis = 0;
  if (text.charCodeAt(index) === DOT) {
    const start = ++index;
    while (isDigit(text.charCodeAt(index))) index++;
    if (index === start) return undefined;
    // The first three digits, padded: .7 is 700 ms, .721118 is 721 ms.
    for (let place = 0, scale = 100; place < 3; place++, scale /= 10) {
      if (start + place < index) millis += (text.charCodeAt(start + place) - ZERO) * scale;
    }
  }
  const offsetMinutes = offsetMinutesAt(text, index);
  if (offsetMinutes === undefined) return undefined;
  const days = daysSinceEpoch(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis;
}

const ZERO = 0x30;
const DOT = 0x2e;
const UPPER_T = 0x54;
const LOWER_T = 0x74;

function isDigit(unit: number): boolean {
  return unit >= ZERO && unit <= ZERO + 9;
}

/** The number written by `count` digits at `start`, or -1 when any of them is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const unit = text.charCodeAt(index);
    if (!isDigit(unit)) return -1;
    value = value * 10 + unit - ZERO;
  }
  return value;
}

/** The offset that ends the text at `index` in minutes east of UTC: Z, ±hh:mm, ±hhmm or ±hh. */
function offsetMinutesAt(text: string, index: number): number | undefined {
  const rest = text.length - index;
  const sign = text[index];
  if (sign === "Z" || sign === "z") return rest === 1 ? 0 : undefined;
  if ((sign !== "+" && sign !== "-") || (rest !== 3 && rest !== 5 && rest !== 6)) return undefined;
  const hours = digits(text, index + 1, 2);
  const minutesAt = rest === 6 ? index + 4 : index + 3;
  if (rest === 6 && text[index + 3] !== ":") return undefined;
  const minutes = rest === 3 ? 0 : digits(text, minutesAt, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  return sign === "-" ? -total : total;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). Date.UTC
 * would read the years 0000–0099 as 1900–1999.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
