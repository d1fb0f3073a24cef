import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";

interface DevAccount {
  name: string;
  mnemonic: string;
  address: string;
}

const accounts = JSON.parse(
  readFileSync(new URL("../../genesis/dev-accounts.json", import.meta.url), "utf8"),
) as DevAccount[];

describe("genesis/dev-accounts.json", () => {
  it("lists alice, bob, carol, dave and eve with 24-word mnemonics", () => {
    assert.deepEqual(
      accounts.map((a) => a.name),
      ["alice", "bob", "carol", "dave", "eve"],
    );
    for (const a of accounts) assert.equal(a.mnemonic.split(" ").length, 24, a.name);
    assert.equal(new Set(accounts.map((a) => a.address)).size, accounts.length);
  });

  for (const a of accounts) {
    it(`${a.name}: address re-derives with the stock cosmjs wallet`, async () => {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(a.mnemonic, { prefix: "open" });
      const [account] = await wallet.getAccounts();
      assert.equal(account?.address, a.address);
    });
  }
});
