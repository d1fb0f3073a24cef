// One message of every openledger type, as the client's builders make them.
import type { EncodeObject } from "@cosmjs/proto-signing";
import {
  msgContribute,
  msgCreateDatanet,
  msgDeprecateAdapter,
  msgDeprecateModel,
  msgFlagContribution,
  msgRecordInference,
  msgRegisterAdapter,
  msgRegisterModel,
  msgReviewContribution,
  msgSubmitAttribution,
  msgUpdateDatanet,
  msgUpdatePrice,
  msgWithdrawContribution,
  settlementTypeUrls,
} from "../../client/index.js";
import { MsgSettlePayment } from "../../proto/gen/openledger/settlement/v1/tx.js";

const ALICE = "open15rt2ljr8wd45yrmy6g7mvn2nwf2lqw7e4nwnen";
const BOB = "open1l8440y0w9r5ar4wn30jf94w4aqs3vz9lyg6cgj";
const HASH = "ab".repeat(32);

export function sampleMsgs(): EncodeObject[] {
  return [
    msgCreateDatanet({
      owner: ALICE,
      name: "Medical QA",
      domain: "medicine",
      tags: ["qa", "en"],
      contributionBond: 1000n,
      curators: [BOB],
    }),
    msgUpdateDatanet({ signer: ALICE, datanetId: 1, summary: "short", tags: [] }),
    msgContribute({ contributor: BOB, datanetId: 1n, text: "héllo", license: "CC-BY-4.0" }),
    msgContribute({
      contributor: BOB,
      datanetId: "1",
      contentHash: HASH,
      size: 1234,
      mediaType: "application/pdf",
      license: "MIT",
    }),
    msgReviewContribution({ curator: ALICE, contributionId: 1, decision: "approve", score: 90 }),
    msgWithdrawContribution({ contributor: BOB, contributionId: 2 }),
    msgFlagContribution({ curator: ALICE, contributionId: 1, reason: "spam" }),
    msgRegisterModel({
      owner: ALICE,
      name: "med-llama",
      datanets: ["1:1"],
      sha256: HASH,
      size: 10,
      format: "gguf",
    }),
    msgRegisterAdapter({
      owner: ALICE,
      baseModelId: 1,
      artifact: new Uint8Array([1, 2, 3]),
      rank: 16,
      targetLayers: ["q_proj", "v_proj"],
      datanets: [{ datanetId: 1, version: 1 }],
      price: { perCall: 200, per1kOutputTokens: "10" },
    }),
    msgUpdatePrice({ owner: ALICE, modelId: 1, price: { perCall: "5" } }),
    msgDeprecateModel({ owner: ALICE, modelId: 1 }),
    msgDeprecateAdapter({ owner: ALICE, adapterId: 1 }),
    msgRecordInference({
      payer: BOB,
      modelId: 1,
      prompt: "what is a datanet?",
      output: "a curated data collection",
      outputTokens: 7,
      fee: "1500uopen",
    }),
    msgRecordInference({
      payer: BOB,
      adapterId: "2",
      promptSha256: HASH,
      outputSha256: HASH,
      outputSize: 4096,
      fee: { denom: "uopen", amount: 1n },
    }),
    msgSubmitAttribution({
      operator: ALICE,
      jobId: 1,
      method: "span",
      entries: [
        { contributionId: 1, bps: 2500 },
        { contributionId: 4, bps: 7500 },
      ],
      resultHash: HASH,
      consensusSignature: new Uint8Array(64).fill(7),
    }),
    {
      typeUrl: settlementTypeUrls.settlePayment,
      value: MsgSettlePayment.fromPartial({
        facilitator: BOB,
        authorization: {
          chainId: "openledger-dev-1",
          from: ALICE,
          to: BOB,
          amount: { denom: "uopen", amount: "1000" },
          validAfter: 1_700_000_000n,
          validBefore: 1_700_000_600n,
          nonce: new Uint8Array(32).fill(9),
          resource: "https://api.example.com/v1/infer",
          modelId: 0n,
          adapterId: 0n,
        },
        signature: new Uint8Array(64).fill(3),
        payerPubkey: new Uint8Array(33).fill(2),
      }),
    },
  ];
}
