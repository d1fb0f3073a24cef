// Light verification rules on multi-validator chains: a real CometBFT v0.38 signed header (the
// recorded kvstore fixture) passes; chains signed here with ed25519 keys rotate their validator set
// (so skipping must bisect) and carry commits with too little power or a foreign validator set.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { BlockID, Commit, Header } from "cosmjs-types/tendermint/types/types";
import {
  commitFromJson,
  headerFromJson,
  InvalidHeaderError,
  type LightBlock,
  LightClient,
  LightOptionsError,
  NotEnoughVotingPowerError,
  ProviderError,
  ValidatorSetMismatchError,
  validateLightBlock,
  verifyAdjacent,
} from "../../light/index.js";
import { sha256 } from "../../node/crypto/sha256.js";
import { BLOCK_ID_FLAG_ABSENT, BLOCK_ID_FLAG_COMMIT } from "../../node/types/block.js";
import { type Ed25519Key, keyFromSecret } from "../../node/types/ed25519.js";
import { headerHash } from "../../node/types/header.js";
import { goZeroTime } from "../../node/types/time.js";
import { verifyCommitLight } from "../../node/types/validation.js";
import {
  makeValidator,
  sortValidators,
  type Validator,
  validatorSetHash,
} from "../../node/types/validator.js";
import { SIGNED_MSG_TYPE_PRECOMMIT, signVote } from "../../node/types/vote.js";

const CHAIN = "light-test-1";
const T0 = 1_700_000_000n;
const S = 1_000_000_000n;
const enc = (s: string) => new TextEncoder().encode(s);

interface Signer {
  key: Ed25519Key;
  val: Validator;
}

function signers(label: string, names: string[], power = 10n): Signer[] {
  return names.map((n) => {
    const key = keyFromSecret(`${label}-${n}`);
    return { key, val: makeValidator(key.pubKey, power) };
  });
}

/**
 * A chain of `n` heights; setAt(h) gives the validators of height h; `signing(h, set)` which of
 * them sign (default all).
 */
