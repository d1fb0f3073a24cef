// The checks a block fetched by block sync passes before the engine executes it: it is the height
// being decided, the commit is for exactly these bytes (header hash and part set of the bytes as
// received) and is signed by more than 2/3 of this height's validators, and the block passes the
// same validation as a proposed block.
import { Block } from "cosmjs-types/tendermint/types/block";
import { Commit } from "cosmjs-types/tendermint/types/types";
import { blockIdEquals } from "../../types/block.js";
import { headerHash } from "../../types/header.js";
import { makePartSet } from "../../types/part-set.js";
import { verifyCommit } from "../../types/validation.js";
import type { BlockEntry } from "./block-parts.js";
import { checkReceivedBlock, type ProposalDeps } from "./engine-proposal.js";
import type { ChainTip } from "./engine-tip.js";

export type SyncOutcome =
  | { status: "applied" }
  /** The height was decided already (by consensus or an earlier fetch). */
  | { status: "stale" }
  /** The peer's answer is wrong: it should not be asked again. */
  | { status: "invalid"; reason: string };

export type SyncCheck =
  | { status: "ok"; entry: BlockEntry; commit: Commit }
  | Exclude<SyncOutcome, { status: "applied" }>;

export function checkSyncedBlock(
  deps: Pick<ProposalDeps, "genesis" | "app" | "evidence">,
  tip: ChainTip,
  blockBytes: Uint8Array,
  commitBytes: Uint8Array,
): SyncCheck {
  let block: Block;
  let commit: Commit;
  try {
    block = Block.decode(blockBytes);
    commit = Commit.decode(commitBytes);
  } catch (err) {
    return { status: "invalid", reason: `undecodable block or commit: ${(err as Error).message}` };
  }
  const height = block.header?.height;
  if (height === undefined) return { status: "invalid", reason: "block has no header" };
  if (height < tip.height) return { status: "stale" };
  if (height > tip.height)
    return { status: "invalid", reason: `block ${height} while deciding ${tip.height}` };
  if (commit.height !== height) return { status: "invalid", reason: `commit is for height ${commit.height}` };
  const partSet = makePartSet(blockBytes);
  const blockId = { hash: headerHash(block.header), partSetHeader: partSet.header };
  if (commit.blockId === undefined || !blockIdEquals(commit.blockId, blockId)) {
    return { status: "invalid", reason: "commit is for another block ID than these bytes" };
  }
  const verified = verifyCommit(deps.genesis.chainId, tip.validators.validators, blockId, height, commit);
  if (!verified.ok) return { status: "invalid", reason: `commit does not verify: ${verified.error}` };
  const error = checkReceivedBlock(deps, tip, block, blockId.hash);
  if (error !== undefined) return { status: "invalid", reason: error };
  const entry: BlockEntry = {
    blockId,
    round: commit.round,
    parts: partSet.parts,
    count: partSet.parts.length,
    bytes: blockBytes,
    block,
  };
  return { status: "ok", entry, commit };
}
