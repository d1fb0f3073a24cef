// x402 end to end on a running dev chain: a resource server protected by the middleware, the
// node's facilitator (/x402/), and a payer with a stock cosmjs amino wallet (ADR-036 signatures).
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { assertIsDeliverTxSuccess, StargateClient } from "@cosmjs/stargate";
import { connectOpenledger } from "../../client/index.js";
import { decodeHeader, encodeHeader } from "../../client/x402/codec.js";
import { paymentResponse, wrapFetchWithPayment } from "../../client/x402/fetch.js";
import { requirePayment, withPayment } from "../../client/x402/middleware.js";
import { paymentPayload, signPayment } from "../../client/x402/payer.js";
import {
  HEADERS,
  type PaymentRequired,
  type PaymentRequirements,
  REASONS,
  type SupportedResponse,
} from "../../client/x402/types.js";
import { CHAIN_ID, DENOM, devAccount, devWallet, PREFIX, useNode } from "./harness.js";
import { addKey, aminoWallet, balanceOf, type ResourceServer, startResourceServer } from "./x402-support.js";

const PRICE = 1234n;
const bob = devAccount("bob").address;

describe("e2e: x402 payments through the node's facilitator", function () {
  this.timeout(60_000);
  const ctx = useNode({ autoStart: false });
  let server: ResourceServer;
  let weather: string;

  before(async function () {
    this.timeout(45_000);
    await addKey(ctx.node.home, "operator", "alice");
    await ctx.node.start({ blockIntervalMs: 200 });
    server = await startResourceServer(ctx.node.rpcUrl, {
      "/weather": {
        route: { amount: PRICE, payTo: bob, description: "today's weather", mimeType: "application/json" },
        handler: (_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ weather: "sunny" }));
        },
      },
    });
    weather = `${server.url}/weather`;
  });
  after(async () => server?.close());

  /** The route's requirements, as a 402 announces them. */
  async function requirements(): Promise<PaymentRequirements> {
    const res = await fetch(weather);
    const required = decodeHeader(res.headers.get(HEADERS.required)!, "h") as unknown as PaymentRequired;
    return required.accepts[0]!;
  }

  async function paidWith(header: string, name: string = HEADERS.signature) {
    return fetch(weather, { headers: { [name]: header } });
  }

  async function signed(who: string, change: Partial<PaymentRequirements> = {}, now?: number) {
    const req = { ...(await requirements()), ...change };
    const payload = await signPayment(await aminoWallet(who), req, weather, { now });
    return { req, payload, header: encodeHeader(paymentPayload(2, req, payload)) };
  }

  it("answers an unpaid request with 402: PAYMENT-REQUIRED (v2) and the v1 JSON body", async () => {
    const res = await fetch(weather);
    assert.equal(res.status, 402);
    const v2 = decodeHeader(res.headers.get(HEADERS.required)!, "h") as unknown as PaymentRequired;
    assert.equal(v2.x402Version, 2);
    assert.deepEqual(v2.resource, {
      url: weather,
      description: "today's weather",
      mimeType: "application/json",
    });
    assert.deepEqual(v2.accepts, [
      {
        scheme: "exact",
        network: `cosmos:${CHAIN_ID}`,
        amount: "1234",
        asset: DENOM,
        payTo: bob,
        maxTimeoutSeconds: 120,
      },
    ]);
    const v1 = (await res.json()) as { x402Version: number; accepts: Record<string, string>[] };
    assert.equal(v1.x402Version, 1);
    assert.equal(v1.accepts[0]!.maxAmountRequired, "1234");
    assert.equal(v1.accepts[0]!.resource, weather);
    const supported = (await (await fetch(`${ctx.node.rpcUrl}/x402/supported`)).json()) as SupportedResponse;
    assert.deepEqual(supported.kinds[1], { x402Version: 2, scheme: "exact", network: `cosmos:${CHAIN_ID}` });
    assert.deepEqual(supported.signers, { "cosmos:*": [devAccount("alice").address] });
  });

  it("the paying fetch pays once: 200 with PAYMENT-RESPONSE, payer debited and payee credited exactly", async () => {
    const eve = devAccount("eve").address;
    const before = { eve: await balanceOf(ctx.node.rpcUrl, eve), bob: await balanceOf(ctx.node.rpcUrl, bob) };
    const pay = wrapFetchWithPayment(fetch, await aminoWallet("eve"), {
      maxAmount: 10_000n,
      chainId: CHAIN_ID,
    });
    const res = await pay(weather);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { weather: "sunny" });
    const settled = paymentResponse(res)!;
    assert.equal(settled.success, true);
    assert.equal(settled.payer, eve);
    assert.equal(settled.network, `cosmos:${CHAIN_ID}`);
    assert.match(settled.transaction, /^[0-9A-F]{64}$/);
    const reader = await StargateClient.connect(ctx.node.rpcUrl);
    const tx = await reader.getTx(settled.transaction);
    reader.disconnect();
    assert.equal(tx?.code, 0);
    assert.equal(
      await balanceOf(ctx.node.rpcUrl, eve),
      before.eve - PRICE,
      "the payer pays the price, no gas",
    );
    assert.equal(await balanceOf(ctx.node.rpcUrl, bob), before.bob + PRICE);
  });

  it("a payment settles once: replayed, or sent twice at once, exactly one is served", async () => {
    const { header } = await signed("eve");
    const before = await balanceOf(ctx.node.rpcUrl, bob);
    const servedBefore = server.served;
    const both = await Promise.all([paidWith(header), paidWith(header)]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 402]);
    const replay = await paidWith(header);
    assert.equal(replay.status, 402);
    const required = decodeHeader(replay.headers.get(HEADERS.required)!, "h") as unknown as PaymentRequired;
    assert.match(required.error!, new RegExp(REASONS.nonceUsed));
    assert.equal(await balanceOf(ctx.node.rpcUrl, bob), before + PRICE);
    // The second concurrent request is refused before its handler runs: one payment, one run.
    assert.equal(server.served - servedBefore, 1);
  });

  it("refuses bad payments with x402 reasons and moves nothing", async () => {
    const eve = devAccount("eve").address;
    const before = { eve: await balanceOf(ctx.node.rpcUrl, eve), bob: await balanceOf(ctx.node.rpcUrl, bob) };
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<string>, number, string][] = [];
    const header = async (f: () => Promise<{ header: string }>) => (await f()).header;
    cases.push(["expired", () => header(() => signed("eve", {}, now - 3600)), 402, REASONS.validBefore]);
    cases.push(["not yet valid", () => header(() => signed("eve", {}, now + 3600)), 402, REASONS.validAfter]);
    cases.push(["wrong amount", () => header(() => signed("eve", { amount: "1" })), 402, REASONS.value]);
    cases.push([
      "wrong payee",
      () => header(() => signed("eve", { payTo: eve })),
      402,
      REASONS.recipientMismatch,
    ]);
    cases.push([
      "wrong network",
      () => header(() => signed("eve", { network: "cosmos:other-1" })),
      402,
      REASONS.network,
    ]);
    cases.push([
      "value differs from the accepted amount",
      async () => {
        const s = await signed("eve");
        s.payload.authorization.value = "1";
        return encodeHeader(paymentPayload(2, s.req, s.payload));
      },
      402,
      REASONS.value,
    ]);
    cases.push([
      "bad signature",
      async () => {
        const s = await signed("eve");
        const sig = Buffer.from(s.payload.signature, "base64");
        sig[10]! ^= 1;
        s.payload.signature = sig.toString("base64");
        return encodeHeader(paymentPayload(2, s.req, s.payload));
      },
      402,
      REASONS.signature,
    ]);
    cases.push([
      "pubkey not the payer's",
      async () => {
        const s = await signed("eve");
        s.payload.pubkey = (await signed("carol")).payload.pubkey;
        return encodeHeader(paymentPayload(2, s.req, s.payload));
      },
      402,
      REASONS.pubkeyMismatch,
    ]);
    cases.push([
      "insufficient funds",
      async () => {
        const poor = await Secp256k1HdWallet.generate(12, { prefix: PREFIX });
        const req = await requirements();
        return encodeHeader(paymentPayload(2, req, await signPayment(poor, req, weather)));
      },
      402,
      REASONS.insufficientFunds,
    ]);
    cases.push(["bad base64", async () => "%%%not base64%%%", 400, REASONS.payload]);
    cases.push(["bad JSON", async () => Buffer.from("{not json").toString("base64"), 400, REASONS.payload]);
    cases.push([
      "wrong version",
      async () => {
        const s = await signed("eve");
        return encodeHeader({ ...paymentPayload(2, s.req, s.payload), x402Version: 3 });
      },
      400,
      REASONS.version,
    ]);
    for (const [name, make, status, reason] of cases) {
      const res = await paidWith(await make());
      assert.equal(res.status, status, name);
      const required = decodeHeader(res.headers.get(HEADERS.required)!, "h") as { error: string };
      assert.match(required.error, new RegExp(reason), `${name}: ${required.error}`);
    }
    assert.equal(await balanceOf(ctx.node.rpcUrl, eve), before.eve, "the payer lost nothing");
    assert.equal(await balanceOf(ctx.node.rpcUrl, bob), before.bob, "the payee got nothing");
  });

  it("v1 clients pay with X-PAYMENT and get X-PAYMENT-RESPONSE", async () => {
    const res = await fetch(weather);
    const v1 = (await res.json()) as { x402Version: number; accepts: Record<string, string>[] };
    const req = { ...(await requirements()) };
    assert.equal(v1.accepts[0]!.payTo, req.payTo);
    const payload = await signPayment(await aminoWallet("eve"), req, weather);
    const paid = await paidWith(encodeHeader(paymentPayload(1, req, payload)), HEADERS.v1Payment);
    assert.equal(paid.status, 200);
    const settled = decodeHeader(paid.headers.get(HEADERS.v1Response)!, "h");
    assert.equal(settled.success, true);
    // A v2 header carrying a v1 payload is a wrong version.
    const mixed = await paidWith(encodeHeader(paymentPayload(1, req, payload)));
    assert.equal(mixed.status, 400);
  });

  it("express-style servers: requirePayment(route, opts) runs as (req, res, next) middleware", async () => {
    // The shape express uses: a list of (req, res, next) handlers run in order.
    const middleware = requirePayment(
      { amount: 50n, payTo: bob },
      { facilitator: `${ctx.node.rpcUrl}/x402`, chainId: CHAIN_ID },
    );
    const stack: ((req: IncomingMessage, res: ServerResponse, next: () => void) => unknown)[] = [
      middleware,
      (_req, res) => {
        res.statusCode = 200;
        res.setHeader("content-type", "text/plain");
        res.write("paid ");
        res.end("content");
      },
    ];
    const app = createServer((req, res) => {
      const run = (i: number) => void stack[i]?.(req, res, () => run(i + 1));
      run(0);
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/express`;
    try {
      assert.equal((await fetch(url)).status, 402);
      const pay = wrapFetchWithPayment(fetch, await aminoWallet("eve"), { maxAmount: 50n });
      const res = await pay(url);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "paid content");
      assert.equal(paymentResponse(res)?.success, true);
    } finally {
      await new Promise<void>((r) => app.close(() => r()));
    }
  });

  it("the paying fetch signs nothing for another resource or an overlong validity", async () => {
    const paywall = { facilitator: `${ctx.node.rpcUrl}/x402`, chainId: CHAIN_ID };
    const routes: [string, Parameters<typeof withPayment>][] = [
      [
        "/elsewhere",
        [{ amount: 50n, payTo: bob }, { ...paywall, resourceUrl: () => "http://api.other/v1/x" }, () => {}],
      ],
      ["/long", [{ amount: 50n, payTo: bob, maxTimeoutSeconds: 7200 }, paywall, () => {}]],
    ];
    const handlers = new Map(routes.map(([path, args]) => [path, withPayment(...args)]));
    const app = createServer((req, res) => void handlers.get(req.url ?? "")?.(req, res));
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const before = await balanceOf(ctx.node.rpcUrl, devAccount("eve").address);
    try {
      const pay = wrapFetchWithPayment(fetch, await aminoWallet("eve"), { maxAmount: 50n });
      await assert.rejects(
        pay(`${base}/elsewhere`),
        /not paid: the server names the resource http:\/\/api.other/,
      );
      await assert.rejects(pay(`${base}/long`), /a validity of 7200 s is more than 3600 s/);
    } finally {
      await new Promise<void>((r) => app.close(() => r()));
    }
    assert.equal(await balanceOf(ctx.node.rpcUrl, devAccount("eve").address), before);
  });

  it("a verified payment is held for its resource server: another /verify of it is refused until it settles", async () => {
    const { req, payload } = await signed("eve");
    const body = JSON.stringify({
      paymentPayload: paymentPayload(2, req, payload),
      paymentRequirements: req,
    });
    const post = async (path: string) =>
      (await (await fetch(`${ctx.node.rpcUrl}/x402/${path}`, { method: "POST", body })).json()) as {
        isValid?: boolean;
        invalidReason?: string;
        success?: boolean;
      };
    assert.equal((await post("verify")).isValid, true);
    const second = await post("verify");
    assert.deepEqual([second.isValid, second.invalidReason], [false, REASONS.nonceUsed]);
    assert.equal((await post("settle")).success, true, "the holder settles it");
    const after = await post("verify");
    assert.deepEqual([after.isValid, after.invalidReason], [false, REASONS.nonceUsed], "settled on chain");
  });

  it("100 concurrent payments of one payer with distinct nonces all settle", async function () {
    this.timeout(120_000);
    const payer = await Secp256k1HdWallet.generate(12, { prefix: PREFIX });
    const [account] = await payer.getAccounts();
    const funder = await connectOpenledger(ctx.node.rpcUrl, await devWallet("carol"), {
      broadcastPollIntervalMs: 200,
    });
    const funded = 100n * PRICE;
    assertIsDeliverTxSuccess(
      await funder.signing.sendTokens(
        devAccount("carol").address,
        account!.address,
        [{ denom: DENOM, amount: funded.toString() }],
        "auto",
      ),
    );
    funder.disconnect();
    const pay = wrapFetchWithPayment(fetch, payer, { maxAmount: PRICE });
    const answers = await Promise.all(Array.from({ length: 100 }, () => pay(weather)));
    const statuses = answers.map((r) => r.status);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
      "every payment was served",
    );
    const hashes = new Set(answers.map((r) => paymentResponse(r)!.transaction));
    assert.equal(hashes.size, 100);
    assert.equal(
      await balanceOf(ctx.node.rpcUrl, account!.address),
      0n,
      "exactly 100 × the price left the payer",
    );
  });
});
