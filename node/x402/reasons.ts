// Chain refusals of MsgSettlePayment (CheckTx or the block's result) as x402 error reasons.
import { type ErrorReason, REASONS } from "../../client/x402/types.js";
import { SettlementCode } from "../../modules/settlement/errors.js";
import { SdkCode } from "../app/errors.js";

const SETTLEMENT_REASONS: Partial<Record<number, ErrorReason>> = {
  [SettlementCode.InvalidAuthorization]: REASONS.payload,
  [SettlementCode.InvalidSignature]: REASONS.signature,
  [SettlementCode.PubKeyMismatch]: REASONS.pubkeyMismatch,
  [SettlementCode.NotYetValid]: REASONS.validAfter,
  [SettlementCode.Expired]: REASONS.validBefore,
  [SettlementCode.NonceUsed]: REASONS.nonceUsed,
  [SettlementCode.InvalidAmount]: REASONS.value,
  [SettlementCode.WrongChain]: REASONS.network,
  [SettlementCode.PayeeMismatch]: REASONS.recipientMismatch,
  [SettlementCode.BlockedRecipient]: REASONS.recipientMismatch,
};

export function reasonOfChainError(codespace: string, code: number): ErrorReason {
  if (codespace === "settlement") return SETTLEMENT_REASONS[code] ?? REASONS.transactionState;
  if ((codespace === "sdk" || codespace === "") && code === SdkCode.InsufficientFunds)
    return REASONS.insufficientFunds;
  return REASONS.transactionState;
}
