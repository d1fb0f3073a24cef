// Field refusals (validateBasic): refused before the ante handler, so nothing at all changes.
import type { EncodeObject } from "@cosmjs/proto-signing";
import { MsgRecordInference, MsgSubmitAttribution } from "../../../proto/gen/openledger/attribution/v1/tx.js";
import { AttributionMethod } from "../../../proto/gen/openledger/models/v1/types.js";
import { devAddress, type Signer } from "../../app/helpers.js";
import { entries, type Harness, SPAN, sha } from "./helpers.js";
import { fixture, refused as refusedIn } from "./refused.js";

const RECORD = "/openledger.attribution.v1.MsgRecordInference";
const SUBMIT = "/openledger.attribution.v1.MsgSubmitAttribution";
const H32 = sha("x");

const record = (o: Partial<MsgRecordInference>): EncodeObject => ({
  typeUrl: RECORD,
  value: MsgRecordInference.fromPartial({
    payer: devAddress("eve"),
    modelId: 1n,
    promptSha256: H32,
    outputText: "ok",
    outputTokens: 100n,
    fee: { denom: "uopen", amount: "5000" },
    ...o,
  }),
});

const submit = (o: Partial<MsgSubmitAttribution>): EncodeObject => ({
  typeUrl: SUBMIT,
  value: MsgSubmitAttribution.fromPartial({
    operator: devAddress("alice"),
    jobId: 1n,
    method: SPAN,
    entries: entries([1, 10000]),
    resultHash: H32,
    consensusSignature: new Uint8Array(64),
    ...o,
  }),
});

describe("attribution: field refusals change nothing", () => {
  let h: Harness;
  const refused = (by: Signer, msg: EncodeObject, code: number, log: string, stage: "fields" | "state") =>
    refusedIn(h, by, msg, code, log, stage);
  before(async () => {
    h = await fixture();
  });
  after(async () => {
    await h.close();
  });

  it("MsgRecordInference fields", async () => {
    const eve = h.s.eve;
    await refused(
      eve,
      record({ adapterId: 1n }),
      2,
      "exactly one of model_id and adapter_id must be set: invalid id",
      "fields",
    );
    await refused(
      eve,
      record({ modelId: 0n }),
      2,
      "exactly one of model_id and adapter_id must be set: invalid id",
      "fields",
    );
    await refused(
      eve,
      record({ promptSha256: H32.subarray(1) }),
      3,
      "prompt_sha256 must be 32 bytes, got 31: invalid hash",
      "fields",
    );
    const both = "give output_text, or output_sha256 with output_size, not both: invalid output";
    await refused(eve, record({ outputSha256: H32, outputSize: 5n }), 4, both, "fields");
    await refused(
      eve,
      record({ outputText: "" }),
      4,
      "give output_text, or output_sha256 with output_size: invalid output",
      "fields",
    );
    await refused(
      eve,
      record({ outputText: "", outputSha256: H32 }),
      4,
      "output_size must be positive with output_sha256: invalid output",
      "fields",
    );
    await refused(
      eve,
      record({ outputText: "", outputSha256: H32.subarray(2), outputSize: 5n }),
      3,
      "output_sha256 must be 32 bytes, got 30: invalid hash",
      "fields",
    );
    await refused(eve, record({ fee: undefined }), 5, "fee is required: invalid fee", "fields");
    await refused(
      eve,
      record({ fee: { denom: "uopen", amount: "1.5" } }),
      5,
      'invalid fee amount: "1.5": invalid coins: invalid fee',
      "fields",
    );
  });

  it("MsgSubmitAttribution fields", async () => {
    const alice = h.s.alice;
    await refused(alice, submit({ jobId: 0n }), 2, "job_id must be positive: invalid id", "fields");
    await refused(
      alice,
      submit({ method: AttributionMethod.ATTRIBUTION_METHOD_UNSPECIFIED }),
      19,
      "method 0 is neither ATTRIBUTION_METHOD_SPAN (1) nor ATTRIBUTION_METHOD_INFLUENCE (2): wrong attribution method",
      "fields",
    );
    await refused(
      alice,
      submit({ entries: entries([2, 5000], [1, 5000]) }),
      16,
      "entries must be sorted by ascending contribution id without repeats: 1 follows 2: invalid attribution entries",
      "fields",
    );
    await refused(
      alice,
      submit({ entries: entries([1, 5000], [1, 5000]) }),
      16,
      "entries must be sorted by ascending contribution id without repeats: 1 follows 1: invalid attribution entries",
      "fields",
    );
    await refused(
      alice,
      submit({ entries: entries([1, 4999], [2, 5000]) }),
      16,
      "entries' bps sum to 9999, not 10000: invalid attribution entries",
      "fields",
    );
    await refused(
      alice,
      submit({ entries: entries([1, 0], [2, 10000]) }),
      16,
      "entry for contribution 1 has 0 bps, not 1..10000: invalid attribution entries",
      "fields",
    );
    await refused(
      alice,
      submit({ resultHash: H32.subarray(1) }),
      3,
      "result_hash must be 32 bytes, got 31: invalid hash",
      "fields",
    );
    await refused(
      alice,
      submit({ consensusSignature: new Uint8Array(63) }),
      14,
      "consensus_signature must be 64 bytes, got 63: invalid consensus signature",
      "fields",
    );
  });
});
