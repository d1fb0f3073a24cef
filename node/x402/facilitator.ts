// The node's x402 facilitator for the exact scheme on this chain: /verify checks a payment against
// the requirements and the committed state (the same checks MsgSettlePayment makes, so a verified
// payment settles unless state changes first); /settle submits MsgSettlePayment from the
// facilitator's account (which pays the gas), waits for its block and answers with the tx hash.
// A (payer, nonce) being settled is refused to any other /settle at once: one payment, one service.
import { fromBase64, toHex } from "@cosmjs/encoding";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import {
  authorizationOf,
  type ParsedPayment,
  parsePaymentPayload,
  parseRequirements,
} from "../../client/x402/codec.js";
import {
  type ErrorReason,
  type FacilitatorRequest,
  type InferenceOutput,
  networkOf,
  type PaymentRequirements,
  REASONS,
  SCHEME,
  type SettleResponse,
  type SupportedResponse,
  type VerifyResponse,
  X402Error,
} from "../../client/x402/types.js";
import { verifyAuthorization } from "../../modules/settlement/authorization.js";
import { QueryPaymentRequest } from "../../proto/gen/openledger/settlement/v1/query.js";
import type { MsgSettlePayment } from "../../proto/gen/openledger/settlement/v1/tx.js";
import type { PaymentAuthorization } from "../../proto/gen/openledger/settlement/v1/types.js";
import { addressFromSecp256k1, formatAddress } from "../app/address.js";
import type { Application } from "../app/application.js";
import type { Logger } from "../logger.js";
import type { TxSender } from "../tx-sender.js";
import { reasonOfChainError } from "./reasons.js";

export interface FacilitatorDeps {
  app: Pick<Application, "query">;
  chainId: string;
  /** Signs and pays for the settlements (the facilitator account). */
  sender: Pick<TxSender, "address" | "sendAndWait">;
  /** Unix seconds of the last committed block (the chain's clock; never the wall clock). */
  chainTime: () => bigint;
  /** Height of the last committed block. */
  chainHeight: () => bigint;
  /** Blocks a settlement tx may wait to be included (its timeout_height), default 20. */
  settleBlocks?: bigint;
  /** The denom payments use (the settlement module's params.denom). */
  denom?: string;
  /** Seconds a payment must stay valid after the last block, to be included in time (default 10). */
  inclusionMarginSeconds?: bigint;
  settleTimeoutMs?: number;
  /** What this facilitator agrees to settle (default: any payee, any amount). */
  policy?: FacilitatorPolicy;
  /** Gas of a plain payment / of a model payment (which opens an attribution job). */
  gas?: { plain: bigint; model: bigint };
  logger?: Logger;
}

const SETTLEMENT = "/openledger.settlement.v1.MsgSettlePayment";
const DEFAULT_SETTLE_BLOCKS = 20n;
/** How long a verified payment is held for its resource server's /settle. */
const RESERVATION_MS = 60_000;

const keyOf = (a: PaymentAuthorization) => `${a.from}/${toHex(a.nonce)}`;

/**
 * The facilitator's account pays the gas of every settlement, and /x402/settle is open: without
 * limits anyone can make it pay for tiny payments between their own accounts. A public node sets them.
 */
export interface FacilitatorPolicy {
  /** Smallest payment settled (e.g. at least the settlement's fee). */
  minAmount?: bigint;
  /** Only payments to these addresses (e.g. the operator's own resource servers). */
  payees?: ReadonlySet<string>;
}

/** A payment checked against its requirements and state. */
interface Checked {
  parsed: ParsedPayment;
  authorization: PaymentAuthorization;
}

class Refusal extends X402Error {}

export class Facilitator {
  private readonly settling = new Set<string>();
  /** Verified payments held for the resource server that verified them: key → until (ms). */
  private readonly reserved = new Map<string, number>();
  readonly network: string;

  constructor(private readonly deps: FacilitatorDeps) {
    this.network = networkOf(deps.chainId);
  }

