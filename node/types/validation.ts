// Commit verification with the rules of CometBFT v0.38 types/validation.go (single-signature path;
// the batch path accepts exactly the same commits). Voting power arithmetic is bigint.
import type { BlockID, Commit, CommitSig } from "cosmjs-types/tendermint/types/types";
import { BLOCK_ID_FLAG_ABSENT, BLOCK_ID_FLAG_COMMIT, BLOCK_ID_FLAG_NIL, blockIdEquals } from "./block.js";
import { ADDRESS_SIZE, ED25519_SIGNATURE_SIZE, verifyEd25519 } from "./ed25519.js";
import { isGoZeroTime } from "./time.js";
import { findValidatorByAddress, totalVotingPower, type Validator } from "./validator.js";
import { commitSigSignBytes } from "./vote.js";

/** What a failed commit check found: a bad signature, too little power, or a malformed commit. */
export type CommitFailure = "signature" | "power" | "commit";

export type VerifyResult = { ok: true } | { ok: false; error: string; kind: CommitFailure };

const OK: VerifyResult = { ok: true };
const fail = (error: string, kind: CommitFailure = "commit"): VerifyResult => ({ ok: false, error, kind });
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

/** CommitSig.ValidateBasic. */
export function validateCommitSig(sig: CommitSig): string | undefined {
  switch (sig.blockIdFlag) {
    case BLOCK_ID_FLAG_ABSENT:
      if (sig.validatorAddress.length !== 0) return "validator address is present";
      if (sig.timestamp !== undefined && !isGoZeroTime(sig.timestamp)) return "time is present";
      if (sig.signature.length !== 0) return "signature is present";
      return undefined;
    case BLOCK_ID_FLAG_COMMIT:
    case BLOCK_ID_FLAG_NIL:
      if (sig.validatorAddress.length !== ADDRESS_SIZE) {
        return `expected ValidatorAddress size to be ${ADDRESS_SIZE} bytes, got ${sig.validatorAddress.length} bytes`;
      }
      if (sig.signature.length === 0) return "signature is missing";
      if (sig.signature.length > ED25519_SIGNATURE_SIZE)
        return `signature is too big (max: ${ED25519_SIGNATURE_SIZE})`;
      return undefined;
    default:
      return `unknown BlockIDFlag: ${sig.blockIdFlag}`;
  }
}

interface TallyOptions {
  needed: bigint;
  ignore: (sig: CommitSig) => boolean;
  count: (sig: CommitSig) => boolean;
  countAll: boolean;
  lookUpByIndex: boolean;
}

/** verifyCommitSingle. */
function tally(chainId: string, vals: readonly Validator[], commit: Commit, o: TallyOptions): VerifyResult {
  let tallied = 0n;
  const seen = new Map<number, number>();
  for (const [idx, sig] of commit.signatures.entries()) {
    if (o.ignore(sig)) continue;
    const invalid = validateCommitSig(sig);
    if (invalid !== undefined) return fail(`invalid signature at index ${idx}: ${invalid}`, "signature");
    let val: Validator | undefined;
    if (o.lookUpByIndex) {
      val = vals[idx];
      if (val === undefined || hex(val.address) !== hex(sig.validatorAddress)) {
        return fail(
          `validator address mismatch at index ${idx}: expected ${val ? hex(val.address) : "none"}, got ${hex(sig.validatorAddress)}`,
        );
      }
    } else {
      const valIdx = findValidatorByAddress(vals, sig.validatorAddress);
      if (valIdx < 0) continue; // not in this set: skipped
      const first = seen.get(valIdx);
      if (first !== undefined)
        return fail(`double vote from ${hex(sig.validatorAddress)} (${first} and ${idx})`);
      seen.set(valIdx, idx);
      val = vals[valIdx]!;
    }
    if (!verifyEd25519(val.pubKey, commitSigSignBytes(chainId, commit, idx), sig.signature)) {
      return fail(`wrong signature (#${idx}): ${hex(sig.signature)}`, "signature");
    }
    if (o.count(sig)) tallied += val.votingPower;
    if (!o.countAll && tallied > o.needed) return OK;
  }
  if (tallied <= o.needed) {
    return fail(
      `invalid commit -- insufficient voting power: got ${tallied}, needed more than ${o.needed}`,
      "power",
    );
  }
  return OK;
}

