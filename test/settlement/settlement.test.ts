// x402 settlement through a BaseApp with real cosmjs-signed txs: payment authorizations signed by
// a stock cosmjs amino wallet (ADR-036, as Keplr's signArbitrary), settled by a facilitator that
// pays the gas; refusals change nothing; a model payment opens an attribution job; genesis
// round-trips.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { fromBase64, toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { settlementTypeUrls } from "../../client/index.js";
import { adr036SignDoc, authorizationBytes, QUERY_PREFIX } from "../../modules/settlement/index.js";
import { JobState } from "../../proto/gen/openledger/attribution/v1/types.js";
import * as Q from "../../proto/gen/openledger/settlement/v1/query.js";
import { MsgSettlePayment } from "../../proto/gen/openledger/settlement/v1/tx.js";
import type { PaymentAuthorization } from "../../proto/gen/openledger/settlement/v1/types.js";
import { CHAIN_ID, DEV_ACCOUNTS, type DevName, devAddress, queryOk } from "../app/helpers.js";
import { ESCROW, FEE, Harness } from "../attribution/module/helpers.js";

const NOW = 1_700_000_000n; // the harness's base time, unix seconds (block time = NOW + height)

async function amino(name: DevName) {
  const entry = DEV_ACCOUNTS.find((a) => a.name === name)!;
  return Secp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "open" });
}

function auth(o: Partial<PaymentAuthorization> = {}): PaymentAuthorization {
  return {
    chainId: CHAIN_ID,
    from: devAddress("eve"),
    to: devAddress("carol"),
    amount: { denom: "uopen", amount: "12345" },
    validAfter: NOW - 60n,
    validBefore: NOW + 600n,
    nonce: new Uint8Array(randomBytes(32)),
    resource: "https://api.example.com/v1/weather",
    modelId: 0n,
    adapterId: 0n,
    ...o,
  };
}

/** The payer's ADR-036 signature over the authorization, made by cosmjs's amino wallet. */
async function sign(a: PaymentAuthorization, by: DevName = "eve") {
  const wallet = await amino(by);
  const [account] = await wallet.getAccounts();
  const doc = adr036SignDoc(account!.address, authorizationBytes(a));
  const { signature } = await wallet.signAmino(account!.address, doc);
  return { signature: fromBase64(signature.signature), payerPubkey: fromBase64(signature.pub_key.value) };
}

function settleMsg(
  a: PaymentAuthorization,
  sig: { signature: Uint8Array; payerPubkey: Uint8Array },
  extra = {},
) {
  return {
    typeUrl: settlementTypeUrls.settlePayment,
    value: MsgSettlePayment.fromPartial({
      facilitator: devAddress("bob"),
      authorization: a,
      ...sig,
      ...extra,
    }),
  } as EncodeObject;
}

