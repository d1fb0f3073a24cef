// The light client against a real dev node (child process, 40 ms blocks): 100+ headers verified
// sequentially and by skipping; every tamper of a light block is detected and named; abci_query
// proofs at past heights verify (real @confio/ics23) against the next verified header's app hash;
// bad heights and paths are refused with the SDK's codes.
import assert from "node:assert/strict";
import { StargateClient } from "@cosmjs/stargate";
import {
  HeaderExpiredError,
  HeaderFromFutureError,
  HeaderHashMismatchError,
  InvalidCommitSignatureError,
  InvalidProofError,
  type LightBlock,
  LightClient,
  type LightClientOptions,
  NotEnoughVotingPowerError,
  RpcProvider,
  TrustedHashMismatchError,
  ValidatorSetMismatchError,
  verifiedBalance,
  verifyStoreProof,
} from "../../light/index.js";
import { balanceKey } from "../../modules/bank/keys.js";
import { parseAddress } from "../../node/app/address.js";
import { BLOCK_ID_FLAG_ABSENT } from "../../node/types/block.js";
import { keyFromSecret, signEd25519 } from "../../node/types/ed25519.js";
import { headerHash } from "../../node/types/header.js";
import { goZeroTime } from "../../node/types/time.js";
import { makeValidator } from "../../node/types/validator.js";
import { commitSigSignBytes } from "../../node/types/vote.js";
import { CHAIN_ID, DENOM, devAccount, useNode } from "../e2e/harness.js";

const TARGET = 105n;
const S = 1_000_000_000n;

/** A source that hands out the provider's light blocks, one height changed by `tamper`. */
function tampering(provider: RpcProvider, height: bigint, tamper: (lb: LightBlock) => void) {
  return {
    async lightBlock(h: bigint): Promise<LightBlock> {
      const lb = await provider.lightBlock(h);
      if (h === height) tamper(lb);
      return lb;
    },
  };
}

