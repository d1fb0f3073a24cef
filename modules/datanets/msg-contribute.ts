// MsgContribute: content checked and addressed by sha256, refused when already in the datanet or
// over a daily cap, the bond escrowed; accepted at once where the datanet needs no approval.
import { parseAddress } from "../../node/app/address.js";
import type { MsgType } from "../../node/app/module.js";
import { MsgContribute, MsgContributeResponse } from "../../proto/gen/openledger/datanets/v1/tx.js";
import {
  type Contribution,
  ContributionStatus,
  DataType,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { type DatanetsKeeper, mayContribute } from "./keeper.js";
import * as keys from "./keys.js";
import { dayOf, LIMITS } from "./params.js";
import { response, TYPE_URL_PREFIX } from "./response.js";
import { checkLicense, checkMediaType, checkText, hex, mediaTypeFits, resolveContent } from "./validate.js";

export const MSG_CONTRIBUTE_URL = `${TYPE_URL_PREFIX}MsgContribute`;

export function contributeMsg(keeper: DatanetsKeeper): MsgType<MsgContribute> {
  return {
    typeUrl: MSG_CONTRIBUTE_URL,
    decode: (bytes) => MsgContribute.decode(bytes),
    signers: (msg) => [msg.contributor],
    validateBasic(msg) {
      parseAddress(msg.contributor, "contributor");
      const content = resolveContent(msg);
      checkMediaType(content.mediaType);
      checkLicense(msg.license);
      checkText("metadata", msg.metadata, LIMITS.metadataBytes, true);
    },
    handle(ctx, msg) {
      const params = keeper.getParams(ctx);
      const datanet = keeper.getDatanet(ctx, msg.datanetId);
      if (!datanet) throw datanetsError(DatanetsCode.DatanetNotFound, `datanet ${msg.datanetId}`);
      if (!mayContribute(datanet, msg.contributor)) {
        throw datanetsError(
          DatanetsCode.NotAllowedContributor,
          `${msg.contributor} is not the owner, a curator or an allowed contributor of datanet ${datanet.id}`,
        );
      }
      const inline = msg.inlineContent.length > 0;
      if (inline && BigInt(msg.inlineContent.length) > params.maxInlineBytes) {
        throw datanetsError(
          DatanetsCode.ContentTooLarge,
          `inline_content is ${msg.inlineContent.length} bytes, max ${params.maxInlineBytes}`,
        );
      }
      const content = resolveContent(msg);
      if (!inline && content.size > params.maxContentBytes) {
        throw datanetsError(
          DatanetsCode.ContentTooLarge,
          `declared size ${content.size} bytes, max ${params.maxContentBytes}`,
        );
      }
      if (inline && datanet.dataType !== DataType.DATA_TYPE_TEXT) {
        throw datanetsError(DatanetsCode.InvalidContent, "inline content is for text datanets only");
      }
      const topLevel = checkMediaType(content.mediaType);
      if (!mediaTypeFits(datanet.dataType, topLevel) || (inline && topLevel !== "text")) {
        throw datanetsError(
          DatanetsCode.InvalidContent,
          `media_type ${content.mediaType} does not fit this datanet (inline content is text/*; ` +
            "text datanets take text/* and application/*, image ones image/*, audio ones audio/*)",
        );
      }
      const holder = keeper.contentOwner(ctx, datanet.id, content.hash);
      if (holder !== undefined) {
        throw datanetsError(
          DatanetsCode.DuplicateContent,
          `content ${hex(content.hash)} is contribution ${holder} of datanet ${datanet.id}`,
        );
      }

      const day = dayOf(ctx.header.timeNs);
      const contributorBytes = parseAddress(msg.contributor);
      const userKey = keys.contributorUsageKey(day, contributorBytes);
      const netKey = keys.datanetUsageKey(day, datanet.id);
      const user = keeper.getUsage(ctx, userKey);
      const net = keeper.getUsage(ctx, netKey);
      if (
        user.files + 1n > params.contributorDailyFiles ||
        user.bytes + content.size > params.contributorDailyBytes
      ) {
        throw datanetsError(
          DatanetsCode.ContributorDailyCap,
          `${msg.contributor} has sent ${user.files} files / ${user.bytes} bytes on day ${day}; ` +
            `caps ${params.contributorDailyFiles} files / ${params.contributorDailyBytes} bytes, this is ${content.size} bytes`,
        );
      }
      if (net.files + 1n > params.datanetDailyFiles || net.bytes + content.size > params.datanetDailyBytes) {
        throw datanetsError(
          DatanetsCode.DatanetDailyCap,
          `datanet ${datanet.id} has received ${net.files} files / ${net.bytes} bytes on day ${day}; ` +
            `caps ${params.datanetDailyFiles} files / ${params.datanetDailyBytes} bytes, this is ${content.size} bytes`,
        );
      }

      const bond = BigInt(datanet.contributionBond);
      keeper.moveBond(ctx, contributorBytes, keeper.escrow, bond, params.bondDenom);
      const status = datanet.needsApproval
        ? ContributionStatus.CONTRIBUTION_STATUS_PENDING
        : ContributionStatus.CONTRIBUTION_STATUS_APPROVED;
      const id = keeper.takeId(ctx, keys.NEXT_CONTRIBUTION_ID_KEY);
      const c: Contribution = {
        id,
        datanetId: datanet.id,
        contributor: msg.contributor,
        contentHash: content.hash,
        size: content.size,
        mediaType: content.mediaType,
        inline,
        license: msg.license,
        metadata: msg.metadata,
        status,
        bondAmount: bond.toString(),
        bondDenom: params.bondDenom,
        submittedHeight: ctx.header.height,
        submittedTimeNs: ctx.header.timeNs,
        reviewer: "",
        score: 0,
        reason: "",
        reviewedHeight: 0n,
        includedInVersion: 0n,
        flaggedBy: "",
        flagReason: "",
        flaggedHeight: 0n,
      };
      keeper.addContribution(ctx, c, inline ? msg.inlineContent : undefined);
      keeper.setUsage(ctx, userKey, { files: user.files + 1n, bytes: user.bytes + content.size });
      keeper.setUsage(ctx, netKey, { files: net.files + 1n, bytes: net.bytes + content.size });
      keeper.setDatanet(ctx, { ...datanet, contributionCount: datanet.contributionCount + 1n }, datanet);
      keeper.updateStats(ctx, msg.contributor, (s) => {
        s.contributions += 1n;
        s.bytes += content.size;
      });
      if (!datanet.needsApproval) keeper.markChanged(ctx, datanet.id);
      ctx.events.emit("contribution_submitted", {
        contribution_id: id.toString(),
        datanet_id: datanet.id.toString(),
        contributor: msg.contributor,
        content_hash: hex(content.hash),
        size: content.size.toString(),
        media_type: content.mediaType,
        bond: `${bond}${params.bondDenom}`,
        status: ContributionStatus[status],
      });
      return response(
        "MsgContributeResponse",
        MsgContributeResponse.encode({ contributionId: id, contentHash: content.hash, status }).finish(),
      );
    },
  };
}
