// The light client library, exported as "openledger-chain/light": verify headers from one trusted
// header, and values from the state against verified headers' app hashes.
export { type LightBlockSource, LightClient, type LightClientOptions } from "./client.js";
export * from "./errors.js";
export { type ProofOpLike, STORE_PROOF_OP_TYPE, verifyStoreProof } from "./proof.js";
export { commitFromJson, headerFromJson, type QueryAnswer, RpcProvider } from "./provider.js";
export { LightProxy, type LightProxyOptions, startLightProxy } from "./proxy.js";
export { type VerifiedValue, verifiedBalance, verifiedStoreQuery } from "./query.js";
export {
  DEFAULT_MAX_CLOCK_DRIFT_NS,
  DEFAULT_TRUST_LEVEL,
  DEFAULT_TRUSTING_PERIOD_NS,
  type LightBlock,
  type TrustLevel,
  type VerifyOptions,
  validateLightBlock,
  validateTrustLevel,
  verifyAdjacent,
  verifyBackwards,
  verifyLightBlock,
  verifyNonAdjacent,
} from "./verifier.js";
