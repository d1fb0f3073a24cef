// Small DOM helpers: every text goes in as a text node (never as HTML), links are real <a href>
// with hash routes, tables have headers, numbers are formatted the same way everywhere.

export type Child = Node | string | number | bigint | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** An element with attributes (on* keys are listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes and children. */
export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    // Through the CSSOM: the node's Content-Security-Policy refuses inline style attributes.
    else if (key === "style" && (el instanceof HTMLElement || el instanceof SVGElement))
      el.style.cssText = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

/** Appends children, skipping null, undefined and false. */
export function appendAll(el: Element, ...children: Child[]): void {
  append(el, children);
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** A link to a hash route. */
export const link = (route: string, text: Child, attrs: Attrs = {}) =>
  h("a", { href: `#${route}`, ...attrs }, text);

export const blockLink = (height: string | bigint) => link(`/block/${height}`, String(height));
export const txLink = (hash: string) => link(`/tx/${hash}`, shortHash(hash), { class: "mono", title: hash });
export const addressLink = (address: string) =>
  address ? link(`/contributor/${address}`, shortAddress(address), { class: "mono", title: address }) : "—";
export const datanetLink = (id: bigint | string) => link(`/datanet/${id}`, `datanet ${id}`);
export const modelLink = (id: bigint | string) => link(`/model/${id}`, `model ${id}`);
export const inferenceLink = (id: bigint | string, text = `job ${id}`) => link(`/inference/${id}`, text);

export const shortHash = (hash: string) =>
  hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
export const shortAddress = (a: string) => (a.length > 24 ? `${a.slice(0, 12)}…${a.slice(-6)}` : a);

/** 1234567 → "1,234,567" (bigint-safe). */
export function formatInt(v: bigint | number | string): string {
  return BigInt(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export const formatCoin = (amount: string | bigint, denom = "uopen") =>
  `${formatInt(amount || "0")} ${denom}`;

/** A coin as events write it ("1000003uopen") → "1,000,003 uopen"; other text as it is. */
export function formatCoinText(text: string | undefined): string {
  const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]*)$/.exec(text ?? "");
  return m ? formatCoin(m[1]!, m[2]) : (text ?? "");
}

/** An ISO time as "2026-01-02 03:04:05 UTC" (or "—"). */
export function formatTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? "—" : `${t.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Seconds since an ISO time, as "3 s ago". */
export function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** A table with a caption, column headers and rows; an "empty" line when there are no rows. */
export function table(caption: string, headers: string[], rows: Child[][], empty = "none yet"): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, `${caption}: ${empty}`);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))),
    ),
  );
}

/** A definition list of label → value. */
export function facts(pairs: [string, Child][]): HTMLElement {
  const dl = h("dl", { class: "facts" });
  for (const [k, v] of pairs) dl.append(h("dt", {}, k), h("dd", {}, v));
  return dl;
}

export const section = (title: string, ...children: Child[]) =>
  h("section", {}, h("h2", {}, title), ...children);

export const note = (text: string) => h("p", { class: "note" }, text);

export function errorBox(err: unknown): HTMLElement {
  return h("p", { class: "error", role: "alert" }, err instanceof Error ? err.message : String(err));
}

/** Up to `width` characters of `text` around the first occurrence of `needle` (one line). */
export function excerpt(text: string, needle = "", width = 140): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const n = needle.replace(/\s+/g, " ").trim();
  const at = n ? flat.indexOf(n) : -1;
  const from = at < 0 ? 0 : Math.max(0, at - Math.floor((width - Math.min(n.length, width)) / 2));
  return `${from > 0 ? "…" : ""}${flat.slice(from, from + width)}${from + width < flat.length ? "…" : ""}`;
}
