// The node's native signer (libsecp256k1) against the stock cosmjs DirectSecp256k1HdWallet: the
// same address and pubkey from a mnemonic, and the same signature bytes (RFC 6979, low S) on the
// same sign docs.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { DirectSecp256k1HdWallet, makeSignDoc } from "@cosmjs/proto-signing";
import { NativeDirectSigner } from "../../node/crypto/native-signer.js";
import { DEV_ACCOUNTS } from "../app/helpers.js";

describe("NativeDirectSigner", () => {
  it("derives the cosmjs address and signs byte for byte as cosmjs does", async () => {
    for (const { mnemonic } of DEV_ACCOUNTS.slice(0, 3)) {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "open" });
      const native = await NativeDirectSigner.fromMnemonic(mnemonic, { prefix: "open" });
      const [a] = await wallet.getAccounts();
      const [b] = await native.getAccounts();
      assert.equal(b!.address, a!.address);
      assert.deepEqual(b!.pubkey, a!.pubkey);
      for (let i = 0; i < 20; i++) {
        const doc = makeSignDoc(randomBytes(40 + i * 13), randomBytes(30 + i), "openledger-dev-1", i);
        const expected = await wallet.signDirect(a!.address, doc);
        const got = await native.signDirect(a!.address, doc);
        assert.deepEqual(got.signature, expected.signature, `doc ${i}`);
      }
    }
  });

  it("refuses to sign for another address", async () => {
    const native = await NativeDirectSigner.fromMnemonic(DEV_ACCOUNTS[0]!.mnemonic, { prefix: "open" });
    const doc = makeSignDoc(new Uint8Array(1), new Uint8Array(1), "openledger-dev-1", 0);
    await assert.rejects(native.signDirect("open1someoneelse", doc), /this signer holds/);
  });
});
