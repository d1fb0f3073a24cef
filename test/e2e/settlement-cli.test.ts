// The x402 CLI end to end on a running dev chain whose facilitator runs (alice is the home's
// "operator" key): `openledgerd pay` fetches a paid URL with a keyring key, `tx settlement settle`
// settles a payment header as its facilitator, `query settlement …` reads them back; refusals and
// bad inputs exit non-zero with a clear message and move nothing. To stay fast (each spawned CLI
// costs ~1.5 s of CPU), keys are added and the bad inputs run in this process: the same program,
// whose error `openledgerd` prints as "Error: …" before exiting 1 (as the spawned refusals show).
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { connectOpenledgerQuery } from "../../client/index.js";
import { decodeHeader, encodeHeader } from "../../client/x402/codec.js";
import { paymentPayload, signPayment } from "../../client/x402/payer.js";
import {
  HEADERS,
  type PaymentPayload,
  type PaymentPayloadV1,
  type PaymentRequired,
  type PaymentRequirements,
} from "../../client/x402/types.js";
import { Keyring } from "../../cmd/keyring.js";
import { buildProgram } from "../../cmd/main.js";
import { CHAIN_ID, devAccount, useNode } from "./harness.js";
import { aminoWallet, balanceOf, cli, type ResourceServer, startResourceServer } from "./x402-support.js";

const PRICE = 1234n;
const alice = devAccount("alice").address;
const eve = devAccount("eve").address;
const bob = devAccount("bob").address;
const carol = devAccount("carol").address;

interface PlainPayment {
  authorization: { to: string; amount: { amount: string }; resource: string; nonce: string };
  facilitator: string;
}

/** Runs the CLI in this process; resolves when the command succeeds, rejects with its error. */
async function runInProcess(args: string[]): Promise<void> {
  const program = buildProgram();
  const quiet = (c: Command) => {
    c.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    for (const sub of c.commands) quiet(sub);
  };
  quiet(program);
  await program.parseAsync(["node", "openledgerd", ...args]);
}

