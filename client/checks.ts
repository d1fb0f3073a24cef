// Input checks shared by the message builders: each throws an InputError naming the field, so a
// bad value is caught before anything is signed. They mirror the chain's stateless checks (the
// modules' validateBasic); checks against state (does the datanet exist, is the signer a curator)
// are left to the chain.
import { fromBech32, fromHex } from "@cosmjs/encoding";

export const ADDRESS_PREFIX = "open";

/** A value a builder refuses; `field` names the input (e.g. "contributionId"). */
export class InputError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = "InputError";
  }
}

/** An id, height or size: a bigint, a safe integer or a decimal string. */
export type U64Like = bigint | number | string;

const U64_MAX = (1n << 64n) - 1n;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

export function u64(field: string, value: U64Like, opts: { positive?: boolean } = {}): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new InputError(field, `${value} is not an integer`);
    n = BigInt(value);
  } else if (typeof value === "string" && DECIMAL.test(value.trim())) n = BigInt(value.trim());
  else throw new InputError(field, `${JSON.stringify(value)} is not an unsigned integer`);
  if (n < 0n || n > U64_MAX) throw new InputError(field, `${n} is out of the uint64 range`);
  if (opts.positive && n === 0n) throw new InputError(field, "must be positive");
  return n;
}

/** A non-zero id (ids start at 1 on this chain). */
export function id(field: string, value: U64Like): bigint {
  return u64(field, value, { positive: true });
}

/** An amount as a canonical decimal string ("0", "1500"); amounts may be large, so no u64 cap. */
export function amount(field: string, value: U64Like | undefined, fallback = "0"): string {
  if (value === undefined || value === "") return fallback;
  if (typeof value === "number" && !Number.isSafeInteger(value))
    throw new InputError(field, `${value} is not an integer`);
  const s = typeof value === "string" ? value.trim() : value.toString();
  if (!DECIMAL.test(s)) throw new InputError(field, `${JSON.stringify(value)} is not an unsigned amount`);
  return s;
}

/** A bech32 account address with the chain's prefix. */
export function address(field: string, value: string): string {
  if (typeof value !== "string" || value === "") throw new InputError(field, "an address is required");
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(value, 1023);
  } catch (err) {
    throw new InputError(
      field,
      `${JSON.stringify(value)} is not a bech32 address (${(err as Error).message})`,
    );
  }
  if (decoded.prefix !== ADDRESS_PREFIX)
    throw new InputError(field, `${value} has prefix "${decoded.prefix}", expected "${ADDRESS_PREFIX}"`);
  if (decoded.data.length !== 20 && decoded.data.length !== 32)
    throw new InputError(field, `${value} holds ${decoded.data.length} bytes, expected 20 or 32`);
  return value;
}

/** Distinct valid addresses, at most `max`, none equal to `exclude`. */
export function addressList(field: string, list: readonly string[], max: number, exclude?: string): string[] {
  if (list.length > max) throw new InputError(field, `${list.length} entries, at most ${max}`);
  const seen = new Set<string>();
  for (const a of list) {
    address(field, a);
    if (seen.has(a)) throw new InputError(field, `${a} is listed twice`);
    if (a === exclude) throw new InputError(field, `${a} is the owner, who cannot be listed`);
    seen.add(a);
  }
  return [...list];
}

/** 32 bytes, given as bytes or 64 hex characters. */
export function sha256Bytes(field: string, value: Uint8Array | string): Uint8Array {
  if (typeof value === "string") {
    if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new InputError(field, "must be 64 hex characters (sha256)");
    return fromHex(value.toLowerCase());
  }
  if (!(value instanceof Uint8Array) || value.length !== 32)
    throw new InputError(field, `must be 32 bytes (sha256), got ${value?.length ?? typeof value}`);
  return Uint8Array.from(value);
}

const utf8 = new TextEncoder();

export function byteLength(s: string): number {
  return utf8.encode(s).length;
}

/** Free text of at most maxBytes UTF-8 bytes without control characters (multiline: tab, newline). */
export function text(field: string, value: string | undefined, maxBytes: number, multiline = false): string {
  const s = value ?? "";
  if (typeof s !== "string") throw new InputError(field, "must be a string");
  const n = byteLength(s);
  if (n > maxBytes) throw new InputError(field, `${n} bytes, at most ${maxBytes}`);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (multiline && (c === 0x09 || c === 0x0a)) continue;
    if (c < 0x20 || c === 0x7f) throw new InputError(field, "contains a control character");
  }
  return s;
}

/** A value of `pattern`, described by `what` in the error. */
export function matching(field: string, value: string, pattern: RegExp, what: string): string {
  if (typeof value !== "string" || !pattern.test(value))
    throw new InputError(field, `${JSON.stringify(value)} must be ${what}`);
  return value;
}

/** A list without repeats, at most `max`, each checked by `each`. */
export function distinct(
  field: string,
  list: readonly string[],
  max: number,
  each: (v: string) => void,
  min = 0,
): string[] {
  if (list.length < min) throw new InputError(field, `at least ${min} required`);
  if (list.length > max) throw new InputError(field, `${list.length} entries, at most ${max}`);
  const seen = new Set<string>();
  for (const v of list) {
    each(v);
    if (seen.has(v)) throw new InputError(field, `${JSON.stringify(v)} is listed twice`);
    seen.add(v);
  }
  return [...list];
}

/** Picks an enum value by its number, its proto name (e.g. "DATA_TYPE_TEXT") or its short name ("text"). */
export function enumValue<E extends number>(
  field: string,
  value: E | string,
  names: Record<string, E>,
  protoPrefix: string,
): E {
  if (typeof value === "number") {
    if (Object.values(names).includes(value)) return value;
  } else if (typeof value === "string") {
    const lower = value.toLowerCase();
    const short = lower.startsWith(protoPrefix) ? lower.slice(protoPrefix.length) : lower;
    const hit = Object.hasOwn(names, short) ? names[short] : undefined;
    if (hit !== undefined) return hit;
  }
  throw new InputError(field, `${JSON.stringify(value)} must be one of ${Object.keys(names).join(", ")}`);
}
