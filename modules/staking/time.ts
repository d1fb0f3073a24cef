// Block times as the staking store keeps them: nanoseconds since the epoch (bigint) in keys, and
// google.protobuf.Timestamp in the SDK records (unbonding entries, commission update time).
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { rfc3339ToTimestamp, timestampToRfc3339 } from "../../node/types/time.js";

const NS = 1_000_000_000n;

export function nsToTimestamp(ns: bigint): Timestamp {
  let seconds = ns / NS;
  let nanos = ns % NS;
  if (nanos < 0n) {
    seconds -= 1n;
    nanos += NS;
  }
  return { seconds, nanos: Number(nanos) };
}

export function timestampToNs(ts: Timestamp | undefined): bigint {
  return ts ? ts.seconds * NS + BigInt(ts.nanos) : 0n;
}

/** RFC3339 with nanoseconds (Go's RFC3339Nano), as genesis and events show times. */
export function nsToRfc3339(ns: bigint): string {
  return timestampToRfc3339(nsToTimestamp(ns));
}

export function rfc3339ToNs(text: string): bigint {
  return timestampToNs(rfc3339ToTimestamp(text));
}
