// `tx datanets …` and `query datanets …` through the client library (client/): messages built and
// checked by its builders, signed with a key of the keyring by a stock SigningStargateClient,
// queries through its QueryClient extension. Also the helpers models.ts shares.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { fromHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice } from "@cosmjs/stargate";
import { type Command, Option } from "commander";
import {
  ContributionStatus,
  connectOpenledger,
  connectOpenledgerQuery,
  contentFor,
  decodeMsgResponses,
  guessMediaType,
  msgContribute,
  msgCreateDatanet,
  msgFlagContribution,
  msgReviewContribution,
  msgUpdateDatanet,
  msgWithdrawContribution,
  type OpenledgerClients,
  type OpenledgerQueryClient,
  type PageInput,
  toPlain,
  toText,
} from "../../client/index.js";
import { addKeyringOption, addOutputOption, openKeyring, outputFormat, printResult } from "../cli.js";

const DEFAULT_NODE = "http://127.0.0.1:26657";

/** The `tx` or `query` group made by client.ts, or a new one. */
export function group(parent: Command, name: string, description: string): Command {
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}

export function addNodeOption(cmd: Command): Command {
  return cmd.addOption(
    new Option("--node <url>", "RPC endpoint of a node").default(DEFAULT_NODE).env("OPENLEDGER_NODE"),
  );
}

function nodeUrl(cmd: Command): string {
  const url = cmd.optsWithGlobals<{ node: string }>().node.replace(/^tcp:\/\//, "http://");
  if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`--node must be an http(s) URL, got "${url}"`);
  return url;
}

/** A comma-separated list; "" is the empty list. */
export const list = (s: string): string[] =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

/** Options of every tx command: --from, gas, memo, keyring, output, node. */
export function txOptions(cmd: Command): Command {
  cmd
    .requiredOption("--from <key>", "name of the signing key in the keyring")
    .option("--gas <gas>", 'gas limit, or "auto" to simulate', "auto")
    .option("--gas-prices <price>", "gas price", "0.025uopen")
    .option("--memo <memo>", "tx memo", "");
  return addNodeOption(addKeyringOption(addOutputOption(cmd)));
}

interface TxOpts {
  from: string;
  gas: string;
  gasPrices: string;
  memo: string;
}

type Build = (
  sender: string,
  query: () => Promise<OpenledgerQueryClient>,
) => EncodeObject | Promise<EncodeObject>;

/**
 * Signs `build`'s message with the --from key and broadcasts it (fee "auto" by default), then
 * prints the tx and the message's response. The message is built (and checked) before anything is
 * sent; `query` connects on first use. A failed tx exits 1 with its code and log.
 */
export async function broadcast(cmd: Command, build: Build): Promise<void> {
  const opts = cmd.opts<TxOpts>();
  if (opts.gas !== "auto" && !/^[1-9][0-9]*$/.test(opts.gas))
    throw new Error(`--gas must be "auto" or a positive integer, got "${opts.gas}"`);
  const gasPrice = GasPrice.fromString(opts.gasPrices);
  const wallet = await openKeyring(cmd).signer(opts.from);
  const [account] = await wallet.getAccounts();
  const sender = account!.address;
  let conn: OpenledgerClients | undefined;
  const connect = async () => {
    conn ??= await connectOpenledger(nodeUrl(cmd), wallet, { gasPrice, broadcastPollIntervalMs: 500 });
    return conn;
  };
  try {
    const msg = await build(sender, async () => (await connect()).query);
    const { signing } = await connect();
    const fee = opts.gas === "auto" ? "auto" : calculateFee(Number(opts.gas), gasPrice);
    const result = await signing.signAndBroadcast(sender, [msg], fee, opts.memo).catch((err: Error) => {
      // fee "auto": a message the chain refuses fails its simulation, as a failed abci_query.
      const m = /Query failed with \((\d+)\): ([\s\S]*)/.exec(err.message);
      throw m ? new Error(`tx refused in simulation with code ${m[1]}: ${m[2]}`) : err;
    });
    const response = decodeMsgResponses(result).map((r) => toPlain(r.value))[0] ?? {};
    const out = {
      txhash: result.transactionHash,
      height: result.height,
      code: result.code,
      gasUsed: result.gasUsed.toString(),
      gasWanted: result.gasWanted.toString(),
      response,
    };
    const text = `txhash: ${out.txhash}\nheight: ${out.height}\ncode: ${out.code}\ngas used: ${out.gasUsed} / ${out.gasWanted}\n${toText(response)}`;
    printResult(outputFormat(cmd), out, text.trimEnd());
    if (result.code !== 0) throw new Error(`tx failed with code ${result.code}: ${result.rawLog ?? ""}`);
  } finally {
    conn?.disconnect();
  }
}