  async supported(): Promise<SupportedResponse> {
    const kinds = [1, 2].map((x402Version) => ({ x402Version, scheme: SCHEME, network: this.network }));
    return { kinds, extensions: [], signers: { "cosmos:*": [await this.deps.sender.address()] } };
  }

  /**
   * A verified payment is held for its resource server until it settles (or RESERVATION_MS pass):
   * the same payment verified meanwhile by another resource server is refused, so only one handler
   * runs for it. Not consensus: the chain's nonce record stays the authority.
   */
  verify(body: unknown): VerifyResponse {
    try {
      const { authorization } = this.check(body);
      const key = keyOf(authorization);
      const now = Date.now();
      // Oldest first (one fixed hold time): drop the expired ones at the front.
      for (const [k, until] of this.reserved) {
        if (until > now) break;
        this.reserved.delete(k);
      }
      if (this.reserved.has(key) || this.settling.has(key))
        throw new Refusal(
          REASONS.nonceUsed,
          `nonce 0x${toHex(authorization.nonce)} of ${authorization.from} is in use by another request`,
        );
      this.reserved.set(key, now + RESERVATION_MS);
      return { isValid: true, payer: authorization.from };
    } catch (err) {
      const { reason, message } = describe(err, REASONS.unexpectedVerify);
      return { isValid: false, invalidReason: reason, invalidMessage: message, ...payerOf(body) };
    }
  }

  async settle(body: unknown): Promise<SettleResponse> {
    const fail = (err: unknown, payer?: string): SettleResponse => {
      const { reason, message } = describe(err, REASONS.unexpectedSettle);
      const res: SettleResponse = {
        success: false,
        errorReason: reason,
        errorMessage: message,
        transaction: "",
        network: this.network,
      };
      return { ...res, ...(payer ? { payer } : payerOf(body)) };
    };
    let checked: Checked;
    let output: InferenceOutput | undefined;
    try {
      checked = this.check(body);
      output = inferenceOutput((body as FacilitatorRequest).inferenceOutput, checked.authorization);
    } catch (err) {
      return fail(err);
    }
    const a = checked.authorization;
    const key = keyOf(a);
    if (this.settling.has(key))
      return fail(
        new Refusal(REASONS.nonceUsed, `nonce 0x${toHex(a.nonce)} of ${a.from} is being settled already`),
        a.from,
      );
    this.settling.add(key);
    try {
      return await this.submit(checked, output);
    } catch (err) {
      this.deps.logger?.error({ err }, "x402: settlement failed unexpectedly");
      return fail(err, a.from);
    } finally {
      this.settling.delete(key);
      this.reserved.delete(key);
    }
  }

  private async submit(c: Checked, output: InferenceOutput | undefined): Promise<SettleResponse> {
    const a = c.authorization;
    const p = c.parsed.payload;
    const msg: MsgSettlePayment = {
      facilitator: await this.deps.sender.address(),
      authorization: a,
      signature: fromBase64(p.signature),
      payerPubkey: fromBase64(p.pubkey),
      outputSha256: new Uint8Array(0),
      outputSize: 0n,
      outputTokens: output ? BigInt(output.tokens ?? "0") : 0n,
      outputText: output?.text ?? "",
    };
    const gas = this.deps.gas ?? { plain: 200_000n, model: 600_000n };
    // The tx expires at a height: a settlement answered as failed can never commit later (which
    // would charge a payer the resource server did not serve). The wall-clock timeout is for a
    // chain that stopped.
    const timeoutHeight = this.deps.chainHeight() + (this.deps.settleBlocks ?? DEFAULT_SETTLE_BLOCKS);
    const outcome = await this.deps.sender.sendAndWait(
      [{ typeUrl: SETTLEMENT, value: msg }],
      output ? gas.model : gas.plain,
      this.deps.settleTimeoutMs ?? 60_000,
      { timeoutHeight },
    );
    const transaction = toHex(outcome.hash).toUpperCase();
    if (outcome.code === 0) {
      this.deps.logger?.info(
        { payer: a.from, tx: transaction, height: String(outcome.height) },
        "x402: payment settled",
      );
      return { success: true, payer: a.from, transaction, network: this.network };
    }
    const reason = reasonOfChainError(outcome.codespace, outcome.code, outcome.log);
    return {
      success: false,
      errorReason: reason,
      errorMessage: `code ${outcome.code} (${outcome.codespace || "sdk"}): ${outcome.log}`,
      payer: a.from,
      transaction: outcome.height > 0n ? transaction : "",
      network: this.network,
    };
  }

