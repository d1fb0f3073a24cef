// Reading what a tx answered: its messages' responses (DeliverTxResponse.msgResponses) decoded
// with this chain's response types, and shortcuts for the ids that new objects were given.
import type {
  MsgRecordInferenceResponse,
  MsgSubmitAttributionResponse,
} from "../proto/gen/openledger/attribution/v1/tx.js";
import type { MsgContributeResponse } from "../proto/gen/openledger/datanets/v1/tx.js";
import type { MsgSettlePaymentResponse } from "../proto/gen/openledger/settlement/v1/tx.js";
import {
  attributionTypeUrls,
  datanetsTypeUrls,
  modelsTypeUrls,
  openledgerResponseTypes,
  settlementTypeUrls,
  stakingResponseTypes,
} from "./registry.js";

export interface MsgResponses {
  readonly msgResponses: ReadonlyArray<{ readonly typeUrl: string; readonly value: Uint8Array }>;
}

const RESPONSE_TYPES = [...openledgerResponseTypes, ...stakingResponseTypes];

/** Every response decoded (unknown types, such as bank's, keep their bytes). */
export function decodeMsgResponses(result: MsgResponses): Array<{ typeUrl: string; value: unknown }> {
  return result.msgResponses.map((r) => {
    const type = RESPONSE_TYPES.find(([url]) => url === r.typeUrl)?.[1];
    return { typeUrl: r.typeUrl, value: type ? type.decode(r.value) : r.value };
  });
}

/** The decoded response of the `index`-th message of type `msgTypeUrl` (0: the first). */
export function msgResponse<T>(result: MsgResponses, msgTypeUrl: string, index = 0): T {
  const url = `${msgTypeUrl}Response`;
  const found = decodeMsgResponses(result).filter((r) => r.typeUrl === url)[index];
  if (!found) throw new Error(`the tx has no ${url} #${index} (did it fail?)`);
  return found.value as T;
}

export function createdDatanetId(result: MsgResponses, index = 0): bigint {
  return msgResponse<{ datanetId: bigint }>(result, datanetsTypeUrls.createDatanet, index).datanetId;
}

export function contributionResponse(result: MsgResponses, index = 0): MsgContributeResponse {
  return msgResponse<MsgContributeResponse>(result, datanetsTypeUrls.contribute, index);
}

export function registeredModelId(result: MsgResponses, index = 0): bigint {
  return msgResponse<{ modelId: bigint }>(result, modelsTypeUrls.registerModel, index).modelId;
}

export function registeredAdapterId(result: MsgResponses, index = 0): bigint {
  return msgResponse<{ adapterId: bigint }>(result, modelsTypeUrls.registerAdapter, index).adapterId;
}

/** The job a MsgRecordInference created, and its deadline height. */
export function recordedInference(result: MsgResponses, index = 0): MsgRecordInferenceResponse {
  return msgResponse<MsgRecordInferenceResponse>(result, attributionTypeUrls.recordInference, index);
}

/** Whether a MsgSubmitAttribution finalized its job. */
export function submittedAttribution(result: MsgResponses, index = 0): MsgSubmitAttributionResponse {
  return msgResponse<MsgSubmitAttributionResponse>(result, attributionTypeUrls.submitAttribution, index);
}

/** The attribution job a MsgSettlePayment opened (jobId 0 for a payment without a model). */
export function settledPayment(result: MsgResponses, index = 0): MsgSettlePaymentResponse {
  return msgResponse<MsgSettlePaymentResponse>(result, settlementTypeUrls.settlePayment, index);
}
