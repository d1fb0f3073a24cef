// The attribution module's own error codes (codespace "attribution"), as an SDK module's errors.go.
import { errorFactory } from "../../node/app/errors.js";

export const CODESPACE = "attribution";

export enum AttributionCode {
  InvalidId = 2,
  InvalidHash = 3,
  InvalidOutput = 4,
  InvalidFee = 5,
  FeeBelowPrice = 6,
  ModelNotFound = 7,
  AdapterNotFound = 8,
  Deprecated = 9,
  JobNotFound = 10,
  JobFinished = 11,
  NotValidator = 12,
  NotBonded = 13,
  InvalidSignature = 14,
  ResultHashMismatch = 15,
  InvalidEntries = 16,
  UnknownContribution = 17,
  DuplicateSubmission = 18,
  WrongMethod = 19,
}

const DESCRIPTIONS: Record<AttributionCode, string> = {
  [AttributionCode.InvalidId]: "invalid id",
  [AttributionCode.InvalidHash]: "invalid hash",
  [AttributionCode.InvalidOutput]: "invalid output",
  [AttributionCode.InvalidFee]: "invalid fee",
  [AttributionCode.FeeBelowPrice]: "fee below price",
  [AttributionCode.ModelNotFound]: "model not found",
  [AttributionCode.AdapterNotFound]: "adapter not found",
  [AttributionCode.Deprecated]: "deprecated",
  [AttributionCode.JobNotFound]: "job not found",
  [AttributionCode.JobFinished]: "job is no longer pending",
  [AttributionCode.NotValidator]: "not a validator",
  [AttributionCode.NotBonded]: "validator not bonded",
  [AttributionCode.InvalidSignature]: "invalid consensus signature",
  [AttributionCode.ResultHashMismatch]: "result hash mismatch",
  [AttributionCode.InvalidEntries]: "invalid attribution entries",
  [AttributionCode.UnknownContribution]: "contribution not attributable",
  [AttributionCode.DuplicateSubmission]: "result already submitted",
  [AttributionCode.WrongMethod]: "wrong attribution method",
};

/** An attribution error; with a detail its log reads "<detail>: <description>", as the SDK's Wrapf. */
export const attributionError = errorFactory(CODESPACE, DESCRIPTIONS);
