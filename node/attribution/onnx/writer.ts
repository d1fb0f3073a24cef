// A minimal ONNX ModelProto writer: just enough of onnx.proto to express small dense graphs.
// Field numbers follow the official schema (onnx/onnx.proto). Fields are written in a fixed order
// and tensors as little-endian raw_data, so equal models encode to equal bytes.
import { BinaryWriter } from "cosmjs-types/binary";

/** TensorProto.DataType values used here. */
export const ELEM_TYPE = { float32: 1, int64: 7 } as const;
export type ElemType = keyof typeof ELEM_TYPE;

/** A constant tensor (graph initializer). `data` length must equal the product of `dims`. */
export interface TensorValue {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input / output: element type and shape; a string dimension is symbolic (dim_param). */
export interface ValueInfo {
  name: string;
  elemType: ElemType;
  shape: readonly (number | string)[];
}

export type AttributeValue =
  | { name: string; int: number }
  | { name: string; ints: readonly number[] }
  | { name: string; float: number }
  | { name: string; string: string };

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: readonly AttributeValue[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly TensorValue[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export interface OnnxModel {
  /** IR version (default 8). */
  irVersion?: number;
  /** Default-domain opset (default 17). */
  opsetVersion?: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: OnnxGraph;
  /** ModelProto.metadata_props, written in the order given (keys must be distinct). */
  metadata?: readonly (readonly [string, string])[];
}

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

// AttributeProto.AttributeType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;
// Wire types
const VARINT = 0;
const LEN = 2;
const FIXED32 = 5;

function sub(w: BinaryWriter, field: number, body: (w: BinaryWriter) => void): void {
  w.uint32((field << 3) | LEN).fork();
  body(w);
  w.ldelim();
}

function str(w: BinaryWriter, field: number, value: string): void {
  w.uint32((field << 3) | LEN).string(value);
}

function i64(w: BinaryWriter, field: number, value: number | bigint): void {
  w.uint32((field << 3) | VARINT).int64(BigInt(value));
}

/** Little-endian bytes of a typed array, independent of the host's byte order. */
export function rawLittleEndian(data: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  } else {
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, data[i]!, true);
  }
  return out;
}

function checkDims(t: TensorValue): void {
  let size = 1;
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`tensor ${t.name}: bad dimension ${d}`);
    size *= d;
  }
  if (size !== t.data.length) {
    throw new Error(`tensor ${t.name}: ${t.data.length} values for dims [${t.dims.join(", ")}]`);
  }
}

function writeTensor(w: BinaryWriter, t: TensorValue): void {
  checkDims(t);
  for (const d of t.dims) i64(w, 1, d); // dims
  w.uint32((2 << 3) | VARINT).int32(t.data instanceof Float32Array ? ELEM_TYPE.float32 : ELEM_TYPE.int64);
  str(w, 8, t.name); // name
  w.uint32((9 << 3) | LEN).bytes(rawLittleEndian(t.data)); // raw_data
}

function writeValueInfo(w: BinaryWriter, v: ValueInfo): void {
  str(w, 1, v.name);
  sub(w, 2, (w) => {
    // TypeProto.tensor_type
    sub(w, 1, (w) => {
      w.uint32((1 << 3) | VARINT).int32(ELEM_TYPE[v.elemType]); // elem_type
      sub(w, 2, (w) => {
        // TensorShapeProto
        for (const d of v.shape) {
          sub(w, 1, (w) => (typeof d === "number" ? i64(w, 1, d) : str(w, 2, d)));
        }
      });
    });
  });
}

function writeAttribute(w: BinaryWriter, a: AttributeValue): void {
  str(w, 1, a.name);
  if ("int" in a) {
    i64(w, 3, a.int);
    w.uint32((20 << 3) | VARINT).int32(ATTR.INT);
  } else if ("ints" in a) {
    for (const v of a.ints) i64(w, 8, v);
    w.uint32((20 << 3) | VARINT).int32(ATTR.INTS);
  } else if ("float" in a) {
    w.uint32((2 << 3) | FIXED32).float(a.float);
    w.uint32((20 << 3) | VARINT).int32(ATTR.FLOAT);
  } else {
    w.uint32((4 << 3) | LEN).bytes(new TextEncoder().encode(a.string));
    w.uint32((20 << 3) | VARINT).int32(ATTR.STRING);
  }
}

function writeNode(w: BinaryWriter, n: OnnxNode): void {
  for (const i of n.inputs) str(w, 1, i);
  for (const o of n.outputs) str(w, 2, o);
  if (n.name) str(w, 3, n.name);
  str(w, 4, n.opType);
  for (const a of n.attributes ?? []) sub(w, 5, (w) => writeAttribute(w, a));
}

function writeGraph(w: BinaryWriter, g: OnnxGraph): void {
  for (const n of g.nodes) sub(w, 1, (w) => writeNode(w, n));
  str(w, 2, g.name);
  for (const t of g.initializers) sub(w, 5, (w) => writeTensor(w, t));
  for (const v of g.inputs) sub(w, 11, (w) => writeValueInfo(w, v));
  for (const v of g.outputs) sub(w, 12, (w) => writeValueInfo(w, v));
}

/** Encodes a ModelProto. Deterministic: the same model gives the same bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const keys = new Set<string>();
  for (const [k] of m.metadata ?? []) {
    if (keys.has(k)) throw new Error(`duplicate metadata key ${k}`);
    keys.add(k);
  }
  const w = BinaryWriter.create();
  i64(w, 1, m.irVersion ?? IR_VERSION); // ir_version
  str(w, 2, m.producerName);
  str(w, 3, m.producerVersion);
  if (m.docString) str(w, 6, m.docString);
  sub(w, 7, (w) => writeGraph(w, m.graph));
  sub(w, 8, (w) => {
    // OperatorSetIdProto: default domain ("" omitted), version
    i64(w, 2, m.opsetVersion ?? OPSET_VERSION);
  });
  for (const [k, v] of m.metadata ?? []) {
    sub(w, 14, (w) => {
      str(w, 1, k);
      str(w, 2, v);
    });
  }
  return w.finish();
}
