// The JSON-RPC method table, as CometBFT 0.38's rpc/core routes: info, ABCI, txs, mempool,
// websocket-only subscription methods, plus the block-store methods of methods-blocks.ts.
import { toBase64, toHexUpper, txHash } from "./encoding.js";
import { internalError } from "./errors.js";
import { type Json, statusJson } from "./json.js";
import { abciInfoJson, abciQueryJson, broadcastJson, execTxResultJson, resultTxJson } from "./json-abci.js";
import { BLOCK_METHODS } from "./methods-blocks.js";
import {
  big,
  bytes,
  type CallContext,
  HEIGHT as H,
  type MethodDef,
  num,
  queryParam,
  str,
  type WsCalls,
} from "./methods-common.js";
import type { ParamSpec } from "./params.js";

export type { CallContext, MethodDef, WsCalls } from "./methods-common.js";

const TX: ParamSpec = ["tx", "bytes"];

export const METHODS: Record<string, MethodDef> = {
  health: { params: [], handler: () => ({}) },
  status: {
    params: [],
    handler: async (_p, c) =>
      statusJson(await c.backend.status(), { rpcAddress: c.rpcAddress, txIndex: true }),
  },
  net_info: {
    params: [],
    handler: async (_p, c) => {
      const n = await c.backend.netInfo();
      return {
        listening: n.listening,
        listeners: n.listeners,
        n_peers: String(n.peers.length),
        peers: n.peers.map((peer) => ({
          node_info: {
            id: peer.nodeId,
            listen_addr: peer.listenAddr,
            network: peer.network,
            moniker: peer.moniker,
          },
          is_outbound: peer.isOutbound,
          remote_ip: peer.remoteIp,
        })),
      };
    },
  },
  abci_info: { params: [], handler: async (_p, c) => abciInfoJson(await c.backend.abciInfo()) },
  abci_query: {
    params: [["path", "string"], ["data", "hex"], H, ["prove", "bool"]],
    handler: async (p, c) => {
      const height = big(p, "height") ?? 0n;
      const data = (p["data"] as Uint8Array | undefined) ?? new Uint8Array();
      const req = { path: str(p, "path") ?? "", data, height, prove: p["prove"] === true };
      return abciQueryJson(await c.backend.abciQuery(req));
    },
  },
  check_tx: {
    params: [TX],
    handler: async (p, c) => execTxResultJson(await c.backend.checkTx(bytes(p, "tx"))),
  },
  broadcast_tx_sync: {
    params: [TX],
    handler: async (p, c) => {
      const tx = bytes(p, "tx");
      return broadcastJson(txHash(tx), await c.backend.broadcastTx(tx));
    },
  },
  broadcast_tx_async: {
    params: [TX],
    handler: (p, c) => {
      const tx = bytes(p, "tx");
      c.backend.broadcastTx(tx).catch(() => {});
      return broadcastJson(txHash(tx));
    },
  },
  broadcast_tx_commit: {
    params: [TX],
    handler: async (p, c) => {
      const tx = bytes(p, "tx");
      const hash = txHash(tx);
      const wait = c.hub.waitForTx(hash, c.broadcastTxCommitTimeoutMs);
      try {
        const check = await c.backend.broadcastTx(tx);
        const checkJson = execTxResultJson(check);
        if (check.code !== 0) {
          wait.cancel();
          return { check_tx: checkJson, tx_result: emptyTxResult(), hash: toHexUpper(hash), height: "0" };
        }
        const committed = await wait.promise;
        if (!committed) throw internalError("timed out waiting for tx to be included in a block");
        return {
          check_tx: checkJson,
          tx_result: execTxResultJson(committed.result),
          hash: toHexUpper(hash),
          height: committed.height.toString(),
        };
      } finally {
        wait.cancel();
      }
    },
  },
  tx: {
    params: [
      ["hash", "bytes"],
      ["prove", "bool"],
    ],
    handler: async (p, c) => {
      const hash = bytes(p, "hash");
      const found = await c.backend.txIndex.get(hash);
      if (!found) throw internalError(`tx (${toHexUpper(hash)}) not found`);
      return resultTxJson(found);
    },
  },
  tx_search: {
    params: [
      ["query", "string"],
      ["prove", "bool"],
      ["page", "int"],
      ["per_page", "int"],
      ["order_by", "string"],
    ],
    handler: async (p, c) => {
      const query = queryParam(str(p, "query"));
      const opts = { page: num(p, "page"), perPage: num(p, "per_page"), orderBy: str(p, "order_by") };
      const res = await c.backend.txIndex.search(query, opts);
      return { txs: res.txs.map(resultTxJson), total_count: String(res.totalCount) };
    },
  },
  num_unconfirmed_txs: {
    params: [],
    handler: async (_p, c) => {
      const u = await c.backend.unconfirmedTxs(0);
      return { n_txs: String(u.total), total: String(u.total), total_bytes: String(u.totalBytes), txs: null };
    },
  },
  unconfirmed_txs: {
    params: [["limit", "int"]],
    handler: async (p, c) => {
      let limit = num(p, "limit") ?? 30;
      if (limit < 1) limit = 30;
      if (limit > 100) limit = 100;
      const u = await c.backend.unconfirmedTxs(limit);
      const txs = u.txs.slice(0, limit);
      return {
        n_txs: String(txs.length),
        total: String(u.total),
        total_bytes: String(u.totalBytes),
        txs: txs.map(toBase64),
      };
    },
  },
  ...BLOCK_METHODS,
  subscribe: { params: [["query", "string"]], handler: (p, c) => wsOnly(c).subscribe(str(p, "query") ?? "") },
  unsubscribe: {
    params: [["query", "string"]],
    handler: (p, c) => wsOnly(c).unsubscribe(str(p, "query") ?? ""),
  },
  unsubscribe_all: { params: [], handler: (_p, c) => wsOnly(c).unsubscribeAll() },
};

export const WS_ONLY = new Set(["subscribe", "unsubscribe", "unsubscribe_all"]);

function wsOnly(c: CallContext): WsCalls {
  if (!c.ws) throw internalError("this method is only available over the websocket at /websocket");
  return c.ws;
}

function emptyTxResult(): Json {
  return { code: 0, data: "", log: "", info: "", gas_wanted: "0", gas_used: "0", events: [], codespace: "" };
}
