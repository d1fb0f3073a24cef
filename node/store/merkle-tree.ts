// The authenticated in-memory state tree of one store: a binary crit-bit (PATRICIA) tree whose
// leaves are the key/value pairs in byte order. Its shape depends only on the set of keys, so the
// root is history independent. Hashes follow ICS23 tendermintSpec (see ics23-proofs.ts):
//   leaf  = sha256(0x00 ‖ varint(len k) ‖ k ‖ varint(32) ‖ sha256(v))
//   inner = sha256(0x01 ‖ left ‖ right),   empty tree = sha256("").
//
// Keys branch on a transformed bit string: byte b becomes the 9 bits 1,b7..b0 and the key ends with
// one 0 bit. A key that is a proper prefix of another then differs from it at the terminator (0 vs
// the next byte's marker 1), so "a" sorts left of "ab", and in-order traversal is byte order.
//
// Hashes are cached per node and computed lazily: a mutation clears the cache on its root-to-leaf
// path only (O(depth)); rootHash() then rehashes just the cleared nodes. All walks are iterative, so
// deep trees (long shared-prefix key chains) cannot overflow the stack.
//
// Versions share structure (copy-on-write): every node carries the id of the tree instance that
// owns it, and a tree mutates only nodes it owns, copying any other node on the root-to-leaf path
// first. snapshot() hands out an immutable-by-others view in O(1) and makes both trees copy from
// then on, so a historical version costs only the paths changed since (committed-store.ts).

import { concatBytes, innerHash, leafHash } from "../crypto/merkle.js";
import { sha256 } from "../crypto/sha256.js";
import {
  type CommitmentProof,
  type ExistenceProof,
  encodeVarint,
  HashOp,
  type InnerOp,
  tendermintLeafOp,
} from "./ics23-proofs.js";
import type { Bytes } from "./kv.js";

type Dir = 0 | 1;

class Leaf {
  hash: Bytes | undefined = undefined;
  constructor(
    readonly key: Bytes,
    public value: Bytes,
    /** Id of the tree that may mutate this node. */
    readonly owner: number,
  ) {}
}

class Inner {
  hash: Bytes | undefined = undefined;
  constructor(
    /** Position of the first bit (in the transformed string) where the two subtrees differ. */
    readonly bit: number,
    readonly children: [Node, Node],
    readonly owner: number,
  ) {}
}

/** Tree ids are never reused within a process, so a snapshot never owns a node of another tree. */
let nextOwner = 1;

type Node = Leaf | Inner;

const EMPTY_ROOT = sha256(new Uint8Array(0));
const INNER_PREFIX = Uint8Array.of(1);
const VARINT_32 = encodeVarint(32);

/** Bit `pos` of the transformed key; bits past the terminator read as 0. */
function bitAt(key: Bytes, pos: number): Dir {
  const i = Math.floor(pos / 9);
  if (i >= key.length) return 0;
  const r = pos - i * 9;
  if (r === 0) return 1;
  return ((key[i]! >> (8 - r)) & 1) as Dir;
}

/** First transformed-bit position where a and b differ, or -1 when they are equal. */
function critBit(a: Bytes, b: Bytes): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 9 + 1 + (Math.clz32(x) - 24);
  }
  return a.length === b.length ? -1 : n * 9;
}

export function compareBytes(a: Bytes, b: Bytes): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

