// Decodes a tx (base64 TxRaw bytes from the RPC) into its messages, memo and fee, in the browser:
// the stock Cosmos types from cosmjs-types, this chain's from proto/gen (client/registry.ts lists
// the same type URLs for cosmjs). Unknown types are shown by their URL and size.
import { sha256 } from "@noble/hashes/sha2.js";
import { MsgMultiSend, MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import {
  MsgBeginRedelegate,
  MsgCreateValidator,
  MsgDelegate,
  MsgEditValidator,
  MsgUndelegate,
} from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import * as atx from "../../proto/gen/openledger/attribution/v1/tx.js";
import * as dtx from "../../proto/gen/openledger/datanets/v1/tx.js";
import * as mtx from "../../proto/gen/openledger/models/v1/tx.js";
import * as setx from "../../proto/gen/openledger/settlement/v1/tx.js";
import { base64ToBytes } from "./rpc.js";

type Decode = (bytes: Uint8Array) => unknown;
const decoders = new Map<string, Decode>([
  ["/cosmos.bank.v1beta1.MsgSend", (b) => MsgSend.decode(b)],
  ["/cosmos.bank.v1beta1.MsgMultiSend", (b) => MsgMultiSend.decode(b)],
  ["/cosmos.staking.v1beta1.MsgCreateValidator", (b) => MsgCreateValidator.decode(b)],
  ["/cosmos.staking.v1beta1.MsgEditValidator", (b) => MsgEditValidator.decode(b)],
  ["/cosmos.staking.v1beta1.MsgDelegate", (b) => MsgDelegate.decode(b)],
  ["/cosmos.staking.v1beta1.MsgUndelegate", (b) => MsgUndelegate.decode(b)],
  ["/cosmos.staking.v1beta1.MsgBeginRedelegate", (b) => MsgBeginRedelegate.decode(b)],
  ["/openledger.datanets.v1.MsgCreateDatanet", (b) => dtx.MsgCreateDatanet.decode(b)],
  ["/openledger.datanets.v1.MsgUpdateDatanet", (b) => dtx.MsgUpdateDatanet.decode(b)],
  ["/openledger.datanets.v1.MsgContribute", (b) => dtx.MsgContribute.decode(b)],
  ["/openledger.datanets.v1.MsgReviewContribution", (b) => dtx.MsgReviewContribution.decode(b)],
  ["/openledger.datanets.v1.MsgWithdrawContribution", (b) => dtx.MsgWithdrawContribution.decode(b)],
  ["/openledger.datanets.v1.MsgFlagContribution", (b) => dtx.MsgFlagContribution.decode(b)],
  ["/openledger.models.v1.MsgRegisterModel", (b) => mtx.MsgRegisterModel.decode(b)],
  ["/openledger.models.v1.MsgRegisterAdapter", (b) => mtx.MsgRegisterAdapter.decode(b)],
  ["/openledger.models.v1.MsgUpdatePrice", (b) => mtx.MsgUpdatePrice.decode(b)],
  ["/openledger.models.v1.MsgDeprecateModel", (b) => mtx.MsgDeprecateModel.decode(b)],
  ["/openledger.models.v1.MsgDeprecateAdapter", (b) => mtx.MsgDeprecateAdapter.decode(b)],
  ["/openledger.attribution.v1.MsgRecordInference", (b) => atx.MsgRecordInference.decode(b)],
  ["/openledger.attribution.v1.MsgSubmitAttribution", (b) => atx.MsgSubmitAttribution.decode(b)],
  ["/openledger.settlement.v1.MsgSettlePayment", (b) => setx.MsgSettlePayment.decode(b)],
]);

export interface DecodedMessage {
  typeUrl: string;
  /** The last part of the type URL, e.g. "MsgSend". */
  name: string;
  /** Plain JSON-able fields (bigint as decimal strings, bytes as hex), or undefined if unknown. */
  fields: unknown;
}

export interface DecodedTx {
  hash: string;
  messages: DecodedMessage[];
  memo: string;
  fee: string;
  gasLimit: string;
  error?: string;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
/** Longest bytes field shown whole; longer ones are cut (with their size). */
const MAX_SHOWN_BYTES = 48;

/** Makes a decoded message plain: bigint → string, bytes → hex, Any → {typeUrl, value}. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) {
    if (value.length <= MAX_SHOWN_BYTES) return hex(value);
    return `${hex(value.subarray(0, MAX_SHOWN_BYTES))}… (${value.length} bytes)`;
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

/** The tx hash as CometBFT shows it: sha256 of the tx bytes, upper-case hex. */
export function txHashHex(txBytes: Uint8Array): string {
  return hex(sha256(txBytes)).toUpperCase();
}

export function decodeTx(base64: string): DecodedTx {
  const bytes = base64ToBytes(base64);
  const hash = txHashHex(bytes);
  try {
    const raw = TxRaw.decode(bytes);
    const body = TxBody.decode(raw.bodyBytes);
    const auth = AuthInfo.decode(raw.authInfoBytes);
    const messages = body.messages.map((any): DecodedMessage => {
      const decode = decoders.get(any.typeUrl);
      const name = any.typeUrl.split(".").pop() ?? any.typeUrl;
      let fields: unknown;
      try {
        fields = decode ? plain(decode(any.value)) : undefined;
      } catch {
        fields = undefined;
      }
      return { typeUrl: any.typeUrl, name, fields };
    });
    const fee = auth.fee?.amount.map((c) => `${c.amount}${c.denom}`).join(", ") || "0";
    return { hash, messages, memo: body.memo, fee, gasLimit: auth.fee?.gasLimit.toString() ?? "0" };
  } catch (err) {
    return { hash, messages: [], memo: "", fee: "", gasLimit: "", error: `not a Cosmos tx: ${String(err)}` };
  }
}
