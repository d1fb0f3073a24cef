// #/blocks, #/block/<height>, #/tx/<hash>: blocks with their decoded transactions and results.
import {
  addressLink,
  ago,
  appendAll,
  blockLink,
  type Child,
  facts,
  formatTime,
  h,
  link,
  note,
  section,
  shortHash,
  table,
} from "../dom.js";
import { onNewBlock } from "../live.js";
import {
  type BlockMetaJson,
  block,
  blockchain,
  blockResults,
  type EventJson,
  type TxResultJson,
  txByHash,
} from "../rpc.js";
import { type DecodedTx, decodeTx } from "../tx-decode.js";

const PAGE = 20;

function metaRow(m: BlockMetaJson): Child[] {
  return [
    blockLink(m.header.height),
    h("span", { title: formatTime(m.header.time) }, ago(m.header.time)),
    m.num_txs,
    h("span", { class: "mono", title: m.header.proposer_address }, shortHash(m.header.proposer_address)),
    h("span", { class: "mono", title: m.block_id.hash }, shortHash(m.block_id.hash)),
  ];
}

export async function blocksView(view: HTMLElement): Promise<void> {
  const metas = (await blockchain(1, 0)).block_metas.slice(0, PAGE);
  const last = metas.at(-1);
  const older = last && Number(last.header.height) > 1 ? Number(last.header.height) - 1 : 0;
  const list = table(
    "Blocks, newest first",
    ["Height", "Time", "Txs", "Proposer", "Hash"],
    metas.map(metaRow),
  );
  appendAll(
    view,
    h("h1", {}, "Blocks"),
    list,
    older ? h("p", {}, link(`/block/${older}`, `Block ${older} and older…`)) : null,
  );
  onNewBlock((event) => {
    const body = list.querySelector("tbody");
    if (!body) return;
    const header = event.block.header;
    const meta: BlockMetaJson = {
      block_id: event.block_id,
      block_size: "0",
      header,
      num_txs: String(event.block.data.txs?.length ?? 0),
    };
    body.prepend(h("tr", {}, ...metaRow(meta).map((c) => h("td", {}, c))));
    while (body.rows.length > PAGE) body.deleteRow(-1);
  });
}

/** A message's fields as a readable key/value tree. */
function fieldsTree(value: unknown): HTMLElement {
  return h("pre", { class: "fields" }, JSON.stringify(value, null, 2));
}

function eventsList(events: EventJson[]): HTMLElement {
  return h(
    "details",
    {},
    h("summary", {}, `${events.length} events`),
    h(
      "ul",
      { class: "events" },
      ...events.map((e) =>
        h("li", {}, h("strong", {}, e.type), " ", e.attributes.map((a) => `${a.key}=${a.value}`).join(" · ")),
      ),
    ),
  );
}

/** One transaction: its messages decoded, memo, fee and (when known) its result. */
export function txCard(tx: DecodedTx, result: TxResultJson | undefined, height?: string): HTMLElement {
  const ok = result ? result.code === 0 : undefined;
  const card = h(
    "article",
    { class: "tx", "data-hash": tx.hash },
    h(
      "h3",
      {},
      "Transaction ",
      link(`/tx/${tx.hash}`, shortHash(tx.hash), { class: "mono", title: tx.hash }),
    ),
    facts([
      [
        "Result",
        ok === undefined
          ? "—"
          : h("span", { class: ok ? "ok" : "fail" }, ok ? "ok" : `failed: ${result?.log}`),
      ],
      ["Height", height ? blockLink(height) : "—"],
      ["Fee", tx.fee],
      ["Gas used / wanted", result ? `${result.gas_used} / ${result.gas_wanted}` : `— / ${tx.gasLimit}`],
      ["Memo", tx.memo || "—"],
    ]),
  );
  if (tx.error) card.append(note(tx.error));
  for (const m of tx.messages) {
    card.append(
      h(
        "div",
        { class: "msg" },
        h("h4", {}, m.name, " ", h("small", { class: "mono" }, m.typeUrl)),
        m.fields === undefined
          ? note("This message type is not known to the explorer.")
          : fieldsTree(m.fields),
        messageLinks(m.fields),
      ),
    );
  }
  if (result && result.events.length > 0) card.append(eventsList(result.events));
  return card;
}

/** Links to the addresses a message names (sender, contributor, payer, …). */
function messageLinks(fields: unknown): HTMLElement | null {
  if (!fields || typeof fields !== "object") return null;
  const addresses = Object.entries(fields as Record<string, unknown>).filter(
    ([, v]) => typeof v === "string" && /^open1[a-z0-9]{38,58}$/.test(v),
  );
  if (addresses.length === 0) return null;
  return h(
    "p",
    { class: "links" },
    ...addresses.flatMap(([k, v]) => [h("span", {}, `${k}: `), addressLink(v as string), " "]),
  );
}

export async function blockView(view: HTMLElement, height: string): Promise<void> {
  const [b, results] = await Promise.all([block(height), blockResults(height).catch(() => undefined)]);
  const header = b.block.header;
  const txs = (b.block.data.txs ?? []).map(decodeTx);
  const prev = Number(height) - 1;
  appendAll(
    view,
    h("h1", {}, `Block ${height}`),
    h(
      "p",
      { class: "pager" },
      prev >= 1 ? link(`/block/${prev}`, `← ${prev}`) : null,
      " ",
      link(`/block/${Number(height) + 1}`, `${Number(height) + 1} →`),
    ),
    facts([
      ["Time", formatTime(header.time)],
      ["Hash", h("span", { class: "mono" }, b.block_id.hash)],
      ["Proposer", h("span", { class: "mono" }, header.proposer_address)],
      ["App hash", h("span", { class: "mono" }, header.app_hash)],
      ["Previous block", h("span", { class: "mono" }, header.last_block_id.hash || "—")],
      ["Transactions", String(txs.length)],
    ]),
    section(
      "Transactions",
      txs.length === 0 ? note("This block has no transactions.") : null,
      ...txs.map((t, i) => txCard(t, results?.txs_results?.[i], height)),
    ),
    results?.finalize_block_events?.length
      ? section("Block events (begin and end of block)", eventsList(results.finalize_block_events))
      : null,
  );
}

export async function txView(view: HTMLElement, hash: string): Promise<void> {
  const found = await txByHash(hash.toUpperCase());
  appendAll(view, h("h1", {}, "Transaction"), txCard(decodeTx(found.tx), found.tx_result, found.height));
}
