// The paid inference endpoint (`openledgerd serve-model`): serves the chain's registered small
// models (ONNX softmax-regression artifacts) and their LoRA adapters over HTTP, charges each call
// through x402 (the node's facilitator settles it; the payment is the model's inference fee and
// opens its attribution job, so contributors are paid from it) and records the call's text for
// attribution. Prices, owners and artifacts come from the chain; nothing is configured twice.
//
//   GET  /v1/models                     registered models: id, name, owner, price (free)
//   POST /v1/models/<id>/predict        {"text": "…"} → {label, probabilities, model} (paid)
//   POST /v1/adapters/<id>/predict      the same through adapter <id> (paid)
//   GET  /v1/stats                      adapter cache: loads, hits, evictions, loaded (free)
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { connectComet } from "@cosmjs/tendermint-rpc";
import { type OpenledgerQueryClient, openledgerQueryClient } from "../../client/connect.js";
import { type PaidRoute, requirePayment } from "../../client/x402/middleware.js";
import { priceOf } from "../../modules/attribution/msgs.js";
import type { Adapter, Model } from "../../proto/gen/openledger/models/v1/types.js";
import { MODEL_FORMAT } from "../attribution/influence/model.js";
import type { Logger } from "../logger.js";
import { BodyTooLargeError, readBodyText, sendJson } from "../rpc/http-body.js";
import { ModelRuntime } from "./runtime.js";

export interface ModelServerOptions {
  /** The node's RPC URL (queries, /content/ for artifacts, /x402/ as facilitator). */
  rpcUrl: string;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Local artifacts, `<dir>/<sha256 hex>.onnx` (adapters must be here; models may come from /content/). */
  artifactsDir?: string;
  facilitatorUrl?: string;
  adapterCacheSize?: number;
  logger?: Logger;
}

export interface ModelServer {
  url: string;
  runtime: ModelRuntime;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const comet = await connectComet(opts.rpcUrl);
  const chainId = (await comet.status()).nodeInfo.network;
  const query = openledgerQueryClient(comet);
  const rpc = opts.rpcUrl.replace(/\/+$/, "");
  const runtime = new ModelRuntime({
    loadArtifact: (sha) => loadArtifact(rpc, opts.artifactsDir, sha),
    adapterCacheSize: opts.adapterCacheSize,
  });
  const paywall = { facilitator: opts.facilitatorUrl ?? `${rpc}/x402`, chainId };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) opts.logger?.error({ err }, "serve-model: request failed");
      if (res.headersSent) return void res.destroy();
      sendJson(res, status, { error: (err as Error).message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/v1/models" && req.method === "GET") return sendJson(res, 200, await listModels(query));
    if (path === "/v1/stats" && req.method === "GET")
      return sendJson(res, 200, { ...runtime.stats, loadedAdapters: runtime.loadedAdapters() });
    const m = /^\/v1\/(models|adapters)\/([1-9][0-9]{0,18})\/predict$/.exec(path);
    if (!m)
      throw new HttpError(
        404,
        `no ${path}: see GET /v1/models, POST /v1/models/<id>/predict, POST /v1/adapters/<id>/predict`,
      );
    if (req.method !== "POST") throw new HttpError(405, `${path} takes POST {"text": "…"}`);
    const text = await readText(req);
    const id = BigInt(m[2]!);
    const target = m[1] === "models" ? await servableModel(query, id) : await servableAdapter(query, id);
    const route: PaidRoute = {
      amount: priceOf(target.price, 1n),
      payTo: target.owner,
      description: `${target.what}: one prediction`,
      mimeType: "application/json",
      // A classifier's prediction is attributed to the text it classified (validators recompute the label).
      inferenceOutput: () => ({ text, tokens: "1" }),
      ...(m[1] === "models" ? { modelId: id } : { adapterId: id }),
    };
    await requirePayment(route, paywall)(req, res, () => {
      serve(target, text).then(
        (body) => sendJson(res, 200, body),
        (err) => sendJson(res, 500, { error: (err as Error).message }),
      );
    });
  }

  async function serve(t: Servable, text: string) {
    const p = t.adapterSha256
      ? await runtime.predictWithAdapter(t.baseSha256, t.adapterSha256, text)
      : await runtime.predict(t.baseSha256, text);
    return { ...p, [t.adapterSha256 ? "adapter" : "model"]: t.id.toString() };
  }

  // Paid calls wait for a block: keep idle sockets longer than clients' pools keep them.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? "127.0.0.1"}:${port}`;
  opts.logger?.info(
    { url, chainId, facilitator: paywall.facilitator },
    "serve-model: serving registered models",
  );
  return {
    url,
    runtime,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await runtime.close();
      comet.disconnect();
    },
  };
}