  /** Everything MsgSettlePayment will check, against the last committed state; throws X402Error. */
  private check(body: unknown): Checked {
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new Refusal(
        REASONS.payload,
        "the body must be a JSON object {paymentPayload, paymentRequirements}",
      );
    const b = body as Record<string, unknown>;
    const parsed = parsePaymentPayload(b.paymentPayload);
    if (b.x402Version !== undefined && b.x402Version !== parsed.version)
      throw new Refusal(
        REASONS.version,
        `x402Version ${b.x402Version} differs from the payload's ${parsed.version}`,
      );
    const { requirements, resource } = parseRequirements(b.paymentRequirements);
    const denom = this.deps.denom ?? "uopen";
    if (requirements.scheme !== SCHEME)
      throw new Refusal(REASONS.unsupportedScheme, `scheme ${requirements.scheme} is not "exact"`);
    for (const network of [requirements.network, parsed.network])
      if (network !== this.network)
        throw new Refusal(REASONS.network, `${network} is not this chain's ${this.network}`);
    if (requirements.asset !== denom)
      throw new Refusal(REASONS.requirements, `asset ${requirements.asset} is not ${denom}`);
    if (parsed.accepted) matchAccepted(parsed.accepted, requirements);
    const auth = parsed.payload.authorization;
    if (resource && auth.resource !== resource.url)
      throw new Refusal(REASONS.resourceMismatch, `the payment is for ${auth.resource}, not ${resource.url}`);
    if (auth.to !== requirements.payTo)
      throw new Refusal(
        REASONS.recipientMismatch,
        `the payment is to ${auth.to}, the requirements pay ${requirements.payTo}`,
      );
    if (auth.value !== requirements.amount)
      throw new Refusal(
        REASONS.value,
        `the payment is ${auth.value}${denom}, the requirements ask exactly ${requirements.amount}`,
      );
    if (BigInt(auth.value) === 0n) throw new Refusal(REASONS.value, "the payment amount must be positive");
    this.checkPolicy(auth.to, BigInt(auth.value), denom);
    const extra = requirements.extra ?? {};
    if (
      (auth.modelId ?? "0") !== (extra.modelId ?? "0") ||
      (auth.adapterId ?? "0") !== (extra.adapterId ?? "0")
    )
      throw new Refusal(
        REASONS.modelMismatch,
        "the payment's model or adapter is not the one the requirements name",
      );
    const authorization = authorizationOf(parsed, denom);
    if (authorization.modelId !== 0n && authorization.adapterId !== 0n)
      throw new Refusal(REASONS.payload, "at most one of modelId and adapterId may be set");
    const pubkey = fromBase64(parsed.payload.pubkey);
    const signer = formatAddress(addressFromSecp256k1(pubkey));
    if (signer !== auth.from)
      throw new Refusal(REASONS.pubkeyMismatch, `the pubkey is ${signer}'s, not ${auth.from}'s`);
    if (!verifyAuthorization(authorization, pubkey, fromBase64(parsed.payload.signature)))
      throw new Refusal(
        REASONS.signature,
        `the signature does not verify under ${auth.from}'s key (ADR-036 sign doc of the authorization)`,
      );
    this.checkWindow(authorization);
    if (this.paymentExists(authorization))
      throw new Refusal(REASONS.nonceUsed, `nonce ${auth.nonce} of ${auth.from} was already settled`);
    const balance = this.balance(auth.from, denom);
    if (balance < BigInt(auth.value))
      throw new Refusal(
        REASONS.insufficientFunds,
        `${auth.from} has ${balance}${denom}, the payment is ${auth.value}${denom}`,
      );
    return { parsed, authorization };
  }

