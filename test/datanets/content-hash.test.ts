// The by-content index (0x26) and the ContributionsByContentHash query the content store checks
// uploads against: every contribution declaring a sha256, any datanet and status, in id order;
// rebuilt by genesis import.
import assert from "node:assert/strict";
import * as Q from "../../proto/gen/openledger/datanets/v1/query.js";
import { CHAIN_ID, newApp } from "../app/helpers.js";
import {
  APPROVED,
  contribute,
  contributeText,
  create,
  Harness,
  PENDING,
  sha,
  WITHDRAWN,
  withdraw,
} from "./helpers.js";

const query = (
  app: Harness["app"],
  contentHash: Uint8Array,
  pagination?: { key: Uint8Array; limit: bigint },
) => {
  const r = app.query({
    path: "/openledger.datanets.v1.Query/ContributionsByContentHash",
    data: Q.QueryContributionsByContentHashRequest.encode({
      contentHash,
      pagination: pagination && { ...pagination, offset: 0n, countTotal: false, reverse: false },
    }).finish(),
    prove: false,
  });
  return {
    ...r,
    decoded: r.code === 0 ? Q.QueryContributionsByContentHashResponse.decode(r.value) : undefined,
  };
};

describe("datanets: contributions by content hash", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    const { alice, bob, carol } = h.s;
    await h.ok(alice, create(alice.address), create(alice.address, { name: "Second", needsApproval: false }));
    const ref = { contentHash: sha("big file"), size: 5000n, mediaType: "application/pdf" };
    await h.ok(bob, contribute(bob.address, 1n, ref)); // 1, pending
    await h.ok(bob, contribute(bob.address, 2n, ref)); // 2, approved at once
    await h.ok(carol, contributeText(carol.address, 1n, "a note")); // 3, inline
    await h.ok(bob, withdraw(bob.address, 1n));
  });
  after(async () => {
    await h.close();
  });

  it("answers every contribution declaring the hash, any datanet and status, in id order", () => {
    const r = query(h.app, sha("big file"));
    assert.equal(r.code, 0, r.log);
    assert.deepEqual(
      r.decoded!.contributions.map((c) => [c.id, c.datanetId, c.status, c.size]),
      [
        [1n, 1n, WITHDRAWN, 5000n],
        [2n, 2n, APPROVED, 5000n],
      ],
    );
    assert.equal(r.decoded!.pagination!.nextKey.length, 0);
    const inline = query(h.app, sha("a note")).decoded!.contributions;
    assert.deepEqual(
      inline.map((c) => [c.id, c.inline, c.status]),
      [[3n, true, PENDING]],
    );
    assert.deepEqual(query(h.app, sha("nobody")).decoded!.contributions, []);
  });

  it("pages by key and limit", () => {
    const first = query(h.app, sha("big file"), { key: new Uint8Array(0), limit: 1n }).decoded!;
    assert.deepEqual(
      first.contributions.map((c) => c.id),
      [1n],
    );
    const second = query(h.app, sha("big file"), { key: first.pagination!.nextKey, limit: 1n }).decoded!;
    assert.deepEqual(
      second.contributions.map((c) => c.id),
      [2n],
    );
    assert.equal(second.pagination!.nextKey.length, 0);
  });

  it("refuses a hash that is not 32 bytes with code 18, changing nothing", () => {
    const r = query(h.app, new Uint8Array(31));
    assert.equal(r.code, 18);
    assert.match(r.log, /content_hash is 31 bytes, expected 32/);
  });

  it("is rebuilt by genesis import", async () => {
    const t = await newApp();
    try {
      await t.app.initChain({
        chainId: CHAIN_ID,
        timeNs: 0n,
        initialHeight: h.app.info().lastBlockHeight + 1n,
        appState: JSON.parse(JSON.stringify(h.app.exportGenesis())),
        validators: [],
      });
      assert.deepEqual(
        query(t.app, sha("big file")).decoded!.contributions.map((c) => c.id),
        [1n, 2n],
      );
      assert.deepEqual(t.app.info().lastBlockAppHash, h.app.info().lastBlockAppHash);
    } finally {
      await t.close();
    }
  });
});
