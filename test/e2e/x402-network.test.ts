// One x402 payment sent to two validators' facilitators at once (two `openledgerd start` processes
// of a 2-validator testnet, each facilitating with its operator account): exactly one settles, the
// other answers with the nonce-used reason, and the payee is credited once.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { paymentPayload, signPayment } from "../../client/x402/payer.js";
import {
  networkOf,
  type PaymentRequirements,
  REASONS,
  type SettleResponse,
} from "../../client/x402/types.js";
import { devAccount, NodeProcess } from "./harness.js";
import { allAtLeast, initTestnetHomes, SHORT_TIMEOUTS } from "./testnet-helpers.js";
import { aminoWallet, balanceOf } from "./x402-support.js";

describe("e2e: x402 on a 2-validator network", function () {
  this.timeout(90_000);
  const nodes: NodeProcess[] = [];
  let dir: string;
  let chainId: string;

  before(async function () {
    this.timeout(60_000);
    dir = await mkdtemp(join(tmpdir(), "openledger-x402-net-"));
    const net = initTestnetHomes(dir, 2, SHORT_TIMEOUTS);
    chainId = net.chainId;
    nodes.push(...net.homes.map((home) => NodeProcess.at(home)));
    await Promise.all(nodes.map((n, i) => n.start({ startArgs: net.startArgs[i], timeoutMs: 30_000 })));
    await allAtLeast(nodes, 2n, 30_000);
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") for (const [i, n] of nodes.entries()) n.printLogs(`node${i}`);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the same payment sent to both nodes' facilitators at once settles exactly once", async () => {
    const bob = devAccount("bob").address;
    const resource = "http://api.example/v1/weather";
    const requirements: PaymentRequirements = {
      scheme: "exact",
      network: networkOf(chainId),
      amount: "777",
      asset: "uopen",
      payTo: bob,
      maxTimeoutSeconds: 300,
    };
    // Both facilitators answer /supported with their own signer.
    const signers = await Promise.all(
      nodes.map(
        async (n) =>
          (
            (await (await fetch(`${n.rpcUrl}/x402/supported`)).json()) as {
              signers: Record<string, string[]>;
            }
          ).signers["cosmos:*"]![0],
      ),
    );
    assert.notEqual(signers[0], signers[1]);
    const payload = await signPayment(await aminoWallet("eve"), requirements, resource);
    const body = JSON.stringify({
      x402Version: 2,
      paymentPayload: paymentPayload(2, requirements, payload, { url: resource }),
      paymentRequirements: requirements,
    });
    const before = await balanceOf(nodes[0]!.rpcUrl, bob);
    const answers = (await Promise.all(
      nodes.map(async (n) => (await fetch(`${n.rpcUrl}/x402/settle`, { method: "POST", body })).json()),
    )) as SettleResponse[];
    const won = answers.filter((a) => a.success);
    assert.equal(won.length, 1, JSON.stringify(answers));
    const lost = answers.find((a) => !a.success)!;
    assert.equal(lost.errorReason, REASONS.nonceUsed, JSON.stringify(lost));
    for (const n of nodes) assert.equal(await balanceOf(n.rpcUrl, bob), before + 777n);
    // Once settled, a third try anywhere is refused by /verify and /settle alike.
    const again = (await (
      await fetch(`${nodes[1]!.rpcUrl}/x402/verify`, { method: "POST", body })
    ).json()) as {
      isValid: boolean;
      invalidReason: string;
    };
    assert.deepEqual([again.isValid, again.invalidReason], [false, REASONS.nonceUsed]);
    // Each facilitator settles the next payments: the loser's refused tx did not break its sequence.
    for (const n of nodes) {
      const fresh = await signPayment(await aminoWallet("eve"), requirements, resource);
      const b = JSON.stringify({
        paymentPayload: paymentPayload(2, requirements, fresh),
        paymentRequirements: requirements,
      });
      const r = (await (
        await fetch(`${n.rpcUrl}/x402/settle`, { method: "POST", body: b })
      ).json()) as SettleResponse;
      assert.equal(r.success, true, JSON.stringify(r));
    }
  });
});
