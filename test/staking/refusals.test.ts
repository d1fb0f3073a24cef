// Every refused staking message answers a clear error with the SDK's code and changes nothing but
// the fee (taken only when the refusal comes after the ante handler, as in the SDK).
import assert from "node:assert/strict";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { coin, type DevName, msgSend } from "../app/helpers.js";
import {
  assertRefused,
  BONDED_POOL,
  createValidator,
  delegate,
  KEYS,
  NOT_BONDED_POOL,
  StakingHarness,
  undelegate,
  valoper,
} from "./helpers.js";

describe("staking: refusals change nothing", () => {
  let h: StakingHarness;
  let aliceVal: string;
  before(async () => {
    h = await StakingHarness.start();
    aliceVal = valoper(h.s.alice.address);
    await h.ok(h.s.dave, delegate(h.s.dave.address, aliceVal, 1_000_000n));
  });
  after(async () => {
    await h.close();
  });

  /** Runs the tx and checks the refusal, that staking and the pools are untouched, and the fee. */
  async function refused(
    by: DevName,
    msgs: EncodeObject[],
    want: [string, number, RegExp],
    fee: "fee" | "no fee" = "fee",
  ): Promise<void> {
    const s = h.s[by];
    const state = JSON.stringify(h.state());
    const pools = [h.balance(BONDED_POOL), h.balance(NOT_BONDED_POOL)];
    const before = h.balance(s.address);
    const res = await h.block([{ by: s, msgs, gas: 300_000 }]);
    assertRefused(res.txResults[0]!, ...want);
    assert.deepEqual(res.validatorUpdates, []);
    assert.equal(JSON.stringify(h.state()), state, "staking state unchanged");
    assert.deepEqual([h.balance(BONDED_POOL), h.balance(NOT_BONDED_POOL)], pools);
    assert.equal(h.balance(s.address), before - (fee === "fee" ? 7_500n : 0n));
  }

  it("delegate: unknown validator, insufficient funds, wrong denom", async () => {
    const carol = h.s.carol.address;
    const nobody = valoper(h.s.eve.address);
    await refused(
      "carol",
      [delegate(carol, nobody, 5n)],
      ["staking", 3, /^openvaloper1.*: validator does not exist$/],
    );
    await refused("carol", [delegate(carol, aliceVal, 10n ** 16n)], ["sdk", 5, /insufficient funds/]);
    await refused(
      "carol",
      [delegate(carol, aliceVal, 5n, "ustake")],
      ["sdk", 18, /^invalid coin denomination: got ustake, expected uopen: invalid request$/],
    );
  });

  it("delegate and undelegate: zero, negative and malformed amounts, bad addresses (before the fee)", async () => {
    const carol = h.s.carol.address;
    await refused(
      "carol",
      [delegate(carol, aliceVal, 0n)],
      ["sdk", 18, /invalid delegation amount: must be positive/],
      "no fee",
    );
    await refused(
      "carol",
      [delegate(carol, aliceVal, "-5")],
      ["sdk", 10, /invalid delegation amount: "-5"/],
      "no fee",
    );
    await refused("carol", [undelegate(carol, aliceVal, 0n)], ["sdk", 18, /invalid shares amount/], "no fee");
    await refused(
      "carol",
      [delegate(carol, carol, 5n)],
      ["sdk", 7, /prefix "open", expected "openvaloper"/],
      "no fee",
    );
    await refused("carol", [delegate(carol, "", 5n)], ["staking", 2, /empty validator address/], "no fee");
  });

  it("undelegate: more than delegated, no delegation, past max_entries", async () => {
    const dave = h.s.dave.address;
    await refused(
      "dave",
      [undelegate(dave, aliceVal, 1_000_001n)],
      [
        "staking",
        24,
        /cannot undelegate 1000001uopen: the delegation from open1.* is 1000000uopen: not enough delegation shares/,
      ],
    );
    await refused("carol", [undelegate(h.s.carol.address, aliceVal, 1n)], ["staking", 19, /no delegation/]);
    for (let i = 0; i < 3; i++) await h.ok(h.s.dave, undelegate(dave, aliceVal, 1n));
    await refused(
      "dave",
      [undelegate(dave, aliceVal, 1n)],
      ["staking", 27, /already has 3 entries \(max_entries 3\): too many unbonding delegation entries/],
    );
  });

  it("create validator: the same operator or key twice, unsupported or malformed keys", async () => {
    const alice = h.s.alice.address;
    const carol = h.s.carol.address;
    await refused(
      "alice",
      [createValidator(alice, KEYS[4]!.pubKey, 1_000_000n)],
      ["staking", 4, /validator already exist for this operator address/],
    );
    await refused(
      "carol",
      [createValidator(carol, KEYS[0]!.pubKey, 1_000_000n)],
      ["staking", 5, /validator already exist for this pubkey/],
    );
    const secp = {
      typeUrl: "/cosmos.crypto.secp256k1.PubKey",
      value: Secp256k1PubKey.encode({ key: new Uint8Array(33) }).finish(),
    };
    await refused(
      "carol",
      [createValidator(carol, KEYS[4]!.pubKey, 1n, { pubkey: secp })],
      [
        "staking",
        6,
        /got "\/cosmos.crypto.secp256k1.PubKey", supported: \/cosmos.crypto.ed25519.PubKey: validator pubkey type is not supported/,
      ],
      "no fee",
    );
    const short = {
      typeUrl: "/cosmos.crypto.ed25519.PubKey",
      value: Ed25519PubKey.encode({ key: new Uint8Array(31) }).finish(),
    };
    await refused(
      "carol",
      [createValidator(carol, KEYS[4]!.pubKey, 1n, { pubkey: short })],
      ["sdk", 8, /ed25519 pubkey must be 32 bytes, got 31/],
      "no fee",
    );
    await refused(
      "carol",
      [createValidator(carol, KEYS[4]!.pubKey, 1n, { pubkey: undefined })],
      ["staking", 39, /empty validator public key/],
      "no fee",
    );
  });

  it("create validator: commission, description, self delegation, delegator address, denom, funds", async () => {
    const carol = h.s.carol.address;
    const key = KEYS[4]!.pubKey;
    const rates = (rate: string, maxRate: string, maxChangeRate = "0") => ({
      commission: { rate, maxRate, maxChangeRate },
    });
    const one = "1000000000000000000";
    await refused(
      "carol",
      [createValidator(carol, key, 1n, rates("3", "2"))],
      ["staking", 11, /max rate/],
      "no fee",
    );
    await refused(
      "carol",
      [createValidator(carol, key, 1n, rates("0", `${one}1`))],
      ["staking", 10, /100%/],
      "no fee",
    );
    await refused(
      "carol",
      [createValidator(carol, key, 1n, rates("0", "1", "2"))],
      ["staking", 14, /change rate/],
      "no fee",
    );
    await refused(
      "carol",
      [createValidator(carol, key, 1n, rates("0.1", "1"))],
      ["staking", 9, /18-decimal/],
      "no fee",
    );
    const blank = { moniker: " ", identity: "", website: "", securityContact: "", details: "" };
    await refused(
      "carol",
      [createValidator(carol, key, 1n, { description: blank })],
      ["sdk", 18, /moniker is empty/],
      "no fee",
    );
    await refused(
      "carol",
      [createValidator(carol, key, 5n, { minSelfDelegation: "6" })],
      ["staking", 16, /self delegation 5 is below min_self_delegation 6/],
      "no fee",
    );
    await refused(
      "carol",
      [createValidator(carol, key, 5n, { delegatorAddress: h.s.dave.address })],
      ["sdk", 7, /must be empty or the operator's own account/],
      "no fee",
    );
    await refused(
      "carol",
      [createValidator(carol, key, 5n, { value: coin(5, "ustake") })],
      ["sdk", 18, /got ustake/],
    );
    await refused("carol", [createValidator(carol, key, 10n ** 16n)], ["sdk", 5, /insufficient funds/]);
  });

  it("one refused message refuses the whole tx; the pools take no MsgSend", async () => {
    const carol = h.s.carol.address;
    await refused(
      "carol",
      [delegate(carol, aliceVal, 5n), delegate(carol, valoper(carol), 5n)],
      ["staking", 3, /validator does not exist/],
    );
    for (const pool of [BONDED_POOL, NOT_BONDED_POOL]) {
      await refused(
        "carol",
        [msgSend(carol, pool, [coin(5)])],
        ["sdk", 4, /is not allowed to receive funds/],
      );
    }
  });
});
