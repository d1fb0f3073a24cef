// #/payments: x402 payments settled on chain (events payment_settled in the tx index, newest
// first). Per address, the settlement module's PaymentsByPayer / PaymentsByPayee queries are on
// the address's page (#/contributor/<address>).
import {
  addressLink,
  appendAll,
  blockLink,
  formatCoinText,
  h,
  inferenceLink,
  modelLink,
  note,
  table,
} from "../dom.js";
import { searchEvents } from "../events.js";

export async function paymentsView(view: HTMLElement): Promise<void> {
  const settled = await searchEvents("payment_settled.payer EXISTS", "payment_settled");
  const rows = settled.map((p) => [
    addressLink(p.payer ?? ""),
    addressLink(p.payee ?? ""),
    formatCoinText(p.amount),
    h("span", { class: "resource", title: p.resource ?? "" }, p.resource ?? ""),
    p.model_id && p.model_id !== "0"
      ? modelLink(p.model_id)
      : p.adapter_id && p.adapter_id !== "0"
        ? `adapter ${p.adapter_id}`
        : "—",
    p.job_id && p.job_id !== "0" ? inferenceLink(p.job_id) : "—",
    blockLink(p.height),
  ]);
  appendAll(
    view,
    h("h1", {}, "x402 payments"),
    table(
      "Settled payments, newest first",
      ["Payer", "Payee", "Amount", "Resource", "Model", "Inference", "Height"],
      rows,
      "no payments settled yet",
    ),
    note(
      "Listed from the node's tx index (events payment_settled; the newest 50). An address's own payments, " +
        "from the settlement module's queries, are on its page.",
    ),
  );
}
