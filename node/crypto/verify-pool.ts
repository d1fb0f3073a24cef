// secp256k1 verification on a worker thread: mempool admission hands the signature check of each
// incoming tx to the second core, and CheckTx on the main thread then finds it in the verified
// cache (VerifiedSignatures) instead of spending ~40 µs on it. Requests made in the same tick go
// in messages of at most CHUNK items, answered one by one in order, so CheckTx of the first txs
// runs while the worker still checks the later ones (one message per tick made the RPC
// connections move in lockstep: every batch waited for the whole tick's verification). A worker that dies answers false (CheckTx then
// verifies on the main thread as before): the pool can only save work, never decide validity.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const require = createRequire(import.meta.url);
const SECP256K1 = require.resolve("secp256k1");

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const native = require(${JSON.stringify(SECP256K1)});
parentPort.on("message", ({ id, items }) => {
  const results = items.map(([digest, signature, pubkey]) => {
    try { return native.ecdsaVerify(signature, digest, pubkey); } catch { return false; }
  });
  parentPort.postMessage({ id, results });
});
`;

type Item = [digest: Uint8Array, signature: Uint8Array, pubkey: Uint8Array];

/** Most signatures per worker message (~1.3 ms of verification). */
const CHUNK = 32;

export class VerifyPool {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, (results: boolean[]) => void>();
  private batch: { item: Item; resolve: (ok: boolean) => void }[] = [];
  private alive = true;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on("message", ({ id, results }: { id: number; results: boolean[] }) => {
      this.pending.get(id)?.(results);
      this.pending.delete(id);
    });
    const fail = () => {
      this.alive = false;
      for (const done of this.pending.values()) done([]);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", fail);
  }

  /** Whether `signature` (64-byte r‖s) is valid for the 32-byte `digest` under `pubkey`. */
  verify(digest: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): Promise<boolean> {
    if (!this.alive) return Promise.resolve(false);
    return new Promise((resolve) => {
      if (this.batch.length === 0) setImmediate(() => this.flush());
      this.batch.push({ item: [digest, signature, pubkey], resolve });
    });
  }

  async close(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    if (!this.alive) {
      for (const b of batch) b.resolve(false);
      return;
    }
    for (let start = 0; start < batch.length; start += CHUNK) {
      const chunk = batch.slice(start, start + CHUNK);
      const id = this.nextId++;
      this.pending.set(id, (results) => {
        for (let i = 0; i < chunk.length; i++) chunk[i]!.resolve(results[i] === true);
      });
      this.worker.postMessage({ id, items: chunk.map((b) => b.item) });
    }
  }
}
