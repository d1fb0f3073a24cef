import assert from "node:assert/strict";
import { ics23, tendermintSpec, verifyMembership, verifyNonMembership } from "@confio/ics23";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, hashFromByteSlices, innerHash, leafHash } from "../../node/crypto/merkle.js";
import {
  type CommitmentProof,
  encodeCommitmentProof,
  encodeVarint,
  TENDERMINT_SPEC,
} from "../../node/store/ics23-proofs.js";
import { keyToString, stringToKey } from "../../node/store/kv.js";
import { compareBytes, MerkleTree } from "../../node/store/merkle-tree.js";

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** mulberry32: small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys over a tiny alphabet and short lengths, so prefix-of-another-key cases are frequent. */
function randomKey(rnd: () => number, maxLen = 4): Uint8Array {
  const alphabet = [0x00, 0x01, 0x61, 0x62, 0x7f, 0x80, 0xff];
  const len = 1 + Math.floor(rnd() * maxLen);
  return Uint8Array.from({ length: len }, () => alphabet[Math.floor(rnd() * alphabet.length)]!);
}

function randomBytes(rnd: () => number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
}

/** Reference model: a Map plus a sort on demand (binary strings compare like the bytes). */
function expectedRange(
  model: Map<string, Uint8Array>,
  start?: Uint8Array,
  end?: Uint8Array,
  reverse = false,
) {
  const lo = start && keyToString(start);
  const hi = end && keyToString(end);
  const keys = [...model.keys()]
    .filter((k) => (lo === undefined || k >= lo) && (hi === undefined || k < hi))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (reverse) keys.reverse();
  return keys.map((k) => [k, hex(model.get(k)!)]);
}

function actualRange(tree: MerkleTree, start?: Uint8Array, end?: Uint8Array, reverse = false) {
  return [...tree.entries(start, end, reverse)].map(([k, v]) => [keyToString(k), hex(v)]);
}

/** The tendermintSpec leaf, built here from its definition rather than from the tree's code. */
function refLeaf(key: Uint8Array, value: Uint8Array): Uint8Array {
  return sha256(
    concatBytes(Uint8Array.of(0), Uint8Array.of(key.length), key, Uint8Array.of(32), sha256(value)),
  );
}

/** Decodes our wire bytes with the reference protobuf codec, then checks with the stock verifier. */
function wire(proof: CommitmentProof): ics23.CommitmentProof {
  const bytes = encodeCommitmentProof(proof);
  const decoded = ics23.CommitmentProof.decode(bytes);
  // Canonical proto3: the reference codec re-encodes the decoded message to the same bytes.
  assert.equal(hex(ics23.CommitmentProof.encode(decoded).finish()), hex(bytes));
  return decoded;
}

