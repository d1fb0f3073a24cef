// Double-signing: a validator that signs two different prevotes at one height and round is caught
// by the others' state machines; the evidence is gossiped, included in a block, checked by every
// validator and committed exactly once; the staking module jails and slashes the validator, which
// leaves the set, and the chain goes on with the other three. Evidence verification refuses every
// altered field.
import assert from "node:assert/strict";
import { fromBech32 } from "@cosmjs/encoding";
import { QueryValidatorRequest, QueryValidatorResponse } from "cosmjs-types/cosmos/staking/v1beta1/query";
import type { DuplicateVoteEvidence } from "cosmjs-types/tendermint/types/evidence";
import type { Vote } from "cosmjs-types/tendermint/types/types";
import { formatValoper } from "../../modules/staking/address.js";
import {
  duplicateVoteEvidence,
  type HeightInfo,
  verifyDuplicateVote,
} from "../../node/consensus/bft/evidence.js";
import { ValidatorSet } from "../../node/consensus/bft/validator-set.js";
import { loadDevAccounts } from "../../node/genesis/dev-genesis.js";
import { connect } from "../../node/p2p/consensus-gossip.js";
import type { Ed25519Key } from "../../node/types/ed25519.js";
import { pubKeyToAddress } from "../../node/types/ed25519.js";
import { nowTimestamp } from "../../node/types/time.js";
import { makeValidator } from "../../node/types/validator.js";
import { SIGNED_MSG_TYPE_PREVOTE, signVote } from "../../node/types/vote.js";
import {
  type ClusterNode,
  chainView,
  clusterGenesis,
  dialAddr,
  hex,
  openNode,
  removeNode,
  validatorKeys,
  waitFor,
} from "./bft-cluster.js";

