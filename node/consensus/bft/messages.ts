// Checks on consensus messages before they touch any state (Vote.ValidateBasic,
// Proposal.ValidateBasic of CometBFT v0.38), block ID keys, and the signer the core signs with.
import type { BlockID, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { isCompleteBlockId, isZeroBlockId } from "../../types/block.js";
import { ADDRESS_SIZE, ED25519_SIGNATURE_SIZE, type Ed25519Key } from "../../types/ed25519.js";
import { assertValidTimestamp } from "../../types/time.js";
import {
  proposalSignBytes,
  SIGNED_MSG_TYPE_PRECOMMIT,
  SIGNED_MSG_TYPE_PREVOTE,
  SIGNED_MSG_TYPE_PROPOSAL,
  type SignableProposal,
  type SignableVote,
  signProposal,
  signVote,
  voteSignBytes,
} from "../../types/vote.js";

const INT32_MAX = 2 ** 31 - 1;
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** A map key for a BlockID; the zero BlockID (a nil vote) is "". */
export function blockIdKey(id: BlockID | undefined): string {
  if (id === undefined || isZeroBlockId(id)) return "";
  return `${hex(id.hash)}:${id.partSetHeader.total}:${hex(id.partSetHeader.hash)}`;
}

export const isNilBlockId = (id: BlockID | undefined): boolean => blockIdKey(id) === "";

function checkRound(round: unknown, min: number, name: string): string | undefined {
  if (typeof round !== "number" || !Number.isInteger(round) || round < min || round > INT32_MAX) {
    return `invalid ${name} ${String(round)}`;
  }
  return undefined;
}

function checkSignature(sig: Uint8Array | undefined): string | undefined {
  if (!(sig instanceof Uint8Array) || sig.length === 0) return "signature is missing";
  if (sig.length > ED25519_SIGNATURE_SIZE) return `signature is too big (max: ${ED25519_SIGNATURE_SIZE})`;
  return undefined;
}

function checkTimestamp(m: { timestamp?: unknown }): string | undefined {
  try {
    assertValidTimestamp(m.timestamp as never);
    return undefined;
  } catch {
    return "invalid timestamp";
  }
}

function checkBlockIdShape(id: BlockID | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (!(id.hash instanceof Uint8Array) || (id.hash.length !== 0 && id.hash.length !== 32)) {
    return "wrong BlockID hash size";
  }
  const psh = id.partSetHeader;
  if (psh === undefined || !Number.isInteger(psh.total) || psh.total < 0 || psh.total > 0xffffffff) {
    return "wrong PartSetHeader";
  }
  if (!(psh.hash instanceof Uint8Array) || (psh.hash.length !== 0 && psh.hash.length !== 32)) {
    return "wrong PartSetHeader hash size";
  }
  return undefined;
}

/** Vote.ValidateBasic, with vote extensions disabled (as this chain runs). Undefined when valid. */
export function validateVote(vote: Vote): string | undefined {
  if (vote === null || typeof vote !== "object") return "vote is not an object";
  if (vote.type !== SIGNED_MSG_TYPE_PREVOTE && vote.type !== SIGNED_MSG_TYPE_PRECOMMIT) {
    return `invalid vote type ${String(vote.type)}`;
  }
  if (typeof vote.height !== "bigint" || vote.height <= 0n) return "height must be positive";
  const bad =
    checkRound(vote.round, 0, "round") ??
    checkRound(vote.validatorIndex, 0, "validator index") ??
    checkBlockIdShape(vote.blockId) ??
    checkTimestamp(vote) ??
    checkSignature(vote.signature);
  if (bad !== undefined) return bad;
  if (!isZeroBlockId(vote.blockId) && !isCompleteBlockId(vote.blockId)) {
    return "BlockID must be either empty or complete";
  }
  if (!(vote.validatorAddress instanceof Uint8Array) || vote.validatorAddress.length !== ADDRESS_SIZE) {
    return `expected ValidatorAddress size to be ${ADDRESS_SIZE} bytes`;
  }
  if ((vote.extension?.length ?? 0) > 0 || (vote.extensionSignature?.length ?? 0) > 0) {
    return "vote extensions are not enabled";
  }
  return undefined;
}

/** Proposal.ValidateBasic. Undefined when valid. */
export function validateProposal(p: Proposal): string | undefined {
  if (p === null || typeof p !== "object") return "proposal is not an object";
  if (p.type !== SIGNED_MSG_TYPE_PROPOSAL) return `invalid proposal type ${String(p.type)}`;
  if (typeof p.height !== "bigint" || p.height <= 0n) return "height must be positive";
  const bad =
    checkRound(p.round, 0, "round") ??
    checkRound(p.polRound, -1, "POLRound") ??
    checkBlockIdShape(p.blockId) ??
    checkTimestamp(p) ??
    checkSignature(p.signature);
  if (bad !== undefined) return bad;
  if (p.blockId === undefined || !isCompleteBlockId(p.blockId))
    return "expected a complete, non-empty BlockID";
  if (p.polRound >= p.round) return "POLRound must be less than the round";
  return undefined;
}

/**
 * Signs for the core. It may refuse (undefined) — the core then just does not send that message.
 * The crash-safe signer (last-sign state on disk) will implement the same interface.
 */
export interface Signer {
  readonly pubKey: Uint8Array;
  readonly address: Uint8Array;
  signVote(chainId: string, vote: SignableVote): Uint8Array | undefined;
  signProposal(chainId: string, proposal: SignableProposal): Uint8Array | undefined;
}

const SIGN_STEP = { proposal: 1, prevote: 2, precommit: 3 } as const;

/**
 * An in-memory signer with CometBFT privval's double-sign guard (FilePV's LastSignState, not yet
 * persisted): never sign below the last height/round/step, and at the same one only the very same
 * bytes again.
 */
export function keySigner(key: Ed25519Key): Signer {
  let last: { height: bigint; round: number; step: number; bytes: Uint8Array; sig: Uint8Array } | undefined;
  const guard = (height: bigint, round: number, step: number, bytes: Uint8Array, sign: () => Uint8Array) => {
    if (last !== undefined) {
      const order =
        height !== last.height
          ? height < last.height
            ? -1
            : 1
          : round !== last.round
            ? round - last.round
            : step - last.step;
      if (order < 0) return undefined;
      if (order === 0) return Buffer.from(bytes).equals(Buffer.from(last.bytes)) ? last.sig : undefined;
    }
    const sig = sign();
    last = { height, round, step, bytes, sig };
    return sig;
  };
  return {
    pubKey: key.pubKey,
    address: key.address,
    signVote: (chainId, vote) =>
      guard(
        vote.height,
        vote.round,
        vote.type === SIGNED_MSG_TYPE_PREVOTE ? SIGN_STEP.prevote : SIGN_STEP.precommit,
        voteSignBytes(chainId, vote),
        () => signVote(chainId, vote, key),
      ),
    signProposal: (chainId, p) =>
      guard(p.height, p.round, SIGN_STEP.proposal, proposalSignBytes(chainId, p), () =>
        signProposal(chainId, p, key),
      ),
  };
}
