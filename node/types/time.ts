// google.protobuf.Timestamp helpers with Go semantics: RFC3339Nano text (Go's time.RFC3339Nano,
// used by CometBFT JSON and TimeFormat), the Go zero time, and the proto encoding CometBFT
// hashes and signs (gogotypes.StdTimeMarshal).
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { ProtoWriter } from "./proto-writer.js";

/** Go's `time.Time{}` (0001-01-01T00:00:00Z) as a Timestamp: what an unset CometBFT time encodes to. */
export const GO_ZERO_TIME: Readonly<Timestamp> = Object.freeze({ seconds: -62135596800n, nanos: 0 });

/** Timestamp range allowed by google/protobuf/timestamp.proto: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z. */
export const MIN_TIMESTAMP_SECONDS = -62135596800n;
export const MAX_TIMESTAMP_SECONDS = 253402300799n;

const SECONDS_PER_DAY = 86400;

export function goZeroTime(): Timestamp {
  return { seconds: GO_ZERO_TIME.seconds, nanos: 0 };
}

export function isGoZeroTime(ts: Timestamp): boolean {
  return ts.seconds === GO_ZERO_TIME.seconds && ts.nanos === 0;
}

/** Throws unless the timestamp is in the proto-valid range with 0 ≤ nanos < 1e9. */
export function assertValidTimestamp(ts: Timestamp): void {
  if (!Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos >= 1e9) {
    throw new RangeError(`timestamp nanos out of range: ${ts.nanos}`);
  }
  if (ts.seconds < MIN_TIMESTAMP_SECONDS || ts.seconds > MAX_TIMESTAMP_SECONDS) {
    throw new RangeError(`timestamp seconds out of range: ${ts.seconds}`);
  }
}

/** Proto encoding of Timestamp{seconds=1, nanos=2}; zero fields are omitted (epoch → empty bytes). */
export function encodeTimestamp(ts: Timestamp): Uint8Array {
  return new ProtoWriter().varint(1, ts.seconds).varint(2, ts.nanos).finish();
}

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  return a.nanos === b.nanos ? 0 : a.nanos < b.nanos ? -1 : 1;
}

export function timestampFromMillis(ms: number): Timestamp {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`not an integer millisecond time: ${ms}`);
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** Wall-clock now (millisecond precision). */
export function nowTimestamp(): Timestamp {
  return timestampFromMillis(Date.now());
}

// Proleptic Gregorian civil date ↔ days since 1970-01-01 (H. Hinnant's algorithms).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/**
 * Go's `t.UTC().Format(time.RFC3339Nano)`: `2019-10-13T16:14:44.123456789Z`, trailing zeros of the
 * fraction trimmed, no fraction at all when nanos is 0.
 */
export function timestampToRfc3339(ts: Timestamp): string {
  assertValidTimestamp(ts);
  const total = Number(ts.seconds);
  const days = Math.floor(total / SECONDS_PER_DAY);
  let rem = total - days * SECONDS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const hour = Math.floor(rem / 3600);
  rem -= hour * 3600;
  const minute = Math.floor(rem / 60);
  const second = rem - minute * 60;
  let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
  if (ts.nanos !== 0) text += `.${pad(ts.nanos, 9).replace(/0+$/, "")}`;
  return `${text}Z`;
}

const RFC3339_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses RFC3339 with optional 1–9 fractional digits and a `Z` or `±hh:mm` offset (as Go's
 * time.Parse(time.RFC3339Nano, …) does), normalised to UTC. Throws on malformed or out-of-range input.
 */
export function rfc3339ToTimestamp(text: string): Timestamp {
  const m = RFC3339_RE.exec(text);
  if (m === null) throw new Error(`invalid RFC3339 time: ${JSON.stringify(text)}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new Error(`invalid RFC3339 date: ${text}`);
  }
  if (hour > 23 || minute > 59 || second > 59) throw new Error(`invalid RFC3339 time of day: ${text}`);
  let offsetSeconds = 0;
  if (m[8] !== "Z") {
    const offHours = Number(m[10]);
    const offMinutes = Number(m[11]);
    if (offHours > 23 || offMinutes > 59) throw new Error(`invalid RFC3339 offset: ${text}`);
    offsetSeconds = (m[9] === "-" ? -1 : 1) * (offHours * 3600 + offMinutes * 60);
  }
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, "0"));
  const seconds =
    daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetSeconds;
  const ts: Timestamp = { seconds: BigInt(seconds), nanos };
  assertValidTimestamp(ts);
  return ts;
}
