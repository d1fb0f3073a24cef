// The consensus write-ahead log (CometBFT consensus/wal.go). Every input the driver hands the state
// machine is appended, with the `now` it was handled with, before (or, for gossip, as) it is
// handled; this node's own signed proposals and votes go through writeSync, so they are on disk
// before they are broadcast. When a height is decided and committed, EndHeight{height} is written
// (and synced). After a crash, replayFrom(path, h) returns the inputs logged after EndHeight{h-1},
// which fed in order to a fresh ConsensusStateMachine for height h bring it back to where it was.
//
// Files: the head is `path` (e.g. <home>/data/cs.wal/wal); once it reaches maxFileBytes it is
// rotated — only right after an EndHeight, so every file ends on a height boundary — to
// `path.000`, `path.001`, … and only the newest keepFiles (≥ 2) rotated files are kept. A height
// larger than maxFileBytes makes the head grow past it until that height ends.
//
// Damage: a torn last record of the head (a process killed mid-write, or a zero-filled tail after a
// power loss) is dropped — open() truncates it away, replayFrom() skips it — and reported. Any other
// damage (a checksum mismatch or bad length before the end, or in a rotated file) is a
// WalCorruptionError naming the file and offset: that needs an operator, not a guess.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { BlockPart } from "../../p2p/consensus-gossip.js";
import {
  crc32c,
  decodeWalRecord,
  encodeWalRecord,
  frameWalRecord,
  MAX_WAL_RECORD_BYTES,
  WAL_HEADER_BYTES,
  type WalInput,
  type WalRecord,
} from "./wal-codec.js";

export interface WalOptions {
  /** Rotate the head (after an EndHeight) once it is this large. Default 10 MiB. */
  maxFileBytes?: number;
  /** Rotated files to keep (at least 2). Default 4. */
  keepFiles?: number;
  /** Largest record payload. Default MAX_WAL_RECORD_BYTES (1 MiB + 24). */
  maxRecordBytes?: number;
  /** write() hands its buffer to the OS once it holds this many bytes. Default 64 KiB. */
  bufferBytes?: number;
}

/** A partial record at the end of the head that was dropped. */
export interface WalTornTail {
  file: string;
  /** Where the partial record began (the file's valid length). */
  offset: number;
  droppedBytes: number;
  reason: string;
}

export interface WalReplay {
  /** Whether EndHeight{height-1} was found; when not, `inputs` is empty. */
  found: boolean;
  /** The inputs after the last EndHeight{height-1}, in the order they were logged. */
  inputs: WalInput[];
  /** The block parts logged after it (blocks the inputs refer to). */
  parts: BlockPart[];
  /** Whether EndHeight{height} was also logged (the height was already decided and committed). */
  heightEnded: boolean;
  tornTail?: WalTornTail;
}

export class WalCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`consensus WAL corrupted: ${file} at offset ${offset}: ${detail}`);
    this.name = "WalCorruptionError";
  }
}

const DEFAULTS = {
  maxFileBytes: 10 * 1024 * 1024,
  keepFiles: 4,
  maxRecordBytes: MAX_WAL_RECORD_BYTES,
  bufferBytes: 64 * 1024,
};

interface Scan {
  records: WalRecord[];
  validBytes: number;
  torn?: WalTornTail;
}

/** Every record of one file. A torn tail is tolerated only when `isHead`. */
function scanFile(file: string, data: Uint8Array, isHead: boolean, maxRecordBytes: number): Scan {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const records: WalRecord[] = [];
  let off = 0;
  const tornOrCorrupt = (reason: string): Scan => {
    if (!isHead) throw new WalCorruptionError(file, off, reason);
    return { records, validBytes: off, torn: { file, offset: off, droppedBytes: data.length - off, reason } };
  };
  while (off < data.length) {
    const rest = data.length - off;
    if (data.subarray(off).every((b) => b === 0)) return tornOrCorrupt("zero-filled tail");
    if (rest < WAL_HEADER_BYTES) return tornOrCorrupt(`partial record header (${rest} bytes)`);
    const crc = view.getUint32(off);
    const length = view.getUint32(off + 4);
    if (length === 0 || length > maxRecordBytes) {
      throw new WalCorruptionError(file, off, `record length ${length} outside 1..${maxRecordBytes}`);
    }
    if (rest - WAL_HEADER_BYTES < length) {
      return tornOrCorrupt(`partial record (${rest - WAL_HEADER_BYTES} of ${length} payload bytes)`);
    }
    const end = off + WAL_HEADER_BYTES + length;
    const payload = data.subarray(off + WAL_HEADER_BYTES, end);
    const actual = crc32c(payload);
    if (actual !== crc) {
      const detail = `checksum mismatch (stored ${crc.toString(16)}, computed ${actual.toString(16)})`;
      // The very last record may have been cut short by a crash before its bytes all reached disk.
      if (end === data.length) return tornOrCorrupt(detail);
      throw new WalCorruptionError(file, off, detail);
    }
    try {
      records.push(decodeWalRecord(payload));
    } catch (err) {
      throw new WalCorruptionError(file, off, `undecodable record: ${(err as Error).message}`);
    }
    off = end;
  }
  return { records, validBytes: off };
}

