// The worker-thread verifier against the main thread's libsecp256k1 verifier: same answers for
// valid, tampered and malformed signatures, in request order, many requests in one tick.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Secp256k1 } from "@cosmjs/crypto";
import { sha256 } from "../../node/crypto/sha256.js";
import { VerifyPool } from "../../node/crypto/verify-pool.js";

describe("VerifyPool (worker thread)", () => {
  it("answers as the main thread does, in order, for a burst of mixed signatures", async () => {
    const pool = new VerifyPool();
    try {
      const keypair = await Secp256k1.makeKeypair(randomBytes(32));
      const pubkey = Secp256k1.compressPubkey(keypair.pubkey);
      const cases: { digest: Uint8Array; signature: Uint8Array; want: boolean }[] = [];
      for (let i = 0; i < 60; i++) {
        const digest = sha256(randomBytes(40));
        const sig = await Secp256k1.createSignature(digest, keypair.privkey);
        const signature = Uint8Array.from([...sig.r(32), ...sig.s(32)]);
        if (i % 3 === 1) signature[5]! ^= 1; // tampered
        cases.push({ digest, signature, want: i % 3 !== 1 });
      }
      cases.push({ digest: new Uint8Array(31), signature: new Uint8Array(64), want: false }); // malformed
      const got = await Promise.all(cases.map((c) => pool.verify(c.digest, c.signature, pubkey)));
      assert.deepEqual(
        got,
        cases.map((c) => c.want),
      );
    } finally {
      await pool.close();
    }
  });

  it("answers false once closed (CheckTx then verifies on the main thread)", async () => {
    const pool = new VerifyPool();
    await pool.close();
    assert.equal(await pool.verify(new Uint8Array(32), new Uint8Array(64), new Uint8Array(33)), false);
  });
});
