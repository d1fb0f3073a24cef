// Attribution test messages: the four test validators (consensus keys from keyFromSecret,
// operated by alice, bob, carol and dave), MsgRecordInference / MsgSubmitAttribution as the
// client's builders make them (results hashed and signed with the validators' keys), txs signed by
// the dev accounts' stock cosmjs wallets with the client's registry.
import { createHash } from "node:crypto";
import { type EncodeObject, makeAuthInfoBytes } from "@cosmjs/proto-signing";
import {
  msgRecordInference,
  msgSubmitAttribution,
  openledgerRegistry,
  type RecordInferenceInput,
} from "../../../client/index.js";
import { signResult } from "../../../modules/attribution/index.js";
import { type Ed25519Key, keyFromSecret } from "../../../node/types/ed25519.js";
import type { Entry } from "../../../proto/gen/openledger/attribution/v1/types.js";
import { AttributionMethod } from "../../../proto/gen/openledger/models/v1/types.js";
import {
  CHAIN_ID,
  DEFAULT_GAS,
  type DevName,
  devAddress,
  minFee,
  pubkeyAny,
  type Signer,
  signParts,
} from "../../app/helpers.js";

export const SPAN = AttributionMethod.ATTRIBUTION_METHOD_SPAN;

export interface TestValidator {
  name: DevName;
  key: Ed25519Key;
  power: bigint;
}

/** Powers 3, 3, 2, 2 (total 10): any three hold more than 2/3, any two do not. */
export const VALIDATORS: TestValidator[] = (["alice", "bob", "carol", "dave"] as DevName[]).map(
  (name, i) => ({
    name,
    key: keyFromSecret(`attribution-test-${i}`),
    power: i < 2 ? 3n : 2n,
  }),
);

export const registry = openledgerRegistry();

export function recordMsg(payer: string, o: Partial<RecordInferenceInput> = {}): EncodeObject {
  return msgRecordInference({
    payer,
    modelId: o.adapterId === undefined ? 1 : undefined,
    prompt: "What does the scan show?",
    output: "No fracture is visible.",
    outputTokens: 100,
    fee: "1000003uopen",
    ...o,
  });
}

/** A validator's MsgSubmitAttribution, hashed and signed with its consensus key unless overridden. */
export function submitMsg(
  v: TestValidator,
  jobId: bigint,
  entries: Entry[],
  o: {
    method?: AttributionMethod;
    key?: Ed25519Key;
    resultHash?: Uint8Array;
    signature?: Uint8Array;
    chainId?: string;
  } = {},
): EncodeObject {
  const method = o.method ?? SPAN;
  const signed = signResult(o.key ?? v.key, { chainId: o.chainId ?? CHAIN_ID, jobId, method, entries });
  return msgSubmitAttribution({
    operator: devAddress(v.name),
    jobId,
    method,
    entries,
    resultHash: o.resultHash ?? signed.resultHash,
    consensusSignature: o.signature ?? signed.consensusSignature,
  });
}

export const entries = (...pairs: [number, number][]): Entry[] =>
  pairs.map(([id, bps]) => ({ contributionId: BigInt(id), bps }));

export async function signTx(s: Signer, msgs: EncodeObject[], sequence: bigint): Promise<Uint8Array> {
  const bodyBytes = registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: msgs } });
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: pubkeyAny(s), sequence }],
    minFee(DEFAULT_GAS),
    DEFAULT_GAS,
    undefined,
    undefined,
  );
  return (await signParts(s, bodyBytes, authInfoBytes)).bytes;
}

export function sha(label: string): Uint8Array {
  return Uint8Array.from(createHash("sha256").update(label).digest());
}

export function attrsOf(
  r: { events: readonly { type: string; attributes: readonly { key: string; value: string }[] }[] },
  type: string,
) {
  return r.events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}
