// Versions: a datanet's approved contributions, committed by a Merkle root. Approvals, automatic
// acceptances and flags only mark the datanet changed; EndBlock cuts at most one version per
// changed datanet, in ascending datanet id, so a block makes one version whatever its tx order.
import type { Context } from "../../node/app/context.js";
import { concatBytes, hashFromByteSlices } from "../../node/crypto/merkle.js";
import { ContributionStatus, type DatanetVersion } from "../../proto/gen/openledger/datanets/v1/types.js";
import type { DatanetsKeeper } from "./keeper.js";
import { u64be } from "./keys.js";
import { dayOf } from "./params.js";
import { equalBytes, hex } from "./validate.js";

/** RFC-6962 root over leaves u64be(id) ‖ sha256, in ascending id order (sha256("") when empty). */
export function versionHash(entries: readonly { id: bigint; hash: Uint8Array }[]): Uint8Array {
  return hashFromByteSlices(entries.map((e) => concatBytes(u64be(e.id), e.hash)));
}

/** EndBlock: cut the versions of the datanets changed in this block, prune old daily usage. */
export function endBlock(keeper: DatanetsKeeper, ctx: Context): void {
  for (const datanetId of keeper.takeChanged(ctx)) cutVersion(keeper, ctx, datanetId);
  keeper.pruneUsage(ctx, dayOf(ctx.header.timeNs));
}

/**
 * A new version holding every approved contribution of the datanet, unless the set is the same
 * as the latest version's (an approval and a flag of one contribution in one block) or there has
 * never been an approved contribution.
 */
export function cutVersion(
  keeper: DatanetsKeeper,
  ctx: Context,
  datanetId: bigint,
): DatanetVersion | undefined {
  const datanet = keeper.getDatanet(ctx, datanetId);
  if (!datanet) return undefined;
  const entries = keeper.idsWithStatus(ctx, datanetId, ContributionStatus.CONTRIBUTION_STATUS_APPROVED);
  const hash = versionHash(entries);
  const previous =
    datanet.latestVersion > 0n ? keeper.getVersion(ctx, datanetId, datanet.latestVersion) : undefined;
  if (previous ? equalBytes(previous.hash, hash) : entries.length === 0) return undefined;
  const version: DatanetVersion = {
    datanetId,
    version: datanet.latestVersion + 1n,
    contributionIds: entries.map((e) => e.id),
    hash,
    height: ctx.header.height,
    timeNs: ctx.header.timeNs,
  };
  keeper.setVersion(ctx, version);
  keeper.setDatanet(ctx, { ...datanet, latestVersion: version.version }, datanet);
  const before = new Set(previous?.contributionIds ?? []);
  const added = entries.filter((e) => !before.has(e.id));
  for (const e of added) {
    const c = keeper.getContribution(ctx, e.id);
    if (c && c.includedInVersion === 0n)
      keeper.setContribution(ctx, { ...c, includedInVersion: version.version });
  }
  ctx.events.emit("datanet_version_created", {
    datanet_id: datanetId.toString(),
    version: version.version.toString(),
    hash: hex(hash),
    contributions: entries.length.toString(),
    added: added.length.toString(),
    removed: (before.size - (entries.length - added.length)).toString(),
  });
  return version;
}
