// Seeded generators of hostile gossip messages for the five topics (proposal, block part, vote,
// evidence, tx): random bytes, truncations, bit flips and splices of valid messages, valid encodings with
// wrong signatures or another chain id's signatures, far-off heights and rounds, oversized
// payloads. Every mutated message differs from the valid message it came from.

import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { DuplicateVoteEvidence } from "cosmjs-types/tendermint/types/evidence";
import { type BlockID, PartSetHeader, type Vote } from "cosmjs-types/tendermint/types/types";
import {
  DEFAULT_MAX_BYTES,
  encodeBlockPart,
  encodeProposal,
  encodeVote,
  type GossipKind,
} from "../../node/p2p/consensus-gossip.js";
import type { Ed25519Key } from "../../node/types/ed25519.js";
import {
  SIGNED_MSG_TYPE_PRECOMMIT,
  SIGNED_MSG_TYPE_PREVOTE,
  SIGNED_MSG_TYPE_PROPOSAL,
  signProposal,
  signVote,
} from "../../node/types/vote.js";
import { bitflip, type Rng, splice, truncate } from "./fuzz-rng.js";

export type FuzzTopic = GossipKind | "tx";
export const FUZZ_TOPICS: readonly FuzzTopic[] = ["proposal", "blockPart", "vote", "evidence", "tx"];

/** A validly encoded signed tx and its parts (never sent as is: it would be admitted). */
export interface SignedTx {
  bytes: Uint8Array;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
}

export interface FuzzContext {
  chainId: string;
  /** The victim's height and round now. */
  height: bigint;
  round: number;
  victimKey: Ed25519Key;
  attackerKey: Ed25519Key;
  /** Valid proposals, block parts and votes captured from the victim's own gossip. */
  captured: Record<Exclude<GossipKind, "evidence">, Uint8Array[]>;
  /** A height the victim committed, its block time and the powers evidence of it must carry. */
  committed: { height: bigint; time: Timestamp; power: bigint; totalPower: bigint };
  txs: {
    valid: SignedTx[];
    /** Signed, but for another chain id, account number or signer, or in high-S form. */
    wronglySigned: Uint8Array[];
    /** Correctly signed, refused for the account's state (wrong sequence, too little money). */
    stateful: Uint8Array[];
  };
  /** Random bytes that oversized payloads are cut from. */
  big: Uint8Array;
}

export interface FuzzMessage {
  cls: string;
  data: Uint8Array;
}

/** The largest message each topic accepts (the tx topic: the mempool's default maxTxBytes). */
export const TOPIC_MAX_BYTES: Record<FuzzTopic, number> = { ...DEFAULT_MAX_BYTES, tx: 1024 * 1024 };

function blockId(rng: Rng): BlockID {
  return { hash: rng.bytes(32), partSetHeader: { total: 1 + rng.int(4), hash: rng.bytes(32) } };
}

/** Heights and rounds near and far from the victim's, most of them wrong for it. */
function where(rng: Rng, ctx: FuzzContext): { height: bigint; round: number } {
  const h = ctx.height;
  const heights = [h, h, h + 1n, h + 2n, h + 3n, h + 1000n, h - 1n, 1n, 1n << 62n, (1n << 63n) - 1n];
  const rounds = [ctx.round, 0, 1, 3, 100, 2 ** 31 - 1];
  const height = rng.pick(heights);
  return { height: height > 0n ? height : 1n, round: rng.pick(rounds) };
}

type Signing = "random" | "attacker" | "otherChain";

const NIL_ID: BlockID = { hash: new Uint8Array(), partSetHeader: { total: 0, hash: new Uint8Array() } };

/** BlockID.Key(): the order duplicate vote evidence puts its two votes in. */
const idKey = (id: BlockID) => Buffer.concat([id.hash, PartSetHeader.encode(id.partSetHeader!).finish()]);

function signed(rng: Rng, ctx: FuzzContext, signing: Signing) {
  const key = signing === "otherChain" ? ctx.victimKey : ctx.attackerKey;
  const chainId = signing === "otherChain" ? `${ctx.chainId}-other` : ctx.chainId;
  return (sign: (chainId: string, key: Ed25519Key) => Uint8Array) =>
    signing === "random" ? rng.bytes(64) : sign(chainId, key);
}

function vote(
  rng: Rng,
  ctx: FuzzContext,
  signing: Signing,
  height: bigint,
  round: number,
  id: BlockID,
  type: number,
): Vote {
  const v: Vote = {
    type,
    height,
    round,
    blockId: id,
    timestamp: { seconds: BigInt(1_700_000_000 + rng.int(1e9)), nanos: rng.int(1e9) },
    // The victim's address (index 0) unless signed by the attacker's own key, mostly.
    validatorAddress:
      (signing === "attacker") !== (rng.int(8) === 0) ? ctx.attackerKey.address : ctx.victimKey.address,
    validatorIndex: rng.int(8) === 0 ? rng.int(5) : 0,
    signature: new Uint8Array(),
    extension: new Uint8Array(),
    extensionSignature: new Uint8Array(),
  };
  v.signature = signed(rng, ctx, signing)((chainId, key) => signVote(chainId, v, key));
  return v;
}

