// `npm start`'s `start --dev --dev-keys`: the dev accounts' public test keys land in the new home's
// test keyring, and the validator's operator (alice) then runs the x402 facilitator (and the
// attribution worker); a restart keeps them.
import assert from "node:assert/strict";
import { paymentPayload, signPayment } from "../../client/x402/payer.js";
import { REASONS } from "../../client/x402/types.js";
import { CHAIN_ID, devAccount, devAccounts, useNode } from "./harness.js";
import { aminoWallet, cli } from "./x402-support.js";

const START = [
  ...["--dev", "--dev-keys", "--rpc.laddr", "tcp://127.0.0.1:0", "--p2p.laddr", "/ip4/127.0.0.1/tcp/0"],
  ...["--metrics.laddr", "", "--block-interval", "200"],
  // The facilitator's limits (its account pays every settlement's gas).
  ...["--x402.min-amount", "100", "--x402.payees", devAccount("bob").address],
];

describe("e2e: start --dev --dev-keys", function () {
  this.timeout(30_000);
  const ctx = useNode({ startArgs: START });

  it("puts the dev keys in the home's keyring and the facilitator signs as alice", async () => {
    const list = await cli([
      "keys",
      "list",
      "--home",
      ctx.node.home,
      "--keyring-backend",
      "test",
      "-o",
      "json",
    ]);
    assert.equal(list.code, 0, list.stderr);
    const keys = (JSON.parse(list.stdout) as { name: string; address: string }[]).map((k) => [
      k.name,
      k.address,
    ]);
    assert.deepEqual(keys.sort(), devAccounts.map((a) => [a.name, a.address]).sort());
    const supported = (await (await fetch(`${ctx.node.rpcUrl}/x402/supported`)).json()) as {
      signers: Record<string, string[]>;
    };
    assert.deepEqual(supported.signers["cosmos:*"], [devAccount("alice").address]);
    await ctx.node.stop();
    await ctx.node.start({ startArgs: START });
    const again = await fetch(`${ctx.node.rpcUrl}/x402/supported`);
    assert.equal(again.status, 200, "a restart keeps the keys and the facilitator");
  });

  it("the facilitator settles only what --x402.min-amount and --x402.payees allow", async () => {
    const verify = async (payTo: string, amount: string) => {
      const requirements = {
        scheme: "exact",
        network: `cosmos:${CHAIN_ID}`,
        amount,
        asset: "uopen",
        payTo,
        maxTimeoutSeconds: 120,
      };
      const payload = await signPayment(await aminoWallet("eve"), requirements, "http://api.example/x");
      const res = await fetch(`${ctx.node.rpcUrl}/x402/verify`, {
        method: "POST",
        body: JSON.stringify({
          paymentPayload: paymentPayload(2, requirements, payload),
          paymentRequirements: requirements,
        }),
      });
      return (await res.json()) as { isValid: boolean; invalidReason?: string; invalidMessage?: string };
    };
    assert.deepEqual(await verify(devAccount("bob").address, "100"), {
      isValid: true,
      payer: devAccount("eve").address,
    });
    const small = await verify(devAccount("bob").address, "99");
    assert.equal(small.invalidReason, REASONS.value);
    assert.match(small.invalidMessage ?? "", /at least 100uopen/);
    const other = await verify(devAccount("carol").address, "500");
    assert.equal(other.invalidReason, REASONS.requirements);
    assert.match(other.invalidMessage ?? "", /does not settle payments to/);
    const bad = await cli(["start", "--dev", "--home", `${ctx.node.home}-x`, "--x402.min-amount", "lots"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--x402.min-amount must be an amount of uopen/);
  });
});
