// The settlement module: x402 pay-per-call settlement. A payer signs a payment authorization off
// chain (ADR-036, as Keplr's signArbitrary); a facilitator submits it in MsgSettlePayment and pays
// the gas; the chain checks signature, pubkey, chain, window, nonce and balance and moves the funds
// once, to the payee or, when a model or adapter is named, as its inference fee into attribution.
import type { Module } from "../../node/app/module.js";
import * as genesis from "./genesis.js";
import type { SettlementKeeper } from "./keeper.js";
import { STORE } from "./keys.js";
import { settlementMsgs } from "./msgs.js";
import { settlementQueries } from "./queries.js";

export {
  AUTHORIZATION_DOMAIN,
  adr036SignDoc,
  authorizationBytes,
  authorizationJson,
  authorizationSignBytes,
  verifyAuthorization,
} from "./authorization.js";
export { CODESPACE, SettlementCode } from "./errors.js";
export type { SettlementAttribution, SettlementBank } from "./expected.js";
export type { SettlementGenesis } from "./genesis.js";
export { SettlementKeeper } from "./keeper.js";
export { MSG_SETTLE_PAYMENT_URL, VERIFY_GAS } from "./msgs.js";
export { DEFAULT_PARAMS } from "./params.js";
export { QUERY_PREFIX } from "./queries.js";

export function settlementModule(keeper: SettlementKeeper): Module<genesis.SettlementGenesis> {
  return {
    name: STORE,
    msgs: settlementMsgs(keeper),
    queries: settlementQueries(keeper),
    defaultGenesis: genesis.defaultGenesis,
    parseGenesis: genesis.parseGenesis,
    initGenesis: (ctx, g) => genesis.initGenesis(keeper, ctx, g),
    exportGenesis: (ctx) => genesis.exportGenesis(keeper, ctx),
    genesisToJson: genesis.genesisToJson,
  };
}
