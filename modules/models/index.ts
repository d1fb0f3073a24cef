// The models module: the ModelFactory / OpenLoRA registry of models and LoRA adapters, each with
// the datanet versions it was trained on, its artifact hash and its inference price.
import type { Module } from "../../node/app/module.js";
import * as genesis from "./genesis.js";
import type { ModelsKeeper } from "./keeper.js";
import { STORE } from "./keys.js";
import { modelsMsgs } from "./msgs.js";
import { modelsQueries } from "./queries.js";

export { CODESPACE, ModelsCode } from "./errors.js";
export type { ModelsGenesis } from "./genesis.js";
export { type DatanetKeeper, DEFAULT_PARAMS, ModelsKeeper } from "./keeper.js";
export {
  MSG_DEPRECATE_ADAPTER_URL,
  MSG_DEPRECATE_MODEL_URL,
  MSG_REGISTER_ADAPTER_URL,
  MSG_REGISTER_MODEL_URL,
  MSG_UPDATE_PRICE_URL,
} from "./msgs.js";
export { QUERY_PREFIX } from "./queries.js";
export { type PriceAmounts, parsePrice } from "./validate.js";

export function modelsModule(keeper: ModelsKeeper): Module<genesis.ModelsGenesis> {
  return {
    name: STORE,
    msgs: modelsMsgs(keeper),
    queries: modelsQueries(keeper),
    defaultGenesis: genesis.defaultGenesis,
    parseGenesis: genesis.parseGenesis,
    initGenesis: (ctx, g) => genesis.initGenesis(keeper, ctx, g),
    exportGenesis: (ctx) => genesis.exportGenesis(keeper, ctx),
    genesisToJson: genesis.genesisToJson,
  };
}
