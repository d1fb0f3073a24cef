// `openledgerd serve-model`: the paid inference endpoint (node/serving/model-server.ts), and
// `openledgerd model train-adapter`: a LoRA adapter of a registered classifier, trained on a datanet
// version's labelled contributions, written as ONNX, optionally registered (MsgRegisterAdapter).
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { GasPrice } from "@cosmjs/stargate";
import type { Command } from "commander";
import {
  connectOpenledger,
  connectOpenledgerQuery,
  msgRegisterAdapter,
  type OpenledgerClients,
  registeredAdapterId,
} from "../../client/index.js";
import { adapterHash, exportAdapter } from "../../node/attribution/influence/adapter.js";
import { trainAdapter } from "../../node/attribution/influence/adapter-train.js";
import { loadModel } from "../../node/attribution/influence/model.js";
import { writeFileAtomic } from "../../node/attribution/span/format.js";
import { examplesOf, versionTexts } from "../../node/attribution/worker/training-set.js";
import { createLogger } from "../../node/logger.js";
import { homePaths } from "../../node/options.js";
import { startModelServer } from "../../node/serving/model-server.js";
import {
  addKeyringOption,
  addOutputOption,
  globalOptions,
  openKeyring,
  outputFormat,
  printResult,
} from "../cli.js";
import { addNodeOption } from "./datanets.js";
import { fetchContent, nodeUrl, positiveId, querySource, reach } from "./model.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const progress = (line: string) => process.stderr.write(`${line}\n`);

export function registerServeModelCommands(program: Command): void {
  const serve = program
    .command("serve-model")
    .description(
      "serve the chain's registered ONNX classifiers and their LoRA adapters over HTTP, each call paid through x402 " +
        "(POST /v1/models/<id>/predict, POST /v1/adapters/<id>/predict, GET /v1/models)",
    )
    .option("--laddr <host:port>", "where to listen", "127.0.0.1:8402")
    .option("--artifacts <dir>", "local artifacts <dir>/<sha256>.onnx (default: <home>/data/models)")
    .option("--facilitator <url>", "the x402 facilitator (default: <node>/x402)")
    .option("--adapter-cache <n>", "adapters kept loaded", "4");
  addNodeOption(serve).action(
    async (
      o: { laddr: string; artifacts?: string; facilitator?: string; adapterCache: string },
      cmd: Command,
    ) => {
      const m = /^([^:]+):(\d{1,5})$/.exec(o.laddr);
      if (!m || Number(m[2]) > 65535) throw new Error(`--laddr must be host:port, got "${o.laddr}"`);
      const adapterCacheSize = Number(positiveId("--adapter-cache", o.adapterCache));
      const { home, logFormat } = globalOptions(cmd);
      const node = nodeUrl(cmd);
      const logger = createLogger(logFormat);
      const server = await reach(node, () =>
        startModelServer({
          rpcUrl: node,
          host: m[1]!,
          port: Number(m[2]),
          artifactsDir: o.artifacts ?? join(homePaths(home).data, "models"),
          facilitatorUrl: o.facilitator,
          adapterCacheSize,
          logger,
        }),
      );
      const stop = () => void server.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      await new Promise(() => {});
    },
  );
}

interface AdapterOpts {
  base: string;
  datanet: string;
  version: string;
  out: string;
  rank: string;
  alpha: string;
  epochs: string;
  register?: boolean;
  from?: string;
  pricePerCall: string;
  gasPrices: string;
}

/** Adds `model train-adapter` to the `model` group. */
export function addTrainAdapterCommand(model: Command): void {
  const cmd = model
    .command("train-adapter")
    .description(
      "train a LoRA adapter (lora-softmax/v1) of a registered classifier on a datanet version's approved, labelled " +
        "contributions, write it as ONNX; with --register, register it on chain",
    )
    .requiredOption("--base <model id>", "the base model (an ONNX classifier from `model train`)")
    .requiredOption("--datanet <id>", "the datanet")
    .requiredOption("--version <n>", "the datanet version")
    .requiredOption("--out <file>", "where to write the adapter's ONNX")
    .option("--rank <r>", "LoRA rank", "4")
    .option("--alpha <a>", "LoRA alpha (the update is scaled by alpha / rank)", "8")
    .option("--epochs <n>", "full-batch gradient steps", "300")
    .option("--register", "register the adapter on chain (needs --from)")
    .option("--from <key>", "the keyring key that signs and owns the adapter (with --register)")
    .option("--price-per-call <uopen>", "price of a call in uopen", "0")
    .option("--gas-prices <price>", "gas price", "0.025uopen");
  addNodeOption(addKeyringOption(addOutputOption(cmd))).action((o: AdapterOpts, c: Command) =>
    trainAdapterCommand(o, c),
  );
}

