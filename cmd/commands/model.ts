// `openledgerd model train`: trains the small classifier of node/attribution/influence on a datanet
// version's approved, labelled contributions (deterministic: the same version gives the same ONNX
// bytes), writes the ONNX artifact, stores a copy in the node home's artifact store (where the
// validator worker looks for it) and with --register records it on chain (MsgRegisterModel, format
// onnx, method influence) through a stock SigningStargateClient. Also the client-side readers that
// `attribution explain` shares.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { GasPrice } from "@cosmjs/stargate";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Command } from "commander";
import {
  connectOpenledger,
  connectOpenledgerQuery,
  msgRegisterModel,
  type OpenledgerClients,
  type OpenledgerQueryClient,
  registeredModelId,
} from "../../client/index.js";
import { trainArtifact } from "../../node/attribution/influence/index.js";
import { writeFileAtomic } from "../../node/attribution/span/format.js";
import { influenceMethodOf } from "../../node/attribution/worker/influence-job.js";
import {
  type ContributionSource,
  examplesOf,
  versionTexts,
} from "../../node/attribution/worker/training-set.js";
import { isInitialized } from "../../node/genesis/init-home.js";
import { homePaths } from "../../node/options.js";
import {
  addKeyringOption,
  addOutputOption,
  globalOptions,
  openKeyring,
  outputFormat,
  printResult,
} from "../cli.js";
import { addNodeOption } from "./datanets.js";
import { addTrainAdapterCommand } from "./serve-model.js";

export function nodeUrl(cmd: Command): string {
  const url = cmd.optsWithGlobals<{ node: string }>().node.replace(/^tcp:\/\//, "http://");
  if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`--node must be an http(s) URL, got "${url}"`);
  return url.replace(/\/+$/, "");
}

/** `connect()`, with a refused connection said as such. */
export async function reach<T>(node: string, connect: () => Promise<T>): Promise<T> {
  return connect().catch((err: Error) => {
    throw new Error(`cannot reach the node at ${node}: ${err.message}`);
  });
}

