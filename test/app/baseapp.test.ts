// BaseApp with the auth and bank modules, driven by txs the stock cosmjs wallet signs: a MsgSend's
// effects and events, the gRPC queries cosmjs uses, and simulation.
import assert from "node:assert/strict";
import { toBase64 } from "@cosmjs/encoding";
import { accountFromAny } from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import {
  account,
  allBalances,
  balance,
  buildTx,
  coin,
  cosmjsQueryClient,
  DENOM,
  DEV_ACCOUNTS,
  devAppState,
  eventsOf,
  FEE_COLLECTOR,
  genesisApp,
  minFee,
  msgSend,
  queryOk,
  registry,
  runBlock,
  SIMULATE_PATH,
  type Signer,
  START_BALANCE,
  sequenceOf,
  signer,
  simulateRequest,
  snapshot,
  type TestApp,
} from "./helpers.js";

/** An address no genesis or tx ever touched. */
const NEVER_SEEN = "open1qurswpc8qurswpc8qurswpc8qurswpc8yc4zuk";

describe("BaseApp (auth + bank, real signatures)", () => {
  let t: TestApp;
  let alice: Signer;
  let bob: Signer;
  let carol: Signer;

  before(async () => {
    [alice, bob, carol] = await Promise.all([signer("alice"), signer("bob"), signer("carol")]);
  });
  beforeEach(async () => {
    t = await genesisApp();
  });
  afterEach(async () => {
    await t.close();
  });

  describe("a valid MsgSend", () => {
    it("passes checkTx without touching committed state, then executes exactly in a block", async () => {
      const app = t.app;
      const genesisHash = snapshot(app).appHash;
      assert.equal(app.info().lastBlockHeight, 0n);
      assert.equal(account(app, alice.address)?.pubKey, undefined, "no pubkey before the first tx");

      const amount = 12_345n;
      const fee = 5_000n;
      const tx = await buildTx(alice, {
        msgs: [msgSend(alice.address, bob.address, [coin(amount)])],
        gas: 200_000,
        fee: [coin(fee)],
      });

      const checked = app.checkTx(tx.bytes);
      assert.equal(checked.code, 0, checked.log);
      assert.equal(checked.gasWanted, 200_000n);
      assert.ok(checked.gasUsed > 0n && checked.gasUsed < 200_000n, `gasUsed ${checked.gasUsed}`);
      // checkTx runs on the check state only.
      assert.equal(snapshot(app).appHash, genesisHash);
      assert.equal(balance(app, alice.address), START_BALANCE);
      assert.equal(sequenceOf(app, alice.address), 0n);

      const block = await runBlock(app, [tx.bytes]);
      assert.equal(block.txResults.length, 1);
      const res = block.txResults[0]!;
      assert.equal(res.code, 0, res.log);
      assert.equal(res.codespace, "");
      assert.equal(res.gasWanted, 200_000n);
      assert.equal(res.gasUsed, checked.gasUsed, "check and deliver meter the same gas");
      assert.equal(app.info().lastBlockHeight, 1n);
      assert.notEqual(snapshot(app).appHash, genesisHash);
      assert.deepEqual(app.info().lastBlockAppHash, block.appHash);

      // Balances move by exactly amount + fee; the fee lands in the fee collector.
      assert.equal(balance(app, alice.address), START_BALANCE - amount - fee);
      assert.equal(balance(app, bob.address), START_BALANCE + amount);
      assert.equal(balance(app, FEE_COLLECTOR), fee);
      assert.equal(balance(app, carol.address), START_BALANCE);
      assert.deepEqual(allBalances(app, FEE_COLLECTOR), [coin(fee)]);

      // Sequence incremented, pubkey set from SignerInfo, account number unchanged.
      const acc = account(app, alice.address)!;
      assert.equal(acc.sequence, 1n);
      assert.equal(acc.accountNumber, 0n);
      assert.equal(acc.address, alice.address);
      assert.equal(acc.pubKey?.typeUrl, "/cosmos.crypto.secp256k1.PubKey");
      assert.deepEqual(PubKey.decode(acc.pubKey.value).key, alice.pubkey);
      assert.equal(sequenceOf(app, bob.address), 0n, "the recipient's sequence does not move");
      assert.equal(account(app, bob.address)?.pubKey, undefined);

      // Events, SDK style.
      const ev = res.events;
      assert.ok(
        ev.every((e) => e.attributes.every((a) => a.index)),
        "every attribute is indexed",
      );
      assert.deepEqual(
        eventsOf(ev, "message").filter((m) => m.action),
        [{ action: "/cosmos.bank.v1beta1.MsgSend", sender: alice.address, module: "bank" }],
      );
      assert.deepEqual(eventsOf(ev, "transfer"), [
        { recipient: FEE_COLLECTOR, sender: alice.address, amount: `${fee}uopen` },
        { recipient: bob.address, sender: alice.address, amount: `${amount}uopen` },
      ]);
      assert.deepEqual(eventsOf(ev, "coin_spent"), [
        { spender: alice.address, amount: `${fee}uopen` },
        { spender: alice.address, amount: `${amount}uopen` },
      ]);
      assert.deepEqual(eventsOf(ev, "coin_received"), [
        { receiver: FEE_COLLECTOR, amount: `${fee}uopen` },
        { receiver: bob.address, amount: `${amount}uopen` },
      ]);
      assert.deepEqual(eventsOf(ev, "tx"), [
        { fee: `${fee}uopen`, fee_payer: alice.address },
        { acc_seq: `${alice.address}/0` },
        { signature: toBase64(tx.signature) },
      ]);
      // Ante events (fee, sequence, signature) come before the message's.
      const types = ev.map((e) => e.type);
      assert.ok(
        types.lastIndexOf("tx") <
          types.findIndex((ty, i) => ty === "message" && ev[i]!.attributes.some((a) => a.key === "action")),
      );

      // data = TxMsgData{msg_responses: [Any(MsgSendResponse)]}, which cosmjs reads as msgResponses.
      const data = TxMsgData.decode(res.data);
      assert.equal(data.data.length, 0);
      assert.equal(data.msgResponses.length, 1);
      assert.equal(data.msgResponses[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
      assert.deepEqual(MsgSendResponse.decode(data.msgResponses[0]!.value), {});

      // Supply is conserved.
      const supply = QueryTotalSupplyResponse.decode(
        queryOk(app, "/cosmos.bank.v1beta1.Query/TotalSupply", QueryTotalSupplyRequest.encode({}).finish()),
      ).supply;
      assert.deepEqual(supply, [coin(START_BALANCE * BigInt(DEV_ACCOUNTS.length))]);
    });

    it("a second tx without SignerInfo.public_key is verified with the stored pubkey", async () => {
      const first = await buildTx(alice, { msgs: [msgSend(alice.address, bob.address, [coin(1)])] });
      assert.equal((await runBlock(t.app, [first.bytes])).txResults[0]!.code, 0);
      const second = await buildTx(alice, {
        msgs: [msgSend(alice.address, bob.address, [coin(2)])],
        sequence: 1n,
        omitPubkey: true,
      });
      const res = (await runBlock(t.app, [second.bytes])).txResults[0]!;
      assert.equal(res.code, 0, res.log);
      assert.deepEqual(eventsOf(res.events, "tx")[1], { acc_seq: `${alice.address}/1` });
      assert.equal(sequenceOf(t.app, alice.address), 2n);
      assert.equal(balance(t.app, bob.address), START_BALANCE + 3n);
    });

    it("the first tx of an account without SignerInfo.public_key is refused (code 8)", async () => {
      const before = snapshot(t.app);
      const tx = await buildTx(alice, {
        msgs: [msgSend(alice.address, bob.address, [coin(1)])],
        omitPubkey: true,
      });
      const res = t.app.checkTx(tx.bytes);
      assert.equal(res.code, 8);
      assert.equal(res.codespace, "sdk");
      assert.equal(res.log, `pubkey on account ${alice.address} is not set: invalid pubkey`);
      assert.deepEqual(snapshot(t.app), before);
    });

    it("a send to a never-seen address creates its account with the next account number", async () => {
      const tx = await buildTx(alice, { msgs: [msgSend(alice.address, NEVER_SEEN, [coin(777)])] });
      const res = (await runBlock(t.app, [tx.bytes])).txResults[0]!;
      assert.equal(res.code, 0, res.log);
      const created = account(t.app, NEVER_SEEN)!;
      assert.equal(created.sequence, 0n);
      assert.equal(created.pubKey, undefined);
      // Accounts 0..4 are the dev accounts; the fee collector came with the first fee (or genesis).
      const feeCollector = account(t.app, FEE_COLLECTOR)!;
      assert.ok(created.accountNumber >= 5n && created.accountNumber !== feeCollector.accountNumber);
      assert.equal(balance(t.app, NEVER_SEEN), 777n);
    });
  });

  describe("the check state", () => {
    it("tracks sequences between blocks and is reset to the committed state on commit", async () => {
      const app = t.app;
      const tx0 = await buildTx(alice, { msgs: [msgSend(alice.address, bob.address, [coin(10)])] });
      const tx1 = await buildTx(alice, {
        msgs: [msgSend(alice.address, bob.address, [coin(11)])],
        sequence: 1n,
      });
      const dup0 = await buildTx(alice, { msgs: [msgSend(alice.address, carol.address, [coin(12)])] });
      assert.equal(app.checkTx(tx0.bytes).code, 0);
      assert.equal(app.checkTx(tx1.bytes).code, 0, "sequence 1 follows the checked sequence 0");
      const again = app.checkTx(dup0.bytes);
      assert.equal(again.code, 32);
      assert.equal(again.log, "account sequence mismatch, expected 2, got 0: incorrect account sequence");
      assert.equal(sequenceOf(app, alice.address), 0n, "queries read committed state");

      // Only tx0 makes it into the block: the check state restarts from committed sequence 1.
      await runBlock(app, [tx0.bytes]);
      assert.equal(sequenceOf(app, alice.address), 1n);
      assert.equal(app.checkTx(tx1.bytes).code, 0);
      const tx2 = await buildTx(alice, {
        msgs: [msgSend(alice.address, bob.address, [coin(13)])],
        sequence: 2n,
      });
      assert.equal(app.checkTx(tx2.bytes).code, 0);
    });
  });

  describe("queries", () => {
    it("Account: an existing account is a BaseAccount Any", async () => {
      const res = t.app.query({
        path: "/cosmos.auth.v1beta1.Query/Account",
        data: QueryAccountRequest.encode({ address: bob.address }).finish(),
        prove: false,
      });
      assert.equal(res.code, 0, res.log);
      assert.equal(res.height, 0n);
      const any = QueryAccountResponse.decode(res.value).account!;
      assert.equal(any.typeUrl, "/cosmos.auth.v1beta1.BaseAccount");
      assert.deepEqual(BaseAccount.decode(any.value), {
        address: bob.address,
        pubKey: undefined,
        accountNumber: 1n,
        sequence: 0n,
      });

      // Through the stock cosmjs query client and account parser.
      await runBlock(t.app, []); // cosmjs refuses an answer at height 0
      const client = cosmjsQueryClient(t.app);
      const parsed = accountFromAny((await client.auth.account(bob.address))!);
      assert.deepEqual(parsed, { address: bob.address, pubkey: null, accountNumber: 1n, sequence: 0 });
    });

    it("Account: a never-seen address answers code 22 with the NotFound log cosmjs matches", async () => {
      const res = t.app.query({
        path: "/cosmos.auth.v1beta1.Query/Account",
        data: QueryAccountRequest.encode({ address: NEVER_SEEN }).finish(),
        prove: false,
      });
      assert.equal(res.code, 22);
      assert.equal(res.codespace, "sdk");
      assert.equal(
        res.log,
        `rpc error: code = NotFound desc = account ${NEVER_SEEN} not found: key not found`,
      );
      assert.equal(res.value.length, 0);
      // StargateClient.getAccount turns exactly this into null.
      await runBlock(t.app, []); // cosmjs refuses an answer at height 0
      const client = cosmjsQueryClient(t.app);
      await assert.rejects(client.auth.account(NEVER_SEEN), (err: Error) => {
        assert.match(err.toString(), /rpc error: code = NotFound/i);
        return true;
      });
    });

    it("Account: a malformed address is code 7", () => {
      const res = t.app.query({
        path: "/cosmos.auth.v1beta1.Query/Account",
        data: QueryAccountRequest.encode({ address: "open1notanaddress" }).finish(),
        prove: false,
      });
      assert.equal(res.code, 7);
      assert.match(res.log, /invalid address$/);
    });

    it('Balance: a known denom, an unknown denom ("0") and a never-seen address', async () => {
      const ask = (address: string, denom: string) =>
        QueryBalanceResponse.decode(
          queryOk(
            t.app,
            "/cosmos.bank.v1beta1.Query/Balance",
            QueryBalanceRequest.encode({ address, denom }).finish(),
          ),
        ).balance;
      assert.deepEqual(ask(alice.address, DENOM), coin(START_BALANCE));
      assert.deepEqual(ask(alice.address, "uatom"), { denom: "uatom", amount: "0" });
      assert.deepEqual(ask(NEVER_SEEN, DENOM), { denom: DENOM, amount: "0" });
      await runBlock(t.app, []); // cosmjs refuses an answer at height 0
      const client = cosmjsQueryClient(t.app);
      assert.deepEqual(await client.bank.balance(alice.address, "unknowndenom"), {
        denom: "unknowndenom",
        amount: "0",
      });
      assert.deepEqual(await client.bank.balance(bob.address, DENOM), coin(START_BALANCE));
    });

    it("AllBalances: every denom in denom order; empty for a never-seen address", async () => {
      const state = devAppState() as { bank: { balances: { address: string; coins: unknown[] }[] } };
      state.bank.balances[0]!.coins = [
        { denom: "aaa", amount: "5" },
        { denom: "uatom", amount: "7" },
        { denom: "uopen", amount: START_BALANCE.toString() },
      ];
      const t2 = await genesisApp(state as Record<string, unknown>);
      try {
        const decoded = QueryAllBalancesResponse.decode(
          queryOk(
            t2.app,
            "/cosmos.bank.v1beta1.Query/AllBalances",
            QueryAllBalancesRequest.encode(
              QueryAllBalancesRequest.fromPartial({ address: alice.address }),
            ).finish(),
          ),
        );
        assert.deepEqual(decoded.balances, [coin(5, "aaa"), coin(7, "uatom"), coin(START_BALANCE)]);
        assert.deepEqual(allBalances(t2.app, NEVER_SEEN), []);
        await runBlock(t2.app, []);
        const client = cosmjsQueryClient(t2.app);
        assert.deepEqual(await client.bank.allBalances(bob.address), [coin(START_BALANCE)]);
        const supply = await client.bank.totalSupply();
        assert.deepEqual(supply.supply, [coin(5, "aaa"), coin(7, "uatom"), coin(START_BALANCE * 5n)]);
      } finally {
        await t2.close();
      }
    });

    it("TotalSupply equals the genesis balances", async () => {
      const res = QueryTotalSupplyResponse.decode(
        queryOk(t.app, "/cosmos.bank.v1beta1.Query/TotalSupply", QueryTotalSupplyRequest.encode({}).finish()),
      );
      assert.deepEqual(res.supply, [coin(START_BALANCE * 5n)]);
    });

    it("an unknown path is code 6; a height past the latest is code 26 (SDK ErrInvalidHeight)", () => {
      const unknown = t.app.query({
        path: "/cosmos.gov.v1beta1.Query/Proposals",
        data: new Uint8Array(),
        prove: false,
      });
      assert.equal(unknown.code, 6);
      assert.equal(unknown.log, "unknown query path /cosmos.gov.v1beta1.Query/Proposals: unknown request");
      const past = t.app.query({
        path: "/cosmos.bank.v1beta1.Query/TotalSupply",
        data: new Uint8Array(),
        prove: false,
        height: t.app.info().lastBlockHeight + 5n,
      });
      assert.equal(past.code, 26);
      assert.match(past.log, /cannot query with height in the future/);
    });
  });

  describe("simulate", () => {
    it("a cosmjs-style request (empty fee, 0-byte signature) gets gas_info and changes nothing", async () => {
      const app = t.app;
      // One block first, so the state is not just genesis.
      const first = await buildTx(alice, { msgs: [msgSend(alice.address, bob.address, [coin(1)])] });
      await runBlock(app, [first.bytes]);
      const before = snapshot(app);

      const msgs = [msgSend(alice.address, carol.address, [coin(5_000)])];
      const res = app.query({ path: SIMULATE_PATH, data: simulateRequest(alice, msgs, 1n), prove: false });
      assert.equal(res.code, 0, res.log);
      const sim = SimulateResponse.decode(res.value);
      assert.ok(sim.gasInfo, "gas_info is always present");
      assert.ok(sim.gasInfo.gasUsed > 10_000n, `gas_used ${sim.gasInfo.gasUsed}`);
      assert.equal(sim.gasInfo.gasWanted, 0n, "the simulated tx has gas limit 0");
      assert.ok(sim.result);
      assert.deepEqual(
        eventsOf(sim.result.events, "transfer").filter((e) => e.recipient !== FEE_COLLECTOR),
        [{ recipient: carol.address, sender: alice.address, amount: "5000uopen" }],
        "the simulated send ran",
      );

      // The stock cosmjs query client gets the same answer.
      const client = cosmjsQueryClient(app);
      const viaCosmjs = await client.tx.simulate(
        msgs.map((m) => registry.encodeAsAny(m)),
        "",
        { type: "tendermint/PubKeySecp256k1", value: toBase64(alice.pubkey) },
        1,
      );
      assert.equal(viaCosmjs.gasInfo?.gasUsed, sim.gasInfo.gasUsed);

      // Nothing changed: committed state, and the check state (the same sequence is still free).
      assert.deepEqual(snapshot(app), before);
      const real = await buildTx(alice, { msgs, sequence: 1n });
      assert.equal(app.checkTx(real.bytes).code, 0);
    });

    it('cosmjs "auto" fee (gas = ceil(gas_used × 1.4)) is enough for the signed tx, first tx included', async () => {
      const app = t.app;
      for (const [i, to] of [bob.address, NEVER_SEEN, carol.address].entries()) {
        const msgs = [msgSend(alice.address, to, [coin(1_000 + i)])];
        const seq = sequenceOf(app, alice.address);
        const sim = SimulateResponse.decode(queryOk(app, SIMULATE_PATH, simulateRequest(alice, msgs, seq)));
        const gas = Math.ceil(Number(sim.gasInfo!.gasUsed) * 1.4);
        const tx = await buildTx(alice, { msgs, sequence: seq, gas, fee: minFee(gas) });
        const res = (await runBlock(app, [tx.bytes])).txResults[0]!;
        assert.equal(res.code, 0, `tx ${i}: ${res.log}`);
        assert.ok(res.gasUsed <= BigInt(gas));
        // Simulation is within 10% of the real gas.
        const diff = Number(res.gasUsed) - Number(sim.gasInfo!.gasUsed);
        assert.ok(
          Math.abs(diff) <= Number(res.gasUsed) / 10,
          `tx ${i}: simulated ${sim.gasInfo!.gasUsed}, used ${res.gasUsed}`,
        );
      }
      assert.equal(sequenceOf(app, alice.address), 3n);
    });

    it("a failing simulation answers with the tx's error code and changes nothing", async () => {
      const before = snapshot(t.app);
      const tooMuch = [msgSend(alice.address, bob.address, [coin(START_BALANCE + 1n)])];
      const res = t.app.query({
        path: SIMULATE_PATH,
        data: simulateRequest(alice, tooMuch, 0n),
        prove: false,
      });
      assert.equal(res.code, 5);
      assert.equal(res.codespace, "sdk");
      assert.match(res.log, /insufficient funds$/);
      const wrongSeq = t.app.query({
        path: SIMULATE_PATH,
        data: simulateRequest(alice, [msgSend(alice.address, bob.address, [coin(1)])], 3n),
        prove: false,
      });
      assert.equal(wrongSeq.code, 32);
      const garbage = t.app.query({
        path: SIMULATE_PATH,
        data: Uint8Array.of(0x12, 0x05, 0x01),
        prove: false,
      });
      assert.equal(garbage.code, 2);
      assert.deepEqual(snapshot(t.app), before);
    });
  });
});
