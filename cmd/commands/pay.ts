// `openledgerd pay <url>`: fetch a URL that charges per call with x402. A 402 answer is paid once
// with a key of the keyring (an ADR-036 signature by a cosmjs amino wallet, the payer pays no gas)
// if its price is at most --max-amount; the body goes to stdout, the settlement (tx hash, payer)
// to stderr, or both in one JSON line with -o json. Every input is checked before any request.
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { type Command, Option } from "commander";
import { decodeHeader } from "../../client/x402/codec.js";
import { paymentResponse, wrapFetchWithPayment } from "../../client/x402/fetch.js";
import {
  HEADERS,
  type PaymentRequirements,
  type ResourceInfo,
  type SettleResponse,
  X402Error,
} from "../../client/x402/types.js";
import { addKeyringOption, addOutputOption, openKeyring, outputFormat } from "../cli.js";
import { parseCoinsString } from "../coins.js";
import { ADDRESS_PREFIX, HD_PATH } from "../keyring-crypto.js";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CHAIN_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,49}$/;
/** Headers the payment itself sets: a caller's own would bypass or confuse it. */
const RESERVED_HEADERS = [HEADERS.signature, HEADERS.v1Payment].map((h) => h.toLowerCase());

interface PayOpts {
  from: string;
  maxAmount: string;
  method?: string;
  data?: string;
  header: string[];
  chainId?: string;
  timeout: string;
}

export interface PayRequest {
  url: string;
  method: string;
  headers: Headers;
  body?: string;
  maxAmount: { denom: string; amount: bigint };
  chainId?: string;
  timeoutMs: number;
}

