// Parameter decoding for both request forms CometBFT accepts:
// - JSON-RPC: named (object) or positional (array) params; int64 as string or number, []byte as
//   base64, HexBytes as hex.
// - URI (GET /method?x=…): strings must be "quoted"; bytes are 0x-hex or a "quoted" raw string;
//   integers and booleans are bare.
import { fromBase64Strict, fromHexStrict } from "./encoding.js";
import { invalidParams } from "./errors.js";

/** height: positive int64; int: non-negative safe integer; bytes: []byte; hex: HexBytes. */
export type ParamKind = "height" | "int" | "string" | "bytes" | "hex" | "bool";
export type ParamSpec = readonly [name: string, kind: ParamKind];
export type ParamValue = bigint | number | string | Uint8Array | boolean | undefined;
export type Params = Record<string, ParamValue>;

const INT_RE = /^-?\d+$/;
const MAX_INT64 = (1n << 63n) - 1n;

function parseInteger(name: string, v: unknown): bigint {
  let n: bigint | undefined;
  if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === "string" && INT_RE.test(v) && v.length <= 20) n = BigInt(v);
  if (n === undefined || n > MAX_INT64 || n < -MAX_INT64 - 1n) {
    throw invalidParams(`${name}: expected an integer (number or decimal string), got ${brief(v)}`);
  }
  return n;
}

function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Decodes one JSON-RPC param value. */
export function fromJson(name: string, kind: ParamKind, v: unknown): ParamValue {
  if (v === undefined || v === null) return undefined;
  switch (kind) {
    case "height": {
      const n = parseInteger(name, v);
      if (n <= 0n) throw invalidParams(`${name} must be greater than 0, but got ${n}`);
      return n;
    }
    case "int": {
      const n = parseInteger(name, v);
      if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidParams(`${name} out of range: ${n}`);
      return Number(n);
    }
    case "string":
      if (typeof v !== "string") throw invalidParams(`${name}: expected a string, got ${brief(v)}`);
      return v;
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      throw invalidParams(`${name}: expected a boolean, got ${brief(v)}`);
    case "bytes": {
      const b = typeof v === "string" ? fromBase64Strict(v) : undefined;
      if (!b) throw invalidParams(`${name}: expected standard base64, got ${brief(v)}`);
      return b;
    }
    case "hex": {
      const b = typeof v === "string" ? fromHexStrict(v) : undefined;
      if (!b) throw invalidParams(`${name}: expected hex, got ${brief(v)}`);
      return b;
    }
  }
}

/** Decodes one URI query parameter, CometBFT style. */
export function fromUri(name: string, kind: ParamKind, text: string): ParamValue {
  if (text === "") return undefined;
  const quoted = text.length >= 2 && text.startsWith('"') && text.endsWith('"');
  const unquote = (): string => {
    try {
      const s: unknown = JSON.parse(text);
      if (typeof s === "string") return s;
    } catch {}
    throw invalidParams(`${name}: invalid quoted string ${brief(text)}`);
  };
  if (/^0x/i.test(text)) {
    if (kind !== "string" && kind !== "bytes" && kind !== "hex") {
      throw invalidParams(`${name}: got a hex string arg, but expected ${kind}`);
    }
    const b = fromHexStrict(text.slice(2));
    if (!b) throw invalidParams(`${name}: invalid hex ${brief(text)}`);
    return kind === "string" ? new TextDecoder().decode(b) : b;
  }
  switch (kind) {
    case "height":
    case "int":
      return fromJson(name, kind, quoted ? unquote() : text);
    case "bool":
      return fromJson(name, kind, text);
    case "string":
      if (!quoted) throw invalidParams(`${name}: string arguments must be quoted, e.g. ${name}="…"`);
      return unquote();
    case "bytes":
    case "hex":
      if (!quoted) throw invalidParams(`${name}: expected 0x-prefixed hex or a "quoted" string`);
      return new TextEncoder().encode(unquote());
  }
}

/** Decodes JSON-RPC params (object, array or absent) against a method's specs. */
export function decodeJsonParams(specs: readonly ParamSpec[], raw: unknown): Params {
  const out: Params = {};
  if (raw === undefined || raw === null) return out;
  if (Array.isArray(raw)) {
    if (raw.length > specs.length) {
      throw invalidParams(`expected at most ${specs.length} positional params, got ${raw.length}`);
    }
    specs.forEach(([name, kind], i) => {
      out[name] = fromJson(name, kind, raw[i]);
    });
    return out;
  }
  if (typeof raw !== "object") throw invalidParams("params must be an object or an array");
  const obj = raw as Record<string, unknown>;
  for (const [name, kind] of specs) {
    if (Object.hasOwn(obj, name)) out[name] = fromJson(name, kind, obj[name]);
  }
  return out;
}

export function decodeUriParams(specs: readonly ParamSpec[], query: URLSearchParams): Params {
  const out: Params = {};
  for (const [name, kind] of specs) {
    const text = query.get(name);
    if (text !== null) out[name] = fromUri(name, kind, text);
  }
  return out;
}
