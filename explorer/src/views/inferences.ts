// #/inferences: recorded inferences (MsgRecordInference or an x402 payment naming a model),
// newest first from the tx index, with each job's state from the attribution module.
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
import { type AttributionMethod, attributionMethod, jobState } from "../labels.js";

/** The method as the event writes it (its enum number, or name) → "span" / "influence". */
const methodName = (m: string | undefined) =>
  /^\d+$/.test(m ?? "")
    ? attributionMethod(Number(m) as AttributionMethod)
    : (m ?? "").replace("ATTRIBUTION_METHOD_", "").toLowerCase();

import { attributionQuery } from "../queries.js";

export async function inferencesView(view: HTMLElement): Promise<void> {
  const [recorded, pending] = await Promise.all([
    searchEvents("inference_recorded.job_id EXISTS", "inference_recorded"),
    attributionQuery.pending(),
  ]);
  const states = await Promise.all(
    recorded.map((r) =>
      attributionQuery
        .job(BigInt(r.job_id ?? "0"))
        .then((j) => (j.job ? jobState(j.job.state) : "?"))
        .catch(() => "?"),
    ),
  );
  const rows = recorded.map((r, i) => [
    inferenceLink(r.job_id ?? "?"),
    r.adapter_id && r.adapter_id !== "0" ? `adapter ${r.adapter_id}` : modelLink(r.model_id ?? "?"),
    methodName(r.method),
    addressLink(r.payer ?? ""),
    formatCoinText(r.fee),
    h("span", { class: `state ${states[i]}` }, states[i]),
    blockLink(r.height),
  ]);
  appendAll(
    view,
    h("h1", {}, "Inferences"),
    h("p", {}, `${pending.jobs.length} job(s) waiting for the validators' attribution.`),
    table(
      "Recorded inferences, newest first",
      ["Job", "Model", "Method", "Payer", "Fee", "State", "Height"],
      rows,
    ),
    note("Listed from the node's tx index (events inference_recorded); the newest 50."),
  );
}
