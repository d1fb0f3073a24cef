// The suffix array (SA-IS) against a naive sort of the suffixes, on random and adversarial inputs.
import assert from "node:assert/strict";
import { prng } from "../../../node/attribution/span/planted.js";
import { suffixArray } from "../../../node/attribution/span/sais.js";

function naiveSa(s: Uint32Array): number[] {
  const n = s.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    while (a < n && b < n) {
      if (s[a] !== s[b]) return s[a]! - s[b]!;
      a++;
      b++;
    }
    return a === n ? -1 : 1;
  });
  return order;
}

describe("span index: suffix array (SA-IS)", () => {
  it("matches a naive sort on 400 random inputs (alphabets 1 to 100k, lengths 0 to 600)", () => {
    const rnd = prng(1234);
    for (let trial = 0; trial < 400; trial++) {
      const n = rnd(601);
      const k = [1, 2, 3, 8, 50, 100_277][trial % 6]!;
      const s = new Uint32Array(n);
      for (let i = 0; i < n; i++) s[i] = rnd(k);
      assert.deepEqual([...suffixArray(s, k)], naiveSa(s), `trial ${trial} (n=${n}, alphabet ${k})`);
    }
  });

  it("matches on repetitive inputs (runs, periods, Fibonacci words)", () => {
    const cases: number[][] = [[], [7], Array(300).fill(5), Array.from({ length: 301 }, (_, i) => i % 3)];
    let a = [0];
    let b = [0, 1];
    while (b.length < 500) [a, b] = [b, [...b, ...a]];
    cases.push(
      b,
      Array.from({ length: 257 }, (_, i) => (i * i) % 17),
      Array.from({ length: 200 }, (_, i) => 199 - i),
    );
    for (const c of cases) {
      const s = Uint32Array.from(c);
      assert.deepEqual([...suffixArray(s, 200)], naiveSa(s));
    }
  });

  it("reports progress and refuses symbols outside the alphabet", () => {
    const s = Uint32Array.from({ length: 1000 }, (_, i) => (i * 7919) % 13);
    const steps: number[] = [];
    suffixArray(s, 12, (done) => steps.push(done));
    assert.deepEqual(steps, [0, 1, 2, 3, 4, 5]);
    assert.throws(() => suffixArray(Uint32Array.from([1, 2, 13]), 12), /outside/);
    assert.throws(() => suffixArray(s, -1), /alphabet/);
  });
});
