// `openledgerd attribution explain <job-id>`: the job's output with the spans that earned
// attribution marked «like this»[1], footnotes naming the contributions behind each span, the
// entries on chain, and whether recomputing the attribution here gives the finalized entries.
// Span jobs are recomputed exactly as a validator's worker does (approved contributions of the
// job's datanet versions, default span params), reusing the node home's span index when it holds
// that document set, else building one in a temporary directory. Influence jobs list the
// contributions by their on-chain basis points, recomputed when the model's artifact is at hand.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Command } from "commander";
import {
  AttributionMethod,
  type Contribution,
  ContributionStatus,
  connectOpenledgerQuery,
  JobState,
} from "../../client/index.js";
import {
  attributeOutput,
  buildVersion,
  openIndex,
  readManifest,
  type Span,
} from "../../node/attribution/span/index.js";
import { placeSpan } from "../../node/attribution/span/place.js";
import {
  CACHE_DIR,
  influenceEntries,
  openInfluenceEngine,
} from "../../node/attribution/worker/influence-job.js";
import { type ContributionText, versionTexts } from "../../node/attribution/worker/training-set.js";
import { homePaths } from "../../node/options.js";
import { globalOptions, outputFormat, printResult } from "../cli.js";
import { renderText } from "./attribution-explain-text.js";
import { fetchContent, nodeUrl, positiveId, querySource, reach } from "./model.js";

