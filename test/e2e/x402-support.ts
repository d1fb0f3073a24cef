// Shared pieces of the x402 end-to-end tests: a dev node whose facilitator runs (alice, the dev
// validator's operator, is key "operator" in its test keyring), a resource server on 127.0.0.1
// protected by the middleware, and stock cosmjs amino wallets for payers.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { StargateClient } from "@cosmjs/stargate";
import { type PaidRoute, withPayment } from "../../client/x402/middleware.js";
import { CHAIN_ID, DENOM, devAccount, PREFIX } from "./harness.js";

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));

export function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, OPENLEDGER_KEYRING_BACKEND: undefined, OPENLEDGER_NODE: undefined };
    const child = execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

/** Puts a dev account's key in the home's test keyring under `name`. */
export async function addKey(home: string, name: string, who: string): Promise<void> {
  const r = await cli(
    ["keys", "add", name, "--recover", "--home", home, "--keyring-backend", "test"],
    `${devAccount(who).mnemonic}\n`,
  );
  assert.equal(r.code, 0, r.stderr);
}

export function aminoWallet(who: string): Promise<Secp256k1HdWallet> {
  return Secp256k1HdWallet.fromMnemonic(devAccount(who).mnemonic, { prefix: PREFIX });
}

export interface ResourceServer {
  url: string;
  close(): Promise<void>;
  /** How many times a handler ran. */
  served: number;
}

/** A resource server: GET /weather (plain route) and POST /paths registered by the caller. */
export async function startResourceServer(
  rpcUrl: string,
  routes: Record<string, { route: PaidRoute; handler: (req: IncomingMessage, res: ServerResponse) => void }>,
): Promise<ResourceServer> {
  const opts = { facilitator: `${rpcUrl}/x402`, chainId: CHAIN_ID };
  const state = { served: 0 };
  const handlers = Object.fromEntries(
    Object.entries(routes).map(([path, r]) => [
      path,
      withPayment(r.route, opts, (req, res) => {
        state.served++;
        r.handler(req, res);
      }),
    ]),
  );
  const server: Server = createServer((req, res) => {
    const h = handlers[new URL(req.url ?? "/", "http://x").pathname];
    if (!h) {
      res.writeHead(404).end();
      return;
    }
    void h(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get served() {
      return state.served;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function balanceOf(rpcUrl: string, address: string): Promise<bigint> {
  const c = await StargateClient.connect(rpcUrl);
  try {
    return BigInt((await c.getBalance(address, DENOM)).amount);
  } finally {
    c.disconnect();
  }
}
