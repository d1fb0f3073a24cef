// Errors of the settlement module (codespace "settlement"), registered as the SDK's errors.Register.
import { errorFactory } from "../../node/app/errors.js";

export const CODESPACE = "settlement";

export enum SettlementCode {
  InvalidAuthorization = 2,
  InvalidSignature = 3,
  PubKeyMismatch = 4,
  NotYetValid = 5,
  Expired = 6,
  NonceUsed = 7,
  InvalidAmount = 8,
  WrongChain = 9,
  PaymentNotFound = 10,
  PayeeMismatch = 11,
  BlockedRecipient = 12,
}

const DESCRIPTIONS: Record<SettlementCode, string> = {
  [SettlementCode.InvalidAuthorization]: "invalid payment authorization",
  [SettlementCode.InvalidSignature]: "invalid payment signature",
  [SettlementCode.PubKeyMismatch]: "pubkey is not the payer's",
  [SettlementCode.NotYetValid]: "payment authorization not yet valid",
  [SettlementCode.Expired]: "payment authorization expired",
  [SettlementCode.NonceUsed]: "payment nonce already used",
  [SettlementCode.InvalidAmount]: "invalid payment amount",
  [SettlementCode.WrongChain]: "payment authorization is for another chain",
  [SettlementCode.PaymentNotFound]: "payment not found",
  [SettlementCode.PayeeMismatch]: "payee is not the model owner",
  [SettlementCode.BlockedRecipient]: "payee may not receive payments",
};

/** A settlement error; with a detail its log reads "<detail>: <description>". */
export const settlementError = errorFactory(CODESPACE, DESCRIPTIONS);
