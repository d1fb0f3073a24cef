// Exact CometBFT 0.38 JSON shapes (WIRE-CONTRACT §1, §2, §4), checked on the raw wire.
import assert from "node:assert/strict";
import { connectComet } from "@cosmjs/tendermint-rpc";
import { sha256 } from "@noble/hashes/sha2.js";
import { evidenceJson } from "../../node/rpc/json.js";
import { blockResultsJson } from "../../node/rpc/json-abci.js";
import { type RpcServer, startRpcServer } from "../../node/rpc/server.js";
import { formatRfc3339Nano, timestampFromDate } from "../../node/rpc/time.js";
import { makeTx, TestBackend } from "./fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON
type Json = any;
const UPPER_HEX = /^(?:[0-9A-F]{2})+$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;

describe("rpc JSON shapes", () => {
  let backend: TestBackend;
  let server: RpcServer;
  const call = async (method: string, params: object = {}): Promise<Json> => {
    const res = await fetch(`http://127.0.0.1:${server.port}`, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as Json;
    assert.equal(body.error, undefined, JSON.stringify(body.error));
    return body.result;
  };

  before(async () => {
    backend = await TestBackend.create();
    server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", backend });
  });

  after(async () => {
    await server?.close();
    await backend?.destroy();
  });

  it("RFC3339Nano times", () => {
    assert.equal(formatRfc3339Nano({ seconds: 1_700_000_000n, nanos: 0 }), "2023-11-14T22:13:20Z");
    assert.equal(
      formatRfc3339Nano({ seconds: 1_700_000_000n, nanos: 120_000_000 }),
      "2023-11-14T22:13:20.12Z",
    );
    assert.equal(formatRfc3339Nano({ seconds: 1_700_000_000n, nanos: 1 }), "2023-11-14T22:13:20.000000001Z");
    assert.equal(formatRfc3339Nano(undefined), "0001-01-01T00:00:00Z");
    assert.equal(formatRfc3339Nano({ seconds: -1n, nanos: 999_999_999 }), "1969-12-31T23:59:59.999999999Z");
    assert.equal(
      formatRfc3339Nano(timestampFromDate(new Date("0999-03-04T05:06:07.008Z"))),
      "0999-03-04T05:06:07.008Z",
    );
    assert.throws(() => formatRfc3339Nano({ seconds: 0n, nanos: 1e9 }), RangeError);
  });

  it("status before the first block: zero hashes, string protocol versions, other object", async () => {
    const s = await call("status");
    assert.deepEqual(s.node_info.protocol_version, { p2p: "8", block: "11", app: "0" });
    assert.equal(s.node_info.version, "0.38.17");
    assert.equal(typeof s.node_info.other, "object");
    assert.equal(s.node_info.other.tx_index, "on");
    assert.match(s.node_info.other.rpc_address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.sync_info.latest_app_hash, "0".repeat(64));
    assert.equal(s.sync_info.latest_block_hash, "0".repeat(64));
    assert.equal(s.sync_info.latest_block_height, "0");
    assert.equal(s.sync_info.catching_up, false);
    assert.deepEqual(Object.keys(s.validator_info), ["address", "pub_key", "voting_power"]);
    assert.equal(s.validator_info.pub_key.type, "tendermint/PubKeyEd25519");
    assert.equal(s.validator_info.voting_power, "10");
    const client = await connectComet(`http://127.0.0.1:${server.port}`);
    const decoded = await client.status();
    client.disconnect();
    assert.equal(decoded.syncInfo.latestBlockHeight, 0);
  });

  it("block: header, last_block_id at height 1, last_commit, data.txs", async () => {
    await backend.produceBlock([]);
    const tx = makeTx("shape");
    await backend.produceBlock([tx]);
    const b1 = await call("block", { height: "1" });
    assert.deepEqual(b1.block.header.last_block_id, { hash: "", parts: { total: 0, hash: "" } });
    assert.deepEqual(b1.block.last_commit.block_id.hash, "");
    assert.deepEqual(b1.block.data, { txs: [] });
    assert.equal(b1.block.header.app_hash, "");
    const b2 = await call("block", { height: 2 });
    assert.match(b2.block_id.hash, UPPER_HEX);
    assert.equal(b2.block_id.parts.total, 1);
    const h = b2.block.header;
    assert.deepEqual(Object.keys(h), [
      "version",
      "chain_id",
      "height",
      "time",
      "last_block_id",
      "last_commit_hash",
      "data_hash",
      "validators_hash",
      "next_validators_hash",
      "consensus_hash",
      "app_hash",
      "last_results_hash",
      "evidence_hash",
      "proposer_address",
    ]);
    assert.deepEqual(h.version, { block: "11", app: "0" });
    assert.equal(h.height, "2");
    assert.match(h.time, TIME);
    for (const k of ["last_commit_hash", "data_hash", "app_hash", "proposer_address"])
      assert.match(h[k], UPPER_HEX);
    assert.equal(h.last_block_id.hash, b1.block_id.hash);
    assert.deepEqual(b2.block.data.txs, [Buffer.from(tx).toString("base64")]);
    assert.deepEqual(b2.block.evidence, { evidence: [] });
    const lc = b2.block.last_commit;
    assert.equal(lc.height, "1");
    assert.equal(lc.round, 0);
    assert.deepEqual(Object.keys(lc.signatures[0]), [
      "block_id_flag",
      "validator_address",
      "timestamp",
      "signature",
    ]);
    assert.equal(lc.signatures[0].block_id_flag, 2);
    assert.equal(lc.signatures[0].timestamp, "2023-11-14T22:13:29.5Z");
    assert.equal(lc.signatures[0].signature, Buffer.alloc(64, 7).toString("base64"));
  });

  it("tx_search / tx results: int64 strings, uint32 numbers, base64 data, indexed events", async () => {
    const r = await call("tx_search", { query: "tx.height=2", page: "1" });
    assert.equal(r.total_count, "1");
    const t = r.txs[0];
    assert.deepEqual(Object.keys(t), ["hash", "height", "index", "tx_result", "tx"]);
    assert.equal(t.height, "2");
    assert.equal(t.index, 0);
    assert.equal(
      t.hash,
      Buffer.from(sha256(Buffer.from(t.tx, "base64")))
        .toString("hex")
        .toUpperCase(),
    );
    const res = t.tx_result;
    assert.deepEqual(Object.keys(res), [
      "code",
      "data",
      "log",
      "info",
      "gas_wanted",
      "gas_used",
      "events",
      "codespace",
    ]);
    assert.equal(res.code, 0);
    assert.equal(res.data, "EgA=");
    assert.equal(res.gas_wanted, "200000");
    assert.equal(res.gas_used, "60000");
    assert.deepEqual(res.events[0].attributes[0], {
      key: "action",
      value: "/cosmos.bank.v1beta1.MsgSend",
      index: true,
    });
    assert.equal(res.events[1].attributes[1].index, false);
  });

  it("broadcast_tx_sync, abci_query, abci_info", async () => {
    const tx = makeTx("sync shape");
    const b = await call("broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
    assert.deepEqual(b, {
      code: 0,
      data: "",
      log: "",
      codespace: "",
      hash: Buffer.from(sha256(tx)).toString("hex").toUpperCase(),
    });
    const q = await call("abci_query", { path: "/x", data: "0a0b", prove: false });
    assert.deepEqual(q.response, {
      code: 0,
      log: "",
      info: "",
      index: "0",
      key: "Cgs=",
      value: "Cwo=",
      proofOps: null,
      height: "2",
      codespace: "",
    });
    const info = await call("abci_info");
    assert.equal(info.response.last_block_height, "2");
    assert.equal(info.response.app_version, "1");
  });

  it("block_results, validators, consensus_params, unconfirmed_txs", async () => {
    const r = await call("block_results", { height: "2" });
    assert.equal(r.height, "2");
    assert.equal(r.txs_results.length, 1);
    assert.equal(r.finalize_block_events[0].type, "coin_spent");
    assert.deepEqual(r.validator_updates, []);
    const v = await call("validators", {});
    assert.deepEqual(Object.keys(v), ["block_height", "validators", "count", "total"]);
    assert.equal(v.validators[0].proposer_priority, "0");
    const cp = await call("consensus_params");
    assert.equal(cp.consensus_params.evidence.max_age_duration, "172800000000000");
    assert.equal(cp.consensus_params.block.max_gas, "-1");
    const u = await call("unconfirmed_txs", { limit: "5" });
    assert.equal(u.n_txs, "1");
    assert.equal(u.txs.length, 1);
  });

  it("validator updates use the cmtjson oneof form cosmjs decodes", () => {
    const json = blockResultsJson(3n, {
      events: [],
      txResults: [],
      validatorUpdates: [{ pubKey: { ed25519: new Uint8Array(32).fill(1) }, power: 5n }],
      appHash: new Uint8Array(),
    });
    assert.deepEqual(json.validator_updates[0], {
      pub_key: {
        Sum: {
          type: "tendermint.crypto.PublicKey_Ed25519",
          value: { ed25519: Buffer.alloc(32, 1).toString("base64") },
        },
      },
      power: "5",
    });
    assert.equal(json.txs_results, null);
  });

  it("duplicate vote evidence in a block: amino type, votes in CometBFT's vote JSON, untagged ABCI fields", () => {
    const vote = (fill: number) => ({
      type: 1,
      height: 7n,
      round: 0,
      blockId: {
        hash: new Uint8Array(32).fill(fill),
        partSetHeader: { total: 1, hash: new Uint8Array(32).fill(fill) },
      },
      timestamp: timestampFromDate(new Date("2026-01-02T03:04:05.123Z")),
      validatorAddress: new Uint8Array(20).fill(9),
      validatorIndex: 2,
      signature: new Uint8Array(64).fill(4),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
    });
    const json = evidenceJson({
      duplicateVoteEvidence: {
        voteA: vote(1),
        voteB: vote(2),
        totalVotingPower: 40n,
        validatorPower: 10n,
        timestamp: timestampFromDate(new Date("2026-01-02T03:04:00Z")),
      },
    });
    assert.equal(json.type, "tendermint/DuplicateVoteEvidence");
    assert.deepEqual(Object.keys(json.value), [
      "vote_a",
      "vote_b",
      "TotalVotingPower",
      "ValidatorPower",
      "Timestamp",
    ]);
    assert.deepEqual(json.value.vote_a, {
      type: 1,
      height: "7",
      round: 0,
      block_id: { hash: "01".repeat(32).toUpperCase(), parts: { total: 1, hash: "01".repeat(32) } },
      timestamp: "2026-01-02T03:04:05.123Z",
      validator_address: "09".repeat(20),
      validator_index: 2,
      signature: Buffer.alloc(64, 4).toString("base64"),
      extension: null,
      extension_signature: null,
    });
    assert.equal(json.value.TotalVotingPower, "40");
    assert.equal(json.value.ValidatorPower, "10");
    assert.equal(json.value.Timestamp, "2026-01-02T03:04:00Z");
  });
});
