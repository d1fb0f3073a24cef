// Genesis: exporting the state after some blocks and starting a fresh app from it gives the same
// app hash, and bad app_state inputs are refused with clear errors before anything is written.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { STORE_NAMES } from "../../modules/index.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import {
  account,
  allBalances,
  balance,
  buildTx,
  CHAIN_ID,
  coin,
  DEV_ACCOUNTS,
  devAppState,
  FEE_COLLECTOR,
  genesisApp,
  MIN_GAS_PRICE,
  MSG_MULTI_SEND_URL,
  msgSend,
  newApp,
  runBlock,
  type Signer,
  START_BALANCE,
  sequenceOf,
  signer,
  snapshot,
  type TestApp,
} from "./helpers.js";

const FRESH = "open1qurswpc8qurswpc8qurswpc8qurswpc8yc4zuk";

type AppState = Record<string, unknown>;

/** A deep copy of the dev genesis to break on purpose. */
function state(): {
  auth: { min_gas_price?: string; accounts: Record<string, unknown>[]; params?: Record<string, unknown> };
  bank: { balances: { address: string; coins: { denom: string; amount: string }[] }[]; supply?: unknown[] };
  [module: string]: unknown;
} {
  return structuredClone(devAppState()) as ReturnType<typeof state>;
}

