// The OpenLedger client library for cosmjs: the chain's message types in a Registry, typed message
// builders, QueryClient extensions for datanets, models, attribution and settlement, and
// connectOpenledger(). Exported as the package's main entry ("exports" in package.json). The x402
// library (client/x402/, node only) is the separate "./x402" entry: nothing here imports it.

export {
  type Coin as AttributionCoin,
  type Entry as AttributionEntry,
  type Job,
  JobState,
  type Params as AttributionParams,
  type Result as AttributionResult,
  type Submission as AttributionSubmission,
  type ValidatorRecord,
} from "../proto/gen/openledger/attribution/v1/types.js";
export {
  type Contribution,
  ContributionStatus,
  type ContributorStats,
  type Datanet,
  type DatanetVersion,
  DataType,
  type Params as DatanetsParams,
  ReviewDecision,
} from "../proto/gen/openledger/datanets/v1/types.js";
export {
  type Adapter,
  AttributionMethod,
  type DatanetRef,
  type Model,
  type Params as ModelsParams,
  type Price,
} from "../proto/gen/openledger/models/v1/types.js";
export type {
  Params as SettlementParams,
  Payment,
  PaymentAuthorization,
} from "../proto/gen/openledger/settlement/v1/types.js";
export type { PageInput } from "./abci.js";
export * from "./attribution-msgs.js";
export * from "./attribution-queries.js";
export { InputError, type U64Like } from "./checks.js";
export * from "./connect.js";
export { contentFor, guessMediaType } from "./content.js";
export * from "./datanets-msgs.js";
export * from "./datanets-queries.js";
export * from "./models-msgs.js";
export * from "./models-queries.js";
export { toPlain, toText } from "./plain.js";
export * from "./registry.js";
export * from "./responses.js";
export * from "./settlement-msgs.js";
export * from "./settlement-queries.js";
