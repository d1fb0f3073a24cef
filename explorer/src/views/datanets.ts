// #/datanets and #/datanet/<id>: datanets with their versions, contributions and contributors.
import {
  addressLink,
  appendAll,
  blockLink,
  datanetLink,
  facts,
  formatCoin,
  formatInt,
  h,
  note,
  section,
  table,
} from "../dom.js";
import { ContributionStatus, contributionStatus } from "../labels.js";
import { attributionQuery, datanetsQuery } from "../queries.js";

export async function datanetsView(view: HTMLElement): Promise<void> {
  const { datanets } = await datanetsQuery.list();
  const rows = datanets.map((d) => [
    datanetLink(d.id),
    d.name,
    d.domain || "—",
    addressLink(d.owner),
    formatInt(d.contributionCount),
    d.latestVersion === 0n ? "none" : `v${d.latestVersion}`,
    d.needsApproval ? "curated" : "open",
  ]);
  appendAll(
    view,
    h("h1", {}, "Datanets"),
    table(
      "Datanets",
      ["Id", "Name", "Domain", "Owner", "Contributions", "Latest version", "Approval"],
      rows,
      "no datanets yet",
    ),
  );
}

export async function datanetView(view: HTMLElement, idText: string): Promise<void> {
  const id = BigInt(idText);
  const [found, contributions, rewards] = await Promise.all([
    datanetsQuery.datanet(id),
    datanetsQuery.byDatanet(id),
    attributionQuery.rewardsByDatanet(id).catch(() => undefined),
  ]);
  const d = found.datanet!;
  const versionNumbers = Array.from({ length: Number(d.latestVersion) }, (_, i) => BigInt(i + 1)).reverse();
  const versions = await Promise.all(versionNumbers.map((v) => datanetsQuery.version(id, v)));
  const versionRows = versions.map(({ version }) => [
    `v${version!.version}`,
    blockLink(version!.height),
    formatInt(version!.contributionIds.length),
    h(
      "span",
      { class: "mono small" },
      version!.contributionIds
        .slice(0, 20)
        .map((c) => `#${c}`)
        .join(" ") + (version!.contributionIds.length > 20 ? " …" : ""),
    ),
  ]);
  const list = contributions.contributions;
  const contributionRows = list.map((c) => [
    `#${c.id}`,
    addressLink(c.contributor),
    h("span", { class: `status ${contributionStatus(c.status)}` }, contributionStatus(c.status)),
    `${formatInt(c.size)} B${c.inline ? " inline" : ""}`,
    c.license || "—",
    blockLink(c.submittedHeight),
    c.includedInVersion ? `v${c.includedInVersion}` : "—",
  ]);
  const byContributor = new Map<string, { total: number; approved: number }>();
  for (const c of list) {
    const s = byContributor.get(c.contributor) ?? { total: 0, approved: 0 };
    s.total++;
    if (c.status === ContributionStatus.CONTRIBUTION_STATUS_APPROVED) s.approved++;
    byContributor.set(c.contributor, s);
  }
  const contributorRows = [...byContributor].map(([address, s]) => [
    addressLink(address),
    s.total,
    s.approved,
  ]);
  appendAll(
    view,
    h("h1", {}, `Datanet ${d.id}: ${d.name}`),
    d.summary ? h("p", {}, d.summary) : null,
    facts([
      ["Owner", addressLink(d.owner)],
      ["Domain", d.domain || "—"],
      ["Tags", d.tags.join(", ") || "—"],
      ["Contributions", formatInt(d.contributionCount)],
      [
        "Approval",
        d.needsApproval ? `curated by ${d.curators.length || "the owner"}` : "open (auto-approved)",
      ],
      ["Contribution bond", d.contributionBond || "0"],
      ["Created at", blockLink(d.createdHeight)],
      ["Rewards paid for its contributions", rewards ? formatCoin(rewards.rewards?.amount ?? "0") : "—"],
    ]),
    section(
      "Versions",
      table(
        "Versions, newest first",
        ["Version", "Cut at", "Contributions", "Ids"],
        versionRows,
        "no version cut yet",
      ),
    ),
    section(
      "Contributors",
      table("Contributors", ["Address", "Contributions", "Approved"], contributorRows, "no contributors yet"),
    ),
    section(
      "Contributions",
      table(
        "Contributions",
        ["Id", "Contributor", "Status", "Size", "License", "Submitted", "In version"],
        contributionRows,
        "no contributions yet",
      ),
      list.length >= 1000 ? note("Showing the first 1,000 contributions.") : null,
    ),
  );
}
