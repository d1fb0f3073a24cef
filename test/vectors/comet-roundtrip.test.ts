// Behaviour of node/types: signatures, commit verification, key files, part sets, RFC3339 times.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlockID, Commit, CommitSig } from "cosmjs-types/tendermint/types/types";
import { hashFromByteSlices } from "../../node/crypto/merkle.js";
import { absentCommitSig, BLOCK_ID_FLAG_COMMIT } from "../../node/types/block.js";
import {
  type Ed25519Key,
  generateKey,
  keyFromSecret,
  keyFromSeed,
  signEd25519,
  verifyEd25519,
  verifyEd25519Strict,
  verifyEd25519Zip215,
} from "../../node/types/ed25519.js";
import { readKeyFile, writeNodeKey, writePrivValidatorKey } from "../../node/types/keyfile.js";
import { joinParts, makePartSet, verifyPart } from "../../node/types/part-set.js";
import { rfc3339ToTimestamp, timestampToRfc3339 } from "../../node/types/time.js";
import { verifyCommit, verifyCommitLight, verifyCommitLightTrusting } from "../../node/types/validation.js";
import { makeValidator, sortValidators, type Validator } from "../../node/types/validator.js";
import { SIGNED_MSG_TYPE_PRECOMMIT, signVote, verifyVoteSignature } from "../../node/types/vote.js";

const CHAIN = "test-chain";
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const BLOCK: BlockID = {
  hash: new Uint8Array(32).fill(7),
  partSetHeader: { total: 1, hash: new Uint8Array(32).fill(9) },
};

