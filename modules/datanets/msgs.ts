// datanets messages: MsgCreateDatanet and MsgUpdateDatanet here; contributions in
// msg-contribute.ts, review / withdraw / flag in msg-review.ts.
import { parseAddress } from "../../node/app/address.js";
import type { MsgType } from "../../node/app/module.js";
import {
  MsgCreateDatanet,
  MsgCreateDatanetResponse,
  MsgUpdateDatanet,
  MsgUpdateDatanetResponse,
} from "../../proto/gen/openledger/datanets/v1/tx.js";
import type { Datanet } from "../../proto/gen/openledger/datanets/v1/types.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { type DatanetsKeeper, isCurator } from "./keeper.js";
import { NEXT_DATANET_ID_KEY } from "./keys.js";
import { contributeMsg } from "./msg-contribute.js";
import { flagMsg, reviewMsg, withdrawMsg } from "./msg-review.js";
import { LIMITS } from "./params.js";
import { response, TYPE_URL_PREFIX } from "./response.js";
import {
  checkAddressList,
  checkDataType,
  checkDomain,
  checkName,
  checkTags,
  checkText,
  parseBond,
} from "./validate.js";

export const MSG_CREATE_DATANET_URL = `${TYPE_URL_PREFIX}MsgCreateDatanet`;
export const MSG_UPDATE_DATANET_URL = `${TYPE_URL_PREFIX}MsgUpdateDatanet`;

/** The fields MsgUpdateDatanet can replace; "curators" by the owner only. */
export const UPDATABLE_FIELDS = [
  "summary",
  "description",
  "tags",
  "curators",
  "allowed_contributors",
] as const;

export function datanetsMsgs(keeper: DatanetsKeeper): MsgType<unknown>[] {
  const create: MsgType<MsgCreateDatanet> = {
    typeUrl: MSG_CREATE_DATANET_URL,
    decode: (bytes) => MsgCreateDatanet.decode(bytes),
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      parseAddress(msg.owner, "owner");
      checkName(msg.name);
      checkText("summary", msg.summary, LIMITS.summaryBytes);
      checkText("description", msg.description, LIMITS.descriptionBytes, true);
      checkTags(msg.tags);
      checkDomain(msg.domain);
      checkDataType(msg.dataType);
      parseBond(msg.contributionBond);
      checkAddressList("curators", msg.curators, LIMITS.curators, msg.owner);
      checkAddressList("allowed_contributors", msg.allowedContributors, LIMITS.allowedContributors);
    },
    handle(ctx, msg) {
      const id = keeper.takeId(ctx, NEXT_DATANET_ID_KEY);
      const datanet: Datanet = {
        id,
        owner: msg.owner,
        name: msg.name,
        summary: msg.summary,
        description: msg.description,
        tags: msg.tags,
        domain: msg.domain,
        dataType: msg.dataType,
        permissioned: msg.permissioned,
        needsApproval: msg.needsApproval,
        contributionBond: parseBond(msg.contributionBond).toString(),
        curators: msg.curators,
        allowedContributors: msg.allowedContributors,
        latestVersion: 0n,
        contributionCount: 0n,
        createdHeight: ctx.header.height,
        createdTimeNs: ctx.header.timeNs,
      };
      keeper.setDatanet(ctx, datanet);
      ctx.events.emit("datanet_created", {
        datanet_id: id.toString(),
        owner: msg.owner,
        name: msg.name,
        domain: msg.domain,
        permissioned: String(msg.permissioned),
        needs_approval: String(msg.needsApproval),
        contribution_bond: `${datanet.contributionBond}${keeper.getParams(ctx).bondDenom}`,
      });
      return response(
        "MsgCreateDatanetResponse",
        MsgCreateDatanetResponse.encode({ datanetId: id }).finish(),
      );
    },
  };

  const update: MsgType<MsgUpdateDatanet> = {
    typeUrl: MSG_UPDATE_DATANET_URL,
    decode: (bytes) => MsgUpdateDatanet.decode(bytes),
    signers: (msg) => [msg.signer],
    validateBasic(msg) {
      parseAddress(msg.signer, "signer");
      const fields = new Set<string>();
      if (msg.fields.length === 0)
        throw datanetsError(
          DatanetsCode.InvalidUpdate,
          `fields is empty: name some of ${UPDATABLE_FIELDS.join(", ")}`,
        );
      for (const f of msg.fields) {
        if (!(UPDATABLE_FIELDS as readonly string[]).includes(f))
          throw datanetsError(DatanetsCode.InvalidUpdate, `field ${JSON.stringify(f)} cannot be updated`);
        if (fields.has(f)) throw datanetsError(DatanetsCode.InvalidUpdate, `field ${f} is repeated`);
        fields.add(f);
      }
      // A value for a field that is not named would be silently ignored: refuse it.
      const given: [string, boolean][] = [
        ["summary", msg.summary !== ""],
        ["description", msg.description !== ""],
        ["tags", msg.tags.length > 0],
        ["curators", msg.curators.length > 0],
        ["allowed_contributors", msg.allowedContributors.length > 0],
      ];
      for (const [f, set] of given) {
        if (set && !fields.has(f))
          throw datanetsError(DatanetsCode.InvalidUpdate, `${f} is set but not named in fields`);
      }
      checkText("summary", msg.summary, LIMITS.summaryBytes);
      checkText("description", msg.description, LIMITS.descriptionBytes, true);
      checkTags(msg.tags);
      checkAddressList("curators", msg.curators, LIMITS.curators);
      checkAddressList("allowed_contributors", msg.allowedContributors, LIMITS.allowedContributors);
    },
    handle(ctx, msg) {
      const previous = keeper.getDatanet(ctx, msg.datanetId);
      if (!previous) throw datanetsError(DatanetsCode.DatanetNotFound, `datanet ${msg.datanetId}`);
      if (!isCurator(previous, msg.signer))
        throw datanetsError(DatanetsCode.NotCurator, `${msg.signer} may not update datanet ${msg.datanetId}`);
      const fields = new Set(msg.fields);
      if (fields.has("curators") && msg.signer !== previous.owner)
        throw datanetsError(DatanetsCode.NotOwner, `only the owner ${previous.owner} changes curators`);
      if (fields.has("curators") && msg.curators.includes(previous.owner))
        throw datanetsError(
          DatanetsCode.InvalidField,
          `curators: the owner ${previous.owner} cannot be listed`,
        );
      const next: Datanet = {
        ...previous,
        summary: fields.has("summary") ? msg.summary : previous.summary,
        description: fields.has("description") ? msg.description : previous.description,
        tags: fields.has("tags") ? msg.tags : previous.tags,
        curators: fields.has("curators") ? msg.curators : previous.curators,
        allowedContributors: fields.has("allowed_contributors")
          ? msg.allowedContributors
          : previous.allowedContributors,
      };
      keeper.setDatanet(ctx, next, previous);
      ctx.events.emit("datanet_updated", {
        datanet_id: msg.datanetId.toString(),
        signer: msg.signer,
        fields: msg.fields.join(","),
      });
      return response("MsgUpdateDatanetResponse", MsgUpdateDatanetResponse.encode({}).finish());
    },
  };

  return [
    create,
    update,
    contributeMsg(keeper),
    reviewMsg(keeper),
    withdrawMsg(keeper),
    flagMsg(keeper),
  ] as MsgType<unknown>[];
}
