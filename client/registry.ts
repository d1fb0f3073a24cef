// The chain's message types for cosmjs: type URLs, a Registry with the stock Cosmos types plus
// ours (what SigningStargateClient needs to encode them), and the typed EncodeObjects.
import { type EncodeObject, type GeneratedType, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import * as stx from "cosmjs-types/cosmos/staking/v1beta1/tx";
import * as atx from "../proto/gen/openledger/attribution/v1/tx.js";
import * as dtx from "../proto/gen/openledger/datanets/v1/tx.js";
import * as mtx from "../proto/gen/openledger/models/v1/tx.js";
import * as setx from "../proto/gen/openledger/settlement/v1/tx.js";

export const DATANETS_PACKAGE = "openledger.datanets.v1";
export const MODELS_PACKAGE = "openledger.models.v1";
export const ATTRIBUTION_PACKAGE = "openledger.attribution.v1";
export const SETTLEMENT_PACKAGE = "openledger.settlement.v1";

/** Type URLs of the datanets messages. */
export const datanetsTypeUrls = {
  createDatanet: `/${DATANETS_PACKAGE}.MsgCreateDatanet`,
  updateDatanet: `/${DATANETS_PACKAGE}.MsgUpdateDatanet`,
  contribute: `/${DATANETS_PACKAGE}.MsgContribute`,
  reviewContribution: `/${DATANETS_PACKAGE}.MsgReviewContribution`,
  withdrawContribution: `/${DATANETS_PACKAGE}.MsgWithdrawContribution`,
  flagContribution: `/${DATANETS_PACKAGE}.MsgFlagContribution`,
} as const;

/** Type URLs of the models messages. */
export const modelsTypeUrls = {
  registerModel: `/${MODELS_PACKAGE}.MsgRegisterModel`,
  registerAdapter: `/${MODELS_PACKAGE}.MsgRegisterAdapter`,
  updatePrice: `/${MODELS_PACKAGE}.MsgUpdatePrice`,
  deprecateModel: `/${MODELS_PACKAGE}.MsgDeprecateModel`,
  deprecateAdapter: `/${MODELS_PACKAGE}.MsgDeprecateAdapter`,
} as const;

/** Type URLs of the attribution messages. */
export const attributionTypeUrls = {
  recordInference: `/${ATTRIBUTION_PACKAGE}.MsgRecordInference`,
  submitAttribution: `/${ATTRIBUTION_PACKAGE}.MsgSubmitAttribution`,
} as const;

/** Type URLs of the settlement messages. */
export const settlementTypeUrls = {
  settlePayment: `/${SETTLEMENT_PACKAGE}.MsgSettlePayment`,
} as const;

// ts-proto 2 codecs write with @bufbuild/protobuf's BinaryWriter; cosmjs only calls
// encode/decode/fromPartial, so they fit GeneratedType once the writer type is erased.
const gen = (t: unknown) => t as GeneratedType;

/** Every message type of this chain's own modules, as [typeUrl, type] pairs (cosmjs convention). */
export const openledgerTypes: ReadonlyArray<[string, GeneratedType]> = [
  [datanetsTypeUrls.createDatanet, gen(dtx.MsgCreateDatanet)],
  [datanetsTypeUrls.updateDatanet, gen(dtx.MsgUpdateDatanet)],
  [datanetsTypeUrls.contribute, gen(dtx.MsgContribute)],
  [datanetsTypeUrls.reviewContribution, gen(dtx.MsgReviewContribution)],
  [datanetsTypeUrls.withdrawContribution, gen(dtx.MsgWithdrawContribution)],
  [datanetsTypeUrls.flagContribution, gen(dtx.MsgFlagContribution)],
  [modelsTypeUrls.registerModel, gen(mtx.MsgRegisterModel)],
  [modelsTypeUrls.registerAdapter, gen(mtx.MsgRegisterAdapter)],
  [modelsTypeUrls.updatePrice, gen(mtx.MsgUpdatePrice)],
  [modelsTypeUrls.deprecateModel, gen(mtx.MsgDeprecateModel)],
  [modelsTypeUrls.deprecateAdapter, gen(mtx.MsgDeprecateAdapter)],
  [attributionTypeUrls.recordInference, gen(atx.MsgRecordInference)],
  [attributionTypeUrls.submitAttribution, gen(atx.MsgSubmitAttribution)],
  [settlementTypeUrls.settlePayment, gen(setx.MsgSettlePayment)],
];

/** The response type of each message (`<Msg>Response`), for decoding DeliverTxResponse.msgResponses. */
export const openledgerResponseTypes: ReadonlyArray<[string, GeneratedType]> = [
  [`${datanetsTypeUrls.createDatanet}Response`, gen(dtx.MsgCreateDatanetResponse)],
  [`${datanetsTypeUrls.updateDatanet}Response`, gen(dtx.MsgUpdateDatanetResponse)],
  [`${datanetsTypeUrls.contribute}Response`, gen(dtx.MsgContributeResponse)],
  [`${datanetsTypeUrls.reviewContribution}Response`, gen(dtx.MsgReviewContributionResponse)],
  [`${datanetsTypeUrls.withdrawContribution}Response`, gen(dtx.MsgWithdrawContributionResponse)],
  [`${datanetsTypeUrls.flagContribution}Response`, gen(dtx.MsgFlagContributionResponse)],
  [`${modelsTypeUrls.registerModel}Response`, gen(mtx.MsgRegisterModelResponse)],
  [`${modelsTypeUrls.registerAdapter}Response`, gen(mtx.MsgRegisterAdapterResponse)],
  [`${modelsTypeUrls.updatePrice}Response`, gen(mtx.MsgUpdatePriceResponse)],
  [`${modelsTypeUrls.deprecateModel}Response`, gen(mtx.MsgDeprecateModelResponse)],
  [`${modelsTypeUrls.deprecateAdapter}Response`, gen(mtx.MsgDeprecateAdapterResponse)],
  [`${attributionTypeUrls.recordInference}Response`, gen(atx.MsgRecordInferenceResponse)],
  [`${attributionTypeUrls.submitAttribution}Response`, gen(atx.MsgSubmitAttributionResponse)],
  [`${settlementTypeUrls.settlePayment}Response`, gen(setx.MsgSettlePaymentResponse)],
];

/** The stock staking messages' responses (the chain's staking module; cosmjs has the messages). */
export const stakingResponseTypes: ReadonlyArray<[string, GeneratedType]> = [
  ["/cosmos.staking.v1beta1.MsgCreateValidatorResponse", gen(stx.MsgCreateValidatorResponse)],
  ["/cosmos.staking.v1beta1.MsgDelegateResponse", gen(stx.MsgDelegateResponse)],
  ["/cosmos.staking.v1beta1.MsgUndelegateResponse", gen(stx.MsgUndelegateResponse)],
];

/** A Registry with cosmjs's defaultRegistryTypes (bank, staking, …) and every openledger message. */
export function openledgerRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...openledgerTypes]);
}

