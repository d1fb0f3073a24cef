// Issue 3's two-node check: on a 2-validator testnet (two node processes), a contributor declares a
// 300 KiB contribution by sha256 through node0 and pushes its bytes to node0's HTTP content store;
// once the owner approves it (through node1), node1 fetches it from node0 over
// /openledger/content/1.0.0 in the background, checking every chunk, and serves the same bytes.
// Bytes that do not match the declared hash are refused by node0 and never reach node1. A registered
// model's artifact travels the same way, so every validator can run a model it must attribute for.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { assertIsDeliverTxSuccess, GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import {
  contributionResponse,
  createdDatanetId,
  msgContribute,
  msgCreateDatanet,
  msgRegisterModel,
  msgReviewContribution,
  openledgerRegistry,
} from "../../client/index.js";
import { devAccount, devWallet, eventually, MIN_GAS_PRICE, NodeProcess } from "./harness.js";
import { allAtLeast, initTestnetHomes, SHORT_TIMEOUTS } from "./testnet-helpers.js";

describe("e2e: content contributed through one node is fetched and verified by another", function () {
  this.timeout(90_000);
  let dir: string;
  const nodes: NodeProcess[] = [];

  before(async function () {
    this.timeout(60_000);
    dir = await mkdtemp(join(tmpdir(), "openledger-content2-"));
    const net = initTestnetHomes(dir, 2, SHORT_TIMEOUTS);
    nodes.push(...net.homes.map((home) => NodeProcess.at(home)));
    await Promise.all(nodes.map((n, i) => n.start({ startArgs: net.startArgs[i], timeoutMs: 30_000 })));
    await allAtLeast(nodes, 2n, 30_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") for (const [i, n] of nodes.entries()) n.printLogs(`node${i}`);
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
    await rm(dir, { recursive: true, force: true });
  });

  async function sendThrough(node: NodeProcess, name: "alice" | "bob", msgs: EncodeObject[]) {
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, await devWallet(name), {
      registry: openledgerRegistry(),
      gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
      broadcastPollIntervalMs: 200,
    });
    try {
      const r = await client.signAndBroadcast(devAccount(name).address, msgs, "auto");
      assertIsDeliverTxSuccess(r);
      return r;
    } finally {
      client.disconnect();
    }
  }

  it("node1 fetches node0's pushed content after approval, byte for byte", async () => {
    const alice = devAccount("alice").address;
    const bob = devAccount("bob").address;
    const created = await sendThrough(nodes[0]!, "alice", [
      msgCreateDatanet({
        owner: alice,
        name: "Scans",
        domain: "medicine",
        dataType: "image",
      }),
    ]);
    const datanetId = createdDatanetId(created);
    const bytes = new Uint8Array(randomBytes(300 * 1024));
    const hash = toHex(sha256(bytes));
    const contributed = await sendThrough(nodes[0]!, "bob", [
      msgContribute({
        contributor: bob,
        datanetId,
        content: bytes,
        inline: false,
        mediaType: "image/png",
        license: "CC-BY-4.0",
      }),
    ]);
    const { contributionId } = contributionResponse(contributed);

    const url = (n: NodeProcess) => `${n.rpcUrl}/content/${hash}`;
    const tampered = Uint8Array.from(bytes);
    tampered[1000] = tampered[1000]! ^ 1;
    const refused = await fetch(url(nodes[0]!), { method: "PUT", body: tampered });
    assert.equal(refused.status, 400, await refused.text());
    const pushed = await fetch(url(nodes[0]!), { method: "PUT", body: bytes });
    assert.ok(pushed.ok, `${pushed.status} ${await pushed.text()}`);
    assert.equal((await fetch(url(nodes[1]!))).status, 404, "node1 has no copy before approval");

    await sendThrough(nodes[1]!, "alice", [
      msgReviewContribution({ curator: alice, contributionId, decision: "approve", score: 70 }),
    ]);
    const fetched = await eventually(
      async () => {
        const res = await fetch(url(nodes[1]!));
        return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
      },
      "node1 serving the content",
      30_000,
      250,
    );
    assert.equal(fetched.length, bytes.length);
    assert.equal(toHex(sha256(fetched)), hash);
    assert.ok(Buffer.from(fetched).equals(Buffer.from(bytes)));
  });

  it("a registered model's artifact pushed to node0 is fetched by node1 (validators run the model)", async () => {
    const artifact = new Uint8Array(randomBytes(120 * 1024));
    const hash = toHex(sha256(artifact));
    const url = (n: NodeProcess) => `${n.rpcUrl}/content/${hash}`;
    const early = await fetch(url(nodes[0]!), { method: "PUT", body: artifact });
    assert.equal(early.status, 403, "no model declares it yet");
    await sendThrough(nodes[0]!, "alice", [
      msgRegisterModel({ owner: devAccount("alice").address, name: "clf", artifact, format: "onnx" }),
    ]);
    const pushed = await fetch(url(nodes[0]!), { method: "PUT", body: artifact });
    assert.ok(pushed.ok, `${pushed.status} ${await pushed.text()}`);
    const fetched = await eventually(
      async () => {
        const res = await fetch(url(nodes[1]!));
        return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
      },
      "node1 serving the artifact",
      30_000,
      250,
    );
    assert.ok(Buffer.from(fetched).equals(Buffer.from(artifact)));
  });
});
