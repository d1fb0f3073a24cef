// A CometBFT validator set with proposer priorities (types/validator_set.go): the order (power
// descending, then address), NewValidatorSet, UpdateWithChangeSet (the priority given to a new
// validator, rescaling and centring) and the proposer of each round. Immutable: every change
// returns a new set, so a round's set can be derived without disturbing the height's.
import {
  MAX_TOTAL_VOTING_POWER,
  sortValidators,
  type Validator,
  validatorSetHash,
} from "../../types/validator.js";
import {
  centerPriorities,
  compareAddresses,
  incrementProposerPriority,
  mostPriority,
  PRIORITY_WINDOW_SIZE_FACTOR,
  rescalePriorities,
  sumVotingPower,
} from "./proposer-priority.js";

export type SetValidator = Validator & { proposerPriority: bigint };

const copyOf = (v: Validator): SetValidator => ({ ...v, proposerPriority: v.proposerPriority ?? 0n });

export class ValidatorSet {
  readonly validators: readonly SetValidator[];
  readonly totalVotingPower: bigint;
  private readonly proposerValidator: SetValidator;

  private constructor(validators: SetValidator[], proposer?: SetValidator) {
    if (validators.length === 0) throw new Error("validator set is empty");
    this.validators = validators;
    this.totalVotingPower = sumVotingPower(validators);
    if (this.totalVotingPower > MAX_TOTAL_VOTING_POWER) {
      throw new Error(
        `total voting power ${this.totalVotingPower} exceeds maximum ${MAX_TOTAL_VOTING_POWER}`,
      );
    }
    // findProposer when none is given (a set restored from storage recomputes it the same way).
    this.proposerValidator = proposer ?? mostPriority(validators);
  }

  /** NewValidatorSet: every validator is new (same starting priority), then one increment. */
  static create(validators: readonly Validator[]): ValidatorSet {
    const fresh = validators.map((v) => ({ ...copyOf(v), proposerPriority: 0n }));
    const list = applyChangeSet([], fresh, false);
    const proposer = incrementProposerPriority(list, 1);
    return new ValidatorSet(list, proposer);
  }

  /**
   * A set exactly as stored (validators in set order with their priorities, and the proposer the
   * last increment chose — ValidatorSetFromProto). Without a proposer it is found as GetProposer
   * does for a set that has none: the highest priority.
   */
  static fromState(validators: readonly Validator[], proposerAddress?: Uint8Array): ValidatorSet {
    const list = validators.map(copyOf);
    for (const v of list) {
      if (v.votingPower <= 0n) throw new Error("validator voting power must be positive");
    }
    const sorted = sortValidators(list);
    for (let i = 0; i < list.length; i++) {
      if (sorted[i] !== list[i]) throw new Error("validators are not in set order (power desc, address asc)");
      if (i > 0 && compareAddresses(list[i - 1]!.address, list[i]!.address) === 0) {
        throw new Error("duplicate validator address");
      }
    }
    if (proposerAddress === undefined) return new ValidatorSet(list);
    const proposer = list.find((v) => compareAddresses(v.address, proposerAddress) === 0);
    if (proposer === undefined) throw new Error("proposer not in validator set");
    return new ValidatorSet(list, proposer);
  }

  get size(): number {
    return this.validators.length;
  }

  /** GetProposer. */
  get proposer(): SetValidator {
    return this.proposerValidator;
  }

  getByIndex(index: number): SetValidator | undefined {
    return Number.isInteger(index) && index >= 0 ? this.validators[index] : undefined;
  }

  indexOf(address: Uint8Array): number {
    return this.validators.findIndex((v) => compareAddresses(v.address, address) === 0);
  }

  /** ValidatorSet.Hash (validators_hash). */
  hash(): Uint8Array {
    return validatorSetHash(this.validators);
  }

  /** CopyIncrementProposerPriority(times): the set `times` proposer steps later. */
  incremented(times: number): ValidatorSet {
    const list = this.validators.map(copyOf);
    const proposer = incrementProposerPriority(list, times);
    return new ValidatorSet(list, proposer);
  }

