// The explorer's shell: header with navigation and the live height, a hash router (#/block/12,
// #/inference/5, #/contributor/open1…) and the view area, focused after each navigation.
import "./style.css";
import { errorBox, h, link } from "./dom.js";
import { dropViewListeners, seedHeight, startLiveUpdates } from "./live.js";
import { chainStatus } from "./rpc.js";
import { blocksView, blockView, txView } from "./views/blocks.js";
import { chainView } from "./views/chain.js";
import { contributorView } from "./views/contributor.js";
import { datanetsView, datanetView } from "./views/datanets.js";
import { inferenceView } from "./views/inference.js";
import { inferencesView } from "./views/inferences.js";
import { modelsView, modelView } from "./views/models.js";
import { paymentsView } from "./views/payments.js";

type View = (view: HTMLElement, ...params: string[]) => Promise<void>;

const routes: [RegExp, View, string][] = [
  [/^\/?$/, chainView, "Chain"],
  [/^\/blocks$/, blocksView, "Blocks"],
  [/^\/block\/(\d+)$/, blockView, "Block"],
  [/^\/tx\/([0-9A-Fa-f]{64})$/, txView, "Transaction"],
  [/^\/datanets$/, datanetsView, "Datanets"],
  [/^\/datanet\/(\d+)$/, datanetView, "Datanet"],
  [/^\/models$/, modelsView, "Models"],
  [/^\/model\/(\d+)$/, modelView, "Model"],
  [/^\/inferences$/, inferencesView, "Inferences"],
  [/^\/inference\/(\d+)$/, inferenceView, "Inference"],
  [/^\/payments$/, paymentsView, "Payments"],
  [/^\/contributor\/([a-z0-9]{10,90})$/, contributorView, "Contributor"],
];

const NAV: [string, string][] = [
  ["/", "Chain"],
  ["/blocks", "Blocks"],
  ["/datanets", "Datanets"],
  ["/models", "Models"],
  ["/inferences", "Inferences"],
  ["/payments", "Payments"],
];

/** Where the search box leads: a height, a tx hash, a job ("job 5"), or an address. */
function searchRoute(text: string): string | undefined {
  const q = text.trim();
  if (/^\d+$/.test(q)) return `/block/${q}`;
  if (/^[0-9A-Fa-f]{64}$/.test(q)) return `/tx/${q.toUpperCase()}`;
  const job = /^(?:job|inference)\s*#?(\d+)$/i.exec(q);
  if (job) return `/inference/${job[1]}`;
  if (/^[a-z]+1[a-z0-9]{20,}$/.test(q)) return `/contributor/${q}`;
  return undefined;
}

function shell(): { view: HTMLElement; height: HTMLElement; live: HTMLElement; nav: HTMLElement } {
  const height = h("a", { class: "height", "data-testid": "height", href: "#/" }, "…");
  const live = h("span", { class: "live off", "aria-live": "polite" }, "connecting…");
  const input = h("input", {
    type: "search",
    name: "q",
    placeholder: "height, tx hash, job 5, open1…",
    "aria-label": "Search by height, tx hash, job id or address",
  });
  const form = h("form", { class: "search", role: "search" }, input, h("button", { type: "submit" }, "Go"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const route = searchRoute(input.value);
    if (route) location.hash = `#${route}`;
    else input.setCustomValidity("not a height, tx hash, job id or address");
    input.reportValidity();
  });
  input.addEventListener("input", () => input.setCustomValidity(""));
  const nav = h(
    "nav",
    { "aria-label": "Main" },
    h("ul", {}, ...NAV.map(([r, t]) => h("li", {}, link(r, t)))),
  );
  const header = h(
    "header",
    {},
    h("a", { class: "skip", href: "#view" }, "Skip to content"),
    h("div", { class: "brand" }, h("strong", {}, "OpenLedger explorer"), h("span", { class: "chain" })),
    h("div", { class: "tip" }, "height ", height, " ", live),
    nav,
    form,
  );
  const view = h("main", { id: "view", tabindex: "-1" });
  document.body.append(header, view);
  return { view, height, live, nav };
}

async function route(view: HTMLElement, nav: HTMLElement, focus: boolean): Promise<void> {
  dropViewListeners();
  const path = location.hash.replace(/^#/, "") || "/";
  view.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  for (const a of nav.querySelectorAll("a")) {
    const target = a.getAttribute("href")?.slice(1) ?? "";
    const current = target === "/" ? path === "/" : path.startsWith(target);
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const found = routes.find(([re]) => re.test(path));
  if (!found) {
    view.replaceChildren(
      h("h1", {}, "Not found"),
      h("p", {}, `No page at #${path}.`),
      link("/", "Back to the chain"),
    );
    return;
  }
  const [re, render, title] = found;
  document.title = `${title} · OpenLedger explorer`;
  const params = re.exec(path)!.slice(1);
  const fresh = h("div", {});
  try {
    await render(fresh, ...params);
  } catch (err) {
    fresh.replaceChildren(h("h1", {}, title), errorBox(err));
  }
  if ((location.hash.replace(/^#/, "") || "/") !== path) return; // navigated away meanwhile
  view.replaceChildren(...fresh.childNodes);
  if (focus) view.focus({ preventScroll: false });
}

function main(): void {
  const { view, height, live, nav } = shell();
  startLiveUpdates(height, live);
  chainStatus()
    .then((s) => {
      seedHeight(height, Number(s.sync_info.latest_block_height));
      const chain = document.querySelector(".brand .chain");
      if (chain) chain.textContent = s.node_info.network;
    })
    .catch(() => undefined);
  window.addEventListener("hashchange", () => void route(view, nav, true));
  void route(view, nav, false);
}

main();
