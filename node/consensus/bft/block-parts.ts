// The BFT engine's block-part bookkeeping for one height: blocks this node built (all parts at
// hand) and blocks it is gathering (parts checked against the proposal's PartSetHeader as they
// come). Parts that match no wanted block yet (they raced ahead of their proposal) wait in a small
// bounded buffer and are tried again when a block is wanted.
import { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID, Part } from "cosmjs-types/tendermint/types/types";
import type { BlockPart } from "../../p2p/consensus-gossip.js";
import { joinParts, type PartSet, verifyPart } from "../../types/part-set.js";
import { blockIdKey } from "./messages.js";

/** Most parts kept while no wanted block matches them (per engine). */
export const MAX_ORPHAN_PARTS = 512;

export interface BlockEntry {
  blockId: BlockID;
  /** The round the block's parts are published under. */
  round: number;
  parts: (Part | undefined)[];
  count: number;
  /** Set once every part is in. */
  bytes?: Uint8Array;
  block?: Block;
  /** Set once the block's bytes failed to decode. */
  undecodable?: boolean;
}

export type PartOutcome =
  | { status: "accepted"; completed?: BlockEntry }
  | { status: "ignored"; reason: string }
  | { status: "rejected"; reason: string };

export class BlockParts {
  private entries = new Map<string, BlockEntry>();
  private orphans: BlockPart[] = [];

  constructor(private currentHeight: bigint) {}

  get height(): bigint {
    return this.currentHeight;
  }

  /** Moves to a new height: forgets the old height's blocks, keeps orphans of the new one. */
  reset(height: bigint): void {
    this.currentHeight = height;
    this.entries = new Map();
    this.orphans = this.orphans.filter((p) => p.height === height);
  }

  get(blockId: BlockID): BlockEntry | undefined {
    return this.entries.get(blockIdKey(blockId));
  }

  /** A block this node built: complete at once. */
  addOwn(blockId: BlockID, round: number, partSet: PartSet, bytes: Uint8Array, block: Block): BlockEntry {
    const entry: BlockEntry = {
      blockId,
      round,
      parts: [...partSet.parts],
      count: partSet.parts.length,
      bytes,
      block,
    };
    this.entries.set(blockIdKey(blockId), entry);
    return entry;
  }

  /**
   * Starts gathering a block's parts (no-op when already known). Returns the entry when buffered
   * orphans completed it.
   */
  want(blockId: BlockID, round: number): BlockEntry | undefined {
    const key = blockIdKey(blockId);
    if (key === "" || this.entries.has(key)) return undefined;
    const entry: BlockEntry = {
      blockId,
      round,
      parts: new Array<Part | undefined>(blockId.partSetHeader.total).fill(undefined),
      count: 0,
    };
    this.entries.set(key, entry);
    const pending = this.orphans;
    this.orphans = [];
    let completed: BlockEntry | undefined;
    for (const bp of pending) {
      const out = this.addPart(bp);
      if (out.status === "accepted" && out.completed !== undefined) completed = out.completed;
    }
    return completed;
  }

  /** One received part: stored into every gathering block whose part-set proof it satisfies. */
  addPart(bp: BlockPart): PartOutcome {
    if (bp.height < this.currentHeight) return { status: "ignored", reason: "part of an earlier height" };
    if (bp.height > this.currentHeight + 1n) return { status: "ignored", reason: "part too far ahead" };
    let matched = false;
    let stored = false;
    let completed: BlockEntry | undefined;
    if (bp.height === this.currentHeight) {
      for (const entry of this.entries.values()) {
        if (entry.bytes !== undefined) continue;
        if (verifyPart(entry.blockId.partSetHeader, bp.part) !== undefined) continue;
        matched = true;
        if (entry.parts[bp.part.index] !== undefined) continue;
        entry.parts[bp.part.index] = bp.part;
        entry.count++;
        stored = true;
        if (entry.count === entry.parts.length) {
          completed = entry;
          entry.bytes = joinParts(entry.parts as Part[]);
          try {
            entry.block = Block.decode(entry.bytes);
          } catch {
            entry.undecodable = true;
          }
        }
      }
    }
    if (stored) return { status: "accepted", completed };
    if (matched) return { status: "ignored", reason: "duplicate part" };
    if (this.orphans.length < MAX_ORPHAN_PARTS) this.orphans.push(bp);
    return { status: "ignored", reason: "part matches no wanted block (yet)" };
  }

  /** Parts at hand of a block (for re-broadcast). */
  partsOf(blockId: BlockID): { round: number; parts: Part[] } | undefined {
    const entry = this.get(blockId);
    if (entry === undefined) return undefined;
    return { round: entry.round, parts: entry.parts.filter((p): p is Part => p !== undefined) };
  }
}
