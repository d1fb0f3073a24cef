// onnxruntime-node sessions with the execution provider chosen at run time: CUDA when it loads,
// else CPU. The provider that actually runs is reported, never assumed.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";

export type ProviderName = "cuda" | "cpu";
/** "auto": CUDA if it loads, else CPU. "cuda": CUDA or an error. "cpu": CPU only. */
export type ProviderPreference = "auto" | ProviderName;

export interface SessionOptions {
  provider?: ProviderPreference;
  /** Threads inside one operator (onnxruntime's intraOpNumThreads); 0 or unset = its default. */
  threads?: number;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: ProviderName;
  /** Providers tried before the one that ran, with why each failed. */
  fallbacks: { provider: ProviderName; error: string }[];
}

/** Environment override for the provider preference (e.g. OPENLEDGER_ONNX_PROVIDER=cuda). */
export const PROVIDER_ENV = "OPENLEDGER_ONNX_PROVIDER";

export function parseProvider(
  value: string | undefined,
  fallback: ProviderPreference = "auto",
): ProviderPreference {
  if (value === undefined || value === "") return fallback;
  if (value === "auto" || value === "cuda" || value === "cpu") return value;
  throw new Error(`unknown execution provider "${value}" (expected auto, cuda or cpu)`);
}

/** The backends this onnxruntime-node build knows, and whether each is inside the package. */
export function supportedBackends(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

/** Where onnxruntime-node looks for provider libraries (next to its native binding). */
function bindingDir(): string {
  const index = createRequire(import.meta.url).resolve("onnxruntime-node");
  return join(dirname(index), "..", "bin", "napi-v6", process.platform, process.arch);
}

/** Why CUDA cannot load here, or undefined when it may (the build lists it and its library is present). */
export function cudaUnavailable(): string | undefined {
  if (!supportedBackends().some((b) => b.name === "cuda")) return "not in this onnxruntime-node build";
  const lib =
    process.platform === "win32" ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
  if (!existsSync(join(bindingDir(), lib)))
    return `${lib} not installed next to the onnxruntime-node binding`;
  return undefined;
}

async function create(bytes: Uint8Array, provider: ProviderName, threads: number | undefined) {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  };
  if (threads && threads > 0) options.intraOpNumThreads = threads;
  return ort.InferenceSession.create(bytes, options);
}

/**
 * Opens a session over ONNX bytes. With "auto" it tries CUDA first (when its provider library
 * is installed) and falls back to CPU; the result says which provider runs and why others were skipped.
 */
export async function openSession(bytes: Uint8Array, opts: SessionOptions = {}): Promise<OpenedSession> {
  const pref = opts.provider ?? parseProvider(process.env[PROVIDER_ENV]);
  const order: ProviderName[] = pref === "auto" ? ["cuda", "cpu"] : [pref];
  const fallbacks: OpenedSession["fallbacks"] = [];
  for (const provider of order) {
    // "auto" skips CUDA quietly when its library is absent (onnxruntime would log an error);
    // an explicit "cuda" always tries, so its own error is reported.
    const missing = provider === "cuda" && pref === "auto" ? cudaUnavailable() : undefined;
    if (missing) {
      fallbacks.push({ provider, error: missing });
      continue;
    }
    try {
      const session = await create(bytes, provider, opts.threads);
      return { session, provider, fallbacks };
    } catch (err) {
      fallbacks.push({ provider, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const why = fallbacks.map((f) => `${f.provider}: ${f.error}`).join("; ");
  throw new Error(`no execution provider could run the model (${why})`);
}

/** A float32 tensor over `data` (no copy). */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims);
}

/** Runs a session and returns the named float32 outputs. */
export async function runFloat(
  s: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  outputs: readonly string[],
): Promise<Float32Array[]> {
  const res = await s.run(feeds, outputs as string[]);
  return outputs.map((name) => {
    const t = res[name];
    if (t?.type !== "float32") throw new Error(`ONNX output ${name} missing or not float32`);
    return t.data as Float32Array;
  });
}
