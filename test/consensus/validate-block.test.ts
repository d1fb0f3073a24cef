import assert from "node:assert/strict";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Commit } from "cosmjs-types/tendermint/types/types";
import { nanosTimestamp, timestampNanos } from "../../node/consensus/bft/median-time.js";
import { type BlockValidationState, validateBlock } from "../../node/consensus/bft/validate-block.js";
import { type BuiltBlock, buildBlock, emptyCommit } from "../../node/consensus/block-builder.js";
import {
  BLOCK_ID_FLAG_COMMIT,
  consensusParamsHash,
  resultsHash,
  zeroBlockId,
} from "../../node/types/block.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import { timestampFromMillis } from "../../node/types/time.js";
import { makeValidator, sortValidators } from "../../node/types/validator.js";
import { SIGNED_MSG_TYPE_PRECOMMIT, signVote } from "../../node/types/vote.js";

const CHAIN = "validate-chain";
const keys = [0, 1, 2, 3].map((i) => keyFromSecret(`validate-${i}`));
const vals = sortValidators(keys.map((k) => makeValidator(k.pubKey, 10n)));
const keyOf = (addr: Uint8Array) => keys.find((k) => Buffer.from(k.address).equals(addr))!;
const genesisTime = timestampFromMillis(Date.UTC(2025, 0, 1));
const G = timestampNanos(genesisTime);
const S = 1_000_000_000n;
const appHash = new Uint8Array(32).fill(7);
const lrh = resultsHash([]);
const cph = consensusParamsHash(1_000_000n, -1n);

function build(height: bigint, time: bigint, lastCommit: Commit, lastBlockId?: BuiltBlock["blockId"]) {
  return buildBlock({
    chainId: CHAIN,
    height,
    time: nanosTimestamp(time),
    lastBlockId,
    lastCommit,
    txs: [new Uint8Array([1, 2, 3])],
    validators: vals,
    nextValidators: vals,
    maxBytes: 1_000_000n,
    maxGas: -1n,
    appHash,
    lastResultsHash: lrh,
    proposerAddress: vals[1]!.address,
  });
}

/** All four precommit block 1, at genesis + 1..4 s (median = +2 s). */
function commitFor(b: BuiltBlock): Commit {
  return {
    height: 1n,
    round: 0,
    blockId: b.blockId,
    signatures: vals.map((v, i) => {
      const timestamp = nanosTimestamp(G + BigInt(i + 1) * S);
      const vote = { type: SIGNED_MSG_TYPE_PRECOMMIT, height: 1n, round: 0, blockId: b.blockId, timestamp };
      const signature = signVote(CHAIN, vote, keyOf(v.address));
      return { blockIdFlag: BLOCK_ID_FLAG_COMMIT, validatorAddress: v.address, timestamp, signature };
    }),
  };
}

const b1 = build(1n, G, emptyCommit());
const commit1 = commitFor(b1);
const b2 = build(2n, G + 2n * S, commit1, b1.blockId);

const state1: BlockValidationState = {
  chainId: CHAIN,
  initialHeight: 1n,
  lastBlockHeight: 0n,
  lastBlockId: zeroBlockId(),
  lastBlockTime: genesisTime,
  validators: vals,
  nextValidators: vals,
  lastValidators: [],
  consensusParamsHash: cph,
  appHash,
  lastResultsHash: lrh,
  genesisTime,
};
const state2: BlockValidationState = {
  ...state1,
  lastBlockHeight: 1n,
  lastBlockId: b1.blockId,
  lastBlockTime: genesisTime,
  lastValidators: vals,
};

const clone = (b: Block): Block => structuredClone(b);
function fails(state: BlockValidationState, block: Block, re: RegExp): void {
  const r = validateBlock(state, block);
  assert.equal(r.ok, false, `expected failure matching ${re}`);
  if (!r.ok) assert.match(r.error, re);
}

