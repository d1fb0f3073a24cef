// Influence scoring throughput: training examples scored per second for one output (the
// validator's case) and for a batch of outputs, on the execution provider that ran, against a
// plain-JS loop doing the same arithmetic. Prints one JSON line.
//
//   npm run bench:influence -- [--provider auto|cpu|cuda] [--n 2000] [--buckets 256]
//     [--classes 4] [--method exact|trak] [--k 256] [--batch 32] [--ms 2000] [--threads 0]
// --provider cuda (or OPENLEDGER_ONNX_PROVIDER=cuda) insists on CUDA; when a non-CPU provider
// runs, the same measurement is repeated on CPU and the ratio printed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { featurize } from "../node/attribution/influence/features.js";
import {
  InfluenceEngine,
  type InfluenceMethod,
  type SoftmaxModel,
  trainArtifact,
} from "../node/attribution/influence/index.js";
import { syntheticDataset } from "../node/attribution/influence/synthetic.js";
import { exampleLoss } from "../node/attribution/influence/train.js";
import { PROVIDER_ENV, parseProvider, supportedBackends } from "../node/attribution/onnx/runtime.js";

const { values } = parseArgs({
  options: {
    provider: { type: "string" },
    n: { type: "string", default: "2000" },
    buckets: { type: "string", default: "256" },
    classes: { type: "string", default: "4" },
    method: { type: "string", default: "exact" },
    k: { type: "string", default: "256" },
    batch: { type: "string", default: "32" },
    ms: { type: "string", default: "2000" },
    threads: { type: "string", default: "0" },
  },
});
const provider = parseProvider(values.provider ?? process.env[PROVIDER_ENV]);
const n = Number(values.n);
const buckets = Number(values.buckets);
const classes = Number(values.classes);
const method = values.method as InfluenceMethod;
const k = Number(values.k);
const batch = Number(values.batch);
const ms = Number(values.ms);
const threads = Number(values.threads);

const ds = syntheticDataset({ seed: 2024, train: n, test: 256, classes });
let t0 = performance.now();
const art = trainArtifact(ds.train, { features: { buckets } });
const trainMs = performance.now() - t0;
const outputs = ds.test.map((t) => ({ text: t.text, label: t.label }));

/** Runs `fn` (scoring `per` outputs) repeatedly for ~ms; training examples scored per second. */
async function rate(fn: (i: number) => Promise<unknown>, per: number): Promise<number> {
  await fn(0); // warm-up
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < ms) await fn(calls++);
  return (calls * per * n) / ((performance.now() - start) / 1000);
}

async function measure(engine: InfluenceEngine) {
  const one = await rate((i) => engine.scores([outputs[i % outputs.length]!]), 1);
  const many = await rate((i) => {
    const s = (i * batch) % outputs.length;
    return engine.scores(outputs.slice(s, s + batch).concat(outputs.slice(0, Math.max(0, s + batch - 256))));
  }, batch);
  return { one, many };
}

/**
 * Plain JS, same arithmetic: the output's gradient g = (p − y) ⊗ [x; 1], then scores = gᵀΨ over
 * the cached [P, n] features. "dense" walks all P rows (what the ONNX graph does); "sparse" only
 * the rows where g is non-zero (the hashed input has few buckets set).
 */
function jsScores(model: SoftmaxModel, e: InfluenceEngine, text: string, label: string, sparse: boolean) {
  const D = model.features.buckets;
  const C = model.classes.length;
  const x = featurize(text, model.features);
  const y = model.classes.indexOf(label);
  const p = new Float64Array(C);
  exampleLoss(model.params, x, y, D, p);
  p[y] = p[y]! - 1;
  const g = new Float64Array((D + 1) * C);
  for (let c = 0; c < C; c++) {
    x.index.forEach((d, j) => {
      g[d * C + c] = x.value[j]! * p[c]!;
    });
    g[D * C + c] = p[c]!;
  }
  const { rows, data } = e.features;
  if (e.method !== "exact" || rows !== g.length) throw new Error("the JS baseline covers the exact method");
  const out = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const v = g[r]!;
    if (sparse && v === 0) continue;
    const o = r * n;
    for (let j = 0; j < n; j++) out[j] = out[j]! + v * data[o + j]!;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "influence-bench-"));