/** Every option checked, nothing sent: the request `pay` will make. */
export function payRequest(urlText: string, o: PayOpts): PayRequest {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new Error(`"${urlText}" is not a URL (e.g. http://127.0.0.1:8080/weather)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`"${urlText}" is not an http(s) URL`);
  let coins: ReturnType<typeof parseCoinsString>;
  try {
    coins = parseCoinsString(o.maxAmount);
  } catch (err) {
    throw new Error(`--max-amount: ${(err as Error).message}`);
  }
  if (coins.length !== 1)
    throw new Error(`--max-amount must be one coin, e.g. 5000uopen, got "${o.maxAmount}"`);
  const method = (o.method ?? (o.data === undefined ? "GET" : "POST")).toUpperCase();
  if (!(METHODS as readonly string[]).includes(method))
    throw new Error(`--method must be one of ${METHODS.join(", ")}, got "${o.method}"`);
  if (o.data !== undefined && method === "GET") throw new Error("--data cannot be sent with --method GET");
  const headers = new Headers();
  for (const h of o.header) {
    const i = h.indexOf(":");
    const name = i < 0 ? "" : h.slice(0, i).trim();
    const value = i < 0 ? "" : h.slice(i + 1).trim();
    if (!TOKEN.test(name) || /[\r\n\0]/.test(value))
      throw new Error(`--header must read Name: value, got ${JSON.stringify(h)}`);
    if (RESERVED_HEADERS.includes(name.toLowerCase()))
      throw new Error(`--header ${name} is set by pay itself when it pays`);
    headers.append(name, value);
  }
  if (o.chainId !== undefined && !CHAIN_ID.test(o.chainId))
    throw new Error(`--chain-id ${JSON.stringify(o.chainId)} is not a chain id`);
  if (!/^[1-9][0-9]{0,5}$/.test(o.timeout))
    throw new Error(`--timeout must be a positive number of seconds, got "${o.timeout}"`);
  const request: PayRequest = {
    url: url.href,
    method,
    headers,
    maxAmount: coins[0]!,
    timeoutMs: Number(o.timeout) * 1000,
  };
  if (o.data !== undefined) request.body = o.data;
  if (o.chainId !== undefined) request.chainId = o.chainId;
  return request;
}

/** The key's amino signer (ADR-036 needs signAmino; the keyring gives a direct wallet of the same key). */
async function aminoSigner(
  cmd: Command,
  key: string,
): Promise<{ signer: Secp256k1HdWallet; address: string }> {
  const direct = await openKeyring(cmd).signer(key);
  const [expected] = await direct.getAccounts();
  const signer = await Secp256k1HdWallet.fromMnemonic(direct.mnemonic, {
    prefix: ADDRESS_PREFIX,
    hdPaths: [HD_PATH],
  });
  const [account] = await signer.getAccounts();
  if (!account || account.address !== expected?.address)
    throw new Error(`key "${key}": the amino wallet derives ${account?.address}, not ${expected?.address}`);
  return { signer, address: account.address };
}

/** Why a paid request was refused: PAYMENT-RESPONSE's error, else PAYMENT-REQUIRED's, else the body's. */
function refusalReason(res: Response, body: Buffer, settlement: SettleResponse | undefined): string {
  if (settlement && !settlement.success)
    return `${settlement.errorReason ?? "settlement failed"}: ${settlement.errorMessage ?? ""}`.trim();
  const header = res.headers.get(HEADERS.required);
  if (header !== null) {
    try {
      const error = decodeHeader(header, HEADERS.required).error;
      if (typeof error === "string" && error !== "") return error;
    } catch {
      // fall back to the body
    }
  }
  try {
    const json = JSON.parse(body.toString("utf8")) as { error?: unknown; message?: unknown };
    const parts = [json.error, json.message].filter((x) => typeof x === "string" && x !== "");
    if (parts.length > 0) return parts.join(": ");
  } catch {
    // not JSON
  }
  return body.toString("utf8").slice(0, 200) || "no reason given";
}

function safePaymentResponse(res: Response): SettleResponse | undefined {
  try {
    return paymentResponse(res);
  } catch {
    return undefined;
  }
}

async function pay(urlText: string, o: PayOpts, cmd: Command): Promise<void> {
  const request = payRequest(urlText, o);
  const format = outputFormat(cmd);
  const { signer, address } = await aminoSigner(cmd, o.from);
  let paid: { requirements: PaymentRequirements; resource: ResourceInfo } | undefined;
  const paying = wrapFetchWithPayment(fetch, signer, {
    maxAmount: request.maxAmount.amount,
    asset: request.maxAmount.denom,
    ...(request.chainId === undefined ? {} : { chainId: request.chainId }),
    onPayment: (requirements, resource) => {
      paid = { requirements, resource };
      return true;
    },
  });
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    signal: AbortSignal.timeout(request.timeoutMs),
  };
  if (request.body !== undefined) init.body = request.body;
  let res: Response;
  try {
    res = await paying(request.url, init);
  } catch (err) {
    const e = err as Error;
    if (e instanceof X402Error)
      throw new Error(`not paid: the server's 402 answer is malformed (${e.message})`);
    if (e.message.startsWith("no acceptable payment requirement"))
      throw new Error(
        `not paid: ${e.message} (--max-amount ${o.maxAmount}${o.chainId ? `, --chain-id ${o.chainId}` : ""})`,
      );
    if (e.name === "TimeoutError") throw new Error(`${request.url} did not answer within ${o.timeout} s`);
    const cause = (e as { cause?: Error }).cause?.message;
    throw new Error(`cannot fetch ${request.url}: ${cause ?? e.message}`);
  }
  const body = Buffer.from(await res.arrayBuffer());
  const settlement = safePaymentResponse(res);
  const payment = paid && {
    amount: `${paid.requirements.amount}${paid.requirements.asset}`,
    payTo: paid.requirements.payTo,
    resource: paid.resource.url,
  };
  const refused = res.status === 402 || (paid !== undefined && res.status === 400);
  if (format === "json") {
    const out = {
      url: request.url,
      status: res.status,
      payer: address,
      payment: payment ?? null,
      settlement: settlement ?? null,
      contentType: res.headers.get("content-type"),
      body: body.toString("utf8"),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else if (!refused) {
    process.stdout.write(body);
    if (payment && settlement?.success)
      process.stderr.write(
        `paid ${payment.amount} to ${payment.payTo}: tx ${settlement.transaction} (payer ${settlement.payer ?? address}, ${settlement.network})\n`,
      );
    else if (payment && res.ok)
      process.stderr.write(
        `paid ${payment.amount} to ${payment.payTo}, but the answer has no ${HEADERS.response}\n`,
      );
  }
  if (refused)
    throw new Error(
      `${paid ? "payment refused" : "payment required"} (${res.status}): ${refusalReason(res, body, settlement)}`,
    );
  if (!res.ok) throw new Error(`${request.url} answered ${res.status} ${res.statusText}`.trim());
}

export function registerPayCommand(program: Command): void {
  const cmd = program
    .command("pay <url>")
    .description(
      "fetch a URL that charges per call (x402): a 402 is paid once with --from's key, up to --max-amount; " +
        "prints the body (stdout) and the settlement tx (stderr)",
    )
    .requiredOption("--from <key>", "name of the paying key in the keyring")
    .requiredOption(
      "--max-amount <coin>",
      "the most this call may cost, e.g. 5000uopen (nothing is paid above it)",
    )
    .addOption(
      new Option("--method <method>", `HTTP method: ${METHODS.join(", ")} (default GET, POST with --data)`),
    )
    .option("--data <string>", "request body")
    .option(
      "--header <name:value>",
      "request header (repeatable)",
      (v: string, list: string[]) => [...list, v],
      [] as string[],
    )
    .option("--chain-id <id>", "pay only on this chain (default: any cosmos:<chain-id> network asked)")
    .option("--timeout <seconds>", "give up on the call (with its paid retry) after this long", "60");
  addKeyringOption(addOutputOption(cmd)).action((url: string, o: PayOpts, c: Command) => pay(url, o, c));
}
