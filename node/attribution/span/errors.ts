// Every refusal of the span engine is a SpanError with a code a caller can branch on.

export type SpanErrorCode =
  | "empty-output"
  | "output-too-long"
  | "invalid-params"
  | "invalid-input"
  | "missing-index"
  | "corrupt-index"
  | "exists";

export class SpanError extends Error {
  constructor(
    readonly code: SpanErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SpanError";
  }
}
