// #/models and #/model/<id>: models, their LoRA adapters, prices, datanets and inferences.
import type { Adapter, Model, Price } from "../../../proto/gen/openledger/models/v1/types.js";
import {
  addressLink,
  appendAll,
  blockLink,
  datanetLink,
  facts,
  formatCoinText,
  formatInt,
  h,
  inferenceLink,
  modelLink,
  section,
  table,
} from "../dom.js";
import { searchEvents } from "../events.js";
import { attributionMethod } from "../labels.js";
import { modelsQuery, toHex } from "../queries.js";

const price = (p: Price | undefined) =>
  p
    ? `${formatInt(p.perCall || "0")} per call + ${formatInt(p.per1kOutputTokens || "0")} per 1k tokens`
    : "—";
const refs = (m: Model | Adapter) =>
  m.datanets.length === 0
    ? "—"
    : h(
        "span",
        {},
        ...m.datanets.flatMap((d, i) => [i ? ", " : "", datanetLink(d.datanetId), ` v${d.version}`]),
      );

function adapterRows(adapters: Adapter[]) {
  return adapters.map((a) => [
    `adapter ${a.id}`,
    modelLink(a.baseModelId),
    addressLink(a.owner),
    `rank ${a.rank}`,
    refs(a),
    price(a.price),
    a.deprecated ? "deprecated" : "active",
  ]);
}

export async function modelsView(view: HTMLElement): Promise<void> {
  const { models } = await modelsQuery.list();
  const adapters = (await Promise.all(models.map((m) => modelsQuery.adapters(m.id)))).flatMap(
    (r) => r.adapters,
  );
  const rows = models.map((m) => [
    modelLink(m.id),
    m.name,
    addressLink(m.owner),
    m.format,
    attributionMethod(m.attributionMethod),
    refs(m),
    price(m.price),
    m.deprecated ? "deprecated" : "active",
  ]);
  appendAll(
    view,
    h("h1", {}, "Models and adapters"),
    table(
      "Models",
      ["Id", "Name", "Owner", "Format", "Attribution", "Datanets", "Price (uopen)", "State"],
      rows,
      "no models yet",
    ),
    table(
      "LoRA adapters",
      ["Id", "Base model", "Owner", "Rank", "Datanets", "Price (uopen)", "State"],
      adapterRows(adapters),
      "no adapters yet",
    ),
  );
}

export async function modelView(view: HTMLElement, idText: string): Promise<void> {
  const id = BigInt(idText);
  const [{ model }, { adapters }, inferences] = await Promise.all([
    modelsQuery.model(id),
    modelsQuery.adapters(id),
    searchEvents(`inference_recorded.model_id=${id}`, "inference_recorded", (r) => r.model_id === String(id)),
  ]);
  const m = model!;
  appendAll(
    view,
    h("h1", {}, `Model ${m.id}: ${m.name}`),
    facts([
      ["Owner", addressLink(m.owner)],
      ["Format", m.format],
      ["Attribution method", attributionMethod(m.attributionMethod)],
      ["Trained on", refs(m)],
      ["Base model", m.baseModelId ? modelLink(m.baseModelId) : "—"],
      [
        "Artifact",
        h("span", { class: "mono" }, `${toHex(m.artifactSha256)} (${formatInt(m.artifactSize)} B)`),
      ],
      ["Price (uopen)", price(m.price)],
      ["State", m.deprecated ? "deprecated" : "active"],
      ["Registered at", blockLink(m.createdHeight)],
    ]),
    section(
      "Adapters",
      table(
        "Adapters",
        ["Id", "Base model", "Owner", "Rank", "Datanets", "Price", "State"],
        adapterRows(adapters),
      ),
    ),
    section(
      "Inferences",
      table(
        "Recorded inferences (newest first)",
        ["Job", "Payer", "Fee", "Height"],
        inferences.map((r) => [
          inferenceLink(r.job_id ?? "?"),
          addressLink(r.payer ?? ""),
          formatCoinText(r.fee),
          blockLink(r.height),
        ]),
      ),
    ),
  );
}
