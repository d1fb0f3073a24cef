// x402 settlement benchmark (`npm run bench:x402`; not a test).
//
// Starts a dev node (its facilitator signs as the dev validator's operator, alice), a resource
// server on 127.0.0.1 with one paid route and the same handler unpaid, and funds --payers fresh
// accounts. Then --payments paid calls, --concurrency at a time, each through the paying fetch
// (stock cosmjs amino wallet): the unpaid request, its 402, the signed retry, /verify, the handler,
// /settle (the node admits MsgSettlePayment, waits for its block) and the 200 with
// PAYMENT-RESPONSE. Prints settlements per second and p50/p99 from the first request to the paid
// 200, next to the same calls without the paywall and to the block interval (the floor of any
// on-chain settlement), as ratios measured in this run.
//
//   npm run bench:x402                                          # 600 payments, 60 at a time
//   npm run bench:x402 -- --payments 2000 --concurrency 200 --block-interval 500
//   npm run bench:x402 -- --cpu-prof      # profile the node, print its hottest functions
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { paymentResponse, wrapFetchWithPayment } from "../client/x402/fetch.js";
import { withPayment } from "../client/x402/middleware.js";
import { paymentPayload, signPayment } from "../client/x402/payer.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}
const PAYMENTS = flag("payments", 600);
const CONCURRENCY = flag("concurrency", 60);
const PAYERS = flag("payers", 10);
const BLOCK_MS = flag("block-interval", 1000);
const PRICE = 1000n;
const PROFILE = args.includes("--cpu-prof");
const log = (line: string) => process.stderr.write(`${line}\n`);

const accounts = JSON.parse(
  await import("node:fs").then((fs) => fs.readFileSync(join(ROOT, "genesis/dev-accounts.json"), "utf8")),
) as { name: string; mnemonic: string; address: string }[];
const alice = accounts.find((a) => a.name === "alice")!;
const bob = accounts.find((a) => a.name === "bob")!;

