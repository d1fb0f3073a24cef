// The attribution module: Proof of Attribution on chain. A paid inference is recorded as a job
// with its fee escrowed; bonded validators submit the attribution their workers computed, signed
// with their consensus keys; once ≥ 2/3 of the voting power agree on one result the fee is split
// between the model owner, the attributed contributors, the agreeing validators and the treasury.
import type { Module } from "../../node/app/module.js";
import * as genesis from "./genesis.js";
import type { AttributionKeeper } from "./keeper.js";
import { STORE } from "./keys.js";
import { attributionMsgs } from "./msgs.js";
import { attributionQueries } from "./queries.js";
import { settleDeadlines } from "./tally.js";

export { AttributionCode, CODESPACE } from "./errors.js";
export {
  type AttributionBank,
  type AttributionDatanets,
  type AttributionModels,
  type AttributionStaking,
  ESCROW,
  MODULE_NAME,
  type SetMember,
  stakingView,
  TREASURY,
  TREASURY_NAME,
} from "./expected.js";
export type { AttributionGenesis } from "./genesis.js";
export { AttributionKeeper } from "./keeper.js";
export {
  MSG_RECORD_INFERENCE_URL,
  MSG_SUBMIT_ATTRIBUTION_URL,
  priceOf,
  recordInference,
  recordPaidInference,
  validateRecordInference,
} from "./msgs.js";
export { DEFAULT_PARAMS } from "./params.js";
export { type PayoutEntry, type PayoutPlan, type PayoutValidator, planPayout } from "./payout.js";
export { QUERY_PREFIX } from "./queries.js";
export {
  attributionSignBytes,
  checkEntries,
  RESULT_DOMAIN,
  type ResultInput,
  resultBytes,
  resultHash,
  SIGN_DOMAIN,
  signResult,
  TOTAL_BPS,
  verifyResultSignature,
} from "./result.js";
export { liveAt } from "./submit.js";

export function attributionModule(keeper: AttributionKeeper): Module<genesis.AttributionGenesis> {
  return {
    name: STORE,
    msgs: attributionMsgs(keeper),
    queries: attributionQueries(keeper),
    defaultGenesis: genesis.defaultGenesis,
    parseGenesis: genesis.parseGenesis,
    initGenesis: (ctx, g) => genesis.initGenesis(keeper, ctx, g),
    exportGenesis: (ctx) => genesis.exportGenesis(keeper, ctx),
    genesisToJson: genesis.genesisToJson,
    endBlock: (ctx) => settleDeadlines(keeper, ctx),
  };
}
