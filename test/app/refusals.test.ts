// Txs the app refuses with the Cosmos SDK's code and no state change: checkTx leaves the check
// state alone (the sequence can be sent again); in a block a refused tx changes nothing, except that
// one whose messages fail after the ante handler passed still pays its fee and sequence (as the SDK).
import assert from "node:assert/strict";
import { makeSignBytes, makeSignDoc } from "@cosmjs/proto-signing";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  balance,
  buildTx,
  CHAIN_ID,
  coin,
  devAppState,
  FEE_COLLECTOR,
  genesisApp,
  isHighS,
  MSG_MULTI_SEND_URL,
  minFee,
  msgSend,
  queryOk,
  runBlock,
  SIMULATE_PATH,
  type Signer,
  START_BALANCE,
  sequenceOf,
  signer,
  type TestApp,
  toHighS,
  withSignatures,
} from "./helpers.js";
import { checkRefused, type Refusal } from "./refusal-check.js";

describe("refused txs", () => {
  let t: TestApp;
  let alice: Signer;
  let bob: Signer;
  let carol: Signer;

  before(async () => {
    [alice, bob, carol] = await Promise.all([signer("alice"), signer("bob"), signer("carol")]);
  });
  beforeEach(async () => {
    t = await genesisApp();
  });
  afterEach(async () => {
    await t.close();
  });

  function send(amount: bigint | number = 1_000) {
    return [msgSend(alice.address, bob.address, [coin(amount)])];
  }

  const assertRefused = (txBytes: Uint8Array, want: Refusal) =>
    checkRefused(t.app, alice, carol, txBytes, want);

  it("wrong sequence: 32", async () => {
    const tx = await buildTx(alice, { msgs: send(), sequence: 1n });
    await assertRefused(tx.bytes, {
      code: 32,
      log: "account sequence mismatch, expected 0, got 1: incorrect account sequence",
      deliver: { kind: "nothing" },
    });
  });

  it("a sequence already used: 32", async () => {
    const first = await buildTx(alice, { msgs: send(1) });
    assert.equal((await runBlock(t.app, [first.bytes])).txResults[0]!.code, 0);
    const replay = await buildTx(alice, { msgs: send(2), sequence: 0n });
    await assertRefused(replay.bytes, {
      code: 32,
      log: "account sequence mismatch, expected 1, got 0: incorrect account sequence",
      deliver: { kind: "nothing" },
    });
    // And the very same bytes again.
    const again = t.app.checkTx(first.bytes);
    assert.equal(again.code, 32);
  });

  const VERIFY_FAILED =
    /^signature verification failed; please verify account number \(0\), sequence \(0\) and chain-id \(openledger-dev-1\): unauthorized$/;

  it("signed over the wrong account number: 4", async () => {
    const tx = await buildTx(alice, { msgs: send(), accountNumber: 3n });
    await assertRefused(tx.bytes, { code: 4, log: VERIFY_FAILED, deliver: { kind: "nothing" } });
  });

  it("signed over the wrong chain-id: 4", async () => {
    const tx = await buildTx(alice, { msgs: send(), chainId: "openledger-test-1" });
    await assertRefused(tx.bytes, { code: 4, log: VERIFY_FAILED, deliver: { kind: "nothing" } });
  });

  it("a corrupted signature: 4", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    const bad = Uint8Array.from(tx.signature);
    bad[10]! ^= 0x01;
    await assertRefused(withSignatures(tx, [bad]), {
      code: 4,
      log: VERIFY_FAILED,
      deliver: { kind: "nothing" },
    });
  });

  it("another key's signature over the same sign doc: 4", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    const signDoc = makeSignDoc(tx.bodyBytes, tx.authInfoBytes, CHAIN_ID, 0n);
    const { signature } = await bob.wallet.signDirect(bob.address, signDoc);
    const bobs = Uint8Array.from(Buffer.from(signature.signature, "base64"));
    await assertRefused(withSignatures(tx, [bobs]), {
      code: 4,
      log: VERIFY_FAILED,
      deliver: { kind: "nothing" },
    });
  });

  it("body bytes changed after signing (a different amount): 4", async () => {
    const tx = await buildTx(alice, { msgs: send(1_000) });
    const other = await buildTx(alice, { msgs: send(1_001) });
    const tampered = TxRaw.encode({
      bodyBytes: other.bodyBytes,
      authInfoBytes: tx.authInfoBytes,
      signatures: [tx.signature],
    }).finish();
    await assertRefused(tampered, { code: 4, log: VERIFY_FAILED, deliver: { kind: "nothing" } });
  });

  it("a 63-byte signature: 4", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    await assertRefused(withSignatures(tx, [tx.signature.subarray(0, 63)]), {
      code: 4,
      log: /^signature is 63 bytes, not 64; signature verification failed/,
      deliver: { kind: "nothing" },
    });
  });

  it("a high-S signature (valid ECDSA, not canonical): 4", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    assert.equal(isHighS(tx.signature), false, "cosmjs signs low-S");
    const high = toHighS(tx.signature);
    assert.ok(isHighS(high));
    assert.deepEqual(high.subarray(0, 32), tx.signature.subarray(0, 32), "same r");
    // It is the same signature mathematically: it verifies when high-S is allowed.
    const signBytes = makeSignBytes(makeSignDoc(tx.bodyBytes, tx.authInfoBytes, CHAIN_ID, 0n));
    assert.equal(
      secp256k1.verify(high, sha256(signBytes), alice.pubkey, { lowS: false, prehash: false }),
      true,
    );
    assert.equal(
      secp256k1.verify(high, sha256(signBytes), alice.pubkey, { lowS: true, prehash: false }),
      false,
    );
    await assertRefused(withSignatures(tx, [high]), {
      code: 4,
      log: /^signature is not in low-S form; signature verification failed/,
      deliver: { kind: "nothing" },
    });
  });

  it("message needs more than the balance: 5 (in a block the fee is still paid)", async () => {
    const tx = await buildTx(alice, { msgs: send(START_BALANCE), fee: [coin(5_000)] });
    const res = await assertRefused(tx.bytes, {
      code: 5,
      log: `spendable balance ${START_BALANCE - 5_000n}uopen is smaller than ${START_BALANCE}uopen: insufficient funds`,
      deliver: { kind: "feeAndSequence", fee: 5_000n },
    });
    assert.ok(res.gasUsed > 0n && res.gasUsed < res.gasWanted);
  });

  it("fee larger than the balance: 5", async () => {
    const tx = await buildTx(alice, { msgs: send(), fee: [coin(START_BALANCE + 1n)] });
    await assertRefused(tx.bytes, {
      code: 5,
      log: `insufficient funds to pay fees: spendable balance ${START_BALANCE}uopen is smaller than ${START_BALANCE + 1n}uopen: insufficient funds: insufficient funds`,
      deliver: { kind: "nothing" },
    });
  });

  it("fee below the minimum gas price: 13", async () => {
    // 200000 gas × 0.025 = 5000uopen required.
    const tx = await buildTx(alice, { msgs: send(), gas: 200_000, fee: [coin(4_999)] });
    await assertRefused(tx.bytes, {
      code: 13,
      log: "insufficient fees; got: 4999uopen required: 5000uopen: insufficient fee",
      deliver: { kind: "nothing" },
    });
  });

  it("no fee at all, or only another denom: 13", async () => {
    const none = await buildTx(alice, { msgs: send(), gas: 100_000, fee: [] });
    await assertRefused(none.bytes, {
      code: 13,
      log: "insufficient fees; got: 0uopen required: 2500uopen: insufficient fee",
      deliver: { kind: "nothing" },
    });
    const other = await buildTx(alice, { msgs: send(), gas: 100_000, fee: [coin(1_000_000, "uatom")] });
    await assertRefused(other.bytes, {
      code: 13,
      log: "insufficient fees; got: 1000000uatom required: 2500uopen: insufficient fee",
      deliver: { kind: "nothing" },
    });
  });

  it("gas limit too low for the ante handler: 11, nothing changes", async () => {
    const tx = await buildTx(alice, { msgs: send(), gas: 1_000, fee: minFee(200_000) });
    const res = await assertRefused(tx.bytes, {
      code: 11,
      log: /^out of gas in location: \w+; gasWanted: 1000, gasUsed: \d+: out of gas$/,
      deliver: { kind: "nothing" },
    });
    assert.equal(res.gasWanted, 1_000n);
    assert.equal(res.gasUsed, 1_000n, "gas used is capped at the limit");
  });

  it("gas limit enough for the ante handler but not the send: 11, fee and sequence kept", async () => {
    // The exact gas of this tx: simulating the signed bytes runs the same code with no limit.
    const simulatedGas = async (gas: number) => {
      const tx = await buildTx(alice, { msgs: send(), gas, fee: minFee(50_000) });
      const req = SimulateRequest.encode(SimulateRequest.fromPartial({ txBytes: tx.bytes })).finish();
      return { tx, used: SimulateResponse.decode(queryOk(t.app, SIMULATE_PATH, req)).gasInfo!.gasUsed };
    };
    const probe = await simulatedGas(50_000);
    // One less than needed; the gas limit encodes in as many bytes, so the tx costs the same.
    const limit = Number(probe.used) - 1;
    const { tx, used } = await simulatedGas(limit);
    assert.equal(used, probe.used);
    const res = await assertRefused(tx.bytes, {
      code: 11,
      log: new RegExp(
        `^out of gas in location: \\w+; gasWanted: ${limit}, gasUsed: ${limit + 1}: out of gas$`,
      ),
      deliver: { kind: "feeAndSequence", fee: 1_250n },
    });
    assert.equal(res.gasUsed, BigInt(limit));
    assert.equal(res.gasWanted, BigInt(limit));
    assert.equal(balance(t.app, bob.address), START_BALANCE, "the send was not applied");
  });

  it("a memo over 256 characters: 12 (256 is accepted)", async () => {
    const long = await buildTx(alice, { msgs: send(), memo: "m".repeat(257) });
    await assertRefused(long.bytes, {
      code: 12,
      log: "maximum number of characters is 256 but received 257 characters: memo too large",
      deliver: { kind: "nothing" },
    });
    const max = await buildTx(alice, {
      msgs: send(),
      memo: "m".repeat(256),
      sequence: sequenceOf(t.app, alice.address),
    });
    const res = (await runBlock(t.app, [max.bytes])).txResults[0]!;
    assert.equal(res.code, 0, res.log);
  });

  it("a timeout height that has passed: 30 (the current height is still fine)", async () => {
    await runBlock(t.app, []); // height 1 committed; checkTx runs at 2, the next block is 2
    const late = await buildTx(alice, { msgs: send(), timeoutHeight: 1n });
    await assertRefused(late.bytes, {
      code: 30,
      log: "block height: 2, timeout height: 1: tx timeout height",
      deliver: { kind: "nothing" },
    });
    // Now at height 2 committed: a timeout of 3 is the next block, accepted.
    const onTime = await buildTx(alice, { msgs: send(), timeoutHeight: 3n });
    assert.equal(t.app.checkTx(onTime.bytes).code, 0);
    const res = (await runBlock(t.app, [onTime.bytes])).txResults[0]!;
    assert.equal(res.code, 0, res.log);
  });

  it("no signatures: 15", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    await assertRefused(withSignatures(tx, []), {
      code: 15,
      log: "no signatures supplied: no signatures supplied",
      deliver: { kind: "nothing" },
    });
  });

  it("more signatures than signers: 4", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    await assertRefused(withSignatures(tx, [tx.signature, tx.signature]), {
      code: 4,
      log: /^wrong number of signers; expected 1, got 2 signatures and 1 signer infos: unauthorized$/,
      deliver: { kind: "nothing" },
    });
  });

  it("MsgMultiSend with two inputs: bank 9", async () => {
    const msg = {
      typeUrl: MSG_MULTI_SEND_URL,
      value: {
        inputs: [
          { address: alice.address, coins: [coin(10)] },
          { address: bob.address, coins: [coin(10)] },
        ],
        outputs: [{ address: carol.address, coins: [coin(20)] }],
      },
    };
    const tx = await buildTx(alice, { msgs: [msg] });
    await assertRefused(tx.bytes, {
      code: 9,
      codespace: "bank",
      log: "multiple senders not allowed",
      deliver: { kind: "nothing" },
    });
  });

  it("MsgMultiSend whose outputs do not add up to the input: bank 4", async () => {
    const msg = {
      typeUrl: MSG_MULTI_SEND_URL,
      value: {
        inputs: [{ address: alice.address, coins: [coin(10)] }],
        outputs: [{ address: carol.address, coins: [coin(9)] }],
      },
    };
    const tx = await buildTx(alice, { msgs: [msg] });
    await assertRefused(tx.bytes, {
      code: 4,
      codespace: "bank",
      log: "sum inputs != sum outputs",
      deliver: { kind: "nothing" },
    });
  });

  it("an invalid recipient address: 7", async () => {
    const garbled = await buildTx(alice, {
      msgs: [msgSend(alice.address, "open1notavalidaddress", [coin(5)])],
    });
    await assertRefused(garbled.bytes, {
      code: 7,
      log: /^invalid to address open1notavalidaddress: .*: invalid address$/,
      deliver: { kind: "nothing" },
    });
    const otherChain = "cosmos1qurswpc8qurswpc8qurswpc8qurswpc8nn86qp";
    const wrongPrefix = await buildTx(alice, { msgs: [msgSend(alice.address, otherChain, [coin(5)])] });
    await assertRefused(wrongPrefix.bytes, {
      code: 7,
      log: `invalid to address ${otherChain}: prefix "cosmos", expected "open": invalid address`,
      deliver: { kind: "nothing" },
    });
  });

  it("a send to the fee collector: 4 (blocked recipient), fee and sequence kept", async () => {
    const tx = await buildTx(alice, { msgs: [msgSend(alice.address, FEE_COLLECTOR, [coin(5)])] });
    await assertRefused(tx.bytes, {
      code: 4,
      log: `${FEE_COLLECTOR} is not allowed to receive funds: unauthorized`,
      deliver: { kind: "feeAndSequence", fee: 5_000n },
    });
  });

  it("a send to the fee collector spelled in upper case: refused the same way", async () => {
    const upper = FEE_COLLECTOR.toUpperCase();
    const tx = await buildTx(alice, { msgs: [msgSend(alice.address, upper, [coin(5)])] });
    await assertRefused(tx.bytes, {
      code: 4,
      log: `${upper} is not allowed to receive funds: unauthorized`,
      deliver: { kind: "feeAndSequence", fee: 5_000n },
    });
  });

  it("a send of a denom with sends disabled: bank 5, fee and sequence kept", async () => {
    await t.close();
    const state = devAppState() as {
      bank: { send_enabled?: unknown[]; balances: { coins: unknown[] }[] };
    };
    state.bank.send_enabled = [{ denom: "ulocked", enabled: false }];
    state.bank.balances[0]!.coins = [coin(100, "ulocked"), coin(START_BALANCE)];
    t = await genesisApp(state as Record<string, unknown>);
    const tx = await buildTx(alice, { msgs: [msgSend(alice.address, bob.address, [coin(5, "ulocked")])] });
    await assertRefused(tx.bytes, {
      code: 5,
      codespace: "bank",
      log: "ulocked transfers are currently disabled: send transactions are disabled",
      deliver: { kind: "feeAndSequence", fee: 5_000n },
    });
    assert.equal(balance(t.app, alice.address, "ulocked"), 100n);
  });
});
