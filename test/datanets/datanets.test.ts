// Datanet settings through real signed txs: references and data types, updates, permissioned
// datanets, the escrow as a blocked recipient, and the Datanets list with filters and pages.
import assert from "node:assert/strict";
import * as Q from "../../proto/gen/openledger/datanets/v1/query.js";
import { DataType } from "../../proto/gen/openledger/datanets/v1/types.js";
import { coin, msgSend } from "../app/helpers.js";
import { contribute, contributeText, create, ESCROW, Harness, hex, sha, update } from "./helpers.js";

describe("datanets: settings and lists", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it("content by reference: sha256, size and media type recorded; image datanets take image/*", async () => {
    const { alice, carol } = h.s;
    await h.ok(alice, create(alice.address, { dataType: DataType.DATA_TYPE_IMAGE, needsApproval: false }));
    const hash = sha("png bytes");
    await h.ok(
      carol,
      contribute(carol.address, 1n, { contentHash: hash, size: 90_000n, mediaType: "image/png" }),
    );
    const c = h.contribution(1n).contribution!;
    assert.deepEqual(
      [hex(c.contentHash), c.size, c.mediaType, c.inline],
      [hex(hash), 90_000n, "image/png", false],
    );
  });

  it("updates: curators edit summary and tags (indexes follow); only the owner changes curators", async () => {
    const { alice, bob, carol } = h.s;
    await h.ok(alice, create(alice.address, { curators: [bob.address] }));
    await h.ok(
      bob,
      update(bob.address, 1n, { fields: ["summary", "tags"], summary: "new", tags: ["radiology"] }),
    );
    const d = h.datanet(1n);
    assert.deepEqual(
      [d.summary, d.tags, d.description],
      ["new", ["radiology"], "Free-text notes.\nOne per contribution."],
    );
    const byTag = (tag: string) =>
      h
        .query(
          "Datanets",
          Q.QueryDatanetsRequest,
          { tag, domain: "", pagination: undefined },
          Q.QueryDatanetsResponse,
        )
        .datanets.map((x) => x.id);
    assert.deepEqual(byTag("radiology"), [1n]);
    assert.deepEqual(byTag("notes"), []);
    const refused = await h.run(
      bob,
      update(bob.address, 1n, { fields: ["curators"], curators: [carol.address] }),
    );
    assert.equal(refused.code, 6, refused.log);
    await h.ok(alice, update(alice.address, 1n, { fields: ["curators"], curators: [carol.address] }));
    assert.deepEqual(h.datanet(1n).curators, [carol.address]);
  });

  it("permissioned: owner, curators and the allow-list contribute; others are refused", async () => {
    const { alice, bob, carol, dave } = h.s;
    await h.ok(alice, create(alice.address, { permissioned: true, curators: [bob.address] }));
    const r = await h.run(carol, contributeText(carol.address, 1n, "c"));
    assert.equal(r.codespace, "datanets");
    assert.equal(r.code, 8, r.log);
    await h.ok(
      bob,
      update(bob.address, 1n, { fields: ["allowed_contributors"], allowedContributors: [carol.address] }),
    );
    await h.ok(carol, contributeText(carol.address, 1n, "c"));
    await h.ok(bob, contributeText(bob.address, 1n, "b"));
    await h.ok(alice, contributeText(alice.address, 1n, "a"));
    assert.equal((await h.run(dave, contributeText(dave.address, 1n, "d"))).code, 8);
  });

  it("Datanets lists with domain and tag filters and key/limit pagination", async () => {
    const { alice } = h.s;
    const domains = ["law", "healthcare", "law", "law", "finance"];
    for (const [i, domain] of domains.entries())
      await h.ok(
        alice,
        create(alice.address, { name: `Datanet ${i}`, domain, tags: i % 2 ? ["odd"] : ["even"] }),
      );
    const list = (req: Q.DeepPartial<Q.QueryDatanetsRequest>) =>
      h.query(
        "Datanets",
        Q.QueryDatanetsRequest,
        Q.QueryDatanetsRequest.fromPartial(req),
        Q.QueryDatanetsResponse,
      );
    assert.deepEqual(
      list({}).datanets.map((d) => d.id),
      [1n, 2n, 3n, 4n, 5n],
    );
    const p1 = list({ domain: "law", pagination: { limit: 2n } });
    assert.deepEqual(
      p1.datanets.map((d) => d.id),
      [1n, 3n],
    );
    const p2 = list({ domain: "law", pagination: { key: p1.pagination!.nextKey, limit: 2n } });
    assert.deepEqual(
      p2.datanets.map((d) => d.id),
      [4n],
    );
    assert.equal(p2.pagination!.nextKey.length, 0);
    assert.deepEqual(
      list({ domain: "law", tag: "even" }).datanets.map((d) => d.id),
      [1n, 3n],
    );
    const bad = h.queryRaw(
      "Datanets",
      Q.QueryDatanetsRequest.encode({
        domain: "",
        tag: "",
        pagination: { key: new Uint8Array(), offset: 3n, limit: 0n, countTotal: false, reverse: false },
      }).finish(),
    );
    assert.equal(bad.code, 18);
    assert.match(bad.log, /only key and limit/);
  });

  it("the escrow is a blocked recipient: a MsgSend to it is refused (SDK 4)", async () => {
    const { alice } = h.s;
    const r = await h.run(alice, msgSend(alice.address, ESCROW, [coin(5)]));
    assert.equal(r.code, 4, r.log);
    assert.match(r.log, /is not allowed to receive funds/);
    assert.equal(h.balance(ESCROW), 0n);
  });
});