function signedPrevote(
  chainId: string,
  key: Ed25519Key,
  index: number,
  height: bigint,
  round: number,
  fill: number,
): Vote {
  const vote: Vote = {
    type: SIGNED_MSG_TYPE_PREVOTE,
    height,
    round,
    blockId: {
      hash: new Uint8Array(32).fill(fill),
      partSetHeader: { total: 1, hash: new Uint8Array(32).fill(fill) },
    },
    timestamp: nowTimestamp(),
    validatorAddress: pubKeyToAddress(key.pubKey),
    validatorIndex: index,
    signature: new Uint8Array(0),
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
  vote.signature = signVote(chainId, vote, key);
  return vote;
}

describe("duplicate vote evidence: verification", () => {
  const keys = validatorKeys(4, "evidence-unit");
  const set = ValidatorSet.create(keys.map((k) => makeValidator(k.pubKey, 10n)));
  const info: HeightInfo = { time: nowTimestamp(), validators: set };
  const chainId = "evidence-chain";
  const signer = set.validators[2]!;
  const key = keys.find((k) => hex(pubKeyToAddress(k.pubKey)) === hex(signer.address))!;
  const a = signedPrevote(chainId, key, 2, 7n, 1, 1);
  const b = signedPrevote(chainId, key, 2, 7n, 1, 2);

  it("builds ordered evidence with the set's powers and verifies it", () => {
    const ev = duplicateVoteEvidence(b, a, info)!;
    assert.equal(ev.voteA, a, "ordered by block ID key");
    assert.equal(ev.totalVotingPower, 40n);
    assert.equal(ev.validatorPower, 10n);
    assert.equal(verifyDuplicateVote(chainId, ev, info), undefined);
  });

  const alter: [string, (ev: DuplicateVoteEvidence) => void][] = [
    ["a tampered signature", (ev) => ev.voteB!.signature.set([ev.voteB!.signature[0]! ^ 1], 0)],
    ["swapped votes", (ev) => ([ev.voteA, ev.voteB] = [ev.voteB, ev.voteA])],
    ["the same block twice", (ev) => (ev.voteB = ev.voteA)],
    ["another round", (ev) => (ev.voteB!.round = 2)],
    ["a wrong validator power", (ev) => (ev.validatorPower = 11n)],
    ["a wrong total power", (ev) => (ev.totalVotingPower = 41n)],
    ["another time", (ev) => (ev.timestamp = { seconds: 1n, nanos: 0 })],
    ["a wrong validator index", (ev) => (ev.voteA!.validatorIndex = ev.voteB!.validatorIndex = 1)],
  ];
  for (const [name, change] of alter) {
    it(`refuses ${name}`, () => {
      const ev = structuredClone(duplicateVoteEvidence(a, b, info)!);
      change(ev);
      assert.notEqual(verifyDuplicateVote(chainId, ev, info), undefined);
    });
  }

  it("refuses votes signed under another chain id", () => {
    const x = signedPrevote("other-chain", key, 2, 7n, 1, 1);
    const y = signedPrevote("other-chain", key, 2, 7n, 1, 2);
    assert.match(verifyDuplicateVote(chainId, duplicateVoteEvidence(x, y, info)!, info)!, /signature/);
  });
});

describe("duplicate vote evidence: four validators over libp2p", function () {
  this.timeout(90_000);
  const keys = validatorKeys(4, "evidence-net");
  const genesis = clusterGenesis(keys);
  const nodes: ClusterNode[] = [];

  before(async () => {
    for (let i = 0; i < 4; i++) nodes.push(await openNode(i, genesis, keys[i]!));
    for (const a of nodes) for (const b of nodes) if (a.index < b.index) await connect(a.host, dialAddr(b));
    for (const n of nodes) await n.service.start();
    await waitFor("height 2", () => nodes.every((n) => n.blockStore.height >= 2n), 30_000);
  });

  after(async () => {
    for (const n of nodes) await removeNode(n);
  });

  it("a double-signing validator's evidence is committed once, checked by all, and the chain goes on", async () => {
    const cheater = nodes[3]!;
    const engine = cheater.service.engine;
    const set = engine.sm.rs.validators;
    const index = set.indexOf(pubKeyToAddress(keys[3]!.pubKey));
    const height = engine.height;
    for (const fill of [0xaa, 0xbb]) {
      await engine.gossip.publishVote(signedPrevote(genesis.chainId, keys[3]!, index, height, 0, fill));
    }
    const address = hex(pubKeyToAddress(keys[3]!.pubKey));
    let committedAt = 0n;
    await waitFor(
      "evidence in a block",
      async () => {
        for (let h = height; h <= nodes[0]!.blockStore.height; h++) {
          const b = await nodes[0]!.blockStore.block(h);
          const ev = b?.block.evidence?.evidence ?? [];
          if (ev.some((e) => hex(e.duplicateVoteEvidence?.voteA?.validatorAddress) === address)) {
            committedAt = h;
            return true;
          }
        }
        return false;
      },
      30_000,
    );
    const target = committedAt + 3n;
    await waitFor(`height ${target}`, () => nodes.every((n) => n.blockStore.height >= target), 30_000);
    const views = await Promise.all(nodes.map((n) => chainView(n, target)));
    for (const v of views.slice(1)) assert.deepEqual(v, views[0]);
    let count = 0;
    for (let h = 1n; h <= target; h++) {
      const b = await nodes[1]!.blockStore.block(h);
      count += (b?.block.evidence?.evidence ?? []).filter(
        (e) => hex(e.duplicateVoteEvidence?.voteA?.validatorAddress) === address,
      ).length;
    }
    assert.equal(count, 1, "the evidence is committed exactly once");
    for (const n of nodes) assert.equal(n.service.evidence.size, 0, "nothing left pending");

    // The staking module jailed and slashed it: it left the validator set two heights later.
    const operator = formatValoper(fromBech32(loadDevAccounts()[3]!.address, 1023).data);
    for (const n of nodes) {
      const res = n.app.query({
        path: "/cosmos.staking.v1beta1.Query/Validator",
        data: QueryValidatorRequest.encode({ validatorAddr: operator }).finish(),
        prove: false,
      });
      assert.equal(res.code, 0, res.log);
      const v = QueryValidatorResponse.decode(res.value).validator!;
      assert.equal(v.jailed, true);
      assert.ok(BigInt(v.tokens) < 10_000_000n, `tokens ${v.tokens} not slashed`);
    }
    const tip = nodes[0]!.service.engine.sm.rs.validators;
    assert.equal(tip.indexOf(pubKeyToAddress(keys[3]!.pubKey)), -1, "still in the validator set");
    assert.equal(tip.size, 3);
  });
});