async function trainAdapterCommand(o: AdapterOpts, cmd: Command): Promise<void> {
  const baseId = positiveId("--base", o.base);
  const datanetId = positiveId("--datanet", o.datanet);
  const version = positiveId("--version", o.version);
  const rank = Number(positiveId("--rank", o.rank));
  const epochs = Number(positiveId("--epochs", o.epochs));
  const alpha = Number(o.alpha);
  if (!Number.isFinite(alpha) || alpha <= 0)
    throw new Error(`--alpha must be a positive number, got "${o.alpha}"`);
  if (o.register !== (o.from !== undefined)) throw new Error("--register and --from go together");
  const node = nodeUrl(cmd);
  const wallet = o.register ? await openKeyring(cmd).signer(o.from!) : undefined;
  const gasPrice = GasPrice.fromString(o.gasPrices);
  let signing: OpenledgerClients["signing"] | undefined;
  const conn = await reach(node, async () => {
    if (!wallet) return connectOpenledgerQuery(node);
    const c = await connectOpenledger(node, wallet, { gasPrice, broadcastPollIntervalMs: 500 });
    signing = c.signing;
    return c;
  });
  try {
    const base = await conn.query.models.model(baseId);
    const baseOnnx = await fetchContent(node, base.artifactSha256);
    if (!baseOnnx)
      throw new Error(
        `model ${baseId}'s artifact ${hex(base.artifactSha256)} is not served by ${node}/content/`,
      );
    const model = loadModel(baseOnnx);
    progress(`reading datanet ${datanetId} version ${version} from ${node}`);
    const examples = examplesOf(
      await versionTexts(querySource(conn.query, node), [{ datanetId, version }], "approved"),
    );
    progress(`training a rank-${rank} adapter of model ${baseId} on ${examples.length} contributions`);
    const { adapter, loss } = trainAdapter(model, baseOnnx, examples, { rank, alpha, epochs });
    const onnx = exportAdapter(adapter);
    const sha = hex(adapterHash(onnx));
    writeFileAtomic(resolve(o.out), onnx);
    const store = join(homePaths(globalOptions(cmd).home).data, "models", `${sha}.onnx`);
    mkdirSync(dirname(store), { recursive: true });
    writeFileAtomic(store, onnx);
    const result: Record<string, unknown> = {
      adapter_sha256: sha,
      size: onnx.length,
      examples: examples.length,
      loss_before: loss.before.toFixed(4),
      loss_after: loss.after.toFixed(4),
      out: resolve(o.out),
      stored: store,
    };
    if (wallet && signing) {
      const [account] = await wallet.getAccounts();
      const msg = msgRegisterAdapter({
        owner: account!.address,
        baseModelId: baseId,
        artifact: onnx,
        rank,
        targetLayers: ["W"],
        datanets: [{ datanetId, version }],
        price: { perCall: o.pricePerCall },
      });
      const tx = await signing.signAndBroadcast(account!.address, [msg], "auto");
      if (tx.code !== 0) throw new Error(`tx failed with code ${tx.code}: ${tx.rawLog ?? ""}`);
      result.adapter_id = registeredAdapterId(tx).toString();
      result.txhash = tx.transactionHash;
      // Nodes take the file now that the chain declares its hash and size, and fetch it from each
      // other, so every validator can attribute the adapter's inferences.
      const put = await fetch(`${node}/content/${sha}`, { method: "PUT", body: onnx });
      if (!put.ok)
        throw new Error(`pushing the adapter to ${node}/content failed: ${put.status} ${await put.text()}`);
      result.pushed = true;
    }
    printResult(
      outputFormat(cmd),
      result,
      Object.entries(result)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join("\n"),
    );
  } finally {
    conn.disconnect();
  }
}
