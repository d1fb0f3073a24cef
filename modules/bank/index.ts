// The bank module: balances, transfers, supply, denom metadata, send-enabled flags.
import type { Module } from "../../node/app/module.js";
import * as genesis from "./genesis.js";
import type { BankKeeper } from "./keeper.js";
import { STORE } from "./keys.js";
import { bankMsgs } from "./msgs.js";
import { bankQueries } from "./queries.js";

export { BankKeeper } from "./keeper.js";

export function bankModule(keeper: BankKeeper): Module<genesis.BankGenesis> {
  return {
    name: STORE,
    msgs: bankMsgs(keeper),
    queries: bankQueries(keeper),
    defaultGenesis: genesis.defaultGenesis,
    parseGenesis: genesis.parseGenesis,
    initGenesis: (ctx, g) => genesis.initGenesis(keeper, ctx, g),
    exportGenesis: (ctx) => genesis.exportGenesis(keeper, ctx),
    genesisToJson: genesis.genesisToJson,
  };
}
