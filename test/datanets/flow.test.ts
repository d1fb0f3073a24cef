// The datanets lifecycle with real signed txs through BaseApp: create, contribute, review, the
// version EndBlock cuts, queries, and every bond movement to the unit.
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import * as Q from "../../proto/gen/openledger/datanets/v1/query.js";
import { eventsOf, FEE_COLLECTOR, START_BALANCE } from "../app/helpers.js";
import {
  APPROVE,
  APPROVED,
  contributeText,
  create,
  ESCROW,
  FEE,
  FLAGGED,
  flag,
  Harness,
  hex,
  PENDING,
  REJECT,
  REJECTED,
  responseId,
  review,
  sha,
  text,
  WITHDRAWN,
  withdraw,
} from "./helpers.js";

/** RFC-6962 by hand: leaf = sha256(0x00 ‖ u64be(id) ‖ sha256(content)), inner = sha256(0x01 ‖ l ‖ r). */
function leaf(id: bigint, content: string): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(id);
  return sha256(Buffer.concat([Buffer.of(0), b, sha(content)]));
}
const inner = (l: Uint8Array, r: Uint8Array) => sha256(Buffer.concat([Buffer.of(1), l, r]));

const NOTES = [
  "Patient A: mild fever, rest advised.",
  "Patient B: follow-up in two weeks.",
  "lorem ipsum spam",
];

