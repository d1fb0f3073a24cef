// Blocks, commits and validator data recorded from a real CometBFT v0.38 chain (see
// fixtures/cometbft-v0.38-kvstore/README.md): every hash and signature must reproduce exactly.
import assert from "node:assert/strict";
import type { Commit } from "cosmjs-types/tendermint/types/types";
import {
  blockId,
  blockPartSet,
  commitHash,
  consensusParamsHash,
  dataHash,
  emptyEvidenceHash,
  encodeBlock,
  resultsHash,
  txHash,
} from "../../node/types/block.js";
import { pubKeyToAddress } from "../../node/types/ed25519.js";
import { headerHash } from "../../node/types/header.js";
import { rfc3339ToTimestamp, timestampToRfc3339 } from "../../node/types/time.js";
import { verifyCommit } from "../../node/types/validation.js";
import { makeValidator, type Validator, validatorSetHash } from "../../node/types/validator.js";
import {
  blockFromJson,
  blockIdFromJson,
  commitFromJson,
  fromB64,
  fromHex,
  headerFromJson,
  loadFixture,
  toHex,
} from "./rpc-json.js";

const CHAIN_ID = "dockerchain";

describe("CometBFT v0.38 kvstore chain (recorded RPC fixtures)", () => {
  const genesis = loadFixture("genesis").genesis;
  const gv = genesis.validators[0];
  const vals: Validator[] = [makeValidator(fromB64(gv.pub_key.value), BigInt(gv.power))];
  const metas: { block_id: unknown; block_size: string; header: { height: string } }[] =
    loadFixture("blockchain_from_1_to_10").block_metas;

  it("validator address and validators_hash", () => {
    assert.equal(toHex(pubKeyToAddress(vals[0]!.pubKey)), gv.address);
    assert.equal(
      toHex(validatorSetHash(vals)),
      "33415EFFCEDA5BD0A3A443A727457D9F7B9E38389BF27A936FEDF749A7B7566E",
    );
  });

  it("consensus_hash from the genesis block params", () => {
    const { max_bytes, max_gas } = genesis.consensus_params.block;
    assert.equal(
      toHex(consensusParamsHash(BigInt(max_bytes), BigInt(max_gas))),
      "048091BC7DDC283F77BFBF91D73C44DA58C3DF8A9CBC867405D8B7F3DAADA22F",
    );
  });

  it("empty data / evidence / results hashes", () => {
    const e3b0 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
    assert.equal(toHex(dataHash([])), e3b0);
    assert.equal(toHex(emptyEvidenceHash()), e3b0);
    assert.equal(toHex(resultsHash([])), e3b0);
  });

  for (const name of ["block_at_height_1", "block_at_height_10"]) {
    it(`${name}: header hash, data/last_commit hashes, block size and part set header`, () => {
      const fixture = loadFixture(name);
      const block = blockFromJson(fixture.block);
      const want = blockIdFromJson(fixture.block_id);
      assert.equal(toHex(headerHash(block.header)), toHex(want.hash));
      assert.equal(toHex(dataHash(block.data.txs)), toHex(block.header.dataHash));
      assert.equal(toHex(commitHash(block.lastCommit!)), toHex(block.header.lastCommitHash));
      const meta = metas.find((m) => m.header.height === fixture.block.header.height)!;
      assert.equal(encodeBlock(block).length, Number(meta.block_size));
      const psh = blockPartSet(block).header;
      assert.equal(psh.total, want.partSetHeader.total);
      assert.equal(toHex(psh.hash), toHex(want.partSetHeader.hash));
      const id = blockId(block);
      assert.equal(toHex(id.hash), toHex(want.hash));
    });
  }

  it("header hashes of heights 1–10 (blockchain block_metas)", () => {
    assert.equal(metas.length, 10);
    for (const meta of metas) {
      const header = headerFromJson(meta.header);
      assert.equal(
        toHex(headerHash(header)),
        toHex(blockIdFromJson(meta.block_id).hash),
        `height ${header.height}`,
      );
    }
  });

  it("verifies the real commit for height 10 (and its last commit for height 9)", () => {
    const signed = loadFixture("commit_at_height_10").signed_header;
    const commit = commitFromJson(signed.commit);
    const id10 = blockIdFromJson(loadFixture("block_at_height_10").block_id);
    assert.deepEqual(verifyCommit(CHAIN_ID, vals, id10, 10n, commit), { ok: true });

    const block10 = blockFromJson(loadFixture("block_at_height_10").block);
    const id9 = block10.header.lastBlockId;
    assert.deepEqual(verifyCommit(CHAIN_ID, vals, id9, 9n, block10.lastCommit!), { ok: true });
  });

  it("rejects the real commit when the timestamp, chain id or block id is altered", () => {
    const commit = commitFromJson(loadFixture("commit_at_height_10").signed_header.commit);
    const id10 = commit.blockId;
    const sig = commit.signatures[0]!;
    const moved: Commit = {
      ...commit,
      signatures: [{ ...sig, timestamp: { ...sig.timestamp, nanos: sig.timestamp.nanos + 1 } }],
    };
    const r1 = verifyCommit(CHAIN_ID, vals, id10, 10n, moved);
    assert.equal(r1.ok, false);
    assert.match(r1.ok ? "" : r1.error, /wrong signature \(#0\)/);
    assert.equal(verifyCommit("otherchain", vals, id10, 10n, commit).ok, false);
    const otherId = { ...id10, hash: fromHex("00".repeat(32)) };
    const r3 = verifyCommit(CHAIN_ID, vals, otherId, 10n, commit);
    assert.match(r3.ok ? "" : r3.error, /wrong block ID/);
  });

  // tx_search_with_prove.json of the same fixture set: single-tx blocks, so the proof root is data_hash.
  it("tx hashes and single-tx data hashes", () => {
    const txs: [string, string, string][] = [
      [
        "YXN5bmMta2V5PXZhbHVl",
        "9F28904F9C0F3AB74A81CBA48E39124DA1C680B47FBFCBA0126870DB722BCC30",
        "3081F9915040D138B3AD7F895732D2767C29E85BA5D84388D04E17A5D8262B7A",
      ],
      [
        "c3luYy1rZXk9dmFsdWU=",
        "57018296EE0919C9D351F2FFEA82A8D28DE223724D79965FC8D00A7477ED48BC",
        "A0BF8E611A3A2ED0FE94AA345B903691C3E56EDE0E7F773F54DE7B020E788849",
      ],
      [
        "dHgwPXZhbHVl",
        "FCB86F71C4EFF43E13C51FA12791F6DD1DDB8600A51131BE2289614D6882F6BE",
        "DD49E1C469C2C3EB0AB68BF9B83D9865B08FEFDBC71702CC73564F4DA56870A4",
      ],
    ];
    for (const [tx, hash, root] of txs) {
      assert.equal(toHex(txHash(fromB64(tx))), hash);
      assert.equal(toHex(dataHash([fromB64(tx)])), root);
    }
  });

  it("RFC3339Nano times round-trip byte-for-byte", () => {
    for (const meta of metas) {
      const text = (meta.header as unknown as { time: string }).time;
      assert.equal(timestampToRfc3339(rfc3339ToTimestamp(text)), text);
    }
  });
});
