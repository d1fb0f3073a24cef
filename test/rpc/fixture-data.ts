// Test data for the RPC fixture: txs, events, results, consensus params and the genesis doc.
import { sha256 } from "@noble/hashes/sha2.js";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Event, ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";

export const h32 = (label: string) => sha256(new TextEncoder().encode(label));
export const CHAIN_ID = "openledger-test-1";
export const GENESIS_SECONDS = 1_700_000_000n;
export const VAL_PUBKEY = h32("validator pubkey");
export const VAL_ADDRESS = sha256(VAL_PUBKEY).subarray(0, 20);
export const SENDER = "open1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du";

export function makeTx(memo: string): Uint8Array {
  const bodyBytes = new TextEncoder().encode(memo);
  return TxRaw.encode({
    bodyBytes,
    authInfoBytes: Uint8Array.of(1, 2, 3),
    signatures: [new Uint8Array(64)],
  }).finish();
}

export function txEvents(sender: string, amount: string): Event[] {
  return [
    {
      type: "message",
      attributes: [
        { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
        { key: "sender", value: sender, index: true },
        { key: "module", value: "bank", index: true },
      ],
    },
    {
      type: "transfer",
      attributes: [
        { key: "amount", value: amount, index: true },
        { key: "memo", value: "x", index: false },
      ],
    },
  ];
}

export function defaultResult(tx: Uint8Array, index: number): ExecTxResult {
  const memo = new TextDecoder().decode(TxRaw.decode(tx).bodyBytes);
  return {
    code: memo.startsWith("fail") ? 11 : 0,
    data: Uint8Array.of(0x12, 0x00),
    log: memo.startsWith("fail") ? "out of gas" : "",
    info: "",
    gasWanted: 200000n,
    gasUsed: BigInt(60000 + index),
    events: txEvents(SENDER, `${100 + index}stake`),
    codespace: memo.startsWith("fail") ? "sdk" : "",
  };
}

export const CONSENSUS_PARAMS: ConsensusParams = {
  block: { maxBytes: 22020096n, maxGas: -1n },
  evidence: {
    maxAgeNumBlocks: 100000n,
    maxAgeDuration: { seconds: 172800n, nanos: 0 },
    maxBytes: 1048576n,
  },
  validator: { pubKeyTypes: ["ed25519"] },
  version: { app: 0n },
  abci: { voteExtensionsEnableHeight: 0n },
};

export const GENESIS_DOC = {
  genesis_time: "2023-11-14T22:13:20Z",
  chain_id: CHAIN_ID,
  initial_height: "1",
  consensus_params: {
    block: { max_bytes: "22020096", max_gas: "-1" },
    evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
    validator: { pub_key_types: ["ed25519"] },
    version: { app: "0" },
  },
  validators: [
    {
      address: Buffer.from(VAL_ADDRESS).toString("hex").toUpperCase(),
      pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(VAL_PUBKEY).toString("base64") },
      power: "10",
      name: "val0",
    },
  ],
  app_hash: "",
  app_state: { bank: { balances: [] } },
};
