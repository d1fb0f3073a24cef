// Span attribution bench: index build speed (tokens/s) and the latency of attributing a 512-token
// output over datanets of several sizes, beside the naive scan (no index) in the same run.
//   npm run bench:span -- [--sizes 1M,10M,100M] [--outputs 20] [--naive-max 100M] [--naive-outputs 5]
// Datanets come from the seeded planted generator (Zipf-like words, ~2.5 cl100k tokens a word);
// outputs are 512 tokens of verbatim spans of known documents between novel text.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { attributeTokens } from "../node/attribution/span/attribute.js";
import { liveIndex } from "../node/attribution/span/live-index.js";
import { naiveAttributeTokens } from "../node/attribution/span/naive.js";
import { plantedDatanet, plantedOutput } from "../node/attribution/span/planted.js";
import { resultHash } from "../node/attribution/span/result.js";
import { type BuildProgress, buildShardSync } from "../node/attribution/span/shard-build.js";
import { openShard } from "../node/attribution/span/shard-open.js";
import { tokenize } from "../node/attribution/span/tokenizer.js";

const { values: flags } = parseArgs({
  options: {
    sizes: { type: "string", default: "1M,10M,100M" },
    outputs: { type: "string", default: "20" },
    "naive-max": { type: "string", default: "100M" },
    "naive-outputs": { type: "string", default: "5" },
    dir: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:span -- [options]
  --sizes LIST         datanet sizes in tokens (default 1M,10M,100M: about 2 minutes, 4 GiB peak)
  --outputs N          512-token outputs timed per size (default 20)
  --naive-max SIZE     run the naive scan up to this size (default 100M)
  --naive-outputs N    outputs for the naive scan (default 5)
  --dir DIR            where to build the shards (default a temp dir, removed at the end)`);
  process.exit(0);
}

function size(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(s.trim());
  if (!m) throw new Error(`bad size ${s}`);
  return Math.round(
    Number(m[1]) * { "": 1, K: 1e3, M: 1e6, G: 1e9 }[m[2]!.toUpperCase() as "" | "K" | "M" | "G"],
  );
}
const sizes = flags.sizes!.split(",").map(size);
const outputs = Number(flags.outputs);
const naiveMax = size(flags["naive-max"]!);
const naiveOutputs = Number(flags["naive-outputs"]);
const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)]!;
const max = (xs: number[]) => Math.max(...xs);
const mib = (b: number) => `${fmt(b / 2 ** 20)} MiB`;
const log = (s: string) => process.stderr.write(`${s}\n`);

const TOKENS_PER_WORD = 2.6;
const WORDS_PER_DOC = 400;
const root = flags.dir ?? mkdtempSync(join(tmpdir(), "span-bench-"));
const rows: string[][] = [];

// Generates the datanet and the 512-token outputs (verbatim spans of its documents between novel
// text), builds the shard timing each phase from the progress callback, and lets the generated
// text go (so that its garbage does not pause the timed queries).
function prepare(n: number, dir: string) {
  const contributors = Math.max(10, Math.ceil(n / (TOKENS_PER_WORD * WORDS_PER_DOC * 5)));
  let t = performance.now();
  const data = plantedDatanet({ seed: n, contributors, docsPerContributor: 5, wordsPerDoc: WORDS_PER_DOC });
  const qs: Uint32Array[] = [];
  for (let k = 0; qs.length < outputs + 2; k++) {
    const o = plantedOutput(data, { seed: 1, spans: [6, 10], spanWords: [15, 40], novelWords: [5, 25] }, k);
    const q = tokenize(o.text);
    if (q.length >= 512) qs.push(q.slice(0, 512));
  }
  log(
    `[${fmt(n)}] generated ${fmt(data.docs.length)} documents in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );
  const phases = new Map<string, number>();
  let phase = "";
  let since = performance.now();
  const onProgress = (p: BuildProgress) => {
    if (p.phase === phase) return;
    const now = performance.now();
    if (phase) phases.set(phase, now - since);
    log(`[${fmt(n)}] ${p.phase}…`);
    phase = p.phase;
    since = now;
  };
  rmSync(dir, { recursive: true, force: true });
  t = performance.now();
  const meta = buildShardSync(dir, data.docs, onProgress);
  const buildMs = performance.now() - t;
  phases.set(phase, performance.now() - since);
  return { meta, qs, buildMs, phases };
}

for (const n of sizes) {
  const dir = join(root, `shard-${n}`);
  const { meta, qs, buildMs, phases } = prepare(n, dir);
  (globalThis as { gc?: () => void }).gc?.();
  const tokens = meta.tokens;
  const t = performance.now();
  const index = liveIndex("bench", [openShard(dir, "full")]);
  const openMs = performance.now() - t;
  const rss = process.memoryUsage().rss;
  log(`[${fmt(n)}] ${fmt(tokens)} tokens: built in ${fmt(buildMs / 1000, 1)} s, opened in ${fmt(openMs)} ms`);

  for (const q of qs.slice(0, 2)) attributeTokens(index, q); // warm-up
  const fast: number[] = [];
  const results = qs.slice(2).map((q) => {
    const s = performance.now();
    const r = attributeTokens(index, q);
    fast.push(performance.now() - s);
    return r;
  });
  const spans = results.reduce((a, r) => a + r.spans.length, 0) / results.length;
  let naiveText = "skipped";
  let ratio = "";
  if (n <= naiveMax) {
    naiveAttributeTokens(index, qs[0]!); // warm-up
    const slow: number[] = [];
    results.slice(0, naiveOutputs).forEach((r, k) => {
      const s = performance.now();
      const nr = naiveAttributeTokens(index, qs[k + 2]!);
      slow.push(performance.now() - s);
      if (resultHash(nr) !== resultHash(r)) throw new Error(`naive and indexed results differ (output ${k})`);
    });
    naiveText = `${fmt(median(slow), 1)} ms`;
    ratio = `${fmt(median(slow) / median(fast), 0)}×`;
  }
  const tok = phases.get("tokenize") ?? 0;
  const sa = phases.get("suffix-array") ?? 0;
  const write = phases.get("write") ?? 0;
  rows.push([
    fmt(tokens),
    `${fmt(tokens / (buildMs / 1000))}`,
    `${fmt(tokens / (tok / 1000))}`,
    `${fmt(tokens / ((sa + write) / 1000))}`,
    `${fmt(openMs)} ms`,
    mib(meta.files.tokens.bytes + meta.files.sa.bytes + meta.files.docs.bytes),
    mib(rss),
    `${fmt(median(fast), 2)} ms`,
    `${fmt(p90(fast), 2)} ms`,
    `${fmt(max(fast), 2)} ms`,
    fmt(spans, 1),
    naiveText,
    ratio,
  ]);
  rmSync(dir, { recursive: true, force: true });
}
if (!flags.dir) rmSync(root, { recursive: true, force: true });

const head = [
  "datanet tokens",
  "build tok/s",
  "tokenize tok/s",
  "SA+write tok/s",
  "open+sha256",
  "index",
  "RSS",
  "attr. median",
  "p90",
  "max",
  "spans/out",
  "naive median",
  "naive/index",
];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (r: string[]) => r.map((v, c) => v.padStart(widths[c]!)).join("  ");
console.log(`span attribution of a 512-token output (${outputs} outputs; naive: ${naiveOutputs}), one run`);
console.log(line(head));
for (const r of rows) console.log(line(r));
