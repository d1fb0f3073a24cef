// A JSON-friendly view of messages and query answers: bigints as decimal strings, bytes as hex,
// enums by name (as the chain's genesis JSON writes them). Every field is kept, defaults included.
import { toHex } from "@cosmjs/encoding";
import { jobStateToJSON } from "../proto/gen/openledger/attribution/v1/types.js";
import {
  contributionStatusToJSON,
  dataTypeToJSON,
  reviewDecisionToJSON,
} from "../proto/gen/openledger/datanets/v1/types.js";
import { attributionMethodToJSON } from "../proto/gen/openledger/models/v1/types.js";

const ENUMS: Record<string, (v: never) => string> = {
  dataType: dataTypeToJSON,
  status: contributionStatusToJSON,
  decision: reviewDecisionToJSON,
  attributionMethod: attributionMethodToJSON,
  method: attributionMethodToJSON,
  state: jobStateToJSON,
};

export function toPlain(value: unknown, key = ""): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === "number" && ENUMS[key]) return ENUMS[key](value as never);
  if (Array.isArray(value)) return value.map((v) => toPlain(v));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v, k);
    return out;
  }
  return value;
}

/** A plain value (see toPlain) as indented `key: value` lines, for people. */
export function toText(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return `${indent}${String(value)}`;
  const lines: string[] = [];
  const entries = Array.isArray(value) ? value.map((v) => ["-", v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const label = Array.isArray(value) ? "-" : `${k}:`;
    if (v !== null && typeof v === "object" && !(Array.isArray(v) && v.every((x) => typeof x !== "object"))) {
      const inner = toText(v, `${indent}  `);
      lines.push(
        inner === "" ? `${indent}${label} ${Array.isArray(v) ? "[]" : "{}"}` : `${indent}${label}\n${inner}`,
      );
    } else if (Array.isArray(v)) lines.push(`${indent}${label} [${v.join(", ")}]`);
    else lines.push(`${indent}${label} ${v === "" ? '""' : String(v)}`);
  }
  return lines.join("\n");
}
