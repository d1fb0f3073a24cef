// ABCI events as plain records, and the tx_search / block_results reads built on them.
import { blockResults, type EventJson, txSearch } from "./rpc.js";

export type EventRecord = Record<string, string> & { height: string; txHash: string };

/** The attributes of every event of `type` in `events`, one record each. */
export function eventRecords(events: EventJson[], type: string, height: string, txHash = ""): EventRecord[] {
  return events
    .filter((e) => e.type === type)
    .map((e) => {
      const rec: EventRecord = { height, txHash };
      for (const a of e.attributes) rec[a.key] = a.value;
      return rec;
    });
}

/** Events of `type` in the txs tx_search finds for `query` (newest first), filtered by `keep`. */
export async function searchEvents(
  query: string,
  type: string,
  keep: (r: EventRecord) => boolean = () => true,
  perPage = 50,
): Promise<EventRecord[]> {
  const found = await txSearch(query, perPage);
  return found.txs.flatMap((t) => eventRecords(t.tx_result.events, type, t.height, t.hash).filter(keep));
}

/** Events of `type` emitted at `height`, in its txs and in the block's begin/end events. */
export async function blockEvents(height: string, type: string): Promise<EventRecord[]> {
  const r = await blockResults(height);
  const inTxs = (r.txs_results ?? []).flatMap((t) => eventRecords(t.events, type, height));
  return [...inTxs, ...eventRecords(r.finalize_block_events ?? [], type, height)];
}