describe("node/types behaviour", () => {
  describe("ed25519", () => {
    const key = keyFromSecret("validator-0");

    it("signs and verifies; a tampered signature or message fails", () => {
      const msg = utf8("hello");
      const sig = signEd25519(key, msg);
      assert.equal(sig.length, 64);
      assert.ok(verifyEd25519(key.pubKey, msg, sig));
      const bad = Uint8Array.from(sig);
      bad[10] = bad[10]! ^ 1;
      assert.ok(!verifyEd25519(key.pubKey, msg, bad));
      assert.ok(!verifyEd25519(key.pubKey, utf8("hellp"), sig));
      assert.ok(!verifyEd25519(key.pubKey, msg, sig.subarray(0, 63)));
    });

    it("derives the same public key as a fresh keyFromSeed", () => {
      const fresh = generateKey();
      assert.deepEqual(keyFromSeed(fresh.seed).pubKey, fresh.pubKey);
    });

    it("accepts ZIP-215-only signatures (non-canonical R) through the fallback, like CometBFT", () => {
      // A = identity (small order), R = identity encoded non-canonically (y = p + 1), S = 0:
      // valid under ZIP-215's cofactored equation, rejected by OpenSSL's byte comparison of R.
      const pub = new Uint8Array(32);
      pub[0] = 1;
      const sig = new Uint8Array(64);
      sig.set(Buffer.from("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "hex"), 0);
      const msg = utf8("zip215");
      assert.equal(verifyEd25519Strict(pub, msg, sig), false);
      assert.equal(verifyEd25519Zip215(pub, msg, sig), true);
      assert.equal(verifyEd25519(pub, msg, sig), true);
    });
  });

  describe("votes and commits", () => {
    const keys: Ed25519Key[] = [0, 1, 2, 3].map((i) => keyFromSecret(`val-${i}`));
    const vals: Validator[] = sortValidators(keys.map((k) => makeValidator(k.pubKey, 10n)));
    const keyOf = (v: Validator): Ed25519Key => keys.find((k) => Buffer.from(k.address).equals(v.address))!;

    function commitWith(flags: number[], height = 5n): Commit {
      const signatures: CommitSig[] = vals.map((v, i) => {
        const flag = flags[i]!;
        if (flag === 1) return absentCommitSig();
        const timestamp = rfc3339ToTimestamp(`2024-01-01T00:00:0${i}.5Z`);
        const vote = {
          type: SIGNED_MSG_TYPE_PRECOMMIT,
          height,
          round: 1,
          blockId: flag === BLOCK_ID_FLAG_COMMIT ? BLOCK : undefined,
          timestamp,
        };
        return {
          blockIdFlag: flag,
          validatorAddress: v.address,
          timestamp,
          signature: signVote(CHAIN, vote, keyOf(v)),
        };
      });
      return { height, round: 1, blockId: BLOCK, signatures };
    }

    it("signVote / verifyVoteSignature round trip", () => {
      const vote = {
        type: 2,
        height: 3n,
        round: 0,
        blockId: BLOCK,
        timestamp: rfc3339ToTimestamp("2024-05-05T05:05:05Z"),
      };
      const sig = signVote(CHAIN, vote, keys[0]!);
      assert.ok(verifyVoteSignature(CHAIN, vote, keys[0]!.pubKey, sig));
      assert.ok(!verifyVoteSignature(CHAIN, { ...vote, round: 1 }, keys[0]!.pubKey, sig));
      assert.ok(!verifyVoteSignature("other", vote, keys[0]!.pubKey, sig));
    });

    it("3 of 4 equal validators commit: ok (30 > 40*2/3 = 26)", () => {
      assert.deepEqual(verifyCommit(CHAIN, vals, BLOCK, 5n, commitWith([2, 2, 2, 1])), { ok: true });
      assert.deepEqual(verifyCommit(CHAIN, vals, BLOCK, 5n, commitWith([2, 3, 2, 2])), { ok: true });
      assert.deepEqual(verifyCommitLight(CHAIN, vals, BLOCK, 5n, commitWith([2, 2, 2, 1])), { ok: true });
    });

    it("2 of 4 fails, and NIL votes are verified but not counted", () => {
      for (const flags of [
        [2, 2, 1, 1],
        [2, 2, 3, 3],
      ]) {
        const r = verifyCommit(CHAIN, vals, BLOCK, 5n, commitWith(flags));
        assert.deepEqual(r, {
          ok: false,
          error: "invalid commit -- insufficient voting power: got 20, needed more than 26",
          kind: "power",
        });
      }
    });

    it("rejects a bad signature even when enough power signed", () => {
      const commit = commitWith([2, 2, 2, 3]);
      const s = commit.signatures[3]!;
      commit.signatures[3] = {
        ...s,
        signature: Uint8Array.from(s.signature, (b, i) => (i === 0 ? b ^ 1 : b)),
      };
      const r = verifyCommit(CHAIN, vals, BLOCK, 5n, commit);
      assert.match(r.ok ? "" : r.error, /^wrong signature \(#3\)/);
      // the light check stops once 2/3+ is reached and never looks at the NIL vote
      assert.deepEqual(verifyCommitLight(CHAIN, vals, BLOCK, 5n, commit), { ok: true });
    });

    it("rejects wrong height, wrong set size, wrong block id and address mismatches", () => {
      const commit = commitWith([2, 2, 2, 2]);
      assert.match(
        String(Object(verifyCommit(CHAIN, vals, BLOCK, 6n, commit)).error),
        /wrong height: 6 vs 5/,
      );
      assert.match(
        String(Object(verifyCommit(CHAIN, vals.slice(1), BLOCK, 5n, commit)).error),
        /wrong set size/,
      );
      const other = { ...BLOCK, partSetHeader: { ...BLOCK.partSetHeader, total: 2 } };
      assert.match(String(Object(verifyCommit(CHAIN, vals, other, 5n, commit)).error), /wrong block ID/);
      const swapped = [vals[1]!, vals[0]!, vals[2]!, vals[3]!];
      assert.match(
        String(Object(verifyCommit(CHAIN, swapped, BLOCK, 5n, commit)).error),
        /address mismatch at index 0/,
      );
      const badFlag = {
        ...commit,
        signatures: [{ ...commit.signatures[0]!, blockIdFlag: 7 }, ...commit.signatures.slice(1)],
      };
      assert.match(
        String(Object(verifyCommit(CHAIN, vals, BLOCK, 5n, badFlag)).error),
        /unknown BlockIDFlag: 7/,
      );
    });

    it("verifyCommitLightTrusting matches signers by address in another set", () => {
      const commit = commitWith([2, 2, 1, 1]);
      const trusted = [vals[3]!, vals[0]!, vals[1]!]; // 30 power; signers hold 20 > 30/3
      assert.deepEqual(verifyCommitLightTrusting(CHAIN, trusted, commit), { ok: true });
      assert.equal(
        verifyCommitLightTrusting(CHAIN, trusted, commit, { numerator: 2n, denominator: 3n }).ok,
        false,
      );
    });

    it("sortValidators orders by power desc, then address asc", () => {
      const mixed = [makeValidator(keys[0]!.pubKey, 5n), ...vals.slice(1)];
      const sorted = sortValidators(mixed);
      assert.equal(sorted[3]!.votingPower, 5n);
      for (let i = 0; i + 1 < 3; i++)
        assert.ok(Buffer.compare(sorted[i]!.address, sorted[i + 1]!.address) < 0);
    });
  });

  describe("key files", () => {
    let dir = "";
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "comet-keys-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("priv_validator_key.json and node_key.json round-trip, mode 0600, no temp files", async () => {
      const key = generateKey();
      const pv = join(dir, "priv_validator_key.json");
      const nk = join(dir, "node_key.json");
      await writePrivValidatorKey(pv, key);
      await writeNodeKey(nk, key);
      for (const path of [pv, nk]) {
        assert.equal((await stat(path)).mode & 0o777, 0o600);
        const back = await readKeyFile(path);
        assert.deepEqual([back.seed, back.pubKey, back.address], [key.seed, key.pubKey, key.address]);
      }
      const json = JSON.parse(await readFile(pv, "utf8"));
      assert.deepEqual(Object.keys(json), ["address", "pub_key", "priv_key"]);
      assert.equal(json.address, Buffer.from(key.address).toString("hex").toUpperCase());
      assert.deepEqual(Object.keys(JSON.parse(await readFile(nk, "utf8"))), ["priv_key"]);
      assert.deepEqual((await readdir(dir)).sort(), ["node_key.json", "priv_validator_key.json"]);
    });

    it("rejects a key file whose halves or address disagree", async () => {
      const a = generateKey();
      const b = generateKey();
      const path = join(dir, "bad.json");
      const priv = Buffer.concat([a.seed, b.pubKey]).toString("base64");
      await writeFile(path, JSON.stringify({ priv_key: { type: "tendermint/PrivKeyEd25519", value: priv } }));
      await assert.rejects(readKeyFile(path), /does not match its seed/);
      await writePrivValidatorKey(path, a);
      const json = JSON.parse(await readFile(path, "utf8"));
      await writeFile(path, JSON.stringify({ ...json, address: "00".repeat(20) }));
      await assert.rejects(readKeyFile(path), /address does not match/);
    });
  });

  describe("part sets", () => {
    it("splits into 64 KiB parts whose proofs verify and rejoin", () => {
      const data = Uint8Array.from({ length: 3 * 65536 + 5 }, (_, i) => (i * 31) & 0xff);
      const { header, parts } = makePartSet(data);
      assert.equal(header.total, 4);
      assert.deepEqual(header.hash, hashFromByteSlices(parts.map((p) => p.bytes)));
      for (const part of parts) assert.equal(verifyPart(header, part), undefined);
      assert.deepEqual(joinParts(parts), data);
      const tampered = { ...parts[3]!, bytes: Uint8Array.from(parts[3]!.bytes, (b) => b ^ 1) };
      assert.equal(verifyPart(header, tampered), "invalid leaf hash");
      assert.equal(makePartSet(Uint8Array.of(1)).header.total, 1);
      assert.throws(() => makePartSet(new Uint8Array(0)));
    });
  });

  describe("RFC3339 times", () => {
    it("formats like Go's RFC3339Nano and parses back", () => {
      const cases = [
        "0001-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "2019-10-13T16:14:44.123456789Z",
        "2017-12-25T03:00:01.234Z",
        "2000-02-29T23:59:59.1Z",
        "9999-12-31T23:59:59.999999999Z",
      ];
      for (const text of cases) assert.equal(timestampToRfc3339(rfc3339ToTimestamp(text)), text);
      assert.deepEqual(rfc3339ToTimestamp("0001-01-01T00:00:00Z"), { seconds: -62135596800n, nanos: 0 });
      assert.equal(timestampToRfc3339({ seconds: 1n, nanos: 500_000_000 }), "1970-01-01T00:00:01.5Z");
      assert.equal(
        timestampToRfc3339(rfc3339ToTimestamp("2019-10-13T18:14:44.100+02:00")),
        "2019-10-13T16:14:44.1Z",
      );
    });

    it("round-trips random timestamps across the whole range", () => {
      for (let i = 0; i < 2000; i++) {
        const seconds = BigInt(Math.floor(-62135596800 + Math.random() * (253402300799 + 62135596800)));
        const ts = { seconds, nanos: Math.floor(Math.random() * 1e9) };
        assert.deepEqual(rfc3339ToTimestamp(timestampToRfc3339(ts)), ts);
      }
    });

    it("rejects malformed or out-of-range input", () => {
      for (const bad of [
        "2019-02-29T00:00:00Z",
        "2019-10-13T24:00:00Z",
        "2019-10-13T16:14:60Z",
        "2019-10-13T16:14:44",
        "2019-10-13 16:14:44Z",
        "2019-10-13T16:14:44.1234567891Z",
        "2019-10-13T16:14:44.Z",
        "0000-12-31T23:59:59Z",
        "0001-01-01T00:00:00+00:01",
      ]) {
        assert.throws(() => rfc3339ToTimestamp(bad), Error, bad);
      }
      assert.throws(() => timestampToRfc3339({ seconds: 0n, nanos: 1e9 }));
      assert.throws(() => timestampToRfc3339({ seconds: 253402300800n, nanos: 0 }));
    });
  });
});
