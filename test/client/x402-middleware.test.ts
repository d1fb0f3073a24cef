// The resource-server middleware in-process, against a scripted facilitator: what the handler wrote
// never leaks into a refusal, one payment runs the handler once at a time, a client gone before the
// answer is not charged, and express-style errors reach next() instead of becoming unhandled.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { encodeHeader } from "../../client/x402/codec.js";
import { FacilitatorClient } from "../../client/x402/facilitator-client.js";
import { type PaidRoute, requirePayment, withPayment } from "../../client/x402/middleware.js";
import { paymentPayload, signPayment } from "../../client/x402/payer.js";
import {
  HEADERS,
  type PaymentRequirements,
  type SettleResponse,
  type VerifyResponse,
} from "../../client/x402/types.js";
import { CHAIN_ID, DEV_ACCOUNTS, devAddress } from "../app/helpers.js";

const BOB = devAddress("bob");
const ROUTE: PaidRoute = { amount: 1000n, payTo: BOB };

const requirements: PaymentRequirements = {
  scheme: "exact",
  network: `cosmos:${CHAIN_ID}`,
  amount: "1000",
  asset: "uopen",
  payTo: BOB,
  maxTimeoutSeconds: 120,
};

/** A facilitator that accepts every payment and settles after `settleDelayMs` with `settleResult`. */
class ScriptedFacilitator {
  verifies = 0;
  settles = 0;
  verifyResult: unknown = { isValid: true, payer: devAddress("eve") };
  settleResult: SettleResponse = {
    success: true,
    transaction: "AB".repeat(32),
    network: requirements.network,
    payer: devAddress("eve"),
  };
  settleDelayMs = 0;

  async verify(): Promise<VerifyResponse> {
    this.verifies++;
    return this.verifyResult as VerifyResponse;
  }

  async settle(): Promise<SettleResponse> {
    this.settles++;
    await new Promise((r) => setTimeout(r, this.settleDelayMs));
    return this.settleResult;
  }
}

async function paymentHeader(url: string): Promise<string> {
  const entry = DEV_ACCOUNTS.find((a) => a.name === "eve")!;
  const wallet = await Secp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "open" });
  const payload = await signPayment(wallet, requirements, url);
  return encodeHeader(paymentPayload(2, requirements, payload, { url }));
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{
  server: Server;
  base: string;
}> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

