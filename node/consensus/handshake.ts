// Start-up handshake (CometBFT's Handshaker): bring the application to the block store's
// height, running InitChain on a fresh chain and replaying stored blocks it has not committed.
import { toHex } from "@cosmjs/encoding";
import type { Application, ValidatorUpdate } from "../app/application.js";
import type { GenesisDoc } from "../genesis/genesis-doc.js";
import type { Logger } from "../logger.js";
import type { BlockStore } from "../store/block-store.js";
import { bytesEqual } from "../store/committed-store.js";
import { timestampToNanos } from "./block-builder.js";
import type { BlockExecutor } from "./block-executor.js";

export async function handshake(
  app: Application,
  genesis: GenesisDoc,
  blockStore: BlockStore,
  executor: BlockExecutor,
  logger?: Logger,
): Promise<void> {
  let info = app.info();
  if (info.lastBlockAppHash.length === 0) {
    const { appHash, validators } = await app.initChain({
      chainId: genesis.chainId,
      timeNs: timestampToNanos(genesis.genesisTime),
      initialHeight: genesis.initialHeight,
      appState: genesis.appState,
      validators: genesis.validators.map((v) => ({ pubKey: v.pubKey, power: v.votingPower })),
    });
    checkInitialValidators(genesis, validators);
    logger?.info({ appHash: toHex(appHash) }, "initialized chain from genesis");
    info = app.info();
  }
  const storeHeight = blockStore.height;
  if (info.lastBlockHeight > storeHeight && storeHeight > 0n) {
    throw new Error(
      `application is at height ${info.lastBlockHeight}, ahead of the block store at ${storeHeight}`,
    );
  }
  for (let h = info.lastBlockHeight + 1n; h <= storeHeight; h++) {
    const stored = await blockStore.block(h);
    if (!stored) throw new Error(`block ${h} is missing from the block store`);
    const results = executor.finalize(stored);
    const recorded = await blockStore.results(h);
    if (recorded && !bytesEqual(recorded.appHash, results.appHash)) {
      throw new Error(
        `replaying block ${h} gave app hash ${toHex(results.appHash)}, stored ${toHex(recorded.appHash)}`,
      );
    }
    await app.commit();
    logger?.info({ height: h.toString() }, "replayed block");
  }
}

/**
 * CometBFT lets InitChain replace the genesis validators; here the genesis document's list is the
 * set of the first heights, so the application's answer must be empty or that same set.
 */
function checkInitialValidators(genesis: GenesisDoc, fromApp: readonly ValidatorUpdate[]): void {
  if (fromApp.length === 0) return;
  const key = (pubKey: Uint8Array, power: bigint) => `${toHex(pubKey)}:${power}`;
  const want = genesis.validators.map((v) => key(v.pubKey, v.votingPower)).sort();
  const got = fromApp.map((v) => key(v.pubKey, v.power)).sort();
  if (want.join(",") !== got.join(",")) {
    throw new Error(
      `the application's initial validators (${got.join(", ")}) differ from genesis.json's (${want.join(", ")})`,
    );
  }
}
