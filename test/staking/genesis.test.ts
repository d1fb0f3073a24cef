// staking genesis: the exported state (validators, delegations, unbondings, a jailed and
// tombstoned validator) imported into a fresh app gives the same app hash and the same next block;
// the genesis document's validators must match staking's set; bad input is refused clearly.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { CHAIN_ID, devAppState, newApp, runBlock, type TestApp } from "../app/helpers.js";
import {
  BONDED_POOL,
  b64,
  createValidator,
  delegate,
  duplicateVote,
  KEYS,
  StakingHarness,
  stakingGenesis,
  undelegate,
  updates,
  valoper,
} from "./helpers.js";

type Json = Record<string, unknown> & {
  staking: Record<string, unknown> & {
    validators: Record<string, unknown>[];
    delegations: Record<string, unknown>[];
    params: Record<string, unknown>;
    tombstoned: string[];
  };
  bank: { balances: { address: string; coins: { denom: string; amount: string }[] }[] };
};

describe("staking: genesis", () => {
  let h: StakingHarness;
  let exported: Json;
  let exportedHash: string;
  let exportedHeight: bigint;
  const open: TestApp[] = [];

  before(async () => {
    h = await StakingHarness.start();
    const { alice, carol, dave } = h.s;
    const aliceVal = valoper(alice.address);
    await h.ok(carol, createValidator(carol.address, KEYS[2]!.pubKey, 3_000_000n));
    await h.block([
      { by: dave, msgs: [delegate(dave.address, aliceVal, 2_000_000n)] },
      { by: carol, msgs: [delegate(carol.address, aliceVal, 1_000_000n)] },
    ]);
    await h.ok(dave, undelegate(dave.address, aliceVal, 700_000n));
    await h.ok(dave, delegate(dave.address, valoper(carol.address), 1_000_000n));
    await h.block([], [duplicateVote(KEYS[1]!, h.height)]);
    exported = JSON.parse(JSON.stringify(h.app.exportGenesis())) as Json;
    exportedHash = toHex(h.app.info().lastBlockAppHash);
    exportedHeight = h.height;
  });
  after(async () => {
    await h.close();
  });
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  async function imported(json: unknown, validators = h.initial) {
    const t = await newApp();
    open.push(t);
    const res = await t.app.initChain({
      chainId: CHAIN_ID,
      timeNs: 0n,
      initialHeight: exportedHeight + 1n,
      appState: json as Record<string, unknown>,
      validators,
    });
    return { t, res };
  }

  it("exports every record; a fresh app from it has the same app hash, set and next block", async () => {
    const s = exported.staking;
    assert.equal(s.validators.length, 3);
    assert.deepEqual(s.tombstoned, [exported.staking.tombstoned[0]]);
    assert.equal((s.unbonding_delegations as unknown[]).length, 1);
    const { t, res } = await imported(exported, []);
    assert.equal(toHex(t.app.info().lastBlockAppHash), exportedHash, "same app hash");
    assert.deepEqual(JSON.parse(JSON.stringify(t.app.exportGenesis())), exported);
    // The imported set: alice 13 (10 + 2 + 1 - 0.7 = 12.3 → 12), carol 3 (+1 dave), bob jailed.
    assert.deepEqual(
      updates(res.validators),
      updates([
        { pubKey: KEYS[0]!.pubKey, power: 12n },
        { pubKey: KEYS[2]!.pubKey, power: 4n },
      ]).sort((a, b) => Buffer.compare(Buffer.from(a[0], "base64"), Buffer.from(b[0], "base64"))),
    );
    // Both go on identically: a delegation, and (time jump) the unbonding payout.
    const tx = (await h.sign(h.s.eve, [delegate(h.s.eve.address, valoper(h.s.alice.address), 1_000_000n)]))
      .bytes;
    const time = h.timeBase + 200n * 1_000_000_000n;
    const a = await runBlock(h.app, [tx], time);
    const b = await runBlock(t.app, [tx], time);
    assert.equal(a.txResults[0]!.code, 0, a.txResults[0]!.log);
    assert.deepEqual(updates(a.validatorUpdates), [[b64(KEYS[0]!), 13n]]);
    assert.deepEqual(updates(b.validatorUpdates), updates(a.validatorUpdates));
    assert.ok(a.events.some((e) => e.type === "complete_unbonding"));
    assert.deepEqual(b.events, a.events);
    assert.equal(toHex(b.appHash), toHex(a.appHash));
  });

  it("the genesis document's validators must be staking's set", async () => {
    const bad = async (validators: typeof h.initial, message: RegExp) =>
      assert.rejects(imported(exported, validators), (err: Error) => {
        assert.match(err.message, message);
        return true;
      });
    const alice = { pubKey: KEYS[0]!.pubKey, power: 12n };
    const carol = { pubKey: KEYS[2]!.pubKey, power: 4n };
    await bad([{ ...alice, power: 13n }, carol], /has power 13 in the genesis document, 12 in staking/);
    await bad([alice], /staking validator .* \(power 4\) is not in the genesis document's validators/);
    await bad([alice, carol, { pubKey: KEYS[1]!.pubKey, power: 5n }], /is not a bonded staking validator/);
    const { t } = await imported(exported, [carol, alice]);
    assert.equal(toHex(t.app.info().lastBlockAppHash), exportedHash, "any order");
  });

  it("no staking validators in genesis: initChain returns none (the document's set is used)", async () => {
    const t = await newApp();
    open.push(t);
    const res = await t.app.initChain({
      chainId: CHAIN_ID,
      timeNs: 0n,
      initialHeight: 1n,
      appState: devAppState(),
      validators: h.initial,
    });
    assert.deepEqual(res.validators, []);
  });

  describe("bad staking genesis is refused with a clear error", () => {
    const refused = async (edit: (j: Json) => void, message: RegExp) => {
      const j = structuredClone(stakingGenesis().appState) as unknown as Json;
      edit(j);
      await assert.rejects(
        (async () => {
          const t = await newApp();
          open.push(t);
          await t.app.initChain({
            chainId: CHAIN_ID,
            timeNs: 0n,
            initialHeight: 1n,
            appState: j,
            validators: [],
          });
        })(),
        (err: Error) => {
          assert.match(err.message, message);
          return true;
        },
      );
    };

    it("a bonded pool balance that does not back the tokens", async () => {
      await refused((j) => {
        j.bank.balances.find((b) => b.address === BONDED_POOL)!.coins[0]!.amount = "14999999";
      }, /^staking genesis: the pool open1.* holds 14999999uopen in bank balances, the validators' tokens add up to 15000000uopen$/);
    });

    it("delegations that do not add up to the tokens, or name an unknown validator", async () => {
      await refused((j) => {
        j.staking.delegations[0]!.amount = "1";
      }, /^staking: validator openvaloper1.* has tokens 10000000, its delegations add up to 1$/);
      await refused((j) => {
        j.staking.delegations[0]!.validator_address = valoper(h.s.eve.address);
      }, /^staking.delegations\[0\]: unknown validator openvaloper1/);
    });

    it("a duplicate key, a bad key type or length, a bad operator", async () => {
      await refused((j) => {
        j.staking.validators[1]!.consensus_pubkey = j.staking.validators[0]!.consensus_pubkey;
      }, /^staking.validators\[1\]: consensus_pubkey already used by openvaloper1/);
      await refused((j) => {
        j.staking.validators[0]!.consensus_pubkey = {
          "@type": "/cosmos.crypto.secp256k1.PubKey",
          key: "AA==",
        };
      }, /@type must be \/cosmos.crypto.ed25519.PubKey/);
      await refused((j) => {
        j.staking.validators[0]!.consensus_pubkey = { "@type": "/cosmos.crypto.ed25519.PubKey", key: "AAAA" };
      }, /ed25519 pubkey must be 32 bytes, got 3/);
      await refused((j) => {
        j.staking.validators[0]!.operator_address = h.s.alice.address;
      }, /^staking.validators\[0\]: invalid operator_address open1.*expected "openvaloper"/);
    });

    it("bad params, commission or tombstones", async () => {
      await refused((j) => {
        j.staking.params.slash_fraction_double_sign_bps = "10001";
      }, /^staking.params.slash_fraction_double_sign_bps must be 0..10000$/);
      await refused((j) => {
        j.staking.params.unbonding_days = "3";
      }, /^staking.params: unknown field "unbonding_days"$/);
      await refused((j) => {
        (
          j.staking.validators[0]!.commission as { commission_rates: { rate: string } }
        ).commission_rates.rate = "0.3";
      }, /^staking.validators\[0\]: rate is above max_rate: commission cannot be more than the max rate$/);
      await refused((j) => {
        j.staking.tombstoned = [exported.staking.tombstoned[0]!];
      }, /^staking.tombstoned\[0\]: validator openvaloper1.* is tombstoned but not jailed$/);
    });
  });
});
