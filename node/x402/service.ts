// What node.ts starts for x402: the facilitator on the chain's clock (the last block's time), and
// its HTTP route; without a facilitator key the route answers 503 saying how to turn it on.
import type { Application } from "../app/application.js";
import type { Logger } from "../logger.js";
import type { CommittedBlockEvent } from "../rpc/backend.js";
import type { HttpRoute } from "../rpc/server.js";
import type { BlockStore } from "../store/block-store.js";
import type { TxSender } from "../tx-sender.js";
import { Facilitator, type FacilitatorPolicy } from "./facilitator.js";
import { facilitatorRoute, X402_PATH } from "./http.js";

export interface FacilitatorServiceDeps {
  app: Pick<Application, "query">;
  chainId: string;
  /** The facilitator account's sender; undefined: the facilitator is off. */
  sender?: TxSender;
  blockStore: Pick<BlockStore, "height" | "block">;
  blocks: { subscribe(listener: (e: CommittedBlockEvent) => void): () => void };
  policy?: FacilitatorPolicy;
  logger?: Logger;
}

export async function startFacilitator(
  deps: FacilitatorServiceDeps,
): Promise<{ route: HttpRoute; stop(): void }> {
  const { sender } = deps;
  if (!sender) {
    const handle: HttpRoute["handle"] = async (_req, res) => {
      const text = JSON.stringify({
        error:
          "this node runs no x402 facilitator: start it with --x402.facilitator <key in the home's test keyring>",
      });
      res.writeHead(503, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    };
    return { route: { prefix: X402_PATH, handle }, stop() {} };
  }
  let time = 0n;
  let height = deps.blockStore.height;
  const last = height > 0n ? await deps.blockStore.block(height) : undefined;
  if (last) time = last.block.header.time.seconds;
  const unsubscribe = deps.blocks.subscribe((e) => {
    time = e.block.header.time.seconds;
    height = e.block.header.height;
  });
  const facilitator = new Facilitator({
    app: deps.app,
    chainId: deps.chainId,
    sender,
    chainTime: () => time,
    chainHeight: () => height,
    policy: deps.policy,
    logger: deps.logger,
  });
  return { route: facilitatorRoute(facilitator), stop: unsubscribe };
}
