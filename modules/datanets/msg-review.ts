// MsgReviewContribution, MsgWithdrawContribution and MsgFlagContribution: the moves of a
// contribution after submission, and of its bond (README: bond lifecycle).
import { parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import type { MsgType } from "../../node/app/module.js";
import {
  MsgFlagContribution,
  MsgFlagContributionResponse,
  MsgReviewContribution,
  MsgReviewContributionResponse,
  MsgWithdrawContribution,
  MsgWithdrawContributionResponse,
} from "../../proto/gen/openledger/datanets/v1/tx.js";
import {
  type Contribution,
  ContributionStatus,
  type Datanet,
  ReviewDecision,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { type DatanetsKeeper, isCurator } from "./keeper.js";
import { LIMITS } from "./params.js";
import { response, TYPE_URL_PREFIX } from "./response.js";
import { checkScore, checkText } from "./validate.js";

export const MSG_REVIEW_CONTRIBUTION_URL = `${TYPE_URL_PREFIX}MsgReviewContribution`;
export const MSG_WITHDRAW_CONTRIBUTION_URL = `${TYPE_URL_PREFIX}MsgWithdrawContribution`;
export const MSG_FLAG_CONTRIBUTION_URL = `${TYPE_URL_PREFIX}MsgFlagContribution`;

const { CONTRIBUTION_STATUS_PENDING: PENDING, CONTRIBUTION_STATUS_APPROVED: APPROVED } = ContributionStatus;

function load(keeper: DatanetsKeeper, ctx: Context, id: bigint): { c: Contribution; datanet: Datanet } {
  const c = keeper.getContribution(ctx, id);
  if (!c) throw datanetsError(DatanetsCode.ContributionNotFound, `contribution ${id}`);
  const datanet = keeper.getDatanet(ctx, c.datanetId);
  if (!datanet) throw datanetsError(DatanetsCode.DatanetNotFound, `datanet ${c.datanetId}`);
  return { c, datanet };
}

function requireCurator(datanet: Datanet, signer: string): void {
  if (!isCurator(datanet, signer))
    throw datanetsError(
      DatanetsCode.NotCurator,
      `${signer} is not the owner or a curator of datanet ${datanet.id}`,
    );
}

function requireStatus(c: Contribution, status: ContributionStatus, code: DatanetsCode): void {
  if (c.status !== status)
    throw datanetsError(code, `contribution ${c.id} is ${ContributionStatus[c.status] ?? c.status}`);
}

/** "100uopen", or "" for a zero bond. */
function bondString(c: Contribution): string {
  return c.bondAmount === "0" ? "" : `${c.bondAmount}${c.bondDenom}`;
}

export function reviewMsg(keeper: DatanetsKeeper): MsgType<MsgReviewContribution> {
  return {
    typeUrl: MSG_REVIEW_CONTRIBUTION_URL,
    decode: (bytes) => MsgReviewContribution.decode(bytes),
    signers: (msg) => [msg.curator],
    validateBasic(msg) {
      parseAddress(msg.curator, "curator");
      if (
        msg.decision !== ReviewDecision.REVIEW_DECISION_APPROVE &&
        msg.decision !== ReviewDecision.REVIEW_DECISION_REJECT
      )
        throw datanetsError(
          DatanetsCode.InvalidField,
          `decision ${msg.decision} must be APPROVE (1) or REJECT (2)`,
        );
      checkScore(msg.score);
      checkText("reason", msg.reason, LIMITS.reasonBytes, true);
    },
    handle(ctx, msg) {
      const { c, datanet } = load(keeper, ctx, msg.contributionId);
      requireCurator(datanet, msg.curator);
      if (c.contributor === msg.curator)
        throw datanetsError(DatanetsCode.SelfReview, `${msg.curator} submitted contribution ${c.id}`);
      requireStatus(c, PENDING, DatanetsCode.NotPending);
      const approve = msg.decision === ReviewDecision.REVIEW_DECISION_APPROVE;
      c.reviewer = msg.curator;
      c.score = msg.score;
      c.reason = msg.reason;
      c.reviewedHeight = ctx.header.height;
      if (approve) {
        keeper.setStatus(ctx, c, APPROVED);
        keeper.markChanged(ctx, c.datanetId);
      } else {
        keeper.moveBond(ctx, keeper.escrow, parseAddress(c.contributor), BigInt(c.bondAmount), c.bondDenom);
        keeper.setStatus(ctx, c, ContributionStatus.CONTRIBUTION_STATUS_REJECTED);
      }
      keeper.updateStats(ctx, c.contributor, (s) => {
        if (approve) s.approvals += 1n;
        else s.rejections += 1n;
      });
      ctx.events.emit("contribution_reviewed", {
        contribution_id: c.id.toString(),
        datanet_id: c.datanetId.toString(),
        curator: msg.curator,
        contributor: c.contributor,
        decision: approve ? "approve" : "reject",
        score: msg.score.toString(),
        bond_returned: approve ? "" : bondString(c),
      });
      return response("MsgReviewContributionResponse", MsgReviewContributionResponse.encode({}).finish());
    },
  };
}

export function withdrawMsg(keeper: DatanetsKeeper): MsgType<MsgWithdrawContribution> {
  return {
    typeUrl: MSG_WITHDRAW_CONTRIBUTION_URL,
    decode: (bytes) => MsgWithdrawContribution.decode(bytes),
    signers: (msg) => [msg.contributor],
    validateBasic(msg) {
      parseAddress(msg.contributor, "contributor");
    },
    handle(ctx, msg) {
      const { c } = load(keeper, ctx, msg.contributionId);
      if (c.contributor !== msg.contributor)
        throw datanetsError(DatanetsCode.NotContributor, `contribution ${c.id} is ${c.contributor}'s`);
      requireStatus(c, PENDING, DatanetsCode.NotPending);
      keeper.moveBond(ctx, keeper.escrow, parseAddress(c.contributor), BigInt(c.bondAmount), c.bondDenom);
      keeper.setStatus(ctx, c, ContributionStatus.CONTRIBUTION_STATUS_WITHDRAWN);
      keeper.releaseContentHash(ctx, c.datanetId, c.contentHash);
      keeper.updateStats(ctx, c.contributor, (s) => {
        s.withdrawals += 1n;
      });
      const refunded = bondString(c);
      ctx.events.emit("contribution_withdrawn", {
        contribution_id: c.id.toString(),
        datanet_id: c.datanetId.toString(),
        contributor: c.contributor,
        bond_returned: refunded,
      });
      return response(
        "MsgWithdrawContributionResponse",
        MsgWithdrawContributionResponse.encode({ refunded }).finish(),
      );
    },
  };
}

export function flagMsg(keeper: DatanetsKeeper): MsgType<MsgFlagContribution> {
  return {
    typeUrl: MSG_FLAG_CONTRIBUTION_URL,
    decode: (bytes) => MsgFlagContribution.decode(bytes),
    signers: (msg) => [msg.curator],
    validateBasic(msg) {
      parseAddress(msg.curator, "curator");
      if (msg.reason === "") throw datanetsError(DatanetsCode.InvalidField, "reason is required to flag");
      checkText("reason", msg.reason, LIMITS.reasonBytes, true);
    },
    handle(ctx, msg) {
      const { c, datanet } = load(keeper, ctx, msg.contributionId);
      requireCurator(datanet, msg.curator);
      requireStatus(c, APPROVED, DatanetsCode.NotApproved);
      keeper.moveBond(ctx, keeper.escrow, keeper.feeCollector, BigInt(c.bondAmount), c.bondDenom);
      c.flaggedBy = msg.curator;
      c.flagReason = msg.reason;
      c.flaggedHeight = ctx.header.height;
      keeper.setStatus(ctx, c, ContributionStatus.CONTRIBUTION_STATUS_FLAGGED);
      keeper.markChanged(ctx, c.datanetId);
      keeper.updateStats(ctx, c.contributor, (s) => {
        s.flags += 1n;
      });
      const slashed = bondString(c);
      ctx.events.emit("contribution_flagged", {
        contribution_id: c.id.toString(),
        datanet_id: c.datanetId.toString(),
        curator: msg.curator,
        contributor: c.contributor,
        bond_slashed: slashed,
      });
      return response(
        "MsgFlagContributionResponse",
        MsgFlagContributionResponse.encode({ slashed }).finish(),
      );
    },
  };
}