describe("datanets: lifecycle", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it("create → 3 contributions → 2 approved, 1 rejected → version 1 with the right hash; queries; bonds", async () => {
    const { alice, bob, carol, dave, eve } = h.s;
    const created = await h.ok(alice, create(alice.address, { curators: [bob.address] }));
    const id = responseId(created, "datanet");
    assert.equal(id, 1n);
    assert.deepEqual(eventsOf(created.events, "datanet_created")[0], {
      datanet_id: "1",
      owner: alice.address,
      name: "Clinical notes",
      domain: "healthcare",
      permissioned: "false",
      needs_approval: "true",
      contribution_bond: "1000uopen",
    });

    const sent = await h.block([
      { by: carol, msgs: [contributeText(carol.address, id, NOTES[0]!)] },
      { by: dave, msgs: [contributeText(dave.address, id, NOTES[1]!)] },
      { by: eve, msgs: [contributeText(eve.address, id, NOTES[2]!, { mediaType: "text/markdown" })] },
    ]);
    assert.deepEqual(
      sent.txResults.map((r) => [r.code, r.log]),
      [
        [0, ""],
        [0, ""],
        [0, ""],
      ],
    );
    assert.deepEqual(
      sent.txResults.map((r) => responseId(r, "contribution")),
      [1n, 2n, 3n],
    );
    const submitted = eventsOf(sent.txResults[0]!.events, "contribution_submitted")[0]!;
    assert.deepEqual(submitted, {
      contribution_id: "1",
      datanet_id: "1",
      contributor: carol.address,
      content_hash: hex(sha(NOTES[0]!)),
      size: String(text(NOTES[0]!).length),
      media_type: "text/plain",
      bond: "1000uopen",
      status: "CONTRIBUTION_STATUS_PENDING",
    });
    assert.equal(h.balance(ESCROW), 3000n, "three bonds escrowed");
    assert.equal(eventsOf(sent.events, "datanet_version_created").length, 0, "nothing approved yet");

    // One block: two approvals and a rejection make one version.
    const reviewed = await h.block([
      { by: bob, msgs: [review(bob.address, 1n, APPROVE, 80, "clear")] },
      { by: bob, msgs: [review(bob.address, 2n, APPROVE, 95)] },
      { by: bob, msgs: [review(bob.address, 3n, REJECT, 5, "spam")] },
    ]);
    assert.deepEqual(
      reviewed.txResults.map((r) => r.code),
      [0, 0, 0],
    );
    const hash = inner(leaf(1n, NOTES[0]!), leaf(2n, NOTES[1]!));
    assert.deepEqual(eventsOf(reviewed.events, "datanet_version_created"), [
      { datanet_id: "1", version: "1", hash: hex(hash), contributions: "2", added: "2", removed: "0" },
    ]);
    assert.deepEqual(eventsOf(reviewed.txResults[2]!.events, "contribution_reviewed")[0], {
      contribution_id: "3",
      datanet_id: "1",
      curator: bob.address,
      contributor: eve.address,
      decision: "reject",
      score: "5",
      bond_returned: "1000uopen",
    });

    // Queries
    const v1 = h.version(id);
    assert.deepEqual(v1.contributionIds, [1n, 2n]);
    assert.equal(hex(v1.hash), hex(hash));
    assert.equal(v1.version, 1n);
    assert.deepEqual(h.version(id, 1n), v1);
    const d = h.datanet(id);
    assert.equal(d.latestVersion, 1n);
    assert.equal(d.contributionCount, 3n);
    assert.deepEqual(d.curators, [bob.address]);
    const c1 = h.contribution(1n, true);
    assert.equal(c1.contribution!.status, APPROVED);
    assert.equal(c1.contribution!.reviewer, bob.address);
    assert.equal(c1.contribution!.score, 80);
    assert.equal(c1.contribution!.reason, "clear");
    assert.equal(c1.contribution!.includedInVersion, 1n);
    assert.equal(c1.contribution!.license, "CC-BY-4.0");
    assert.equal(new TextDecoder().decode(c1.inlineContent), NOTES[0]);
    assert.equal(h.contribution(1n).inlineContent.length, 0, "content only when asked");
    assert.equal(h.contribution(3n).contribution!.status, REJECTED);
    assert.equal(h.contribution(3n).contribution!.mediaType, "text/markdown");
    const ids = (r: Q.QueryContributionsByDatanetResponse) => r.contributions.map((c) => c.id);
    assert.deepEqual(ids(h.byDatanet(id)), [1n, 2n, 3n]);
    assert.deepEqual(ids(h.byDatanet(id, APPROVED)), [1n, 2n]);
    assert.deepEqual(ids(h.byDatanet(id, REJECTED)), [3n]);
    assert.deepEqual(ids(h.byDatanet(id, PENDING)), []);
    const byCarol = h.query(
      "ContributionsByContributor",
      Q.QueryContributionsByContributorRequest,
      { contributor: carol.address, pagination: undefined },
      Q.QueryContributionsByContributorResponse,
    );
    assert.deepEqual(
      byCarol.contributions.map((c) => c.id),
      [1n],
    );
    const carolStats = h.stats(carol.address);
    assert.equal(carolStats.stats!.contributions, 1n);
    assert.equal(carolStats.stats!.bytes, BigInt(text(NOTES[0]!).length));
    assert.equal(carolStats.stats!.approvals, 1n);
    assert.equal(carolStats.stats!.rewardsEarned, "0");
    assert.equal(carolStats.reputationBps, 10_000n);
    assert.equal(h.stats(eve.address).stats!.rejections, 1n);
    assert.equal(h.stats(eve.address).reputationBps, 0n);
    assert.equal(h.stats(alice.address).stats!.contributions, 0n, "unknown contributors answer zeros");

    // Bonds: approved ones stay escrowed, the rejected one came back; fees are the only other cost.
    assert.equal(h.balance(ESCROW), 2000n);
    assert.equal(h.balance(carol.address), START_BALANCE - FEE - 1000n);
    assert.equal(h.balance(dave.address), START_BALANCE - FEE - 1000n);
    assert.equal(h.balance(eve.address), START_BALANCE - FEE);
    assert.equal(h.balance(bob.address), START_BALANCE - 3n * FEE);
    assert.equal(h.balance(alice.address), START_BALANCE - FEE);

    // A flag slashes carol's bond to the fee collector; version 2 drops her contribution.
    const collector = h.balance(FEE_COLLECTOR);
    const flagged = await h.ok(bob, flag(bob.address, 1n, "leaks a name"));
    assert.equal(h.balance(ESCROW), 1000n);
    assert.equal(h.balance(FEE_COLLECTOR), collector + 1000n + FEE);
    assert.equal(h.balance(carol.address), START_BALANCE - FEE - 1000n);
    assert.deepEqual(eventsOf(flagged.events, "contribution_flagged")[0], {
      contribution_id: "1",
      datanet_id: "1",
      curator: bob.address,
      contributor: carol.address,
      bond_slashed: "1000uopen",
    });
    const c1After = h.contribution(1n).contribution!;
    assert.equal(c1After.status, FLAGGED);
    assert.equal(c1After.flaggedBy, bob.address);
    assert.equal(c1After.flagReason, "leaks a name");
    const v2 = h.version(id);
    assert.equal(v2.version, 2n);
    assert.deepEqual(v2.contributionIds, [2n]);
    assert.equal(hex(v2.hash), hex(leaf(2n, NOTES[1]!)));
    assert.equal(hex(h.version(id, 1n).hash), hex(hash), "old versions stay");
    assert.equal(h.stats(carol.address).reputationBps, 3333n, "1 × 10000 / (1 + 0 + 2×1)");
  });

  it("withdraw before review returns the bond and frees the content for a new submission", async () => {
    const { alice, carol } = h.s;
    await h.ok(alice, create(alice.address, { contributionBond: "250" }));
    await h.ok(carol, contributeText(carol.address, 1n, "draft"));
    assert.equal(h.balance(carol.address), START_BALANCE - FEE - 250n);
    const r = await h.ok(carol, withdraw(carol.address, 1n));
    assert.deepEqual(eventsOf(r.events, "contribution_withdrawn")[0], {
      contribution_id: "1",
      datanet_id: "1",
      contributor: carol.address,
      bond_returned: "250uopen",
    });
    assert.equal(h.balance(carol.address), START_BALANCE - 2n * FEE);
    assert.equal(h.balance(ESCROW), 0n);
    assert.equal(h.contribution(1n).contribution!.status, WITHDRAWN);
    assert.equal(h.stats(carol.address).stats!.withdrawals, 1n);
    const again = await h.ok(carol, contributeText(carol.address, 1n, "draft"));
    assert.equal(responseId(again, "contribution"), 2n);
  });

  it("a datanet without approval accepts at once and versions in the same block; no bond", async () => {
    const { alice, carol, dave } = h.s;
    await h.ok(alice, create(alice.address, { needsApproval: false, contributionBond: "" }));
    const b = await h.block([
      { by: carol, msgs: [contributeText(carol.address, 1n, "one")] },
      { by: dave, msgs: [contributeText(dave.address, 1n, "two")] },
    ]);
    assert.deepEqual(
      b.txResults.map((r) => r.code),
      [0, 0],
    );
    assert.equal(eventsOf(b.events, "datanet_version_created").length, 1, "one version per block");
    assert.deepEqual(h.version(1n).contributionIds, [1n, 2n]);
    assert.equal(h.contribution(2n).contribution!.status, APPROVED);
    assert.equal(h.contribution(2n).contribution!.includedInVersion, 1n);
    assert.equal(h.balance(carol.address), START_BALANCE - FEE);
    assert.equal(h.balance(ESCROW), 0n);
    assert.equal(h.stats(carol.address).stats!.approvals, 0n, "approvals count curator reviews only");
  });

  it("changes in several datanets in one block: one version each, in datanet id order", async () => {
    const { alice, bob, carol } = h.s;
    await h.ok(alice, create(alice.address, { needsApproval: false, name: "First one" }));
    await h.ok(bob, create(bob.address, { needsApproval: false, name: "Second one" }));
    const b = await h.block([
      { by: carol, msgs: [contributeText(carol.address, 2n, "x"), contributeText(carol.address, 1n, "y")] },
    ]);
    assert.equal(b.txResults[0]!.code, 0, b.txResults[0]!.log);
    assert.deepEqual(
      eventsOf(b.events, "datanet_version_created").map((e) => [e.datanet_id, e.version]),
      [
        ["1", "1"],
        ["2", "1"],
      ],
    );
  });

  it("an approval and a flag of the same contribution in one block make no version", async () => {
    const { alice, bob } = h.s;
    await h.ok(alice, create(alice.address));
    await h.ok(bob, contributeText(bob.address, 1n, "x"));
    const b = await h.block([
      { by: alice, msgs: [review(alice.address, 1n, APPROVE), flag(alice.address, 1n)] },
    ]);
    assert.equal(b.txResults[0]!.code, 0, b.txResults[0]!.log);
    assert.equal(eventsOf(b.events, "datanet_version_created").length, 0);
    assert.equal(h.datanet(1n).latestVersion, 0n);
    assert.equal(h.contribution(1n).contribution!.status, FLAGGED);
  });
});
