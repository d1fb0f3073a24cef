// A light proxy (`openledgerd light --proxy`): serves CometBFT JSON-RPC to wallets and tools, and
// every answer it passes on is verified first, trusting the upstream node for nothing:
//
//   status               upstream's node info, with sync_info from the latest verified header
//   header, commit       re-encoded from the verified light block of that height
//   validators           the verified set of that height
//   abci_query           /store/<module>/key (value or proven absence), and the two queries the
//                        stock cosmjs StargateClient needs for balances and accounts, answered from
//                        proven store values: /cosmos.bank.v1beta1.Query/Balance, …auth…/Account
//
// Anything else is refused (-32601 "not verifiable by the light proxy"): a proxy that passed
// unverified answers on would give its users a false sense of safety.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { accountKey } from "../modules/auth/keys.js";
import { parseAddress } from "../node/app/address.js";
import { BodyTooLargeError, readBodyText, sendJson } from "../node/rpc/http-body.js";
import { commitJson, headerJson, validatorJson } from "../node/rpc/json.js";
import { headerHash } from "../node/types/header.js";
import type { LightClient } from "./client.js";
import type { RpcProvider } from "./provider.js";
import { verifiedBalance, verifiedStoreQuery } from "./query.js";

export interface LightProxyOptions {
  client: LightClient;
  provider: RpcProvider;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  onError?: (err: unknown) => void;
}

type Params = Record<string, unknown>;

class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const hexUpper = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const MAX_BODY = 1024 * 1024;

function heightParam(p: Params): bigint | undefined {
  const v = p.height;
  if (v === undefined || v === null || v === "" || v === "0" || v === 0) return undefined;
  if (typeof v !== "string" && typeof v !== "number") throw new RpcFailure(-32602, "height must be a number");
  if (!/^[1-9][0-9]{0,18}$/.test(String(v)))
    throw new RpcFailure(-32602, `invalid height ${JSON.stringify(v)}`);
  return BigInt(v);
}

function hexParam(p: Params, name: string): Uint8Array {
  const v = p[name] ?? "";
  if (typeof v !== "string" || !/^(0x)?([0-9a-fA-F]{2})*$/.test(v))
    throw new RpcFailure(-32602, `${name} must be hex`);
  return Uint8Array.from(Buffer.from(v.replace(/^0x/, ""), "hex"));
}

function queryAnswer(
  height: bigint,
  key: Uint8Array,
  value: Uint8Array,
  refusal?: { code: number; log: string; codespace: string },
) {
  return {
    response: {
      code: 0,
      log: "",
      info: "",
      index: "0",
      key: b64(key),
      value: b64(value),
      proofOps: null,
      height: height.toString(),
      codespace: "",
      ...refusal,
    },
  };
}

export class LightProxy {
  constructor(private readonly o: LightProxyOptions) {}

  /** The newest height whose next header exists (state proofs need header H+1). */
  private async stateHeight(p: Params): Promise<bigint> {
    const asked = heightParam(p);
    if (asked !== undefined) return asked;
    return (await this.o.provider.status()).latestHeight - 1n;
  }

  async handle(method: string, p: Params): Promise<unknown> {
    const { client, provider } = this.o;
    switch (method) {
      case "status": {
        const raw = (await provider.call("status", {})) as { sync_info?: Record<string, unknown> };
        const latest = BigInt(String(raw?.sync_info?.latest_block_height ?? "0"));
        const lb = await client.verifyTo(latest);
        const h = lb.header;
        const time = headerJson(h).time;
        return {
          ...raw,
          sync_info: {
            ...raw.sync_info,
            latest_block_hash: hexUpper(headerHash(h)),
            latest_app_hash: hexUpper(h.appHash),
            latest_block_height: h.height.toString(),
            latest_block_time: time,
          },
        };
      }
      case "header":
      case "commit": {
        const height = heightParam(p) ?? (await provider.status()).latestHeight;
        const lb = await client.verifyTo(height);
        if (method === "header") return { header: headerJson(lb.header) };
        return {
          signed_header: { header: headerJson(lb.header), commit: commitJson(lb.commit) },
          canonical: true,
        };
      }
      case "validators": {
        const height = heightParam(p) ?? (await provider.status()).latestHeight;
        const lb = await client.verifyTo(height);
        return {
          block_height: height.toString(),
          validators: lb.validators.map((v) =>
            validatorJson({
              address: v.address,
              pubKey: { ed25519: v.pubKey, secp256k1: undefined },
              votingPower: v.votingPower,
              proposerPriority: v.proposerPriority ?? 0n,
            }),
          ),
          count: String(lb.validators.length),
          total: String(lb.validators.length),
        };
      }
      case "abci_query":
        return this.abciQuery(p);
      default:
        throw new RpcFailure(
          -32601,
          `${method} is not verifiable by the light proxy (served: status, header, commit, validators, abci_query)`,
        );
    }
  }