/** Two conflicting votes at a committed height (its real block time and powers, mostly): they fail only on signatures. */
function evidence(rng: Rng, ctx: FuzzContext, signing: Signing, far: boolean): Uint8Array {
  const c = ctx.committed;
  const height = far ? where(rng, ctx).height : c.height;
  const type = rng.int(2) === 0 ? SIGNED_MSG_TYPE_PREVOTE : SIGNED_MSG_TYPE_PRECOMMIT;
  const round = rng.int(3);
  const ids = [blockId(rng), rng.int(4) === 0 ? NIL_ID : blockId(rng)].sort((x, y) =>
    Buffer.compare(idKey(x), idKey(y)),
  );
  const a = vote(rng, ctx, signing, height, round, ids[0]!, type);
  const b = {
    ...vote(rng, ctx, signing, height, round, ids[1]!, type),
    validatorAddress: a.validatorAddress,
    validatorIndex: a.validatorIndex,
  };
  b.signature = signed(rng, ctx, signing)((chainId, key) => signVote(chainId, b, key));
  return DuplicateVoteEvidence.encode({
    voteA: a,
    voteB: b,
    totalVotingPower: rng.int(8) === 0 ? BigInt(1 + rng.int(100)) : c.totalPower,
    validatorPower: rng.int(8) === 0 ? BigInt(1 + rng.int(100)) : c.power,
    timestamp: rng.int(8) === 0 ? { seconds: BigInt(rng.int(1e9)), nanos: 0 } : c.time,
  }).finish();
}

function consensusMessage(rng: Rng, ctx: FuzzContext, kind: GossipKind, signing: Signing, far: boolean) {
  const { height, round } = far ? where(rng, ctx) : { height: ctx.height, round: ctx.round };
  if (kind === "evidence") return evidence(rng, ctx, signing, far);
  if (kind === "vote") {
    const type = rng.int(2) === 0 ? SIGNED_MSG_TYPE_PREVOTE : SIGNED_MSG_TYPE_PRECOMMIT;
    return encodeVote(vote(rng, ctx, signing, height, round, rng.int(4) === 0 ? NIL_ID : blockId(rng), type));
  }
  if (kind === "proposal") {
    const polRound = rng.int(3) === 0 ? rng.int(Math.max(1, round)) : -1;
    const timestamp = { seconds: BigInt(1_700_000_000 + rng.int(1e9)), nanos: rng.int(1e9) };
    const p = {
      type: SIGNED_MSG_TYPE_PROPOSAL,
      height,
      round,
      polRound,
      blockId: blockId(rng),
      timestamp,
      signature: new Uint8Array() as Uint8Array,
    };
    p.signature = signed(rng, ctx, signing)((chainId, key) => signProposal(chainId, p, key));
    return encodeProposal(p);
  }
  const total = 1 + rng.int(4);
  const index = rng.int(total + 1);
  const aunts = Array.from({ length: rng.int(3) }, () => rng.bytes(32));
  const proof = { total: BigInt(total), index: BigInt(index), leafHash: rng.bytes(32), aunts };
  return encodeBlockPart({ height, round, part: { index, bytes: rng.bytes(1 + rng.int(2048)), proof } });
}

function txMessage(rng: Rng, ctx: FuzzContext, cls: string): Uint8Array {
  const seed = rng.pick(ctx.txs.valid);
  switch (cls) {
    case "wrongSig": {
      // Random signature bytes (64 or another length) over the right body and auth info.
      const sig = rng.bytes(rng.int(4) === 0 ? rng.int(100) : 64);
      return TxRaw.encode({
        bodyBytes: seed.bodyBytes,
        authInfoBytes: seed.authInfoBytes,
        signatures: [sig],
      }).finish();
    }
    case "wronglySigned":
      return rng.pick(ctx.txs.wronglySigned);
    case "stateful":
      return rng.pick(ctx.txs.stateful);
    default:
      throw new Error(`no tx class ${cls}`);
  }
}

const MUTATIONS = ["random", "truncate", "bitflip", "splice", "oversized"];
const CLASSES: Record<FuzzTopic, readonly string[]> = {
  proposal: [...MUTATIONS, "wrongSig", "otherChain", "farOff", "replay"],
  blockPart: [...MUTATIONS, "wrongSig", "farOff", "replay"],
  vote: [...MUTATIONS, "wrongSig", "otherChain", "farOff", "replay"],
  // The victim never double-signs, so there is no real evidence to capture or replay.
  evidence: [...MUTATIONS, "wrongSig", "otherChain", "farOff"],
  tx: [...MUTATIONS, "wrongSig", "wronglySigned", "stateful", "empty"],
};

/** One hostile message for `topic`, of a class drawn uniformly. */
export function fuzzMessage(rng: Rng, topic: FuzzTopic, ctx: FuzzContext): FuzzMessage {
  const cls = rng.pick(CLASSES[topic]);
  const valid = (): Uint8Array =>
    topic === "tx"
      ? rng.pick(ctx.txs.valid).bytes
      : topic === "evidence"
        ? evidence(rng, ctx, rng.pick(["random", "attacker", "otherChain"]), false)
        : rng.pick(ctx.captured[topic]);
  let data: Uint8Array;
  switch (cls) {
    case "random":
      data = rng.bytes(rng.int(8) === 0 ? rng.int(8192) : rng.int(300));
      break;
    case "truncate":
      data = truncate(rng, valid());
      break;
    case "bitflip":
      data = bitflip(rng, valid());
      break;
    case "splice":
      data = splice(rng, valid());
      break;
    case "replay":
      data = valid();
      break;
    case "oversized": {
      const size = TOPIC_MAX_BYTES[topic] + 1 + rng.int(1024);
      const at = rng.int(ctx.big.length - size);
      data = ctx.big.subarray(at, at + size);
      break;
    }
    case "empty":
      data = new Uint8Array();
      break;
    default:
      data =
        topic === "tx"
          ? txMessage(rng, ctx, cls)
          : consensusMessage(
              rng,
              ctx,
              topic,
              cls === "otherChain" ? "otherChain" : rng.int(2) ? "random" : "attacker",
              cls === "farOff",
            );
  }
  return { cls, data };
}
