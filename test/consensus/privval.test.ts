import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlockID } from "cosmjs-types/tendermint/types/types";
import { FilePV } from "../../node/consensus/bft/privval.js";
import { keyFromSecret, verifyEd25519 } from "../../node/types/ed25519.js";
import { writePrivValidatorKey } from "../../node/types/keyfile.js";
import { timestampFromMillis } from "../../node/types/time.js";
import {
  proposalSignBytes,
  SIGNED_MSG_TYPE_PRECOMMIT,
  SIGNED_MSG_TYPE_PREVOTE,
  verifyVoteSignature,
} from "../../node/types/vote.js";

const CHAIN = "privval-chain";
const key = keyFromSecret("privval-key");
const id = (n: number): BlockID => ({
  hash: new Uint8Array(32).fill(n),
  partSetHeader: { total: 1, hash: new Uint8Array(32).fill(n + 1) },
});
const t = (ms: number) => timestampFromMillis(Date.UTC(2025, 0, 1) + ms);
const vote = (height: bigint, round: number, type: number, blockId?: BlockID, ms = 0) => ({
  type,
  height,
  round,
  blockId,
  timestamp: t(ms),
});

describe("FilePV", () => {
  let dir: string;
  let statePath: string;
  let keyPath: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "privval-"));
    statePath = join(dir, "priv_validator_state.json");
    keyPath = join(dir, "priv_validator_key.json");
    await writePrivValidatorKey(keyPath, key);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates a zero state file (0600) and persists each signature before returning it", () => {
    const pv = FilePV.fromKey(key, statePath);
    assert.deepEqual(JSON.parse(readFileSync(statePath, "utf8")), { height: "0", round: 0, step: 0 });
    assert.equal(statSync(statePath).mode & 0o777, 0o600);
    const v = vote(5n, 1, SIGNED_MSG_TYPE_PREVOTE, id(1));
    const sig = pv.signVote(CHAIN, v);
    assert.ok(sig !== undefined && verifyVoteSignature(CHAIN, v, key.pubKey, sig));
    const json = JSON.parse(readFileSync(statePath, "utf8"));
    assert.equal(json.height, "5");
    assert.equal(json.round, 1);
    assert.equal(json.step, 2);
    assert.equal(json.signature, Buffer.from(sig).toString("base64"));
    assert.match(json.signbytes, /^[0-9A-F]+$/);
  });

  it("a new FilePV on the same files refuses what the old one signed lower", () => {
    FilePV.fromKey(key, statePath);
    const pv = FilePV.load(keyPath, statePath);
    assert.ok(pv.signVote(CHAIN, vote(5n, 2, SIGNED_MSG_TYPE_PRECOMMIT, id(1))));
    const again = FilePV.load(keyPath, statePath);
    assert.equal(again.lastSignState.height, 5n);
    const lowerH = again.trySignVote(CHAIN, vote(4n, 9, SIGNED_MSG_TYPE_PRECOMMIT, id(1)));
    assert.deepEqual(lowerH, { ok: false, error: "height regression. Got 4, last height 5" });
    const lowerR = again.trySignVote(CHAIN, vote(5n, 1, SIGNED_MSG_TYPE_PRECOMMIT, id(1)));
    assert.equal(lowerR.ok, false);
    assert.match(!lowerR.ok ? lowerR.error : "", /round regression/);
    assert.equal(again.signVote(CHAIN, vote(5n, 2, SIGNED_MSG_TYPE_PREVOTE, id(1))), undefined);
    assert.match(again.lastError ?? "", /step regression/);
    assert.ok(
      again.signProposal(CHAIN, { height: 5n, round: 3, polRound: -1, blockId: id(2), timestamp: t(0) }),
    );
  });

  it("same H/R/S differing only by timestamp returns the old signature and timestamp", () => {
    const pv = FilePV.fromKey(key, statePath);
    const first = vote(7n, 0, SIGNED_MSG_TYPE_PRECOMMIT, id(3), 100);
    const sig = pv.signVote(CHAIN, first)!;
    const reloaded = FilePV.fromKey(key, statePath); // as after a crash before the WAL write
    const later = vote(7n, 0, SIGNED_MSG_TYPE_PRECOMMIT, id(3), 5000);
    const again = reloaded.signVote(CHAIN, later);
    assert.deepEqual(again, sig);
    assert.deepEqual(later.timestamp, t(100));
    assert.ok(verifyVoteSignature(CHAIN, later, key.pubKey, again!));
    // identical bytes: the same signature too
    assert.deepEqual(reloaded.signVote(CHAIN, vote(7n, 0, SIGNED_MSG_TYPE_PRECOMMIT, id(3), 100)), sig);
  });

  it("proposals: timestamp-only re-sign reuses, a different block is refused", () => {
    const pv = FilePV.fromKey(key, statePath);
    const p = { height: 3n, round: 0, polRound: -1, blockId: id(4), timestamp: t(1) };
    const sig = pv.signProposal(CHAIN, p)!;
    const p2 = { ...p, timestamp: t(2) };
    assert.deepEqual(pv.signProposal(CHAIN, p2), sig);
    assert.deepEqual(p2.timestamp, t(1));
    assert.ok(verifyEd25519(key.pubKey, proposalSignBytes(CHAIN, p2), sig));
    const r = pv.trySignProposal(CHAIN, { ...p, blockId: id(5) });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : "", /conflicting data: refusing to double-sign/);
  });

  it("conflicting re-sign at the same H/R/S is refused, even by a fresh instance", () => {
    const pv = FilePV.fromKey(key, statePath);
    assert.ok(pv.signVote(CHAIN, vote(9n, 1, SIGNED_MSG_TYPE_PREVOTE, id(1))));
    for (const signer of [pv, FilePV.load(keyPath, statePath)]) {
      assert.equal(signer.signVote(CHAIN, vote(9n, 1, SIGNED_MSG_TYPE_PREVOTE, id(2))), undefined);
      assert.match(signer.lastError ?? "", /conflicting data/);
      assert.equal(signer.signVote(CHAIN, vote(9n, 1, SIGNED_MSG_TYPE_PREVOTE, undefined)), undefined);
      const otherChain = signer.trySignVote("other-chain", vote(9n, 1, SIGNED_MSG_TYPE_PREVOTE, id(1)));
      assert.equal(otherChain.ok, false);
    }
    assert.equal(JSON.parse(readFileSync(statePath, "utf8")).height, "9");
  });

  it("returns no signature when the state cannot be persisted", () => {
    const pv = FilePV.fromKey(key, statePath);
    rmSync(dir, { recursive: true, force: true });
    const r = pv.trySignVote(CHAIN, vote(2n, 0, SIGNED_MSG_TYPE_PREVOTE, id(1)));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : "", /could not persist last sign state/);
    assert.equal(pv.lastSignState.height, 0n);
  });

  it("corrupt or missing state files give a clear error", () => {
    assert.throws(() => FilePV.load(keyPath, statePath), /priv validator state .*: file does not exist/);
    const cases: [string, RegExp][] = [
      ["{not json", /priv validator state .*: invalid JSON/],
      ["[]", /not a JSON object/],
      ['{"height":5,"round":0,"step":0}', /height must be a non-negative integer string/],
      ['{"height":"5","round":-1,"step":0}', /round must be a non-negative int32/],
      ['{"height":"5","round":0,"step":7}', /step must be 0\.\.3/],
      ['{"height":"5","round":0,"step":2,"signbytes":"zz"}', /signbytes must be hex/],
      ['{"height":"5","round":0,"step":2,"signbytes":"0A00"}', /signbytes present without a signature/],
    ];
    for (const [text, re] of cases) {
      writeFileSync(statePath, text);
      assert.throws(() => FilePV.load(keyPath, statePath), re, text);
    }
    writeFileSync(keyPath, "{}");
    assert.throws(() => FilePV.load(keyPath, statePath), /key file/);
  });
});
