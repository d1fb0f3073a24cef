// Type URLs of the datanets messages and their responses as TxMsgData Anys.
import type { Any } from "cosmjs-types/google/protobuf/any";

export const TYPE_URL_PREFIX = "/openledger.datanets.v1.";

export function response(name: string, value: Uint8Array): Any {
  return { typeUrl: `${TYPE_URL_PREFIX}${name}`, value };
}
