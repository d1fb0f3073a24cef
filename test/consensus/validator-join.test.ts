// Stakes give voting power: a node that follows a 4-validator network joins the validator set when
// its operator sends MsgCreateValidator (power 20 of 60). The set changes two heights after the
// block with the tx (CometBFT's rule), the headers' validators hashes follow, the new validator's
// signatures appear in commits, and the network — which now needs it for +2/3 — keeps going.
import assert from "node:assert/strict";
import { formatValoper } from "../../modules/staking/address.js";
import { ed25519ToAny } from "../../modules/staking/index.js";
import { parseAddress } from "../../node/app/address.js";
import { connect } from "../../node/p2p/consensus-gossip.js";
import { BLOCK_ID_FLAG_COMMIT } from "../../node/types/block.js";
import { keyFromSecret, pubKeyToAddress } from "../../node/types/ed25519.js";
import { validatorSetHash } from "../../node/types/validator.js";
import { buildTx, signer } from "../app/helpers.js";
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

describe("a new validator joins through MsgCreateValidator", function () {
  this.timeout(120_000);
  const keys = validatorKeys(4, "validator-join");
  const genesis = clusterGenesis(keys);
  const joinerKey = keyFromSecret("validator-join-newcomer");
  const nodes: ClusterNode[] = [];

  before(async () => {
    for (let i = 0; i < 4; i++) nodes.push(await openNode(i, genesis, keys[i]!));
    nodes.push(await openNode(4, genesis, joinerKey));
    for (const a of nodes) for (const b of nodes) if (a.index < b.index) await connect(a.host, dialAddr(b));
    for (const n of nodes) await n.service.start();
    await waitFor("height 2", () => nodes.every((n) => n.blockStore.height >= 2n), 30_000);
  });

  after(async () => {
    for (const n of nodes) await removeNode(n);
  });

  it("is in the set two heights after its tx, signs, and the chain goes on", async () => {
    const eve = await signer("eve");
    const tx = await buildTx(eve, {
      chainId: genesis.chainId,
      gas: 300_000,
      msgs: [
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
          value: {
            description: { moniker: "newcomer", identity: "", website: "", securityContact: "", details: "" },
            commission: { rate: "50000000000000000", maxRate: "100000000000000000", maxChangeRate: "0" },
            minSelfDelegation: "1",
            delegatorAddress: "",
            validatorAddress: formatValoper(parseAddress(eve.address)),
            pubkey: ed25519ToAny(joinerKey.pubKey),
            value: { denom: "uopen", amount: "20000000" },
          },
        },
      ],
    });
    const check = nodes[2]!.mempool.add(tx.bytes);
    assert.equal(check.code, 0, check.log);

    const txHex = hex(tx.bytes);
    let included = 0n;
    await waitFor(
      "the tx in a block",
      async () => {
        for (let h = 1n; h <= nodes[0]!.blockStore.height; h++) {
          const b = await nodes[0]!.blockStore.block(h);
          if (b?.block.data?.txs.some((t) => hex(t) === txHex)) included = h;
        }
        return included > 0n;
      },
      30_000,
    );
    const results = await nodes[0]!.blockStore.results(included);
    assert.equal(results!.txResults[0]!.code, 0, results!.txResults[0]!.log);
    assert.equal(results!.validatorUpdates.length, 1, "one validator update from EndBlock");

    const target = included + 5n;
    await waitFor(`height ${target}`, () => nodes.every((n) => n.blockStore.height >= target), 60_000);
    const views = await Promise.all(nodes.map((n) => chainView(n, target)));
    for (const v of views.slice(1)) assert.deepEqual(v, views[0]);

    const history = nodes[0]!.service.validatorHistory;
    const before = (await history.load(included + 1n))!;
    const after = (await history.load(included + 2n))!;
    assert.equal(before.size, 4);
    assert.equal(after.size, 5);
    assert.equal(after.totalVotingPower, 60n);
    const joined = pubKeyToAddress(joinerKey.pubKey);
    assert.equal(after.getByIndex(after.indexOf(joined))!.votingPower, 20n);
    const header = (await nodes[0]!.blockStore.block(included + 2n))!.block.header!;
    assert.equal(hex(header.validatorsHash), hex(validatorSetHash(after.validators)));
    const prevHeader = (await nodes[0]!.blockStore.block(included + 1n))!.block.header!;
    assert.equal(hex(prevHeader.nextValidatorsHash), hex(validatorSetHash(after.validators)));

    let signed = false;
    for (let h = included + 2n; h < target; h++) {
      const commit = (await nodes[1]!.blockStore.commit(h))!.commit;
      if (
        commit.signatures.some(
          (s) => hex(s.validatorAddress) === hex(joined) && s.blockIdFlag === BLOCK_ID_FLAG_COMMIT,
        )
      ) {
        signed = true;
      }
    }
    assert.ok(signed, "the new validator signed a commit");
  });
});