/** An EncodeObject whose value is typed (as cosmjs's MsgSendEncodeObject). */
export interface TypedEncodeObject<U extends string, V> extends EncodeObject {
  readonly typeUrl: U;
  readonly value: V;
}

type D = typeof datanetsTypeUrls;
type M = typeof modelsTypeUrls;
export type MsgCreateDatanetEncodeObject = TypedEncodeObject<D["createDatanet"], dtx.MsgCreateDatanet>;
export type MsgUpdateDatanetEncodeObject = TypedEncodeObject<D["updateDatanet"], dtx.MsgUpdateDatanet>;
export type MsgContributeEncodeObject = TypedEncodeObject<D["contribute"], dtx.MsgContribute>;
export type MsgReviewContributionEncodeObject = TypedEncodeObject<
  D["reviewContribution"],
  dtx.MsgReviewContribution
>;
export type MsgWithdrawContributionEncodeObject = TypedEncodeObject<
  D["withdrawContribution"],
  dtx.MsgWithdrawContribution
>;
export type MsgFlagContributionEncodeObject = TypedEncodeObject<
  D["flagContribution"],
  dtx.MsgFlagContribution
>;
export type MsgRegisterModelEncodeObject = TypedEncodeObject<M["registerModel"], mtx.MsgRegisterModel>;
export type MsgRegisterAdapterEncodeObject = TypedEncodeObject<M["registerAdapter"], mtx.MsgRegisterAdapter>;
export type MsgUpdatePriceEncodeObject = TypedEncodeObject<M["updatePrice"], mtx.MsgUpdatePrice>;
export type MsgDeprecateModelEncodeObject = TypedEncodeObject<M["deprecateModel"], mtx.MsgDeprecateModel>;
export type MsgDeprecateAdapterEncodeObject = TypedEncodeObject<
  M["deprecateAdapter"],
  mtx.MsgDeprecateAdapter
>;
type A = typeof attributionTypeUrls;
export type MsgRecordInferenceEncodeObject = TypedEncodeObject<A["recordInference"], atx.MsgRecordInference>;
export type MsgSubmitAttributionEncodeObject = TypedEncodeObject<
  A["submitAttribution"],
  atx.MsgSubmitAttribution
>;

export type MsgSettlePaymentEncodeObject = TypedEncodeObject<
  (typeof settlementTypeUrls)["settlePayment"],
  setx.MsgSettlePayment
>;

/** Whether an EncodeObject is one of this chain's messages, by type URL (cosmjs's isMsg… guards). */
export function isOpenledgerEncodeObject(o: EncodeObject): boolean {
  return openledgerTypes.some(([url]) => url === o.typeUrl);
}
