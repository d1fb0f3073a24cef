// The consensus WAL: every input kind survives the record codec, replay starts after the right
// EndHeight, a torn tail is dropped while mid-file damage is an error, writeSync survives SIGKILL,
// rotation keeps recent heights, and replayed inputs make a fresh core repeat its actions.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { keySigner } from "../../node/consensus/bft/messages.js";
import { ConsensusStateMachine } from "../../node/consensus/bft/state-machine.js";
import { type ConsensusAction, type ConsensusInput, RoundStep } from "../../node/consensus/bft/types.js";
import { Wal, WalCorruptionError } from "../../node/consensus/bft/wal.js";
import {
  crc32c,
  decodeWalRecord,
  encodeWalRecord,
  frameWalRecord,
  type WalInput,
  type WalRecord,
} from "../../node/consensus/bft/wal-codec.js";
import { makePartSet } from "../../node/types/part-set.js";
import { timestampFromMillis } from "../../node/types/time.js";
import { block, CHAIN_ID, Driver, me, others, PRECOMMIT, PREVOTE, T0, validators, vote } from "./helpers.js";

const A = block("A");
const B = block("B", false);
const now = (i: number) => timestampFromMillis(T0 + 5000 + i);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "wal-test-"));
}

/** One height decided through the helpers' Driver, with every input and its `now` recorded. */
function decidedHeight(): { inputs: WalInput[]; actions: ConsensusAction[] } {
  const d = new Driver();
  const inputs: WalInput[] = [];
  const feed = d.feed.bind(d);
  d.feed = (input: ConsensusInput) => {
    inputs.push({ input, now: timestampFromMillis(d.clock) });
    return feed(input);
  };
  d.start();
  d.propose(0, A);
  d.votes(PREVOTE, 0, A.blockId, others);
  d.votes(PRECOMMIT, 0, A.blockId, others);
  const decide = d.of("decide")[0];
  assert.ok(decide, "height 1 decided");
  d.feed({
    type: "startHeight",
    height: 2n,
    validators: validators.incremented(1),
    lastCommit: decide.commit,
  });
  d.feed({ type: "timeout", height: 2n, round: 0, step: RoundStep.NewHeight });
  d.feed({ type: "vote", vote: vote(others[0]!, PREVOTE, 0, undefined, 2n) });
  return { inputs, actions: d.actions };
}

const inputRecord = (w: WalInput): WalRecord => ({ type: "input", ...w });

