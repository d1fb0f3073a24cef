// Fixtures of the gossip fuzz test: the tx pool it mutates, a committed height for evidence, and the
// verdict tallies it prints.
import assert from "node:assert/strict";
import {
  buildTx,
  coin,
  DEV_ACCOUNTS,
  type DevName,
  devAddress,
  msgSend,
  signer,
  toHighS,
  withSignatures,
} from "../app/helpers.js";
import type { ClusterNode } from "../consensus/bft-cluster.js";
import type { FuzzContext, SignedTx } from "./fuzz-gen.js";

export type Verdict = "accept" | "ignore" | "reject";
export type Tally = Record<Verdict, number>;

/** Counts one verdict under `key` (e.g. "vote/bitflip"). */
export function count(tallies: Map<string, Tally>, key: string, v: Verdict): void {
  const t = tallies.get(key) ?? { accept: 0, ignore: 0, reject: 0 };
  t[v]++;
  tallies.set(key, t);
}

/** One line per topic: accepted/ignored/rejected by class. */
export function printTallies(tallies: Map<string, Tally>, what = "a/i/r by class"): void {
  const byTopic = new Map<string, string[]>();
  for (const [k, t] of [...tallies].sort()) {
    const [topic, cls] = k.includes("/") ? k.split("/") : [k, "all"];
    byTopic.set(topic!, [...(byTopic.get(topic!) ?? []), `${cls} ${t.accept}/${t.ignore}/${t.reject}`]);
  }
  for (const [topic, parts] of byTopic) console.log(`    ${topic} (${what}): ${parts.join(", ")}`);
}

/** A committed height with its block time and the victim's (and the set's) voting power. */
export async function committedAt(n: ClusterNode, height: bigint): Promise<FuzzContext["committed"]> {
  const time = (await n.blockStore.meta(height))?.header?.time;
  assert.ok(time, `block ${height} is stored`);
  return { height, time, power: 10n, totalPower: 10n };
}

/** Valid sends (mutated before use), wrongly signed ones and correctly signed stateful failures. */
export async function txPool(chainId: string): Promise<FuzzContext["txs"]> {
  const valid: SignedTx[] = [];
  const wronglySigned: Uint8Array[] = [];
  const stateful: Uint8Array[] = [];
  const names = DEV_ACCOUNTS.map((a) => a.name as DevName);
  for (const [i, name] of names.entries()) {
    const s = await signer(name);
    const to = devAddress(names[(i + 1) % names.length]!);
    const send = (amount: bigint) => [msgSend(s.address, to, [coin(amount)])];
    const tx = await buildTx(s, { msgs: send(1000n + BigInt(i)), chainId });
    valid.push(tx);
    wronglySigned.push(
      (await buildTx(s, { msgs: send(7n), chainId: `${chainId}-other` })).bytes,
      (await buildTx(s, { msgs: send(8n), chainId, accountNumber: 99n })).bytes,
      withSignatures(tx, [toHighS(tx.signature)]),
      withSignatures(tx, [
        (await buildTx(await signer(names[(i + 2) % names.length]!), { msgs: send(9n), chainId })).signature,
      ]),
    );
    stateful.push(
      (await buildTx(s, { msgs: send(10n), chainId, sequence: 5n })).bytes,
      (await buildTx(s, { msgs: send(10n ** 18n), chainId })).bytes,
    );
  }
  return { valid, wronglySigned, stateful };
}
