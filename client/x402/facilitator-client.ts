// HTTP client of an x402 facilitator (POST /verify, POST /settle, GET /supported), e.g. a node's
// `http://127.0.0.1:26657/x402`.
import type { FacilitatorRequest, SettleResponse, SupportedResponse, VerifyResponse } from "./types.js";

/**
 * Default limit of one facilitator call: longer than a node facilitator waits for its settlement
 * (20 blocks, at most 60 s), so the facilitator's final answer is the one acted on.
 */
export const FACILITATOR_TIMEOUT_MS = 90_000;

export class FacilitatorClient {
  private readonly base: string;

  /** `timeoutMs`: a facilitator that does not answer in time is an error (never a hung request). */
  constructor(
    url: string,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly timeoutMs = FACILITATOR_TIMEOUT_MS,
  ) {
    this.base = url.replace(/\/+$/, "");
    if (!/^https?:\/\//.test(this.base))
      throw new Error(`facilitator URL ${JSON.stringify(url)} is not http(s)`);
  }

  verify(body: FacilitatorRequest): Promise<VerifyResponse> {
    return this.post("verify", body) as Promise<VerifyResponse>;
  }

  settle(body: FacilitatorRequest): Promise<SettleResponse> {
    return this.post("settle", body) as Promise<SettleResponse>;
  }

  async supported(): Promise<SupportedResponse> {
    const res = await this.fetchFn(`${this.base}/supported`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`facilitator ${this.base}/supported answered ${res.status}`);
    return (await res.json()) as SupportedResponse;
  }

  private async post(path: string, body: FacilitatorRequest): Promise<unknown> {
    const res = await this.fetchFn(`${this.base}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(
        `facilitator ${this.base}/${path} answered ${res.status} without JSON: ${text.slice(0, 200)}`,
      );
    }
    // A refusal is a 200 (or 400) with isValid/success false: return it; anything else is an error.
    if (res.status >= 500)
      throw new Error(`facilitator ${this.base}/${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return json;
  }
}