describe("light client against a dev node", function () {
  this.timeout(90_000);
  const ctx = useNode({
    blockIntervalMs: 40,
    startArgs: [
      "--dev",
      "--rpc.laddr",
      "tcp://127.0.0.1:0",
      "--p2p.laddr",
      "/ip4/127.0.0.1/tcp/0",
      "--metrics.laddr",
      "",
      "--block-interval",
      "40",
      "--pruning-keep-recent",
      "30",
    ],
  });
  let provider: RpcProvider;
  let base: LightClientOptions;

  before(async () => {
    await ctx.node.waitForHeight(TARGET + 2n, 60_000);
    provider = new RpcProvider(ctx.node.rpcUrl);
    const anchor = await provider.lightBlock(2n);
    base = { chainId: CHAIN_ID, trustedHeight: 2n, trustedHash: headerHash(anchor.header) };
  });

  it(`verifies ${TARGET - 2n} headers sequentially and by skipping`, async () => {
    const seq = await LightClient.create(provider, { ...base, mode: "sequential" });
    const a = await seq.verifyTo(TARGET);
    assert.equal(seq.fetched, Number(TARGET - 2n));
    const skip = await LightClient.create(provider, base);
    const b = await skip.verifyTo(TARGET);
    assert.ok(skip.fetched < 5, `skipping fetched ${skip.fetched} headers`);
    assert.deepEqual(headerHash(a.header), headerHash(b.header));
    // Backwards from the anchor of a later trust root, through last_block_id.
    const late = await provider.lightBlock(TARGET);
    const back = await LightClient.create(provider, {
      ...base,
      trustedHeight: TARGET,
      trustedHash: headerHash(late.header),
    });
    const old = await back.verifyTo(TARGET - 20n);
    assert.deepEqual(headerHash(old.header), headerHash((await provider.lightBlock(TARGET - 20n)).header));
  });

  it("names each tamper: header field, forged or missing signature, validator set, trust period, drift", async () => {
    const at = 60n;
    const cases: Array<[string, (lb: LightBlock) => void, new (...a: never[]) => Error]> = [
      [
        "changed app_hash",
        (lb) => {
          lb.header.appHash[0]! ^= 1;
        },
        HeaderHashMismatchError,
      ],
      [
        "changed time",
        (lb) => {
          lb.header.time = { ...lb.header.time, nanos: lb.header.time.nanos + 1 };
        },
        HeaderHashMismatchError,
      ],
      [
        "forged signature",
        (lb) => {
          const forger = keyFromSecret("forger");
          lb.commit.signatures[0]!.signature = signEd25519(
            forger,
            commitSigSignBytes(CHAIN_ID, lb.commit, 0),
          );
        },
        InvalidCommitSignatureError,
      ],
      [
        "flipped signature bit",
        (lb) => {
          lb.commit.signatures[0]!.signature[5]! ^= 1;
        },
        InvalidCommitSignatureError,
      ],
      [
        "empty signature",
        (lb) => {
          lb.commit.signatures[0]!.signature = new Uint8Array(0);
        },
        InvalidCommitSignatureError,
      ],
      [
        "missing signature (absent)",
        (lb) => {
          lb.commit.signatures[0] = {
            blockIdFlag: BLOCK_ID_FLAG_ABSENT,
            validatorAddress: new Uint8Array(0),
            timestamp: goZeroTime(),
            signature: new Uint8Array(0),
          };
        },
        NotEnoughVotingPowerError,
      ],
      [
        "validator set not hashing to validators_hash",
        (lb) => {
          lb.validators = [makeValidator(keyFromSecret("stranger").pubKey, 10n)];
        },
        ValidatorSetMismatchError,
      ],
      [
        "changed voting power",
        (lb) => {
          lb.validators[0]!.votingPower += 1n;
        },
        ValidatorSetMismatchError,
      ],
    ];
    for (const mode of ["sequential", "skipping"] as const) {
      for (const [what, tamper, kind] of cases) {
        const client = await LightClient.create(tampering(provider, at, tamper), { ...base, mode });
        await assert.rejects(client.verifyTo(at), kind, `${mode}: ${what}`);
      }
    }
    // The trusted header older than the trusting period: refused at creation and when verifying.
    const anchorTime = (await provider.lightBlock(2n)).header.time.seconds * S;
    await assert.rejects(
      LightClient.create(provider, { ...base, trustingPeriodNs: 60n * S, now: () => anchorTime + 61n * S }),
      HeaderExpiredError,
    );
    let now = anchorTime + S;
    const expiring = await LightClient.create(provider, {
      ...base,
      trustingPeriodNs: 3600n * S,
      now: () => now,
    });
    now = anchorTime + 3601n * S;
    await assert.rejects(expiring.verifyTo(at), HeaderExpiredError);
    // A header newer than now + drift.
    const early = await LightClient.create(provider, {
      ...base,
      now: () => anchorTime - 60n * S + 2n * S,
      trustingPeriodNs: 3600n * S,
    });
    await assert.rejects(early.verifyTo(at), HeaderFromFutureError);
    await assert.rejects(
      LightClient.create(provider, { ...base, trustedHash: new Uint8Array(32) }),
      TrustedHashMismatchError,
    );
  });

  it("proves balances at past heights against the next header; refuses bad heights and paths", async () => {
    const client = await LightClient.create(provider, base);
    const alice = devAccount("alice").address;
    const { latestHeight } = await provider.status();
    const h = latestHeight - 10n;
    const header = (await client.verifyTo(h + 1n)).header;
    const present = balanceKey(parseAddress(alice), DENOM);
    const absent = balanceKey(parseAddress(alice), "unotthere");
    const p = await provider.abciQuery("/store/bank/key", present, h, true);
    assert.equal(p.code, 0, p.log);
    assert.equal(p.height, h);
    assert.deepEqual(
      p.proofOps.map((o) => o.type),
      ["ics23:simple", "ics23:simple"],
    );
    verifyStoreProof(p.proofOps, header.appHash, "bank", present, p.value);
    const q = await provider.abciQuery("/store/bank/key", absent, h, true);
    assert.equal(q.value.length, 0);
    verifyStoreProof(q.proofOps, header.appHash, "bank", absent, undefined);
    // The proof of height h does not verify against another height's app hash.
    const other = (await client.verifyTo(h + 3n)).header.appHash;
    assert.throws(
      () =>
        verifyStoreProof(
          p.proofOps,
          new Uint8Array(other.map((b, i) => (i === 0 ? b ^ 1 : b))),
          "bank",
          present,
          p.value,
        ),
      InvalidProofError,
    );
    // Verified balance equals what cosmjs reports.
    const cosm = await StargateClient.connect(ctx.node.rpcUrl);
    try {
      const v = await verifiedBalance(client, provider, alice, DENOM);
      assert.equal(v.amount.toString(), (await cosm.getBalance(alice, DENOM)).amount);
    } finally {
      cosm.disconnect();
    }
    // Errors: pruned, future, unknown store, no height with prove, bad subpath, empty key.
    const pruned = await provider.abciQuery("/store/bank/key", present, 3n, true);
    assert.equal(pruned.code, 38, pruned.log);
    assert.match(pruned.log, /failed to load state at height 3/);
    const future = await provider.abciQuery("/store/bank/key", present, latestHeight + 1000n, true);
    assert.equal(future.code, 26, future.log);
    const unknown = await provider.abciQuery("/store/nope/key", present, h, true);
    assert.equal(unknown.code, 6);
    assert.match(unknown.log, /no such store: nope/);
    const noHeight = await provider.abciQuery("/store/bank/key", present, 0n, true);
    assert.equal(noHeight.code, 18);
    const sub = await provider.abciQuery("/store/bank/subspace", present, h, true);
    assert.equal(sub.code, 6);
    const empty = await provider.abciQuery("/store/bank/key", new Uint8Array(0), h, false);
    assert.equal(empty.code, 2);
    // A gRPC path at a past height answers that height's state, without proofOps (as the SDK).
    const grpc = await provider.abciQuery("/cosmos.bank.v1beta1.Query/Balance", new Uint8Array(0), h, true);
    assert.equal(grpc.height, h);
    assert.equal(grpc.proofOps.length, 0);
  });
});
