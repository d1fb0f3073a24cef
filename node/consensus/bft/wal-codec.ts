// The consensus WAL's record encoding (CometBFT consensus/wal.go): each record is framed as
// crc32c(payload) ‖ length(payload) (both 4 bytes, big endian) ‖ payload. A payload is a tag byte
// and its body: an EndHeight marker carries the height as 8 big-endian bytes; a state-machine input
// is JSON in which protobuf messages (Proposal, Vote, Commit, BlockID, Timestamp) are their
// protobuf encodings in base64 and every bigint is a decimal string.
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { BlockID, Commit, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { type BlockPart, decodeBlockPart, encodeBlockPart } from "../../p2p/consensus-gossip.js";
import type { ConsensusInput, RoundStep } from "./types.js";
import { ValidatorSet } from "./validator-set.js";

/** One state-machine input and the `now` it was handled with. */
export interface WalInput {
  input: ConsensusInput;
  now: Timestamp;
}

export type WalRecord =
  | ({ type: "input" } & WalInput)
  | { type: "endHeight"; height: bigint }
  /** A block part this node made or accepted (the WAL must hold the blocks its inputs refer to). */
  | { type: "blockPart"; part: BlockPart };

/** CometBFT's maxMsgSizeBytes: the largest payload a record may carry (1 MiB + 24). */
export const MAX_WAL_RECORD_BYTES = 1_048_576 + 24;
/** crc ‖ length. */
export const WAL_HEADER_BYTES = 8;

const TAG_INPUT = 1;
const TAG_END_HEIGHT = 2;
const TAG_BLOCK_PART = 3;

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli), as Go's crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)). */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
/** A plain Uint8Array (not a Buffer view), so decoded messages compare equal to the originals. */
const unb64 = (text: unknown): Uint8Array => {
  if (typeof text !== "string") throw new Error("expected a base64 string");
  return new Uint8Array(Buffer.from(text, "base64"));
};
const big = (v: unknown): bigint => {
  if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw new Error("expected a decimal integer string");
  return BigInt(v);
};
const int = (v: unknown): number => {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error("expected an integer");
  return v;
};

const encTs = (t: Timestamp): string => b64(Timestamp.encode(t).finish());
const decTs = (v: unknown): Timestamp => Timestamp.decode(unb64(v));
const encBlockId = (id: BlockID): string => b64(BlockID.encode(id).finish());
const decBlockId = (v: unknown): BlockID => BlockID.decode(unb64(v));

type Json = Record<string, unknown>;

function inputToJson(input: ConsensusInput): Json {
  switch (input.type) {
    case "startHeight": {
      const vs = input.validators;
      return {
        type: input.type,
        height: input.height.toString(),
        validators: vs.validators.map((v) => ({
          address: b64(v.address),
          pubKey: b64(v.pubKey),
          votingPower: v.votingPower.toString(),
          proposerPriority: v.proposerPriority.toString(),
        })),
        proposer: b64(vs.proposer.address),
        ...(input.lastCommit === undefined
          ? {}
          : { lastCommit: b64(Commit.encode(input.lastCommit).finish()) }),
      };
    }
    case "proposal":
      return { type: input.type, proposal: b64(Proposal.encode(input.proposal).finish()) };
    case "vote":
      return { type: input.type, vote: b64(Vote.encode(input.vote).finish()) };
    case "peerMaj23":
      return {
        type: input.type,
        peer: input.peer,
        height: input.height.toString(),
        round: input.round,
        voteType: input.voteType,
        blockId: encBlockId(input.blockId),
      };
    case "timeout":
      return { type: input.type, height: input.height.toString(), round: input.round, step: input.step };
    case "proposalBlock":
      return {
        type: input.type,
        height: input.height.toString(),
        round: input.round,
        blockId: encBlockId(input.blockId),
        time: encTs(input.time),
      };
    case "blockComplete":
      return {
        type: input.type,
        height: input.height.toString(),
        block: {
          blockId: encBlockId(input.block.blockId),
          time: encTs(input.block.time),
          valid: input.block.valid,
        },
      };
  }
}

