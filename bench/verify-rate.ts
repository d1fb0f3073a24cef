// The one-core rate of the node's own native secp256k1 verifier, on signatures of the workload.
import { verifySecp256k1 } from "../node/crypto/secp256k1.js";
import type { Workload } from "./presign.js";

/** Raw verifies per second on this (one) thread with the node's own verifier. */
export function measureVerify(samples: Workload["samples"], ms: number): number {
  for (const s of samples)
    if (!verifySecp256k1(s.pubkey, s.message, s.signature)) throw new Error("bad sample");
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (const s of samples) verifySecp256k1(s.pubkey, s.message, s.signature);
    count += samples.length;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}
