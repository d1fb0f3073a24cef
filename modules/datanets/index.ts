// The datanets module: curated data collections, bonded contributions, curator reviews and
// versions committed by a Merkle root.
import type { Module } from "../../node/app/module.js";
import * as genesis from "./genesis.js";
import type { DatanetsKeeper } from "./keeper.js";
import { STORE } from "./keys.js";
import { datanetsMsgs } from "./msgs.js";
import { datanetsQueries } from "./queries.js";
import { endBlock } from "./versions.js";

export { type DatanetsBank, DatanetsKeeper, type DatanetsReader } from "./keeper.js";

export function datanetsModule(keeper: DatanetsKeeper): Module<genesis.DatanetsGenesis> {
  return {
    name: STORE,
    msgs: datanetsMsgs(keeper),
    queries: datanetsQueries(keeper),
    defaultGenesis: genesis.defaultGenesis,
    parseGenesis: genesis.parseGenesis,
    initGenesis: (ctx, g) => genesis.initGenesis(keeper, ctx, g),
    exportGenesis: (ctx) => genesis.exportGenesis(keeper, ctx),
    genesisToJson: genesis.genesisToJson,
    endBlock: (ctx) => endBlock(keeper, ctx),
  };
}
