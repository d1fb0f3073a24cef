// RFC 3339 timestamps as Go's time.RFC3339Nano writes them in UTC (what CometBFT's JSON carries):
// "2006-01-02T15:04:05.999999999Z", fractional digits trimmed of trailing zeros, none when zero.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** The zero Go time (0001-01-01T00:00:00Z), which CometBFT writes for an absent timestamp. */
export const GO_ZERO_TIME_SECONDS = -62135596800n;

export function formatRfc3339Nano(ts: Timestamp | undefined): string {
  const seconds = ts?.seconds ?? GO_ZERO_TIME_SECONDS;
  const nanos = ts?.nanos ?? 0;
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw new RangeError(`timestamp nanos out of range: ${nanos}`);
  }
  const date = new Date(Number(seconds) * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) {
    throw new RangeError(`timestamp seconds out of range: ${seconds}`);
  }
  let out =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  if (nanos > 0) out += `.${pad(nanos, 9).replace(/0+$/, "")}`;
  return `${out}Z`;
}

/** A Timestamp from a JS Date (millisecond precision), for tests and callers holding Dates. */
export function timestampFromDate(date: Date): Timestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}