/** Options of every query command: output and node. */
export function queryOptions(cmd: Command): Command {
  return addNodeOption(addOutputOption(cmd));
}

/** Runs `fn` on a query client and prints its answer (JSON: plain; text: key: value lines). */
export async function runQuery(
  cmd: Command,
  fn: (q: OpenledgerQueryClient) => Promise<unknown>,
): Promise<void> {
  const { query, disconnect } = await connectOpenledgerQuery(nodeUrl(cmd));
  try {
    const plain = toPlain(await fn(query));
    printResult(outputFormat(cmd), plain, toText(plain));
  } finally {
    disconnect();
  }
}

/** `--limit` and `--page-key` (hex, a previous answer's pagination.nextKey). */
export function pageOptions(cmd: Command): Command {
  return cmd
    .option("--limit <n>", "at most this many entries (default 100, max 1000)")
    .option("--page-key <hex>", "start at this key (pagination.nextKey of the previous page)");
}

export function page(opts: { limit?: string; pageKey?: string }): PageInput {
  if (opts.pageKey !== undefined && !/^([0-9a-fA-F]{2})*$/.test(opts.pageKey))
    throw new Error(`--page-key must be hex, got "${opts.pageKey}"`);
  return { limit: opts.limit, key: opts.pageKey === undefined ? undefined : fromHex(opts.pageKey) };
}

/** --status names: all (UNSPECIFIED), pending, approved, rejected, withdrawn, flagged. */
const STATUSES: Record<string, ContributionStatus> = Object.fromEntries(
  Object.entries(ContributionStatus)
    .filter((e): e is [string, ContributionStatus] => typeof e[1] === "number" && e[1] >= 0)
    .map(([k, v]) => [k === "CONTRIBUTION_STATUS_UNSPECIFIED" ? "all" : k.slice(20).toLowerCase(), v]),
);

