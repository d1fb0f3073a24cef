// Worker-thread entry of buildShard(..., { background: true }): builds one shard, posting progress.
import { parentPort, workerData } from "node:worker_threads";
import { SpanError } from "./errors.js";
import { buildShardSync, type SpanDoc } from "./shard-build.js";

const { dir, docs } = workerData as { dir: string; docs: SpanDoc[] };
try {
  const meta = buildShardSync(dir, docs, (progress) => parentPort!.postMessage({ progress }));
  parentPort!.postMessage({ meta });
} catch (err) {
  const code = err instanceof SpanError ? err.code : undefined;
  parentPort!.postMessage({ error: { code, message: err instanceof Error ? err.message : String(err) } });
}
