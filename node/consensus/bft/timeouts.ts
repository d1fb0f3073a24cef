// Consensus timeouts (CometBFT config.ConsensusConfig): each wait grows linearly with the round, so
// that after GST some round is long enough for every honest message to arrive (the paper's
// eventual-synchrony argument). Milliseconds, integers.

export interface TimeoutConfig {
  /** How long to wait for the proposal (and its block) before prevoting nil. */
  propose: number;
  proposeDelta: number;
  /** After +2/3 of any prevotes: how long to wait for a +2/3 majority before precommitting. */
  prevote: number;
  prevoteDelta: number;
  /** After +2/3 of any precommits: how long to wait for a +2/3 majority before the next round. */
  precommit: number;
  precommitDelta: number;
  /** After a decision: how long to gather late precommits before round 0 of the next height. */
  commit: number;
  /** Start the next height at once when every validator's precommit is in (skip_timeout_commit). */
  skipTimeoutCommit: boolean;
}

/** CometBFT v0.38 defaults (config/config.go DefaultConsensusConfig). */
export const DEFAULT_TIMEOUTS: Readonly<TimeoutConfig> = Object.freeze({
  propose: 3000,
  proposeDelta: 500,
  prevote: 1000,
  prevoteDelta: 500,
  precommit: 1000,
  precommitDelta: 500,
  commit: 1000,
  skipTimeoutCommit: false,
});

export function timeoutConfig(overrides: Partial<TimeoutConfig> = {}): TimeoutConfig {
  const cfg = { ...DEFAULT_TIMEOUTS, ...overrides };
  for (const [name, value] of Object.entries(cfg)) {
    if (name === "skipTimeoutCommit") {
      if (typeof value !== "boolean") throw new TypeError("skipTimeoutCommit must be a boolean");
    } else if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new RangeError(`timeout ${name} must be a non-negative integer of milliseconds, got ${value}`);
    }
  }
  return cfg;
}

const grow = (base: number, delta: number, round: number): number => base + delta * round;

export const proposeTimeout = (c: TimeoutConfig, round: number): number =>
  grow(c.propose, c.proposeDelta, round);
export const prevoteTimeout = (c: TimeoutConfig, round: number): number =>
  grow(c.prevote, c.prevoteDelta, round);
export const precommitTimeout = (c: TimeoutConfig, round: number): number =>
  grow(c.precommit, c.precommitDelta, round);
