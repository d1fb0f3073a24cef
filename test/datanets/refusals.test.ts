// Refusals: each bad tx fails with the datanets code (or the SDK's) and a clear log, and changes
// nothing but the fee and the sequence (the whole datanets state and the escrow are compared).
import assert from "node:assert/strict";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { ContributionStatus, DataType } from "../../proto/gen/openledger/datanets/v1/types.js";
import { type Signer, sequenceOf } from "../app/helpers.js";
import {
  APPROVE,
  assertRefused,
  contribute,
  contributeText,
  create,
  DAY_NS,
  ESCROW,
  FEE,
  flag,
  Harness,
  hex,
  REJECT,
  review,
  sha,
  text,
  update,
  withdraw,
} from "./helpers.js";

describe("datanets: refusals change nothing", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    const { alice, bob, carol, dave } = h.s;
    // Datanet 1 (curator bob), contribution 1 by carol approved, 2 by dave pending.
    await h.ok(alice, create(alice.address, { curators: [bob.address] }));
    await h.ok(carol, contributeText(carol.address, 1n, "first"));
    await h.ok(dave, contributeText(dave.address, 1n, "second"));
    await h.ok(bob, review(bob.address, 1n, APPROVE));
  });
  after(async () => {
    await h.close();
  });

  /** Runs one tx that must fail; checks the error, then that only the fee moved. */
  async function refused(by: Signer, msg: EncodeObject, codespace: string, code: number, log: RegExp) {
    const state = h.state();
    const before = h.balance(by.address);
    const sequence = sequenceOf(h.app, by.address);
    const escrow = h.balance(ESCROW);
    const r = await h.run(by, msg);
    assertRefused(r, codespace, code, log);
    assert.deepEqual(h.state(), state, "datanets state unchanged");
    // Stateless checks refuse before the ante handler: no fee, no sequence. Others pay the fee.
    const paid = sequenceOf(h.app, by.address) === sequence + 1n ? FEE : 0n;
    assert.equal(h.balance(by.address), before - paid, "at most the fee was taken");
    assert.equal(h.balance(ESCROW), escrow);
  }

  it("a contribution to an unknown datanet: 3", async () => {
    const { carol } = h.s;
    await refused(
      carol,
      contributeText(carol.address, 99n, "x"),
      "datanets",
      3,
      /^datanet 99: datanet not found$/,
    );
  });

  it("a review by a non-curator: 7", async () => {
    const { eve } = h.s;
    await refused(
      eve,
      review(eve.address, 2n, APPROVE),
      "datanets",
      7,
      /is not the owner or a curator of datanet 1/,
    );
  });

  it("approval of an already reviewed contribution: 15", async () => {
    const { bob } = h.s;
    await refused(
      bob,
      review(bob.address, 1n, REJECT),
      "datanets",
      15,
      /^contribution 1 is CONTRIBUTION_STATUS_APPROVED: contribution is not pending review$/,
    );
  });

  it("a review of one's own contribution: 18; an unknown contribution: 4; a score over 100: 17", async () => {
    const { alice, bob } = h.s;
    await h.ok(bob, contributeText(bob.address, 1n, "by bob"));
    await refused(bob, review(bob.address, 3n, APPROVE), "datanets", 18, /cannot review their own/);
    await refused(
      alice,
      review(alice.address, 77n, APPROVE),
      "datanets",
      4,
      /^contribution 77: contribution not found$/,
    );
    await refused(alice, review(alice.address, 2n, APPROVE, 101), "datanets", 17, /^score 101 must be 0-100/);
  });

  it("inline content over the cap: 10", async () => {
    const { carol } = h.s;
    const big = "x".repeat(2049);
    await refused(
      carol,
      contributeText(carol.address, 1n, big),
      "datanets",
      10,
      /inline_content is 2049 bytes, max 2048/,
    );
  });

  it("content whose bytes do not match the declared hash (or size): 11", async () => {
    const { carol } = h.s;
    const msg = contributeText(carol.address, 1n, "real", { contentHash: sha("other") });
    await refused(
      carol,
      msg,
      "datanets",
      11,
      new RegExp(`hashes to ${hex(sha("real"))}, declared ${hex(sha("other"))}`),
    );
    const sized = contributeText(carol.address, 1n, "real", { contentHash: sha("real"), size: 5n });
    await refused(carol, sized, "datanets", 11, /inline_content is 4 bytes, declared 5/);
  });

  it("invalid UTF-8, no content at all, a bad media type: 9", async () => {
    const { carol } = h.s;
    const bad = contribute(carol.address, 1n, { inlineContent: Uint8Array.of(0x66, 0xff, 0x66) });
    await refused(carol, bad, "datanets", 9, /not valid UTF-8/);
    await refused(carol, contribute(carol.address, 1n), "datanets", 9, /no content/);
    const img = contributeText(carol.address, 1n, "x", { mediaType: "image/png" });
    await refused(carol, img, "datanets", 9, /does not fit this datanet/);
  });

  it("the same content twice in one datanet: 12", async () => {
    const { eve } = h.s;
    await refused(
      eve,
      contributeText(eve.address, 1n, "first"),
      "datanets",
      12,
      /is contribution 1 of datanet 1/,
    );
    // By reference too: the same sha256 is the same content.
    const ref = contribute(eve.address, 1n, {
      contentHash: sha("second"),
      size: 6n,
      mediaType: "text/plain",
    });
    await refused(eve, ref, "datanets", 12, /is contribution 2 of datanet 1/);
  });

  it("withdraw after review: 15; someone else's: 19", async () => {
    const { carol, eve } = h.s;
    await refused(carol, withdraw(carol.address, 1n), "datanets", 15, /is CONTRIBUTION_STATUS_APPROVED/);
    await refused(eve, withdraw(eve.address, 2n), "datanets", 19, /signer is not the contributor$/);
  });

  it("a flag by a non-curator: 7; of a pending contribution: 16; without a reason: 2", async () => {
    const { alice, eve } = h.s;
    await refused(eve, flag(eve.address, 1n), "datanets", 7, /not the owner or a curator/);
    await refused(alice, flag(alice.address, 2n), "datanets", 16, /contribution is not approved$/);
    await refused(alice, flag(alice.address, 1n, ""), "datanets", 2, /reason is required/);
  });

  it("bad datanet fields: name, tags, domain, data type, bond, curators: 2 / SDK 7", async () => {
    const { alice } = h.s;
    const cases: [Parameters<typeof create>[1], number, RegExp][] = [
      [{ name: "x" }, 2, /^name "x" must be 3-64/],
      [{ name: " padded " }, 2, /^name " padded "/],
      [{ tags: ["a", "b", "c", "d", "e", "f", "g", "h", "i"] }, 2, /^9 tags, max 8/],
      [{ tags: ["Upper"] }, 2, /^tag "Upper" must be/],
      [{ tags: ["same", "same"] }, 2, /^tag "same" is repeated/],
      [{ domain: "Health Care" }, 2, /^domain "Health Care" must be/],
      [{ dataType: DataType.DATA_TYPE_UNSPECIFIED }, 2, /^data_type 0 must be/],
      [{ contributionBond: "-1" }, 2, /^contribution_bond "-1" must be a decimal amount/],
      [{ summary: "line\nbreak" }, 2, /^summary contains a control character/],
      [{ curators: [alice.address] }, 2, /the owner .* cannot be listed/],
    ];
    for (const [o, code, log] of cases) await refused(alice, create(alice.address, o), "datanets", code, log);
    await refused(
      alice,
      create(alice.address, { curators: ["open1nope"] }),
      "sdk",
      7,
      /invalid curators entry/,
    );
  });

  it("bad updates: unknown field, a value not named, a non-curator: 20 / 7", async () => {
    const { alice, eve } = h.s;
    await refused(
      alice,
      update(alice.address, 1n, { fields: ["name"] }),
      "datanets",
      20,
      /field "name" cannot be updated/,
    );
    await refused(
      alice,
      update(alice.address, 1n, { fields: ["tags"], summary: "s" }),
      "datanets",
      20,
      /summary is set but not named/,
    );
    await refused(
      eve,
      update(eve.address, 1n, { fields: ["summary"], summary: "mine" }),
      "datanets",
      7,
      /may not update/,
    );
  });

  it("a bond larger than the balance: SDK 5", async () => {
    const { alice, eve } = h.s;
    await h.ok(alice, create(alice.address, { name: "Pricey", contributionBond: (10n ** 18n).toString() }));
    const id = h.datanet(2n).id;
    await refused(eve, contributeText(eve.address, id, "cheap"), "sdk", 5, /insufficient funds$/);
  });

  it("a status filter that does not exist is refused by the query", () => {
    const r = h.byDatanetRaw(1n, 9);
    assert.equal(r.code, 18);
    assert.equal(ContributionStatus[9], undefined);
  });
});