describe("e2e: x402 from the CLI (pay, tx settlement settle, query settlement)", function () {
  this.timeout(40_000);
  const ctx = useNode({ autoStart: false });
  let server: ResourceServer;
  let weather: string;
  /** --home and the test keyring; --node for tx and query commands. */
  let keys: string[];
  let node: string[];

  before(async function () {
    this.timeout(40_000);
    const keyring = new Keyring({ home: ctx.node.home, backend: "test" });
    // "operator" turns the node's facilitator on (alice pays its gas); "poor" holds nothing.
    for (const [name, who] of [
      ["operator", "alice"],
      ["eve", "eve"],
      ["carol", "carol"],
    ] as const)
      await keyring.add(name, { mnemonic: devAccount(who).mnemonic });
    await keyring.add("poor");
    await ctx.node.start({ blockIntervalMs: 200 });
    server = await startResourceServer(ctx.node.rpcUrl, {
      "/weather": {
        route: { amount: PRICE, payTo: bob, description: "today's weather" },
        handler: (_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ weather: "sunny" }));
        },
      },
    });
    weather = `${server.url}/weather`;
    keys = ["--home", ctx.node.home, "--keyring-backend", "test"];
    node = ["--node", ctx.node.rpcUrl];
  });
  after(async () => server?.close());

  const balances = async () => ({
    eve: await balanceOf(ctx.node.rpcUrl, eve),
    bob: await balanceOf(ctx.node.rpcUrl, bob),
  });

  /** A payment (v2 header value, or the payload) signed by eve's stock amino wallet for the route. */
  async function evePays(version: 1 | 2) {
    const res = await fetch(weather);
    const required = decodeHeader(res.headers.get(HEADERS.required)!, "h") as unknown as PaymentRequired;
    const req: PaymentRequirements = required.accepts[0]!;
    const payload = await signPayment(await aminoWallet("eve"), req, weather);
    const json: PaymentPayload | PaymentPayloadV1 = paymentPayload(version, req, payload);
    return { nonce: payload.authorization.nonce, header: encodeHeader(json), json };
  }

  it("pay fetches the paid URL: body on stdout, the settlement tx; payer debited exactly; queries list it", async () => {
    const before = await balances();
    const [json, text] = await Promise.all([
      cli(["pay", weather, "--from", "eve", "--max-amount", "5000uopen", "-o", "json", ...keys]),
      cli(["pay", weather, "--from", "eve", "--max-amount", "1234uopen", "--chain-id", CHAIN_ID, ...keys]),
    ]);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.status, 200);
    assert.deepEqual(JSON.parse(out.body), { weather: "sunny" });
    assert.deepEqual(out.payment, { amount: "1234uopen", payTo: bob, resource: weather });
    assert.equal(out.settlement.success, true);
    assert.equal(out.settlement.payer, eve);
    assert.match(out.settlement.transaction, /^[0-9A-F]{64}$/);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, JSON.stringify({ weather: "sunny" }));
    assert.match(text.stderr, new RegExp(`paid 1234uopen to ${bob}: tx [0-9A-F]{64} \\(payer ${eve}`));
    assert.deepEqual(await balances(), { eve: before.eve - 2n * PRICE, bob: before.bob + 2n * PRICE });

    const q = (...args: string[]) => cli(["query", "settlement", ...args, ...node, "-o", "json"]);
    const [byPayer, byPayee, params] = await Promise.all([
      q("payments-by-payer", eve),
      q("payments-by-payee", bob, "--limit", "1"),
      q("params"),
    ]);
    assert.equal(byPayer.code, 0, byPayer.stderr);
    const payments = (JSON.parse(byPayer.stdout) as { payments: PlainPayment[] }).payments;
    assert.deepEqual(
      payments.map((p) => [p.authorization.to, p.authorization.amount.amount, p.authorization.resource]),
      [
        [bob, "1234", weather],
        [bob, "1234", weather],
      ],
    );
    assert.deepEqual(
      payments.map((p) => p.facilitator),
      [alice, alice],
    );
    assert.equal(byPayee.code, 0, byPayee.stderr);
    const page = JSON.parse(byPayee.stdout) as { payments: unknown[]; pagination: { nextKey: string } };
    assert.equal(page.payments.length, 1);
    assert.notEqual(page.pagination.nextKey, "", "a second page");
    assert.deepEqual(JSON.parse(params.stdout), { denom: "uopen", maxResourceBytes: 2048 });
    const nonce = payments[0]!.authorization.nonce;
    const one = await cli(["query", "settlement", "payment", eve, `0x${nonce}`, ...node]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`nonce: ${nonce}`));
  });

  it("pay refuses a price above --max-amount and shows a 402 refusal's reason; nothing is paid", async () => {
    const before = await balances();
    const served = server.served;
    const [tooLow, unfunded] = await Promise.all([
      cli(["pay", weather, "--from", "eve", "--max-amount", "1000uopen", ...keys]),
      cli(["pay", weather, "--from", "poor", "--max-amount", "5000uopen", ...keys]),
    ]);
    assert.equal(tooLow.code, 1);
    assert.equal(tooLow.stdout, "");
    assert.match(tooLow.stderr, /^Error: not paid: .*1234uopen is more than 1000.*--max-amount 1000uopen/);
    assert.equal(unfunded.code, 1);
    assert.equal(unfunded.stdout, "");
    assert.match(unfunded.stderr, /^Error: payment refused \(402\): insufficient_funds/);
    assert.equal(server.served, served, "the handler never ran");
    assert.deepEqual(await balances(), before);
  });

  it("tx settlement settle settles a header (or a file) signed by eve; --from pays the gas", async () => {
    const before = await balances();
    const byHeader = await evePays(2);
    const settle = (what: string, ...more: string[]) =>
      cli(["tx", "settlement", "settle", what, "--from", "carol", ...keys, ...node, ...more]);
    const settled = await settle(byHeader.header, "-o", "json");
    assert.equal(settled.code, 0, settled.stderr);
    const out = JSON.parse(settled.stdout) as { txhash: string; code: number; response: { jobId: string } };
    assert.match(out.txhash, /^[0-9A-F]{64}$/);
    assert.deepEqual([out.code, out.response.jobId], [0, "0"]);

    const byFile = await evePays(1);
    const file = join(ctx.node.home, "payment.json");
    await writeFile(file, JSON.stringify(byFile.json));
    const fromFile = await settle(file);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.match(fromFile.stdout, /^txhash: [0-9A-F]{64}\n[\s\S]*jobId: 0/);

    const { query, disconnect } = await connectOpenledgerQuery(ctx.node.rpcUrl);
    try {
      for (const p of [byHeader, byFile]) {
        const payment = await query.settlement.payment(eve, p.nonce);
        assert.equal(payment.facilitator, carol);
        assert.equal(payment.authorization?.to, bob);
      }
    } finally {
      disconnect();
    }
    const after = { eve: before.eve - 2n * PRICE, bob: before.bob + 2n * PRICE };
    assert.deepEqual(await balances(), after, "the payer pays the price, the facilitator the gas");
    // The same header again: refused by the chain (nonce used), nothing moves.
    await assert.rejects(
      runInProcess(["tx", "settlement", "settle", byHeader.header, "--from", "carol", ...keys, ...node]),
      /tx refused in simulation with code 7: .*already settled/,
    );
    assert.deepEqual(await balances(), after);
  });

  it("bad inputs are refused with a clear message before anything is sent", async () => {
    const before = await balances();
    const served = server.served;
    const pay = (...args: string[]) => ["pay", ...args, ...keys];
    const settle = (what: string) => [
      "tx",
      "settlement",
      "settle",
      what,
      "--from",
      "carol",
      ...keys,
      ...node,
    ];
    const cases: [string[], RegExp][] = [
      [pay("not a url", "--from", "eve", "--max-amount", "5000uopen"), /"not a url" is not a URL/],
      [pay("ftp://127.0.0.1/x", "--from", "eve", "--max-amount", "5000uopen"), /not an http\(s\) URL/],
      [pay(weather, "--from", "eve", "--max-amount", "5000"), /--max-amount: invalid coin "5000"/],
      [pay(weather, "--from", "eve", "--max-amount", "5uopen,6ufoo"), /--max-amount must be one coin/],
      [pay(weather, "--from", "nobody", "--max-amount", "5000uopen"), /key "nobody" not found/],
      [
        pay(weather, "--from", "eve", "--max-amount", "5000uopen", "--header", "no colon"),
        /--header must read/,
      ],
      [
        pay(weather, "--from", "eve", "--max-amount", "5000uopen", "--data", "x", "--method", "GET"),
        /--data/,
      ],
      [settle("%%%not-base64"), /no file and not a valid x402 payment header: .*not base64/],
      [settle(Buffer.from('{"x402Version":3}').toString("base64")), /x402Version must be 1 or 2/],
      [settle(ctx.node.home), /is not a file/],
      [["query", "settlement", "payment", eve, "abcd", ...node], /nonce: must be 32 bytes/],
      [["query", "settlement", "payments-by-payee", "open1nope", ...node], /payee: .*not a bech32 address/],
    ];
    for (const [args, message] of cases) await assert.rejects(runInProcess(args), message, args.join(" "));
    assert.equal(server.served, served);
    assert.deepEqual(await balances(), before);
    const { query, disconnect } = await connectOpenledgerQuery(ctx.node.rpcUrl);
    try {
      assert.equal((await query.settlement.paymentsByPayer(eve)).payments.length, 4);
    } finally {
      disconnect();
    }
  });
});
