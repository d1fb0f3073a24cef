// The staking module: validators bonded by delegations (the validator set consensus runs with),
// unbonding with a period of block time, and double-sign slashing (jail, tombstone, burn).
import type { Module } from "../../node/app/module.js";
import { completeMatured } from "./delegation.js";
import * as genesis from "./genesis.js";
import type { StakingKeeper } from "./keeper.js";
import { STORE } from "./keys.js";
import { stakingMsgs } from "./msgs.js";
import { stakingQueries } from "./queries.js";
import { handleMisbehavior } from "./slash.js";
import { applyValidatorSetUpdates } from "./valset.js";

export {
  consensusAddress,
  ed25519ToAny,
  formatValcons,
  formatValoper,
  parseValoper,
  VALCONS_PREFIX,
  VALOPER_PREFIX,
} from "./address.js";
export {
  BONDED_POOL_NAME,
  NOT_BONDED_POOL_NAME,
  type StakingBank,
  StakingKeeper,
} from "./keeper.js";
export { DEFAULT_PARAMS as DEFAULT_STAKING_PARAMS, POWER_REDUCTION } from "./params.js";

export function stakingModule(keeper: StakingKeeper): Module<genesis.StakingGenesis> {
  return {
    name: STORE,
    msgs: stakingMsgs(keeper),
    queries: stakingQueries(keeper),
    defaultGenesis: genesis.defaultGenesis,
    parseGenesis: genesis.parseGenesis,
    initGenesis: (ctx, g) => genesis.initGenesis(keeper, ctx, g),
    exportGenesis: (ctx) => genesis.exportGenesis(keeper, ctx),
    genesisToJson: genesis.genesisToJson,
    beginBlock: (ctx, req) => handleMisbehavior(keeper, ctx, req.misbehavior),
    endBlock: (ctx) => {
      completeMatured(keeper, ctx);
      return applyValidatorSetUpdates(keeper, ctx);
    },
  };
}