export type EntryOut = { contribution_id: string; bps: number };
export interface ExplainSpan {
  n: number;
  text: string;
  /** Character offsets in the output ([start, end)), or null when it could not be placed. */
  start: number | null;
  end: number | null;
  count: number;
  contributions: string[];
}
export interface ExplainContribution {
  id: string;
  contributor: string;
  datanet_id: string;
  status: string;
  excerpt: string;
  bps: number | null;
}
export interface Explanation {
  job: {
    id: string;
    state: string;
    method: string;
    model_id: string;
    adapter_id: string;
    finalized_height: string;
  };
  output: string;
  spans: ExplainSpan[];
  contributions: ExplainContribution[];
  entries: EntryOut[];
  local: { entries: EntryOut[]; index?: "reused" | "built"; label?: string; probability?: number } | null;
  matches: boolean | null;
  note?: string;
  warning?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const entriesOut = (e: { contributionId: bigint; bps: number }[]): EntryOut[] =>
  e.map((x) => ({ contribution_id: x.contributionId.toString(), bps: x.bps }));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** Up to `width` characters of `text` around the first occurrence of `needle` (or its start). */
export function excerpt(text: string, needle = "", width = 100): string {
  const flat = oneLine(text);
  const at = needle ? flat.indexOf(oneLine(needle)) : -1;
  const from =
    at < 0 ? 0 : Math.max(0, at - Math.floor((width - Math.min(oneLine(needle).length, width)) / 2));
  const cut = flat.slice(from, from + width);
  return `${from > 0 ? "…" : ""}${cut}${from + width < flat.length ? "…" : ""}`;
}

/** Character offsets of each span in `output` (tokens decoded up to its start), trimmed of spaces. */
function placeSpans(output: string, tokens: Uint32Array, spans: Span[]): ExplainSpan[] {
  return spans.map((s, i) => ({
    n: i + 1,
    text: s.text.trim(),
    ...placeSpan(output, tokens, s),
    count: s.count,
    contributions: s.contributions.map(String),
  }));
}

/** Span recomputation: the node's index of this document set when it has one, else a temporary one. */
async function spanLocal(home: string, docs: ContributionText[], output: string) {
  const ids = docs.map((d) => d.contribution.id);
  // The worker's name of a document set (span-job.ts): 128 bits of sha256 over the ids.
  const key = hex(sha256(new TextEncoder().encode(ids.map(String).join(",")))).slice(0, 32);
  const nodeRoot = join(homePaths(home).data, "attribution", "span");
  let root = nodeRoot;
  let tmp: string | undefined;
  try {
    readManifest(nodeRoot, key);
  } catch {
    tmp = await mkdtemp(join(tmpdir(), "openledger-explain-"));
    root = tmp;
    process.stderr.write(`building a span index of ${docs.length} contributions\n`);
    const add = docs.map((d) => ({ contributionId: d.contribution.id, text: d.text }));
    await buildVersion(root, { version: key, add, background: false });
  }
  try {
    const result = attributeOutput(openIndex(root, key), output);
    return { result, index: tmp ? ("built" as const) : ("reused" as const) };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

async function explain(jobId: bigint, cmd: Command, artifactFile?: string): Promise<Explanation> {
  const node = nodeUrl(cmd);
  const { home } = globalOptions(cmd);
  const { query: q, disconnect } = await reach(node, () => connectOpenledgerQuery(node));
  try {
    const a = await q.attribution.attribution(jobId).catch((err: Error) => {
      throw /not found/.test(err.message) ? new Error(`job ${jobId} not found`) : err;
    });
    const job = a.job!;
    const src = querySource(q, node);
    const outputBytes = job.outputText ? undefined : await fetchContent(node, job.outputSha256);
    if (!job.outputText && outputBytes === undefined)
      throw new Error(`job ${jobId}: its output ${hex(job.outputSha256)} is not in ${node}'s content store`);
    const output = job.outputText || utf8.decode(outputBytes!);
    process.stderr.write(`reading the contributions of ${job.datanets.length} datanet version(s)\n`);
    const docs = await versionTexts(src, job.datanets, "approved");
    const byId = new Map<bigint, ContributionText>(docs.map((d) => [d.contribution.id, d]));
    for (const e of a.entries) {
      if (byId.has(e.contributionId)) continue; // flagged since: still named by the chain
      const r = await q.datanets.contribution(e.contributionId, { includeContent: true });
      const bytes = r.contribution!.inline
        ? r.inlineContent
        : await fetchContent(node, r.contribution!.contentHash);
      byId.set(e.contributionId, { contribution: r.contribution!, text: bytes ? utf8.decode(bytes) : "" });
    }
    const finalized = job.state === JobState.JOB_STATE_FINALIZED;
    const out: Explanation = {
      job: {
        id: job.id.toString(),
        state: JobState[job.state] ?? String(job.state),
        method: AttributionMethod[job.method] ?? String(job.method),
        model_id: job.modelId.toString(),
        adapter_id: job.adapterId.toString(),
        finalized_height: job.finalizedHeight.toString(),
      },
      output,
      spans: [],
      contributions: [],
      entries: entriesOut(a.entries),
      local: null,
      matches: null,
    };
    const chainBps = new Map(a.entries.map((e) => [e.contributionId, e.bps]));
    const shown = new Set<bigint>(a.entries.map((e) => e.contributionId));
    const needles = new Map<bigint, string>();
    if (job.method === AttributionMethod.ATTRIBUTION_METHOD_SPAN) {
      if (docs.length === 0)
        throw new Error(`job ${jobId}: its datanet versions hold no approved contributions`);
      const { result, index } = await spanLocal(home, docs, output);
      out.spans = placeSpans(output, result.tokens, result.spans);
      for (const s of out.spans)
        for (const id of s.contributions) {
          shown.add(BigInt(id));
          if (!needles.has(BigInt(id))) needles.set(BigInt(id), s.text);
        }
      out.local = { entries: entriesOut(result.weights), index };
    } else {
      const model = await q.models.model(job.modelId).catch(() => undefined);
      const file =
        artifactFile ?? (model && join(homePaths(home).data, "models", `${hex(model.artifactSha256)}.onnx`));
      if (job.adapterId === 0n && model && file && existsSync(file)) {
        process.stderr.write(`recomputing the influence with ${file}\n`);
        const onnx = new Uint8Array(await readFile(file));
        if (hex(sha256(onnx)) !== hex(model.artifactSha256))
          throw new Error(`${file} is not model ${job.modelId}'s artifact (sha256 differs)`);
        const store = join(homePaths(home).data, "models");
        const cacheDir = existsSync(store) ? join(store, CACHE_DIR) : undefined; // the node's cache
        const registeredAt = model.createdHeight;
        const engine = await openInfluenceEngine(onnx, src, job.datanets, { cacheDir, registeredAt });
        try {
          const approved = (id: bigint) =>
            byId.get(id)?.contribution.status === ContributionStatus.CONTRIBUTION_STATUS_APPROVED;
          const r = await influenceEntries(engine, output, approved);
          out.local = { entries: entriesOut(r.entries), label: r.label, probability: r.probability };
        } finally {
          await engine.close();
        }
      } else out.note = "the model's artifact is not here (--artifact FILE): influence not recomputed";
    }
    const contributionOut = (c: Contribution, text: string): ExplainContribution => ({
      id: c.id.toString(),
      contributor: c.contributor,
      datanet_id: c.datanetId.toString(),
      status: ContributionStatus[c.status]?.replace("CONTRIBUTION_STATUS_", "").toLowerCase() ?? "",
      excerpt: excerpt(text, needles.get(c.id)),
      bps: chainBps.get(c.id) ?? null,
    });
    out.contributions = [...shown]
      .sort((x, y) => (chainBps.get(y) ?? 0) - (chainBps.get(x) ?? 0) || (x < y ? -1 : x > y ? 1 : 0))
      .map((id) => byId.get(id))
      .filter((d): d is ContributionText => d !== undefined)
      .map((d) => contributionOut(d.contribution, d.text));
    if (out.local && finalized) {
      out.matches = JSON.stringify(out.local.entries) === JSON.stringify(out.entries);
      if (!out.matches)
        out.warning =
          "the local recomputation differs from the finalized entries (contributions flagged since, " +
          "or a different engine version)";
    } else if (!finalized)
      out.note = `${out.note ? `${out.note}; ` : ""}the job is ${out.job.state.replace("JOB_STATE_", "").toLowerCase()}: no final entries`;
    return out;
  } finally {
    disconnect();
  }
}

export function registerExplainCommand(attribution: Command, addOptions: (c: Command) => Command): void {
  addOptions(
    attribution
      .command("explain <job-id>")
      .description(
        "the job's output with its attributed spans marked, the contributions behind them and the " +
          "entries on chain; checks the finalized entries by recomputing them here",
      )
      .option(
        "--artifact <file>",
        "influence jobs: the model's ONNX artifact (default: <home>/data/models/<sha256>.onnx)",
      ),
  ).action(async (id: string, o: { artifact?: string }, cmd: Command) => {
    const out = await explain(positiveId("job id", id), cmd, o.artifact);
    printResult(outputFormat(cmd), out, renderText(out));
    if (out.warning) process.stderr.write(`warning: ${out.warning}\n`);
  });
}
