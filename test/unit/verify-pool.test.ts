// The worker-thread verifier against the main thread's libsecp256k1 verifier: same answers for
// valid, tampered and malformed signatures, in request order, many requests in one tick; whole
// txs checked with the account number the worker learned; the preverifier filling the ante's
// cache for valid txs only.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Secp256k1 } from "@cosmjs/crypto";
import { makeSignDoc } from "@cosmjs/proto-signing";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { VerifiedSignatures } from "../../node/crypto/secp256k1.js";
import { sha256 } from "../../node/crypto/sha256.js";
import { VerifyPool } from "../../node/crypto/verify-pool.js";
import { SignaturePreverifier } from "../../node/mempool/preverify.js";
import {
  buildTx,
  CHAIN_ID,
  coin,
  devAccountNumber,
  genesisApp,
  msgSend,
  signer,
  withSignatures,
} from "../app/helpers.js";

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

  it("checks a whole tx with the signer's account number it learned", async () => {
    const pool = new VerifyPool(CHAIN_ID);
    try {
      const [alice, bob] = await Promise.all([signer("alice"), signer("bob")]);
      const msgs = [msgSend(alice.address, bob.address, [coin(5)])];
      const tx = await buildTx(alice, { msgs });
      const unknown = await pool.checkTx(tx.bytes);
      assert.equal(unknown?.kind, "unknown-signer");
      assert.deepEqual(unknown.pubkey, alice.pubkey);
      pool.learn(alice.pubkey, devAccountNumber("alice"));
      const verified = await pool.checkTx(tx.bytes);
      assert.equal(verified?.kind, "verified");
      const signDoc = makeSignDoc(tx.bodyBytes, tx.authInfoBytes, CHAIN_ID, devAccountNumber("alice"));
      assert.deepEqual(verified.digest, sha256(SignDoc.encode(signDoc).finish()));
      assert.deepEqual(verified.signature, tx.signature);
      // signed over another account number, tampered, two signatures, not a tx: nothing verified
      const otherNumber = await buildTx(alice, { msgs, accountNumber: 99n });
      const tampered = Uint8Array.from(tx.signature);
      tampered[3]! ^= 1;
      for (const bytes of [
        otherNumber.bytes,
        withSignatures(tx, [tampered]),
        withSignatures(tx, [tx.signature, tx.signature]),
        Uint8Array.of(1, 2, 3),
      ]) {
        assert.equal(await pool.checkTx(bytes), undefined);
      }
    } finally {
      await pool.close();
    }
  });

  it("the preverifier fills the ante's cache for valid txs of existing accounts only", async () => {
    const t = await genesisApp();
    const pool = new VerifyPool(CHAIN_ID);
    try {
      const [alice, bob] = await Promise.all([signer("alice"), signer("bob")]);
      const cache = new VerifiedSignatures();
      const preverifier = new SignaturePreverifier(t.app, cache, pool);
      const tx = await buildTx(alice, { msgs: [msgSend(alice.address, bob.address, [coin(5)])] });
      const tampered = Uint8Array.from(tx.signature);
      tampered[9]! ^= 1;
      await preverifier.preverify(withSignatures(tx, [tampered]));
      assert.equal(cache.size, 0);
      await preverifier.preverify(tx.bytes);
      assert.equal(cache.size, 1, "alice's account number learned from state, her signature verified");
      const signDoc = makeSignDoc(tx.bodyBytes, tx.authInfoBytes, CHAIN_ID, devAccountNumber("alice"));
      assert.ok(cache.verify(alice.pubkey, SignDoc.encode(signDoc).finish(), tx.signature));
      assert.equal(cache.size, 1, "the ante's check found it");
    } finally {
      await pool.close();
      await t.close();
    }
  });
});
