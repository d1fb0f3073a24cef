// Builds a CometBFT 0.38 block and its commit: header fields hashed exactly as CometBFT hashes
// them, so light clients and explorers verify our blocks unchanged. Shared by the single-validator
// producer and, later, the BFT proposer.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { BlockID, Commit } from "cosmjs-types/tendermint/types/types";
import {
  BLOCK_ID_FLAG_COMMIT,
  blockId,
  commitHash,
  consensusParamsHash,
  dataHash,
  encodeBlock,
  evidenceBytes,
  evidenceHash,
  zeroBlockId,
} from "../types/block.js";
import type { Ed25519Key } from "../types/ed25519.js";
import { type Validator, validatorSetHash } from "../types/validator.js";
import { SIGNED_MSG_TYPE_PRECOMMIT, signVote } from "../types/vote.js";

export interface BlockInputs {
  chainId: string;
  height: bigint;
  time: Timestamp;
  /** Undefined at the first height. */
  lastBlockId?: BlockID;
  /** The commit of the previous block; an empty commit at the first height. */
  lastCommit: Commit;
  txs: Uint8Array[];
  /** Evidence committed by this block (none by default). */
  evidence?: Evidence[];
  validators: readonly Validator[];
  nextValidators: readonly Validator[];
  maxBytes: bigint;
  maxGas: bigint;
  /** App hash after the previous block (or genesis). */
  appHash: Uint8Array;
  /** resultsHash of the previous block's tx results. */
  lastResultsHash: Uint8Array;
  proposerAddress: Uint8Array;
}

export interface BuiltBlock {
  block: Block;
  blockId: BlockID;
  bytes: Uint8Array;
}

export function buildBlock(i: BlockInputs): BuiltBlock {
  const block: Block = {
    header: {
      version: { block: 11n, app: 0n },
      chainId: i.chainId,
      height: i.height,
      time: i.time,
      lastBlockId: i.lastBlockId ?? zeroBlockId(),
      lastCommitHash: commitHash(i.lastCommit),
      dataHash: dataHash(i.txs),
      validatorsHash: validatorSetHash(i.validators),
      nextValidatorsHash: validatorSetHash(i.nextValidators),
      consensusHash: consensusParamsHash(i.maxBytes, i.maxGas),
      appHash: i.appHash,
      lastResultsHash: i.lastResultsHash,
      evidenceHash: evidenceHash((i.evidence ?? []).map((e) => evidenceBytes(e)!)),
      proposerAddress: i.proposerAddress,
    },
    data: { txs: i.txs },
    evidence: { evidence: i.evidence ?? [] },
    lastCommit: i.lastCommit,
  };
  const bytes = encodeBlock(block);
  return { block, blockId: blockId(block), bytes };
}

export function emptyCommit(): Commit {
  return { height: 0n, round: 0, blockId: zeroBlockId(), signatures: [] };
}

/** One validator's precommit for a block, as a Commit (the single-validator case). */
export function signCommit(
  chainId: string,
  height: bigint,
  id: BlockID,
  timestamp: Timestamp,
  key: Ed25519Key,
): Commit {
  const signature = signVote(
    chainId,
    { type: SIGNED_MSG_TYPE_PRECOMMIT, height, round: 0, blockId: id, timestamp },
    key,
  );
  return {
    height,
    round: 0,
    blockId: id,
    signatures: [{ blockIdFlag: BLOCK_ID_FLAG_COMMIT, validatorAddress: key.address, timestamp, signature }],
  };
}

export function timestampToNanos(ts: Timestamp): bigint {
  return ts.seconds * 1_000_000_000n + BigInt(ts.nanos);
}

export function nanosToTimestamp(ns: bigint): Timestamp {
  const seconds = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  return { seconds, nanos: Number(ns - seconds * 1_000_000_000n) };
}
