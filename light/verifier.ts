// CometBFT v0.38 light-client verification (light/verifier.go, types/validation.go), pure functions:
// a light block is a signed header (header + commit) with the validator set of its height.
//   adjacent (H+1):   validators_hash == trusted.next_validators_hash, and +2/3 of the new set signed;
//   non-adjacent:     the trusted set signed with more than trustLevel (default 1/3) of its power,
//                     and +2/3 of the new set signed;
//   both:             the trusted header is within the trusting period, the new header's height and
//                     time increase, its time is before now + max clock drift, the supplied set
//                     hashes to validators_hash, the header hashes to the block id its commit signed.
// Signatures are ed25519 with ZIP-215 semantics (node/types/ed25519.ts verifyEd25519), over
// CanonicalVote sign bytes (node/types/vote.ts). Voting power arithmetic is bigint.
import type { Commit, Header } from "cosmjs-types/tendermint/types/types";
import { headerHash } from "../node/types/header.js";
import {
  type CommitFailure,
  type VerifyResult,
  verifyCommitLight,
  verifyCommitLightTrusting,
} from "../node/types/validation.js";
import { type Validator, validatorSetHash } from "../node/types/validator.js";
import {
  HeaderExpiredError,
  HeaderFromFutureError,
  HeaderHashMismatchError,
  InvalidCommitError,
  InvalidCommitSignatureError,
  InvalidHeaderError,
  LightOptionsError,
  NewValSetCantBeTrustedError,
  NotEnoughVotingPowerError,
  ValidatorSetMismatchError,
} from "./errors.js";

export interface LightBlock {
  header: Header;
  commit: Commit;
  /** The validator set of header.height, in set order (as the `validators` RPC lists it). */
  validators: Validator[];
}

export interface TrustLevel {
  numerator: bigint;
  denominator: bigint;
}

export interface VerifyOptions {
  /** How long a verified header may serve as a trust root (default here 336h: 2 weeks). */
  trustingPeriodNs: bigint;
  /** How far ahead of `nowNs` a header time may be. */
  maxClockDriftNs: bigint;
  /** Fraction of the trusted set's power that must sign a non-adjacent header; in [1/3, 1]. */
  trustLevel: TrustLevel;
  /** The verifier's clock, nanoseconds since the epoch. */
  nowNs: bigint;
}

export const DEFAULT_TRUST_LEVEL: TrustLevel = { numerator: 1n, denominator: 3n };
const NS_PER_S = 1_000_000_000n;
export const DEFAULT_TRUSTING_PERIOD_NS = 14n * 24n * 3600n * NS_PER_S;
export const DEFAULT_MAX_CLOCK_DRIFT_NS = 10n * NS_PER_S;

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function timeNs(h: Header): bigint {
  return h.time.seconds * NS_PER_S + BigInt(h.time.nanos);
}

/** ValidateTrustLevel: 1/3 ≤ level ≤ 1. */
export function validateTrustLevel(level: TrustLevel): void {
  const { numerator: n, denominator: d } = level;
  if (d <= 0n || n * 3n < d || n > d) {
    throw new LightOptionsError(`trust level must be within [1/3, 1], got ${n}/${d}`);
  }
}

/** Turns a failed commit check into its named error. */
function commitError(
  r: VerifyResult,
  context: string,
  powerError: (m: string) => Error = (m) => new NotEnoughVotingPowerError(m),
): void {
  if (r.ok) return;
  const message = `${context}: ${r.error}`;
  const kind: CommitFailure = r.kind;
  if (kind === "signature") throw new InvalidCommitSignatureError(message);
  if (kind === "power") throw powerError(message);
  throw new InvalidCommitError(message);
}

/**
 * SignedHeader.ValidateBasic plus the supplied set: chain id, commit height, header hash == the
 * block id the commit signed, and validators hashing to validators_hash.
 */
export function validateLightBlock(chainId: string, lb: LightBlock): void {
  const h = lb.header;
  if (h.chainId !== chainId)
    throw new InvalidHeaderError(`header belongs to chain "${h.chainId}", not "${chainId}"`);
  if (h.height <= 0n) throw new InvalidHeaderError(`header height ${h.height} is not positive`);
  if (lb.commit.height !== h.height) {
    throw new InvalidHeaderError(`commit is for height ${lb.commit.height}, header for ${h.height}`);
  }
  const hash = headerHash(h);
  if (!equal(hash, lb.commit.blockId.hash)) {
    throw new HeaderHashMismatchError(
      `header at height ${h.height} hashes to ${hex(hash)}, but the commit signs block ${hex(lb.commit.blockId.hash)}`,
    );
  }
  if (lb.validators.length === 0)
    throw new ValidatorSetMismatchError(`no validators supplied for height ${h.height}`);
  // A set never holds one validator twice (CometBFT's NewValidatorSet refuses duplicates); the
  // by-index tally of VerifyCommitLight would count such a validator's power once per entry.
  const seen = new Set<string>();
  for (const v of lb.validators) {
    const address = hex(v.address);
    if (seen.has(address)) {
      throw new ValidatorSetMismatchError(
        `validator ${address} appears twice in the set of height ${h.height}`,
      );
    }
    seen.add(address);
  }
  const valsHash = validatorSetHash(lb.validators);
  if (!equal(valsHash, h.validatorsHash)) {
    throw new ValidatorSetMismatchError(
      `validators supplied for height ${h.height} hash to ${hex(valsHash)}, header has validators_hash ${hex(h.validatorsHash)}`,
    );
  }
}

