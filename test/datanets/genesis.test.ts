// Genesis: the exported datanets state (every status, versions, stats, today's usage) imported
// into a fresh app gives the same app hash and goes on identically; bad input is refused.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { DataType } from "../../proto/gen/openledger/datanets/v1/types.js";
import { CHAIN_ID, devAppState, newApp, runBlock, type TestApp } from "../app/helpers.js";
import {
  APPROVE,
  appState,
  contribute,
  contributeText,
  create,
  ESCROW,
  flag,
  Harness,
  REJECT,
  review,
  sha,
  TEST_PARAMS,
  update,
  withdraw,
} from "./helpers.js";

type Json = Record<string, unknown> & {
  datanets: {
    contributions: Record<string, unknown>[];
    versions: Record<string, unknown>[];
    datanets: Record<string, unknown>[];
    [k: string]: unknown;
  };
  bank: { balances: { address: string; coins: { denom: string; amount: string }[] }[] };
};

describe("datanets: genesis", () => {
  let h: Harness;
  let exported: Json;
  const open: TestApp[] = [];

  before(async () => {
    h = await Harness.start();
    const { alice, bob, carol, dave, eve } = h.s;
    await h.ok(alice, create(alice.address, { curators: [bob.address] }));
    await h.ok(
      bob,
      create(bob.address, {
        name: "Voices",
        domain: "speech",
        tags: ["audio"],
        dataType: DataType.DATA_TYPE_AUDIO,
        permissioned: true,
        needsApproval: false,
        allowedContributors: [eve.address],
        contributionBond: "0",
      }),
    );
    await h.block([
      { by: carol, msgs: [contributeText(carol.address, 1n, "\uFEFFstarts with a BOM, ends with é")] },
      { by: dave, msgs: [contributeText(dave.address, 1n, "dave's note")] },
      {
        by: eve,
        msgs: [contributeText(eve.address, 1n, "eve's note"), contributeText(eve.address, 1n, "eve 2")],
      },
      {
        by: eve,
        msgs: [
          contribute(eve.address, 2n, { contentHash: sha("wav"), size: 48_000n, mediaType: "audio/wav" }),
        ],
      },
    ]);
    await h.block([
      { by: bob, msgs: [review(bob.address, 1n, APPROVE, 70), review(bob.address, 2n, APPROVE, 60)] },
      { by: alice, msgs: [review(alice.address, 3n, REJECT, 0, "off topic")] },
      { by: eve, msgs: [withdraw(eve.address, 4n)] },
    ]);
    await h.ok(alice, flag(alice.address, 2n, "copied"));
    await h.ok(alice, update(alice.address, 1n, { fields: ["description"], description: "v2" }));
    await h.ok(carol, contributeText(carol.address, 1n, "pending at export"));
    exported = JSON.parse(JSON.stringify(h.app.exportGenesis())) as Json;
  });
  after(async () => {
    await h.close();
  });
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  async function imported(json: unknown): Promise<TestApp> {
    const t = await newApp();
    open.push(t);
    await t.app.initChain({
      chainId: CHAIN_ID,
      timeNs: 0n,
      initialHeight: h.app.info().lastBlockHeight + 1n,
      appState: json as Record<string, unknown>,
      validators: [],
    });
    return t;
  }

  it("exports every record, and a fresh app from it has the same app hash and goes on identically", async () => {
    const d = exported.datanets;
    assert.deepEqual(
      d.contributions.map((c) => c.status),
      [
        "CONTRIBUTION_STATUS_APPROVED",
        "CONTRIBUTION_STATUS_FLAGGED",
        "CONTRIBUTION_STATUS_REJECTED",
        "CONTRIBUTION_STATUS_WITHDRAWN",
        "CONTRIBUTION_STATUS_APPROVED",
        "CONTRIBUTION_STATUS_PENDING",
      ],
    );
    assert.equal(d.contributions[0]!.inline_text, "\uFEFFstarts with a BOM, ends with é");
    assert.equal(d.versions.length, 3, "datanet 1: v1 (1, 2), v2 (1); datanet 2: v1");
    assert.deepEqual(d.params, TEST_PARAMS);
    assert.equal(d.next_contribution_id, "7");
    assert.equal((d.contributor_usage as unknown[]).length > 0, true);
    const escrow = exported.bank.balances.find((b) => b.address === ESCROW);
    assert.deepEqual(
      escrow?.coins,
      [{ denom: "uopen", amount: "2000" }],
      "bonds of 1 (approved) and 6 (pending)",
    );

    const t = await imported(exported);
    assert.equal(toHex(t.app.info().lastBlockAppHash), toHex(h.app.info().lastBlockAppHash), "same app hash");
    assert.deepEqual(JSON.parse(JSON.stringify(t.app.exportGenesis())), exported);

    // The same next block on both: a review that cuts a version, a new contribution.
    const { bob, dave } = h.s;
    const txs = await Promise.all([
      (async () => (await h.sign(bob, [review(bob.address, 6n, APPROVE, 90)])).bytes)(),
      (async () => (await h.sign(dave, [contributeText(dave.address, 1n, "after import")])).bytes)(),
    ]);
    const a = await runBlock(h.app, txs);
    const b = await runBlock(t.app, txs);
    assert.deepEqual(
      a.txResults.map((r) => [r.code, r.log]),
      [
        [0, ""],
        [0, ""],
      ],
    );
    assert.deepEqual(b.txResults, a.txResults);
    assert.deepEqual(b.events, a.events);
    assert.equal(toHex(b.appHash), toHex(a.appHash));
  });

  describe("bad datanets genesis is refused before anything is written", () => {
    async function refused(mutate: (j: Json) => void, message: RegExp) {
      const j = structuredClone(exported);
      mutate(j);
      const t = await newApp();
      open.push(t);
      await assert.rejects(
        t.app.initChain({ chainId: CHAIN_ID, timeNs: 0n, initialHeight: 1n, appState: j, validators: [] }),
        (err: Error) => {
          assert.match(err.message, message);
          return true;
        },
      );
      assert.equal(t.app.info().lastBlockAppHash.length, 0);
    }

    it("inline text that does not match its hash", () =>
      refused((j) => {
        j.datanets.contributions[0]!.inline_text = "changed";
      }, /^datanets\.contributions\[0\]: inline_text does not match content_hash and size$/));

    it("a version hash that does not commit to its contributions", () =>
      refused((j) => {
        j.datanets.versions[0]!.hash = "00".repeat(32);
      }, /^datanets\.versions\[0\]: hash does not commit to its contributions$/));

    it("a missing version", () =>
      refused((j) => {
        j.datanets.versions.splice(1, 1);
      }, /^datanets: datanet 1 lacks version 2$/));

    it("an escrow balance that is not the sum of live bonds", () =>
      refused((j) => {
        j.bank.balances.find((b) => b.address === ESCROW)!.coins[0]!.amount = "2001";
        delete (j.bank as Record<string, unknown>).supply;
      }, /^datanets genesis: the escrow open1\S+ holds 2001uopen, the pending and approved contributions' bonds are 2000uopen$/));

    it("a contribution of an unknown datanet, a duplicate content, a bad status", async () => {
      await refused((j) => {
        j.datanets.contributions[5]!.datanet_id = "9";
      }, /^datanets\.contributions\[5\]: unknown datanet 9$/);
      await refused((j) => {
        j.datanets.contributions[5]!.content_hash = j.datanets.contributions[0]!.content_hash;
        j.datanets.contributions[5]!.inline = false;
        j.datanets.contributions[5]!.inline_text = "";
      }, /^datanets\.contributions\[5\]: content [0-9a-f]{64} twice in datanet 1$/);
      await refused((j) => {
        j.datanets.contributions[0]!.status = "DONE";
      }, /^datanets\.contributions\[0\]\.status: unknown value "DONE"$/);
    });

    it("bad params, ids and datanet fields", async () => {
      await refused((j) => {
        (j.datanets.params as Record<string, string>).max_inline_bytes = "0";
      }, /^datanets\.params\.max_inline_bytes must be positive$/);
      await refused((j) => {
        j.datanets.next_datanet_id = "2";
      }, /^datanets\.datanets\[1\]\.id 2 must be 1\.\.next_datanet_id-1$/);
      await refused((j) => {
        j.datanets.datanets[0]!.domain = "Not A Slug";
      }, /^datanets\.datanets\[0\]: domain "Not A Slug" must be/);
      await refused((j) => {
        j.datanets.datanets[0]!.contribution_count = "1";
      }, /^datanets: datanet 1 has contribution_count 1, found 5$/);
    });
  });

  it("an app_state without datanets gets the default params; the dev genesis still starts", async () => {
    const t = await newApp();
    open.push(t);
    await t.app.initChain({
      chainId: CHAIN_ID,
      timeNs: 0n,
      initialHeight: 1n,
      appState: devAppState(),
      validators: [],
    });
    const d = (t.app.exportGenesis() as Json).datanets as unknown as { params: Record<string, string> };
    assert.equal(d.params.max_inline_bytes, "65536");
    assert.equal(d.params.contributor_daily_files, "20");
    assert.ok(appState());
  });
});
