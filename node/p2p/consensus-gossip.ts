// Consensus gossip over libp2p gossipsub: one topic per message kind and chain id, protobuf
// payloads (cosmjs-types Proposal / Vote, and a BlockPart wrapper around Part), content-addressed
// message ids, per-topic size limits and topic validators that ask a handler for a verdict, as
// Lodestar does: accept → ACCEPT (delivered and relayed), ignore → IGNORE (dropped, no penalty),
// reject → REJECT (dropped, the propagating peer is penalised). Bytes that do not decode to a
// well-formed, canonically encoded message are REJECTed without calling the handler.
//
// The host must be started with consensusGossipsubOptions(chainId) (StrictNoSign, the message id
// function and peer-score parameters for the topics); start() refuses a host without them.
import "./polyfill.js";
import type { GossipsubOpts, Message, TopicValidatorFn } from "@libp2p/gossipsub";
import { StrictNoSign, TopicValidatorResult } from "@libp2p/gossipsub";
import { createTopicScoreParams, type TopicScoreParams } from "@libp2p/gossipsub/score";
import type { PeerId } from "@libp2p/interface";
import { type Multiaddr, multiaddr } from "@multiformats/multiaddr";
import { sha256 } from "@noble/hashes/sha2.js";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { DuplicateVoteEvidence } from "cosmjs-types/tendermint/types/evidence";
import { Part, Proposal, SignedMsgType, Vote } from "cosmjs-types/tendermint/types/types";
import type { P2PHost } from "./host.js";

export type GossipVerdict = "accept" | "ignore" | "reject";
export type GossipKind = "proposal" | "blockPart" | "vote" | "evidence";

/** CometBFT's BlockPartMessage: a part of the proposal block of (height, round). */
export interface BlockPart {
  height: bigint;
  round: number;
  part: Part;
}

/** `from` is the peer that propagated the message to us (not necessarily its author). */
export interface ConsensusGossipHandlers {
  onProposal(proposal: Proposal, from: string): Promise<GossipVerdict>;
  onBlockPart(part: BlockPart, from: string): Promise<GossipVerdict>;
  onVote(vote: Vote, from: string): Promise<GossipVerdict>;
  onEvidence(evidence: DuplicateVoteEvidence, from: string): Promise<GossipVerdict>;
}

/** Largest accepted message per topic, in bytes (CometBFT caps consensus messages at 1 MiB). */
export const DEFAULT_MAX_BYTES: Readonly<Record<GossipKind, number>> = {
  proposal: 16 * 1024,
  blockPart: 1024 * 1024,
  vote: 64 * 1024,
  evidence: 64 * 1024,
};

/** types.BlockPartSizeBytes: parts carry at most 64 KiB of block. */
export const BLOCK_PART_SIZE_BYTES = 65536;

export interface ConsensusGossipOptions {
  maxBytes?: Partial<Record<GossipKind, number>>;
}

const TOPIC_NAMES: Record<GossipKind, string> = {
  proposal: "proposal",
  blockPart: "block-part",
  vote: "vote",
  evidence: "evidence",
};

/** The gossipsub topic of one message kind on one chain. */
export function consensusTopic(chainId: string, kind: GossipKind): string {
  if (chainId.length === 0 || chainId.length > 50 || /[/\s]/.test(chainId))
    throw new Error(`invalid chain id for a gossip topic: ${JSON.stringify(chainId)}`);
  return `/openledger/${chainId}/consensus/${TOPIC_NAMES[kind]}/1`;
}

const KINDS: readonly GossipKind[] = ["proposal", "blockPart", "vote", "evidence"];
const textEncoder = new TextEncoder();

/**
 * Message id: sha256(topic ‖ 0x00 ‖ data). Content addressing drops duplicates whoever published
 * them; the topic is in it so that bytes rejected on one topic cannot mark the same bytes on
 * another topic as already seen.
 */
export function consensusMsgId(msg: Message): Uint8Array {
  const topic = textEncoder.encode(msg.topic);
  const buf = new Uint8Array(topic.length + 1 + msg.data.length);
  buf.set(topic, 0);
  buf.set(msg.data, topic.length + 1);
  return sha256(buf);
}

/**
 * Gossipsub settings for startP2PHost(..., { gossipsub }): unsigned messages (consensus messages
 * carry validator signatures; the libp2p envelope would only make ids per publisher), content ids,
 * and score parameters that make each invalid (REJECTed) delivery cost the propagating peer.
 */
