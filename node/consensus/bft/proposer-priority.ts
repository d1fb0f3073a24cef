// CometBFT v0.38 proposer selection (types/validator_set.go): weighted round-robin over proposer
// priorities. Every step adds each validator's power to its priority and takes the total power from
// the one with the highest priority (the proposer). Before a batch of steps, priorities are rescaled
// so their spread stays within 2·total power, then centred on their average. Go does this in int64
// with clipping; here it is bigint with the same clipping, so results are bit-identical.

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
/** PriorityWindowSizeFactor: the largest allowed spread of priorities, in units of total power. */
export const PRIORITY_WINDOW_SIZE_FACTOR = 2n;

/** What proposer selection reads and writes (Validator from node/types satisfies it). */
export interface PrioritizedValidator {
  address: Uint8Array;
  votingPower: bigint;
  proposerPriority: bigint;
}

const clip = (v: bigint): bigint => (v > MAX_INT64 ? MAX_INT64 : v < MIN_INT64 ? MIN_INT64 : v);
/** safeAddClip / safeSubClip: int64 arithmetic that saturates instead of wrapping. */
export const safeAddClip = (a: bigint, b: bigint): bigint => clip(a + b);
export const safeSubClip = (a: bigint, b: bigint): bigint => clip(a - b);

export function compareAddresses(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Validator.CompareProposerPriority: higher priority wins; on a tie the smaller address. */
export function morePriority<T extends PrioritizedValidator>(a: T | undefined, b: T): T {
  if (a === undefined) return b;
  if (a.proposerPriority !== b.proposerPriority) return a.proposerPriority > b.proposerPriority ? a : b;
  const c = compareAddresses(a.address, b.address);
  if (c === 0) throw new Error("cannot compare identical validators");
  return c < 0 ? a : b;
}

export function sumVotingPower(vals: readonly PrioritizedValidator[]): bigint {
  let sum = 0n;
  for (const v of vals) sum += v.votingPower;
  return sum;
}

/** computeAvgProposerPriority: big.Int Div is Euclidean, i.e. floor for a positive divisor. */
export function averagePriority(vals: readonly PrioritizedValidator[]): bigint {
  let sum = 0n;
  for (const v of vals) sum += v.proposerPriority;
  const n = BigInt(vals.length);
  const q = sum / n;
  return sum % n !== 0n && sum < 0n ? q - 1n : q;
}

/** computeMaxMinPriorityDiff. */
export function priorityDiff(vals: readonly PrioritizedValidator[]): bigint {
  let max = MIN_INT64;
  let min = MAX_INT64;
  for (const v of vals) {
    if (v.proposerPriority < min) min = v.proposerPriority;
    if (v.proposerPriority > max) max = v.proposerPriority;
  }
  const diff = max - min;
  return diff < 0n ? -diff : diff;
}

/** RescalePriorities: divide every priority (truncating, as Go) by ceil(diff / diffMax) if diff > diffMax. */
export function rescalePriorities(vals: PrioritizedValidator[], diffMax: bigint): void {
  if (vals.length === 0) throw new Error("empty validator set");
  if (diffMax <= 0n) return;
  const diff = priorityDiff(vals);
  const ratio = (diff + diffMax - 1n) / diffMax;
  if (diff > diffMax) for (const v of vals) v.proposerPriority /= ratio;
}

/** shiftByAvgProposerPriority: centre the priorities on zero. */
export function centerPriorities(vals: PrioritizedValidator[]): void {
  if (vals.length === 0) throw new Error("empty validator set");
  const avg = averagePriority(vals);
  for (const v of vals) v.proposerPriority = safeSubClip(v.proposerPriority, avg);
}

/** The validator with the highest priority (ties to the smaller address): getValWithMostPriority. */
export function mostPriority<T extends PrioritizedValidator>(vals: readonly T[]): T {
  let best: T | undefined;
  for (const v of vals) best = morePriority(best, v);
  if (best === undefined) throw new Error("empty validator set");
  return best;
}

/**
 * IncrementProposerPriority(times): rescale and centre once, then `times` single steps. Mutates the
 * priorities in place and returns the proposer after the last step.
 */
export function incrementProposerPriority<T extends PrioritizedValidator>(vals: T[], times: number): T {
  if (vals.length === 0) throw new Error("empty validator set");
  if (!Number.isSafeInteger(times) || times <= 0) throw new RangeError("times must be a positive integer");
  const total = sumVotingPower(vals);
  rescalePriorities(vals, PRIORITY_WINDOW_SIZE_FACTOR * total);
  centerPriorities(vals);
  let proposer = vals[0]!;
  for (let i = 0; i < times; i++) {
    for (const v of vals) v.proposerPriority = safeAddClip(v.proposerPriority, v.votingPower);
    proposer = mostPriority(vals);
    proposer.proposerPriority = safeSubClip(proposer.proposerPriority, total);
  }
  return proposer;
}
