// A minimal ONNX ModelProto reader: the header, metadata_props and the graph's initializers (the
// tensors a small model keeps its weights in). Everything else is skipped. Enough to load a model
// this package wrote; callers check what they read by encoding it again (see influence/model.ts).
import { BinaryReader } from "cosmjs-types/binary";
import { ELEM_TYPE } from "./writer.js";

export interface DecodedTensor {
  name: string;
  dims: number[];
  dataType: number;
  data: Float32Array | BigInt64Array;
}

export interface DecodedModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
  metadata: Map<string, string>;
  graphName: string;
  initializers: DecodedTensor[];
}

function lenDelimited(r: BinaryReader): BinaryReader {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new Error("ONNX: truncated message");
  const sub = new BinaryReader(r.buf.subarray(r.pos, end));
  r.pos = end;
  return sub;
}

function safeNumber(v: bigint, what: string): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`ONNX: ${what} out of range`);
  return Number(v);
}

function decodeTensor(r: BinaryReader): DecodedTensor {
  const t = { name: "", dims: [] as number[], dataType: 0 };
  let raw: Uint8Array | undefined;
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 0) t.dims.push(safeNumber(r.int64(), "dimension"));
    else if (field === 1 && wire === 2) {
      const p = lenDelimited(r); // packed dims
      while (p.pos < p.len) t.dims.push(safeNumber(p.int64(), "dimension"));
    } else if (field === 2) t.dataType = r.int32();
    else if (field === 8) t.name = r.string();
    else if (field === 9) raw = r.bytes();
    else r.skipType(wire);
  }
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (raw === undefined) throw new Error(`ONNX: tensor ${t.name} has no raw_data`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (t.dataType === ELEM_TYPE.float32 && raw.length === size * 4) {
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(i * 4, true);
    return { ...t, data };
  }
  if (t.dataType === ELEM_TYPE.int64 && raw.length === size * 8) {
    const data = new BigInt64Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getBigInt64(i * 8, true);
    return { ...t, data };
  }
  throw new Error(`ONNX: tensor ${t.name}: unsupported type ${t.dataType} or wrong raw_data length`);
}

function decodeGraph(r: BinaryReader, out: DecodedModel): void {
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 2) out.graphName = r.string();
    else if (field === 5) out.initializers.push(decodeTensor(lenDelimited(r)));
    else r.skipType(wire);
  }
}

/** Decodes the parts of a ModelProto described above; throws on malformed protobuf. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const out: DecodedModel = {
    irVersion: 0,
    producerName: "",
    producerVersion: "",
    opsets: [],
    metadata: new Map(),
    graphName: "",
    initializers: [],
  };
  const r = new BinaryReader(bytes);
  try {
    while (r.pos < r.len) {
      const [field, wire] = r.tag();
      if (field === 1) out.irVersion = safeNumber(r.int64(), "ir_version");
      else if (field === 2) out.producerName = r.string();
      else if (field === 3) out.producerVersion = r.string();
      else if (field === 7) decodeGraph(lenDelimited(r), out);
      else if (field === 8) {
        const o = lenDelimited(r);
        const opset = { domain: "", version: 0 };
        while (o.pos < o.len) {
          const [f, w] = o.tag();
          if (f === 1) opset.domain = o.string();
          else if (f === 2) opset.version = safeNumber(o.int64(), "opset version");
          else o.skipType(w);
        }
        out.opsets.push(opset);
      } else if (field === 14) {
        const e = lenDelimited(r);
        let key = "";
        let value = "";
        while (e.pos < e.len) {
          const [f, w] = e.tag();
          if (f === 1) key = e.string();
          else if (f === 2) value = e.string();
          else e.skipType(w);
        }
        if (out.metadata.has(key)) throw new Error(`ONNX: duplicate metadata key ${key}`);
        out.metadata.set(key, value);
      } else r.skipType(wire);
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(msg.startsWith("ONNX:") ? msg : `ONNX: malformed model (${msg})`);
  }
  return out;
}
