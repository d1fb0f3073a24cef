// JSON-RPC 2.0 errors as CometBFT writes them: {code, message, data} with data a string.

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
export const SERVER_ERROR = -32000;

const MESSAGES: Record<number, string> = {
  [PARSE_ERROR]: "Parse error",
  [INVALID_REQUEST]: "Invalid Request",
  [METHOD_NOT_FOUND]: "Method not found",
  [INVALID_PARAMS]: "Invalid params",
  [INTERNAL_ERROR]: "Internal error",
  [SERVER_ERROR]: "Server error",
};

export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly code: number,
    readonly data: string,
  ) {
    super(MESSAGES[code] ?? "Server error");
  }

  toJson(): { code: number; message: string; data: string } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export const invalidParams = (data: string) => new RpcError(INVALID_PARAMS, data);
export const internalError = (data: string) => new RpcError(INTERNAL_ERROR, data);