describe("x402 middleware (scripted facilitator)", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  it("a refused settlement answers 402 without any header the handler set (no stale Content-Length)", async () => {
    const f = new ScriptedFacilitator();
    f.settleResult = {
      success: false,
      errorReason: "invalid_exact_cosmos_payload_nonce_used",
      errorMessage: "already settled",
      transaction: "",
      network: requirements.network,
    };
    const body = JSON.stringify({ secret: "the paid answer" });
    const s = await listen(
      withPayment(
        ROUTE,
        { facilitator: f as unknown as FacilitatorClient, chainId: CHAIN_ID },
        (_req, res) => {
          res.setHeader("X-Download-Token", "paid-content");
          res.writeHead(200, {
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(body),
          });
          res.end(body);
        },
      ),
    );
    server = s.server;
    const url = `${s.base}/weather`;
    const res = await fetch(url, { headers: { [HEADERS.signature]: await paymentHeader(url) } });
    assert.equal(res.status, 402);
    assert.equal(res.headers.get("x-download-token"), null, "the handler's headers are not sent");
    const text = await res.text();
    const length = res.headers.get("content-length");
    if (length !== null) assert.equal(Number(length), Buffer.byteLength(text), "Content-Length is the 402's");
    const json = JSON.parse(text) as { error: string };
    assert.match(json.error, /nonce_used/);
    assert.ok(res.headers.get(HEADERS.response), "the settlement's answer is still reported");
  });

  it("one payment runs the handler once at a time: a concurrent duplicate is refused before the handler", async () => {
    const f = new ScriptedFacilitator();
    f.settleDelayMs = 100;
    let runs = 0;
    const s = await listen(
      withPayment(
        ROUTE,
        { facilitator: f as unknown as FacilitatorClient, chainId: CHAIN_ID },
        (_req, res) => {
          runs++;
          res.end("sunny");
        },
      ),
    );
    server = s.server;
    const url = `${s.base}/weather`;
    const header = await paymentHeader(url);
    const answers = await Promise.all(
      [0, 1, 2].map(() => fetch(url, { headers: { [HEADERS.signature]: header } })),
    );
    const statuses = answers.map((r) => r.status).sort();
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    assert.deepEqual(statuses, [200, 402, 402]);
    assert.equal(runs, 1, "the handler ran once");
    assert.equal(f.settles, 1);
    // Once settled (here the scripted facilitator would accept it again), the payment is free again
    // for this middleware: the facilitator's own checks (nonce used on chain) refuse it from then on.
    const again = await fetch(url, { headers: { [HEADERS.signature]: header } });
    await again.arrayBuffer();
    assert.equal(again.status, 200);
  });

  it("a client gone before the handler answers is not charged", async () => {
    const f = new ScriptedFacilitator();
    let finish!: () => void;
    const handlerEnded = new Promise<void>((r) => {
      finish = r;
    });
    let release!: () => void;
    const started = new Promise<void>((r) => {
      release = r;
    });
    const s = await listen(
      withPayment(
        ROUTE,
        { facilitator: f as unknown as FacilitatorClient, chainId: CHAIN_ID },
        async (req, res) => {
          release();
          await new Promise<void>((r) => req.socket.once("close", () => r()));
          res.end("too late");
          finish();
        },
      ),
    );
    server = s.server;
    const url = `${s.base}/weather`;
    const abort = new AbortController();
    const pending = fetch(url, {
      headers: { [HEADERS.signature]: await paymentHeader(url) },
      signal: abort.signal,
    });
    await started;
    abort.abort();
    await assert.rejects(pending);
    await handlerEnded;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(f.verifies, 1);
    assert.equal(f.settles, 0, "nothing settled for an answer nobody can receive");
  });

  it("a route priced 0 is free (the chain settles no zero payments): served without a 402", async () => {
    const f = new ScriptedFacilitator();
    const s = await listen(
      withPayment(
        { amount: 0n, payTo: BOB, modelId: 1n },
        { facilitator: f as unknown as FacilitatorClient, chainId: CHAIN_ID },
        (_req, res) => {
          res.end("free");
        },
      ),
    );
    server = s.server;
    const res = await fetch(`${s.base}/v1/models/1/predict`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "free");
    assert.equal(f.verifies + f.settles, 0);
    assert.throws(() =>
      requirePayment({ amount: -1n, payTo: BOB }, { facilitator: f as never, chainId: CHAIN_ID }),
    );
  });

  it("a facilitator that never answers is an error after the client's timeout, not a hung request", async () => {
    const s = await listen(() => {}); // accepts, never answers
    server = s.server;
    const client = new FacilitatorClient(s.base, fetch, 200);
    const started = Date.now();
    await assert.rejects(client.verify({} as never), /timeout|aborted/i);
    assert.ok(Date.now() - started < 5_000);
  });

  it("express-style: a nonsense verdict is a refusal, an unexpected error a 500; never next() nor a crash", async () => {
    const f = new ScriptedFacilitator();
    f.verifyResult = null; // e.g. a facilitator (or a proxy before it) answering the JSON `null`
    let served = 0;
    let throwing = false;
    const mw = requirePayment(ROUTE, {
      facilitator: f as unknown as FacilitatorClient,
      chainId: CHAIN_ID,
      resourceUrl: (req) => {
        if (throwing) throw new Error("no resource URL for this request");
        return `http://${req.headers.host}${req.url}`;
      },
    });
    // A minimal (req, res, next) stack that ignores next's argument: next(err) would serve.
    const stack: ((req: IncomingMessage, res: ServerResponse, next: () => void) => unknown)[] = [
      mw,
      (_req, res) => {
        served++;
        res.end("paid content");
      },
    ];
    const s = await listen((req, res) => {
      const run = (i: number) => void stack[i]?.(req, res, () => run(i + 1));
      run(0);
    });
    server = s.server;
    const url = `${s.base}/weather`;
    const header = await paymentHeader(url);
    const refused = await fetch(url, { headers: { [HEADERS.signature]: header } });
    assert.equal(refused.status, 402);
    assert.match(await refused.text(), /unexpected_verify_error/);
    throwing = true;
    const failed = await fetch(url, { headers: { [HEADERS.signature]: header } });
    assert.equal(failed.status, 500);
    assert.match(await failed.text(), /no resource URL/);
    assert.equal(served, 0, "the paid handler never ran");
  });
});