function inputFromJson(j: Json): ConsensusInput {
  switch (j.type) {
    case "startHeight": {
      if (!Array.isArray(j.validators)) throw new Error("startHeight without validators");
      const validators = ValidatorSet.fromState(
        (j.validators as Json[]).map((v) => ({
          address: unb64(v.address),
          pubKey: unb64(v.pubKey),
          votingPower: big(v.votingPower),
          proposerPriority: big(v.proposerPriority),
        })),
        unb64(j.proposer),
      );
      const input: ConsensusInput = { type: "startHeight", height: big(j.height), validators };
      if (j.lastCommit !== undefined) input.lastCommit = Commit.decode(unb64(j.lastCommit));
      return input;
    }
    case "proposal":
      return { type: "proposal", proposal: Proposal.decode(unb64(j.proposal)) };
    case "vote":
      return { type: "vote", vote: Vote.decode(unb64(j.vote)) };
    case "peerMaj23":
      if (typeof j.peer !== "string") throw new Error("peerMaj23 without peer");
      return {
        type: "peerMaj23",
        peer: j.peer,
        height: big(j.height),
        round: int(j.round),
        voteType: int(j.voteType),
        blockId: decBlockId(j.blockId),
      };
    case "timeout":
      return { type: "timeout", height: big(j.height), round: int(j.round), step: int(j.step) as RoundStep };
    case "proposalBlock":
      return {
        type: "proposalBlock",
        height: big(j.height),
        round: int(j.round),
        blockId: decBlockId(j.blockId),
        time: decTs(j.time),
      };
    case "blockComplete": {
      const b = j.block as Json | undefined;
      if (b === undefined || typeof b.valid !== "boolean") throw new Error("blockComplete without block");
      return {
        type: "blockComplete",
        height: big(j.height),
        block: { blockId: decBlockId(b.blockId), time: decTs(b.time), valid: b.valid },
      };
    }
    default:
      throw new Error(`unknown input type ${String(j.type)}`);
  }
}

/** The payload of one record (without its frame). */
export function encodeWalRecord(record: WalRecord): Uint8Array {
  if (record.type === "endHeight") {
    const out = new Uint8Array(9);
    out[0] = TAG_END_HEIGHT;
    new DataView(out.buffer).setBigUint64(1, BigInt.asUintN(64, record.height));
    return out;
  }
  if (record.type === "blockPart") {
    const body = encodeBlockPart(record.part);
    const out = new Uint8Array(1 + body.length);
    out[0] = TAG_BLOCK_PART;
    out.set(body, 1);
    return out;
  }
  const json = JSON.stringify({ now: encTs(record.now), input: inputToJson(record.input) });
  const body = Buffer.from(json, "utf8");
  const out = new Uint8Array(1 + body.length);
  out[0] = TAG_INPUT;
  out.set(body, 1);
  return out;
}

export function decodeWalRecord(payload: Uint8Array): WalRecord {
  const tag = payload[0];
  if (tag === TAG_END_HEIGHT) {
    if (payload.length !== 9) throw new Error("EndHeight record of wrong length");
    return { type: "endHeight", height: new DataView(payload.buffer, payload.byteOffset).getBigUint64(1) };
  }
  if (tag === TAG_INPUT) {
    const j = JSON.parse(Buffer.from(payload.subarray(1)).toString("utf8")) as Json;
    return { type: "input", now: decTs(j.now), input: inputFromJson(j.input as Json) };
  }
  if (tag === TAG_BLOCK_PART) return { type: "blockPart", part: decodeBlockPart(payload.subarray(1)) };
  throw new Error(`unknown WAL record tag ${String(tag)}`);
}

/** crc32c ‖ length ‖ payload. Throws when the payload exceeds maxRecordBytes. */
export function frameWalRecord(payload: Uint8Array, maxRecordBytes = MAX_WAL_RECORD_BYTES): Uint8Array {
  if (payload.length > maxRecordBytes) {
    throw new Error(`WAL record of ${payload.length} bytes exceeds the maximum of ${maxRecordBytes}`);
  }
  const out = new Uint8Array(WAL_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, crc32c(payload));
  view.setUint32(4, payload.length);
  out.set(payload, WAL_HEADER_BYTES);
  return out;
}