  private async abciQuery(p: Params): Promise<unknown> {
    const { client, provider } = this.o;
    const path = typeof p.path === "string" ? p.path : "";
    const data = hexParam(p, "data");
    const height = await this.stateHeight(p);
    const store = /^\/store\/([a-z][a-z0-9_]*)\/key$/.exec(path);
    if (store) {
      const r = await verifiedStoreQuery(client, provider, store[1]!, data, height);
      return queryAnswer(r.height, data, r.value ?? new Uint8Array(0));
    }
    if (path === "/cosmos.bank.v1beta1.Query/Balance") {
      const req = decodeRequest(() => QueryBalanceRequest.decode(data));
      const r = await verifiedBalance(client, provider, req.address, req.denom, height);
      const value = QueryBalanceResponse.encode({
        balance: { denom: r.denom, amount: r.amount.toString() },
      }).finish();
      return queryAnswer(r.height, new Uint8Array(0), value);
    }
    if (path === "/cosmos.auth.v1beta1.Query/Account") {
      const req = decodeRequest(() => QueryAccountRequest.decode(data));
      let address: Uint8Array;
      try {
        address = parseAddress(req.address);
      } catch (err) {
        throw new RpcFailure(-32602, (err as Error).message);
      }
      const r = await verifiedStoreQuery(client, provider, "auth", accountKey(address), height);
      if (r.value === undefined) {
        // Proven absent: the answer the node gives (cosmjs reads it as "no account yet").
        const log = `rpc error: code = NotFound desc = account ${req.address} not found: key not found`;
        return queryAnswer(r.height, new Uint8Array(0), new Uint8Array(0), {
          code: 22,
          log,
          codespace: "sdk",
        });
      }
      const any = { typeUrl: "/cosmos.auth.v1beta1.BaseAccount", value: r.value };
      return queryAnswer(r.height, new Uint8Array(0), QueryAccountResponse.encode({ account: any }).finish());
    }
    throw new RpcFailure(-32601, `abci_query ${path || "(no path)"} is not verifiable by the light proxy`);
  }
}

function decodeRequest<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new RpcFailure(-32602, `data is not the query's request: ${(err as Error).message}`);
  }
}

/** Starts the proxy's HTTP server (JSON-RPC POST, and the GET URI form `/status`, `/commit?height=5`). */
export async function startLightProxy(
  o: LightProxyOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const proxy = new LightProxy(o);
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let id: unknown = -1;
    const send = (body: object) =>
      sendJson(res, 200, { jsonrpc: "2.0", id, ...body }, { "Access-Control-Allow-Origin": "*" });
    try {
      let method: string;
      let params: Params;
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method === "POST") {
        let body: { id?: unknown; method?: unknown; params?: unknown };
        try {
          body = JSON.parse(await readBodyText(req, MAX_BODY));
        } catch (err) {
          if (err instanceof BodyTooLargeError) throw new RpcFailure(-32600, "request body too large");
          throw new RpcFailure(-32700, "parse error: the body is not JSON");
        }
        id = body?.id ?? -1;
        if (typeof body?.method !== "string") throw new RpcFailure(-32600, "method must be a string");
        method = body.method;
        params = (typeof body.params === "object" && body.params !== null ? body.params : {}) as Params;
      } else if (req.method === "GET") {
        method = url.pathname.replace(/^\/+/, "");
        params = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, v.replace(/^"(.*)"$/, "$1")]));
      } else throw new RpcFailure(-32600, `${req.method} is not served: use POST or GET`);
      send({ result: await proxy.handle(method, params) });
    } catch (err) {
      if (err instanceof RpcFailure)
        return send({ error: { code: err.code, message: err.message, data: "" } });
      o.onError?.(err);
      // A verification failure: nothing is passed on, the reason is.
      send({ error: { code: -32603, message: "Internal error", data: (err as Error).message } });
    }
  };
  const server: Server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host ?? "127.0.0.1"}:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
