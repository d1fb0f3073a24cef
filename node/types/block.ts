// CometBFT v0.38 block-level hashes: data_hash (types/tx.go), last_results_hash (types/results.go),
// consensus_hash (types/params.go), last_commit_hash (types/block.go Commit.Hash), evidence_hash
// (types/evidence.go) and the BlockID of a block (header hash + part set header of its proto bytes).

import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import {
  DuplicateVoteEvidence,
  type Evidence,
  LightClientAttackEvidence,
} from "cosmjs-types/tendermint/types/evidence";
import type { BlockID, Commit, CommitSig } from "cosmjs-types/tendermint/types/types";
import { hashFromByteSlices } from "../crypto/merkle.js";
import { sha256 } from "../crypto/sha256.js";
import { headerHash } from "./header.js";
import { makePartSet, type PartSet } from "./part-set.js";
import { ProtoWriter } from "./proto-writer.js";
import { encodeTimestamp, GO_ZERO_TIME } from "./time.js";

/** tendermint.types.BlockIDFlag values. */
export const BLOCK_ID_FLAG_ABSENT = 1;
export const BLOCK_ID_FLAG_COMMIT = 2;
export const BLOCK_ID_FLAG_NIL = 3;

/** Tx.Hash: sha256(tx). */
export function txHash(tx: Uint8Array): Uint8Array {
  return sha256(tx);
}

/** Data.Hash / Txs.Hash: merkle root over sha256(tx_i). No txs → sha256(""). */
export function dataHash(txs: readonly Uint8Array[]): Uint8Array {
  return hashFromByteSlices(txs.map(txHash));
}

/** EvidenceList.Hash: merkle root over each evidence's Bytes(). */
export function evidenceHash(evidenceBytes: readonly Uint8Array[]): Uint8Array {
  return hashFromByteSlices(evidenceBytes);
}

/** Evidence.Bytes(): the proto of the concrete evidence type (not the oneof wrapper). */
export function evidenceBytes(e: Evidence): Uint8Array | undefined {
  if (e.duplicateVoteEvidence !== undefined)
    return DuplicateVoteEvidence.encode(e.duplicateVoteEvidence).finish();
  if (e.lightClientAttackEvidence !== undefined) {
    return LightClientAttackEvidence.encode(e.lightClientAttackEvidence).finish();
  }
  return undefined;
}

/** evidence_hash of a block without evidence: sha256(""). */
export function emptyEvidenceHash(): Uint8Array {
  return evidenceHash([]);
}

export type DeterministicTxResult = Pick<ExecTxResult, "code" | "data" | "gasWanted" | "gasUsed">;

/** Proto bytes of deterministicExecTxResult: ExecTxResult{code=1, data=2, gas_wanted=5, gas_used=6}. */
export function encodeDeterministicTxResult(r: DeterministicTxResult): Uint8Array {
  return new ProtoWriter()
    .varint(1, r.code)
    .bytes(2, r.data)
    .varint(5, r.gasWanted)
    .varint(6, r.gasUsed)
    .finish();
}

/** ABCIResults.Hash (last_results_hash): merkle root over the deterministic result protos. */
export function resultsHash(results: readonly DeterministicTxResult[]): Uint8Array {
  return hashFromByteSlices(results.map(encodeDeterministicTxResult));
}

/** ConsensusParams.Hash (consensus_hash): sha256(HashedParams{block_max_bytes=1, block_max_gas=2}). */
export function consensusParamsHash(maxBytes: bigint, maxGas: bigint): Uint8Array {
  return sha256(new ProtoWriter().varint(1, maxBytes).varint(2, maxGas).finish());
}

/**
 * CommitSig proto {block_id_flag=1, validator_address=2, timestamp=3, signature=4}. The timestamp is
 * gogoproto non-nullable, so it is always written; an absent signature carries the Go zero time.
 */
export function encodeCommitSig(sig: CommitSig): Uint8Array {
  return new ProtoWriter()
    .varint(1, sig.blockIdFlag)
    .bytes(2, sig.validatorAddress)
    .message(3, encodeTimestamp(sig.timestamp ?? GO_ZERO_TIME))
    .bytes(4, sig.signature)
    .finish();
}

/** Commit.Hash (last_commit_hash): merkle root over the CommitSig protos. Empty commit → sha256(""). */
export function commitHash(commit: Pick<Commit, "signatures">): Uint8Array {
  return hashFromByteSlices(commit.signatures.map(encodeCommitSig));
}

/** The CommitSig of a validator that did not vote. */
export function absentCommitSig(): CommitSig {
  return {
    blockIdFlag: BLOCK_ID_FLAG_ABSENT,
    validatorAddress: new Uint8Array(0),
    timestamp: { ...GO_ZERO_TIME },
    signature: new Uint8Array(0),
  };
}

/** Block proto bytes (what is split into parts and gossiped). */
export function encodeBlock(block: Block): Uint8Array {
  return Block.encode(block).finish();
}

/** Block.MakePartSet(BlockPartSizeBytes). */
export function blockPartSet(block: Block): PartSet {
  return makePartSet(encodeBlock(block));
}

/** BlockID of a complete block: header hash plus the part set header of its proto encoding. */
export function blockId(block: Block): BlockID {
  return { hash: headerHash(block.header), partSetHeader: blockPartSet(block).header };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** BlockID.Equals. */
export function blockIdEquals(a: BlockID, b: BlockID): boolean {
  return (
    bytesEqual(a.hash, b.hash) &&
    a.partSetHeader.total === b.partSetHeader.total &&
    bytesEqual(a.partSetHeader.hash, b.partSetHeader.hash)
  );
}

/** BlockID.IsZero: no hash and a zero part set header (a nil vote / the genesis last_block_id). */
export function isZeroBlockId(id: BlockID | undefined): boolean {
  return (
    id === undefined ||
    (id.hash.length === 0 && id.partSetHeader.total === 0 && id.partSetHeader.hash.length === 0)
  );
}

/** BlockID.IsComplete: 32-byte hash, total > 0, 32-byte part set hash. */
export function isCompleteBlockId(id: BlockID): boolean {
  return id.hash.length === 32 && id.partSetHeader.total > 0 && id.partSetHeader.hash.length === 32;
}

export function zeroBlockId(): BlockID {
  return { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
}