function run(cmd: string[], stdin = ""): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/openledgerd.js"), ...cmd], {
      stdio: ["pipe", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd.join(" ")}: ${err}`))));
    child.stdin.end(stdin);
  });
}

async function startNode(home: string, profileDir?: string) {
  await run(
    ["keys", "add", "operator", "--recover", "--home", home, "--keyring-backend", "test"],
    `${alice.mnemonic}\n`,
  );
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []),
      join(ROOT, "bin/openledgerd.js"),
      "start",
      "--dev",
      "--home",
      home,
      "--rpc.laddr",
      "tcp://127.0.0.1:0",
      "--p2p.laddr",
      "/ip4/127.0.0.1/tcp/0",
      "--metrics.laddr",
      "",
      "--block-interval",
      String(BLOCK_MS),
      "--log-format",
      "json",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (line.includes('"node started"')) resolve(JSON.parse(line).rpcPort);
      }
    });
    child.once("exit", () => reject(new Error("the node exited before it started")));
  });
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((r) => child.once("exit", () => r()).kill("SIGTERM")),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function drive(n: number, concurrency: number, call: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "openledger-bench-x402-"));
  const profileDir = PROFILE ? join(home, "profile") : undefined;
  const node = await startNode(home, profileDir);
  try {
    const handler = (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"weather":"sunny"}');
    };
    const paid = withPayment(
      { amount: PRICE, payTo: bob.address },
      { facilitator: `${node.url}/x402`, chainId: "openledger-dev-1" },
      handler,
    );
    const server = createServer(
      (req, res) => void (req.url === "/free" ? handler(req, res) : paid(req, res)),
    );
    // Longer than the clients' pooled keep-alive, so an idle socket is never closed under a request.
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    log(`funding ${PAYERS} payers`);
    const payers = await Promise.all(
      Array.from({ length: PAYERS }, () => Secp256k1HdWallet.generate(12, { prefix: "open" })),
    );
    const funder = await SigningStargateClient.connectWithSigner(
      node.url,
      await DirectSecp256k1HdWallet.fromMnemonic(accounts.find((a) => a.name === "carol")!.mnemonic, {
        prefix: "open",
      }),
      { gasPrice: GasPrice.fromString("0.025uopen") },
    );
    const addresses = await Promise.all(payers.map(async (p) => (await p.getAccounts())[0]!.address));
    const carol = accounts.find((a) => a.name === "carol")!.address;
    const perPayer = 2n * BigInt(Math.ceil(PAYMENTS / PAYERS) + 1) * PRICE; // two phases
    const res = await funder.signAndBroadcast(
      carol,
      addresses.map((to) => ({
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: {
          fromAddress: carol,
          toAddress: to,
          amount: [{ denom: "uopen", amount: perPayer.toString() }],
        },
      })),
      "auto",
    );
    if (res.code !== 0) throw new Error(`funding failed: ${res.rawLog}`);
    funder.disconnect();
    const fetchers = payers.map((p) => wrapFetchWithPayment(fetch, p, { maxAmount: PRICE }));

    log(`baseline: ${PAYMENTS} unpaid calls, ${CONCURRENCY} at a time`);
    const free = await drive(PAYMENTS, CONCURRENCY, async () => {
      const r = await fetch(`${base}/free`);
      if (r.status !== 200) throw new Error(`free call answered ${r.status}`);
      await r.arrayBuffer();
    });
    log(`paid: ${PAYMENTS} calls, ${CONCURRENCY} at a time (block interval ${BLOCK_MS} ms)`);
    const settled = await drive(PAYMENTS, CONCURRENCY, async (i) => {
      const r = await fetchers[i % PAYERS]!(`${base}/paid`);
      if (r.status !== 200 || !paymentResponse(r)?.success)
        throw new Error(`paid call ${i} answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    });
    server.close();

    // The facilitator alone: payments signed beforehand (not timed), then POST /x402/settle.
    log(`facilitator: signing ${PAYMENTS} payments (not timed), then /x402/settle, ${CONCURRENCY} at a time`);
    const requirements = {
      scheme: "exact",
      network: "cosmos:openledger-dev-1",
      amount: PRICE.toString(),
      asset: "uopen",
      payTo: bob.address,
      maxTimeoutSeconds: 600,
    };
    const bodies: string[] = [];
    for (let i = 0; i < PAYMENTS; i++) {
      const payload = await signPayment(payers[i % PAYERS]!, requirements, `${base}/paid`);
      bodies.push(
        JSON.stringify({
          paymentPayload: paymentPayload(2, requirements, payload),
          paymentRequirements: requirements,
        }),
      );
    }
    // Let the event loop see the sockets the servers closed while this process was busy signing.
    await new Promise((r) => setTimeout(r, 500));
    const direct = await drive(PAYMENTS, CONCURRENCY, async (i) => {
      const r = await fetch(`${node.url}/x402/settle`, { method: "POST", body: bodies[i]! });
      const answer = (await r.json()) as { success: boolean; errorMessage?: string };
      if (!answer.success) throw new Error(`settle ${i} failed: ${answer.errorMessage}`);
    });
    const f = (x: number) => x.toFixed(1);
    console.log(
      `x402 settlement, ${PAYMENTS} payments, ${CONCURRENCY} concurrent, ${PAYERS} payers, block interval ${BLOCK_MS} ms`,
    );
    console.log(
      `  settled per second          ${f(settled.perSecond)}   (unpaid calls: ${f(free.perSecond)}/s; ratio ${(settled.perSecond / free.perSecond).toFixed(4)})`,
    );
    console.log(`  first request → paid 200    p50 ${f(settled.p50)} ms, p99 ${f(settled.p99)} ms`);
    console.log(`  unpaid call                 p50 ${f(free.p50)} ms, p99 ${f(free.p99)} ms`);
    console.log(
      `  p50 / block interval        ${(settled.p50 / BLOCK_MS).toFixed(2)}   (settlement waits for the block that includes it)`,
    );
    console.log(
      `  facilitator alone           ${f(direct.perSecond)} settled/s (${(direct.perSecond / settled.perSecond).toFixed(2)} × the full round); /settle p50 ${f(direct.p50)} ms, p99 ${f(direct.p99)} ms`,
    );
    console.log(
      JSON.stringify({
        payments: PAYMENTS,
        concurrency: CONCURRENCY,
        blockIntervalMs: BLOCK_MS,
        settledPerSecond: settled.perSecond,
        p50Ms: settled.p50,
        p99Ms: settled.p99,
        freePerSecond: free.perSecond,
        freeP50Ms: free.p50,
        facilitatorPerSecond: direct.perSecond,
        facilitatorP50Ms: direct.p50,
        facilitatorP99Ms: direct.p99,
      }),
    );
  } finally {
    await node.stop();
    if (profileDir) {
      const { readdir } = await import("node:fs/promises");
      const { summarizeCpuProfile } = await import("./cpu-profile.js");
      for (const f of await readdir(profileDir))
        console.log(await summarizeCpuProfile(join(profileDir, f), 30));
    }
    await rm(home, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
