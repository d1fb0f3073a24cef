// The pure functions the node's worker shares with the module: the result layout and hash (pinned
// vector), the sign bytes, signing and verification, the entry checks, and the payout plan, which
// always sums to the fee.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  attributionSignBytes,
  checkEntries,
  DEFAULT_PARAMS,
  planPayout,
  resultBytes,
  resultHash,
  signResult,
  verifyResultSignature,
} from "../../../modules/attribution/index.js";
import { formatAddress } from "../../../node/app/address.js";
import { keyFromSecret } from "../../../node/types/ed25519.js";
import { AttributionMethod } from "../../../proto/gen/openledger/models/v1/types.js";
import { entries } from "./helpers.js";

const sha256 = (b: Uint8Array) => Uint8Array.from(createHash("sha256").update(b).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const R = {
  chainId: "openledger-dev-1",
  jobId: 7n,
  method: AttributionMethod.ATTRIBUTION_METHOD_SPAN,
  entries: entries([1, 2500], [4, 7500]),
};

describe("attribution: result hash, sign bytes, payout plan", () => {
  it("lays a result out as README.md documents it", () => {
    const expected = Buffer.concat([
      Buffer.from("openledger/attribution/result/v1", "ascii"), // 32 bytes
      Buffer.from([16]),
      Buffer.from("openledger-dev-1", "utf8"),
      Buffer.from("0000000000000007", "hex"), // job id
      Buffer.from("00000001", "hex"), // ATTRIBUTION_METHOD_SPAN
      Buffer.from("00000002", "hex"), // two entries
      Buffer.from("0000000000000001" + "000009c4", "hex"), // contribution 1, 2500 bps
      Buffer.from("0000000000000004" + "00001d4c", "hex"), // contribution 4, 7500 bps
    ]);
    assert.equal(hex(resultBytes(R)), expected.toString("hex"));
    assert.equal(hex(resultHash(R)), hex(sha256(expected)));
    // Pinned: a change here breaks every worker's agreement with the chain.
    assert.equal(hex(resultHash(R)), "f58e600501f53dfdb55acd4325eb6a6e114e5ea5170110e30a79777e75a323d1");
    assert.equal(
      hex(resultHash({ ...R, entries: [] })),
      hex(sha256(Buffer.concat([expected.subarray(0, 32 + 1 + 16 + 8 + 4), Buffer.from("00000000", "hex")]))),
      "no attribution found: zero entries",
    );
  });

  it("signs sha256(domain ‖ chain id ‖ job id ‖ result hash) with the consensus key", () => {
    const hash = resultHash(R);
    const preimage = Buffer.concat([
      Buffer.from("openledger/attribution/sign/v1", "ascii"),
      Buffer.from("openledger-dev-1"),
      Buffer.from("0000000000000007", "hex"),
      hash,
    ]);
    assert.equal(hex(attributionSignBytes(R.chainId, R.jobId, hash)), hex(sha256(preimage)));
    assert.equal(
      hex(attributionSignBytes(R.chainId, R.jobId, hash)),
      "ba9713fdf1e513025dc1cb92d338d183ede31094250ee1d29b51ed9d781308e0",
    );
    const key = keyFromSecret("attribution-test-0");
    const { resultHash: h, consensusSignature: sig } = signResult(key, R);
    assert.equal(hex(h), hex(hash));
    assert.ok(verifyResultSignature(key.pubKey, R.chainId, R.jobId, h, sig));
    assert.ok(!verifyResultSignature(key.pubKey, "other-chain", R.jobId, h, sig));
    assert.ok(!verifyResultSignature(key.pubKey, R.chainId, 8n, h, sig));
    assert.ok(!verifyResultSignature(keyFromSecret("other").pubKey, R.chainId, R.jobId, h, sig));
  });

  it("checks entries: ascending, 1..10000 bps each, summing to 10000, or none", () => {
    checkEntries([]);
    checkEntries(entries([3, 10000]));
    checkEntries(entries([1, 1], [2, 9999]), 2);
    assert.throws(() => checkEntries(entries([1, 1], [2, 9999]), 1), /2 entries, more than the maximum 1/);
    assert.throws(() => checkEntries(entries([0, 10000])), /entry 0 names contribution 0/);
    assert.throws(() => checkEntries(entries([2, 5000], [2, 5000])), /2 follows 2/);
    assert.throws(() => checkEntries(entries([1, 10001])), /10001 bps, not 1..10000/);
    assert.throws(() => checkEntries(entries([1, 5000])), /sum to 5000, not 10000/);
  });

  it("plans payouts that sum to the fee, remainders to the treasury", () => {
    const open = (n: number) => formatAddress(new Uint8Array(20).fill(n));
    let seed = 12345n;
    const next = (mod: bigint) => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      return seed % mod;
    };
    for (let round = 0; round < 200; round++) {
      const fee = next(10n ** 12n);
      const n = Number(next(6n));
      let left = 10_000;
      const list = Array.from({ length: n }, (_, i) => {
        const bps =
          i === n - 1 ? left : Math.max(1, Math.min(left - (n - 1 - i), Number(next(BigInt(left)))));
        left -= bps;
        return {
          contributionId: BigInt(i + 1),
          datanetId: 1n,
          contributor: open(i % 3),
          bps,
          penalized: i % 2 === 0,
        };
      });
      const validators = Array.from({ length: Number(next(4n)) + 1 }, (_, i) => ({
        operator: open(10 + i),
        power: next(100n) + 1n,
      }));
      const plan = planPayout(fee, DEFAULT_PARAMS, list, validators);
      const total =
        plan.owner +
        plan.contributors.reduce((s, c) => s + c.amount, 0n) +
        plan.validators.reduce((s, v) => s + v.amount, 0n) +
        plan.treasury;
      assert.equal(total, fee, `round ${round}`);
      assert.ok(plan.treasury >= (fee * 1000n) / 10000n);
    }
    const none = planPayout(100n, DEFAULT_PARAMS, [], [{ operator: open(1), power: 1n }]);
    assert.deepEqual(
      [none.owner, none.validators[0]!.amount, none.treasury],
      [20n, 20n, 60n],
      "no attribution: contributors' cut to the treasury",
    );
    const excluded = planPayout(
      100n,
      DEFAULT_PARAMS,
      [
        {
          contributionId: 1n,
          datanetId: 1n,
          contributor: open(1),
          bps: 10000,
          penalized: false,
          excluded: true,
        },
      ],
      [],
    );
    assert.deepEqual([excluded.owner, excluded.treasury], [20n, 80n]);
  });
});
