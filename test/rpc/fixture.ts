// An in-memory RpcBackend over real protobuf-encoded blocks and a real LevelDB tx index.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { type ResponseCheckTx, ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID, BlockMeta } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag, type Validator } from "cosmjs-types/tendermint/types/validator";
import type { CommittedBlockEvent, RpcBackend } from "../../node/rpc/backend.js";
import { type Db, openDb } from "../../node/store/db.js";
import { TxIndex } from "../../node/store/tx-index.js";
import {
  CHAIN_ID,
  CONSENSUS_PARAMS,
  defaultResult,
  GENESIS_DOC,
  GENESIS_SECONDS,
  h32,
  VAL_ADDRESS,
  VAL_PUBKEY,
} from "./fixture-data.js";

export * from "./fixture-data.js";

interface Stored {
  block: Uint8Array;
  blockId: BlockID;
  results: Uint8Array;
  size: number;
}

export class TestBackend implements RpcBackend {
  readonly blocks: Stored[] = [];
  readonly mempool: Uint8Array[] = [];
  readonly txIndex: TxIndex;
  private readonly listeners = new Set<(e: CommittedBlockEvent) => void>();
  private lastBlockId: BlockID | undefined;

  private constructor(
    readonly db: Db,
    readonly dir: string,
  ) {
    this.txIndex = new TxIndex(db);
  }

  static async create(): Promise<TestBackend> {
    const dir = await mkdtemp(join(tmpdir(), "rpc-test-"));
    return new TestBackend(await openDb(dir), dir);
  }

