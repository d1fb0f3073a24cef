// Broadcasting: the pre-signed txs in JSON-RPC batches of broadcast_tx_sync (or _async) on several
// keep-alive connections, each sender's txs in sequence order on one connection, retrying those
// refused as "mempool is full".
import { opt } from "./options.js";
import type { Workload } from "./presign.js";
import type { BroadcastResult, Rpc } from "./rpc.js";

const MEMPOOL_FULL = 20;

export interface BroadcastStats {
  started: number;
  finished: number;
  acceptedAt: Float64Array;
  accepted: number;
  refused: number;
  refusedCodes: Map<string, number>;
  mempoolFullRetries: number;
  httpRequests: number;
}

/**
 * Sends the workload; connection c posts to rpcs[c mod rpcs.length] (one node's RPC each, so a
 * sender's txs all go to one node, in order).
 */
export async function broadcast(
  rpcs: readonly Rpc[],
  w: Workload,
  senderCount: number,
): Promise<BroadcastStats> {
  const stats: BroadcastStats = {
    started: 0,
    finished: 0,
    acceptedAt: new Float64Array(w.txs.length).fill(Number.NaN),
    accepted: 0,
    refused: 0,
    refusedCodes: new Map(),
    mempoolFullRetries: 0,
    httpRequests: 0,
  };
  // Per sender: position of the next tx to send in its list; a sender's txs go out in sequence
  // order on one connection, so the node sees them in order.
  const next = new Int32Array(senderCount);
  const refuse = (why: string) => {
    stats.refused++;
    stats.refusedCodes.set(why, (stats.refusedCodes.get(why) ?? 0) + 1);
  };
  const conns = Math.min(opt.conns, senderCount);
  const worker = async (c: number) => {
    const rpc = rpcs[c % rpcs.length]!;
    const mine: number[] = [];
    for (let k = c; k < senderCount; k += conns) mine.push(k);
    let rr = 0;
    for (;;) {
      const batch: number[] = [];
      const taken = new Map<number, number>();
      // Round robin over this connection's senders, several txs per sender when there is room.
      while (batch.length < opt.batch) {
        let progressed = false;
        for (let j = 0; j < mine.length && batch.length < opt.batch; j++) {
          const k = mine[(rr + j) % mine.length]!;
          const list = w.bySender[k]!;
          const pos = next[k]! + (taken.get(k) ?? 0);
          if (pos >= list.length) continue;
          batch.push(list[pos]!);
          taken.set(k, (taken.get(k) ?? 0) + 1);
          progressed = true;
        }
        if (!progressed) break;
      }
      rr = (rr + opt.batch) % Math.max(1, mine.length);
      if (batch.length === 0) return;
      const body = `[${batch.map((i) => `{"jsonrpc":"2.0","id":${i},${w.requests[i]}`).join(",")}]`;
      const replies = JSON.parse(await rpc.post(body)) as {
        id: number;
        result?: BroadcastResult;
        error?: { message: string; data?: string };
      }[];
      stats.httpRequests++;
      const now = performance.now();
      const byId = new Map(replies.map((r) => [r.id, r]));
      /** Senders rewound in this batch (mempool full): their later replies are moot. */
      const rewound = new Set<number>();
      let full = false;
      for (const i of batch) {
        const k = w.sender[i]!;
        if (rewound.has(k)) continue;
        const r = byId.get(i);
        const code = r?.result ? r.result.code : -1;
        if (code === MEMPOOL_FULL) {
          rewound.add(k);
          full = true;
          stats.mempoolFullRetries++;
          continue;
        }
        next[k]!++;
        if (code === 0) {
          stats.acceptedAt[i] = now;
          stats.accepted++;
        } else {
          refuse(r?.error ? `rpc error: ${r.error.message}` : `code ${code}: ${r?.result?.log.slice(0, 60)}`);
        }
      }
      if (full) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  stats.started = performance.now();
  await Promise.all(Array.from({ length: conns }, (_, c) => worker(c)));
  stats.finished = performance.now();
  return stats;
}
