// secp256k1 verification on a worker thread (verify-worker.cjs): mempool admission hands each
// incoming tx to the second core, which decodes it, rebuilds its sign bytes and checks its
// signature, and CheckTx on the main thread then finds the signature in the verified cache
// (VerifiedSignatures) instead of spending ~40 µs on it, plus ~7 µs of decoding and hashing.
// Requests made in the same tick go in messages of at most CHUNK items, answered one by one in
// order, so CheckTx of the first txs runs while the worker still checks the later ones (one
// message per tick made the RPC connections move in lockstep). A worker that dies answers
// "nothing checked" (CheckTx then verifies on the main thread): the pool can only save work,
// never decide validity.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const require = createRequire(import.meta.url);
const WORKER = new URL("./verify-worker.cjs", import.meta.url);
const PATHS = {
  secp256k1: require.resolve("secp256k1"),
  binary: require.resolve("cosmjs-types/binary"),
  tx: require.resolve("cosmjs-types/cosmos/tx/v1beta1/tx"),
  keys: require.resolve("cosmjs-types/cosmos/crypto/secp256k1/keys"),
};

type Item = ["sig", digest: Uint8Array, signature: Uint8Array, pubkey: Uint8Array] | ["tx", tx: Uint8Array];
type Answer = boolean | Uint8Array | 0;

/** What the worker found of a tx. */
export type TxCheck =
  | { kind: "verified"; pubkey: Uint8Array; signature: Uint8Array; digest: Uint8Array }
  /** Its signer's account number is not known to the worker yet (see learn). */
  | { kind: "unknown-signer"; pubkey: Uint8Array }
  /** Not a plain one-signer tx, or an invalid signature: CheckTx decides. */
  | undefined;

/** Most items per worker message (~1.3 ms of verification). */
const CHUNK = 32;

export class VerifyPool {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, (answers: Answer[]) => void>();
  private batch: { item: Item; resolve: (answer: Answer | undefined) => void }[] = [];
  private alive = true;

  /** chainId: the sign bytes of txs checked by checkTx are for this chain. */
  constructor(chainId = "") {
    this.worker = new Worker(WORKER, { workerData: { chainId, paths: PATHS } });
    this.worker.unref();
    this.worker.on("message", ({ id, results }: { id: number; results: Answer[] }) => {
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
  async verify(digest: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): Promise<boolean> {
    return (await this.request(["sig", digest, signature, pubkey])) === true;
  }

  /** Decodes a tx and checks its signature with the signer's account number, as the ante will. */
  async checkTx(tx: Uint8Array): Promise<TxCheck> {
    const answer = await this.request(["tx", tx]);
    if (!(answer instanceof Uint8Array)) return undefined;
    if (answer.length === 33) return { kind: "unknown-signer", pubkey: answer };
    if (answer.length !== 129) return undefined;
    return {
      kind: "verified",
      pubkey: answer.subarray(0, 33),
      signature: answer.subarray(33, 97),
      digest: answer.subarray(97),
    };
  }

  /** Tells the worker a signer's account number (it never changes once the account exists). */
  learn(pubkey: Uint8Array, accountNumber: bigint): void {
    if (this.alive)
      this.worker.postMessage({ learn: [[Buffer.from(pubkey).toString("hex"), accountNumber]] });
  }

  async close(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }

  private request(item: Item): Promise<Answer | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      if (this.batch.length === 0) setImmediate(() => this.flush());
      this.batch.push({ item, resolve });
    });
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    if (!this.alive) {
      for (const b of batch) b.resolve(undefined);
      return;
    }
    for (let start = 0; start < batch.length; start += CHUNK) {
      const chunk = batch.slice(start, start + CHUNK);
      const id = this.nextId++;
      this.pending.set(id, (answers) => {
        for (let i = 0; i < chunk.length; i++) chunk[i]!.resolve(answers[i]);
      });
      this.worker.postMessage({ id, items: chunk.map((b) => b.item) });
    }
  }
}
