// Mempool tx gossip over libp2p gossipsub: one topic per chain id (/openledger/<chain-id>/mempool/tx/1)
// carrying raw tx bytes (TxRaw). A tx admitted through RPC is published; a tx received is run
// through the local mempool (CheckTx) in the topic validator, which gives gossipsub a Lodestar-style
// verdict: ACCEPT (admitted here: delivered and relayed), IGNORE (dropped, no penalty: duplicates,
// a full mempool and "stateful" failures such as a wrong sequence or missing funds, which honest
// peers can race into) or REJECT (dropped, the propagating peer is penalised: empty, oversized,
// non-canonical or undecodable bytes and bad signatures, which no honest peer relays).
//
// Works on any gossipsub host; with consensusGossipsubOptions / bftGossipsubOptions the message id
// is content-addressed, so the same tx published by two nodes is one message. start() adds the tx
// topic's peer-score parameters to the host when they are missing (see txGossipsubOptions).
import "./polyfill.js";
import type { GossipsubOpts, Message, TopicValidatorFn } from "@libp2p/gossipsub";
import { TopicValidatorResult } from "@libp2p/gossipsub";
import { createTopicScoreParams, type TopicScoreParams } from "@libp2p/gossipsub/score";
import type { PeerId } from "@libp2p/interface";
import { sha256 } from "@noble/hashes/sha2.js";
import type { CheckTxResult } from "../app/application.js";
import { SDK, SdkCode } from "../app/errors.js";
import { isCanonicalTxRaw } from "../app/tx.js";
import type { Logger } from "../logger.js";
import type { Mempool } from "../mempool/mempool.js";
import type { GossipVerdict } from "./consensus-gossip.js";
import type { P2PHost } from "./host.js";

/** The gossipsub topic of mempool txs on one chain (named as consensusTopic names its topics). */
export function txTopic(chainId: string): string {
  if (chainId.length === 0 || chainId.length > 50 || /[/\s]/.test(chainId))
    throw new Error(`invalid chain id for a gossip topic: ${JSON.stringify(chainId)}`);
  return `/openledger/${chainId}/mempool/tx/1`;
}

/** Each invalid (REJECTed) delivery costs the propagating peer, as on the consensus topics. */
export function txTopicScoreParams(): TopicScoreParams {
  return createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0,
    firstMessageDeliveriesWeight: 0,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.5,
  });
}

/** `base` (e.g. bftGossipsubOptions(chainId)) with the tx topic's score parameters added. */
export function txGossipsubOptions(
  chainId: string,
  base: Partial<GossipsubOpts> = {},
): Partial<GossipsubOpts> {
  const scoreParams = base.scoreParams ?? {};
  return {
    ...base,
    scoreParams: {
      ...scoreParams,
      topics: { ...scoreParams.topics, [txTopic(chainId)]: txTopicScoreParams() },
    },
  };
}

/**
 * SDK codes (codespace "sdk") that no honest peer relays: the bytes do not decode (2), or a
 * signature or the signer list is wrong (4), or the tx is over the size limit (21). Every other
 * refusal depends on this node's state or settings (sequence, funds, fees, a full mempool, a tx
 * already seen) and is ignored.
 */
export const REJECT_CODES: ReadonlySet<number> = new Set([
  SdkCode.TxDecode,
  SdkCode.Unauthorized,
  SdkCode.TxTooLarge,
]);

/** The gossip verdict for a mempool admission result. */
export function txVerdict(result: Pick<CheckTxResult, "code" | "codespace">): GossipVerdict {
  if (result.code === 0) return "accept";
  return result.codespace === SDK && REJECT_CODES.has(result.code) ? "reject" : "ignore";
}

export interface TxGossipOptions {
  logger?: Logger;
  /** Awaited before each mempool admission (the node passes the engine's or producer's idle()). */
  beforeAdd?: () => Promise<void>;
  /** Called after a received tx is admitted (e.g. to update the mempool size metric). */
  onAdmitted?: (tx: Uint8Array, result: CheckTxResult) => void;
  /** How many REJECTed tx hashes are remembered to refuse them again without CheckTx. */
  rejectCacheSize?: number;
}

export interface TxGossipStats {
  published: number;
  accepted: number;
  ignored: number;
  rejected: number;
}

/** The parts of the gossipsub service this layer uses. */
interface PubSub {
  topicValidators: Map<string, TopicValidatorFn>;
  score?: { params: { topics: Record<string, TopicScoreParams> } };
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  getSubscribers(topic: string): PeerId[];
  publish(topic: string, data: Uint8Array): Promise<{ recipients: PeerId[] }>;
}

