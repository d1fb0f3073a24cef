// CometBFT v0.38 sign bytes (types/vote.go, proposal.go, canonical.go,
// proto/tendermint/types/canonical.proto): varint length prefix ‖ Canonical* proto.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { BlockID, Commit } from "cosmjs-types/tendermint/types/types";
import { BLOCK_ID_FLAG_COMMIT, isZeroBlockId, zeroBlockId } from "./block.js";
import { type Ed25519Key, signEd25519, verifyEd25519 } from "./ed25519.js";
import { lengthPrefixed, ProtoWriter } from "./proto-writer.js";
import { encodeTimestamp, GO_ZERO_TIME } from "./time.js";

/** tendermint.types.SignedMsgType. */
export const SIGNED_MSG_TYPE_PREVOTE = 1;
export const SIGNED_MSG_TYPE_PRECOMMIT = 2;
export const SIGNED_MSG_TYPE_PROPOSAL = 32;

/** The fields of a Vote that its signature covers (cosmjs-types Vote satisfies this). */
export interface SignableVote {
  type: number;
  height: bigint;
  round: number;
  /** Omitted or zero → a vote for nil (no block_id in the sign bytes). */
  blockId?: BlockID;
  /** Omitted → the Go zero time (0001-01-01T00:00:00Z), as an unset Go time.Time. */
  timestamp?: Timestamp;
}

export interface SignableProposal {
  height: bigint;
  round: number;
  polRound: number;
  blockId?: BlockID;
  timestamp?: Timestamp;
}

/**
 * CanonicalBlockID{hash=1, part_set_header=2 CanonicalPartSetHeader{total=1 uint32, hash=2}}, or
 * undefined (field omitted) for a nil/zero BlockID. part_set_header is non-nullable: always written.
 */
export function encodeCanonicalBlockId(id: BlockID | undefined): Uint8Array | undefined {
  if (id === undefined || isZeroBlockId(id)) return undefined;
  const psh = new ProtoWriter().varint(1, id.partSetHeader.total).bytes(2, id.partSetHeader.hash).finish();
  return new ProtoWriter().bytes(1, id.hash).message(2, psh).finish();
}

/** CanonicalVote{type=1, height=2 sfixed64, round=3 sfixed64, block_id=4, timestamp=5 (always), chain_id=6}. */
export function canonicalVoteBytes(chainId: string, vote: SignableVote): Uint8Array {
  return new ProtoWriter()
    .varint(1, vote.type)
    .sfixed64(2, vote.height)
    .sfixed64(3, vote.round)
    .message(4, encodeCanonicalBlockId(vote.blockId))
    .message(5, encodeTimestamp(vote.timestamp ?? GO_ZERO_TIME))
    .string(6, chainId)
    .finish();
}

/** VoteSignBytes: what a validator signs for a prevote/precommit. */
export function voteSignBytes(chainId: string, vote: SignableVote): Uint8Array {
  return lengthPrefixed(canonicalVoteBytes(chainId, vote));
}

/**
 * ProposalSignBytes: CanonicalProposal{type=1 (32), height=2 sfixed64, round=3 sfixed64,
 * pol_round=4 int64, block_id=5, timestamp=6 (always), chain_id=7}, length-prefixed.
 */
export function proposalSignBytes(chainId: string, p: SignableProposal): Uint8Array {
  return lengthPrefixed(
    new ProtoWriter()
      .varint(1, SIGNED_MSG_TYPE_PROPOSAL)
      .sfixed64(2, p.height)
      .sfixed64(3, p.round)
      .varint(4, p.polRound)
      .message(5, encodeCanonicalBlockId(p.blockId))
      .message(6, encodeTimestamp(p.timestamp ?? GO_ZERO_TIME))
      .string(7, chainId)
      .finish(),
  );
}

/** VoteExtensionSignBytes: CanonicalVoteExtension{extension=1, height=2 sfixed64, round=3 sfixed64, chain_id=4}. */
export function voteExtensionSignBytes(
  chainId: string,
  vote: { extension: Uint8Array; height: bigint; round: number },
): Uint8Array {
  return lengthPrefixed(
    new ProtoWriter()
      .bytes(1, vote.extension)
      .sfixed64(2, vote.height)
      .sfixed64(3, vote.round)
      .string(4, chainId)
      .finish(),
  );
}

/**
 * Commit.GetVote: the precommit behind signature `idx` — the commit's height, round and
 * (for a COMMIT flag) block_id, or the zero BlockID (for NIL/ABSENT), with the signature's timestamp.
 */
export function commitSigVote(commit: Commit, idx: number): SignableVote {
  const sig = commit.signatures[idx];
  if (sig === undefined) throw new RangeError(`commit has no signature #${idx}`);
  return {
    type: SIGNED_MSG_TYPE_PRECOMMIT,
    height: commit.height,
    round: commit.round,
    blockId: sig.blockIdFlag === BLOCK_ID_FLAG_COMMIT ? commit.blockId : zeroBlockId(),
    timestamp: sig.timestamp,
  };
}

/** Commit.VoteSignBytes: the bytes signature `idx` of the commit must verify against. */
export function commitSigSignBytes(chainId: string, commit: Commit, idx: number): Uint8Array {
  return voteSignBytes(chainId, commitSigVote(commit, idx));
}

export function signVote(chainId: string, vote: SignableVote, key: Pick<Ed25519Key, "seed">): Uint8Array {
  return signEd25519(key, voteSignBytes(chainId, vote));
}

export function signProposal(
  chainId: string,
  p: SignableProposal,
  key: Pick<Ed25519Key, "seed">,
): Uint8Array {
  return signEd25519(key, proposalSignBytes(chainId, p));
}

export function verifyVoteSignature(
  chainId: string,
  vote: SignableVote,
  pubKey: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verifyEd25519(pubKey, voteSignBytes(chainId, vote), signature);
}