describe("MerkleTree", () => {
  it("matches a reference model under thousands of random operations", () => {
    const rnd = prng(42);
    const tree = new MerkleTree();
    const model = new Map<string, Uint8Array>();
    for (let op = 0; op < 6000; op++) {
      const key = randomKey(rnd);
      const r = rnd();
      if (r < 0.55) {
        const value = randomBytes(rnd, 1 + Math.floor(rnd() * 8));
        tree.set(key, value);
        model.set(keyToString(key), value);
      } else if (r < 0.85) {
        assert.equal(tree.delete(key), model.delete(keyToString(key)));
      } else {
        const want = model.get(keyToString(key));
        assert.equal(tree.get(key) && hex(tree.get(key)!), want && hex(want));
        assert.equal(tree.has(key), want !== undefined);
      }
      assert.equal(tree.size, model.size);
      if (op % 50 === 0) {
        let start = rnd() < 0.7 ? randomKey(rnd) : undefined;
        let end = rnd() < 0.7 ? randomKey(rnd) : undefined;
        if (start && end && compareBytes(start, end) > 0) [start, end] = [end, start];
        const reverse = rnd() < 0.5;
        assert.deepEqual(actualRange(tree, start, end, reverse), expectedRange(model, start, end, reverse));
        assert.deepEqual(actualRange(tree), expectedRange(model));
      }
    }
  });

  it("iterates ranges where keys are prefixes of each other", () => {
    const tree = new MerkleTree();
    for (const k of ["b", "a", "abc", "ab", "a\x00", "\x00", "\xff", "ab\xff", "ac"])
      tree.set(stringToKey(k), enc(k));
    const keys = (s?: string, e?: string, rev = false) =>
      [...tree.entries(s ? stringToKey(s) : undefined, e ? stringToKey(e) : undefined, rev)].map(([k]) =>
        keyToString(k),
      );
    assert.deepEqual(keys(), ["\x00", "a", "a\x00", "ab", "abc", "ab\xff", "ac", "b", "\xff"]);
    assert.deepEqual(keys("a", "ab"), ["a", "a\x00"]);
    assert.deepEqual(keys("ab", "ac"), ["ab", "abc", "ab\xff"]);
    assert.deepEqual(keys("a\x00", "abd", true), ["abc", "ab", "a\x00"]);
    assert.deepEqual(keys("aa", "abd", true), ["abc", "ab"]);
    assert.deepEqual(keys("abca", undefined), ["ab\xff", "ac", "b", "\xff"]);
    assert.deepEqual(keys(undefined, "a\x00", true), ["a", "\x00"]);
    assert.deepEqual(keys("b", "b"), []);
    assert.deepEqual([...tree.entries(undefined, new Uint8Array(0), true)], []);
    // Lazy: taking the first item of an open range does not walk the whole tree.
    assert.equal(keyToString(tree.entries(stringToKey("ab\x01")).next().value![0]), "abc");
  });

  it("rejects empty keys", () => {
    const tree = new MerkleTree();
    assert.throws(() => tree.set(new Uint8Array(0), enc("v")), /empty key/);
    assert.throws(() => tree.prove(new Uint8Array(0)), /empty key/);
  });

  it("has a root that depends only on the key set (history independence)", () => {
    const rnd = prng(7);
    const pairs = Array.from({ length: 500 }, () => [randomKey(rnd, 6), randomBytes(rnd, 4)] as const);
    const a = new MerkleTree();
    for (const [k, v] of pairs) a.set(k, v);
    const b = new MerkleTree();
    const shuffled = [...pairs].sort(() => rnd() - 0.5);
    // Add junk first and delete it, interleaved with the real inserts.
    for (const [k, v] of shuffled) {
      const junk = concatBytes(k, Uint8Array.of(0xee, 0xee));
      b.set(junk, v);
      b.rootHash();
      if (!a.has(junk)) b.delete(junk);
    }
    // Later duplicates win in `a`, so replay in the original order for values.
    for (const [k, v] of pairs) b.set(k, v);
    assert.equal(b.size, a.size);
    assert.equal(hex(b.rootHash()), hex(a.rootHash()));
  });

  it("changes the root on any value change, insert or delete", () => {
    const tree = new MerkleTree();
    assert.equal(hex(tree.rootHash()), hex(sha256(new Uint8Array(0))));
    const rnd = prng(3);
    let prev = hex(tree.rootHash());
    for (let i = 0; i < 300; i++) {
      if (rnd() < 0.7 || tree.size === 0) tree.set(randomKey(rnd, 3), randomBytes(rnd, 3));
      else tree.delete([...tree.entries()][Math.floor(rnd() * tree.size)]![0]);
      const root = hex(tree.rootHash());
      assert.notEqual(root, prev, `step ${i}`);
      prev = root;
      // The lazily maintained root equals a from-scratch build of the same contents.
      if (i % 30 === 0) {
        const fresh = new MerkleTree();
        for (const [k, v] of tree.entries()) fresh.set(k, v);
        assert.equal(hex(fresh.rootHash()), root);
      }
    }
    for (const [k, v] of [...tree.entries()]) {
      const flipped = v.slice();
      flipped[0]! ^= 1;
      tree.set(k, flipped);
      assert.notEqual(hex(tree.rootHash()), prev);
      tree.set(k, v);
      assert.equal(hex(tree.rootHash()), prev);
    }
    const k = [...tree.entries()][0]![0];
    tree.set(k, tree.get(k)!.slice()); // same bytes: nothing to rehash
    const count = tree.hashCount;
    assert.equal(hex(tree.rootHash()), prev);
    assert.equal(tree.hashCount, count);
  });

  it("matches hand-built expected roots", () => {
    const withEmpty = new MerkleTree();
    withEmpty.set(enc("k"), new Uint8Array(0)); // allowed (stock verifiers refuse to prove it)
    assert.equal(hex(withEmpty.rootHash()), hex(refLeaf(enc("k"), new Uint8Array(0))));
    const [a, ab, b, c] = ["a", "ab", "b", "c"].map(enc) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const tree = new MerkleTree();
    tree.set(b, enc("3"));
    tree.set(ab, enc("2"));
    tree.set(a, enc("1"));
    // Bits: "a"=1 01100001 0, "ab"=1 01100001 1…, "b"=1 01100010 0. First split at bit 7 ({a,ab} | b),
    // then at bit 9 (a | ab): ((a, ab), b).
    const la = refLeaf(a, enc("1"));
    const lab = refLeaf(ab, enc("2"));
    const lb = refLeaf(b, enc("3"));
    const root3 = sha256(concatBytes(Uint8Array.of(1), sha256(concatBytes(Uint8Array.of(1), la, lab)), lb));
    assert.equal(hex(tree.rootHash()), hex(root3));
    // The same shape as the RFC-6962 tree over the leaf preimages.
    const item = (k: Uint8Array, v: string) =>
      concatBytes(encodeVarint(k.length), k, Uint8Array.of(32), sha256(enc(v)));
    assert.equal(hex(root3), hex(hashFromByteSlices([item(a, "1"), item(ab, "2"), item(b, "3")])));
    // Adding "c" ("b"^"c" = 0x01, bit 8; "a"^"c" = 0x02, bit 7): ((a, ab), (b, c)), unlike RFC-6962.
    tree.set(c, enc("4"));
    const expected = innerHash(innerHash(la, lab), innerHash(lb, leafHash(item(c, "4"))));
    assert.equal(hex(tree.rootHash()), hex(expected));
    tree.delete(ab);
    assert.equal(hex(tree.rootHash()), hex(innerHash(la, innerHash(lb, leafHash(item(c, "4"))))));
  });

  it("produces membership proofs that the stock ics23 verifier accepts", () => {
    const rnd = prng(11);
    const tree = new MerkleTree();
    for (let i = 0; i < 400; i++) tree.set(randomKey(rnd, 5), randomBytes(rnd, 1 + Math.floor(rnd() * 40)));
    tree.set(randomBytes(rnd, 200), randomBytes(rnd, 300)); // multi-byte varint lengths
    const root = tree.rootHash();
    for (const [k, v] of tree.entries()) {
      const proof = tree.prove(k);
      assert.ok(proof.exist && !proof.nonexist);
      assert.ok(verifyMembership(wire(proof), tendermintSpec, root, k, v), keyToString(k));
      assert.ok(verifyMembership(proof as ics23.ICommitmentProof, TENDERMINT_SPEC, root, k, v));
      const wrong = concatBytes(v, Uint8Array.of(1));
      assert.ok(!verifyMembership(wire(proof), tendermintSpec, root, k, wrong));
      assert.ok(!verifyNonMembership(wire(proof), tendermintSpec, root, k));
    }
    const single = new MerkleTree();
    single.set(enc("only"), enc("v"));
    assert.ok(
      verifyMembership(
        wire(single.prove(enc("only"))),
        tendermintSpec,
        single.rootHash(),
        enc("only"),
        enc("v"),
      ),
    );
  });

  it("produces non-membership proofs for absent keys and none for present ones", () => {
    const rnd = prng(5);
    const tree = new MerkleTree();
    for (let i = 0; i < 300; i++) tree.set(randomKey(rnd, 4), randomBytes(rnd, 8));
    tree.delete(stringToKey("\x00")); // the smallest possible key, so it is absent and before the first
    const root = tree.rootHash();
    const all = [...tree.entries()].map(([k]) => k);
    const last = all[all.length - 1]!;
    const absent = [
      stringToKey("\x00"),
      concatBytes(last, Uint8Array.of(0)),
      concatBytes(all[0]!, Uint8Array.of(0)),
    ];
    for (let i = 0; i < 500; i++) absent.push(randomKey(rnd, 5));
    const shapes = { before: 0, between: 0, after: 0 };
    for (const k of absent) {
      if (tree.has(k)) continue;
      const proof = tree.prove(k);
      assert.ok(proof.nonexist && !proof.exist);
      const { left, right } = proof.nonexist;
      shapes[left ? (right ? "between" : "after") : "before"]++;
      assert.ok(verifyNonMembership(wire(proof), tendermintSpec, root, k), keyToString(k));
      assert.ok(!verifyMembership(wire(proof), tendermintSpec, root, k, enc("x")));
    }
    assert.ok(shapes.before >= 1 && shapes.after >= 1 && shapes.between > 100, JSON.stringify(shapes));
    const empty = new MerkleTree().prove(enc("k"));
    assert.ok(!verifyNonMembership(wire(empty), tendermintSpec, sha256(new Uint8Array(0)), enc("k")));
    // A present key: its exist proof is no non-membership proof, and a neighbour proof for it fails.
    for (const k of all.slice(0, 50)) {
      assert.ok(!verifyNonMembership(wire(tree.prove(k)), tendermintSpec, root, k));
      const lower = tree.prove(concatBytes(k, Uint8Array.of(0, 0, 0, 0, 0, 0)));
      if (lower.nonexist) assert.ok(!verifyNonMembership(wire(lower), tendermintSpec, root, k));
    }
  });

  it("rehashes only the dirty paths: O(updates × depth), not O(n)", () => {
    const rnd = prng(99);
    const tree = new MerkleTree();
    const n = 10_000;
    for (let i = 0; i < n; i++) tree.set(randomBytes(rnd, 32), randomBytes(rnd, 16));
    tree.rootHash();
    assert.equal(tree.hashCount, 2 * n - 1); // every leaf and inner node exactly once
    const before = tree.hashCount;
    const keys = [...tree.entries()].map(([k]) => k);
    for (let i = 0; i < 50; i++) tree.set(keys[Math.floor(rnd() * keys.length)]!, randomBytes(rnd, 16));
    for (let i = 0; i < 50; i++) tree.set(randomBytes(rnd, 32), randomBytes(rnd, 16));
    tree.rootHash();
    const rehashed = tree.hashCount - before;
    // Random 32-byte keys give depth ≈ log2(n) ≈ 14, rarely above 30.
    assert.ok(rehashed <= 100 * 32, `rehashed ${rehashed}`);
    assert.ok(rehashed >= 100, `rehashed ${rehashed}`);
    tree.rootHash();
    assert.equal(tree.hashCount - before, rehashed); // clean tree: nothing to do
  });

  it("handles deep trees (chains of keys that prefix each other)", () => {
    const tree = new MerkleTree();
    const n = 3000;
    const long = new Uint8Array(n).fill(0x61);
    for (let i = 1; i <= n; i++) tree.set(long.subarray(0, i), Uint8Array.of(i & 0xff));
    const root = tree.rootHash();
    assert.equal(tree.size, n);
    const k = long.subarray(0, 1);
    assert.ok(verifyMembership(wire(tree.prove(k)), tendermintSpec, root, k, Uint8Array.of(1)));
    assert.equal([...tree.entries(undefined, undefined, true)].length, n);
  });
});