const RESULT: Record<GossipVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
};

const hashKey = (tx: Uint8Array): string => Buffer.from(sha256(tx)).toString("hex");

export class TxGossip {
  readonly topic: string;
  readonly stats: TxGossipStats = { published: 0, accepted: 0, ignored: 0, rejected: 0 };
  private readonly pubsub: PubSub;
  private readonly rejectedTxs = new Set<string>();
  private started = false;

  constructor(
    readonly host: P2PHost,
    readonly chainId: string,
    private readonly mempool: Mempool,
    private readonly opts: TxGossipOptions = {},
  ) {
    this.topic = txTopic(chainId);
    const pubsub = (host.libp2p.services as Record<string, unknown>).pubsub as PubSub | undefined;
    if (pubsub === undefined) throw new Error("the p2p host has no pubsub service");
    this.pubsub = pubsub;
  }

  /** Installs the topic validator (and score parameters if the host lacks them), then subscribes. */
  start(): void {
    if (this.started) return;
    const topics = this.pubsub.score?.params.topics;
    if (topics !== undefined && topics[this.topic] === undefined) topics[this.topic] = txTopicScoreParams();
    this.pubsub.topicValidators.set(this.topic, (peer, msg) => this.validate(peer, msg));
    this.pubsub.subscribe(this.topic);
    this.started = true;
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.pubsub.unsubscribe(this.topic);
    this.pubsub.topicValidators.delete(this.topic);
  }

  /** Peers subscribed to the tx topic. */
  peers(): number {
    return this.pubsub.getSubscribers(this.topic).length;
  }

  /** Resolves once at least n peers subscribe to the tx topic; throws after timeoutMs. */
  async waitForPeers(n: number, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.peers() < n) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${n} tx gossip peers (have ${this.peers()})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Publishes a tx this node admitted (call it after mempool.add answered code 0). Never throws:
   * resolves to the number of peers it was sent to, 0 when not started, refused or failed.
   */
  async publish(tx: Uint8Array): Promise<number> {
    if (!this.started || tx.length === 0 || tx.length > this.mempool.opts.maxTxBytes) return 0;
    // Nobody listens (a lone dev node): publishing would still sign and hash the message, ~50 µs
    // a tx on the admission path, for no one.
    if (this.pubsub.getSubscribers(this.topic).length === 0) return 0;
    // Peers would reject it (and penalise this node): keep it local.
    if (!isCanonicalTxRaw(tx)) return 0;
    try {
      const res = await this.pubsub.publish(this.topic, tx);
      this.stats.published++;
      return res.recipients.length;
    } catch (err) {
      this.opts.logger?.debug({ err, tx: hashKey(tx) }, "tx publish failed");
      return 0;
    }
  }

  /** The topic validator gossipsub calls for each received message. */
  async validate(peer: PeerId | string, msg: Pick<Message, "data">): Promise<TopicValidatorResult> {
    const verdict = await this.verdict(msg.data, String(peer));
    this.stats[verdict === "accept" ? "accepted" : verdict === "ignore" ? "ignored" : "rejected"]++;
    return RESULT[verdict];
  }

  private async verdict(tx: Uint8Array, from: string): Promise<GossipVerdict> {
    if (tx.length === 0 || tx.length > this.mempool.opts.maxTxBytes) return "reject";
    const key = hashKey(tx);
    if (this.rejectedTxs.has(key)) return "reject";
    let result: CheckTxResult;
    try {
      await this.opts.beforeAdd?.();
      result = this.mempool.add(tx);
    } catch (err) {
      // A failing admission is our problem, not the peer's.
      this.opts.logger?.error({ err, tx: key }, "mempool admission of a gossiped tx failed");
      return "ignore";
    }
    const verdict = txVerdict(result);
    if (verdict === "reject") return this.reject(key, from, result.log);
    if (verdict === "accept") {
      try {
        this.opts.onAdmitted?.(tx, result);
      } catch (err) {
        this.opts.logger?.error({ err }, "onAdmitted hook failed");
      }
    }
    return verdict;
  }

  private reject(key: string, from: string, why: string): GossipVerdict {
    this.opts.logger?.debug({ tx: key, peer: from, why }, "rejected a gossiped tx");
    this.rejectedTxs.add(key);
    if (this.rejectedTxs.size > (this.opts.rejectCacheSize ?? 10_000)) {
      const oldest = this.rejectedTxs.values().next().value;
      if (oldest !== undefined) this.rejectedTxs.delete(oldest);
    }
    return "reject";
  }
}
