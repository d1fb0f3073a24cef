// A local 4-validator testnet as users run it: `testnet init --validators 4`, then the printed
// `start` command of each node as its own process (node3's links go through TCP relays so that the
// test can cut it off). The acceptance checks of the BFT issue: the nodes agree on every block;
// cosmjs-signed sends to each node are committed once, at the same place everywhere; with one node
// killed (kill -9) blocks keep coming and the node catches up and signs again after a restart; with
// two of four stopped the chain halts without forking and resumes when they return; a node cut off
// from its peers catches up once the partition heals; a validator whose key signs two prevotes is
// jailed and slashed through committed evidence.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertIsDeliverTxSuccess, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { homePaths } from "../../node/options.js";
import { DoubleSigner } from "./double-signer.js";
import { DENOM, devAccount, devWallet, eventually, MIN_GAS_PRICE, NodeProcess, sleep } from "./harness.js";
import { LinkProxy } from "./link-proxy.js";
import {
  allAtLeast,
  evidenceAt,
  heightOf,
  initTestnetHomes,
  SHORT_TIMEOUTS,
  sameChain,
  stakingValidator,
  validatorAddress,
  validatorsAt,
  waitForSignature,
} from "./testnet-helpers.js";

const VALIDATORS = 4;
const CUT = 3;

/** Routes every link of node CUT through a relay: its own dials, and the others' dials to it. */
async function relayLinks(startArgs: string[][], proxies: LinkProxy[]): Promise<void> {
  const portOf = (addr: string) => Number(/\/tcp\/(\d+)/.exec(addr)![1]);
  const laddr = (args: string[]) => args[args.indexOf("--p2p.laddr") + 1]!;
  const relayed = new Map<number, number>();
  for (const args of startArgs) {
    const port = portOf(laddr(args));
    const proxy = await LinkProxy.start(port);
    proxies.push(proxy);
    relayed.set(port, proxy.port);
  }
  const cutPort = portOf(laddr(startArgs[CUT]!));
  for (const [i, args] of startArgs.entries()) {
    const at = args.indexOf("--p2p.persistent_peers") + 1;
    args[at] = args[at]!.split(",")
      .map((addr) => {
        const port = portOf(addr);
        return i === CUT || port === cutPort
          ? addr.replace(`/tcp/${port}/`, `/tcp/${relayed.get(port)}/`)
          : addr;
      })
      .join(",");
  }
}

