// The contributions behind datanet versions, as texts: what `openledgerd model train` trains on,
// what the validator worker rebuilds a model's training set from, and what `attribution explain`
// recomputes a span index from. One definition over any reader of the chain (the worker's
// ChainView, or a client's query extension), so the CLI and the validators assemble the same set.

import type { Contribution, DatanetVersion } from "../../../proto/gen/openledger/datanets/v1/types.js";
import { ContributionStatus } from "../../../proto/gen/openledger/datanets/v1/types.js";
import { exampleFromContribution, type TrainingExample } from "../influence/index.js";

type MaybeAsync<T> = T | Promise<T>;

/** What the assembly reads: datanet versions, contributions (with inline bytes), content bytes. */
export interface ContributionSource {
  datanetVersion(datanetId: bigint, version: bigint): MaybeAsync<DatanetVersion | undefined>;
  contribution(id: bigint): MaybeAsync<{ contribution: Contribution; inline: Uint8Array } | undefined>;
  /** Bytes of content held by reference (content store, or GET /content/<sha256>). */
  contentOf?: (sha256: Uint8Array) => Promise<Uint8Array | undefined>;
}

export interface VersionRef {
  datanetId: bigint;
  version: bigint;
}

export interface ContributionText {
  contribution: Contribution;
  text: string;
}

/**
 * "approved": the contributions of the versions that are APPROVED now (flagged ones left out; what
 * training and span attribution use). "members": every contribution the versions list, whatever
 * its status now (a version holds only contributions approved when it was cut, so this is the
 * training set of a model trained before some of them were flagged).
 */
export type Membership = "approved" | "members";

/** A retryable shortfall: content that has not reached this node yet. */
export class NotHereYet extends Error {}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const byId = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** The ids the versions list, deduplicated, ascending. */
export async function versionMembers(
  src: ContributionSource,
  refs: readonly VersionRef[],
): Promise<bigint[]> {
  const ids = new Set<bigint>();
  for (const ref of refs) {
    const v = await src.datanetVersion(ref.datanetId, ref.version);
    if (v === undefined) throw new Error(`datanet ${ref.datanetId} has no version ${ref.version}`);
    for (const id of v.contributionIds) ids.add(id);
  }
  return [...ids].sort(byId);
}

/** The texts of the versions' contributions (ascending id), each decoded as strict UTF-8. */
export async function versionTexts(
  src: ContributionSource,
  refs: readonly VersionRef[],
  membership: Membership = "approved",
  onProgress?: (done: number, total: number) => void,
): Promise<ContributionText[]> {
  const ids = await versionMembers(src, refs);
  const out: ContributionText[] = [];
  for (const [i, id] of ids.entries()) {
    onProgress?.(i, ids.length);
    const found = await src.contribution(id);
    if (found === undefined) throw new Error(`contribution ${id} not found`);
    const c = found.contribution;
    if (membership === "approved" && c.status !== ContributionStatus.CONTRIBUTION_STATUS_APPROVED) continue;
    const bytes = c.inline ? found.inline : await src.contentOf?.(c.contentHash);
    if (bytes === undefined) {
      throw new NotHereYet(
        `content of contribution ${id} (sha256 ${Buffer.from(c.contentHash).toString("hex")}) is not here yet`,
      );
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new Error(`contribution ${id}: its content is not UTF-8 text (media type ${c.mediaType})`);
    }
    out.push({ contribution: c, text });
  }
  onProgress?.(ids.length, ids.length);
  return out;
}

/** Training examples (labels from each contribution's metadata `label`), ascending id. */
export function examplesOf(items: readonly ContributionText[]): TrainingExample[] {
  return items.map(({ contribution, text }) => {
    try {
      return exampleFromContribution(contribution, text);
    } catch (err) {
      throw new Error(
        `${(err as Error).message} (datanet ${contribution.datanetId}; a classifier's examples need ` +
          `metadata like {"label": "spam"})`,
      );
    }
  });
}
