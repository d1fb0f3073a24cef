// The settlement part of the client library: msgSettlePayment's input checks (InputError naming the
// field, mirroring the module's validateSettle), building it from an x402 payment payload, and the
// settlement query extension against the app in-process (txs signed by a stock SigningStargateClient).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { toBase64, toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  InputError,
  msgSettlePayment,
  type OpenledgerQueryClient,
  openledgerQueryClient,
  openledgerRegistry,
  type SettlePaymentInput,
  settledPayment,
  settlementTypeUrls,
} from "../../client/index.js";
import { encodeHeader } from "../../client/x402/codec.js";
import { msgSettlePaymentFromPayload, paymentFromText } from "../../client/x402/index.js";
import { paymentPayload, signPayment } from "../../client/x402/payer.js";
import type { ExactCosmosPayload, PaymentRequirements } from "../../client/x402/types.js";
import { validateSettle } from "../../modules/settlement/msgs.js";
import { MsgSettlePayment } from "../../proto/gen/openledger/settlement/v1/tx.js";
import {
  appComet,
  balance,
  CHAIN_ID,
  DEV_ACCOUNTS,
  type DevName,
  devAccountNumber,
  devAddress,
  genesisApp,
  minFee,
  runBlock,
  signer,
  type TestApp,
} from "../app/helpers.js";

const NOW = 1_700_000_000; // runBlock's base time in unix seconds (block time = NOW + height)
const EVE = devAddress("eve");
const BOB = devAddress("bob");
const CAROL = devAddress("carol");
const RESOURCE = "https://api.example.com/v1/weather";

const requirements: PaymentRequirements = {
  scheme: "exact",
  network: `cosmos:${CHAIN_ID}`,
  amount: "1234",
  asset: "uopen",
  payTo: BOB,
  maxTimeoutSeconds: 120,
};

function amino(name: DevName): Promise<Secp256k1HdWallet> {
  const entry = DEV_ACCOUNTS.find((a) => a.name === name)!;
  return Secp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "open" });
}

async function eveSigns(
  req: PaymentRequirements = requirements,
  nonce?: Uint8Array,
): Promise<ExactCosmosPayload> {
  return signPayment(await amino("eve"), req, RESOURCE, { now: NOW, ...(nonce ? { nonce } : {}) });
}

