// Errors that reach users as ABCI results: a code and codespace exactly as the Cosmos SDK uses
// them (types/errors/errors.go), so wallets and explorers recognise them.

export const SDK = "sdk";

export enum SdkCode {
  TxDecode = 2,
  InvalidSequence = 3,
  Unauthorized = 4,
  InsufficientFunds = 5,
  UnknownRequest = 6,
  InvalidAddress = 7,
  InvalidPubKey = 8,
  UnknownAddress = 9,
  InvalidCoins = 10,
  OutOfGas = 11,
  MemoTooLarge = 12,
  InsufficientFee = 13,
  TooManySignatures = 14,
  NoSignatures = 15,
  InvalidRequest = 18,
  TxInMempoolCache = 19,
  MempoolIsFull = 20,
  TxTooLarge = 21,
  KeyNotFound = 22,
  InvalidSigner = 24,
  InvalidHeight = 26,
  InvalidChainID = 28,
  InvalidType = 29,
  TxTimeoutHeight = 30,
  UnknownExtensionOptions = 31,
  WrongSequence = 32,
  Logic = 35,
  NotSupported = 37,
  NotFound = 38,
  InvalidGasLimit = 41,
}

/** An error with an ABCI code; anything else thrown by a handler is reported as internal. */
export class AbciError extends Error {
  constructor(
    readonly codespace: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "AbciError";
  }
}

/** An SDK error; its log reads "<detail>: <sdk description>" as the SDK's Wrap does. */
export function sdkError(code: SdkCode, detail: string): AbciError {
  const base = DESCRIPTIONS[code];
  return new AbciError(SDK, code, base ? `${detail}: ${base}` : detail);
}

const DESCRIPTIONS: Partial<Record<SdkCode, string>> = {
  [SdkCode.TxDecode]: "tx parse error",
  [SdkCode.InvalidSequence]: "invalid sequence",
  [SdkCode.Unauthorized]: "unauthorized",
  [SdkCode.InsufficientFunds]: "insufficient funds",
  [SdkCode.UnknownRequest]: "unknown request",
  [SdkCode.InvalidAddress]: "invalid address",
  [SdkCode.InvalidPubKey]: "invalid pubkey",
  [SdkCode.UnknownAddress]: "unknown address",
  [SdkCode.InvalidCoins]: "invalid coins",
  [SdkCode.OutOfGas]: "out of gas",
  [SdkCode.MemoTooLarge]: "memo too large",
  [SdkCode.InsufficientFee]: "insufficient fee",
  [SdkCode.TooManySignatures]: "maximum number of signatures exceeded",
  [SdkCode.NoSignatures]: "no signatures supplied",
  [SdkCode.InvalidRequest]: "invalid request",
  [SdkCode.TxInMempoolCache]: "tx already in mempool",
  [SdkCode.MempoolIsFull]: "mempool is full",
  [SdkCode.TxTooLarge]: "tx too large",
  [SdkCode.KeyNotFound]: "key not found",
  [SdkCode.InvalidSigner]: "tx intended signer does not match the given signer",
  [SdkCode.InvalidHeight]: "invalid height",
  [SdkCode.InvalidChainID]: "invalid chain-id",
  [SdkCode.InvalidType]: "invalid type",
  [SdkCode.TxTimeoutHeight]: "tx timeout height",
  [SdkCode.UnknownExtensionOptions]: "unknown extension options",
  [SdkCode.WrongSequence]: "incorrect account sequence",
  [SdkCode.Logic]: "internal logic error",
  [SdkCode.NotSupported]: "feature not supported",
  [SdkCode.NotFound]: "not found",
  [SdkCode.InvalidGasLimit]: "invalid gas limit",
};

/** The ABCI view of any thrown value. Unexpected errors keep their message but get code 1. */
export function toAbci(err: unknown): { code: number; codespace: string; log: string } {
  if (err instanceof AbciError) return { code: err.code, codespace: err.codespace, log: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 1, codespace: "undefined", log: `internal error: ${message}` };
}

/**
 * A module's error registry, as the SDK's errors.Register: each code has one fixed description,
 * and an error with a detail logs "<detail>: <description>" (errors.Wrapf).
 */
export function errorFactory<C extends number>(
  codespace: string,
  descriptions: Record<C, string>,
): (code: C, detail?: string) => AbciError {
  return (code, detail) => {
    const base = descriptions[code];
    return new AbciError(codespace, code, detail ? `${detail}: ${base}` : base);
  };
}