describe("e2e: 4-validator testnet from `testnet init`", function () {
  this.timeout(60_000);
  let dir: string;
  let chainId: string;
  const nodes: NodeProcess[] = [];
  const startArgs: string[][] = [];
  const proxies: LinkProxy[] = [];

  before(async function () {
    this.timeout(45_000);
    dir = await mkdtemp(join(tmpdir(), "openledger-testnet-"));
    const net = initTestnetHomes(dir, VALIDATORS, SHORT_TIMEOUTS);
    chainId = net.chainId;
    startArgs.push(...net.startArgs);
    nodes.push(...net.homes.map((home) => NodeProcess.at(home)));
    await relayLinks(startArgs, proxies);
    try {
      await Promise.all(nodes.map((n, i) => n.start({ startArgs: startArgs[i], timeoutMs: 30_000 })));
    } catch (err) {
      for (const n of nodes) n.printLogs("testnet node failed to start");
      throw err;
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") {
      for (const [i, n] of nodes.entries()) n.printLogs(`testnet node${i}`);
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
    for (const p of proxies) await p.close();
    if (dir && !process.env.E2E_KEEP_HOME) await rm(dir, { recursive: true, force: true });
  });

  const start = (i: number) => nodes[i]!.start({ startArgs: startArgs[i], timeoutMs: 30_000 });

  it("all four reach height 3 with identical blocks", async () => {
    const common = await allAtLeast(nodes, 3n, 30_000);
    await sameChain(nodes, 1n, common);
    const s = await StargateClient.connect(nodes[2]!.rpcUrl);
    assert.equal(await s.getChainId(), chainId);
    s.disconnect();
    // Each node's /metrics has the consensus family.
    const laddr = startArgs[1]![startArgs[1]!.indexOf("--metrics.laddr") + 1]!;
    const text = await (await fetch(`http://${laddr.replace("tcp://", "")}/metrics`)).text();
    assert.match(text, /^openledger_consensus_height \d+$/m);
    assert.match(text, /^openledger_consensus_peers 3$/m);
    assert.match(text, /^openledger_consensus_votes_received_total\{type="precommit"\} [1-9]\d*$/m);
  });

  it("sends broadcast through each of the four nodes are committed once, in the same blocks everywhere", async () => {
    const senders = ["alice", "bob", "carol", "dave"] as const;
    const results = await Promise.all(
      senders.map(async (name, i) => {
        const client = await SigningStargateClient.connectWithSigner(
          nodes[i]!.rpcUrl,
          await devWallet(name),
          {
            gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
          },
        );
        try {
          const to = devAccount(senders[(i + 1) % 4]!).address;
          return await client.sendTokens(
            devAccount(name).address,
            to,
            [{ denom: DENOM, amount: `${4242 + i}` }],
            "auto",
          );
        } finally {
          client.disconnect();
        }
      }),
    );
    for (const r of results) assertIsDeliverTxSuccess(r);
    let top = 0n;
    for (const r of results) if (BigInt(r.height) > top) top = BigInt(r.height);
    const common = await allAtLeast(nodes, top, 15_000);
    await sameChain(nodes, 1n, common);
    // Each tx is found through every node, at the height and index its sender saw, exactly once.
    for (const n of nodes) {
      const reader = await StargateClient.connect(n.rpcUrl);
      try {
        for (const r of results) {
          const found = await eventually(
            async () => (await reader.getTx(r.transactionHash)) ?? undefined,
            "the tx",
            15_000,
          );
          assert.equal(found.height, r.height);
          assert.equal(found.txIndex, r.txIndex);
          assert.equal(found.code, 0);
          const hits = await reader.searchTx(`tx.height=${r.height}`);
          assert.equal(hits.filter((t) => t.hash === r.transactionHash).length, 1);
        }
      } finally {
        reader.disconnect();
      }
    }
  });

  it("kill -9 one validator: blocks keep coming; restarted, it catches up and signs again", async () => {
    const victim = nodes[2]!;
    const address = await validatorAddress(victim);
    await victim.kill();
    const live = nodes.filter((n) => n !== victim);
    const before = await allAtLeast(live, 1n, 5_000);
    const after = await allAtLeast(live, before + 4n, 30_000);
    await start(2);
    const caughtUp = await allAtLeast([victim], after, 30_000);
    await sameChain(nodes, 1n, caughtUp);
    await waitForSignature(nodes[0]!, address, caughtUp, 30_000);
  });

  it("two of four stopped: the chain halts without forking; restarted, it resumes", async () => {
    await Promise.all([nodes[1]!.stop(), nodes[2]!.stop()]);
    const rest = [nodes[0]!, nodes[3]!];
    await sleep(1500); // a block in flight may still commit
    const halted = await allAtLeast(rest, 1n, 5_000);
    await sleep(3000);
    for (const n of rest) assert.ok((await heightOf(n))! <= halted + 1n, "a block was committed without 2/3");
    await Promise.all([start(1), start(2)]);
    const resumed = await allAtLeast(nodes, halted + 3n, 40_000);
    await sameChain(nodes, 1n, resumed);
  });

  it("a validator cut off from its peers catches up after the partition heals", async () => {
    for (const p of proxies) p.cut();
    const cut = nodes[CUT]!;
    const others = nodes.filter((n) => n !== cut);
    const at = (await heightOf(cut))!;
    const target = (await allAtLeast(others, 1n, 5_000)) + 5n;
    await allAtLeast(others, target, 30_000);
    assert.ok((await heightOf(cut))! <= at + 1n, "the cut-off node went on alone");
    for (const p of proxies) p.heal();
    const healed = await allAtLeast(nodes, target + 1n, 40_000);
    await sameChain(nodes, 1n, healed);
    await waitForSignature(nodes[0]!, await validatorAddress(cut), healed, 30_000);
  });

  it("a validator that double-signs: evidence is committed, it is jailed and slashed, the chain goes on", async () => {
    const cheater = nodes[1]!;
    const address = await validatorAddress(cheater);
    const peersFile = (await readFile(join(dir, "peers.txt"), "utf8")).split("\n");
    const signer = await DoubleSigner.join(chainId, homePaths(cheater.home).privValidatorKey, peersFile[0]!);
    try {
      const vals = await validatorsAt(nodes[0]!);
      const index = vals.findIndex((v) => v.address === address);
      assert.ok(index >= 0, "the cheater is a validator");
      const found = await eventually(
        async () => {
          const top = (await heightOf(nodes[0]!))!;
          await signer.equivocate(top + 1n, index);
          await sleep(1500);
          for (let h = top + 1n; h <= (await heightOf(nodes[0]!))!; h++) {
            const ev = await evidenceAt(nodes[0]!, h);
            if (ev.some((e) => e.value.vote_a.validator_address === address)) return { h, ev };
          }
          return undefined;
        },
        "duplicate vote evidence in a block",
        40_000,
        0,
      );
      assert.equal(found.ev[0]!.type, "tendermint/DuplicateVoteEvidence");
      const target = found.h + 3n;
      const reached = await allAtLeast(nodes, target, 30_000);
      await sameChain(nodes, 1n, reached);
      let committed = 0;
      for (let h = 1n; h <= reached; h++) {
        committed += (await evidenceAt(nodes[2]!, h)).filter(
          (e) => e.value.vote_a.validator_address === address,
        ).length;
      }
      assert.equal(committed, 1, "the evidence is committed exactly once");
      const after = await validatorsAt(nodes[3]!, target);
      assert.equal(after.length, 3);
      assert.ok(!after.some((v) => v.address === address), "the cheater left the validator set");
      const jailed = await stakingValidator(nodes[0]!.rpcUrl, address);
      assert.equal(jailed.jailed, true);
      assert.ok(BigInt(jailed.tokens) < 10_000_000n, `tokens ${jailed.tokens} not slashed`);
    } finally {
      await signer.stop();
    }
  });
});