describe("consensus WAL", () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tmp();
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("computes CRC-32C (Castagnoli)", () => {
    assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
  });

  it("round-trips every input kind, with real signed votes, proposals and commits", () => {
    const { inputs } = decidedHeight();
    const extra: ConsensusInput[] = [
      { type: "peerMaj23", peer: "peer-1", height: 1n, round: 2, voteType: PRECOMMIT, blockId: A.blockId },
      { type: "proposalBlock", height: 1n, round: 3, blockId: A.blockId, time: A.time },
      { type: "blockComplete", height: 1n, block: B },
      { type: "timeout", height: 1n, round: 0, step: RoundStep.PrevoteWait },
    ];
    const all = [...inputs, ...extra.map((input, i) => ({ input, now: now(i) }))];
    const kinds = new Set(all.map((w) => w.input.type));
    assert.deepEqual([...kinds].sort(), [
      "blockComplete",
      "peerMaj23",
      "proposal",
      "proposalBlock",
      "startHeight",
      "timeout",
      "vote",
    ]);
    assert.ok(all.some((w) => w.input.type === "startHeight" && w.input.lastCommit !== undefined));
    for (const w of all) {
      const back = decodeWalRecord(encodeWalRecord(inputRecord(w)));
      assert.deepEqual(back, inputRecord(w), w.input.type);
    }
    assert.deepEqual(decodeWalRecord(encodeWalRecord({ type: "endHeight", height: 2n ** 63n - 1n })), {
      type: "endHeight",
      height: 2n ** 63n - 1n,
    });

    const { parts } = makePartSet(new Uint8Array(150_000).fill(3));
    const blockParts = parts.map((part) => ({ height: 1n, round: 2, part }));
    for (const part of blockParts) {
      assert.deepEqual(decodeWalRecord(encodeWalRecord({ type: "blockPart", part })), {
        type: "blockPart",
        part,
      });
    }

    // And through a file: inputs and block parts come back separately, each in logged order.
    const path = join(dir(), "cs.wal", "wal");
    const wal = Wal.open(path);
    for (const [i, w] of all.entries()) {
      wal.write(inputRecord(w));
      if (i < blockParts.length) wal.write({ type: "blockPart", part: blockParts[i]! });
    }
    wal.close();
    assert.deepEqual(Wal.replayFrom(path, 1n), {
      found: true,
      inputs: all,
      parts: blockParts.slice(0, all.length),
      heightEnded: false,
    });
  });

  it("enforces the maximum record size", () => {
    assert.throws(() => frameWalRecord(new Uint8Array(11), 10), /exceeds the maximum of 10/);
    const wal = Wal.open(join(dir(), "wal"), { maxRecordBytes: 64 });
    assert.throws(() => wal.write(inputRecord(decidedHeight().inputs[2]!)), /exceeds the maximum/);
    wal.close();
  });

  it("replays the inputs after EndHeight{height-1}", () => {
    const path = join(dir(), "wal");
    const wal = Wal.open(path);
    const t = (height: bigint, round: number): ConsensusInput => ({
      type: "timeout",
      height,
      round,
      step: RoundStep.Propose,
    });
    wal.write({ type: "input", input: t(1n, 0), now: now(0) });
    wal.writeEndHeight(1n);
    wal.write({ type: "input", input: t(2n, 0), now: now(1) });
    wal.writeSync({ type: "input", input: t(2n, 1), now: now(2) });
    wal.writeEndHeight(2n);
    wal.write({ type: "input", input: t(3n, 0), now: now(3) });
    wal.close();
    const r1 = Wal.replayFrom(path, 1n);
    assert.equal(r1.found, true);
    assert.equal(r1.heightEnded, true);
    assert.equal(r1.inputs.length, 4);
    const r2 = Wal.replayFrom(path, 2n);
    assert.deepEqual(
      r2.inputs.map((w) => w.input),
      [t(2n, 0), t(2n, 1), t(3n, 0)],
    );
    assert.deepEqual(
      r2.inputs.map((w) => w.now),
      [now(1), now(2), now(3)],
    );
    assert.deepEqual(
      Wal.replayFrom(path, 3n).inputs.map((w) => w.input),
      [t(3n, 0)],
    );
    assert.equal(Wal.replayFrom(path, 3n).heightEnded, false);
    assert.deepEqual(Wal.replayFrom(path, 5n), { found: false, inputs: [], parts: [], heightEnded: false });
  });

  it("drops a torn last record, reports it, and truncates it on open", () => {
    const path = join(dir(), "wal");
    const wal = Wal.open(path);
    const input: ConsensusInput = { type: "timeout", height: 1n, round: 0, step: RoundStep.Propose };
    wal.writeSync({ type: "input", input, now: now(0) });
    wal.close();
    const good = statSync(path).size;
    const next = frameWalRecord(encodeWalRecord({ type: "input", input, now: now(1) }));
    appendFileSync(path, next.subarray(0, next.length - 5)); // killed mid-write
    const r = Wal.replayFrom(path, 1n);
    assert.equal(r.inputs.length, 1);
    assert.equal(r.tornTail?.offset, good);
    assert.equal(r.tornTail?.droppedBytes, next.length - 5);

    const reopened = Wal.open(path);
    assert.equal(reopened.repaired?.offset, good);
    assert.equal(statSync(path).size, good);
    reopened.writeSync({ type: "input", input, now: now(2) });
    reopened.close();
    const after = Wal.replayFrom(path, 1n);
    assert.equal(after.tornTail, undefined);
    assert.deepEqual(
      after.inputs.map((w) => w.now),
      [now(0), now(2)],
    );

    // A header cut short and a zero-filled tail are torn tails too.
    appendFileSync(path, next.subarray(0, 3));
    assert.match(Wal.replayFrom(path, 1n).tornTail!.reason, /partial record header/);
    writeFileSync(path, Buffer.concat([readFileSync(path).subarray(0, good), Buffer.alloc(4096)]));
    assert.match(Wal.replayFrom(path, 1n).tornTail!.reason, /zero-filled/);
  });

  it("rejects a checksum mismatch before the end, naming the offset", () => {
    const path = join(dir(), "wal");
    const wal = Wal.open(path);
    const input: ConsensusInput = { type: "timeout", height: 1n, round: 0, step: RoundStep.Propose };
    wal.writeSync({ type: "input", input, now: now(0) });
    const second = statSync(path).size;
    wal.writeSync({ type: "input", input, now: now(1) });
    wal.writeSync({ type: "input", input, now: now(2) });
    wal.close();
    const bytes = readFileSync(path);
    bytes[second + 12]! ^= 0xff; // inside the second input record's payload
    writeFileSync(path, bytes);
    assert.throws(
      () => Wal.replayFrom(path, 1n),
      (err: unknown) =>
        err instanceof WalCorruptionError &&
        err.offset === second &&
        err.message.includes(`offset ${second}`) &&
        /checksum mismatch/.test(err.message),
    );
    assert.throws(() => Wal.open(path), WalCorruptionError);
  });

  it("rotates after EndHeight past maxFileBytes, keeping the newest files", () => {
    const path = join(dir(), "cs.wal", "wal");
    const wal = Wal.open(path, { maxFileBytes: 200, keepFiles: 2 });
    for (let h = 1n; h <= 8n; h++) {
      for (let round = 0; round < 3; round++) {
        wal.write({ type: "input", input: { type: "timeout", height: h, round, step: 3 }, now: now(round) });
      }
      wal.writeEndHeight(h);
    }
    wal.write({ type: "input", input: { type: "timeout", height: 9n, round: 0, step: 3 }, now: now(0) });
    wal.close();
    const files = readdirSync(join(path, "..")).sort();
    assert.deepEqual(files, ["wal", "wal.006", "wal.007"]);
    const r9 = Wal.replayFrom(path, 9n);
    assert.equal(r9.found, true);
    assert.equal(r9.inputs.length, 1);
    const r8 = Wal.replayFrom(path, 8n);
    assert.equal(r8.found, true);
    assert.equal(r8.inputs.length, 4);
    assert.equal(Wal.replayFrom(path, 1n).found, false); // rotated away
  });

  it("keeps every writeSync record when the writer is killed with SIGKILL", async () => {
    const path = join(dir(), "wal");
    const walUrl = pathToFileURL(resolve("node/consensus/bft/wal.ts")).href;
    const code = `
      const { Wal } = await import(${JSON.stringify(walUrl)});
      const wal = Wal.open(${JSON.stringify(path)});
      for (let i = 0; ; i++) {
        wal.writeSync({ type: "input", input: { type: "timeout", height: 1n, round: i, step: 3 },
          now: { seconds: BigInt(i), nanos: 0 } });
        process.stdout.write(i + "\\n");
        wal.write({ type: "input", input: { type: "timeout", height: 1n, round: -1, step: 3 },
          now: { seconds: 0n, nanos: 0 } });
        if (i > 100000) await new Promise(() => {});
      }
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let acked = -1;
    let out = "";
    await new Promise<void>((done, fail) => {
      child.on("error", fail);
      child.on("exit", () => done());
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const lines = out.split("\n");
        out = lines.pop() ?? "";
        for (const l of lines) acked = Number(l);
        if (acked >= 200 && child.exitCode === null && !child.killed) child.kill("SIGKILL");
      });
    });
    assert.ok(acked >= 200, `child acknowledged ${acked}`);
    const rounds = Wal.replayFrom(path, 1n)
      .inputs.map((w) => (w.input.type === "timeout" ? w.input.round : Number.NaN))
      .filter((r) => r >= 0);
    for (let i = 0; i <= acked; i++) assert.equal(rounds[i], i, `writeSync record ${i} survived`);
  });

  it("replaying the logged inputs into a fresh core reproduces its actions", () => {
    const { inputs, actions } = decidedHeight();
    const path = join(dir(), "wal");
    const wal = Wal.open(path);
    let decidedAt = -1;
    const original = new ConsensusStateMachine({ chainId: CHAIN_ID, signer: keySigner(me) });
    const perInput: ConsensusAction[][] = [];
    inputs.forEach((w, i) => {
      // Gossiped messages are buffered, everything else synced (exercises both paths).
      if (w.input.type === "proposal" || w.input.type === "vote") wal.write(inputRecord(w));
      else wal.writeSync(inputRecord(w));
      const r = original.handle(w.input, w.now);
      perInput.push(r.actions);
      if (decidedAt < 0 && r.actions.some((a) => a.type === "decide")) {
        decidedAt = i;
        wal.writeEndHeight(1n);
      }
    });
    wal.close();
    assert.deepEqual(perInput.flat(), actions, "the recording driver and the direct run agree");
    assert.ok(decidedAt > 0);
    assert.ok(actions.some((a) => a.type === "broadcastVote" && a.vote.height === 1n));

    const replay = (height: bigint) => {
      const sm = new ConsensusStateMachine({ chainId: CHAIN_ID, signer: keySigner(me) });
      return Wal.replayFrom(path, height).inputs.map((w) => sm.handle(w.input, w.now).actions);
    };
    assert.deepEqual(replay(1n).flat(), actions);
    // From height 2 on: a fresh core fed the logged startHeight onwards repeats height 2's actions.
    assert.deepEqual(replay(2n), perInput.slice(decidedAt + 1));
  });
});
