// CometBFT v0.38 Header.Hash (types/block.go) and the cdcEncode wrappers of
// types/encoding_helper.go: the merkle root of 14 leaves, one per header field, in struct order.
import type { BlockID, Header, PartSetHeader } from "cosmjs-types/tendermint/types/types";
import type { Consensus } from "cosmjs-types/tendermint/version/types";
import { hashFromByteSlices } from "../crypto/merkle.js";
import { ProtoWriter } from "./proto-writer.js";
import { encodeTimestamp } from "./time.js";

const EMPTY = new Uint8Array(0);

/** cdcEncode(string): StringValue{1: s}; the empty string encodes as empty bytes. */
export function cdcString(value: string): Uint8Array {
  return new ProtoWriter().string(1, value).finish();
}

/** cdcEncode(int64): Int64Value{1: v}; 0 encodes as empty bytes. */
export function cdcInt64(value: bigint): Uint8Array {
  return new ProtoWriter().varint(1, value).finish();
}

/** cdcEncode(HexBytes): BytesValue{1: b}; empty bytes encode as empty bytes. */
export function cdcBytes(value: Uint8Array | undefined): Uint8Array {
  return value === undefined ? EMPTY : new ProtoWriter().bytes(1, value).finish();
}

/** tendermint.version.Consensus{block=1, app=2} (uint64, zero omitted). */
export function encodeConsensus(version: Consensus): Uint8Array {
  return new ProtoWriter().varint(1, version.block).varint(2, version.app).finish();
}

/** tendermint.types.PartSetHeader{total=1 uint32, hash=2}. */
export function encodePartSetHeader(psh: PartSetHeader): Uint8Array {
  return new ProtoWriter().varint(1, psh.total).bytes(2, psh.hash).finish();
}

/**
 * tendermint.types.BlockID{hash=1, part_set_header=2}. part_set_header is gogoproto non-nullable,
 * so Go always writes it: the zero BlockID encodes as `12 00`, not as empty bytes.
 */
export function encodeBlockId(id: BlockID): Uint8Array {
  return new ProtoWriter()
    .bytes(1, id.hash)
    .message(2, encodePartSetHeader(id.partSetHeader ?? { total: 0, hash: EMPTY }))
    .finish();
}

/** The 14 merkle leaves of Header.Hash, in order. */
export function headerHashLeaves(h: Header): Uint8Array[] {
  return [
    encodeConsensus(h.version),
    cdcString(h.chainId),
    cdcInt64(h.height),
    encodeTimestamp(h.time),
    encodeBlockId(h.lastBlockId),
    cdcBytes(h.lastCommitHash),
    cdcBytes(h.dataHash),
    cdcBytes(h.validatorsHash),
    cdcBytes(h.nextValidatorsHash),
    cdcBytes(h.consensusHash),
    cdcBytes(h.appHash),
    cdcBytes(h.lastResultsHash),
    cdcBytes(h.evidenceHash),
    cdcBytes(h.proposerAddress),
  ];
}

/**
 * Header.Hash. Like Go, an incomplete header (empty validators_hash) has no hash: the result is
 * then empty bytes (Go returns nil). Time is hashed exactly as given, so pass the Go zero time
 * (GO_ZERO_TIME), not the Unix epoch, for an unset time.
 */
export function headerHash(h: Header): Uint8Array {
  if (h.validatorsHash.length === 0) return EMPTY;
  return hashFromByteSlices(headerHashLeaves(h));
}
