// Staking against the real node process (single-validator dev chain) with the stock cosmjs client:
// delegateTokens to the dev validator, setupStakingExtension queries, undelegateTokens creating an
// unbonding entry, MsgCreateValidator through signAndBroadcast, and the CLI (`tx staking delegate`,
// `query staking …`). The node does not apply validator updates on the dev chain yet: this checks
// the application side through the wire.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  assertIsDeliverTxSuccess,
  GasPrice,
  QueryClient,
  SigningStargateClient,
  type StakingExtension,
  setupStakingExtension,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { ed25519ToAny, formatValoper } from "../../modules/staking/index.js";
import { formatAddress, moduleAddress, parseAddress } from "../../node/app/address.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import { DENOM, devAccount, devWallet, MIN_GAS_PRICE, useNode } from "./harness.js";

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));
const BONDED_POOL = formatAddress(moduleAddress("bonded_tokens_pool"));
const valoper = (address: string) => formatValoper(parseAddress(address));

function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, OPENLEDGER_KEYRING_BACKEND: undefined, OPENLEDGER_NODE: undefined };
    const child = execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe("e2e: staking through the stock cosmjs client", function () {
  this.timeout(90_000);
  const ctx = useNode({ blockIntervalMs: 200 });
  const bob = devAccount("bob").address;
  const devVal = valoper(devAccount("alice").address);
  let client: SigningStargateClient;
  let comet: Comet38Client;
  let q: QueryClient & StakingExtension;

  before(async () => {
    client = await SigningStargateClient.connectWithSigner(ctx.node.rpcUrl, await devWallet("bob"), {
      gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
    });
    comet = await Comet38Client.connect(ctx.node.rpcUrl);
    q = QueryClient.withExtensions(comet, setupStakingExtension);
    await ctx.node.waitForHeight(2n);
  });
  after(() => {
    client?.disconnect();
    comet?.disconnect();
  });

  it("the dev chain has one bonded validator operated by alice, power 10", async () => {
    const { validators } = await q.staking.validators("BOND_STATUS_BONDED");
    assert.equal(validators.length, 1);
    const v = validators[0]!;
    assert.equal(v.operatorAddress, devVal);
    assert.equal(v.tokens, "10000000");
    assert.equal(v.description.moniker, "dev-validator");
    assert.equal((await q.staking.pool()).pool.bondedTokens, "10000000");
    assert.equal((await client.getBalance(BONDED_POOL, DENOM)).amount, "10000000");
  });

  it("delegateTokens, then the queries show the delegation", async () => {
    const r = await client.delegateTokens(bob, devVal, { denom: DENOM, amount: "5000000" }, "auto");
    assertIsDeliverTxSuccess(r);
    const d = (await q.staking.delegation(bob, devVal)).delegationResponse!;
    assert.deepEqual(d.balance, { denom: DENOM, amount: "5000000" });
    assert.equal(d.delegation.shares, (5_000_000n * 10n ** 18n).toString());
    assert.equal((await q.staking.validator(devVal)).validator.tokens, "15000000");
    const mine = (await q.staking.delegatorDelegations(bob)).delegationResponses;
    assert.deepEqual(
      mine.map((x) => x.delegation.validatorAddress),
      [devVal],
    );
    assert.equal((await client.getDelegation(bob, devVal))?.amount, "5000000");
  });

  it("undelegateTokens creates an unbonding entry that completes after the unbonding period", async () => {
    const r = await client.undelegateTokens(bob, devVal, { denom: DENOM, amount: "2000000" }, "auto");
    assertIsDeliverTxSuccess(r);
    const { unbond } = await q.staking.unbondingDelegation(bob, devVal);
    assert.equal(unbond.entries.length, 1);
    const e = unbond.entries[0]!;
    assert.deepEqual(
      [e.initialBalance, e.balance, e.creationHeight],
      ["2000000", "2000000", BigInt(r.height)],
    );
    const block = await comet.block(r.height);
    const blockSeconds = BigInt(Math.floor(block.block.header.time.getTime() / 1000));
    assert.ok(e.completionTime.seconds - blockSeconds >= 21n * 86400n - 1n, "21 days of block time");
    assert.equal((await q.staking.delegation(bob, devVal)).delegationResponse?.balance.amount, "3000000");
    assert.equal((await q.staking.pool()).pool.notBondedTokens, "2000000");
  });

  it("MsgCreateValidator through signAndBroadcast; refusals answer the staking codespace", async () => {
    const carol = devAccount("carol").address;
    const carolClient = await SigningStargateClient.connectWithSigner(
      ctx.node.rpcUrl,
      await devWallet("carol"),
      {
        gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
      },
    );
    try {
      const msg = {
        typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
        value: {
          description: { moniker: "carol", identity: "", website: "", securityContact: "", details: "" },
          commission: { rate: "50000000000000000", maxRate: "100000000000000000", maxChangeRate: "0" },
          minSelfDelegation: "1",
          delegatorAddress: "",
          validatorAddress: valoper(carol),
          pubkey: ed25519ToAny(keyFromSecret("e2e-staking-carol").pubKey),
          value: { denom: DENOM, amount: "3000000" },
        },
      };
      assertIsDeliverTxSuccess(await carolClient.signAndBroadcast(carol, [msg], "auto"));
      const v = (await q.staking.validator(valoper(carol))).validator;
      assert.equal(v.status, BondStatus.BOND_STATUS_BONDED);
      assert.equal(v.tokens, "3000000");
      await assert.rejects(carolClient.signAndBroadcast(carol, [msg], "auto"), /validator already exist/);
      await assert.rejects(
        carolClient.delegateTokens(carol, valoper(bob), { denom: DENOM, amount: "1" }, "auto"),
        /code 3.*validator does not exist|validator does not exist/s,
      );
    } finally {
      carolClient.disconnect();
    }
  });

  it("CLI: tx staking delegate and query staking delegation / validators (-o json)", async () => {
    const home = await mkdtemp(join(tmpdir(), "openledger-cli-"));
    try {
      const common = ["--home", home, "--keyring-backend", "test"];
      const added = await cli(
        ["keys", "add", "dave", "--recover", ...common],
        `${devAccount("dave").mnemonic}\n`,
      );
      assert.equal(added.code, 0, added.stderr);
      const node = ["--node", ctx.node.rpcUrl, "-o", "json"];
      const tx = await cli([
        "tx",
        "staking",
        "delegate",
        devVal,
        "1000000uopen",
        "--from",
        "dave",
        ...common,
        ...node,
      ]);
      assert.equal(tx.code, 0, tx.stderr);
      assert.equal((JSON.parse(tx.stdout) as { code: number }).code, 0);
      const dave = devAccount("dave").address;
      const d = await cli(["query", "staking", "delegation", dave, devVal, ...node]);
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual((JSON.parse(d.stdout) as { balance: unknown }).balance, {
        denom: DENOM,
        amount: "1000000",
      });
      const vs = await cli(["query", "staking", "validators", "--status", "bonded", ...node]);
      assert.equal(vs.code, 0, vs.stderr);
      const list = (JSON.parse(vs.stdout) as { validators: { operatorAddress: string; status: string }[] })
        .validators;
      assert.ok(list.some((v) => v.operatorAddress === devVal && v.status === "BOND_STATUS_BONDED"));
      const bad = await cli([
        "tx",
        "staking",
        "unbond",
        devVal,
        "5000000uopen",
        "--from",
        "dave",
        ...common,
        ...node,
      ]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /not enough delegation shares/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
