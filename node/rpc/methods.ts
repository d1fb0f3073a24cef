// The JSON-RPC method table: parameter specs and handlers, as CometBFT 0.38's rpc/core routes.
import type { RpcBackend } from "./backend.js";
import { toBase64, toHexUpper, txHash } from "./encoding.js";
import { internalError, invalidParams } from "./errors.js";
import type { EventHub } from "./events.js";
import {
  blockIdJson,
  blockJson,
  blockMetaJson,
  commitJson,
  headerJson,
  type Json,
  statusJson,
  validatorJson,
} from "./json.js";
import {
  abciInfoJson,
  abciQueryJson,
  blockResultsJson,
  broadcastJson,
  consensusParamsJson,
  execTxResultJson,
  resultTxJson,
} from "./json-abci.js";
import { paginate } from "./paging.js";
import type { ParamSpec, Params } from "./params.js";
import { parseQuery, QuerySyntaxError } from "./query.js";

export interface CallContext {
  backend: RpcBackend;
  hub: EventHub;
  rpcAddress: string;
  broadcastTxCommitTimeoutMs: number;
  /** Set for calls that arrive over the websocket. */
  ws?: WsCalls;
}

/** subscribe/unsubscribe/unsubscribe_all, implemented by the websocket session. */
export interface WsCalls {
  subscribe(query: string): Json;
  unsubscribe(query: string): Json;
  unsubscribeAll(): Json;
}

export interface MethodDef {
  params: readonly ParamSpec[];
  handler: (p: Params, ctx: CallContext) => Promise<Json> | Json;
}

const GENESIS_CHUNK_SIZE = 16 * 1024 * 1024;
const EMPTY_BLOCK = { block_id: blockIdJson(undefined), block: null };

const str = (p: Params, k: string) => p[k] as string | undefined;
const num = (p: Params, k: string) => p[k] as number | undefined;
const big = (p: Params, k: string) => p[k] as bigint | undefined;
function bytes(p: Params, k: string): Uint8Array {
  const v = p[k];
  if (!(v instanceof Uint8Array)) throw invalidParams(`${k}: required`);
  return v;
}

/** CometBFT's getHeight: default latest, else within [earliest, latest]. */
export function resolveHeight(backend: RpcBackend, h: bigint | undefined): bigint {
  const { earliest, latest } = backend.heights();
  if (h === undefined) return latest;
  if (h > latest) {
    throw internalError(`height ${h} must be less than or equal to the current blockchain height ${latest}`);
  }
  if (h < earliest) throw internalError(`height ${h} is not available, lowest height is ${earliest}`);
  return h;
}

function parse(text: string | undefined) {
  if (text === undefined) throw invalidParams("query: required");
  try {
    return parseQuery(text);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw invalidParams(`failed to parse query: ${err.message}`);
    throw err;
  }
}

const H: ParamSpec = ["height", "height"];
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
      const query = parse(str(p, "query"));
      const opts = { page: num(p, "page"), perPage: num(p, "per_page"), orderBy: str(p, "order_by") };
      const res = await c.backend.txIndex.search(query, opts);
      return { txs: res.txs.map(resultTxJson), total_count: String(res.totalCount) };
    },
  },
  block: {
    params: [H],
    handler: async (p, c) => {
      const found = await c.backend.block(resolveHeight(c.backend, big(p, "height")));
      return found ? { block_id: blockIdJson(found.blockId), block: blockJson(found.block) } : EMPTY_BLOCK;
    },
  },
  block_by_hash: {
    params: [["hash", "bytes"]],
    handler: async (p, c) => {
      const found = await c.backend.blockByHash(bytes(p, "hash"));
      return found ? { block_id: blockIdJson(found.blockId), block: blockJson(found.block) } : EMPTY_BLOCK;
    },
  },
  header: {
    params: [H],
    handler: async (p, c) => {
      const found = await c.backend.block(resolveHeight(c.backend, big(p, "height")));
      return { header: found ? headerJson(found.block.header) : null };
    },
  },
  header_by_hash: {
    params: [["hash", "bytes"]],
    handler: async (p, c) => {
      const found = await c.backend.blockByHash(bytes(p, "hash"));
      return { header: found ? headerJson(found.block.header) : null };
    },
  },
  blockchain: {
    params: [
      ["minHeight", "int"],
      ["maxHeight", "int"],
    ],
    handler: async (p, c) => {
      const { earliest, latest } = c.backend.heights();
      let min = BigInt(num(p, "minHeight") ?? 0);
      let max = BigInt(num(p, "maxHeight") ?? 0);
      if (min === 0n) min = 1n;
      if (max === 0n || max > latest) max = latest;
      if (min < earliest) min = earliest;
      if (min < max - 19n) min = max - 19n;
      if (min > max) throw internalError(`min height ${min} can't be greater than max height ${max}`);
      const metas = await c.backend.blockMetas(min, max);
      metas.sort((a, b) => (a.header.height > b.header.height ? -1 : 1));
      return { last_height: latest.toString(), block_metas: metas.map(blockMetaJson) };
    },
  },
  block_results: {
    params: [H],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const r = await c.backend.blockResults(height);
      if (!r) throw internalError(`could not find results for height #${height}`);
      return blockResultsJson(height, r);
    },
  },
  commit: {
    params: [H],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const r = await c.backend.commit(height);
      if (!r?.signedHeader.header) throw internalError(`commit for height ${height} not found`);
      const { header, commit } = r.signedHeader;
      return {
        signed_header: { header: headerJson(header), commit: commitJson(commit) },
        canonical: r.canonical,
      };
    },
  },
  validators: {
    params: [H, ["page", "int"], ["per_page", "int"]],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const vals = await c.backend.validators(height);
      if (!vals) throw internalError(`could not find validator set for height #${height}`);
      const { skip, perPage } = paginate(vals.length, num(p, "page"), num(p, "per_page"));
      return {
        block_height: height.toString(),
        validators: vals.slice(skip, skip + perPage).map(validatorJson),
        count: String(Math.min(perPage, vals.length - skip)),
        total: String(vals.length),
      };
    },
  },
  consensus_params: {
    params: [H],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const params = await c.backend.consensusParams(height);
      if (!params) throw internalError(`could not find consensus params for height #${height}`);
      return { block_height: height.toString(), consensus_params: consensusParamsJson(params) };
    },
  },
  genesis: {
    params: [],
    handler: async (_p, c) => {
      const genesis = await c.backend.genesis();
      if (JSON.stringify(genesis).length > GENESIS_CHUNK_SIZE) {
        throw internalError("genesis response is large, please use the genesis_chunked API instead");
      }
      return { genesis };
    },
  },
  genesis_chunked: {
    params: [["chunk", "int"]],
    handler: async (p, c) => {
      const doc = new TextEncoder().encode(JSON.stringify(await c.backend.genesis()));
      const total = Math.max(1, Math.ceil(doc.length / GENESIS_CHUNK_SIZE));
      const chunk = num(p, "chunk") ?? 0;
      if (chunk >= total) throw internalError(`there are ${total} chunks, ${chunk} is invalid`);
      const data = doc.subarray(chunk * GENESIS_CHUNK_SIZE, (chunk + 1) * GENESIS_CHUNK_SIZE);
      return { chunk: String(chunk), total: String(total), data: toBase64(data) };
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