  async destroy(): Promise<void> {
    await this.db.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Commits a block with the given txs (default: the mempool). */
  async produceBlock(txs: Uint8Array[] = this.mempool.splice(0), resultFor = defaultResult): Promise<bigint> {
    const height = BigInt(this.blocks.length + 1);
    const txResults = txs.map((tx, i) => resultFor(tx, i));
    const prev = this.lastBlockId;
    const block = Block.fromPartial({
      header: {
        version: { block: 11n, app: 0n },
        chainId: CHAIN_ID,
        height,
        time: { seconds: GENESIS_SECONDS + height * 5n, nanos: Number(height) * 1000 },
        lastBlockId: prev,
        lastCommitHash: height > 1n ? h32(`lch${height}`) : new Uint8Array(),
        dataHash: h32(`dh${height}`),
        validatorsHash: h32("vals"),
        nextValidatorsHash: h32("vals"),
        consensusHash: h32("cons"),
        appHash: height > 1n ? h32(`app${height - 1n}`) : new Uint8Array(),
        lastResultsHash: h32(`lrh${height}`),
        evidenceHash: h32("ev"),
        proposerAddress: VAL_ADDRESS,
      },
      data: { txs },
      evidence: { evidence: [] },
      lastCommit:
        height > 1n && prev
          ? {
              height: height - 1n,
              round: 0,
              blockId: prev,
              signatures: [
                {
                  blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
                  validatorAddress: VAL_ADDRESS,
                  timestamp: { seconds: GENESIS_SECONDS + height * 5n - 1n, nanos: 500_000_000 },
                  signature: new Uint8Array(64).fill(7),
                },
              ],
            }
          : undefined,
    });
    const blockBytes = Block.encode(block).finish();
    const blockId: BlockID = {
      hash: h32(`block${height}`),
      partSetHeader: { total: 1, hash: h32(`parts${height}`) },
    };
    const result = ResponseFinalizeBlock.fromPartial({
      events: [{ type: "coin_spent", attributes: [{ key: "amount", value: "1stake", index: true }] }],
      txResults,
      validatorUpdates: [],
      appHash: h32(`app${height}`),
    });
    await this.db.batch(
      this.txIndex.indexOps(
        height,
        txs.map((tx, index) => ({ tx, index, result: txResults[index]! })),
      ),
    );
    this.blocks.push({
      block: blockBytes,
      blockId,
      results: ResponseFinalizeBlock.encode(result).finish(),
      size: blockBytes.length,
    });
    this.lastBlockId = blockId;
    const event = { block: Block.decode(blockBytes), blockId, resultFinalizeBlock: result };
    for (const l of this.listeners) l(event);
    return height;
  }

  heights() {
    const latest = BigInt(this.blocks.length);
    return { earliest: latest > 0n ? 1n : 0n, latest };
  }

  private stored(height: bigint) {
    const s = this.blocks[Number(height) - 1];
    return s && { ...s, decoded: Block.decode(s.block) };
  }

  async status() {
    const { latest } = this.heights();
    const point = (h: bigint) => {
      const s = this.stored(h);
      return s
        ? {
            height: h,
            blockHash: s.blockId.hash,
            appHash: s.decoded.header.appHash,
            time: s.decoded.header.time,
          }
        : {
            height: 0n,
            blockHash: new Uint8Array(),
            appHash: new Uint8Array(),
            time: { seconds: GENESIS_SECONDS, nanos: 0 },
          };
    };
    return {
      chainId: CHAIN_ID,
      nodeId: "0123456789abcdef0123456789abcdef01234567",
      listenAddr: "tcp://0.0.0.0:26656",
      moniker: "test-node",
      validator: { address: VAL_ADDRESS, pubKey: VAL_PUBKEY, votingPower: 10n },
      latest: point(latest),
      earliest: point(1n),
      catchingUp: false,
    };
  }

  async block(height: bigint) {
    const s = this.stored(height);
    return s && { blockId: s.blockId, block: s.decoded };
  }

  async blockByHash(hash: Uint8Array) {
    const i = this.blocks.findIndex((b) => Buffer.from(b.blockId.hash).equals(hash));
    return i < 0 ? undefined : this.block(BigInt(i + 1));
  }

  async blockMetas(min: bigint, max: bigint): Promise<BlockMeta[]> {
    const out: BlockMeta[] = [];
    for (let h = min; h <= max; h++) {
      const s = this.stored(h);
      if (s)
        out.push({
          blockId: s.blockId,
          blockSize: BigInt(s.size),
          header: s.decoded.header,
          numTxs: BigInt(s.decoded.data.txs.length),
        });
    }
    return out;
  }

  async commit(height: bigint) {
    const s = this.stored(height);
    const next = this.stored(height + 1n);
    if (!s) return undefined;
    const commit = next?.decoded.lastCommit ?? {
      height,
      round: 0,
      blockId: s.blockId,
      signatures: [],
    };
    return { signedHeader: { header: s.decoded.header, commit }, canonical: next !== undefined };
  }

  async blockResults(height: bigint) {
    const s = this.stored(height);
    return s && ResponseFinalizeBlock.decode(s.results);
  }

  async validators(): Promise<Validator[]> {
    return [
      { address: VAL_ADDRESS, pubKey: { ed25519: VAL_PUBKEY }, votingPower: 10n, proposerPriority: 0n },
    ];
  }

  async consensusParams() {
    return CONSENSUS_PARAMS;
  }

  async genesis() {
    return GENESIS_DOC;
  }

  async abciInfo() {
    const { latest } = this.heights();
    return {
      data: "openledger",
      version: "0.1.0",
      appVersion: 1n,
      lastBlockHeight: latest,
      lastBlockAppHash: h32(`app${latest}`),
    };
  }

  async abciQuery(req: { path: string; data: Uint8Array; height: bigint; prove: boolean }) {
    const height = req.height === 0n ? this.heights().latest : req.height;
    if (req.path === "/fail") {
      return {
        code: 22,
        log: "rpc error: code = NotFound desc = not found",
        info: "",
        index: 0n,
        key: new Uint8Array(),
        value: new Uint8Array(),
        height,
        codespace: "sdk",
      };
    }
    return {
      code: 0,
      log: "",
      info: "",
      index: 0n,
      key: req.data,
      value: Uint8Array.from(req.data).reverse(),
      height,
      codespace: "",
    };
  }

  async checkTx(tx: Uint8Array): Promise<ResponseCheckTx> {
    const bad = TxRaw.decode(tx).bodyBytes[0] === 0x21; // memo starting with "!"
    return {
      code: bad ? 5 : 0,
      data: new Uint8Array(),
      log: bad ? "insufficient funds" : "",
      info: "",
      gasWanted: 100000n,
      gasUsed: 50000n,
      events: [],
      codespace: bad ? "sdk" : "",
    };
  }

  async broadcastTx(tx: Uint8Array) {
    if (this.mempool.some((t) => Buffer.from(t).equals(tx))) throw new Error("tx already exists in cache");
    const r = await this.checkTx(tx);
    if (r.code === 0) this.mempool.push(tx);
    return r;
  }

  async unconfirmedTxs(limit: number) {
    return {
      txs: this.mempool.slice(0, limit),
      total: this.mempool.length,
      totalBytes: this.mempool.reduce((n, t) => n + t.length, 0),
    };
  }

  async netInfo() {
    return { listening: true, listeners: ["Listener(@tcp://0.0.0.0:26656)"], peers: [] };
  }

  subscribe(listener: (e: CommittedBlockEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