try {
  const opts = { method, projectionDim: k, threads, cacheDir: dir };
  t0 = performance.now();
  const engine = await InfluenceEngine.open(art.onnx, ds.train, { ...opts, provider });
  const featuresBuildMs = performance.now() - t0;
  t0 = performance.now();
  const cached = await InfluenceEngine.open(art.onnx, ds.train, { ...opts, provider });
  const cacheLoadMs = performance.now() - t0;
  if (cached.cache !== "hit") throw new Error("second open did not hit the cache");
  await cached.close();
  const onnxRate = await measure(engine);
  let js: { denseExamplesPerSec: number; sparseExamplesPerSec: number; maxRelDiff: number } | undefined;
  if (method === "exact") {
    const o = outputs;
    const [ref] = await engine.scores([o[0]!]);
    const mine = jsScores(art.model, engine, o[0]!.text, o[0]!.label, false);
    const scale = Math.max(...mine.map(Math.abs));
    const maxRelDiff = Math.max(...mine.map((v, j) => Math.abs(v - ref!.scores[j]!))) / scale;
    const jsRate = (sparse: boolean) =>
      rate(async (i) => jsScores(art.model, engine, o[i % 256]!.text, o[i % 256]!.label, sparse), 1);
    js = {
      denseExamplesPerSec: Math.round(await jsRate(false)),
      sparseExamplesPerSec: Math.round(await jsRate(true)),
      maxRelDiff: Number(maxRelDiff.toExponential(2)),
    };
  }
  let cpu: { examplesPerSec: number; batchedExamplesPerSec: number } | undefined;
  if (engine.provider !== "cpu") {
    const c = await InfluenceEngine.open(art.onnx, ds.train, { ...opts, provider: "cpu" });
    const r = await measure(c);
    cpu = { examplesPerSec: Math.round(r.one), batchedExamplesPerSec: Math.round(r.many) };
    await c.close();
  }
  await engine.close();
  const P = (buckets + 1) * art.model.classes.length;
  console.log(
    JSON.stringify({
      bench: "influence-score",
      provider: engine.provider,
      requested: provider,
      fallbacks: engine.providerFallbacks,
      backends: supportedBackends().map((b) => b.name),
      method,
      trainingExamples: n,
      buckets,
      classes: art.model.classes.length,
      params: P,
      featureWidth: engine.features.rows,
      modelBytes: art.onnx.length,
      artifact: Buffer.from(art.artifactSha256).toString("hex").slice(0, 16),
      trainMs: Math.round(trainMs),
      trainIterations: art.stats.iterations,
      featuresBuildMs: Math.round(featuresBuildMs),
      cacheLoadMs: Math.round(cacheLoadMs),
      examplesPerSec: Math.round(onnxRate.one),
      batch,
      batchedExamplesPerSec: Math.round(onnxRate.many),
      js,
      onnxOverJsDense: js ? Number((onnxRate.one / js.denseExamplesPerSec).toFixed(2)) : undefined,
      batchedOverJsDense: js ? Number((onnxRate.many / js.denseExamplesPerSec).toFixed(2)) : undefined,
      onnxOverJsSparse: js ? Number((onnxRate.one / js.sparseExamplesPerSec).toFixed(2)) : undefined,
      cpu,
      providerOverCpu: cpu ? Number((onnxRate.one / cpu.examplesPerSec).toFixed(2)) : undefined,
      batchedProviderOverCpu: cpu
        ? Number((onnxRate.many / cpu.batchedExamplesPerSec).toFixed(2))
        : undefined,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