describe("genesis", () => {
  const open: TestApp[] = [];
  let alice: Signer;
  let bob: Signer;
  let carol: Signer;

  before(async () => {
    [alice, bob, carol] = await Promise.all([signer("alice"), signer("bob"), signer("carol")]);
  });
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  async function track(p: Promise<TestApp>): Promise<TestApp> {
    const t = await p;
    open.push(t);
    return t;
  }

  describe("export → import round trip", () => {
    it("a fresh app started from the exported state has the same app hash, accounts and balances", async () => {
      const a = await track(genesisApp());
      // Some history: pubkeys set, sequences moved, a new account, fees collected, a multi-send.
      const b1 = await runBlock(a.app, [
        (await buildTx(alice, { msgs: [msgSend(alice.address, bob.address, [coin(1_000)])] })).bytes,
        (await buildTx(bob, { msgs: [msgSend(bob.address, FRESH, [coin(2_500)])] })).bytes,
      ]);
      assert.deepEqual(
        b1.txResults.map((r) => r.code),
        [0, 0],
      );
      const multi = {
        typeUrl: MSG_MULTI_SEND_URL,
        value: {
          inputs: [{ address: carol.address, coins: [coin(30)] }],
          outputs: [
            { address: alice.address, coins: [coin(10)] },
            { address: FRESH, coins: [coin(20)] },
          ],
        },
      };
      const b2 = await runBlock(a.app, [
        (await buildTx(carol, { msgs: [multi] })).bytes,
        (await buildTx(alice, { msgs: [msgSend(alice.address, carol.address, [coin(7)])], sequence: 1n }))
          .bytes,
        // A failed tx: fee and sequence only.
        (
          await buildTx(bob, {
            msgs: [msgSend(bob.address, alice.address, [coin(START_BALANCE * 2n)])],
            sequence: 1n,
          })
        ).bytes,
      ]);
      assert.deepEqual(
        b2.txResults.map((r) => r.code),
        [0, 0, 5],
      );

      const exported = a.app.exportGenesis();
      // Written to and read back from genesis.json.
      const json = JSON.parse(JSON.stringify(exported)) as AppState;
      assert.deepEqual(json, exported, "the export is plain JSON (no bigints, no undefined)");
      const auth = json.auth as { accounts: { address: string; sequence: string; pub_key: unknown }[] };
      const bank = json.bank as { supply: { denom: string; amount: string }[] };
      assert.deepEqual(bank.supply, [coin(START_BALANCE * 5n)]);
      assert.equal(auth.accounts.find((x) => x.address === alice.address)?.sequence, "2");
      assert.equal(auth.accounts.find((x) => x.address === bob.address)?.sequence, "2");
      assert.equal(auth.accounts.find((x) => x.address === FRESH)?.pub_key, null);
      assert.ok(auth.accounts.some((x) => x.address === FEE_COLLECTOR));
      assert.equal((json.auth as { min_gas_price: string }).min_gas_price, MIN_GAS_PRICE);

      const height = a.app.info().lastBlockHeight;
      const b = await track(newApp());
      const { appHash } = await b.app.initChain({
        chainId: CHAIN_ID,
        timeNs: 0n,
        initialHeight: height + 1n,
        appState: json,
        validators: [],
      });
      assert.equal(toHex(appHash), toHex(a.app.info().lastBlockAppHash), "same app hash");
      assert.equal(b.app.info().lastBlockHeight, height);
      const { height: _ha, ...sa } = snapshot(a.app);
      const { height: _hb, ...sb } = snapshot(b.app);
      assert.deepEqual(sb, sa);
      assert.deepEqual(b.app.exportGenesis(), exported, "exporting again gives the same genesis");
      for (const addr of [FRESH, FEE_COLLECTOR]) {
        assert.deepEqual(account(b.app, addr), account(a.app, addr));
        assert.deepEqual(allBalances(b.app, addr), allBalances(a.app, addr));
      }

      // Both chains go on identically: the same next tx (alice's account number and sequence
      // survived the trip, so her signature verifies on both).
      const next = await buildTx(alice, {
        msgs: [msgSend(alice.address, FRESH, [coin(3)])],
        sequence: sequenceOf(b.app, alice.address),
      });
      const ra = await runBlock(a.app, [next.bytes]);
      const rb = await runBlock(b.app, [next.bytes]);
      assert.equal(rb.txResults[0]!.code, 0, rb.txResults[0]!.log);
      assert.deepEqual(rb.txResults, ra.txResults);
      assert.equal(toHex(rb.appHash), toHex(ra.appHash));
      assert.equal(balance(b.app, FRESH), 2_523n);
    });

    it("the dev genesis exports what it was given, with defaults filled in", async () => {
      const a = await track(genesisApp());
      const exported = a.app.exportGenesis() as {
        auth: { params: unknown; accounts: { address: string; account_number: string; sequence: string }[] };
        bank: { balances: { address: string; coins: unknown[] }[]; params: unknown };
      };
      assert.deepEqual(exported.auth.params, {
        max_memo_characters: "256",
        tx_sig_limit: "7",
        tx_size_cost_per_byte: "10",
        sig_verify_cost_ed25519: "590",
        sig_verify_cost_secp256k1: "1000",
      });
      const devAccounts = exported.auth.accounts.filter((x) =>
        DEV_ACCOUNTS.some((d) => d.address === x.address),
      );
      assert.deepEqual(
        devAccounts.map((x) => [x.address, x.account_number, x.sequence]).sort(),
        DEV_ACCOUNTS.map((d, i) => [d.address, String(i), "0"]).sort(),
      );
      assert.deepEqual(exported.bank.params, { send_enabled: [], default_send_enabled: true });
      assert.equal(exported.bank.balances.length, 5);
      for (const b of exported.bank.balances) assert.deepEqual(b.coins, [coin(START_BALANCE)]);
    });

    it("a state reloaded from LevelDB has the same app hash (restart)", async () => {
      const a = await track(genesisApp());
      await runBlock(a.app, [
        (await buildTx(alice, { msgs: [msgSend(alice.address, bob.address, [coin(9)])] })).bytes,
      ]);
      const hash = toHex(a.app.info().lastBlockAppHash);
      const reloaded = await CommittedStore.load(a.db, STORE_NAMES);
      assert.equal(reloaded.lastCommit.height, 1n);
      assert.equal(toHex(reloaded.lastCommit.appHash), hash);
    });
  });

  describe("bad app_state is refused with a clear error and nothing is written", () => {
    async function refused(appState: unknown, message: RegExp): Promise<void> {
      const t = await track(newApp());
      await assert.rejects(
        t.app.initChain({
          chainId: CHAIN_ID,
          timeNs: 0n,
          initialHeight: 1n,
          appState: appState as AppState,
          validators: [],
        }),
        (err: Error) => {
          assert.match(err.message, message);
          return true;
        },
      );
      assert.equal(t.app.info().lastBlockAppHash.length, 0, "no state was committed");
      assert.equal(t.app.info().lastBlockHeight, 0n);
      // The same app still accepts a good genesis afterwards.
      const { appHash } = await t.app.initChain({
        chainId: CHAIN_ID,
        timeNs: 0n,
        initialHeight: 1n,
        appState: devAppState(),
        validators: [],
      });
      assert.equal(appHash.length, 32);
    }

    it("a duplicate account address", async () => {
      const s = state();
      s.auth.accounts.push({ address: alice.address, account_number: "9" });
      await refused(s, new RegExp(`^auth\\.accounts: duplicate address ${alice.address}$`));
    });

    it("a duplicate account number", async () => {
      const s = state();
      s.auth.accounts[1]!.account_number = "0";
      await refused(s, /^auth\.accounts: duplicate account_number 0$/);
    });

    it("a bad account address: bad checksum, other prefix, not bech32, empty", async () => {
      const flipped = `${alice.address.slice(0, -1)}${alice.address.endsWith("q") ? "p" : "q"}`;
      for (const [address, why] of [
        [flipped, /^invalid auth\.accounts\[0\]\.address open1\S+: .*invalid address$/],
        [
          "cosmos1qurswpc8qurswpc8qurswpc8qurswpc8nn86qp",
          /prefix "cosmos", expected "open": invalid address$/,
        ],
        ["alice", /^invalid auth\.accounts\[0\]\.address alice: .*invalid address$/],
        ["", /^auth\.accounts\[0\]\.address is empty: invalid address$/],
      ] as const) {
        const s = state();
        s.auth.accounts[0]!.address = address;
        await refused(s, why);
      }
    });

    it("a bad balance address", async () => {
      const s = state();
      s.bank.balances[2]!.address = "open1xyz";
      await refused(s, /^invalid bank\.balances\[2\]\.address open1xyz: .*invalid address$/);
    });

    it("a duplicate balance address", async () => {
      const s = state();
      s.bank.balances[1]!.address = s.bank.balances[0]!.address;
      await refused(s, new RegExp(`^bank\\.balances: duplicate address ${alice.address}$`));
    });

    it("bad coins: negative, not a number, zero, bad denom, unsorted, repeated", async () => {
      const cases: [{ denom: string; amount: string }[], RegExp][] = [
        [[{ denom: "uopen", amount: "-5" }], /^invalid amount of uopen: "-5": invalid coins$/],
        [[{ denom: "uopen", amount: "lots" }], /^invalid amount of uopen: "lots": invalid coins$/],
        [[{ denom: "uopen", amount: "0" }], /^coin uopen has a zero amount: invalid coins$/],
        [[{ denom: "1open", amount: "5" }], /^invalid denom: "1open": invalid coins$/],
        [
          [
            { denom: "uopen", amount: "5" },
            { denom: "uatom", amount: "5" },
          ],
          /^coins are not sorted by denom or repeat one: uopen, uatom: invalid coins$/,
        ],
        [
          [
            { denom: "uopen", amount: "5" },
            { denom: "uopen", amount: "6" },
          ],
          /^coins are not sorted by denom or repeat one: uopen, uopen: invalid coins$/,
        ],
        [[], /^coins must not be empty: invalid coins$/],
      ];
      for (const [coins, why] of cases) {
        const s = state();
        s.bank.balances[0]!.coins = coins;
        await refused(s, why);
      }
    });

    it("a supply that is not the sum of balances", async () => {
      const s = state();
      s.bank.supply = [coin(START_BALANCE * 5n + 1n)];
      await refused(s, /^bank genesis supply does not equal the sum of balances$/);
    });

    it("an unknown module", async () => {
      const s = state();
      s.gov = { params: {} };
      await refused(s, /^genesis app_state has unknown module "gov"$/);
    });

    it("a bad min gas price, account number or auth params", async () => {
      const s1 = state();
      s1.auth.min_gas_price = "cheap";
      await refused(s1, /^invalid gas price "cheap"/);
      const s2 = state();
      s2.auth.accounts[0]!.account_number = "-1";
      await refused(s2, /^accounts\[0\]\.account_number must be an unsigned integer, got "-1"$/);
      const s3 = state();
      s3.auth.params = { tx_sig_limit: "0" };
      await refused(s3, /^auth\.params\.tx_sig_limit must be positive$/);
      const s4 = state();
      (s4 as Record<string, unknown>).bank = [];
      await refused(s4, /^bank genesis must be an object$/);
    });

    it("a genesis for another chain-id, and a second initChain", async () => {
      const t = await track(newApp());
      await assert.rejects(
        t.app.initChain({
          chainId: "other-1",
          timeNs: 0n,
          initialHeight: 1n,
          appState: devAppState(),
          validators: [],
        }),
        /^Error: genesis chain-id other-1 is not openledger-dev-1$/,
      );
      await t.app.initChain({
        chainId: CHAIN_ID,
        timeNs: 0n,
        initialHeight: 1n,
        appState: devAppState(),
        validators: [],
      });
      await assert.rejects(
        t.app.initChain({
          chainId: CHAIN_ID,
          timeNs: 0n,
          initialHeight: 1n,
          appState: devAppState(),
          validators: [],
        }),
        /initChain on a chain that has state/,
      );
    });
  });

  it("an empty app_state gives default params and no accounts but the module ones", async () => {
    const t = await track(newApp());
    const { appHash } = await t.app.initChain({
      chainId: CHAIN_ID,
      timeNs: 0n,
      initialHeight: 1n,
      appState: {},
      validators: [],
    });
    assert.equal(appHash.length, 32);
    const exported = t.app.exportGenesis() as {
      auth: { accounts: { address: string }[] };
      bank: { supply: [] };
    };
    assert.ok(exported.auth.accounts.every((a) => a.address === FEE_COLLECTOR));
    assert.deepEqual(exported.bank.supply, []);
  });
});
