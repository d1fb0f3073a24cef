// `openledgerd light`: verifies headers from a trusted one up to the latest (or --height) and prints
// the verified header; and the --prove mode of `query bank balances`, which prints a balance only
// after its ICS23 proof checks against the app hash of a header the light client verified.
import { type Command, Option } from "commander";
import {
  LightClient,
  type LightClientOptions,
  RpcProvider,
  startLightProxy,
  type TrustLevel,
  verifiedBalance,
} from "../../light/index.js";
import { parseAddress } from "../../node/app/address.js";
import { headerHash } from "../../node/types/header.js";
import { addOutputOption, outputFormat, printResult } from "../cli.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const UNITS: Record<string, bigint> = {
  ns: 1n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** "336h", "90s", "500ms" → nanoseconds. */
export function parseDuration(text: string, flag: string): bigint {
  const m = /^(\d+)(ns|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`${flag} must be a duration like 336h, 10s or 500ms, got "${text}"`);
  return BigInt(m[1]!) * UNITS[m[2]!]!;
}

function parseTrustLevel(text: string): TrustLevel {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--trust-level must be a fraction like 1/3, got "${text}"`);
  return { numerator: BigInt(m[1]!), denominator: BigInt(m[2]!) };
}

function parseHeight(text: string, flag: string): bigint {
  if (!/^\d+$/.test(text) || BigInt(text) <= 0n)
    throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return BigInt(text);
}

/** The trust options shared by `light` and `query … --prove`. */
function addTrustOptions(cmd: Command, required: boolean): Command {
  const height = new Option(
    "--trusted-height <height>",
    "height of a header you trust (obtained out of band)",
  );
  const hash = new Option("--trusted-hash <hex>", "hash of that header (64 hex characters)");
  if (required) {
    height.makeOptionMandatory();
    hash.makeOptionMandatory();
  }
  return cmd
    .addOption(height)
    .addOption(hash)
    .option("--chain-id <id>", "expected chain id (default: the one the trusted header names)")
    .option("--trusting-period <duration>", "how long a verified header stays a trust root", "336h")
    .option("--max-clock-drift <duration>", "how far ahead of this clock a header time may be", "10s")
    .option(
      "--trust-level <fraction>",
      "power of a trusted set that must sign a skipped-to header, in [1/3, 1]",
      "1/3",
    )
    .option("--sequential", "verify every header instead of skipping (bisection)");
}

interface TrustFlags {
  trustedHeight?: string;
  trustedHash?: string;
  chainId?: string;
  trustingPeriod: string;
  maxClockDrift: string;
  trustLevel: string;
  sequential?: boolean;
}

async function openClient(provider: RpcProvider, o: TrustFlags): Promise<LightClient> {
  if (o.trustedHeight === undefined || o.trustedHash === undefined) {
    throw new Error(
      "--prove needs a trust root: --trusted-height H --trusted-hash HASH (e.g. from a block explorer you trust)",
    );
  }
  if (!/^[0-9a-fA-F]{64}$/.test(o.trustedHash))
    throw new Error(`--trusted-hash must be 64 hex characters, got "${o.trustedHash}"`);
  const trustedHeight = parseHeight(o.trustedHeight, "--trusted-height");
  const trustedHash = new Uint8Array(Buffer.from(o.trustedHash, "hex"));
  // The chain id need not be trusted: the trusted hash covers the header that names it.
  const chainId = o.chainId ?? (await provider.lightBlock(trustedHeight)).header.chainId;
  const options: LightClientOptions = {
    chainId,
    trustedHeight,
    trustedHash,
    trustingPeriodNs: parseDuration(o.trustingPeriod, "--trusting-period"),
    maxClockDriftNs: parseDuration(o.maxClockDrift, "--max-clock-drift"),
    trustLevel: parseTrustLevel(o.trustLevel),
    mode: o.sequential ? "sequential" : "skipping",
  };
  return LightClient.create(provider, options);
}

/** The --prove options of `query bank balances` (registered by client.ts). */
export function addProveOptions(cmd: Command): Command {
  cmd.option("--prove", "print the balance only after verifying it against a light-client-verified header");
  cmd.option("--denom <denom>", "with --prove: the denom whose balance is proven", "uopen");
  cmd.option("--height <height>", "with --prove: the state height (default: latest − 1)");
  return addTrustOptions(cmd, false);
}

/** `query bank balances ADDR --prove`. */
export async function runProvenBalance(cmd: Command, nodeUrl: string, address: string): Promise<void> {
  parseAddress(address);
  const o = cmd.opts<TrustFlags & { denom: string; height?: string }>();
  const provider = new RpcProvider(nodeUrl);
  const client = await openClient(provider, o);
  const height = o.height === undefined ? undefined : parseHeight(o.height, "--height");
  const b = await verifiedBalance(client, provider, address, o.denom, height);
  printResult(
    outputFormat(cmd),
    {
      balance: { denom: b.denom, amount: b.amount.toString() },
      height: b.height.toString(),
      verified: true,
      app_hash: hex(b.appHash),
    },
    `${b.amount}${b.denom}\nverified at height ${b.height} (app hash ${hex(b.appHash)} of header ${b.height + 1n})`,
  );
}

export function registerLightCommands(program: Command): void {
  const light = program
    .command("light")
    .description("light client: verify headers from a trusted one, trusting the RPC node for nothing");
  light.requiredOption("--rpc <url>", "RPC endpoint of a node (http://host:port)");
  light.option("--height <height>", "verify up to this height (default: the latest)");
  light.option(
    "--proxy <host:port>",
    "serve JSON-RPC here, passing on only verified answers (status, header, commit, validators, abci_query of store keys, bank balances, accounts)",
  );
  addOutputOption(addTrustOptions(light, true)).action(async (_opts: unknown, cmd: Command) => {
    const o = cmd.opts<TrustFlags & { rpc: string; height?: string; proxy?: string }>();
    const listen = o.proxy === undefined ? undefined : /^([^:]+):(\d{1,5})$/.exec(o.proxy);
    if (o.proxy !== undefined && (!listen || Number(listen[2]) > 65535))
      throw new Error(`--proxy must be host:port, got "${o.proxy}"`);
    const provider = new RpcProvider(o.rpc);
    const client = await openClient(provider, o);
    if (listen) {
      const proxy = await startLightProxy({ client, provider, host: listen[1]!, port: Number(listen[2]) });
      process.stderr.write(`light proxy for ${o.rpc} serving verified answers at ${proxy.url}\n`);
      const stop = () => void proxy.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      return new Promise<void>(() => {});
    }
    const target =
      o.height === undefined ? (await provider.status()).latestHeight : parseHeight(o.height, "--height");
    const lb = await client.verifyTo(target);
    const h = lb.header;
    printResult(
      outputFormat(cmd),
      {
        chain_id: h.chainId,
        height: h.height.toString(),
        hash: hex(headerHash(h)),
        app_hash: hex(h.appHash),
        time: new Date(Number(h.time.seconds) * 1000).toISOString(),
        validators: lb.validators.length,
        headers_fetched: client.fetched,
      },
      `verified ${h.chainId} height ${h.height}\nhash ${hex(headerHash(h))}\napp_hash ${hex(h.appHash)}\nvalidators ${lb.validators.length}, headers fetched ${client.fetched}`,
    );
  });
}
