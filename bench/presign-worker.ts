// Worker for presign.ts: signs one slice of the senders' txs with the stock cosmjs signer
// (DirectSecp256k1Wallet.signDirect), so pre-signing uses every core.
import { parentPort, workerData } from "node:worker_threads";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { PREFIX, signerOf, signTx } from "./lib.js";

export interface PresignJob {
  privkey: Uint8Array;
  accountNumber: bigint;
  firstSequence: bigint;
  count: number;
  body: Uint8Array;
  chainId: string;
}

const { jobs, gas } = workerData as { jobs: PresignJob[]; gas: bigint };
const out: Uint8Array[][] = [];
for (const job of jobs) {
  const signer = await signerOf(await DirectSecp256k1Wallet.fromKey(job.privkey, PREFIX));
  signer.accountNumber = job.accountNumber;
  const txs: Uint8Array[] = [];
  for (let i = 0; i < job.count; i++)
    txs.push(await signTx(signer, job.body, gas, job.firstSequence + BigInt(i), job.chainId));
  out.push(txs);
}
parentPort!.postMessage(out);