  /**
   * UpdateWithChangeSet: power 0 removes a validator, any other power adds or updates one. The
   * proposer is recomputed from the new priorities (as after Go's update, before an increment).
   */
  withChanges(changes: readonly Validator[]): ValidatorSet {
    if (changes.length === 0) return this; // Go returns early: no rescaling or centring either
    const list = applyChangeSet(this.validators.map(copyOf), changes.map(copyOf), true);
    return new ValidatorSet(list);
  }
}

/** updateWithChangeSet over a copied list; returns the new list in set order. */
function applyChangeSet(
  current: SetValidator[],
  changes: SetValidator[],
  allowDeletes: boolean,
): SetValidator[] {
  const sorted = [...changes].sort((a, b) => compareAddresses(a.address, b.address));
  const updates: SetValidator[] = [];
  const deletes: SetValidator[] = [];
  for (const [i, c] of sorted.entries()) {
    if (i > 0 && compareAddresses(sorted[i - 1]!.address, c.address) === 0) {
      throw new Error(`duplicate entry ${Buffer.from(c.address).toString("hex")} in changes`);
    }
    if (c.votingPower < 0n) throw new Error(`voting power can't be negative: ${c.votingPower}`);
    if (c.votingPower > MAX_TOTAL_VOTING_POWER) {
      throw new Error(
        `to prevent clipping/overflow, voting power can't be higher than ${MAX_TOTAL_VOTING_POWER}`,
      );
    }
    (c.votingPower === 0n ? deletes : updates).push(c);
  }
  if (!allowDeletes && deletes.length > 0) throw new Error("cannot process validators with voting power 0");
  const byAddress = new Map(current.map((v) => [Buffer.from(v.address).toString("hex"), v]));
  const existing = (v: SetValidator) => byAddress.get(Buffer.from(v.address).toString("hex"));
  const newCount = updates.filter((u) => existing(u) === undefined).length;
  if (newCount === 0 && current.length === deletes.length) {
    throw new Error("applying the validator changes would result in empty set");
  }
  // verifyRemovals
  let removedPower = 0n;
  for (const d of deletes) {
    const v = existing(d);
    if (v === undefined)
      throw new Error(`failed to find validator ${Buffer.from(d.address).toString("hex")} to remove`);
    removedPower += v.votingPower;
  }
  // verifyUpdates: apply the deltas smallest first so a transient sum never looks larger than it is.
  const delta = (u: SetValidator) => u.votingPower - (existing(u)?.votingPower ?? 0n);
  let tvp = sumVotingPower(current) - removedPower;
  for (const u of [...updates].sort((a, b) => (delta(a) < delta(b) ? -1 : delta(a) > delta(b) ? 1 : 0))) {
    tvp += delta(u);
    if (tvp > MAX_TOTAL_VOTING_POWER) {
      throw new Error(`total voting power of resulting valset exceeds max ${MAX_TOTAL_VOTING_POWER}`);
    }
  }
  const tvpBeforeRemovals = tvp + removedPower;
  // computeNewPriorities: a newcomer starts at -1.125·total so it cannot propose at once.
  for (const u of updates) {
    u.proposerPriority = existing(u)?.proposerPriority ?? -(tvpBeforeRemovals + (tvpBeforeRemovals >> 3n));
  }
  const replaced = new Set([...updates, ...deletes].map((v) => Buffer.from(v.address).toString("hex")));
  const merged = [
    ...current.filter((v) => !replaced.has(Buffer.from(v.address).toString("hex"))),
    ...updates,
  ];
  const total = sumVotingPower(merged);
  if (total > MAX_TOTAL_VOTING_POWER) throw new Error("total voting power exceeds MaxTotalVotingPower");
  rescalePriorities(merged, PRIORITY_WINDOW_SIZE_FACTOR * total);
  centerPriorities(merged);
  return sortValidators(merged);
}