describe("settlement: x402 pay-per-call", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  const roots = () => ({
    settlement: toHex(h.t.committed.storeRoot("settlement")),
    attribution: toHex(h.t.committed.storeRoot("attribution")),
    eve: h.balance(devAddress("eve")),
    carol: h.balance(devAddress("carol")),
    alice: h.balance(devAddress("alice")),
    escrow: h.balance(ESCROW),
  });

  async function refused(msg: EncodeObject, code: number, codespace: string, log: RegExp) {
    const before = roots();
    const r = await h.run(h.s.bob, msg);
    assert.equal(r.code, code, r.log);
    assert.equal(r.codespace, codespace, r.log);
    assert.match(r.log, log);
    assert.ok(!r.events.some((e) => e.type.startsWith("payment_")));
    assert.deepEqual(roots(), before);
  }

  const payment = (payer: string, nonce: Uint8Array) =>
    Q.QueryPaymentResponse.decode(
      queryOk(h.app, `${QUERY_PREFIX}Payment`, Q.QueryPaymentRequest.encode({ payer, nonce }).finish()),
    ).payment!;

  it("settles: the payer pays exactly the amount, the payee gets it, the facilitator pays the gas", async () => {
    const eve0 = h.balance(devAddress("eve"));
    const carol0 = h.balance(devAddress("carol"));
    const bob0 = h.balance(devAddress("bob"));
    const a = auth();
    const r = await h.run(h.s.bob, settleMsg(a, await sign(a)));
    assert.equal(r.code, 0, r.log);
    assert.equal(h.balance(devAddress("eve")), eve0 - 12345n);
    assert.equal(h.balance(devAddress("carol")), carol0 + 12345n);
    assert.equal(h.balance(devAddress("bob")), bob0 - FEE);
    assert.ok(r.events.some((e) => e.type === "payment_verified"));
    const settled = r.events.find((e) => e.type === "payment_settled")!;
    const attrs = Object.fromEntries(settled.attributes.map((x) => [x.key, x.value]));
    assert.equal(attrs.nonce, toHex(a.nonce));
    assert.equal(attrs.amount, "12345uopen");
    const p = payment(devAddress("eve"), a.nonce);
    assert.deepEqual(p.authorization, a);
    assert.equal(p.facilitator, devAddress("bob"));
    assert.equal(p.time, NOW + h.height);
    assert.equal(p.jobId, 0n);
  });

  it("refuses a bad signature, a pubkey not the payer's, a reused nonce; nothing changes", async () => {
    const a = auth();
    const sig = await sign(a);
    const tampered = { ...a, amount: { denom: "uopen", amount: "12346" } };
    await refused(settleMsg(tampered, sig), 3, "settlement", /does not verify/);
    const other = await sign(a, "dave");
    await refused(settleMsg(a, other), 4, "settlement", /pubkey is not the payer's/);
    const bad = new Uint8Array(sig.signature);
    bad[5] = bad[5]! ^ 1;
    await refused(settleMsg(a, { ...sig, signature: bad }), 3, "settlement", /invalid payment signature/);
    assert.equal((await h.run(h.s.bob, settleMsg(a, sig))).code, 0);
    await refused(settleMsg(a, sig), 7, "settlement", /already settled: payment nonce already used/);
  });

  it("refuses outside the time window (block time, never the wall clock)", async () => {
    const next = () => NOW + h.height + 1n; // the time of the block the tx goes in
    const early = auth({ validAfter: next() + 1n, validBefore: next() + 100n });
    await refused(settleMsg(early, await sign(early)), 5, "settlement", /not yet valid/);
    const atEnd = auth({ validAfter: next() - 100n, validBefore: next() });
    await refused(settleMsg(atEnd, await sign(atEnd)), 6, "settlement", /expired/);
    const edge = auth({ validAfter: next(), validBefore: next() + 1n });
    assert.equal((await h.run(h.s.bob, settleMsg(edge, await sign(edge)))).code, 0);
  });

  it("refuses insufficient balance, a wrong denom, a zero amount, another chain, an unknown model", async () => {
    const rich = auth({ amount: { denom: "uopen", amount: (h.balance(devAddress("eve")) + 1n).toString() } });
    await refused(settleMsg(rich, await sign(rich)), 5, "sdk", /insufficient funds/);
    const denom = auth({ amount: { denom: "uatom", amount: "5" } });
    await refused(settleMsg(denom, await sign(denom)), 8, "settlement", /denom uatom is not uopen/);
    const zero = auth({ amount: { denom: "uopen", amount: "0" } });
    await refused(settleMsg(zero, await sign(zero)), 8, "settlement", /must be positive/);
    const chain = auth({ chainId: "other-1" });
    await refused(settleMsg(chain, await sign(chain)), 9, "settlement", /another chain/);
    const model = auth({ modelId: 99n, to: devAddress("alice") });
    const out = { outputSha256: new Uint8Array(32).fill(1), outputSize: 10n };
    await refused(settleMsg(model, await sign(model), out), 7, "attribution", /model 99 does not exist/);
    const notOwner = auth({ modelId: 1n, to: devAddress("carol") });
    await refused(settleMsg(notOwner, await sign(notOwner), out), 11, "settlement", /not the owner/);
    const toEscrow = auth({ to: ESCROW });
    await refused(settleMsg(toEscrow, await sign(toEscrow)), 12, "settlement", /module account/);
  });

  it("refuses addresses not in canonical (lowercase) form: an uppercase escrow is still a module account", async () => {
    // bech32 also reads all-uppercase addresses: a string compare against the blocked list would let
    // a payment into attribution's escrow, and the stored payment would name its payee two ways.
    const toEscrow = auth({ to: ESCROW.toUpperCase() });
    await refused(settleMsg(toEscrow, await sign(toEscrow)), 2, "settlement", /canonical/);
    const upperFrom = auth({ from: devAddress("eve").toUpperCase() });
    await refused(settleMsg(upperFrom, await sign(upperFrom)), 2, "settlement", /canonical/);
    const upperTo = auth({ to: devAddress("carol").toUpperCase() });
    await refused(settleMsg(upperTo, await sign(upperTo)), 2, "settlement", /canonical/);
  });

  it("a model payment is the inference fee: escrowed, a pending attribution job opened", async () => {
    const eve0 = h.balance(devAddress("eve"));
    const escrow0 = h.balance(ESCROW);
    const a = auth({ modelId: 1n, to: devAddress("alice"), amount: { denom: "uopen", amount: "1050" } });
    const out = { outputSha256: new Uint8Array(32).fill(1), outputSize: 10n, outputTokens: 1000n };
    const r = await h.run(h.s.bob, settleMsg(a, await sign(a), out));
    assert.equal(r.code, 0, r.log);
    assert.equal(h.balance(devAddress("eve")), eve0 - 1050n);
    assert.equal(h.balance(ESCROW), escrow0 + 1050n);
    const p = payment(devAddress("eve"), a.nonce);
    assert.ok(p.jobId > 0n);
    const job = h.job(p.jobId);
    assert.equal(job.state, JobState.JOB_STATE_PENDING);
    assert.deepEqual(job.fee, { denom: "uopen", amount: "1050" });
    assert.equal(job.payer, devAddress("eve"));
    assert.equal(job.owner, devAddress("alice"));
    assert.ok(r.events.some((e) => e.type === "inference_recorded"));
    // below the price (1000 + 50 per 1000 tokens for 1001 tokens = 1051): refused by attribution
    const low = auth({ modelId: 1n, to: devAddress("alice"), amount: { denom: "uopen", amount: "1050" } });
    await refused(
      settleMsg(low, await sign(low), { ...out, outputTokens: 1001n }),
      6,
      "attribution",
      /below the price/,
    );
  });

  it("queries payments by payer and by payee, paginated", async () => {
    const list = [auth(), auth(), auth({ to: devAddress("dave") })];
    for (const a of list) assert.equal((await h.run(h.s.bob, settleMsg(a, await sign(a)))).code, 0);
    const byPayer = (key: Uint8Array) =>
      Q.QueryPaymentsResponse.decode(
        queryOk(
          h.app,
          `${QUERY_PREFIX}PaymentsByPayer`,
          Q.QueryPaymentsByPayerRequest.encode({
            payer: devAddress("eve"),
            pagination: { key, limit: 2n },
          }).finish(),
        ),
      );
    const first = byPayer(new Uint8Array(0));
    assert.equal(first.payments.length, 2);
    const second = byPayer(first.pagination!.nextKey);
    assert.equal(second.payments.length, 1);
    assert.equal(second.pagination!.nextKey.length, 0);
    const nonces = [...first.payments, ...second.payments].map((p) => toHex(p.authorization!.nonce));
    assert.deepEqual(nonces, list.map((a) => toHex(a.nonce)).sort());
    const byPayee = Q.QueryPaymentsResponse.decode(
      queryOk(
        h.app,
        `${QUERY_PREFIX}PaymentsByPayee`,
        Q.QueryPaymentsByPayeeRequest.encode({ payee: devAddress("carol"), pagination: undefined }).finish(),
      ),
    );
    assert.equal(byPayee.payments.length, 2);
    const params = Q.QueryParamsResponse.decode(queryOk(h.app, `${QUERY_PREFIX}Params`, new Uint8Array(0)));
    assert.equal(params.params!.denom, "uopen");
  });

  it("genesis: export → import gives the same app hash; a used nonce stays used", async () => {
    const a = auth();
    const sig = await sign(a);
    assert.equal((await h.run(h.s.bob, settleMsg(a, sig))).code, 0);
    const model = auth({ modelId: 1n, to: devAddress("alice"), amount: { denom: "uopen", amount: "1000" } });
    const out = { outputSha256: new Uint8Array(32).fill(1), outputSize: 10n };
    assert.equal((await h.run(h.s.bob, settleMsg(model, await sign(model), out))).code, 0);
    const exported = h.app.exportGenesis();
    const json = JSON.parse(JSON.stringify(exported)) as Record<string, unknown>;
    assert.deepEqual(json, exported, "the export is plain JSON");
    assert.equal((json.settlement as { payments: unknown[] }).payments.length, 2);
    const b = await Harness.fromGenesis(json, h.height + 1n);
    try {
      assert.equal(
        toHex(b.app.info().lastBlockAppHash),
        toHex(h.app.info().lastBlockAppHash),
        "same app hash",
      );
      assert.deepEqual(b.app.exportGenesis(), exported);
      const r = await b.run(b.s.bob, settleMsg(a, sig));
      assert.equal(r.code, 7, r.log);
    } finally {
      await b.close();
    }
    const dup = JSON.parse(JSON.stringify(json)) as { settlement: { payments: unknown[] } };
    dup.settlement.payments.push(dup.settlement.payments[0]);
    await assert.rejects(Harness.fromGenesis(dup as unknown as Record<string, unknown>), /appears twice/);
  });
});
