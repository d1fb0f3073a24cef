// #/ — the chain at a glance: status, validators and their power, peers, the latest blocks and
// transactions. Blocks and transactions are prepended live as NewBlock events arrive.
import { sha256 } from "@noble/hashes/sha2.js";
import { PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import {
  ago,
  appendAll,
  blockLink,
  facts,
  formatInt,
  formatTime,
  h,
  link,
  note,
  section,
  shortHash,
  table,
  txLink,
} from "../dom.js";
import { onNewBlock } from "../live.js";
import { stakingQuery } from "../queries.js";
import { blockchain, chainStatus, netInfo, type TxJson, txSearch, validatorSet } from "../rpc.js";
import { decodeTx } from "../tx-decode.js";

const LATEST = 10;
const hexUpper = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();

/** Consensus address (hex) → moniker and operator, from the staking module's validators. */
async function monikers(): Promise<Map<string, { moniker: string; operator: string }>> {
  const out = new Map<string, { moniker: string; operator: string }>();
  try {
    const { validators } = await stakingQuery.validators();
    for (const v of validators) {
      if (!v.consensusPubkey) continue;
      const key = PubKey.decode(v.consensusPubkey.value).key;
      const address = hexUpper(sha256(key).subarray(0, 20));
      out.set(address, { moniker: v.description?.moniker ?? "", operator: v.operatorAddress });
    }
  } catch {
    // The staking query is a nicety: the CometBFT validator set is shown without monikers.
  }
  return out;
}

export function txRow(tx: TxJson): (Node | string)[] {
  const decoded = decodeTx(tx.tx);
  const types = decoded.messages.map((m) => m.name).join(", ") || "—";
  const ok = tx.tx_result.code === 0;
  return [
    txLink(tx.hash),
    blockLink(tx.height),
    h("span", { class: "msg-types" }, types),
    h("span", { class: ok ? "ok" : "fail" }, ok ? "ok" : `failed (${tx.tx_result.code})`),
  ];
}

export async function chainView(view: HTMLElement): Promise<void> {
  const [status, vals, net, names] = await Promise.all([
    chainStatus(),
    validatorSet(),
    netInfo(),
    monikers(),
  ]);
  const height = Number(status.sync_info.latest_block_height);
  const metas = height > 0 ? (await blockchain(Math.max(1, height - LATEST + 1), height)).block_metas : [];
  const txs = await txSearch("tx.height>0", LATEST).catch(() => ({ txs: [] as TxJson[], total_count: "0" }));
  const totalPower = vals.validators.reduce((s, v) => s + BigInt(v.voting_power), 0n);

  const heightCell = h("span", { "data-testid": "status-height" }, formatInt(height));
  const timeCell = h("span", {}, formatTime(status.sync_info.latest_block_time));
  const statusFacts = facts([
    ["Chain", status.node_info.network],
    ["Height", heightCell],
    ["Latest block time", timeCell],
    ["App hash", h("span", { class: "mono" }, shortHash(status.sync_info.latest_app_hash))],
    ["Node", `${status.node_info.moniker} (${shortHash(status.node_info.id)})`],
    ["Validators", `${vals.total} with total power ${formatInt(totalPower)}`],
    ["Peers", net.n_peers],
  ]);

  const validatorRows = vals.validators.map((v) => {
    const named = names.get(v.address);
    const share = totalPower > 0n ? Number((BigInt(v.voting_power) * 10000n) / totalPower) / 100 : 0;
    return [
      named?.moniker || "—",
      h("span", { class: "mono", title: v.address }, shortHash(v.address)),
      named ? h("span", { class: "mono", title: named.operator }, shortHash(named.operator)) : "—",
      formatInt(v.voting_power),
      h(
        "span",
        { class: "share" },
        h("span", { class: "bar", style: `width:${Math.max(2, Math.round((80 * share) / 100))}px` }),
        `${share.toFixed(2)}%`,
      ),
    ];
  });
  const peerRows = net.peers.map((p) => [
    p.node_info.moniker || "—",
    h("span", { class: "mono" }, shortHash(p.node_info.id)),
    p.remote_ip || p.node_info.listen_addr,
  ]);

  const blockRow = (hgt: string, time: string, numTxs: number, hash: string) =>
    h(
      "tr",
      { "data-height": hgt },
      h("td", {}, blockLink(hgt)),
      h("td", { title: formatTime(time) }, ago(time)),
      h("td", {}, String(numTxs)),
      h("td", { class: "mono" }, shortHash(hash)),
    );
  const blocksBody = h(
    "tbody",
    { "data-testid": "latest-blocks" },
    ...metas.map((m) => blockRow(m.header.height, m.header.time, Number(m.num_txs), m.block_id.hash)),
  );
  const blocksTable = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, "Latest blocks"),
      h(
        "thead",
        {},
        h("tr", {}, ...["Height", "Time", "Txs", "Hash"].map((x) => h("th", { scope: "col" }, x))),
      ),
      blocksBody,
    ),
  );
  const txsBody = h(
    "tbody",
    { "data-testid": "latest-txs" },
    ...txs.txs.map((t) => h("tr", { "data-hash": t.hash }, ...txRow(t).map((c) => h("td", {}, c)))),
  );
  const txsTable = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, "Latest transactions"),
      h(
        "thead",
        {},
        h("tr", {}, ...["Hash", "Height", "Messages", "Result"].map((x) => h("th", { scope: "col" }, x))),
      ),
      txsBody,
    ),
  );

  onNewBlock((event) => {
    const header = event.block.header;
    heightCell.textContent = formatInt(header.height);
    timeCell.textContent = formatTime(header.time);
    const txList = event.block.data.txs ?? [];
    blocksBody.prepend(blockRow(header.height, header.time, txList.length, event.block_id.hash));
    while (blocksBody.rows.length > LATEST) blocksBody.deleteRow(-1);
    if (txList.length === 0) return;
    // The block's results (codes) come from the tx index once it is committed.
    txSearch(`tx.height=${header.height}`, LATEST, 1, "asc")
      .then((found) => {
        for (const t of found.txs.reverse()) {
          if (txsBody.querySelector(`tr[data-hash="${t.hash}"]`)) continue;
          txsBody.prepend(h("tr", { "data-hash": t.hash }, ...txRow(t).map((c) => h("td", {}, c))));
        }
        while (txsBody.rows.length > LATEST) txsBody.deleteRow(-1);
      })
      .catch(() => undefined);
  });

  appendAll(
    view,
    h("h1", {}, "Chain"),
    section("Status", statusFacts),
    section(
      "Validators",
      table("Validator set", ["Moniker", "Consensus address", "Operator", "Power", "Share"], validatorRows),
    ),
    section(
      "Peers",
      table("Connected peers", ["Moniker", "Node id", "Address"], peerRows, "no peers (a single-node chain)"),
    ),
    section("Latest blocks", blocksTable, h("p", {}, link("/blocks", "More blocks"))),
    section(
      "Latest transactions",
      txsTable,
      txs.txs.length === 0 ? note("No transactions yet; new ones appear here as they are committed.") : null,
    ),
  );
}
