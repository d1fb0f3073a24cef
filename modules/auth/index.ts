// The auth module: accounts, sequences, pubkeys and the ante handler's params.
import type { Module } from "../../node/app/module.js";
import * as genesis from "./genesis.js";
import type { AuthKeeper } from "./keeper.js";
import { STORE } from "./keys.js";
import { authQueries } from "./queries.js";

export { newAnteHandler } from "./ante.js";
export { AuthKeeper } from "./keeper.js";

export function authModule(keeper: AuthKeeper): Module<genesis.AuthGenesis> {
  return {
    name: STORE,
    msgs: [],
    queries: authQueries(keeper),
    defaultGenesis: genesis.defaultGenesis,
    parseGenesis: genesis.parseGenesis,
    initGenesis: (ctx, g) => genesis.initGenesis(keeper, ctx, g),
    exportGenesis: (ctx) => genesis.exportGenesis(keeper, ctx),
    genesisToJson: genesis.genesisToJson,
  };
}
