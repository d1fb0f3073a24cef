// CometBFT v0.38 state/validation.go validateBlock: is this block the valid next block for `state`?
// Content hashes (Block.ValidateBasic's part), header fields against the state, the last commit
// against the last validator set, the proposer, and BFT time.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID } from "cosmjs-types/tendermint/types/types";
import { blockIdEquals, commitHash, dataHash, evidenceBytes, evidenceHash } from "../../types/block.js";
import { ADDRESS_SIZE } from "../../types/ed25519.js";
import { compareTimestamps, timestampToRfc3339 } from "../../types/time.js";
import { validateCommitSig, verifyCommit } from "../../types/validation.js";
import { findValidatorByAddress, type Validator, validatorSetHash } from "../../types/validator.js";
import { medianTime } from "./median-time.js";

/** Block protocol version of CometBFT v0.38. */
export const BLOCK_PROTOCOL = 11n;

/** The parts of sm.State that validateBlock reads. Validator lists are in validator-set order. */
export interface BlockValidationState {
  chainId: string;
  initialHeight: bigint;
  /** 0 before the first block. */
  lastBlockHeight: bigint;
  /** The zero BlockID before the first block. */
  lastBlockId: BlockID;
  lastBlockTime: Timestamp;
  validators: readonly Validator[];
  nextValidators: readonly Validator[];
  /** Signed the previous block's commit (empty before the first block). */
  lastValidators: readonly Validator[];
  consensusParamsHash: Uint8Array;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  genesisTime: Timestamp;
  /** Defaults to 0. */
  appVersion?: bigint;
}

export type BlockValidationResult = { ok: true } | { ok: false; error: string };

const hex = (b: Uint8Array | undefined): string =>
  Buffer.from(b ?? [])
    .toString("hex")
    .toUpperCase();
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => Buffer.from(a ?? []).equals(b);
const idText = (id: BlockID): string =>
  `${hex(id.hash)}:${id.partSetHeader.total}:${hex(id.partSetHeader.hash)}`;
const timeText = (ts: Timestamp): string => {
  try {
    return timestampToRfc3339(ts);
  } catch {
    return `${ts.seconds}s+${ts.nanos}ns`;
  }
};

function hashMismatch(field: string, expected: Uint8Array, got: Uint8Array | undefined): string | undefined {
  return same(got, expected)
    ? undefined
    : `wrong Header.${field}. Expected ${hex(expected)}, got ${hex(got)}`;
}

/** The content checks of Block.ValidateBasic: header hashes must match the block's own contents. */
function checkContents(block: Block): string | undefined {
  const h = block.header!;
  if (block.lastCommit === undefined) return "nil LastCommit";
  for (const [i, sig] of block.lastCommit.signatures.entries()) {
    const bad = validateCommitSig(sig);
    if (bad !== undefined) return `wrong LastCommit: wrong CommitSig #${i}: ${bad}`;
  }
  const evidence: Uint8Array[] = [];
  for (const e of block.evidence?.evidence ?? []) {
    const bytes = evidenceBytes(e);
    if (bytes === undefined) return "wrong Evidence: evidence is empty";
    evidence.push(bytes);
  }
  return (
    hashMismatch("LastCommitHash", commitHash(block.lastCommit), h.lastCommitHash) ??
    hashMismatch("DataHash", dataHash(block.data?.txs ?? []), h.dataHash) ??
    hashMismatch("EvidenceHash", evidenceHash(evidence), h.evidenceHash)
  );
}

