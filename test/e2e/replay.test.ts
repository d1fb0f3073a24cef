// Determinism: run the node with txs, stop it, then replay every block it stored into a fresh
// application in another directory. After every height the replayed app hash and FinalizeBlock
// results must equal what the node stored, and the app hash the next header commits to.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { StargateClient } from "@cosmjs/stargate";
import { MsgMultiSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import { buildModules, STORE_NAMES } from "../../modules/index.js";
import { BaseApp } from "../../node/app/baseapp.js";
import { timestampToNanos } from "../../node/consensus/block-builder.js";
import { parseGenesisDoc } from "../../node/genesis/genesis-doc.js";
import { homePaths } from "../../node/options.js";
import { BlockStore } from "../../node/store/block-store.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import { type Db, openDb } from "../../node/store/db.js";
import { DENOM, devAccounts, devWallet, eventually, PREFIX, useNode } from "./harness.js";
import { MSG_MULTI_SEND_URL, msgSend, signTx } from "./txs.js";

const ROUNDS = 8;

describe("e2e: replaying the stored blocks into a fresh app gives the same app hashes", function () {
  this.timeout(90_000);
  const ctx = useNode({ blockIntervalMs: 200 });
  const dbs: Db[] = [];
  let scratch: string | undefined;

  after(async () => {
    for (const db of dbs) if (db.status === "open") await db.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("every height replays to the stored appHash and the next header's app_hash", async () => {
    // 1. Drive the node: sends among the dev accounts and multi-sends that create new accounts.
    const client = await StargateClient.connect(ctx.node.rpcUrl);
    const hashes: string[] = [];
    try {
      const senders = await Promise.all(
        devAccounts.map(async (a) => {
          const wallet = await devWallet(a.name);
          const account = await client.getAccount(a.address);
          return { address: a.address, wallet, accountNumber: account!.accountNumber, sequence: 0n };
        }),
      );
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, s] of senders.entries()) {
          let msgs = [
            msgSend(
              s.address,
              senders[(i + round + 1) % senders.length]!.address,
              BigInt(100 + round * 10 + i),
            ),
          ];
          if (i === senders.length - 1) {
            const fresh = await DirectSecp256k1HdWallet.generate(12, { prefix: PREFIX });
            const [newAccount] = await fresh.getAccounts();
            msgs = [
              {
                typeUrl: MSG_MULTI_SEND_URL,
                value: MsgMultiSend.fromPartial({
                  inputs: [{ address: s.address, coins: [{ denom: DENOM, amount: "3000" }] }],
                  outputs: [
                    { address: newAccount!.address, coins: [{ denom: DENOM, amount: "1000" }] },
                    { address: senders[0]!.address, coins: [{ denom: DENOM, amount: "2000" }] },
                  ],
                }),
              },
            ];
          }
          const tx = await signTx(s.wallet, {
            msgs,
            accountNumber: s.accountNumber,
            sequence: s.sequence,
            memo: `round ${round}`,
          });
          hashes.push(await client.broadcastTxSync(tx.bytes));
          s.sequence++;
        }
        await ctx.node.waitBlocks(1);
      }
      for (const hash of hashes) {
        const found = await eventually(async () => (await client.getTx(hash)) ?? undefined, `tx ${hash}`);
        assert.equal(found.code, 0, found.rawLog);
      }
      await ctx.node.waitBlocks(2);
    } finally {
      client.disconnect();
    }
    const { code, signal } = await ctx.node.stop();
    assert.equal(code, 0, `node exit code ${code} signal ${signal}`);

    // 2. The node's stores, read from its LevelDB (nothing is written to it).
    const paths = homePaths(ctx.node.home);
    const genesis = parseGenesisDoc(JSON.parse(await readFile(paths.genesis, "utf8")));
    const nodeDb = await openDb(paths.db);
    dbs.push(nodeDb);
    const blocks = await BlockStore.open(nodeDb);
    const nodeState = await CommittedStore.load(nodeDb, STORE_NAMES);
    const height = blocks.height;
    assert.ok(height >= BigInt(ROUNDS + 2), `only ${height} blocks`);
    assert.equal(nodeState.lastCommit.height, height);

    // 3. A fresh app in another directory, from the same genesis.
    scratch = await mkdtemp(join(tmpdir(), "openledger-replay-"));
    const db = await openDb(join(scratch, "app.db"));
    dbs.push(db);
    const committed = await CommittedStore.load(db, STORE_NAMES);
    const { modules, ante } = buildModules();
    const app = new BaseApp({ chainId: genesis.chainId, db, committed, modules, ante });
    const { appHash: genesisHash } = await app.initChain({
      chainId: genesis.chainId,
      timeNs: timestampToNanos(genesis.genesisTime),
      initialHeight: genesis.initialHeight,
      appState: genesis.appState,
      validators: genesis.validators.map((v) => ({ pubKey: v.pubKey, power: v.votingPower })),
    });
    const first = await blocks.block(genesis.initialHeight);
    assert.equal(
      toHex(first!.block.header!.appHash),
      toHex(genesisHash),
      "block 1 commits to the genesis state",
    );

    // 4. Replay.
    let txCount = 0;
    for (let h = genesis.initialHeight; h <= height; h++) {
      const stored = await blocks.block(h);
      assert.ok(stored, `block ${h} missing`);
      const header = stored.block.header!;
      const txs = stored.block.data?.txs ?? [];
      txCount += txs.length;
      const result = app.finalizeBlock({
        height: header.height,
        timeNs: timestampToNanos(header.time!),
        txs,
        hash: stored.blockId.hash,
        proposerAddress: header.proposerAddress,
        misbehavior: [],
      });
      const recorded = await blocks.results(h);
      assert.ok(recorded, `results of block ${h} missing`);
      assert.equal(toHex(result.appHash), toHex(recorded.appHash), `app hash after block ${h}`);
      // The whole FinalizeBlock response is reproduced byte for byte (codes, gas, events, data).
      const replayed = ResponseFinalizeBlock.encode({
        events: result.events,
        txResults: result.txResults,
        validatorUpdates: [],
        consensusParamUpdates: undefined,
        appHash: result.appHash,
      }).finish();
      assert.equal(
        toHex(replayed),
        toHex(ResponseFinalizeBlock.encode(recorded).finish()),
        `results of block ${h}`,
      );
      const next = await blocks.block(h + 1n);
      if (next) {
        assert.equal(
          toHex(next.block.header!.appHash),
          toHex(result.appHash),
          `block ${h + 1n} header app_hash`,
        );
      }
      await app.commit();
    }
    assert.equal(txCount, hashes.length, "every tx sent is in exactly one stored block");
    assert.equal(toHex(app.info().lastBlockAppHash), toHex(nodeState.lastCommit.appHash));
    assert.equal(app.info().lastBlockHeight, height);
    // The exported state agrees too (the same accounts, balances and params).
    const nodeApp = new BaseApp({
      chainId: genesis.chainId,
      db: nodeDb,
      committed: nodeState,
      ...buildModules(),
    });
    assert.deepEqual(app.exportGenesis(), nodeApp.exportGenesis());
  });
});
