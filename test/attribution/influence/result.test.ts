import assert from "node:assert/strict";
import {
  basisPoints,
  encodeResult,
  type InfluenceResult,
  resultHash,
} from "../../../node/attribution/influence/index.js";

const ids = (...n: number[]) => n.map(BigInt);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sum = (c: { bps: number }[]) => c.reduce((s, e) => s + e.bps, 0);

describe("attribution/influence: basis points and result hash", () => {
  it("rewards positive influence only, in bps summing to exactly 10000", () => {
    const c = basisPoints(ids(1, 2, 3, 4), [4, -5, 1, 0]);
    assert.deepEqual(c, [
      { contributionId: 1n, bps: 8000 },
      { contributionId: 3n, bps: 2000 },
    ]);
    // Levels, not raw ratios: 3:1 becomes 1024:341, so 7502 / 2498.
    assert.deepEqual(
      basisPoints(ids(1, 2), [3, 1]).map((e) => e.bps),
      [7502, 2498],
    );
    assert.deepEqual(basisPoints(ids(1, 2), [-1, 0]), [], "no positive influence: empty");
    assert.deepEqual(basisPoints([], []), []);
    assert.deepEqual(basisPoints(ids(9), [1e-30]), [{ contributionId: 9n, bps: 10000 }]);
  });

  it("breaks ties by the smaller contribution id, for the remainder and for topK", () => {
    // Three equal scores: 3333 each and the leftover point to the smallest id.
    assert.deepEqual(basisPoints(ids(30, 10, 20), [1, 1, 1]), [
      { contributionId: 10n, bps: 3334 },
      { contributionId: 20n, bps: 3333 },
      { contributionId: 30n, bps: 3333 },
    ]);
    // topK = 2 of four equal scores: ids 1 and 2 kept whatever the input order.
    assert.deepEqual(
      basisPoints(ids(4, 3, 2, 1), [2, 2, 2, 2], 2).map((e) => e.contributionId),
      ids(1, 2),
    );
  });

  it("quantises before dividing: float noise below 1/1024 of the top score changes nothing", () => {
    const scores = [0.9, 0.5, 0.25, 0.1, 0.03];
    const a = basisPoints(ids(1, 2, 3, 4, 5), scores);
    const noisy = scores.map((s, i) => s * (1 + (i % 2 ? 1e-7 : -1e-7)));
    assert.deepEqual(basisPoints(ids(1, 2, 3, 4, 5), noisy), a);
    assert.equal(sum(a), 10000);
    // Levels below half a step (1/2048 of the top) are dropped.
    assert.deepEqual(
      basisPoints(ids(1, 2), [1, 1 / 4096]).map((e) => e.contributionId),
      ids(1),
    );
  });

  it("always sums to 10000 over many random score sets", () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rnd() * 60);
      const c = basisPoints(
        Array.from({ length: n }, (_, i) => BigInt(i + 1)),
        Array.from({ length: n }, () => rnd() - 0.3),
        1 + Math.floor(rnd() * 40),
      );
      if (c.length > 0) assert.equal(sum(c), 10000);
      assert.ok(c.every((e) => e.bps > 0));
    }
  });

  it("refuses bad input", () => {
    assert.throws(() => basisPoints(ids(1, 2), [1]), /2 ids for 1 scores/);
    assert.throws(() => basisPoints(ids(1), [Number.NaN]), /contribution 1 is not finite/);
    assert.throws(() => basisPoints(ids(1), [1], 0), /topK must be an integer/);
  });

  const result: InfluenceResult = {
    method: "exact",
    modelSha256: new Uint8Array(32).fill(0xaa),
    inputSha256: new Uint8Array(32).fill(0xbb),
    label: "spam",
    contributions: [
      { contributionId: 7n, bps: 6000 },
      { contributionId: 2n, bps: 4000 },
    ],
  };

  it("hashes a canonical layout (entries by ascending id), pinned", () => {
    const bytes = encodeResult(result);
    const tail = hex(bytes.subarray(bytes.length - 2 - 20));
    // u16be count ‖ (u64be id ‖ u16be bps) for ids 2 then 7.
    assert.equal(tail, "0002" + "0000000000000002" + "0fa0" + "0000000000000007" + "1770");
    assert.equal(bytes.length, 30 + 1 + 64 + 1 + 4 + 2 + 20);
    const reordered = { ...result, contributions: [...result.contributions].reverse() };
    assert.equal(hex(resultHash(reordered)), hex(resultHash(result)));
    // Checked against the same layout built and hashed independently in Python.
    assert.equal(hex(resultHash(result)), "c93480335bda7467e9d6bb1e77d096409da40a7bb0a825f74a00077ea4227e1a");
    for (const changed of [
      { ...result, method: "trak" as const },
      { ...result, label: "ham" },
      { ...result, contributions: [] },
      {
        ...result,
        contributions: [
          { contributionId: 7n, bps: 5999 },
          { contributionId: 2n, bps: 4001 },
        ],
      },
    ]) {
      assert.notEqual(hex(resultHash(changed)), hex(resultHash(result)));
    }
  });

  it("refuses results that break the rules", () => {
    const bad = (contributions: InfluenceResult["contributions"]) => () =>
      encodeResult({ ...result, contributions });
    assert.throws(bad([{ contributionId: 1n, bps: 9999 }]), /bps sum to 9999/);
    assert.throws(bad([{ contributionId: 1n, bps: 0 }]), /bad bps 0/);
    assert.throws(
      bad([
        { contributionId: 1n, bps: 5000 },
        { contributionId: 1n, bps: 5000 },
      ]),
      /duplicate contribution/,
    );
    assert.throws(() => encodeResult({ ...result, modelSha256: new Uint8Array(31) }), /32 bytes/);
  });
});
