// Inline contribution content enters the content store when its tx commits: a batch hook of the
// block executor that finds MsgContribute messages with inline content in the block's successful
// txs and adds the content's put ops to the block's own atomic batch.
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { MsgContribute } from "../../proto/gen/openledger/datanets/v1/tx.js";
import type { BlockBatchHook } from "../consensus/block-executor.js";
import type { Logger } from "../logger.js";
import type { BatchOps } from "../store/db.js";
import type { ContentStore } from "./store.js";

export const MSG_CONTRIBUTE_TYPE_URL = "/openledger.datanets.v1.MsgContribute";

/** The inline content of every MsgContribute in a tx (empty when it has none or does not decode). */
export function inlineContents(tx: Uint8Array): Uint8Array[] {
  let body: TxBody;
  try {
    body = TxBody.decode(TxRaw.decode(tx).bodyBytes);
  } catch {
    return [];
  }
  const out: Uint8Array[] = [];
  for (const any of body.messages) {
    if (any.typeUrl !== MSG_CONTRIBUTE_TYPE_URL) continue;
    try {
      const msg = MsgContribute.decode(any.value);
      if (msg.inlineContent.length > 0) out.push(msg.inlineContent);
    } catch {
      // a tx that succeeded decoded with the app's own codec; nothing to index otherwise
    }
  }
  return out;
}

export class ContentIndexer implements BlockBatchHook {
  constructor(
    private readonly store: ContentStore,
    private readonly logger?: Logger,
  ) {}

  blockOps(txs: readonly Uint8Array[], results: readonly ExecTxResult[]): BatchOps {
    const ops: BatchOps = [];
    for (let i = 0; i < txs.length; i++) {
      const result = results[i];
      // Every MsgContribute that succeeds says so: other txs are not decoded again.
      if (result?.code !== 0 || !result.events.some((e) => e.type === "contribution_submitted")) continue;
      for (const content of inlineContents(txs[i]!)) {
        try {
          ops.push(...this.store.putOps(content));
        } catch (err) {
          // Only over the store's size cap (inline content is capped on chain at ≤ 1 MiB).
          this.logger?.warn({ err: (err as Error).message, tx: i }, "inline content not stored");
        }
      }
    }
    return ops;
  }
}