describe("validateBlock", () => {
  it("accepts valid blocks at the initial height and the next", () => {
    assert.deepEqual(validateBlock(state1, b1.block), { ok: true });
    assert.deepEqual(validateBlock(state2, b2.block), { ok: true });
  });

  const tamper: [string, (b: Block) => void, RegExp][] = [
    [
      "chain id",
      (b) => {
        b.header!.chainId = "other";
      },
      /wrong Block\.Header\.ChainID/,
    ],
    [
      "height",
      (b) => {
        b.header!.height = 3n;
      },
      /wrong Block\.Header\.Height\. Expected 2, got 3/,
    ],
    [
      "version",
      (b) => {
        b.header!.version = { block: 10n, app: 0n };
      },
      /wrong Block\.Header\.Version/,
    ],
    [
      "last block id",
      (b) => {
        b.header!.lastBlockId!.hash = new Uint8Array(32);
      },
      /LastBlockID/,
    ],
    [
      "last commit hash",
      (b) => {
        b.header!.lastCommitHash = new Uint8Array(32);
      },
      /LastCommitHash/,
    ],
    [
      "data hash",
      (b) => {
        b.data!.txs.push(new Uint8Array([9]));
      },
      /wrong Header\.DataHash/,
    ],
    [
      "evidence hash",
      (b) => {
        b.header!.evidenceHash = new Uint8Array(32);
      },
      /EvidenceHash/,
    ],
    [
      "validators hash",
      (b) => {
        b.header!.validatorsHash = new Uint8Array(32);
      },
      /wrong Header\.ValidatorsHash/,
    ],
    [
      "next validators hash",
      (b) => {
        b.header!.nextValidatorsHash = new Uint8Array(32);
      },
      /NextValidatorsHash/,
    ],
    [
      "consensus hash",
      (b) => {
        b.header!.consensusHash = new Uint8Array(32);
      },
      /ConsensusHash/,
    ],
    [
      "app hash",
      (b) => {
        b.header!.appHash = new Uint8Array(32);
      },
      /AppHash/,
    ],
    [
      "last results hash",
      (b) => {
        b.header!.lastResultsHash = new Uint8Array(32);
      },
      /LastResultsHash/,
    ],
    [
      "proposer size",
      (b) => {
        b.header!.proposerAddress = new Uint8Array(19);
      },
      /ProposerAddress size 20/,
    ],
    [
      "proposer not a validator",
      (b) => {
        b.header!.proposerAddress = keyFromSecret("stranger").address;
      },
      /is not a validator/,
    ],
    [
      "time off the median",
      (b) => {
        b.header!.time = nanosTimestamp(G + 3n * S);
      },
      /invalid block time/,
    ],
    [
      "time not after last",
      (b) => {
        b.header!.time = genesisTime;
      },
      /not greater than last block time/,
    ],
  ];
  for (const [name, mutate, re] of tamper) {
    it(`rejects a wrong ${name}`, () => {
      const b = clone(b2.block);
      mutate(b);
      fails(state2, b, re);
    });
  }

  it("rejects a last commit that does not verify (forged signature, hash kept consistent)", () => {
    const bad = structuredClone(commit1);
    bad.signatures[0]!.signature = new Uint8Array(64).fill(1);
    const b = build(2n, G + 2n * S, bad, b1.blockId);
    fails(state2, b.block, /invalid LastCommit/);
  });

  it("rejects a last commit for another block id", () => {
    fails(
      { ...state2, lastBlockId: b2.blockId },
      build(2n, G + 2n * S, commit1, b2.blockId).block,
      /LastCommit/,
    );
  });

  it("initial height: time must equal genesis time, no last commit signatures", () => {
    fails(state1, build(1n, G + 1n, emptyCommit()).block, /is not equal to genesis time/);
    fails(state1, build(1n, G, commit1).block, /initial block can't have LastCommit signatures/);
    fails(state1, build(2n, G, emptyCommit()).block, /Expected 1 for initial block, got 2/);
  });
});
