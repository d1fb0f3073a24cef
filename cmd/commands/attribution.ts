// `tx attribution record-inference` and `query attribution …`: Proof of Attribution jobs through
// the client library, with the tx and query plumbing of datanets.ts. (Validators submit results
// through their node's attribution worker, not this CLI.) The inline output is --output-text:
// -o / --output is every command's output format. `attribution explain` (attribution-explain.ts)
// shows which spans and contributions a job's output was attributed to.
import type { Command } from "commander";
import { msgRecordInference } from "../../client/index.js";
import { registerExplainCommand } from "./attribution-explain.js";
import { broadcast, group, page, pageOptions, queryOptions, runQuery, txOptions } from "./datanets.js";

interface RecordOpts {
  model?: string;
  adapter?: string;
  prompt?: string;
  promptSha256?: string;
  outputText?: string;
  outputSha256?: string;
  outputSize?: string;
  outputTokens: string;
  fee: string;
}

/** Exactly one of each pair, with a clear message before anything is signed. */
function exactlyOne(o: RecordOpts, a: keyof RecordOpts, b: keyof RecordOpts, flags: string): void {
  if ((o[a] === undefined) === (o[b] === undefined)) throw new Error(`give exactly one of ${flags}`);
}

export function registerAttributionCommands(program: Command): void {
  const tx = group(program, "tx", "sign and broadcast transactions")
    .command("attribution")
    .description("attribution transactions: paid inferences settled by Proof of Attribution");
  txOptions(
    tx
      .command("record-inference")
      .description("record a paid inference and escrow its fee; prints the job id and deadline")
      .option("--model <id>", "the model called")
      .option("--adapter <id>", "the adapter called")
      .option("--prompt <text>", "the prompt (its sha256 is computed here; the text is not sent)")
      .option("--prompt-sha256 <hex>", "the prompt's sha256, instead of --prompt")
      .option("--output-text <text>", "the output, recorded inline (at most params.max_output_bytes)")
      .option("--output-sha256 <hex>", "the output's sha256 in the content store, instead of --output-text")
      .option("--output-size <bytes>", "the output's size (with --output-sha256)")
      .option("--output-tokens <n>", "output tokens, priced per 1000", "0")
      .requiredOption("--fee <coin>", "the fee, e.g. 1500uopen (at least the model's price)"),
  ).action((o: RecordOpts, cmd: Command) =>
    broadcast(cmd, (payer) => {
      exactlyOne(o, "model", "adapter", "--model <id> and --adapter <id>");
      exactlyOne(o, "prompt", "promptSha256", "--prompt and --prompt-sha256");
      exactlyOne(o, "outputText", "outputSha256", "--output-text and --output-sha256");
      if (o.outputSha256 !== undefined && o.outputSize === undefined)
        throw new Error("--output-size is required with --output-sha256");
      if (!/^[0-9]+[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/.test(o.fee))
        throw new Error(`--fee must read <amount><denom>, e.g. 1500uopen, got "${o.fee}"`);
      return msgRecordInference({
        payer,
        modelId: o.model,
        adapterId: o.adapter,
        prompt: o.prompt,
        promptSha256: o.promptSha256,
        output: o.outputText,
        outputSha256: o.outputSha256,
        outputSize: o.outputSize,
        outputTokens: o.outputTokens,
        fee: o.fee,
      });
    }),
  );

  const q = group(program, "query", "query a node")
    .command("attribution")
    .description("attribution queries: jobs, results, rewards");
  queryOptions(q.command("job <id>").description("an attribution job")).action(
    (id: string, _o, cmd: Command) => runQuery(cmd, (c) => c.attribution.job(id)),
  );
  queryOptions(
    q.command("attribution <job-id>").description("a job with its final entries, results and submissions"),
  ).action((id: string, _o, cmd: Command) => runQuery(cmd, (c) => c.attribution.attribution(id)));
  queryOptions(pageOptions(q.command("pending").description("pending jobs in id order"))).action(
    (o, cmd: Command) => runQuery(cmd, (c) => c.attribution.pendingJobs(page(o))),
  );
  queryOptions(
    q.command("rewards-by-contributor <address>").description("attribution rewards paid to a contributor"),
  ).action((address: string, _o, cmd: Command) =>
    runQuery(cmd, (c) => c.attribution.rewardsByContributor(address)),
  );
  queryOptions(
    q
      .command("rewards-by-datanet <id>")
      .description("attribution rewards paid for a datanet's contributions"),
  ).action((id: string, _o, cmd: Command) => runQuery(cmd, (c) => c.attribution.rewardsByDatanet(id)));
  queryOptions(
    q
      .command("validator-record <operator>")
      .description("a validator's submitted / disagreed / missed counters (open1… or openvaloper1…)"),
  ).action((operator: string, _o, cmd: Command) =>
    runQuery(cmd, (c) => c.attribution.validatorRecord(operator)),
  );
  queryOptions(q.command("params").description("the module's params")).action((_o, cmd: Command) =>
    runQuery(cmd, (c) => c.attribution.params()),
  );

  const top = group(program, "attribution", "Proof of Attribution of recorded inferences");
  registerExplainCommand(top, queryOptions);
}