function bytesEqual(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

function checkKey(key: Bytes): void {
  if (key.length === 0) throw new Error("merkle tree: empty keys are not allowed");
}

/**
 * Keys are copied on insert; values are stored by reference, and values (and keys) handed out by
 * get/entries/prove are the stored objects: callers must not mutate them. Do not mutate the tree
 * while an entries() iterator is in use.
 */
export class MerkleTree {
  private root: Node | undefined = undefined;
  private count = 0;
  private hashes = 0;
  private owner = nextOwner++;

  /**
   * A copy that shares every node with this tree, in O(1). Both stay independently mutable: from
   * now on each copies a shared node before changing it.
   */
  snapshot(): MerkleTree {
    const copy = new MerkleTree();
    copy.root = this.root;
    copy.count = this.count;
    this.owner = nextOwner++;
    return copy;
  }

  get size(): number {
    return this.count;
  }

  /** Leaf and inner hashes computed so far (for tests and metrics). */
  get hashCount(): number {
    return this.hashes;
  }

  get(key: Bytes): Bytes | undefined {
    const leaf = this.closest(key);
    return leaf && bytesEqual(leaf.key, key) ? leaf.value : undefined;
  }

  has(key: Bytes): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Bytes, value: Bytes): void {
    checkKey(key);
    if (this.root === undefined) {
      this.root = new Leaf(new Uint8Array(key), value, this.owner);
      this.count = 1;
      return;
    }
    const { path, dirs, leaf } = this.walk(key);
    const c = critBit(key, leaf.key);
    if (c < 0) {
      if (bytesEqual(leaf.value, value)) return;
      this.own(path, dirs, path.length);
      const owned = leaf.owner === this.owner ? leaf : new Leaf(leaf.key, value, this.owner);
      owned.value = value;
      owned.hash = undefined;
      this.link(path, dirs, path.length, owned);
      for (const n of path) n.hash = undefined;
      return;
    }
    // Bits increase down a path: the new branch goes above the first node that branches after c.
    let j = 0;
    while (j < path.length && path[j]!.bit < c) j++;
    this.own(path, dirs, j);
    for (let i = 0; i < j; i++) path[i]!.hash = undefined;
    const below: Node = j < path.length ? path[j]! : leaf;
    const fresh = new Leaf(new Uint8Array(key), value, this.owner);
    const branch = new Inner(c, bitAt(key, c) === 0 ? [fresh, below] : [below, fresh], this.owner);
    if (j === 0) this.root = branch;
    else path[j - 1]!.children[dirs[j - 1]!] = branch;
    this.count++;
  }

  delete(key: Bytes): boolean {
    if (this.root === undefined) return false;
    const { path, dirs, leaf } = this.walk(key);
    if (!bytesEqual(leaf.key, key)) return false;
    // Everything above the parent is rewritten (the parent itself is dropped).
    this.own(path, dirs, path.length - 1);
    const parent = path.pop();
    const parentDir = dirs.pop();
    if (parent === undefined || parentDir === undefined) {
      this.root = undefined;
    } else {
      const sibling = parent.children[parentDir === 0 ? 1 : 0];
      const gp = path[path.length - 1];
      if (gp === undefined) this.root = sibling;
      else gp.children[dirs[dirs.length - 1]!] = sibling;
      for (const n of path) n.hash = undefined;
    }
    this.count--;
    return true;
  }

  /** start ≤ key < end, ascending (descending when reverse); either bound may be omitted. */
  *entries(start?: Bytes, end?: Bytes, reverse = false): IterableIterator<[Bytes, Bytes]> {
    if (this.root === undefined || end?.length === 0) return;
    if (start && end && compareBytes(start, end) >= 0) return;
    // Stack of subtrees still to visit, nearest on top; `near` is the child taken first.
    const near: Dir = reverse ? 1 : 0;
    const far: Dir = reverse ? 0 : 1;
    const stack: Node[] = [];
    const bound = reverse ? end : start;
    if (bound === undefined || bound.length === 0) stack.push(this.root);
    else this.seek(bound, reverse, stack);
    for (;;) {
      let n = stack.pop();
      if (n === undefined) return;
      while (n instanceof Inner) {
        stack.push(n.children[far]);
        n = n.children[near];
      }
      const past = reverse
        ? start !== undefined && compareBytes(n.key, start) < 0
        : end !== undefined && compareBytes(n.key, end) >= 0;
      if (past) return;
      yield [n.key, n.value];
    }
  }

  rootHash(): Bytes {
    if (this.root === undefined) return new Uint8Array(EMPTY_ROOT);
    const stack: Node[] = [this.root];
    while (stack.length > 0) {
      const n = stack[stack.length - 1]!;
      if (n.hash !== undefined) {
        stack.pop();
      } else if (n instanceof Leaf) {
        n.hash = leafHash(concatBytes(encodeVarint(n.key.length), n.key, VARINT_32, sha256(n.value)));
        this.hashes++;
        stack.pop();
      } else {
        const [l, r] = n.children;
        if (l.hash === undefined) stack.push(l);
        else if (r.hash === undefined) stack.push(r);
        else {
          n.hash = innerHash(l.hash, r.hash);
          this.hashes++;
          stack.pop();
        }
      }
    }
    return new Uint8Array(this.root.hash!);
  }

  /** ICS23 proof against rootHash(): exist when key is present, else nonexist with its neighbours. */
  prove(key: Bytes): CommitmentProof {
    checkKey(key);
    this.rootHash();
    const exist = this.existence(key);
    if (exist) return { exist };
    const left = this.entries(undefined, key, true).next();
    const right = this.entries(key).next();
    const nonexist: CommitmentProof["nonexist"] = { key: new Uint8Array(key) };
    // An empty tree has no neighbours: the proof then carries only the key; a verifier takes the
    // store root to be the empty tree's, sha256(""), and checks it in the app hash (light/proof.ts).
    if (!left.done) nonexist.left = this.existence(left.value[0]);
    if (!right.done) nonexist.right = this.existence(right.value[0]);
    return { nonexist };
  }

  /** Existence proof for a present key (hashes must be clean), or undefined. */
  private existence(key: Bytes): ExistenceProof | undefined {
    if (this.root === undefined) return undefined;
    const { path, dirs, leaf } = this.walk(key);
    if (!bytesEqual(leaf.key, key)) return undefined;
    const ops: InnerOp[] = [];
    for (let i = path.length - 1; i >= 0; i--) {
      const [l, r] = path[i]!.children;
      ops.push(
        dirs[i] === 0
          ? { hash: HashOp.SHA256, prefix: INNER_PREFIX.slice(), suffix: new Uint8Array(r.hash!) }
          : { hash: HashOp.SHA256, prefix: concatBytes(INNER_PREFIX, l.hash!), suffix: new Uint8Array(0) },
      );
    }
    return { key: new Uint8Array(leaf.key), value: leaf.value, leaf: tendermintLeafOp(), path: ops };
  }

  /**
   * Makes path[0..n) nodes of this tree, copying (top-down) those it does not own and relinking
   * each copy into its parent; path is updated in place.
   */
  private own(path: Inner[], dirs: Dir[], n: number): void {
    for (let i = 0; i < n; i++) {
      const node = path[i]!;
      if (node.owner === this.owner) continue;
      const copy = new Inner(node.bit, [node.children[0], node.children[1]], this.owner);
      copy.hash = node.hash;
      this.link(path, dirs, i, copy);
      path[i] = copy;
    }
  }

  /** Puts `node` where path[i] (or the leaf, for i = path.length) hangs: under path[i-1] or as root. */
  private link(path: Inner[], dirs: Dir[], i: number, node: Node): void {
    if (i === 0) this.root = node;
    else path[i - 1]!.children[dirs[i - 1]!] = node;
  }

  /** The leaf the key's bits lead to (the only candidate for an exact match). */
  private closest(key: Bytes): Leaf | undefined {
    let n = this.root;
    while (n instanceof Inner) n = n.children[bitAt(key, n.bit)];
    return n;
  }

  /** Like closest(), recording the inner nodes passed and the direction taken at each. */
  private walk(key: Bytes): { path: Inner[]; dirs: Dir[]; leaf: Leaf } {
    const path: Inner[] = [];
    const dirs: Dir[] = [];
    let n = this.root!;
    while (n instanceof Inner) {
      const d = bitAt(key, n.bit);
      path.push(n);
      dirs.push(d);
      n = n.children[d];
    }
    return { path, dirs, leaf: n };
  }

  /**
   * Fills `stack` so that popping yields, in iteration order, every subtree holding keys ≥ bound
   * (ascending) or < bound (reverse). Every key below the node X where bound's bits leave the tree
   * shares bits [0, c] with the closest leaf, c = critBit(bound, closest), so X lies wholly on
   * one side of bound.
   */
  private seek(bound: Bytes, reverse: boolean, stack: Node[]): void {
    const leaf = this.closest(bound)!;
    const c = critBit(bound, leaf.key);
    let n = this.root!;
    while (n instanceof Inner && (c < 0 || n.bit < c)) {
      const d = bitAt(bound, n.bit);
      // Going towards the start of iteration order, the other child comes later: keep it.
      if (!reverse && d === 0) stack.push(n.children[1]);
      if (reverse && d === 1) stack.push(n.children[0]);
      n = n.children[d];
    }
    if (c < 0) {
      if (!reverse) stack.push(n); // n is the leaf equal to bound: included only as a start.
    } else if (bitAt(bound, c) === (reverse ? 1 : 0)) {
      stack.push(n); // ascending: all of X is > bound; reverse: all of X is < bound.
    }
  }
}