  /** The operator's limits: its account pays every settlement's gas, so it may choose what to pay for. */
  private checkPolicy(payee: string, amount: bigint, denom: string): void {
    const { minAmount, payees } = this.deps.policy ?? {};
    if (payees !== undefined && !payees.has(payee))
      throw new Refusal(REASONS.requirements, `this facilitator does not settle payments to ${payee}`);
    if (minAmount !== undefined && amount < minAmount)
      throw new Refusal(REASONS.value, `this facilitator settles payments of at least ${minAmount}${denom}`);
  }

  private checkWindow(a: PaymentAuthorization): void {
    const now = this.deps.chainTime();
    const margin = this.deps.inclusionMarginSeconds ?? 10n;
    if (a.validAfter > now)
      throw new Refusal(REASONS.validAfter, `valid after ${a.validAfter}, the chain's time is ${now}`);
    if (a.validBefore <= now + margin)
      throw new Refusal(
        REASONS.validBefore,
        `valid before ${a.validBefore}: expired or expiring within ${margin} s of the chain's time ${now}`,
      );
  }

  private paymentExists(a: PaymentAuthorization): boolean {
    const res = this.deps.app.query({
      path: "/openledger.settlement.v1.Query/Payment",
      data: QueryPaymentRequest.encode({ payer: a.from, nonce: a.nonce }).finish(),
      prove: false,
    });
    return res.code === 0;
  }

  private balance(address: string, denom: string): bigint {
    const res = this.deps.app.query({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({ address, denom }).finish(),
      prove: false,
    });
    if (res.code !== 0) return 0n;
    return BigInt(QueryBalanceResponse.decode(res.value).balance?.amount ?? "0");
  }
}

/** The requirements a v2 payload says it accepted must be the ones the resource server asks. */
function matchAccepted(accepted: PaymentRequirements, req: PaymentRequirements): void {
  const fields: [keyof PaymentRequirements, ErrorReason][] = [
    ["scheme", REASONS.unsupportedScheme],
    ["network", REASONS.network],
    ["amount", REASONS.value],
    ["asset", REASONS.requirements],
    ["payTo", REASONS.recipientMismatch],
  ];
  for (const [f, reason] of fields)
    if (accepted[f] !== req[f])
      throw new Refusal(
        reason,
        `the payload accepted ${f} ${JSON.stringify(accepted[f])}, the requirements say ${JSON.stringify(req[f])}`,
      );
}

function inferenceOutput(raw: unknown, a: PaymentAuthorization): InferenceOutput | undefined {
  const forModel = a.modelId !== 0n || a.adapterId !== 0n;
  if (raw === undefined || raw === null) {
    if (forModel)
      throw new Refusal(REASONS.payload, "a model payment's /settle needs inferenceOutput {text, tokens}");
    return undefined;
  }
  if (!forModel) throw new Refusal(REASONS.payload, "inferenceOutput is for model or adapter payments only");
  const o = raw as Record<string, unknown>;
  if (typeof o.text !== "string" || o.text === "")
    throw new Refusal(REASONS.payload, "inferenceOutput.text must be a non-empty string");
  if (o.tokens !== undefined && (typeof o.tokens !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(o.tokens)))
    throw new Refusal(REASONS.payload, "inferenceOutput.tokens must be a decimal string");
  const out: InferenceOutput = { text: o.text };
  if (o.tokens !== undefined) out.tokens = o.tokens as string;
  return out;
}

function describe(err: unknown, fallback: ErrorReason): { reason: ErrorReason; message: string } {
  if (err instanceof X402Error) return { reason: err.reason, message: err.message };
  return { reason: fallback, message: (err as Error)?.message ?? String(err) };
}

function payerOf(body: unknown): { payer?: string } {
  const from = (body as { paymentPayload?: { payload?: { authorization?: { from?: unknown } } } })
    ?.paymentPayload?.payload?.authorization?.from;
  return typeof from === "string" && from.length <= 128 ? { payer: from } : {};
}
