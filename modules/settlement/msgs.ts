// MsgSettlePayment: a facilitator submits a payer-signed x402 payment authorization; the chain
// checks it (signature, pubkey, chain, window, nonce, amount, balance) and moves the funds once,
// to the payee or, for a model / adapter payment, into attribution's escrow as an inference fee.
// validateBasic checks fields; the handler checks state before writing anything.
import { toHex } from "@cosmjs/encoding";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { addressFromSecp256k1, formatAddress, parseAddress } from "../../node/app/address.js";
import { parseAmount, validateDenom } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import type { MsgType } from "../../node/app/module.js";
import { sha256 } from "../../node/crypto/sha256.js";
import { MsgSettlePayment, MsgSettlePaymentResponse } from "../../proto/gen/openledger/settlement/v1/tx.js";
import type { Coin, Payment, PaymentAuthorization } from "../../proto/gen/openledger/settlement/v1/types.js";
import { verifyAuthorization } from "./authorization.js";
import { SettlementCode, settlementError } from "./errors.js";
import type { SettlementKeeper } from "./keeper.js";
import { NONCE_BYTES } from "./keys.js";

const PKG = "/openledger.settlement.v1.";
export const MSG_SETTLE_PAYMENT_URL = `${PKG}MsgSettlePayment`;

/** Gas charged for the payer's signature check (auth's default sig_verify_cost_secp256k1). */
export const VERIFY_GAS = 1000n;

const utf8 = new TextEncoder();
const NS_PER_S = 1_000_000_000n;

/** A payment amount: a valid denom and a canonical positive amount. */
export function parsePaymentAmount(c: Coin | undefined): { denom: string; amount: bigint } {
  if (!c) throw settlementError(SettlementCode.InvalidAmount, "amount is required");
  let amount: bigint;
  try {
    validateDenom(c.denom);
    amount = parseAmount(c.amount, "amount");
  } catch (err) {
    throw settlementError(SettlementCode.InvalidAmount, (err as Error).message);
  }
  if (amount === 0n) throw settlementError(SettlementCode.InvalidAmount, "amount must be positive");
  return { denom: c.denom, amount };
}

const invalid = (detail: string) => settlementError(SettlementCode.InvalidAuthorization, detail);

/**
 * A bech32 address in its one canonical (lowercase) form: bech32 also reads all-uppercase, which
 * would name one account two ways (blocked-recipient and owner checks compare strings).
 */
function canonicalAddress(address: string, field: string): void {
  const bytes = parseAddress(address, field);
  if (formatAddress(bytes) !== address)
    throw invalid(`${field} ${address} is not in canonical form (${formatAddress(bytes)})`);
}

/** Stateless checks of an authorization (also genesis). */
export function validateAuthorization(a: PaymentAuthorization | undefined): PaymentAuthorization {
  if (!a) throw invalid("authorization is required");
  if (a.chainId === "") throw invalid("chain_id is required");
  canonicalAddress(a.from, "from");
  canonicalAddress(a.to, "to");
  parsePaymentAmount(a.amount);
  if (a.nonce.length !== NONCE_BYTES)
    throw invalid(`nonce must be ${NONCE_BYTES} bytes, got ${a.nonce.length}`);
  if (a.validAfter >= a.validBefore)
    throw invalid(`valid_after ${a.validAfter} must be before valid_before ${a.validBefore}`);
  if (a.resource === "") throw invalid("resource is required");
  if (a.modelId !== 0n && a.adapterId !== 0n)
    throw invalid("at most one of model_id and adapter_id may be set");
  return a;
}

export function validateSettle(msg: MsgSettlePayment): void {
  parseAddress(msg.facilitator, "facilitator");
  const a = validateAuthorization(msg.authorization);
  if (msg.signature.length !== 64)
    throw settlementError(
      SettlementCode.InvalidSignature,
      `signature must be 64 bytes, got ${msg.signature.length}`,
    );
  if (msg.payerPubkey.length !== 33)
    throw sdkError(SdkCode.InvalidPubKey, `payer_pubkey must be 33 bytes, got ${msg.payerPubkey.length}`);
  const forModel = a.modelId !== 0n || a.adapterId !== 0n;
  const inline = msg.outputText !== "";
  if (!forModel) {
    if (inline || msg.outputSha256.length > 0 || msg.outputSize !== 0n || msg.outputTokens !== 0n)
      throw invalid("output_text, output_sha256, output_size and output_tokens are for model payments only");
    return;
  }
  if (inline) {
    if (msg.outputSha256.length > 0 || msg.outputSize !== 0n)
      throw invalid("give output_text or output_sha256 with output_size, not both");
    return;
  }
  if (msg.outputSha256.length !== 32)
    throw invalid(
      `a model or adapter payment needs output_text or output_sha256 (32 bytes), got ${msg.outputSha256.length} bytes`,
    );
  if (msg.outputSize === 0n) throw invalid("output_size must be positive with output_sha256");
}

