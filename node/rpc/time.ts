// Times in CometBFT's JSON: RFC 3339 as Go's time.RFC3339Nano writes them in UTC. The formatting
// lives in node/types/time.ts; an absent timestamp is written as Go's zero time.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { GO_ZERO_TIME, timestampFromMillis, timestampToRfc3339 } from "../types/time.js";

export function formatRfc3339Nano(ts: Timestamp | undefined): string {
  return timestampToRfc3339(ts ?? GO_ZERO_TIME);
}

/** A Timestamp from a JS Date (millisecond precision), for tests and callers holding Dates. */
export function timestampFromDate(date: Date): Timestamp {
  return timestampFromMillis(date.getTime());
}
