// State refusals (in the handler, after the ante handler): the fee and sequence are taken, the
// attribution, datanets and staking stores, the escrow and the treasury stay as they were.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { MsgSubmitAttribution } from "../../../proto/gen/openledger/attribution/v1/tx.js";
import { AttributionMethod } from "../../../proto/gen/openledger/models/v1/types.js";
import type { Signer } from "../../app/helpers.js";
import { createValidator } from "../../staking/helpers.js";
import { entries, type Harness, recordMsg, sha, submitMsg, VALIDATORS } from "./helpers.js";
import { fixture, refused as refusedIn, valoper } from "./refused.js";

const [ALICE, BOB] = VALIDATORS as [(typeof VALIDATORS)[0], (typeof VALIDATORS)[0]];

describe("attribution: state refusals change nothing but the fee", () => {
  let h: Harness;
  const refused = (by: Signer, msg: EncodeObject, code: number, log: string, stage: "fields" | "state") =>
    refusedIn(h, by, msg, code, log, stage);
  before(async () => {
    h = await fixture();
  });
  after(async () => {
    await h.close();
  });

  it("MsgRecordInference against state", async () => {
    const eve = h.s.eve;
    await refused(
      eve,
      recordMsg(eve.address, { modelId: 9 }),
      7,
      "model 9 does not exist: model not found",
      "state",
    );
    await refused(
      eve,
      recordMsg(eve.address, { adapterId: 5 }),
      8,
      "adapter 5 does not exist: adapter not found",
      "state",
    );
    await refused(
      eve,
      recordMsg(eve.address, { modelId: 2 }),
      9,
      "model 2 is deprecated: deprecated",
      "state",
    );
    await refused(
      eve,
      recordMsg(eve.address, { fee: "1004uopen" }),
      6,
      "fee 1004uopen is below the price of model 1 for 100 output tokens: 1005uopen " +
        "(1000 per call + 50 per 1000 output tokens, rounded up): fee below price",
      "state",
    );
    await refused(
      eve,
      recordMsg(eve.address, { adapterId: 1, outputTokens: 101, fee: "201uopen" }),
      6,
      "fee 201uopen is below the price of adapter 1 for 101 output tokens: 202uopen " +
        "(200 per call + 10 per 1000 output tokens, rounded up): fee below price",
      "state",
    );
    await refused(
      eve,
      recordMsg(eve.address, { output: "x".repeat(65) }),
      4,
      "output_text is 65 bytes, more than the maximum 64: invalid output",
      "state",
    );
    await refused(
      eve,
      recordMsg(eve.address, { fee: "5000stake" }),
      5,
      "fee denom stake is not uopen: invalid fee",
      "state",
    );
  });

  it("MsgSubmitAttribution against state: job, validator, hash, signature, entries", async () => {
    const { alice, eve } = h.s;
    const ok = entries([1, 6000], [3, 4000]);
    await refused(alice, submitMsg(ALICE, 99n, ok), 10, "job 99 does not exist: job not found", "state");
    await refused(
      alice,
      submitMsg(ALICE, 1n, ok, { method: AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE }),
      19,
      "method ATTRIBUTION_METHOD_INFLUENCE is not job 1's method ATTRIBUTION_METHOD_SPAN: wrong attribution method",
      "state",
    );
    await refused(
      alice,
      submitMsg(ALICE, 1n, entries([1, 2500], [2, 2500], [3, 2500], [4, 2500])),
      16,
      "4 entries, more than the maximum 3: invalid attribution entries",
      "state",
    );
    const asEve = { ...ALICE, name: "eve" as const };
    await refused(
      eve,
      submitMsg(asEve, 1n, ok),
      12,
      `${eve.address} operates no validator: not a validator`,
      "state",
    );
    // Eve's validator has 0.5 power: a validator, never in the set.
    await h.ok([{ by: eve, msgs: [createValidator(eve.address, sha("eve-key"), 500_000n)] }]);
    await refused(
      eve,
      submitMsg(asEve, 1n, ok),
      13,
      `validator ${valoper(eve.address)} is not in the last validator set or is jailed: validator not bonded`,
      "state",
    );
    const asBob = submitMsg(ALICE, 1n, ok, { key: BOB.key });
    await refused(
      alice,
      asBob,
      14,
      `consensus_signature does not verify under the consensus key of validator ${valoper(alice.address)}: invalid consensus signature`,
      "state",
    );
    const other = submitMsg(ALICE, 1n, entries([1, 10000])) as { value: MsgSubmitAttribution };
    const mismatch = submitMsg(ALICE, 1n, ok, {
      resultHash: other.value.resultHash,
      signature: other.value.consensusSignature,
    });
    const wanted = (submitMsg(ALICE, 1n, ok) as { value: MsgSubmitAttribution }).value.resultHash;
    await refused(
      alice,
      mismatch,
      15,
      `result_hash ${toHex(other.value.resultHash)} is not the hash of the submitted result, ${toHex(wanted)}: result hash mismatch`,
      "state",
    );
    const otherChain = (
      submitMsg(ALICE, 1n, ok, { chainId: "other-chain" }) as { value: MsgSubmitAttribution }
    ).value;
    await refused(
      alice,
      submitMsg(ALICE, 1n, ok, {
        resultHash: otherChain.resultHash,
        signature: otherChain.consensusSignature,
      }),
      15,
      `result_hash ${toHex(otherChain.resultHash)} is not the hash of the submitted result, ${toHex(wanted)}: result hash mismatch`,
      "state",
    );
    await refused(
      alice,
      submitMsg(ALICE, 1n, entries([1, 5000], [5, 5000])),
      17,
      "contribution 5 is not in the datanet versions of job 1 (1:1): contribution not attributable",
      "state",
    );
    await refused(
      alice,
      submitMsg(ALICE, 1n, entries([1, 5000], [77, 5000])),
      17,
      "contribution 77 is not in the datanet versions of job 1 (1:1): contribution not attributable",
      "state",
    );

    assert.equal((await h.run(alice, submitMsg(ALICE, 1n, ok))).code, 0);
    await refused(
      alice,
      submitMsg(ALICE, 1n, ok),
      18,
      `validator ${valoper(alice.address)} already submitted a result for job 1: result already submitted`,
      "state",
    );
  });
});