function rotatedFiles(path: string): { index: number; file: string }[] {
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  const base = basename(path);
  const out: { index: number; file: string }[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (/^\d+$/.test(suffix)) out.push({ index: Number(suffix), file: join(dir, name) });
  }
  return out.sort((a, b) => a.index - b.index);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class Wal {
  /** The torn tail open() truncated away, if any. */
  readonly repaired: WalTornTail | undefined;
  private fd: number | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private headBytes: number;
  private nextIndex: number;
  private readonly options: Required<WalOptions>;

  private constructor(
    readonly path: string,
    options: Required<WalOptions>,
    fd: number,
    headBytes: number,
    nextIndex: number,
    repaired: WalTornTail | undefined,
  ) {
    this.options = options;
    this.fd = fd;
    this.headBytes = headBytes;
    this.nextIndex = nextIndex;
    this.repaired = repaired;
  }

  /**
   * Opens (creating directories and file as needed) the WAL at `path`. A torn tail of the head is
   * truncated and reported in `repaired`; other damage in the head throws WalCorruptionError. A new,
   * empty WAL starts with EndHeight{0}, so replayFrom(path, 1) finds its starting point.
   */
  static open(path: string, options: WalOptions = {}): Wal {
    const opts = { ...DEFAULTS, ...options };
    if (opts.keepFiles < 2) throw new Error("keepFiles must be at least 2");
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, "a+");
    try {
      const data = new Uint8Array(readFileSync(path));
      const scan = scanFile(path, data, true, opts.maxRecordBytes);
      if (scan.torn !== undefined) {
        ftruncateSync(fd, scan.validBytes);
        fsyncSync(fd);
      }
      const rotated = rotatedFiles(path);
      const nextIndex = (rotated[rotated.length - 1]?.index ?? -1) + 1;
      const wal = new Wal(path, opts, fd, scan.validBytes, nextIndex, scan.torn);
      if (rotated.length === 0 && scan.validBytes === 0) wal.writeEndHeight(0n);
      return wal;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** replayFrom on this WAL's files (call before writing anything for the height). */
  replay(height: bigint): WalReplay {
    this.flush();
    return Wal.replayFrom(this.path, height, this.options);
  }

  /** Appends a record to the in-memory buffer (handed to the OS when full, on flush or on a sync). */
  write(record: WalRecord): void {
    const framed = frameWalRecord(encodeWalRecord(record), this.options.maxRecordBytes);
    this.openFd();
    this.pending.push(framed);
    this.pendingBytes += framed.length;
    if (this.pendingBytes >= this.options.bufferBytes) this.flush();
  }

  /** Appends a record and returns only once it (and everything before it) is on disk. */
  writeSync(record: WalRecord): void {
    this.write(record);
    this.sync();
  }

  /** Marks `height` decided and committed (synced); may rotate the head. */
  writeEndHeight(height: bigint): void {
    this.writeSync({ type: "endHeight", height });
    if (this.headBytes >= this.options.maxFileBytes) this.rotate();
  }

  /** Hands the buffered records to the OS (no fsync). */
  flush(): void {
    const fd = this.openFd();
    if (this.pendingBytes === 0) return;
    const all = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let done = 0;
    while (done < all.length) done += writeSync(fd, all, done, all.length - done);
    this.headBytes += all.length;
  }

  /** flush, then fsync. */
  sync(): void {
    this.flush();
    fsyncSync(this.openFd());
  }

  close(): void {
    if (this.fd === undefined) return;
    this.sync();
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Every record of the WAL (rotated files oldest first, then the head), tolerating a torn tail. */
  static readAll(path: string, options: WalOptions = {}): { records: WalRecord[]; tornTail?: WalTornTail } {
    const maxRecordBytes = options.maxRecordBytes ?? DEFAULTS.maxRecordBytes;
    const records: WalRecord[] = [];
    for (const { file } of rotatedFiles(path)) {
      records.push(...scanFile(file, new Uint8Array(readFileSync(file)), false, maxRecordBytes).records);
    }
    if (!existsSync(path)) return { records };
    const head = scanFile(path, new Uint8Array(readFileSync(path)), true, maxRecordBytes);
    records.push(...head.records);
    return head.torn === undefined ? { records } : { records, tornTail: head.torn };
  }

  /** The inputs logged after the last EndHeight{height-1}, to be fed back into the state machine. */
  static replayFrom(path: string, height: bigint, options: WalOptions = {}): WalReplay {
    const { records, tornTail } = Wal.readAll(path, options);
    let found = false;
    let heightEnded = false;
    let inputs: WalInput[] = [];
    let parts: BlockPart[] = [];
    for (const r of records) {
      if (r.type === "endHeight") {
        if (r.height === height - 1n) {
          found = true;
          heightEnded = false;
          inputs = [];
          parts = [];
        } else if (found && r.height === height) {
          heightEnded = true;
        }
      } else if (!found) {
        // before the height: nothing to replay
      } else if (r.type === "blockPart") {
        parts.push(r.part);
      } else {
        inputs.push({ input: r.input, now: r.now });
      }
    }
    const out: WalReplay = { found, inputs, parts, heightEnded };
    if (tornTail !== undefined) out.tornTail = tornTail;
    return out;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error("WAL is closed");
    return this.fd;
  }

  private rotate(): void {
    const fd = this.openFd();
    closeSync(fd);
    this.fd = undefined;
    const target = `${this.path}.${String(this.nextIndex).padStart(3, "0")}`;
    renameSync(this.path, target);
    this.nextIndex++;
    this.fd = openSync(this.path, "a+");
    this.headBytes = fstatSync(this.fd).size;
    const rotated = rotatedFiles(this.path);
    for (const old of rotated.slice(0, Math.max(0, rotated.length - this.options.keepFiles))) {
      unlinkSync(old.file);
    }
    fsyncDir(dirname(this.path));
  }
}
