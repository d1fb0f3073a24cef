// Block following and inclusion: waits on the node's commit log until the accepted txs are in
// blocks, then maps each tx to the block that holds it (by hash) for the committed TPS, the
// steady-state TPS and the inclusion latencies.
import type { BroadcastStats } from "./broadcast.js";
import { sha256Hex } from "./lib.js";
import type { ChainView } from "./node-process.js";
import { opt } from "./options.js";
import type { Workload } from "./presign.js";
import type { Rpc } from "./rpc.js";

/**
 * Follows the node's commit log until every accepted tx is in a block (or nothing moves). Where
 * the log does not give the mempool size (BFT), mempoolsEmpty() says whether every node's is empty.
 */
export async function awaitCommits(
  node: ChainView,
  startHeight: number,
  accepted: number,
  mempoolsEmpty?: () => Promise<boolean>,
): Promise<void> {
  const committedSince = () =>
    node.blocks.filter((x) => x.height > startHeight).reduce((sum, x) => sum + x.txs, 0);
  const deadline = performance.now() + opt.commitTimeoutS * 1000;
  while (committedSince() < accepted && performance.now() < deadline) {
    const h = node.height;
    await node.until(() => node.height > h, opt.commitTimeoutS * 1000, "a block");
    // An empty block with an empty mempool: nothing accepted is left to commit (e.g. a tx
    // evicted at recheck, or refused after an async broadcast).
    const last = node.blocks.at(-1)!;
    if (last.txs > 0) continue;
    if (last.mempool === undefined ? await mempoolsEmpty?.() : last.mempool === 0) break;
  }
}

export interface Inclusion {
  committed: number;
  /** First broadcast to last commit, in seconds. */
  windowS: number;
  tps: number;
  /** NaN with fewer than 3 blocks holding bench txs. */
  steadyTps: number;
  /** Acceptance to inclusion, ms, ascending. */
  latencies: number[];
  /** The blocks that hold bench txs, with how many each. */
  busyBlocks: { height: number; ours: number; at: number }[];
}

/** Which block holds each tx: fetches the blocks (after startHeight) that had txs and hashes their txs. */
export async function inclusion(
  rpc: Rpc,
  node: ChainView,
  w: Workload,
  b: BroadcastStats,
  startHeight: number,
): Promise<Inclusion> {
  const index = new Map<string, number>();
  for (let i = 0; i < w.hashes.length; i++) index.set(w.hashes[i]!, i);
  const benchBlocks = node.blocks.filter((x) => x.height > startHeight);
  const includedAt = new Float64Array(w.txs.length).fill(Number.NaN);
  const perBlock: { height: number; ours: number; at: number }[] = [];
  for (const blk of benchBlocks) {
    let ours = 0;
    if (blk.txs > 0) {
      const r = await rpc.call<{ block: { data: { txs: string[] | null } } }>("block", {
        height: String(blk.height),
      });
      for (const tx of r.block.data.txs ?? []) {
        const i = index.get(sha256Hex(Buffer.from(tx, "base64")));
        if (i !== undefined) {
          includedAt[i] = blk.at;
          ours++;
        }
      }
    }
    perBlock.push({ height: blk.height, ours, at: blk.at });
  }
  const latencies: number[] = [];
  let committed = 0;
  let lastCommit = b.started;
  for (let i = 0; i < w.txs.length; i++) {
    const inc = includedAt[i]!;
    if (Number.isNaN(inc)) continue;
    committed++;
    if (inc > lastCommit) lastCommit = inc;
    const acc = b.acceptedAt[i]!;
    if (!Number.isNaN(acc)) latencies.push(inc - acc);
  }
  latencies.sort((x, y) => x - y);
  const windowS = (lastCommit - b.started) / 1000;
  const tps = committed / windowS;
  const busyBlocks = perBlock.filter((x) => x.ours > 0);
  // Steady state: the blocks between the first and the last that hold bench txs (the first
  // includes the ramp-up before it, the last the tail end), over the time between their commits.
  const inner = busyBlocks.slice(1, -1);
  const steadyTps =
    busyBlocks.length >= 3
      ? inner.reduce((sum, x) => sum + x.ours, 0) / ((inner.at(-1)!.at - busyBlocks[0]!.at) / 1000)
      : Number.NaN;
  return { committed, windowS, tps, steadyTps, latencies, busyBlocks };
}