/** A positive integer option as a bigint, or a clear error. */
export function positiveId(flag: string, value: string | undefined): bigint {
  if (value === undefined || !/^[0-9]+$/.test(value) || BigInt(value) < 1n || BigInt(value) >= 1n << 64n)
    throw new Error(`${flag} must be a positive integer, got "${value ?? ""}"`);
  return BigInt(value);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const notFound = (err: Error) => {
  if (/not found/i.test(err.message)) return undefined;
  throw err;
};

/** Reads bytes by sha256 from a node's content store (GET <node>/content/<hex>), checked. */
export async function fetchContent(node: string, hash: Uint8Array): Promise<Uint8Array | undefined> {
  const res = await fetch(`${node}/content/${hex(hash)}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET ${node}/content/${hex(hash)}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (hex(sha256(bytes)) !== hex(hash))
    throw new Error(`content ${hex(hash)} from ${node} does not match its hash`);
  return bytes;
}

/** The chain through a node's RPC, as training-set.ts reads it. */
export function querySource(q: OpenledgerQueryClient, node: string): ContributionSource {
  return {
    datanetVersion: (datanetId, version) => q.datanets.version(datanetId, version).catch(notFound),
    contribution: async (id) => {
      const r = await q.datanets.contribution(id, { includeContent: true }).catch(notFound);
      return r?.contribution && { contribution: r.contribution, inline: r.inlineContent };
    },
    contentOf: (hash) => fetchContent(node, hash),
  };
}

/** The home's artifact store when --home names a node home (given, or the default one initialised). */
function artifactStore(cmd: Command): string | undefined {
  const { home } = globalOptions(cmd);
  const given = cmd.getOptionValueSourceWithGlobals("home") !== "default";
  return given || isInitialized(home) ? join(homePaths(home).data, "models") : undefined;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

interface TrainOpts {
  datanet: string;
  version: string;
  out: string;
  buckets: string;
  register?: boolean;
  name?: string;
  pricePerCall: string;
  pricePer1k: string;
  from?: string;
  gasPrices: string;
}

async function train(o: TrainOpts, cmd: Command): Promise<void> {
  const datanetId = positiveId("--datanet", o.datanet);
  const version = positiveId("--version", o.version);
  const buckets = Number(positiveId("--buckets", o.buckets));
  if (o.register && (o.name === undefined || o.from === undefined))
    throw new Error("--register needs --name <name> and --from <key>");
  if (!o.register && (o.name !== undefined || o.from !== undefined))
    throw new Error("--name and --from go with --register");
  const node = nodeUrl(cmd);
  const gasPrice = GasPrice.fromString(o.gasPrices);
  const wallet = o.register ? await openKeyring(cmd).signer(o.from!) : undefined;
  let signing: OpenledgerClients["signing"] | undefined;
  const conn = await reach(node, async () => {
    if (!wallet) return connectOpenledgerQuery(node);
    const c = await connectOpenledger(node, wallet, { gasPrice, broadcastPollIntervalMs: 500 });
    signing = c.signing;
    return c;
  });
  try {
    progress(`reading datanet ${datanetId} version ${version} from ${node}`);
    const texts = await versionTexts(querySource(conn.query, node), [{ datanetId, version }], "approved");
    const examples = examplesOf(texts);
    progress(`training on ${examples.length} approved contributions`);
    const started = performance.now();
    const { onnx, artifactSha256, model, stats } = trainArtifact(examples, { features: { buckets } });
    progress(
      `trained in ${Math.round(performance.now() - started)} ms: ${stats.iterations} iterations, ` +
        `${stats.converged ? "converged" : "NOT converged"}, ${model.classes.length} labels`,
    );
    const artifact = hex(artifactSha256);
    const out = resolve(o.out);
    try {
      writeFileAtomic(out, onnx);
    } catch (err) {
      throw new Error(`--out ${o.out}: ${(err as Error).message}`);
    }
    const store = artifactStore(cmd);
    const stored = store && join(store, `${artifact}.onnx`);
    if (stored) {
      mkdirSync(dirname(stored), { recursive: true });
      writeFileAtomic(stored, onnx);
      progress(`stored ${stored}`);
    }
    const result: Record<string, unknown> = {
      artifact_sha256: artifact,
      size: onnx.length,
      examples: examples.length,
      labels: model.classes,
      converged: stats.converged,
      iterations: stats.iterations,
      influence_method: influenceMethodOf(model),
      out,
      ...(stored ? { stored } : {}),
    };
    if (wallet && signing) {
      const [account] = await wallet.getAccounts();
      const msg = msgRegisterModel({
        owner: account!.address,
        name: o.name!,
        format: "onnx",
        artifact: onnx,
        datanets: [{ datanetId, version }],
        attributionMethod: "influence",
        price: { perCall: o.pricePerCall, per1kOutputTokens: o.pricePer1k },
      });
      progress(`registering model "${o.name}" from ${account!.address}`);
      const tx = await signing.signAndBroadcast(account!.address, [msg], "auto").catch((err: Error) => {
        const m = /Query failed with \((\d+)\): ([\s\S]*)/.exec(err.message);
        throw m ? new Error(`tx refused in simulation with code ${m[1]}: ${m[2]}`) : err;
      });
      if (tx.code !== 0) throw new Error(`tx failed with code ${tx.code}: ${tx.rawLog ?? ""}`);
      result.model_id = registeredModelId(tx).toString();
      result.txhash = tx.transactionHash;
      result.height = tx.height;
      // Push the artifact to the node's content store: the other nodes fetch it from there, so every
      // validator can run the model for its influence jobs.
      const put = await fetch(`${node}/content/${artifact}`, { method: "PUT", body: onnx });
      if (!put.ok)
        throw new Error(`pushing the artifact to ${node}/content failed: ${put.status} ${await put.text()}`);
      result.pushed = true;
      progress(`pushed the artifact to ${node}/content/${artifact}`);
    }
    const text = Object.entries(result)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
      .join("\n");
    printResult(outputFormat(cmd), result, text);
  } finally {
    conn.disconnect();
  }
}

export function registerModelCommands(program: Command): void {
  const model = program
    .command("model")
    .description("small models trained here: ONNX classifiers attributed by influence");
  const cmd = model
    .command("train")
    .description(
      'train a classifier on a datanet version\'s approved contributions (label: metadata field "label"), ' +
        "write it as ONNX; with --register, register it on chain (format onnx, method influence)",
    )
    .requiredOption("--datanet <id>", "the datanet")
    .requiredOption("--version <n>", "the datanet version")
    .requiredOption("--out <file>", "where to write the ONNX artifact")
    .option(
      "--buckets <n>",
      "hashed n-gram features (exact influence needs (buckets+1) × labels ≤ 4096)",
      "512",
    )
    .option("--register", "register the model on chain (needs --name and --from)")
    .option("--name <name>", "the model's name (with --register)")
    .option("--price-per-call <uopen>", "price of a call in uopen", "0")
    .option("--price-per-1k <uopen>", "price of 1000 output tokens in uopen", "0")
    .option("--from <key>", "the keyring key that signs and owns the model (with --register)")
    .option("--gas-prices <price>", "gas price", "0.025uopen");
  addNodeOption(addKeyringOption(addOutputOption(cmd))).action((o: TrainOpts, c: Command) => train(o, c));
  addTrainAdapterCommand(model);
}