interface Servable {
  id: bigint;
  what: string;
  owner: string;
  price: Model["price"];
  baseSha256: Uint8Array;
  adapterSha256?: Uint8Array;
}

async function found<T>(p: Promise<T>, what: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (/not found|code 1[12]/.test((err as Error).message))
      throw new HttpError(404, `${what} is not registered`);
    throw err;
  }
}

function checkServable(m: Model, what: string): void {
  if (m.deprecated) throw new HttpError(410, `${what} is deprecated`);
  if (m.format !== "onnx")
    throw new HttpError(
      501,
      `${what} is a ${m.format} artifact: only ONNX ${MODEL_FORMAT} models are served here`,
    );
}

async function servableModel(q: OpenledgerQueryClient, id: bigint): Promise<Servable> {
  const m = await found(q.models.model(id), `model ${id}`);
  checkServable(m, `model ${id}`);
  return {
    id,
    what: `model ${id} (${m.name})`,
    owner: m.owner,
    price: m.price,
    baseSha256: m.artifactSha256,
  };
}

async function servableAdapter(q: OpenledgerQueryClient, id: bigint): Promise<Servable> {
  const a: Adapter = await found(q.models.adapter(id), `adapter ${id}`);
  if (a.deprecated) throw new HttpError(410, `adapter ${id} is deprecated`);
  const base = await found(q.models.model(a.baseModelId), `model ${a.baseModelId}`);
  checkServable(base, `adapter ${id}'s base model ${a.baseModelId}`);
  return {
    id,
    what: `adapter ${id} of model ${a.baseModelId}`,
    owner: a.owner,
    price: a.price,
    baseSha256: base.artifactSha256,
    adapterSha256: a.adapterSha256,
  };
}

async function listModels(q: OpenledgerQueryClient) {
  const { models } = await q.models.models({}, { limit: 1000 });
  return models
    .filter((m) => !m.deprecated && m.format === "onnx")
    .map((m) => ({
      id: m.id.toString(),
      name: m.name,
      owner: m.owner,
      price: m.price,
      artifact: hex(m.artifactSha256),
    }));
}

async function readText(req: IncomingMessage): Promise<string> {
  const raw = await readBodyText(req, MAX_BODY).catch((err) => {
    throw err instanceof BodyTooLargeError ? new HttpError(413, err.message) : err;
  });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'the body must be JSON {"text": "…"}');
  }
  const text = (body as { text?: unknown })?.text;
  if (typeof text !== "string" || text.trim() === "")
    throw new HttpError(400, 'the body must be JSON {"text": "…"} with non-empty text');
  return text;
}

async function loadArtifact(rpc: string, dir: string | undefined, sha: Uint8Array): Promise<Uint8Array> {
  if (dir) {
    const local = await readFile(join(dir, `${hex(sha)}.onnx`)).catch(() => undefined);
    if (local) return local;
  }
  const res = await fetch(`${rpc}/content/${hex(sha)}`);
  if (!res.ok)
    throw new Error(
      `artifact ${hex(sha)} is neither in ${dir ?? "(no local dir)"} nor served by ${rpc}/content/ (${res.status})`,
    );
  return new Uint8Array(await res.arrayBuffer());
}