function refused(fn: () => unknown, field: string, detail?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${err}`);
    assert.equal(err.field, field, err.message);
    if (detail) assert.match(err.message, detail);
    return true;
  });
}

describe("client: settlement builders", () => {
  let payload: ExactCosmosPayload;
  let base: SettlePaymentInput;
  before(async () => {
    payload = await eveSigns();
    const a = payload.authorization;
    base = {
      facilitator: CAROL,
      authorization: {
        chainId: CHAIN_ID,
        from: a.from,
        to: a.to,
        amount: `${a.value}uopen`,
        validAfter: a.validAfter,
        validBefore: a.validBefore,
        nonce: a.nonce,
        resource: a.resource,
      },
      signature: payload.signature,
      payerPubkey: payload.pubkey,
    };
  });
  const build = (change: Partial<SettlePaymentInput>, auth: Record<string, unknown> = {}) =>
    msgSettlePayment({ ...base, ...change, authorization: { ...base.authorization, ...auth } as never });

  it("builds a MsgSettlePayment the module's validateSettle accepts, from bytes, hex or base64", () => {
    const msg = build({});
    assert.equal(msg.typeUrl, settlementTypeUrls.settlePayment);
    validateSettle(msg.value);
    const v = msg.value;
    assert.equal(v.facilitator, CAROL);
    assert.deepEqual(v.authorization?.amount, { denom: "uopen", amount: "1234" });
    assert.equal(v.authorization?.validAfter, BigInt(NOW - 60));
    assert.equal(toHex(v.authorization!.nonce), payload.authorization.nonce.slice(2));
    assert.equal(toBase64(v.signature), payload.signature);
    assert.deepEqual([v.outputText, v.outputSha256.length, v.outputSize, v.outputTokens], ["", 0, 0n, 0n]);
    const same = build(
      { signature: toHex(v.signature), payerPubkey: v.payerPubkey },
      { nonce: v.authorization!.nonce, amount: { denom: "uopen", amount: 1234n } },
    );
    assert.deepEqual(MsgSettlePayment.encode(same.value).finish(), MsgSettlePayment.encode(v).finish());
  });

  it("refuses each bad field with an InputError naming it", () => {
    refused(() => build({ facilitator: "open1nope" }), "facilitator");
    refused(() => build({}, { chainId: "" }), "authorization.chainId");
    refused(() => build({}, { from: "cosmos1l8440y0w9r5ar4wn30jf94w4aqs3vz9lx9r7gq" }), "authorization.from");
    refused(() => build({}, { to: "" }), "authorization.to");
    refused(() => build({}, { amount: "1234" }), "authorization.amount", /amount><denom/);
    refused(() => build({}, { amount: "0uopen" }), "authorization.amount", /positive/);
    refused(() => build({}, { amount: { denom: "u", amount: "5" } }), "authorization.amount", /denom/);
    refused(() => build({}, { amount: { denom: "uopen", amount: "-5" } }), "authorization.amount");
    refused(() => build({}, { validAfter: "200", validBefore: "200" }), "authorization.validBefore");
    refused(() => build({}, { validAfter: -1 }), "authorization.validAfter");
    refused(() => build({}, { nonce: "ab".repeat(31) }), "authorization.nonce", /32 bytes/);
    refused(() => build({}, { nonce: new Uint8Array(33) }), "authorization.nonce");
    refused(() => build({}, { resource: "" }), "authorization.resource");
    refused(() => build({}, { modelId: 1, adapterId: 2 }), "authorization.modelId", /at most one/);
    refused(() => build({ signature: new Uint8Array(63) }), "signature", /64 bytes/);
    refused(() => build({ signature: "not base64!" }), "signature");
    refused(() => build({ payerPubkey: new Uint8Array(32) }), "payerPubkey", /33 bytes/);
    refused(() => build({}, { from: CAROL }), "payerPubkey", /not the payer/);
  });

  it("takes an output only for a model or adapter payment, as the chain does", () => {
    refused(() => build({ output: "hello" }), "output", /model payments only/);
    refused(() => build({ outputTokens: 3 }), "output");
    assert.equal(build({ outputTokens: 0 }).value.outputTokens, 0n);
    const model = { modelId: 7 };
    refused(() => build({}, model), "output", /exactly one/);
    refused(() => build({ output: "x", outputSha256: "ab".repeat(32) }, model), "output");
    refused(() => build({ output: "x", outputSize: 3 }, model), "outputSize");
    refused(() => build({ outputSha256: "ab".repeat(32) }, model), "outputSize", /positive/);
    refused(() => build({ outputSha256: "abc", outputSize: 3 }, model), "outputSha256");
    const inline = build({ output: "sunny", outputTokens: "2" }, model).value;
    assert.deepEqual(
      [inline.outputText, inline.outputTokens, inline.authorization?.modelId],
      ["sunny", 2n, 7n],
    );
    validateSettle(inline);
    const hashed = build({ outputSha256: "ab".repeat(32), outputSize: 10 }, { adapterId: 3 }).value;
    assert.equal(hashed.outputSize, 10n);
    validateSettle(hashed);
  });

  it("builds it from an x402 payload (v2, v1, parsed or as header text), refusing malformed ones", async () => {
    const v2 = paymentPayload(2, requirements, payload);
    const v1 = paymentPayload(1, requirements, payload);
    const expected = MsgSettlePayment.encode(build({}).value).finish();
    for (const p of [v2, v1, paymentFromText(encodeHeader(v2)), paymentFromText(JSON.stringify(v1))])
      assert.deepEqual(
        MsgSettlePayment.encode(msgSettlePaymentFromPayload(CAROL, p).value).finish(),
        expected,
      );
    const model = await eveSigns({ ...requirements, extra: { modelId: "5" } });
    const m = msgSettlePaymentFromPayload(CAROL, paymentPayload(2, requirements, model), "uopen", {
      output: "out",
      outputTokens: 4,
    }).value;
    assert.deepEqual([m.authorization?.modelId, m.outputText, m.outputTokens], [5n, "out", 4n]);
    refused(() => msgSettlePaymentFromPayload(CAROL, v2, "ufoo"), "asset", /accepted uopen/);
    refused(() => msgSettlePaymentFromPayload("bad", v2), "facilitator");
    refused(() => msgSettlePaymentFromPayload(CAROL, { ...v2, x402Version: 3 }), "payload", /x402Version/);
    refused(
      () => msgSettlePaymentFromPayload(CAROL, { ...v1, network: "eip155:1" }),
      "payload",
      /cosmos:<chain-id>/,
    );
    refused(
      () => msgSettlePaymentFromPayload(CAROL, { ...v2, payload: { ...payload, signature: "AAAA" } }),
      "payload",
      /64 bytes/,
    );
    refused(() => paymentFromText("%%%"), "payment", /not base64/);
    refused(() => paymentFromText("{not json"), "payment", /JSON/);
    refused(() => paymentFromText(Buffer.from("[1]").toString("base64")), "payment", /JSON object/);
  });

  it("the main entry never loads the x402 library (node-only)", () => {
    const seen = new Set<string>();
    const visit = (url: URL) => {
      if (seen.has(url.href)) return;
      seen.add(url.href);
      const source = readFileSync(url, "utf8");
      for (const m of source.matchAll(/from "(\.[^"]+)\.js"/g)) {
        assert.doesNotMatch(m[1]!, /x402/, `${url.pathname} imports ${m[1]}`);
        const next = new URL(`${m[1]}.ts`, url);
        if (next.pathname.includes("/client/")) visit(next);
      }
    };
    visit(new URL("../../client/index.ts", import.meta.url));
    assert.ok(seen.size > 5);
  });
});

describe("client: settlement queries (in-process app)", function () {
  this.timeout(30_000);
  let t: TestApp;
  let q: OpenledgerQueryClient;
  let sequence = 0;
  const nonces = [new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)];

  async function deliver(msg: EncodeObject) {
    const s = await signer("carol");
    const client = await SigningStargateClient.offline(s.wallet, { registry: openledgerRegistry() });
    const raw = await client.sign(s.address, [msg], { amount: minFee(400_000), gas: "400000" }, "", {
      accountNumber: devAccountNumber("carol"),
      sequence: sequence++,
      chainId: CHAIN_ID,
    });
    const { txResults } = await runBlock(t.app, [TxRaw.encode(raw).finish()]);
    assert.equal(txResults[0]!.code, 0, txResults[0]!.log);
    return txResults[0]!;
  }

  before(async () => {
    t = await genesisApp();
    q = openledgerQueryClient(appComet(t.app) as Parameters<typeof openledgerQueryClient>[0]);
    for (const nonce of nonces) {
      const v2 = paymentPayload(2, requirements, await eveSigns(requirements, nonce));
      await deliver(msgSettlePaymentFromPayload(CAROL, v2));
    }
  });
  after(() => t?.close());

  it("settled payments move the amount and are found by payer and nonce (hex, 0x hex or bytes)", async () => {
    assert.equal(balance(t.app, EVE), 10n ** 15n - 2n * 1234n, "the payer pays no gas");
    for (const nonce of [toHex(nonces[0]!), `0x${toHex(nonces[0]!)}`, nonces[0]!]) {
      const p = await q.settlement.payment(EVE, nonce);
      assert.equal(p.facilitator, CAROL);
      assert.equal(p.authorization?.to, BOB);
      assert.equal(p.jobId, 0n);
      assert.ok(p.height > 0n);
    }
    await assert.rejects(q.settlement.payment(EVE, "00".repeat(32)), /no payment of/);
    await assert.rejects(
      q.settlement.payment(EVE, "00"),
      (e) => e instanceof InputError && e.field === "nonce",
    );
    await assert.rejects(q.settlement.payment("open1x", nonces[0]!), InputError);
  });

  it("lists payments by payer (nonce order, paged) and by payee; params", async () => {
    const all = await q.settlement.paymentsByPayer(EVE);
    assert.deepEqual(
      all.payments.map((p) => toHex(p.authorization!.nonce)),
      [toHex(nonces[1]!), toHex(nonces[0]!)],
    );
    assert.equal(all.pagination?.nextKey.length, 0);
    const first = await q.settlement.paymentsByPayer(EVE, { limit: 1 });
    assert.equal(first.payments.length, 1);
    const second = await q.settlement.paymentsByPayer(EVE, { key: first.pagination!.nextKey, limit: 1 });
    assert.deepEqual(second.payments[0]!.authorization!.nonce, nonces[0]);
    assert.equal((await q.settlement.paymentsByPayee(BOB)).payments.length, 2);
    assert.deepEqual((await q.settlement.paymentsByPayee(CAROL)).payments, []);
    assert.deepEqual((await q.settlement.paymentsByPayer(BOB)).payments, []);
    await assert.rejects(q.settlement.paymentsByPayee("nope"), InputError);
    assert.deepEqual(await q.settlement.params(), { denom: "uopen", maxResourceBytes: 2048 });
  });

  it("settledPayment reads the tx's response (job 0 without a model)", async () => {
    const v2 = paymentPayload(2, requirements, await eveSigns());
    const res = await deliver(msgSettlePaymentFromPayload(CAROL, v2));
    assert.equal(settledPayment(TxMsgData.decode(res.data)).jobId, 0n);
  });
});
