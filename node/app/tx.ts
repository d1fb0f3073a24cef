// Decoding and stateless validation of a TxRaw, as the SDK's tx decoder and Tx.ValidateBasic do.
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { SdkCode, sdkError } from "./errors.js";
import type { MsgType } from "./module.js";

/** The SDK's MaxGasWanted: gas limits must fit in an int64. */
const MAX_GAS_WANTED = (1n << 63n) - 1n;

export interface DecodedMsg {
  typeUrl: string;
  msg: unknown;
  type: MsgType<unknown>;
}

export interface DecodedTx {
  bytes: Uint8Array;
  raw: TxRaw;
  body: TxBody;
  authInfo: AuthInfo;
  msgs: DecodedMsg[];
  /** Required signers across all messages, first appearance first (the SDK's GetSigners). */
  signers: string[];
}

/**
 * True when the bytes are the canonical TxRaw encoding of what they decode to. Signatures cover
 * bodyBytes and authInfoBytes but not TxRaw's own framing, so a copy of a signed tx with, e.g., an
 * appended unknown field would otherwise be the same tx under another hash (the SDK's decoder
 * refuses unknown TxRaw fields for the same reason).
 */
export function isCanonicalTxRaw(bytes: Uint8Array, raw?: TxRaw): boolean {
  try {
    const encoded = TxRaw.encode(raw ?? TxRaw.decode(bytes)).finish();
    return Buffer.from(encoded).equals(Buffer.from(bytes));
  } catch {
    return false;
  }
}

export function decodeTx(bytes: Uint8Array, router: ReadonlyMap<string, MsgType<unknown>>): DecodedTx {
  const raw = decodeOrThrow("TxRaw", () => TxRaw.decode(bytes));
  if (!isCanonicalTxRaw(bytes, raw)) {
    throw sdkError(SdkCode.TxDecode, "TxRaw has unknown fields or is not canonically encoded");
  }
  const body = decodeOrThrow("TxBody", () => TxBody.decode(raw.bodyBytes));
  const authInfo = decodeOrThrow("AuthInfo", () => AuthInfo.decode(raw.authInfoBytes));
  if (body.extensionOptions.length > 0) {
    throw sdkError(SdkCode.UnknownExtensionOptions, "unknown extension options are not accepted");
  }
  if (body.unordered || body.timeoutTimestamp) {
    throw sdkError(SdkCode.NotSupported, "unordered transactions are not supported");
  }
  if (body.messages.length === 0) throw sdkError(SdkCode.InvalidRequest, "must contain at least one message");
  const msgs: DecodedMsg[] = body.messages.map((any) => {
    const type = router.get(any.typeUrl);
    if (!type) throw sdkError(SdkCode.TxDecode, `unable to resolve type URL ${any.typeUrl}`);
    const msg = decodeOrThrow(any.typeUrl, () => type.decode(any.value));
    return { typeUrl: any.typeUrl, msg, type };
  });
  const signers: string[] = [];
  for (const { msg, type } of msgs) {
    type.validateBasic(msg);
    for (const s of type.signers(msg)) if (!signers.includes(s)) signers.push(s);
  }
  if (raw.signatures.length === 0) throw sdkError(SdkCode.NoSignatures, "no signatures supplied");
  if (raw.signatures.length !== signers.length || authInfo.signerInfos.length !== signers.length) {
    throw sdkError(
      SdkCode.Unauthorized,
      `wrong number of signers; expected ${signers.length}, got ${raw.signatures.length} signatures and ${authInfo.signerInfos.length} signer infos`,
    );
  }
  if (!authInfo.fee) throw sdkError(SdkCode.InsufficientFee, "tx has no fee");
  if (authInfo.fee.gasLimit > MAX_GAS_WANTED) {
    throw sdkError(
      SdkCode.InvalidRequest,
      `invalid gas supplied; ${authInfo.fee.gasLimit} > ${MAX_GAS_WANTED}`,
    );
  }
  return { bytes, raw, body, authInfo, msgs, signers };
}

function decodeOrThrow<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw sdkError(
      SdkCode.TxDecode,
      `cannot decode ${what}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
