// Pre-signing: every send of the workload signed offline with the stock cosmjs signer, one
// worker (presign-worker.ts) per core, and laid out for broadcasting.
import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import { toBase64 } from "@cosmjs/encoding";
import { makeSignBytes, makeSignDoc } from "@cosmjs/proto-signing";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { CHAIN_ID, type Signer, sendBody, sha256Hex } from "./lib.js";
import { opt } from "./options.js";
import type { PresignJob } from "./presign-worker.js";

export interface Workload {
  txs: Uint8Array[];
  /** The JSON-RPC request object of each tx, without its id (appended at send time). */
  requests: string[];
  hashes: string[];
  /** Sender index of each tx. */
  sender: Int32Array;
  /** Per sender, its tx indices in sequence order. */
  bySender: number[][];
  /** A few (pubkey, sign bytes, signature) triples for the verify measurement. */
  samples: { pubkey: Uint8Array; message: Uint8Array; signature: Uint8Array }[];
}

export async function presign(
  senders: Signer[],
  privkeys: Uint8Array[],
  chainId = CHAIN_ID,
): Promise<Workload> {
  const n = opt.txs;
  const w: Workload = {
    txs: new Array(n),
    requests: new Array(n),
    hashes: new Array(n),
    sender: new Int32Array(n),
    bySender: senders.map(() => []),
    samples: [],
  };
  const method = opt.mode === "async" ? "broadcast_tx_async" : "broadcast_tx_sync";
  // Tx i is sender i mod N's (i div N)-th send. A sender's sends all have the same body (same
  // recipient and amount): encode it once each.
  const counts = senders.map((_, k) => Math.floor(n / senders.length) + (k < n % senders.length ? 1 : 0));
  const jobs: PresignJob[] = senders.map((s, k) => ({
    privkey: privkeys[k]!,
    accountNumber: s.accountNumber,
    firstSequence: s.sequence,
    count: counts[k]!,
    body: sendBody(s.address, senders[(k + 1) % senders.length]!.address, 1n),
    chainId,
  }));
  // One worker per core, each signing a share of the senders, with the stock cosmjs signer.
  const threads = Math.max(1, Math.min(cpus().length, senders.length));
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const mine = jobs.filter((_, k) => k % threads === t);
      return new Promise<Uint8Array[][]>((resolve, reject) => {
        // Workers do not inherit tsx's loader: register it, then load the TypeScript worker.
        const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => {
          m.register();
          return import(${JSON.stringify(new URL("./presign-worker.ts", import.meta.url).href)});
        });`;
        const worker = new Worker(boot, { eval: true, workerData: { jobs: mine, gas: opt.gas } });
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.once("exit", (code) => code !== 0 && reject(new Error(`presign worker exited with ${code}`)));
      });
    }),
  );
  const bySenderTxs = jobs.map((_, k) => parts[k % threads]![Math.floor(k / threads)]!);
  for (let i = 0; i < n; i++) {
    const k = i % senders.length;
    const s = senders[k]!;
    const tx = bySenderTxs[k]![Math.floor(i / senders.length)]!;
    w.txs[i] = tx;
    w.hashes[i] = sha256Hex(tx);
    w.requests[i] = `"method":"${method}","params":{"tx":"${toBase64(tx)}"}}`;
    w.sender[i] = k;
    w.bySender[k]!.push(i);
    if (w.samples.length < 256) {
      const raw = TxRaw.decode(tx);
      const doc = makeSignDoc(raw.bodyBytes, raw.authInfoBytes, chainId, Number(s.accountNumber));
      w.samples.push({ pubkey: s.pubkey, message: makeSignBytes(doc), signature: raw.signatures[0]! });
    }
  }
  for (const [k, s] of senders.entries()) s.sequence += BigInt(counts[k]!);
  return w;
}