function buildChain(
  n: number,
  setAt: (h: number) => Signer[],
  signing?: (h: number, set: Signer[]) => Signer[],
) {
  const blocks = new Map<bigint, () => LightBlock>();
  let lastId: BlockID = { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
  for (let i = 1; i <= n; i++) {
    const h = BigInt(i);
    const set = sortValidators(setAt(i).map((s) => ({ ...s.val, s })));
    const vals = set.map(({ s: _s, ...v }) => v as Validator);
    const nextVals = sortValidators(setAt(i + 1).map((s) => s.val));
    const header: Header = {
      version: { block: 11n, app: 0n },
      chainId: CHAIN,
      height: h,
      time: { seconds: T0 + h, nanos: 0 },
      lastBlockId: lastId,
      lastCommitHash: sha256(enc(`lc${i}`)),
      dataHash: sha256(new Uint8Array(0)),
      validatorsHash: validatorSetHash(vals),
      nextValidatorsHash: validatorSetHash(nextVals),
      consensusHash: sha256(enc("params")),
      appHash: sha256(enc(`app${i}`)),
      lastResultsHash: sha256(new Uint8Array(0)),
      evidenceHash: sha256(new Uint8Array(0)),
      proposerAddress: vals[0]!.address,
    };
    const blockId = { hash: headerHash(header), partSetHeader: { total: 1, hash: sha256(enc(`parts${i}`)) } };
    lastId = blockId;
    const who = new Set(
      (signing
        ? signing(
            i,
            set.map((v) => v.s),
          )
        : set.map((v) => v.s)
      ).map((s) => s.key.seed),
    );
    const timestamp = { seconds: T0 + h, nanos: 500 };
    const commit: Commit = {
      height: h,
      round: 0,
      blockId,
      signatures: set.map(({ s }) =>
        who.has(s.key.seed)
          ? {
              blockIdFlag: BLOCK_ID_FLAG_COMMIT,
              validatorAddress: s.val.address,
              timestamp,
              signature: signVote(
                CHAIN,
                { type: SIGNED_MSG_TYPE_PRECOMMIT, height: h, round: 0, blockId, timestamp },
                s.key,
              ),
            }
          : {
              blockIdFlag: BLOCK_ID_FLAG_ABSENT,
              validatorAddress: new Uint8Array(0),
              timestamp: goZeroTime(),
              signature: new Uint8Array(0),
            },
      ),
    };
    blocks.set(h, () => structuredClone({ header, commit, validators: vals }));
  }
  return blocks;
}

function source(...chains: Array<Map<bigint, () => LightBlock>>) {
  let fetched = 0;
  return {
    get fetched() {
      return fetched;
    },
    async lightBlock(h: bigint): Promise<LightBlock> {
      fetched++;
      for (const c of chains) {
        const b = c.get(h);
        if (b) return b();
      }
      throw new Error(`no block at ${h}`);
    },
  };
}

const now = () => (T0 + 1000n) * S;
const A = signers("a", ["0", "1", "2", "3", "4", "5", "6", "7"]);
/** Heights 1–10: A0–A3; 11–20: A2–A5; 21+: A4–A7 (each step keeps half the power). */
const rotating = (h: number) => (h <= 10 ? A.slice(0, 4) : h <= 20 ? A.slice(2, 6) : A.slice(4, 8));

describe("light verification on multi-validator chains", () => {
  it("accepts a real CometBFT v0.38 signed header (recorded kvstore fixture)", () => {
    const dir = new URL("../vectors/fixtures/cometbft-v0.38-kvstore/", import.meta.url);
    const commit = JSON.parse(readFileSync(new URL("commit_at_height_10.json", dir), "utf8")).result;
    const genesis = JSON.parse(readFileSync(new URL("genesis.json", dir), "utf8")).result.genesis;
    const validators = genesis.validators.map((v: { pub_key: { value: string }; power: string }) =>
      makeValidator(new Uint8Array(Buffer.from(v.pub_key.value, "base64")), BigInt(v.power)),
    );
    const lb: LightBlock = {
      header: headerFromJson(commit.signed_header.header),
      commit: commitFromJson(commit.signed_header.commit),
      validators,
    };
    validateLightBlock(genesis.chain_id, lb);
    assert.deepEqual(verifyCommitLight(genesis.chain_id, validators, lb.commit.blockId, 10n, lb.commit), {
      ok: true,
    });
    lb.header.lastResultsHash = sha256(enc("not the results"));
    assert.throws(() => validateLightBlock(genesis.chain_id, lb), /hashes to/);
  });

  it("follows validator-set rotation sequentially, and by bisection when skipping", async () => {
    const chain = buildChain(40, rotating);
    const seq = await LightClient.create(source(chain), {
      chainId: CHAIN,
      trustedHeight: 1n,
      trustedHash: headerHash(chain.get(1n)!().header),
      mode: "sequential",
      now,
    });
    assert.equal((await seq.verifyTo(40n)).header.height, 40n);
    const src = source(chain);
    const skip = await LightClient.create(src, {
      chainId: CHAIN,
      trustedHeight: 1n,
      trustedHash: headerHash(chain.get(1n)!().header),
      now,
    });
    assert.equal((await skip.verifyTo(40n)).header.height, 40n);
    // 40 cannot be trusted from 1 directly (no common signer): bisection fetched pivots, far fewer than 39.
    assert.ok(skip.fetched >= 2 && skip.fetched < 12, `fetched ${skip.fetched}`);
    // Trust level 1/1 forces more bisection steps but still succeeds.
    const strict = await LightClient.create(source(chain), {
      chainId: CHAIN,
      trustedHeight: 1n,
      trustedHash: headerHash(chain.get(1n)!().header),
      now,
      trustLevel: { numerator: 1n, denominator: 1n },
    });
    assert.equal((await strict.verifyTo(40n)).header.height, 40n);
    await assert.rejects(
      LightClient.create(source(chain), {
        chainId: CHAIN,
        trustedHeight: 1n,
        trustedHash: headerHash(chain.get(1n)!().header),
        now,
        trustLevel: { numerator: 1n, denominator: 4n },
      }),
      LightOptionsError,
    );
  });

  it("refuses a commit signed by 2/3 or less of the power, sequentially and skipping", async () => {
    // At height 7 only 2 of 4 equal validators sign (1/2); at 8, 3 of 4 sign (3/4, enough).
    const chain = buildChain(12, rotating, (h, set) =>
      h === 7 ? set.slice(0, 2) : h === 8 ? set.slice(0, 3) : set,
    );
    const trustedHash = headerHash(chain.get(1n)!().header);
    for (const mode of ["sequential", "skipping"] as const) {
      const client = await LightClient.create(source(chain), {
        chainId: CHAIN,
        trustedHeight: 1n,
        trustedHash,
        mode,
        now,
      });
      await assert.rejects(client.verifyTo(7n), NotEnoughVotingPowerError, mode);
      // Sequentially 8 is only reachable through 7; skipping reaches it directly (3/4 signed).
      if (mode === "sequential") await assert.rejects(client.verifyTo(8n), NotEnoughVotingPowerError);
      else assert.equal((await client.verifyTo(8n)).header.height, 8n);
    }
    // Unequal power: 20 of 30 is exactly 2/3, which is not more than 2/3.
    const heavy = [...signers("w", ["big"], 20n), ...signers("w", ["small"], 10n)];
    const exact = buildChain(
      3,
      () => heavy,
      (h, set) => (h === 2 ? set.filter((s) => s.val.votingPower === 20n) : set),
    );
    const b1 = exact.get(1n)!();
    assert.throws(
      () =>
        verifyAdjacent(b1, exact.get(2n)!(), {
          trustingPeriodNs: 3600n * S,
          maxClockDriftNs: 10n * S,
          trustLevel: { numerator: 1n, denominator: 3n },
          nowNs: now(),
        }),
      NotEnoughVotingPowerError,
    );
  });

  it("keeps at most maxTrustedBlocks verified blocks, always the trusted one and the latest", async () => {
    const chain = buildChain(40, rotating);
    const opts = {
      chainId: CHAIN,
      trustedHeight: 1n,
      trustedHash: headerHash(chain.get(1n)!().header),
      mode: "sequential" as const,
      now,
      maxTrustedBlocks: 5,
    };
    const client = await LightClient.create(source(chain), opts);
    await client.verifyTo(40n);
    assert.equal(client.fetched, 39);
    for (const h of [40n, 37n, 1n]) assert.equal((await client.verifyTo(h)).header.height, h);
    assert.equal(client.fetched, 39, "40, 37 and the trust root are still held");
    // 10 was dropped: verified again from the trust root.
    assert.equal((await client.verifyTo(10n)).header.height, 10n);
    assert.equal(client.fetched, 48);
    assert.equal(client.latest().header.height, 40n);
    await assert.rejects(
      LightClient.create(source(chain), { ...opts, maxTrustedBlocks: 1 }),
      LightOptionsError,
    );
  });

  it("refuses a source answering a bisection pivot with a block of another height", async () => {
    const chain = buildChain(40, rotating);
    let fetches = 0;
    const liar = {
      async lightBlock(h: bigint): Promise<LightBlock> {
        if (++fetches > 200) throw new Error("still fetching after 200 light blocks");
        // Every pivot is answered with the target (height 40) again.
        return chain.get(h === 1n ? 1n : 40n)!();
      },
    };
    const client = await LightClient.create(liar, {
      chainId: CHAIN,
      trustedHeight: 1n,
      trustedHash: headerHash(chain.get(1n)!().header),
      now,
    });
    await assert.rejects(client.verifyTo(40n), ProviderError);
  });

  it("refuses a validator set listing one validator twice (its power would count twice)", () => {
    // Height 2's set lists A0 twice: A0 and A1 signing would tally 30 of 40 (> 2/3), though they
    // hold only 20 of the 30 distinct power.
    const dup = [A[0]!, A[0]!, A[1]!, A[2]!];
    const chain = buildChain(
      3,
      (h) => (h === 1 ? A.slice(0, 4) : dup),
      (h, set) =>
        h === 2 ? set.filter((s) => s.key.seed === A[0]!.key.seed || s.key.seed === A[1]!.key.seed) : set,
    );
    const opts = {
      trustingPeriodNs: 3600n * S,
      maxClockDriftNs: 10n * S,
      trustLevel: { numerator: 1n, denominator: 3n },
      nowNs: now(),
    };
    assert.throws(() => verifyAdjacent(chain.get(1n)!(), chain.get(2n)!(), opts), ValidatorSetMismatchError);
  });

  it("refuses a validator set that the trusted header did not announce", async () => {
    const chain = buildChain(20, rotating);
    // A fork signed by strangers from height 2 on, internally consistent.
    const strangers = signers("x", ["0", "1", "2", "3"]);
    const fork = buildChain(20, (h) => (h === 1 ? rotating(1) : strangers));
    const forkFrom2 = new Map([...fork].filter(([h]) => h > 1n));
    const trustedHash = headerHash(chain.get(1n)!().header);
    for (const mode of ["sequential", "skipping"] as const) {
      const client = await LightClient.create(
        source(chain.get(1n) ? new Map([[1n, chain.get(1n)!]]) : chain, forkFrom2),
        {
          chainId: CHAIN,
          trustedHeight: 1n,
          trustedHash,
          mode,
          now,
        },
      );
      await assert.rejects(client.verifyTo(15n), ValidatorSetMismatchError, mode);
    }
    // Non-increasing time is refused as an invalid header.
    const b1 = chain.get(1n)!();
    const b2 = chain.get(2n)!();
    b2.header.time = b1.header.time;
    assert.throws(
      () =>
        verifyAdjacent(b1, b2, {
          trustingPeriodNs: 3600n * S,
          maxClockDriftNs: 10n * S,
          trustLevel: { numerator: 1n, denominator: 3n },
          nowNs: now(),
        }),
      (e: unknown) =>
        e instanceof Error && (e instanceof InvalidHeaderError || e.name === "HeaderHashMismatchError"),
    );
  });
});
