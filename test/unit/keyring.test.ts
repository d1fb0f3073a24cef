import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBase64 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { Keyring } from "../../cmd/keyring.js";

const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

describe("keyring", () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "openledger-keyring-"));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("adds, lists, shows and deletes keys (test backend)", async () => {
    const kr = new Keyring({ home, backend: "test" });
    const added = await kr.add("alice");
    assert.equal(added.mnemonic?.split(" ").length, 24);
    assert.match(added.address, /^open1[02-9ac-hj-np-z]{38}$/);
    assert.equal(fromBase64(added.pubkey).length, 33);
    await kr.add("bob", { mnemonic: MNEMONIC });
    assert.deepEqual(
      (await kr.list()).map((k) => k.name),
      ["alice", "bob"],
    );
    const shown = await kr.show("alice");
    assert.deepEqual(shown, { name: "alice", type: "local", address: added.address, pubkey: added.pubkey });
    assert.equal("mnemonic" in shown, false);
    await kr.delete("alice");
    assert.deepEqual(
      (await kr.list()).map((k) => k.name),
      ["bob"],
    );
    await assert.rejects(kr.show("alice"), /key "alice" not found/);
    await assert.rejects(kr.delete("alice"), /key "alice" not found/);
  });

  it("recovers the same address and signer as cosmjs's wallet", async () => {
    const kr = new Keyring({ home, backend: "test" });
    const recovered = await kr.add("r", { mnemonic: `  ${MNEMONIC.toUpperCase()}\n` });
    assert.equal(recovered.mnemonic, undefined, "a given mnemonic is not echoed back");
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "open" });
    const [account] = await wallet.getAccounts();
    assert.equal(recovered.address, account?.address);
    assert.deepEqual(fromBase64(recovered.pubkey), account?.pubkey);
    const [signerAccount] = await (await kr.signer("r")).getAccounts();
    assert.equal(signerAccount?.address, account?.address);
  });

  it("encrypts with the file backend and fails clearly on a wrong passphrase", async () => {
    const kr = new Keyring({ home, backend: "file", passphrase: "correct horse", scrypt: FAST_SCRYPT });
    const added = await kr.add("enc", { mnemonic: MNEMONIC });
    const text = await readFile(join(home, "keyring", "file", "enc.json"), "utf8");
    assert.equal(text.includes("abandon"), false, "mnemonic must not be stored in clear");
    assert.equal(JSON.parse(text).encrypted.kdf, "scrypt");
    const [acc] = await (await kr.signer("enc")).getAccounts();
    assert.equal(acc?.address, added.address);
    // list/show need no passphrase
    const noPass = new Keyring({ home, backend: "file" });
    assert.equal((await noPass.show("enc")).address, added.address);
    await assert.rejects(noPass.signer("enc"), /needs a passphrase/);
    const wrong = new Keyring({ home, backend: "file", passphrase: "wrong horse" });
    await assert.rejects(wrong.signer("enc"), /key "enc": wrong passphrase/);
    // keys of one backend are not seen by the other
    assert.deepEqual(await new Keyring({ home, backend: "test" }).list(), []);
  });

  it("refuses short passphrases, tampered files and bad mnemonics", async () => {
    const short = new Keyring({ home, backend: "file", passphrase: "short", scrypt: FAST_SCRYPT });
    await assert.rejects(short.add("k"), /at least 8 characters/);
    const kr = new Keyring({
      home,
      backend: "file",
      passphrase: async () => "long enough",
      scrypt: FAST_SCRYPT,
    });
    await kr.add("k", { mnemonic: MNEMONIC });
    const path = join(home, "keyring", "file", "k.json");
    const entry = JSON.parse(await readFile(path, "utf8"));
    entry.address = "open1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqa7qh0y";
    await writeFile(path, JSON.stringify(entry));
    await assert.rejects(kr.signer("k"), /wrong passphrase \(or the key file was altered\)/);
    await writeFile(path, "{not json");
    await assert.rejects(kr.show("k"), /is not valid JSON/);
    await assert.rejects(kr.add("m", { mnemonic: "foo bar" }), /invalid mnemonic: expected 12/);
    const badChecksum = MNEMONIC.replace(/about$/, "abandon");
    await assert.rejects(kr.add("m", { mnemonic: badChecksum }), /invalid mnemonic/);
  });

  it("refuses duplicate names and duplicate addresses", async () => {
    const kr = new Keyring({ home, backend: "test" });
    await kr.add("a", { mnemonic: MNEMONIC });
    await assert.rejects(kr.add("a"), /key "a" already exists/);
    await assert.rejects(kr.add("b", { mnemonic: MNEMONIC }), /already in the keyring as "a"/);
  });

  it("refuses bad names", async () => {
    const kr = new Keyring({ home, backend: "test" });
    for (const bad of ["", "a/b", "../x", "a b", "é", "x".repeat(65)]) {
      await assert.rejects(kr.add(bad), /invalid key name/, JSON.stringify(bad));
      await assert.rejects(kr.show(bad), /invalid key name/);
    }
    await kr.add(`ok_name.1-${"x".repeat(54)}`);
    assert.throws(() => new Keyring({ home, backend: "os" as "test" }), /unknown keyring backend "os"/);
  });

  it("writes key files 0600 in a 0700 directory, leaving no temp files", async () => {
    for (const backend of ["test", "file"] as const) {
      const kr = new Keyring({ home, backend, passphrase: "long enough", scrypt: FAST_SCRYPT });
      await kr.add("p");
      const dir = join(home, "keyring", backend);
      assert.equal((await stat(join(dir, "p.json"))).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      assert.deepEqual(await readdir(dir), ["p.json"]);
    }
  });
});