/** HeaderExpired: trusted time + trusting period is not after now. */
function checkNotExpired(trusted: Header, o: VerifyOptions): void {
  if (timeNs(trusted) + o.trustingPeriodNs <= o.nowNs) {
    throw new HeaderExpiredError(
      `trusted header at height ${trusted.height} expired: its time plus the trusting period is past now`,
    );
  }
}

/** verifyNewHeaderAndVals. */
function checkNewHeader(trusted: LightBlock, untrusted: LightBlock, o: VerifyOptions): void {
  validateLightBlock(trusted.header.chainId, untrusted);
  const t = trusted.header;
  const u = untrusted.header;
  if (u.height <= t.height) {
    throw new InvalidHeaderError(
      `expected new header height ${u.height} to be greater than the trusted ${t.height}`,
    );
  }
  if (timeNs(u) <= timeNs(t)) {
    throw new InvalidHeaderError(
      `new header time at height ${u.height} is not after the trusted header's time`,
    );
  }
  if (timeNs(u) >= o.nowNs + o.maxClockDriftNs) {
    throw new HeaderFromFutureError(
      `header at height ${u.height} has a time from the future (beyond now + max clock drift ${o.maxClockDriftNs} ns)`,
    );
  }
}

/** VerifyAdjacent: untrusted is trusted.height + 1. */
export function verifyAdjacent(trusted: LightBlock, untrusted: LightBlock, o: VerifyOptions): void {
  if (untrusted.header.height !== trusted.header.height + 1n) {
    throw new InvalidHeaderError("headers must be adjacent in height");
  }
  checkNotExpired(trusted.header, o);
  checkNewHeader(trusted, untrusted, o);
  if (!equal(untrusted.header.validatorsHash, trusted.header.nextValidatorsHash)) {
    throw new ValidatorSetMismatchError(
      `trusted header's next_validators_hash ${hex(trusted.header.nextValidatorsHash)} does not match validators_hash ${hex(untrusted.header.validatorsHash)} at height ${untrusted.header.height}`,
    );
  }
  const u = untrusted;
  commitError(
    verifyCommitLight(u.header.chainId, u.validators, u.commit.blockId, u.header.height, u.commit),
    `commit at height ${u.header.height}`,
  );
}

/** VerifyNonAdjacent: skipping from trusted (with its own validator set) to untrusted. */
export function verifyNonAdjacent(trusted: LightBlock, untrusted: LightBlock, o: VerifyOptions): void {
  if (untrusted.header.height === trusted.header.height + 1n) {
    throw new InvalidHeaderError("headers must be non-adjacent in height");
  }
  validateTrustLevel(o.trustLevel);
  checkNotExpired(trusted.header, o);
  checkNewHeader(trusted, untrusted, o);
  const u = untrusted;
  commitError(
    verifyCommitLightTrusting(trusted.header.chainId, trusted.validators, u.commit, o.trustLevel),
    `trusted validators of height ${trusted.header.height} on the commit at ${u.header.height}`,
    (m) => new NewValSetCantBeTrustedError(m),
  );
  commitError(
    verifyCommitLight(u.header.chainId, u.validators, u.commit.blockId, u.header.height, u.commit),
    `commit at height ${u.header.height}`,
  );
}

/** Verify: adjacent or non-adjacent as the heights say. */
export function verifyLightBlock(trusted: LightBlock, untrusted: LightBlock, o: VerifyOptions): void {
  if (untrusted.header.height === trusted.header.height + 1n) verifyAdjacent(trusted, untrusted, o);
  else verifyNonAdjacent(trusted, untrusted, o);
}

/**
 * VerifyBackwards: an older header is trusted when the newer trusted one links to it by
 * last_block_id and its time is earlier (light/client.go backwards).
 */
export function verifyBackwards(older: LightBlock, trusted: LightBlock): void {
  validateLightBlock(trusted.header.chainId, older);
  if (older.header.height + 1n !== trusted.header.height)
    throw new InvalidHeaderError("backwards verification needs adjacent headers");
  if (timeNs(older.header) >= timeNs(trusted.header)) {
    throw new InvalidHeaderError(`header at height ${older.header.height} is not older than the trusted one`);
  }
  const hash = headerHash(older.header);
  if (!equal(hash, trusted.header.lastBlockId.hash)) {
    throw new HeaderHashMismatchError(
      `header at height ${older.header.height} hashes to ${hex(hash)}, the trusted header's last_block_id is ${hex(trusted.header.lastBlockId.hash)}`,
    );
  }
}
