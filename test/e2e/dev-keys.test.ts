// `npm start`'s `start --dev --dev-keys`: the dev accounts' public test keys land in the new home's
// test keyring, and the validator's operator (alice) then runs the x402 facilitator (and the
// attribution worker); a restart keeps them.
import assert from "node:assert/strict";
import { devAccount, devAccounts, useNode } from "./harness.js";
import { cli } from "./x402-support.js";

const START = [
  ...["--dev", "--dev-keys", "--rpc.laddr", "tcp://127.0.0.1:0", "--p2p.laddr", "/ip4/127.0.0.1/tcp/0"],
  ...["--metrics.laddr", "", "--block-interval", "200"],
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
});
