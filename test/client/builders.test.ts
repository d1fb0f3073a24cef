// The message builders: defaults, computed hashes and sizes, and bad input refused with an
// InputError naming the field, before anything is signed.
import assert from "node:assert/strict";
import { sha256 } from "@cosmjs/crypto";
import { fromBech32, toBech32, toHex } from "@cosmjs/encoding";
import {
  AttributionMethod,
  contentFor,
  DataType,
  guessMediaType,
  InputError,
  msgContribute,
  msgCreateDatanet,
  msgFlagContribution,
  msgRegisterAdapter,
  msgRegisterModel,
  msgReviewContribution,
  msgUpdateDatanet,
  msgUpdatePrice,
  msgWithdrawContribution,
  ReviewDecision,
  toPlain,
} from "../../client/index.js";

const ALICE = "open15rt2ljr8wd45yrmy6g7mvn2nwf2lqw7e4nwnen";
const BOB = "open1l8440y0w9r5ar4wn30jf94w4aqs3vz9lyg6cgj";
const COSMOS = toBech32("cosmos", fromBech32(BOB, 1023).data);
const utf8 = (s: string) => new TextEncoder().encode(s);

function refused(fn: () => unknown, field: string, detail?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${err}`);
    assert.equal(err.field, field, err.message);
    if (detail) assert.match(err.message, detail);
    return true;
  });
}

describe("client: datanets builders", () => {
  it("msgCreateDatanet fills defaults", () => {
    const { typeUrl, value } = msgCreateDatanet({ owner: ALICE, name: "Legal docs", domain: "law" });
    assert.equal(typeUrl, "/openledger.datanets.v1.MsgCreateDatanet");
    assert.deepEqual(value, {
      owner: ALICE,
      name: "Legal docs",
      summary: "",
      description: "",
      tags: [],
      domain: "law",
      dataType: DataType.DATA_TYPE_TEXT,
      permissioned: false,
      needsApproval: true,
      contributionBond: "0",
      curators: [],
      allowedContributors: [],
    });
    const image = msgCreateDatanet({
      owner: ALICE,
      name: "Xrays",
      domain: "med",
      dataType: "DATA_TYPE_IMAGE",
    });
    assert.equal(image.value.dataType, DataType.DATA_TYPE_IMAGE);
    assert.equal(msgCreateDatanet({ owner: ALICE, name: "abc", domain: "a", dataType: 3 }).value.dataType, 3);
  });

  it("msgCreateDatanet refuses bad fields", () => {
    const ok = { owner: ALICE, name: "Legal docs", domain: "law" };
    refused(() => msgCreateDatanet({ ...ok, owner: COSMOS }), "owner", /prefix "cosmos"/);
    refused(() => msgCreateDatanet({ ...ok, owner: "open1xyz" }), "owner");
    refused(() => msgCreateDatanet({ ...ok, name: "ab" }), "name");
    refused(() => msgCreateDatanet({ ...ok, name: " spaced" }), "name");
    refused(() => msgCreateDatanet({ ...ok, domain: "Law" }), "domain");
    refused(() => msgCreateDatanet({ ...ok, tags: ["a", "a"] }), "tags", /twice/);
    refused(() => msgCreateDatanet({ ...ok, tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }), "tags");
    refused(() => msgCreateDatanet({ ...ok, dataType: "video" as "text" }), "dataType");
    refused(() => msgCreateDatanet({ ...ok, contributionBond: -1 }), "contributionBond");
    refused(() => msgCreateDatanet({ ...ok, contributionBond: "1.5" }), "contributionBond");
    refused(() => msgCreateDatanet({ ...ok, curators: [ALICE] }), "curators", /owner/);
    refused(() => msgCreateDatanet({ ...ok, curators: [BOB, BOB] }), "curators", /twice/);
    refused(() => msgCreateDatanet({ ...ok, summary: "x".repeat(281) }), "summary", /281 bytes/);
    refused(() => msgCreateDatanet({ ...ok, summary: "a\nb" }), "summary", /control/);
    assert.equal(msgCreateDatanet({ ...ok, description: "a\n\tb" }).value.description, "a\n\tb");
  });

  it("msgUpdateDatanet names exactly the fields given", () => {
    const { value } = msgUpdateDatanet({
      signer: BOB,
      datanetId: "4",
      tags: [],
      allowedContributors: [ALICE],
    });
    assert.deepEqual(value.fields, ["tags", "allowed_contributors"]);
    assert.equal(value.datanetId, 4n);
    assert.deepEqual(value.allowedContributors, [ALICE]);
    assert.deepEqual(msgUpdateDatanet({ signer: BOB, datanetId: 4, summary: "" }).value.fields, ["summary"]);
    refused(() => msgUpdateDatanet({ signer: BOB, datanetId: 4 }), "fields", /nothing to update/);
    refused(() => msgUpdateDatanet({ signer: BOB, datanetId: 0, summary: "x" }), "datanetId", /positive/);
  });

  it("msgContribute computes sha256 and size of inline text", () => {
    const { value } = msgContribute({ contributor: BOB, datanetId: 2, text: "naïve", license: "CC0-1.0" });
    assert.deepEqual(value.inlineContent, utf8("naïve"));
    assert.equal(toHex(value.contentHash), toHex(sha256(utf8("naïve"))));
    assert.equal(value.size, 6n);
    assert.equal(value.mediaType, "text/plain");
    assert.equal(value.metadata, "");
    const md = msgContribute({
      contributor: BOB,
      datanetId: 2,
      content: utf8("# t"),
      contentHash: toHex(sha256(utf8("# t"))),
      size: 3,
      mediaType: "text/markdown",
      license: "MIT",
    });
    assert.equal(md.value.mediaType, "text/markdown");
  });

  it("msgContribute by reference sends only the sha256 and size", () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const { value } = msgContribute({
      contributor: BOB,
      datanetId: 2,
      content: bytes,
      inline: false,
      mediaType: "image/png",
      license: "CC-BY-4.0",
    });
    assert.equal(value.inlineContent.length, 0);
    assert.deepEqual(value.contentHash, sha256(bytes));
    assert.equal(value.size, 4n);
    const declared = msgContribute({
      contributor: BOB,
      datanetId: 2,
      contentHash: sha256(bytes),
      size: 4n,
      mediaType: "image/png",
      license: "CC-BY-4.0",
    });
    assert.deepEqual(declared.value, value);
  });

  it("msgContribute refuses bad content", () => {
    const ok = { contributor: BOB, datanetId: 2, license: "MIT" };
    refused(() => msgContribute({ ...ok }), "content", /give text, content/);
    refused(() => msgContribute({ ...ok, text: "" }), "content", /empty/);
    refused(() => msgContribute({ ...ok, text: "a", content: utf8("a") }), "content", /not both/);
    refused(() => msgContribute({ ...ok, content: new Uint8Array([0xff, 0xfe]) }), "content", /UTF-8/);
    refused(() => msgContribute({ ...ok, text: "a", contentHash: "00".repeat(32) }), "contentHash");
    refused(() => msgContribute({ ...ok, text: "a", size: 2 }), "size");
    refused(() => msgContribute({ ...ok, contentHash: "zz" }), "contentHash", /64 hex/);
    refused(() => msgContribute({ ...ok, contentHash: new Uint8Array(31) }), "contentHash", /32 bytes/);
    refused(() => msgContribute({ ...ok, contentHash: "00".repeat(32), mediaType: "text/csv" }), "size");
    refused(() => msgContribute({ ...ok, contentHash: "00".repeat(32), size: 5 }), "mediaType", /required/);
    refused(() => msgContribute({ ...ok, text: "a", mediaType: "Text/Plain" }), "mediaType");
    refused(() => msgContribute({ ...ok, text: "a", mediaType: "image/png" }), "mediaType", /text\/\*/);
    refused(() => msgContribute({ ...ok, text: "a", license: "" }), "license");
    refused(() => msgContribute({ ...ok, text: "a", metadata: "m".repeat(2049) }), "metadata");
    refused(() => msgContribute({ ...ok, text: "a", datanetId: -1 }), "datanetId");
    refused(() => msgContribute({ ...ok, text: "a", datanetId: 1.5 }), "datanetId");
  });

  it("review, withdraw and flag", () => {
    const review = msgReviewContribution({ curator: ALICE, contributionId: 3n, decision: "reject" });
    assert.deepEqual(review.value, {
      curator: ALICE,
      contributionId: 3n,
      decision: ReviewDecision.REVIEW_DECISION_REJECT,
      score: 0,
      reason: "",
    });
    const approve = msgReviewContribution({
      curator: ALICE,
      contributionId: 3,
      decision: "REVIEW_DECISION_APPROVE",
    });
    assert.equal(approve.value.decision, ReviewDecision.REVIEW_DECISION_APPROVE);
    refused(
      () => msgReviewContribution({ curator: ALICE, contributionId: 3, decision: "maybe" as "approve" }),
      "decision",
    );
    refused(() => msgReviewContribution({ curator: ALICE, contributionId: 3, decision: 0 }), "decision");
    refused(
      () => msgReviewContribution({ curator: ALICE, contributionId: 3, decision: 1, score: 101 }),
      "score",
    );
    refused(
      () => msgReviewContribution({ curator: ALICE, contributionId: 3, decision: 1, score: 2.5 }),
      "score",
    );
    refused(
      () => msgReviewContribution({ curator: ALICE, contributionId: 0, decision: 1 }),
      "contributionId",
    );
    assert.deepEqual(msgWithdrawContribution({ contributor: BOB, contributionId: "9" }).value, {
      contributor: BOB,
      contributionId: 9n,
    });
    refused(() => msgWithdrawContribution({ contributor: "", contributionId: 9 }), "contributor");
    refused(
      () => msgFlagContribution({ curator: ALICE, contributionId: 1, reason: "" }),
      "reason",
      /required/,
    );
    refused(
      () => msgFlagContribution({ curator: ALICE, contributionId: 1, reason: "r".repeat(513) }),
      "reason",
    );
  });

  it("contentFor picks inline or reference", () => {
    const text = { maxInlineBytes: 8, dataType: DataType.DATA_TYPE_TEXT };
    assert.equal(contentFor(utf8("short"), text).inline, true);
    assert.equal(contentFor(utf8("much too long"), text).inline, false);
    assert.equal(contentFor(new Uint8Array([0xff]), text).inline, false);
    assert.equal(contentFor(utf8("{}"), { ...text, mediaType: "application/json" }).inline, false);
    assert.equal(contentFor(utf8("x"), { ...text, dataType: DataType.DATA_TYPE_AUDIO }).inline, false);
    assert.equal(guessMediaType("a/b/scan.PNG"), "image/png");
    assert.equal(guessMediaType("notes"), undefined);
  });
});

describe("client: models builders", () => {
  const artifact = utf8("weights");

  it("msgRegisterModel computes the artifact's sha256 and size, with defaults", () => {
    const { typeUrl, value } = msgRegisterModel({ owner: ALICE, name: "m", artifact, format: "onnx" });
    assert.equal(typeUrl, "/openledger.models.v1.MsgRegisterModel");
    assert.deepEqual(value, {
      owner: ALICE,
      name: "m",
      baseModelId: 0n,
      datanets: [],
      artifactSha256: sha256(artifact),
      artifactSize: 7n,
      format: "onnx",
      attributionMethod: AttributionMethod.ATTRIBUTION_METHOD_SPAN,
      price: { perCall: "0", per1kOutputTokens: "0" },
    });
    const refs = msgRegisterModel({
      owner: ALICE,
      name: "m",
      sha256: toHex(sha256(artifact)),
      size: 7,
      format: "gguf",
      datanets: ["1:2", { datanetId: 3n, version: "1" }],
      attributionMethod: "influence",
    });
    assert.deepEqual(refs.value.datanets, [
      { datanetId: 1n, version: 2n },
      { datanetId: 3n, version: 1n },
    ]);
    assert.equal(refs.value.attributionMethod, AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE);
  });

  it("msgRegisterModel refuses bad fields", () => {
    const ok = { owner: ALICE, name: "m", artifact, format: "onnx" };
    refused(() => msgRegisterModel({ ...ok, name: "" }), "name");
    refused(() => msgRegisterModel({ ...ok, name: " m" }), "name", /surrounding/);
    refused(() => msgRegisterModel({ ...ok, format: "ONNX" }), "format");
    refused(() => msgRegisterModel({ ...ok, datanets: ["1"] }), "datanets", /<datanet id>:<version>/);
    refused(() => msgRegisterModel({ ...ok, datanets: ["1:1", "1:1"] }), "datanets", /twice/);
    refused(() => msgRegisterModel({ ...ok, datanets: ["1:0"] }), "datanets", /positive/);
    refused(() => msgRegisterModel({ ...ok, artifact: undefined }), "sha256", /give the artifact/);
    refused(() => msgRegisterModel({ ...ok, artifact: undefined, sha256: "00".repeat(32) }), "size");
    refused(() => msgRegisterModel({ ...ok, sha256: "00".repeat(32) }), "sha256", /does not match/);
    refused(() => msgRegisterModel({ ...ok, price: { perCall: "1e3" } }), "price.perCall");
    refused(() => msgRegisterModel({ ...ok, attributionMethod: 0 }), "attributionMethod");
  });

  it("msgRegisterAdapter and msgUpdatePrice", () => {
    const { value } = msgRegisterAdapter({
      owner: BOB,
      baseModelId: 1,
      sha256: sha256(artifact),
      rank: 8,
      targetLayers: ["q_proj"],
      datanets: ["1:1"],
    });
    assert.equal(value.rank, 8);
    assert.deepEqual(value.adapterSha256, sha256(artifact));
    const ok = { owner: BOB, baseModelId: 1, artifact, rank: 8, targetLayers: ["q"], datanets: ["1:1"] };
    refused(() => msgRegisterAdapter({ ...ok, rank: 0 }), "rank");
    refused(() => msgRegisterAdapter({ ...ok, rank: 1025 }), "rank");
    refused(() => msgRegisterAdapter({ ...ok, targetLayers: [] }), "targetLayers");
    refused(() => msgRegisterAdapter({ ...ok, targetLayers: ["a b"] }), "targetLayers");
    refused(() => msgRegisterAdapter({ ...ok, datanets: [] }), "datanets", /at least 1/);
    refused(() => msgRegisterAdapter({ ...ok, baseModelId: 0 }), "baseModelId");
    const price = msgUpdatePrice({ owner: BOB, adapterId: 2, price: { per1kOutputTokens: 5 } });
    assert.deepEqual(price.value, {
      owner: BOB,
      modelId: 0n,
      adapterId: 2n,
      price: { perCall: "0", per1kOutputTokens: "5" },
    });
    refused(() => msgUpdatePrice({ owner: BOB, price: {} }), "modelId", /exactly one/);
    refused(() => msgUpdatePrice({ owner: BOB, modelId: 1, adapterId: 1, price: {} }), "modelId");
  });

  it("toPlain: bigints as strings, bytes as hex, enums by name", () => {
    const { value } = msgRegisterModel({ owner: ALICE, name: "m", artifact, format: "onnx" });
    const plain = toPlain(value) as Record<string, unknown>;
    assert.equal(plain.artifactSha256, toHex(sha256(artifact)));
    assert.equal(plain.artifactSize, "7");
    assert.equal(plain.attributionMethod, "ATTRIBUTION_METHOD_SPAN");
    assert.doesNotThrow(() => JSON.stringify(plain));
  });
});
