// `tx models …` and `query models …`: the ModelFactory / OpenLoRA registry through the client
// library, with the tx and query plumbing of datanets.ts.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import {
  msgDeprecateAdapter,
  msgDeprecateModel,
  msgRegisterAdapter,
  msgRegisterModel,
  msgUpdatePrice,
  type PriceInput,
} from "../../client/index.js";
import { broadcast, group, list, page, pageOptions, queryOptions, runQuery, txOptions } from "./datanets.js";

interface ArtifactOpts {
  sha256?: string;
  artifact?: string;
  size?: string;
}

/** --artifact <path> (hashed here) or --sha256 <hex> (with --size for models). */
async function artifactInput(
  o: ArtifactOpts,
): Promise<{ artifact?: Uint8Array; sha256?: string; size?: string }> {
  if ((o.sha256 === undefined) === (o.artifact === undefined))
    throw new Error("give exactly one of --artifact and --sha256");
  if (o.sha256 !== undefined) return { sha256: o.sha256, size: o.size };
  const bytes = await readFile(o.artifact!).catch((e: Error) => {
    throw new Error(`--artifact ${o.artifact}: ${e.message}`);
  });
  return { artifact: new Uint8Array(bytes), size: o.size };
}

function priceOptions(cmd: Command): Command {
  return cmd
    .option("--price-per-call <uopen>", "price of a call in uopen")
    .option("--price-per-1k <uopen>", "price of 1000 output tokens in uopen");
}

const priceOf = (o: { pricePerCall?: string; pricePer1k?: string }): PriceInput => ({
  perCall: o.pricePerCall,
  per1kOutputTokens: o.pricePer1k,
});

/** Exactly one of --model and --adapter. */
function target(o: { model?: string; adapter?: string }): { modelId?: string; adapterId?: string } {
  if ((o.model === undefined) === (o.adapter === undefined))
    throw new Error("give exactly one of --model <id> and --adapter <id>");
  return o.model !== undefined ? { modelId: o.model } : { adapterId: o.adapter };
}

export function registerModelsCommands(program: Command): void {
  const tx = group(program, "tx", "sign and broadcast transactions")
    .command("models")
    .description("models transactions: the model and LoRA adapter registry");
  txOptions(
    priceOptions(
      tx
        .command("register <name>")
        .description("register a model artifact owned by --from; prints its id")
        .requiredOption("--format <format>", "artifact format, e.g. gguf, onnx, safetensors")
        .option("--artifact <path>", "the artifact file (its sha256 and size are computed here)")
        .option("--sha256 <hex>", "the artifact's sha256, instead of --artifact")
        .option("--size <bytes>", "the artifact's size (with --sha256)")
        .option("--base-model <id>", "the model it was fine-tuned from")
        .option("--datanets <list>", "datanet versions trained on: <datanet id>:<version>,…", list)
        .option("--method <method>", "attribution method: span or influence", "span"),
    ),
  ).action((name: string, o, cmd: Command) =>
    broadcast(cmd, async (owner) =>
      msgRegisterModel({
        owner,
        name,
        format: o.format,
        ...(await artifactInput(o)),
        baseModelId: o.baseModel,
        datanets: o.datanets,
        attributionMethod: o.method,
        price: priceOf(o),
      }),
    ),
  );
  txOptions(
    priceOptions(
      tx
        .command("register-adapter <base-model-id>")
        .description("register a LoRA adapter on a model; prints its id")
        .option("--artifact <path>", "the adapter weights file (its sha256 is computed here)")
        .option("--sha256 <hex>", "the adapter's sha256, instead of --artifact")
        .requiredOption("--rank <n>", "LoRA rank, 1-1024")
        .requiredOption("--target-layers <list>", "comma-separated layer names, e.g. q_proj,v_proj", list)
        .requiredOption("--datanets <list>", "datanet versions trained on: <datanet id>:<version>,…", list),
    ),
  ).action((baseModelId: string, o, cmd: Command) =>
    broadcast(cmd, async (owner) => {
      if (!/^[0-9]+$/.test(o.rank)) throw new Error(`--rank must be an integer 1-1024, got "${o.rank}"`);
      const { artifact, sha256 } = await artifactInput(o);
      return msgRegisterAdapter({
        owner,
        baseModelId,
        artifact,
        sha256,
        rank: Number(o.rank),
        targetLayers: o.targetLayers,
        datanets: o.datanets,
        price: priceOf(o),
      });
    }),
  );
  txOptions(
    priceOptions(
      tx
        .command("update-price")
        .description("set the price of a model or adapter (a price not given keeps its current value)")
        .option("--model <id>", "the model")
        .option("--adapter <id>", "the adapter"),
    ),
  ).action((o, cmd: Command) =>
    broadcast(cmd, async (owner, query) => {
      const which = target(o);
      if (o.pricePerCall === undefined && o.pricePer1k === undefined)
        throw new Error("give --price-per-call and/or --price-per-1k");
      msgUpdatePrice({ owner, ...which, price: priceOf(o) }); // checks the input before querying
      const q = await query();
      const current =
        which.modelId !== undefined
          ? (await q.models.model(which.modelId)).price
          : (await q.models.adapter(which.adapterId!)).price;
      const price = {
        perCall: o.pricePerCall ?? current?.perCall,
        per1kOutputTokens: o.pricePer1k ?? current?.per1kOutputTokens,
      };
      return msgUpdatePrice({ owner, ...which, price });
    }),
  );
  txOptions(
    tx
      .command("deprecate")
      .description("deprecate a model (no new adapters) or an adapter; both stay queryable")
      .option("--model <id>", "the model")
      .option("--adapter <id>", "the adapter"),
  ).action((o, cmd: Command) =>
    broadcast(cmd, (owner) => {
      const which = target(o);
      return which.modelId !== undefined
        ? msgDeprecateModel({ owner, modelId: which.modelId })
        : msgDeprecateAdapter({ owner, adapterId: which.adapterId! });
    }),
  );

  const q = group(program, "query", "query a node").command("models").description("models queries");
  queryOptions(q.command("model <id>").description("a model")).action((id: string, _o, cmd: Command) =>
    runQuery(cmd, (c) => c.models.model(id)),
  );
  queryOptions(
    pageOptions(
      q
        .command("list")
        .description("models in id order")
        .option("--owner <address>", "of this owner")
        .option("--datanet <id>", "trained on this datanet (any version)"),
    ),
  ).action((o, cmd: Command) =>
    runQuery(cmd, (c) => c.models.models({ owner: o.owner, datanetId: o.datanet }, page(o))),
  );
  queryOptions(q.command("adapter <id>").description("an adapter")).action((id: string, _o, cmd: Command) =>
    runQuery(cmd, (c) => c.models.adapter(id)),
  );
  queryOptions(
    pageOptions(
      q.command("adapters <model-id>").description("adapters of a model, deprecated ones included"),
    ),
  ).action((id: string, o, cmd: Command) => runQuery(cmd, (c) => c.models.adaptersOfModel(id, page(o))));
  queryOptions(q.command("params").description("the module's params")).action((_o, cmd: Command) =>
    runQuery(cmd, (c) => c.models.params()),
  );
}
