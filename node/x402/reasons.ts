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

/**
 * The x402 reason of a refusal. The SDK's insufficient funds is the payer's only when it is not the
 * facilitator's own fee (the ante's "insufficient funds to pay fees"): that one is the facilitator's
 * failure, not the payer's.
 */
export function reasonOfChainError(codespace: string, code: number, log = ""): ErrorReason {
  if (codespace === "settlement") return SETTLEMENT_REASONS[code] ?? REASONS.transactionState;
  if ((codespace === "sdk" || codespace === "") && code === SdkCode.InsufficientFunds)
    return /to pay fees/.test(log) ? REASONS.unexpectedSettle : REASONS.insufficientFunds;
  return REASONS.transactionState;
}