export function registerDatanetsCommands(program: Command): void {
  const tx = group(program, "tx", "sign and broadcast transactions")
    .command("datanets")
    .description("datanets transactions: curated data collections");
  txOptions(
    tx
      .command("create <name>")
      .description("create a datanet owned by --from; prints its id")
      .requiredOption("--domain <domain>", "domain, 1-32 characters of a-z 0-9 -")
      .option("--summary <text>", "one-line summary (≤ 280 bytes)")
      .option("--description <text>", "description (≤ 8192 bytes)")
      .option("--tags <list>", "comma-separated tags", list)
      .addOption(
        new Option("--data-type <type>", "kind of data").choices(["text", "image", "audio"]).default("text"),
      )
      .option("--permissioned", "only the owner, curators and --allowed-contributors may contribute", false)
      .option("--no-approval", "accept contributions without a curator's review")
      .option("--bond <amount>", "uopen escrowed per contribution", "0")
      .option("--curators <addresses>", "comma-separated curator addresses", list)
      .option("--allowed-contributors <addresses>", "comma-separated addresses (permissioned)", list),
  ).action((name: string, o, cmd: Command) =>
    broadcast(cmd, (owner) =>
      msgCreateDatanet({
        owner,
        name,
        domain: o.domain,
        summary: o.summary,
        description: o.description,
        tags: o.tags,
        dataType: o.dataType,
        permissioned: o.permissioned,
        needsApproval: o.approval,
        contributionBond: o.bond,
        curators: o.curators,
        allowedContributors: o.allowedContributors,
      }),
    ),
  );
  txOptions(
    tx
      .command("contribute <datanet-id>")
      .description("submit --text or --file (inline when text under the node's cap, else by sha256 and size)")
      .option("--text <text>", "inline UTF-8 text")
      .option("--file <path>", "a file")
      .requiredOption("--license <spdx>", 'license, e.g. "CC-BY-4.0"')
      .option("--media-type <type>", "media type (default: text/plain, or guessed from the file name)")
      .option("--metadata <text>", "free-form metadata (≤ 2048 bytes)"),
  ).action((datanetId: string, o, cmd: Command) =>
    broadcast(cmd, async (contributor, query) => {
      if ((o.text === undefined) === (o.file === undefined))
        throw new Error("give exactly one of --text and --file");
      const base = { contributor, datanetId, license: o.license, metadata: o.metadata };
      if (o.text !== undefined) return msgContribute({ ...base, text: o.text, mediaType: o.mediaType });
      const bytes = await readFile(o.file).catch((e: Error) => {
        throw new Error(`--file ${o.file}: ${e.message}`);
      });
      const q = await query();
      const [params, datanet] = await Promise.all([q.datanets.params(), q.datanets.datanet(datanetId)]);
      const mediaType = o.mediaType ?? guessMediaType(basename(o.file));
      const content = contentFor(new Uint8Array(bytes), {
        maxInlineBytes: params.maxInlineBytes,
        dataType: datanet.dataType,
        mediaType,
      });
      return msgContribute({ ...base, ...content });
    }),
  );
  txOptions(
    tx
      .command("review <contribution-id> <decision>")
      .description("approve or reject a pending contribution (owner or curator)")
      .option("--score <0-100>", "quality score", "0")
      .option("--reason <text>", "reason (≤ 512 bytes)"),
  ).action((id: string, decision: string, o, cmd: Command) =>
    broadcast(cmd, (curator) => {
      if (!/^[0-9]+$/.test(o.score)) throw new Error(`--score must be an integer 0-100, got "${o.score}"`);
      return msgReviewContribution({
        curator,
        contributionId: id,
        decision: decision as "approve",
        score: Number(o.score),
        reason: o.reason,
      });
    }),
  );
  txOptions(
    tx
      .command("flag <contribution-id>")
      .description("flag an approved contribution as harmful: its bond is slashed")
      .requiredOption("--reason <text>", "why (≤ 512 bytes)"),
  ).action((id: string, o, cmd: Command) =>
    broadcast(cmd, (curator) => msgFlagContribution({ curator, contributionId: id, reason: o.reason })),
  );
  txOptions(
    tx
      .command("withdraw <contribution-id>")
      .description("take back a pending contribution; its bond returns"),
  ).action((id: string, _o, cmd: Command) =>
    broadcast(cmd, (contributor) => msgWithdrawContribution({ contributor, contributionId: id })),
  );
  txOptions(
    tx
      .command("update <datanet-id>")
      .description("replace the fields given (an empty value clears a list)")
      .option("--summary <text>", "summary")
      .option("--description <text>", "description")
      .option("--tags <list>", "comma-separated tags", list)
      .option("--curators <addresses>", "comma-separated curators (owner only)", list)
      .option("--allowed-contributors <addresses>", "comma-separated addresses", list),
  ).action((datanetId: string, o, cmd: Command) =>
    broadcast(cmd, (signer) =>
      msgUpdateDatanet({
        signer,
        datanetId,
        summary: o.summary,
        description: o.description,
        tags: o.tags,
        curators: o.curators,
        allowedContributors: o.allowedContributors,
      }),
    ),
  );

  const q = group(program, "query", "query a node").command("datanets").description("datanets queries");
  queryOptions(q.command("datanet <id>").description("a datanet")).action((id: string, _o, cmd: Command) =>
    runQuery(cmd, (c) => c.datanets.datanet(id)),
  );
  queryOptions(
    pageOptions(
      q
        .command("list")
        .description("datanets in id order")
        .option("--domain <domain>", "of this domain")
        .option("--tag <tag>", "with this tag"),
    ),
  ).action((o, cmd: Command) =>
    runQuery(cmd, (c) => c.datanets.datanets({ domain: o.domain, tag: o.tag }, page(o))),
  );
  queryOptions(
    q
      .command("contribution <id>")
      .description("a contribution")
      .option("--content", "also print its inline content (as text)", false),
  ).action((id: string, o, cmd: Command) =>
    runQuery(cmd, async (c) => {
      const r = await c.datanets.contribution(id, { includeContent: o.content });
      return o.content ? { ...r, inlineContent: new TextDecoder().decode(r.inlineContent) } : r.contribution;
    }),
  );
  queryOptions(
    pageOptions(
      q
        .command("contributions")
        .description("contributions of a datanet (--datanet) or of a contributor (--contributor)")
        .option("--datanet <id>", "of this datanet")
        .addOption(
          new Option("--status <status>", "with --datanet").choices(Object.keys(STATUSES)).default("all"),
        )
        .option("--contributor <address>", "of this contributor"),
    ),
  ).action((o, cmd: Command) => {
    if ((o.datanet === undefined) === (o.contributor === undefined))
      throw new Error("give exactly one of --datanet and --contributor");
    return runQuery(cmd, (c) =>
      o.datanet !== undefined
        ? c.datanets.contributionsByDatanet(o.datanet, STATUSES[o.status], page(o))
        : c.datanets.contributionsByContributor(o.contributor, page(o)),
    );
  });
  queryOptions(
    q.command("version <datanet-id> [version]").description("a version of a datanet (default: the latest)"),
  ).action((id: string, version: string | undefined, _o, cmd: Command) =>
    runQuery(cmd, (c) => c.datanets.version(id, version ?? 0)),
  );
  queryOptions(q.command("stats <address>").description("a contributor's counters and reputation")).action(
    (address: string, _o, cmd: Command) => runQuery(cmd, (c) => c.datanets.contributorStats(address)),
  );
  queryOptions(q.command("params").description("the module's params")).action((_o, cmd: Command) =>
    runQuery(cmd, (c) => c.datanets.params()),
  );
}