function basicChecks(
  vals: readonly Validator[],
  commit: Commit,
  height: bigint,
  blockId: BlockID,
): VerifyResult {
  if (vals.length !== commit.signatures.length) {
    return fail(`invalid commit -- wrong set size: ${vals.length} vs ${commit.signatures.length}`);
  }
  if (height !== commit.height) return fail(`invalid commit -- wrong height: ${height} vs ${commit.height}`);
  if (!blockIdEquals(blockId, commit.blockId)) {
    return fail(
      `invalid commit -- wrong block ID: want ${hex(blockId.hash)}:${blockId.partSetHeader.total}:${hex(blockId.partSetHeader.hash)}, ` +
        `got ${hex(commit.blockId.hash)}:${commit.blockId.partSetHeader.total}:${hex(commit.blockId.partSetHeader.hash)}`,
    );
  }
  return OK;
}

function safeTotal(vals: readonly Validator[]): bigint | string {
  try {
    return totalVotingPower(vals);
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * VerifyCommit: `vals` (in validator-set order) signed `commit` for `blockId` at `height` with
 * more than 2/3 of the total power. Signature i must come from vals[i]; ABSENT entries are skipped,
 * every other signature is checked, and only COMMIT-flag signatures count towards the tally.
 */
export function verifyCommit(
  chainId: string,
  vals: readonly Validator[],
  blockId: BlockID,
  height: bigint,
  commit: Commit,
): VerifyResult {
  const basic = basicChecks(vals, commit, height, blockId);
  if (!basic.ok) return basic;
  const total = safeTotal(vals);
  if (typeof total === "string") return fail(total);
  return tally(chainId, vals, commit, {
    needed: (total * 2n) / 3n,
    ignore: (s) => s.blockIdFlag === BLOCK_ID_FLAG_ABSENT,
    count: (s) => s.blockIdFlag === BLOCK_ID_FLAG_COMMIT,
    countAll: true,
    lookUpByIndex: true,
  });
}

/** VerifyCommitLight: as verifyCommit, but only COMMIT signatures are checked, stopping past 2/3. */
export function verifyCommitLight(
  chainId: string,
  vals: readonly Validator[],
  blockId: BlockID,
  height: bigint,
  commit: Commit,
): VerifyResult {
  const basic = basicChecks(vals, commit, height, blockId);
  if (!basic.ok) return basic;
  const total = safeTotal(vals);
  if (typeof total === "string") return fail(total);
  return tally(chainId, vals, commit, {
    needed: (total * 2n) / 3n,
    ignore: (s) => s.blockIdFlag !== BLOCK_ID_FLAG_COMMIT,
    count: () => true,
    countAll: false,
    lookUpByIndex: true,
  });
}

/**
 * VerifyCommitLightTrusting: signers of `commit` found by address in `vals` (a possibly different,
 * trusted set) hold more than numerator/denominator of its power (default trust level 1/3).
 */
export function verifyCommitLightTrusting(
  chainId: string,
  vals: readonly Validator[],
  commit: Commit,
  trustLevel: { numerator: bigint; denominator: bigint } = { numerator: 1n, denominator: 3n },
): VerifyResult {
  if (trustLevel.denominator === 0n) return fail("trustLevel has zero Denominator");
  const total = safeTotal(vals);
  if (typeof total === "string") return fail(total);
  const product = total * trustLevel.numerator;
  if (product > (1n << 63n) - 1n) return fail("int64 overflow while calculating voting power needed");
  return tally(chainId, vals, commit, {
    needed: product / trustLevel.denominator,
    ignore: (s) => s.blockIdFlag !== BLOCK_ID_FLAG_COMMIT,
    count: () => true,
    countAll: false,
    lookUpByIndex: false,
  });
}
