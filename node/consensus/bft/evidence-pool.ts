// The evidence pool (CometBFT's evidence.Pool, duplicate votes only): conflicting votes seen by the
// state machine are reported here and become evidence once their height is committed (the evidence
// carries that height's block time); evidence from peers is verified; pending evidence goes into
// this node's proposals; a block's evidence is checked before the block is accepted, and once
// committed it is remembered (on disk, in the block's batch) so it is never included twice.
// Everything it checks against is kept in memory for the last MAX_AGE heights, so checks are
// synchronous and every node decides the same from the same chain.
import type { Block } from "cosmjs-types/tendermint/types/block";
import { DuplicateVoteEvidence, type Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { Vote } from "cosmjs-types/tendermint/types/types";
import type { BlockStore } from "../../store/block-store.js";
import { type BatchOps, type Db, DbPrefix, prefixed, readU64be, u64be } from "../../store/db.js";
import { duplicateVoteEvidence, type HeightInfo, verifyDuplicateVote } from "./evidence.js";
import type { ValidatorHistory } from "./validator-history.js";

/** Evidence older than this many blocks is expired (CometBFT's MaxAgeNumBlocks, shortened). */
export const EVIDENCE_MAX_AGE_BLOCKS = 1000n;
const MAX_REPORTED = 256;
const MAX_PENDING = 256;

export type EvidenceOutcome = "accepted" | "ignored" | "rejected";

const keyOf = (ev: DuplicateVoteEvidence) =>
  `${ev.voteA!.height}/${Buffer.from(ev.voteA!.validatorAddress).toString("hex")}`;

export class EvidencePool {
  private readonly heights = new Map<bigint, HeightInfo>();
  private readonly committed = new Set<string>();
  private readonly pending = new Map<string, DuplicateVoteEvidence>();
  private reported: [Vote, Vote][] = [];
  private listener?: (ev: DuplicateVoteEvidence) => void;

  constructor(
    private readonly chainId: string,
    private readonly db: Db,
  ) {}

  /** Called with each new piece of evidence this node finds or accepts (to gossip it). */
  onEvidence(listener: (ev: DuplicateVoteEvidence) => void): void {
    this.listener = listener;
  }

  /** Fills the window from the stores at start-up. */
  async load(blockStore: BlockStore, history: ValidatorHistory): Promise<void> {
    const top = blockStore.height;
    const from = top > EVIDENCE_MAX_AGE_BLOCKS ? top - EVIDENCE_MAX_AGE_BLOCKS + 1n : 1n;
    for (let h = from > blockStore.base ? from : blockStore.base; h <= top; h++) {
      const meta = await blockStore.meta(h);
      const validators = await history.load(h);
      if (meta?.header?.time !== undefined && validators !== undefined) {
        this.heights.set(h, { time: meta.header.time, validators });
      }
    }
    const gte = prefixed(DbPrefix.Evidence, u64be(from));
    const lt = prefixed(DbPrefix.Evidence, u64be(top + 1n));
    for await (const key of this.db.keys({ gte, lt })) {
      const height = readU64be(key.subarray(1, 9));
      this.committed.add(`${height}/${Buffer.from(key.subarray(9)).toString("hex")}`);
    }
  }

  /** Conflicting votes seen by consensus (turned into evidence once their height is committed). */
  report(a: Vote, b: Vote): void {
    if (this.reported.length < MAX_REPORTED) this.reported.push([a, b]);
  }

  /** Evidence from a peer. */
  add(ev: DuplicateVoteEvidence): EvidenceOutcome {
    if (ev.voteA === undefined) return "rejected";
    const key = keyOf(ev);
    if (this.committed.has(key) || this.pending.has(key)) return "ignored";
    const info = this.heights.get(ev.voteA.height);
    if (info === undefined) return "ignored"; // not committed here yet, or expired
    if (verifyDuplicateVote(this.chainId, ev, info) !== undefined) return "rejected";
    if (this.pending.size >= MAX_PENDING) return "ignored";
    this.pending.set(key, ev);
    this.listener?.(ev);
    return "accepted";
  }

  /** Pending evidence for a proposal, oldest first, within maxBytes. */
  forProposal(maxBytes: number): Evidence[] {
    const out: Evidence[] = [];
    let size = 0;
    const sorted = [...this.pending.values()].sort((a, b) =>
      a.voteA!.height < b.voteA!.height ? -1 : a.voteA!.height > b.voteA!.height ? 1 : 0,
    );
    for (const ev of sorted) {
      size += DuplicateVoteEvidence.encode(ev).finish().length + 16; // as engine-proposal.ts counts it
      if (size > maxBytes) break;
      out.push({ duplicateVoteEvidence: ev });
    }
    return out;
  }

  /** The reason a block's evidence is invalid: unknown kind, duplicate, committed, expired or unverified. */
  checkBlock(block: Block): string | undefined {
    const seen = new Set<string>();
    for (const e of block.evidence?.evidence ?? []) {
      const ev = e.duplicateVoteEvidence;
      if (ev?.voteA === undefined) return "only duplicate vote evidence is accepted";
      const key = keyOf(ev);
      if (seen.has(key)) return `evidence ${key} appears twice in the block`;
      seen.add(key);
      if (this.committed.has(key)) return `evidence ${key} was committed already`;
      const info = this.heights.get(ev.voteA.height);
      if (info === undefined) return `evidence ${key} is expired or from a height not committed`;
      const bad = verifyDuplicateVote(this.chainId, ev, info);
      if (bad !== undefined) return `evidence ${key}: ${bad}`;
    }
    return undefined;
  }

  /** The records of a block's evidence, written in the block's batch. */
  committedOps(block: Block): BatchOps {
    return (block.evidence?.evidence ?? []).flatMap((e) => {
      const v = e.duplicateVoteEvidence?.voteA;
      if (v === undefined) return [];
      return [
        {
          type: "put" as const,
          key: prefixed(DbPrefix.Evidence, u64be(v.height), v.validatorAddress),
          value: new Uint8Array(0),
        },
      ];
    });
  }

  /** After block `height` is executed: its time and set join the window, reported votes become evidence. */
  update(block: Block, info: HeightInfo): void {
    const height = block.header!.height;
    this.heights.set(height, info);
    for (const e of block.evidence?.evidence ?? []) {
      if (e.duplicateVoteEvidence?.voteA === undefined) continue;
      const key = keyOf(e.duplicateVoteEvidence);
      this.committed.add(key);
      this.pending.delete(key);
    }
    const expired = height - EVIDENCE_MAX_AGE_BLOCKS;
    this.heights.delete(expired);
    for (const [key, ev] of this.pending) if (ev.voteA!.height <= expired) this.pending.delete(key);
    for (const key of this.committed) if (BigInt(key.split("/")[0]!) <= expired) this.committed.delete(key);
    const waiting: [Vote, Vote][] = [];
    for (const [a, b] of this.reported) {
      const at = this.heights.get(a.height);
      if (a.height > height) waiting.push([a, b]);
      else if (at !== undefined) {
        const ev = duplicateVoteEvidence(a, b, at);
        if (ev !== undefined) this.add(ev);
      }
    }
    this.reported = waiting;
  }

  get size(): number {
    return this.pending.size;
  }
}
