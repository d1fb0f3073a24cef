// The node's CometBFT JSON-RPC (POST to the page's origin) and its /websocket subscription to
// NewBlock events, reconnecting after a drop. The page talks to nothing else but /content/.

let nextId = 1;

export class RpcFailure extends Error {}

/** One JSON-RPC call; rejects with the node's error message. */
export async function rpc<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch("/", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string; data?: string } };
  if (body.error) throw new RpcFailure(`${method}: ${body.error.data || body.error.message}`);
  return body.result as T;
}

export interface BlockHeaderJson {
  height: string;
  time: string;
  chain_id: string;
  proposer_address: string;
  app_hash: string;
  data_hash: string;
  last_block_id: { hash: string };
}

export interface StatusJson {
  node_info: { id: string; moniker: string; network: string; version: string; listen_addr: string };
  sync_info: {
    latest_block_height: string;
    latest_block_time: string;
    latest_app_hash: string;
    latest_block_hash: string;
    earliest_block_height: string;
    catching_up: boolean;
  };
  validator_info: { address: string; voting_power: string };
}

export interface ValidatorJson {
  address: string;
  pub_key: { type: string; value: string };
  voting_power: string;
  proposer_priority: string;
}

export interface NetInfoJson {
  listening: boolean;
  listeners: string[];
  n_peers: string;
  peers: { node_info: { id: string; moniker: string; listen_addr: string }; remote_ip: string }[];
}

export interface BlockMetaJson {
  block_id: { hash: string };
  block_size: string;
  header: BlockHeaderJson;
  num_txs: string;
}

export interface BlockJson {
  block_id: { hash: string };
  block: { header: BlockHeaderJson; data: { txs: string[] | null } };
}

export interface EventJson {
  type: string;
  attributes: { key: string; value: string }[];
}

export interface TxResultJson {
  code: number;
  log: string;
  codespace?: string;
  gas_wanted: string;
  gas_used: string;
  events: EventJson[];
}

export interface TxJson {
  hash: string;
  height: string;
  index: number;
  tx_result: TxResultJson;
  tx: string;
}

export interface BlockResultsJson {
  height: string;
  txs_results: TxResultJson[] | null;
  finalize_block_events: EventJson[] | null;
}

export const chainStatus = () => rpc<StatusJson>("status");
export const netInfo = () => rpc<NetInfoJson>("net_info");
export const validatorSet = () =>
  rpc<{ block_height: string; validators: ValidatorJson[]; total: string }>("validators", { per_page: 100 });
export const blockchain = (minHeight: number, maxHeight: number) =>
  rpc<{ last_height: string; block_metas: BlockMetaJson[] }>("blockchain", {
    minHeight: String(minHeight),
    maxHeight: String(maxHeight),
  });
export const block = (height: string) => rpc<BlockJson>("block", { height });
export const blockResults = (height: string) => rpc<BlockResultsJson>("block_results", { height });
export const txByHash = (hashHex: string) => rpc<TxJson>("tx", { hash: hexToBase64(hashHex) });

/** tx_search, newest first by default. */
export const txSearch = (query: string, perPage = 30, page = 1, orderBy: "asc" | "desc" = "desc") =>
  rpc<{ txs: TxJson[]; total_count: string }>("tx_search", {
    query,
    page: String(page),
    per_page: String(perPage),
    order_by: orderBy,
  });

export function hexToBase64(hex: string): string {
  const bytes = hex.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? [];
  return btoa(String.fromCharCode(...bytes));
}

export function base64ToBytes(b64: string): Uint8Array {
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export interface NewBlockEvent {
  block: { header: BlockHeaderJson; data: { txs: string[] | null } };
  block_id: { hash: string };
}

/**
 * Subscribes to tm.event='NewBlock' over /websocket; reconnects (1 s, then up to 10 s) after a
 * drop. onState reports whether the socket is live. Returns a function that closes it for good.
 */
export function subscribeNewBlocks(
  onBlock: (event: NewBlockEvent) => void,
  onState: (live: boolean) => void,
): () => void {
  let socket: WebSocket | undefined;
  let closed = false;
  let delayMs = 1000;
  const connect = () => {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/websocket`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      delayMs = 1000;
      ws.send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: "explorer-new-block",
          method: "subscribe",
          params: { query: "tm.event='NewBlock'" },
        }),
      );
      onState(true);
    };
    ws.onmessage = (msg) => {
      const body = JSON.parse(String(msg.data)) as { result?: { data?: { value?: NewBlockEvent } } };
      const value = body.result?.data?.value;
      if (value?.block) onBlock(value);
    };
    ws.onclose = () => {
      onState(false);
      if (closed) return;
      setTimeout(connect, delayMs);
      delayMs = Math.min(delayMs * 2, 10_000);
    };
  };
  connect();
  return () => {
    closed = true;
    socket?.close();
  };
}
