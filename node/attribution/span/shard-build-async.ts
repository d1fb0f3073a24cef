// buildShard: the shard build off the caller's thread (a worker thread), so a node keeps serving
// while a datanet version is indexed; progress arrives through the callback on the caller's thread.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { SpanError, type SpanErrorCode } from "./errors.js";
import { buildShardSync, type ProgressFn, type SpanDoc } from "./shard-build.js";
import type { ShardMeta } from "./shard-meta.js";

export interface BuildOptions {
  onProgress?: ProgressFn;
  /** true (default): build in a worker thread; false: on this thread (blocks it). */
  background?: boolean;
}

type WorkerReply =
  | { progress: Parameters<ProgressFn>[0] }
  | { meta: ShardMeta }
  | { error: { code?: SpanErrorCode; message: string } };

// The ESM entry of tsx's API. import.meta.resolve is missing where tsx loaded this file as
// CommonJS (mocha does), so read the package's export map.
function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports["./esm/api"]!.import.default)).href;
}

export async function buildShard(
  dir: string,
  docs: readonly SpanDoc[],
  opts: BuildOptions = {},
): Promise<ShardMeta> {
  if (opts.background === false) return buildShardSync(dir, docs, opts.onProgress);
  // Workers do not inherit tsx's loader: register it, then load the TypeScript worker.
  const entry = new URL("./build-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi())}).then((m) => {
    m.register();
    return import(${JSON.stringify(entry)});
  });`;
  return await new Promise<ShardMeta>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(boot, { eval: true, workerData: { dir, docs } });
    worker.on("message", (msg: WorkerReply) => {
      if ("progress" in msg) {
        opts.onProgress?.(msg.progress);
      } else if ("meta" in msg) {
        settled = true;
        resolve(msg.meta);
      } else {
        settled = true;
        const { code, message } = msg.error;
        reject(code ? new SpanError(code, message) : new Error(message));
      }
    });
    worker.once("error", (err) => {
      settled = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`span shard build worker exited with ${code}`));
    });
  });
}
