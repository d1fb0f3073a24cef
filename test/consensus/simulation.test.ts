// Four in-memory validators on a simulated network (seeded delays and reorderings, no sockets):
// agreement, liveness with a crashed validator or a silent proposer, and safety against an
// equivocating validator; every commit must pass verifyCommit.
import assert from "node:assert/strict";
import { Block } from "cosmjs-types/tendermint/types/block";
import { blockIdKey } from "../../node/consensus/bft/messages.js";
import { BLOCK_ID_FLAG_ABSENT, BLOCK_ID_FLAG_COMMIT } from "../../node/types/block.js";
import { verifyCommit } from "../../node/types/validation.js";
import { type Behaviour, CHAIN_ID, type SimOptions, Simulation } from "./sim/simulation.js";

function run(options: Partial<SimOptions> & { behaviours: Behaviour[] }): Simulation {
  const sim = new Simulation({ seed: 1, heights: 10, ...options });
  sim.run();
  return sim;
}

/** Every honest node decided `heights` heights, the same block each time, with valid commits. */
function assertAgreement(sim: Simulation, heights: number): void {
  const honest = sim.honest();
  for (const node of honest) {
    assert.ok(
      node.decisions.length >= heights,
      `node ${node.index} decided only ${node.decisions.length} heights`,
    );
    for (const [i, d] of node.decisions.entries()) {
      assert.equal(d.height, BigInt(i + 1), "heights are decided in order, once each");
      const ok = verifyCommit(CHAIN_ID, d.validators.validators, d.blockId, d.height, d.commit);
      assert.ok(ok.ok, `node ${node.index} height ${d.height}: ${ok.ok ? "" : ok.error}`);
    }
  }
  const maxHeight = Math.min(...honest.map((n) => n.decisions.length));
  for (let h = 0; h < maxHeight; h++) {
    const keys = new Set(honest.map((n) => blockIdKey(n.decisions[h]!.blockId)));
    assert.equal(keys.size, 1, `honest nodes decided different blocks at height ${h + 1}`);
  }
}

describe("BFT consensus on a simulated network", function () {
  this.timeout(120_000);

  it("4 validators decide the same block at every height (10 seeds × 20 heights)", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const sim = run({ seed, heights: 20, behaviours: ["honest", "honest", "honest", "honest"] });
      assertAgreement(sim, 20);
      // The block of height h+1 carries height h's commit as last_commit, and it verifies too.
      const decisions = sim.nodes[0]!.decisions;
      for (const d of decisions.slice(1)) {
        const built = sim.blocks.get(blockIdKey(d.blockId))!;
        const prev = decisions[Number(d.height) - 2]!;
        const last = built.block.lastCommit!;
        assert.ok(verifyCommit(CHAIN_ID, prev.validators.validators, prev.blockId, prev.height, last).ok);
        assert.deepEqual(Block.decode(built.bytes).header?.lastBlockId, prev.blockId);
      }
    }
  });

  it("runs 100 heights, and the same seed replays the same run exactly (determinism)", () => {
    const opts = { seed: 77, heights: 100, slowChance: 0.05, behaviours: Array(4).fill("honest") };
    const a = run(opts);
    const b = run(opts);
    assertAgreement(a, 100);
    const trace = (sim: Simulation) =>
      sim.nodes.map((n) => n.decisions.map((d) => `${d.height}/${d.round}/${blockIdKey(d.blockId)}@${d.at}`));
    assert.deepEqual(trace(a), trace(b));
  });

  it("keeps agreeing when messages are often slow and arrive in any order", () => {
    for (let seed = 100; seed < 110; seed++) {
      const sim = run({
        seed,
        heights: 10,
        slowChance: 0.15,
        slowDelayMs: 2500,
        behaviours: Array(4).fill("honest"),
      });
      assertAgreement(sim, 10);
    }
  });

  it("stays live with 1 of 4 validators crashed; its signature is ABSENT", () => {
    for (let seed = 200; seed < 205; seed++) {
      const sim = run({ seed, heights: 15, behaviours: ["honest", "crashed", "honest", "honest"] });
      assertAgreement(sim, 15);
      const crashedIndex = sim.validatorsAt(1n).indexOf(sim.keys[1]!.address);
      for (const d of sim.nodes[0]!.decisions) {
        assert.equal(d.commit.signatures[crashedIndex]!.blockIdFlag, BLOCK_ID_FLAG_ABSENT);
        assert.equal(d.commit.signatures.filter((s) => s.blockIdFlag === BLOCK_ID_FLAG_COMMIT).length, 3);
      }
    }
  });

  it("a proposer that never proposes: the next round's proposer gets the block decided", () => {
    const probe = new Simulation({ seed: 0, heights: 1, behaviours: Array(4).fill("honest") });
    const first = probe.validatorsAt(1n).proposer.address;
    const silent = probe.keys.findIndex((k) => Buffer.from(k.address).equals(Buffer.from(first)));
    const behaviours: Behaviour[] = ["honest", "honest", "honest", "honest"];
    behaviours[silent] = "silentProposer";
    const sim = run({ seed: 3, heights: 8, behaviours });
    assertAgreement(sim, 8);
    for (const d of sim.nodes[(silent + 1) % 4]!.decisions) {
      const proposer = d.validators.proposer.address;
      const isSilent = Buffer.from(proposer).equals(Buffer.from(sim.keys[silent]!.address));
      // Its rounds time out (nil prevotes, nil precommits); round 1 has another proposer.
      assert.equal(d.round, isSilent ? 1 : 0, `height ${d.height}`);
    }
  });

  it("never lets honest nodes decide differently with 1 equivocating validator (40 random runs)", () => {
    let evidence = 0;
    for (let seed = 1000; seed < 1040; seed++) {
      const byzantine = seed % 4;
      const behaviours: Behaviour[] = ["honest", "honest", "honest", "honest"];
      behaviours[byzantine] = "byzantine";
      const sim = run({ seed, heights: 8, slowChance: 0.1, slowDelayMs: 1500, behaviours });
      assertAgreement(sim, 8);
      for (const node of sim.honest()) {
        for (const e of node.evidence) {
          assert.deepEqual(
            e.voteA.validatorAddress,
            sim.keys[byzantine]!.address,
            "only the equivocator is reported",
          );
          assert.notEqual(blockIdKey(e.voteA.blockId), blockIdKey(e.voteB.blockId));
          evidence++;
        }
      }
    }
    assert.ok(evidence > 0, "equivocation was detected");
  });

  // Seeds whose schedules (many slow messages) let one honest node decide while the others move to
  // a later round: found by running 300 seeds with the lock rule disabled (prevote any valid
  // proposal), which makes honest nodes decide different blocks on exactly these. Re-find them
  // the same way if the simulator's use of its PRNG changes.
  it("stays safe on schedules where only the locks prevent a fork", () => {
    for (const seed of [41, 156, 169, 171]) {
      const behaviours: Behaviour[] = ["honest", "honest", "honest", "honest"];
      behaviours[seed % 4] = "byzantine";
      const sim = run({ seed, heights: 8, slowChance: 0.3, slowDelayMs: 2000, behaviours });
      assertAgreement(sim, 8);
    }
  });
});