function checkHeader(state: BlockValidationState, block: Block): string | undefined {
  const h = block.header!;
  const appVersion = state.appVersion ?? 0n;
  if (h.version?.block !== BLOCK_PROTOCOL || h.version.app !== appVersion) {
    return `wrong Block.Header.Version. Expected {${BLOCK_PROTOCOL} ${appVersion}}, got {${h.version?.block} ${h.version?.app}}`;
  }
  if (h.chainId !== state.chainId) {
    return `wrong Block.Header.ChainID. Expected ${state.chainId}, got ${h.chainId}`;
  }
  if (state.lastBlockHeight === 0n && h.height !== state.initialHeight) {
    return `wrong Block.Header.Height. Expected ${state.initialHeight} for initial block, got ${h.height}`;
  }
  if (state.lastBlockHeight > 0n && h.height !== state.lastBlockHeight + 1n) {
    return `wrong Block.Header.Height. Expected ${state.lastBlockHeight + 1n}, got ${h.height}`;
  }
  if (h.lastBlockId === undefined || !blockIdEquals(h.lastBlockId, state.lastBlockId)) {
    const got = h.lastBlockId === undefined ? "nil" : idText(h.lastBlockId);
    return `wrong Block.Header.LastBlockID. Expected ${idText(state.lastBlockId)}, got ${got}`;
  }
  return (
    hashMismatch("AppHash", state.appHash, h.appHash) ??
    hashMismatch("ConsensusHash", state.consensusParamsHash, h.consensusHash) ??
    hashMismatch("LastResultsHash", state.lastResultsHash, h.lastResultsHash) ??
    hashMismatch("ValidatorsHash", validatorSetHash(state.validators), h.validatorsHash) ??
    hashMismatch("NextValidatorsHash", validatorSetHash(state.nextValidators), h.nextValidatorsHash)
  );
}

function checkLastCommit(state: BlockValidationState, block: Block): string | undefined {
  const h = block.header!;
  const lastCommit = block.lastCommit!;
  if (h.height === state.initialHeight) {
    return lastCommit.signatures.length === 0 ? undefined : "initial block can't have LastCommit signatures";
  }
  const r = verifyCommit(state.chainId, state.lastValidators, state.lastBlockId, h.height - 1n, lastCommit);
  return r.ok ? undefined : `invalid LastCommit: ${r.error}`;
}

function checkProposer(state: BlockValidationState, block: Block): string | undefined {
  const addr = block.header!.proposerAddress;
  if (addr.length !== ADDRESS_SIZE) {
    return `expected ProposerAddress size ${ADDRESS_SIZE}, got ${addr.length}`;
  }
  if (findValidatorByAddress(state.validators, addr) < 0) {
    return `block.Header.ProposerAddress ${hex(addr)} is not a validator`;
  }
  return undefined;
}

function checkTime(state: BlockValidationState, block: Block): string | undefined {
  const h = block.header!;
  if (h.time === undefined) return "block time is missing";
  if (h.height > state.initialHeight) {
    if (compareTimestamps(h.time, state.lastBlockTime) <= 0) {
      return `block time ${timeText(h.time)} not greater than last block time ${timeText(state.lastBlockTime)}`;
    }
    let median: Timestamp;
    try {
      median = medianTime(block.lastCommit!, state.lastValidators);
    } catch (err) {
      return `error validating block while calculating median time: ${(err as Error).message}`;
    }
    if (compareTimestamps(h.time, median) !== 0) {
      return `invalid block time. Expected ${timeText(median)}, got ${timeText(h.time)}`;
    }
    return undefined;
  }
  if (h.height === state.initialHeight) {
    if (compareTimestamps(h.time, state.genesisTime) !== 0) {
      return `block time ${timeText(h.time)} is not equal to genesis time ${timeText(state.genesisTime)}`;
    }
    return undefined;
  }
  return `block height ${h.height} lower than initial height ${state.initialHeight}`;
}

/** validateBlock: ok, or the first failed check's message (CometBFT's wording where it has one). */
export function validateBlock(state: BlockValidationState, block: Block): BlockValidationResult {
  if (block.header === undefined) return { ok: false, error: "nil Header" };
  const error =
    checkContents(block) ??
    checkHeader(state, block) ??
    checkLastCommit(state, block) ??
    checkProposer(state, block) ??
    checkTime(state, block);
  return error === undefined ? { ok: true } : { ok: false, error };
}
