// ICS23 proof messages (cosmos/ics23 proto/cosmos/ics23/v1/proofs.proto) and a hand-written proto3
// encoder for the subset we produce: CommitmentProof{exist|nonexist}. Field names mirror
// @confio/ics23's generated interfaces, so these objects can be handed to its verifiers directly.
// Proto3 rules apply: zero enums and empty bytes are left out, fields are written in number order.

export const HashOp = { NO_HASH: 0, SHA256: 1 } as const;
export const LengthOp = { NO_PREFIX: 0, VAR_PROTO: 1 } as const;

export interface LeafOp {
  hash: number;
  prehashKey: number;
  prehashValue: number;
  length: number;
  prefix: Uint8Array;
}

export interface InnerOp {
  hash: number;
  prefix: Uint8Array;
  suffix: Uint8Array;
}

export interface ExistenceProof {
  key: Uint8Array;
  value: Uint8Array;
  leaf: LeafOp;
  /** From the leaf upwards. */
  path: InnerOp[];
}

export interface NonExistenceProof {
  key: Uint8Array;
  left?: ExistenceProof;
  right?: ExistenceProof;
}

/** Exactly one of exist / nonexist is set (batch and compressed are never produced). */
export interface CommitmentProof {
  exist?: ExistenceProof;
  nonexist?: NonExistenceProof;
}

export interface InnerSpec {
  childOrder: number[];
  childSize: number;
  minPrefixLength: number;
  maxPrefixLength: number;
  hash: number;
}

export interface ProofSpec {
  leafSpec: LeafOp;
  innerSpec: InnerSpec;
}

/** The leaf op of every proof from MerkleTree (tendermintSpec): sha256(00 ‖ varint(len k) ‖ k ‖ varint(32) ‖ sha256(v)). */
export function tendermintLeafOp(): LeafOp {
  return {
    hash: HashOp.SHA256,
    prehashKey: HashOp.NO_HASH,
    prehashValue: HashOp.SHA256,
    length: LengthOp.VAR_PROTO,
    prefix: Uint8Array.of(0),
  };
}

/** Same content as @confio/ics23's `tendermintSpec` (RFC-6962 simple merkle, SDK `ics23:simple`). */
export const TENDERMINT_SPEC: ProofSpec = {
  leafSpec: tendermintLeafOp(),
  innerSpec: {
    childOrder: [0, 1],
    childSize: 32,
    minPrefixLength: 1,
    maxPrefixLength: 1,
    hash: HashOp.SHA256,
  },
};

/** Protobuf varint of a non-negative safe integer. */
export function encodeVarint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** Minimal proto3 writer: collects chunks, joins once. */
class Writer {
  private chunks: Uint8Array[] = [];
  private len = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.len += b.length;
  }

  private tag(field: number, wireType: number): void {
    this.push(encodeVarint(field * 8 + wireType));
  }

  /** Varint field (enums); zero is the proto3 default and is left out. */
  uint(field: number, v: number): this {
    if (v !== 0) {
      this.tag(field, 0);
      this.push(encodeVarint(v));
    }
    return this;
  }

  /** Length-delimited field; empty is the proto3 default and is left out unless `always`. */
  bytes(field: number, v: Uint8Array, always = false): this {
    if (v.length > 0 || always) {
      this.tag(field, 2);
      this.push(encodeVarint(v.length));
      this.push(v);
    }
    return this;
  }

  /** Embedded message: written even when empty, because presence is meaningful. */
  message(field: number, v: Uint8Array): this {
    return this.bytes(field, v, true);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

export function encodeLeafOp(op: LeafOp): Uint8Array {
  return new Writer()
    .uint(1, op.hash)
    .uint(2, op.prehashKey)
    .uint(3, op.prehashValue)
    .uint(4, op.length)
    .bytes(5, op.prefix)
    .finish();
}

export function encodeInnerOp(op: InnerOp): Uint8Array {
  return new Writer().uint(1, op.hash).bytes(2, op.prefix).bytes(3, op.suffix).finish();
}

export function encodeExistenceProof(p: ExistenceProof): Uint8Array {
  const w = new Writer().bytes(1, p.key).bytes(2, p.value).message(3, encodeLeafOp(p.leaf));
  for (const op of p.path) w.message(4, encodeInnerOp(op));
  return w.finish();
}

export function encodeNonExistenceProof(p: NonExistenceProof): Uint8Array {
  const w = new Writer().bytes(1, p.key);
  if (p.left) w.message(2, encodeExistenceProof(p.left));
  if (p.right) w.message(3, encodeExistenceProof(p.right));
  return w.finish();
}

/** The bytes that go in an ABCI ProofOp's `data` (type "ics23:simple" for this spec). */
export function encodeCommitmentProof(p: CommitmentProof): Uint8Array {
  const w = new Writer();
  if (p.exist) w.message(1, encodeExistenceProof(p.exist));
  else if (p.nonexist) w.message(2, encodeNonExistenceProof(p.nonexist));
  return w.finish();
}
