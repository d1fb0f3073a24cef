// BFT time (CometBFT v0.38 state/state.go MedianTime, types/time/time.go WeightedMedian): a
// block's time is the voting-power-weighted median of the timestamps in its last commit.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Commit } from "cosmjs-types/tendermint/types/types";
import { BLOCK_ID_FLAG_ABSENT } from "../../types/block.js";
import { GO_ZERO_TIME } from "../../types/time.js";
import { findValidatorByAddress, type Validator } from "../../types/validator.js";

const NANOS_PER_SECOND = 1_000_000_000n;

export interface WeightedTime {
  /** Nanoseconds since the Unix epoch. */
  nanos: bigint;
  weight: bigint;
}

export const timestampNanos = (ts: Timestamp): bigint => ts.seconds * NANOS_PER_SECOND + BigInt(ts.nanos);

export function nanosTimestamp(ns: bigint): Timestamp {
  let seconds = ns / NANOS_PER_SECOND;
  let nanos = ns - seconds * NANOS_PER_SECOND;
  if (nanos < 0n) {
    seconds -= 1n;
    nanos += NANOS_PER_SECOND;
  }
  return { seconds, nanos: Number(nanos) };
}

/** The Go zero time (what WeightedMedian returns when nothing is weighed), in Unix nanoseconds. */
export const GO_ZERO_TIME_NANOS = timestampNanos(GO_ZERO_TIME);

/**
 * WeightedMedian: sort by time, then walk up subtracting weights from totalVotingPower/2 until a
 * time's weight covers what is left. Ties are equal times, so the result does not depend on the
 * sort's stability. Returns GO_ZERO_TIME_NANOS when no entry reaches the median.
 */
export function weightedMedian(times: readonly WeightedTime[], totalVotingPower: bigint): bigint {
  let median = totalVotingPower / 2n;
  const sorted = [...times].sort((a, b) => (a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0));
  for (const t of sorted) {
    if (median <= t.weight) return t.nanos;
    median -= t.weight;
  }
  return GO_ZERO_TIME_NANOS;
}

/**
 * MedianTime(commit, validators) in Unix nanoseconds. Every non-ABSENT signature counts (COMMIT and,
 * as in CometBFT, NIL too), weighted by its validator's power, looked up by address. Throws
 * "commit validator not found in validator set: <ADDR>" for a signer outside the set.
 */
export function medianTimeNanos(
  commit: Pick<Commit, "signatures">,
  validators: readonly Pick<Validator, "address" | "votingPower">[],
): bigint {
  const weighted: WeightedTime[] = [];
  let total = 0n;
  for (const sig of commit.signatures) {
    if (sig.blockIdFlag === BLOCK_ID_FLAG_ABSENT) continue;
    const idx = findValidatorByAddress(validators, sig.validatorAddress);
    const val = validators[idx];
    if (idx < 0 || val === undefined) {
      const addr = Buffer.from(sig.validatorAddress).toString("hex").toUpperCase();
      throw new Error(`commit validator not found in validator set: ${addr}`);
    }
    total += val.votingPower;
    weighted.push({ nanos: timestampNanos(sig.timestamp ?? GO_ZERO_TIME), weight: val.votingPower });
  }
  return weightedMedian(weighted, total);
}

/** MedianTime as a Timestamp. */
export function medianTime(
  commit: Pick<Commit, "signatures">,
  validators: readonly Pick<Validator, "address" | "votingPower">[],
): Timestamp {
  return nanosTimestamp(medianTimeNanos(commit, validators));
}