export function consensusGossipsubOptions(chainId: string): Partial<GossipsubOpts> {
  const topics: Record<string, TopicScoreParams> = {};
  for (const kind of KINDS) {
    topics[consensusTopic(chainId, kind)] = createTopicScoreParams({
      topicWeight: 1,
      timeInMeshWeight: 0,
      firstMessageDeliveriesWeight: 0,
      meshMessageDeliveriesWeight: 0,
      meshFailurePenaltyWeight: 0,
      invalidMessageDeliveriesWeight: -10,
      invalidMessageDeliveriesDecay: 0.5,
    });
  }
  return {
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: consensusMsgId,
    ignoreDuplicatePublishError: true,
    scoreParams: { topics },
  };
}

// ---- encoding ----

export function encodeProposal(p: Proposal): Uint8Array {
  return Proposal.encode(p).finish();
}

export function encodeVote(v: Vote): Uint8Array {
  return Vote.encode(v).finish();
}

/** BlockPart as tendermint.consensus.BlockPart: height = 1 (int64), round = 2 (int32), part = 3. */
export function encodeBlockPart(bp: BlockPart): Uint8Array {
  const w = BinaryWriter.create();
  if (bp.height !== 0n) w.uint32(8).int64(bp.height);
  if (bp.round !== 0) w.uint32(16).int32(bp.round);
  Part.encode(bp.part, w.uint32(26).fork()).ldelim();
  return w.finish();
}

export function decodeBlockPart(data: Uint8Array): BlockPart {
  const r = new BinaryReader(data);
  const out: BlockPart = { height: 0n, round: 0, part: Part.fromPartial({}) };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        out.height = r.int64();
        break;
      case 2:
        out.round = r.int32();
        break;
      case 3:
        out.part = Part.decode(r, r.uint32());
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Decodes and checks the shape of one message; undefined when malformed. The bytes must be the
 * canonical encoding of what they decode to (no unknown fields, no trailing data), so one message
 * has exactly one id.
 */
export function decodeConsensusMessage(
  kind: GossipKind,
  data: Uint8Array,
): Proposal | BlockPart | Vote | DuplicateVoteEvidence | undefined {
  try {
    switch (kind) {
      case "proposal": {
        const p = Proposal.decode(data);
        if (!sameBytes(encodeProposal(p), data)) return undefined;
        if (p.type !== SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL) return undefined;
        if (p.height <= 0n || p.round < 0 || p.polRound < -1 || p.polRound >= p.round) return undefined;
        if (p.signature.length === 0) return undefined;
        return p;
      }
      case "vote": {
        const v = Vote.decode(data);
        if (!sameBytes(encodeVote(v), data)) return undefined;
        if (
          v.type !== SignedMsgType.SIGNED_MSG_TYPE_PREVOTE &&
          v.type !== SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT
        )
          return undefined;
        if (v.height <= 0n || v.round < 0 || v.validatorIndex < 0) return undefined;
        if (v.validatorAddress.length !== 20 || v.signature.length === 0) return undefined;
        return v;
      }
      case "evidence": {
        const ev = DuplicateVoteEvidence.decode(data);
        if (!sameBytes(DuplicateVoteEvidence.encode(ev).finish(), data)) return undefined;
        if (ev.voteA === undefined || ev.voteB === undefined || ev.timestamp === undefined) return undefined;
        if (ev.voteA.height <= 0n || ev.totalVotingPower <= 0n || ev.validatorPower <= 0n) return undefined;
        return ev;
      }
      case "blockPart": {
        const bp = decodeBlockPart(data);
        if (!sameBytes(encodeBlockPart(bp), data)) return undefined;
        if (bp.height <= 0n || bp.round < 0 || bp.part.index < 0) return undefined;
        if (bp.part.bytes.length === 0 || bp.part.bytes.length > BLOCK_PART_SIZE_BYTES) return undefined;
        return bp;
      }
    }
  } catch {
    return undefined;
  }
}

/** Maps the consensus core's HandleResult status to a gossip verdict. */
export function verdictOf(status: "accepted" | "ignored" | "rejected"): GossipVerdict {
  return status === "accepted" ? "accept" : status === "ignored" ? "ignore" : "reject";
}

const RESULT: Record<GossipVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
};

/** The parts of the gossipsub service this layer uses. */
interface PubSub {
  globalSignaturePolicy: string;
  topicValidators: Map<string, TopicValidatorFn>;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  getSubscribers(topic: string): PeerId[];
  publish(topic: string, data: Uint8Array): Promise<{ recipients: PeerId[] }>;
}

/** Dials a peer (multiaddr string with or without /p2p/<id>). */
export async function connect(host: P2PHost, addr: string | Multiaddr): Promise<void> {
  await host.libp2p.dial(typeof addr === "string" ? multiaddr(addr) : addr);
}