describe("datanets: daily caps", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  async function refused(by: Signer, msg: EncodeObject, code: number, log: RegExp) {
    const state = h.state();
    const r = await h.run(by, msg);
    assertRefused(r, "datanets", code, log);
    assert.deepEqual(h.state(), state);
  }

  it("per contributor: files and bytes; a new day resets them", async () => {
    const { alice, carol } = h.s;
    await h.ok(alice, create(alice.address, { needsApproval: false, contributionBond: "0" }));
    await h.ok(
      alice,
      create(alice.address, { name: "Another", needsApproval: false, contributionBond: "0" }),
    );
    // 5 files a day: spread over both datanets.
    for (let i = 0; i < 5; i++)
      await h.ok(carol, contributeText(carol.address, BigInt(1 + (i % 2)), `note ${i}`));
    await refused(
      carol,
      contributeText(carol.address, 2n, "note 5"),
      13,
      /has sent 5 files .* caps 5 files \/ 150000 bytes/,
    );
    // The next day: allowed again (old usage pruned in EndBlock).
    h.timeBase += DAY_NS;
    await h.ok(carol, contributeText(carol.address, 2n, "note 5"));
    // Bytes: 150000 a day; references count their declared size.
    const ref = (n: number, size: bigint) =>
      contribute(carol.address, 1n, { contentHash: sha(`ref ${n}`), size, mediaType: "application/pdf" });
    await h.ok(carol, ref(1, 99_000n));
    await refused(carol, ref(2, 51_000n), 13, /has sent 2 files \/ 99006 bytes/);
    const exported = h.state() as { contributor_usage: unknown[] };
    assert.equal(exported.contributor_usage.length, 1, "only today's usage is kept");
  });

  it("per datanet: files and bytes", async () => {
    const { alice, bob, carol, dave, eve } = h.s;
    await h.ok(alice, create(alice.address, { needsApproval: false, contributionBond: "0" }));
    const people = [alice, bob, carol, dave, eve];
    // 8 files a day into datanet 1, from five people (none reaches its own cap of 5).
    for (let i = 0; i < 8; i++) {
      const by = people[i % 5]!;
      await h.ok(by, contributeText(by.address, 1n, `file ${i}`));
    }
    await refused(eve, contributeText(eve.address, 1n, "file 8"), 14, /datanet 1 has received 8 files/);
    h.timeBase += DAY_NS;
    const ref = (by: Signer, n: number, size: bigint) =>
      contribute(by.address, 1n, { contentHash: sha(`r${n}`), size, mediaType: "text/csv" });
    await h.ok(bob, ref(bob, 1, 100_000n));
    await h.ok(carol, ref(carol, 2, 99_000n));
    await refused(dave, ref(dave, 3, 1_001n), 14, /has received 2 files \/ 199000 bytes/);
    await h.ok(dave, ref(dave, 4, 1_000n));
  });
});

void text;
