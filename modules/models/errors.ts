// The models module's own error codes (codespace "models"), as an SDK module's errors.go.
import { errorFactory } from "../../node/app/errors.js";

export const CODESPACE = "models";

export enum ModelsCode {
  InvalidName = 2,
  InvalidArtifact = 3,
  UnsupportedFormat = 4,
  InvalidAttributionMethod = 5,
  InvalidPrice = 6,
  InvalidDatanetRefs = 7,
  InvalidAdapter = 8,
  InvalidId = 9,
  DatanetNotFound = 10,
  ModelNotFound = 11,
  AdapterNotFound = 12,
  Deprecated = 13,
  NotOwner = 14,
  DuplicateArtifact = 15,
}

const DESCRIPTIONS: Record<ModelsCode, string> = {
  [ModelsCode.InvalidName]: "invalid model name",
  [ModelsCode.InvalidArtifact]: "invalid artifact",
  [ModelsCode.UnsupportedFormat]: "unsupported artifact format",
  [ModelsCode.InvalidAttributionMethod]: "invalid attribution method",
  [ModelsCode.InvalidPrice]: "invalid price",
  [ModelsCode.InvalidDatanetRefs]: "invalid datanet references",
  [ModelsCode.InvalidAdapter]: "invalid adapter",
  [ModelsCode.InvalidId]: "invalid id",
  [ModelsCode.DatanetNotFound]: "datanet version not found",
  [ModelsCode.ModelNotFound]: "model not found",
  [ModelsCode.AdapterNotFound]: "adapter not found",
  [ModelsCode.Deprecated]: "deprecated",
  [ModelsCode.NotOwner]: "not the owner",
  [ModelsCode.DuplicateArtifact]: "artifact already registered",
};

/** A models error; with a detail its log reads "<detail>: <description>", as the SDK's Wrapf. */
export const modelsError = errorFactory(CODESPACE, DESCRIPTIONS);
