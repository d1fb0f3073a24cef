// The application alone, for serving over ABCI: the home's LevelDB, the committed multistore, the
// modules and BaseApp, without the node's consensus, p2p, mempool or RPC (CometBFT brings those).
import "../types/cosmjs-binary.js";
import { readFile } from "node:fs/promises";
import { buildModules, STORE_NAMES } from "../../modules/index.js";
import { BaseApp } from "../app/baseapp.js";
import { homePaths } from "../options.js";
import { CommittedStore } from "../store/committed-store.js";
import { type Db, openDb } from "../store/db.js";

export interface AbciApp {
  app: BaseApp;
  chainId: string;
  /** genesis.json initial_height (1 when absent). */
  initialHeight: bigint;
  close(): Promise<void>;
}

/**
 * Opens `<home>/data/openledger.db` and builds the app for the chain of `<home>/config/genesis.json`.
 * Only chain_id and initial_height are read here: the app_state comes with CometBFT's InitChain.
 */
export async function openAbciApp(home: string): Promise<AbciApp> {
  const paths = homePaths(home);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(paths.genesis, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the genesis ${paths.genesis}: ${(err as Error).message}`);
  }
  const { chainId, initialHeight } = genesisHead(raw);
  const db: Db = await openDb(paths.db);
  try {
    const committed = await CommittedStore.load(db, STORE_NAMES);
    const { modules, ante } = buildModules();
    const app = new BaseApp({ chainId, db, committed, modules, ante });
    return { app, chainId, initialHeight, close: () => db.close() };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** chain_id and initial_height of a genesis document, checked. */
export function genesisHead(raw: unknown): { chainId: string; initialHeight: bigint } {
  const g = raw as { chain_id?: unknown; initial_height?: unknown };
  if (typeof raw !== "object" || raw === null) throw new Error("genesis must be a JSON object");
  if (typeof g.chain_id !== "string" || !/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,48}$/.test(g.chain_id)) {
    throw new Error(`genesis chain_id ${JSON.stringify(g.chain_id)} is not a valid chain id`);
  }
  const h = g.initial_height ?? "1";
  if ((typeof h !== "string" && typeof h !== "number") || !/^\d+$/.test(String(h))) {
    throw new Error(`genesis initial_height ${JSON.stringify(h)} is not a non-negative integer`);
  }
  // CometBFT completes 0 to 1.
  const initialHeight = BigInt(h) === 0n ? 1n : BigInt(h);
  return { chainId: g.chain_id, initialHeight };
}
