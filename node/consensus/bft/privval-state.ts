// priv_validator_state.json (CometBFT v0.38 privval FilePVLastSignState) in cmtjson's shape, and a
// synchronous atomic write for it (signing is synchronous, and the state must hit disk first).
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** privval step numbers. */
export const STEP_PROPOSE = 1;
export const STEP_PREVOTE = 2;
export const STEP_PRECOMMIT = 3;

export interface LastSignState {
  height: bigint;
  round: number;
  step: number;
  signature?: Uint8Array;
  signBytes?: Uint8Array;
}

/** priv_validator_state.json as cmtjson writes it (int64 as a string, HexBytes upper-case). */
export interface LastSignStateJson {
  height: string;
  round: number;
  step: number;
  signature?: string;
  signbytes?: string;
}

export function lastSignStateToJson(s: LastSignState): LastSignStateJson {
  const json: LastSignStateJson = { height: s.height.toString(), round: s.round, step: s.step };
  if (s.signature !== undefined) json.signature = Buffer.from(s.signature).toString("base64");
  if (s.signBytes !== undefined) json.signbytes = Buffer.from(s.signBytes).toString("hex").toUpperCase();
  return json;
}

/** Parses and checks a priv_validator_state.json; throws a message naming the file on any defect. */
export function lastSignStateFromJson(json: unknown, path = "priv_validator_state.json"): LastSignState {
  const bad = (what: string): never => {
    throw new Error(`priv validator state ${path}: ${what}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return bad("not a JSON object");
  const o = json as Record<string, unknown>;
  if (typeof o["height"] !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(o["height"])) {
    return bad("height must be a non-negative integer string");
  }
  const height = BigInt(o["height"]);
  if (height > (1n << 63n) - 1n) return bad("height out of range");
  const round = o["round"];
  if (typeof round !== "number" || !Number.isInteger(round) || round < 0 || round > 2 ** 31 - 1) {
    return bad("round must be a non-negative int32");
  }
  const step = o["step"];
  if (typeof step !== "number" || !Number.isInteger(step) || step < 0 || step > STEP_PRECOMMIT) {
    return bad("step must be 0..3");
  }
  const state: LastSignState = { height, round, step };
  if (o["signature"] !== undefined && o["signature"] !== null) {
    if (typeof o["signature"] !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(o["signature"])) {
      return bad("signature must be base64");
    }
    state.signature = new Uint8Array(Buffer.from(o["signature"], "base64"));
  }
  if (o["signbytes"] !== undefined && o["signbytes"] !== null) {
    if (typeof o["signbytes"] !== "string" || !/^([0-9A-Fa-f]{2})*$/.test(o["signbytes"])) {
      return bad("signbytes must be hex");
    }
    state.signBytes = new Uint8Array(Buffer.from(o["signbytes"], "hex"));
  }
  if (state.signBytes !== undefined && state.signBytes.length > 0 && !state.signature?.length) {
    return bad("signbytes present without a signature");
  }
  return state;
}

/** Synchronous tempfile.WriteFileAtomic: temp file (0600) in the same directory, fsync, rename. */
export function writeFileAtomicSync(path: string, data: string, mode = 0o600): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, data);
    fchmodSync(fd, mode);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {}
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
  try {
    const dir = openSync(dirname(path), "r"); // make the rename itself durable (best effort)
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {}
}