function settle(keeper: SettlementKeeper, ctx: Context, msg: MsgSettlePayment): bigint {
  const a = msg.authorization!;
  const params = keeper.getParams(ctx);
  const { denom, amount } = parsePaymentAmount(a.amount);
  const from = parseAddress(a.from, "from");
  const to = parseAddress(a.to, "to");
  const nonce = toHex(a.nonce);
  if (a.chainId !== ctx.header.chainId)
    throw settlementError(SettlementCode.WrongChain, `chain_id ${a.chainId} is not ${ctx.header.chainId}`);
  if (denom !== params.denom)
    throw settlementError(SettlementCode.InvalidAmount, `denom ${denom} is not ${params.denom}`);
  const resourceBytes = utf8.encode(a.resource).length;
  if (resourceBytes > params.maxResourceBytes)
    throw invalid(`resource is ${resourceBytes} bytes, more than the maximum ${params.maxResourceBytes}`);
  const signerAddress = formatAddress(addressFromSecp256k1(msg.payerPubkey));
  if (signerAddress !== a.from)
    throw settlementError(
      SettlementCode.PubKeyMismatch,
      `payer_pubkey is ${signerAddress}'s, not ${a.from}'s`,
    );
  ctx.gasMeter.consume(VERIFY_GAS, "settlement: verify secp256k1");
  if (!verifyAuthorization(a, msg.payerPubkey, msg.signature))
    throw settlementError(
      SettlementCode.InvalidSignature,
      `signature does not verify under ${a.from}'s key over the ADR-036 sign doc of the authorization`,
    );
  const now = ctx.header.timeNs / NS_PER_S;
  if (now < a.validAfter)
    throw settlementError(
      SettlementCode.NotYetValid,
      `block time ${now} is before valid_after ${a.validAfter}`,
    );
  if (now >= a.validBefore)
    throw settlementError(
      SettlementCode.Expired,
      `block time ${now} is not before valid_before ${a.validBefore}`,
    );
  if (keeper.hasPayment(ctx, from, a.nonce))
    throw settlementError(SettlementCode.NonceUsed, `nonce ${nonce} of ${a.from} was already settled`);
  if (keeper.bank.isBlockedRecipient(formatAddress(to)))
    throw settlementError(SettlementCode.BlockedRecipient, `${a.to} is a module account`);
  const balance = keeper.bank.getBalance(ctx, from, denom);
  if (balance < amount)
    throw sdkError(
      SdkCode.InsufficientFunds,
      `${a.from} has ${balance}${denom}, the payment is ${amount}${denom}`,
    );
  const forModel = a.modelId !== 0n || a.adapterId !== 0n;
  const common = { payer: a.from, payee: a.to, nonce, amount: `${amount}${denom}` };
  ctx.events.emit("payment_verified", { ...common, facilitator: msg.facilitator, resource: a.resource });

  let jobId = 0n;
  if (forModel) {
    const owner = keeper.attribution.ownerOf(ctx, a.modelId, a.adapterId);
    const what = a.modelId !== 0n ? `model ${a.modelId}` : `adapter ${a.adapterId}`;
    if (owner !== undefined && owner !== a.to)
      throw settlementError(SettlementCode.PayeeMismatch, `to ${a.to} is not the owner ${owner} of ${what}`);
    // Unknown or deprecated models, a fee below the price: refused by attribution's own checks.
    jobId = keeper.attribution.recordPaidInference(ctx, {
      payer: a.from,
      modelId: a.modelId,
      adapterId: a.adapterId,
      promptSha256: sha256(utf8.encode(a.resource)),
      outputText: msg.outputText,
      outputSha256: msg.outputSha256,
      outputSize: msg.outputSize,
      outputTokens: msg.outputTokens,
      fee: { denom, amount: amount.toString() },
    }).jobId;
  } else {
    keeper.bank.sendCoins(ctx, from, to, [{ denom, amount }]);
  }
  const payment: Payment = {
    authorization: a,
    facilitator: msg.facilitator,
    height: ctx.header.height,
    time: now,
    jobId,
  };
  keeper.setPayment(ctx, payment);
  ctx.events.emit("payment_settled", {
    ...common,
    facilitator: msg.facilitator,
    resource: a.resource,
    model_id: a.modelId.toString(),
    adapter_id: a.adapterId.toString(),
    job_id: jobId.toString(),
  });
  return jobId;
}

function response(name: string, value: Uint8Array): Any {
  return { typeUrl: `${PKG}${name}`, value };
}

export function settlementMsgs(keeper: SettlementKeeper): MsgType<unknown>[] {
  const settlePayment: MsgType<MsgSettlePayment> = {
    typeUrl: MSG_SETTLE_PAYMENT_URL,
    decode: (bytes) => MsgSettlePayment.decode(bytes),
    signers: (msg) => [msg.facilitator],
    validateBasic: validateSettle,
    handle(ctx, msg) {
      const jobId = settle(keeper, ctx, msg);
      return response("MsgSettlePaymentResponse", MsgSettlePaymentResponse.encode({ jobId }).finish());
    },
  };
  return [settlePayment] as MsgType<unknown>[];
}