export class ConsensusGossip {
  readonly topics: Readonly<Record<GossipKind, string>>;
  private readonly maxBytes: Record<GossipKind, number>;
  private readonly pubsub: PubSub;
  private started = false;

  constructor(
    readonly host: P2PHost,
    readonly chainId: string,
    private readonly handlers: ConsensusGossipHandlers,
    opts: ConsensusGossipOptions = {},
  ) {
    this.topics = {
      proposal: consensusTopic(chainId, "proposal"),
      blockPart: consensusTopic(chainId, "blockPart"),
      vote: consensusTopic(chainId, "vote"),
      evidence: consensusTopic(chainId, "evidence"),
    };
    this.maxBytes = { ...DEFAULT_MAX_BYTES, ...opts.maxBytes };
    const pubsub = (host.libp2p.services as Record<string, unknown>).pubsub as PubSub | undefined;
    if (pubsub === undefined) throw new Error("the p2p host has no pubsub service");
    this.pubsub = pubsub;
  }

  /** Installs the topic validators, then subscribes to the four topics. */
  start(): void {
    if (this.started) return;
    if (this.pubsub.globalSignaturePolicy !== StrictNoSign)
      throw new Error(
        "consensus gossip needs a host started with { gossipsub: consensusGossipsubOptions(chainId) }",
      );
    for (const kind of KINDS) {
      const topic = this.topics[kind];
      this.pubsub.topicValidators.set(topic, (peer, msg) => this.validate(kind, peer, msg));
      this.pubsub.subscribe(topic);
    }
    this.started = true;
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const kind of KINDS) {
      const topic = this.topics[kind];
      this.pubsub.unsubscribe(topic);
      this.pubsub.topicValidators.delete(topic);
    }
  }

  /** Resolves once at least n peers subscribe to all four topics; throws after timeoutMs. */
  async waitForPeers(n: number, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.peersOnAllTopics() < n) {
      if (Date.now() > end)
        throw new Error(
          `timed out waiting for ${n} consensus gossip peers (have ${this.peersOnAllTopics()})`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Number of peers subscribed to every consensus topic of this chain. */
  peersOnAllTopics(): number {
    const sets = KINDS.map((k) => new Set(this.pubsub.getSubscribers(this.topics[k]).map(String)));
    const [first, ...rest] = sets;
    let count = 0;
    for (const id of first ?? []) if (rest.every((s) => s.has(id))) count++;
    return count;
  }

  /** Each publish returns how many peers it was sent to (0 for a message already seen). */
  publishProposal(proposal: Proposal): Promise<number> {
    return this.publish("proposal", encodeProposal(proposal));
  }

  publishBlockPart(part: BlockPart): Promise<number> {
    return this.publish("blockPart", encodeBlockPart(part));
  }

  publishVote(vote: Vote): Promise<number> {
    return this.publish("vote", encodeVote(vote));
  }

  publishEvidence(evidence: DuplicateVoteEvidence): Promise<number> {
    return this.publish("evidence", DuplicateVoteEvidence.encode(evidence).finish());
  }

  private async publish(kind: GossipKind, data: Uint8Array): Promise<number> {
    if (!this.started) throw new Error("consensus gossip is not started");
    if (data.length > this.maxBytes[kind])
      throw new Error(`${kind} message of ${data.length} bytes exceeds ${this.maxBytes[kind]}`);
    const res = await this.pubsub.publish(this.topics[kind], data);
    return res.recipients.length;
  }

  private async validate(kind: GossipKind, peer: PeerId, msg: Message): Promise<TopicValidatorResult> {
    if (msg.data.length > this.maxBytes[kind]) return TopicValidatorResult.Reject;
    const decoded = decodeConsensusMessage(kind, msg.data);
    if (decoded === undefined) return TopicValidatorResult.Reject;
    const from = peer.toString();
    try {
      let verdict: GossipVerdict;
      if (kind === "proposal") verdict = await this.handlers.onProposal(decoded as Proposal, from);
      else if (kind === "vote") verdict = await this.handlers.onVote(decoded as Vote, from);
      else if (kind === "evidence")
        verdict = await this.handlers.onEvidence(decoded as DuplicateVoteEvidence, from);
      else verdict = await this.handlers.onBlockPart(decoded as BlockPart, from);
      return RESULT[verdict] ?? TopicValidatorResult.Ignore;
    } catch {
      // A failing handler is our problem, not the peer's.
      return TopicValidatorResult.Ignore;
    }
  }
}
