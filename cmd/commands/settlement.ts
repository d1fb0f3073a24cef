// `tx settlement settle` and `query settlement …`: x402 payments settled on chain, through the
// client library (the builder of client/x402/settlement.ts, the settlement query extension) with
// the tx and query plumbing of datanets.ts. Also registers `pay` (pay.ts), the paying HTTP client.
import { readFile, stat } from "node:fs/promises";
import type { Command } from "commander";
import { address } from "../../client/checks.js";
import { fixedBytes, SETTLEMENT_LIMITS } from "../../client/settlement-msgs.js";
import type { ParsedPayment } from "../../client/x402/codec.js";
import { msgSettlePaymentFromPayload, paymentFromText } from "../../client/x402/settlement.js";
import { broadcast, group, page, pageOptions, queryOptions, runQuery, txOptions } from "./datanets.js";
import { registerPayCommand } from "./pay.js";

/** Largest payment file read (a payment is well under 2 KiB). */
const MAX_PAYMENT_FILE_BYTES = 64 * 1024;

interface SettleOpts {
  asset?: string;
  outputText?: string;
  outputSha256?: string;
  outputSize?: string;
  outputTokens?: string;
}

/**
 * The payment an argument names: a file holding the payload's JSON (or a header value), else the
 * base64 value of a PAYMENT-SIGNATURE / X-PAYMENT header itself. Read and parsed before any key
 * is opened, so a malformed payment sends nothing.
 */
export async function readPaymentArgument(arg: string): Promise<ParsedPayment> {
  const info = await stat(arg).catch(() => undefined);
  if (info?.isFile()) {
    if (info.size > MAX_PAYMENT_FILE_BYTES)
      throw new Error(`payment file ${arg} is ${info.size} bytes, more than ${MAX_PAYMENT_FILE_BYTES}`);
    const text = await readFile(arg, "utf8");
    try {
      return paymentFromText(text);
    } catch (err) {
      throw new Error(`payment file ${arg}: ${(err as Error).message}`);
    }
  }
  if (info) throw new Error(`${arg} is not a file`);
  try {
    return paymentFromText(arg);
  } catch (err) {
    throw new Error(
      `"${arg.length > 40 ? `${arg.slice(0, 40)}…` : arg}" is no file and not a valid x402 payment header: ${(err as Error).message}`,
    );
  }
}

export function registerSettlementCommands(program: Command): void {
  const tx = group(program, "tx", "sign and broadcast transactions")
    .command("settlement")
    .description("settlement transactions: x402 payments settled on chain");
  txOptions(
    tx
      .command("settle <payment>")
      .description(
        "settle an x402 payment as its facilitator (--from pays the gas): <payment> is the base64 value " +
          "of a PAYMENT-SIGNATURE or X-PAYMENT header, or a file with it or with the payload's JSON; " +
          "prints the tx hash and the attribution job id (0 without a model)",
      )
      .option("--asset <denom>", "the denom paid (default: the payload's accepted asset, else uopen)")
      .option("--output-text <text>", "model payments: the call's output, recorded inline")
      .option("--output-sha256 <hex>", "model payments: the output's sha256 in the content store")
      .option("--output-size <bytes>", "model payments: the output's size (with --output-sha256)")
      .option("--output-tokens <n>", "model payments: output tokens, priced by the model"),
  ).action(async (arg: string, o: SettleOpts, cmd: Command) => {
    const payment = await readPaymentArgument(arg);
    const output = {
      output: o.outputText,
      outputSha256: o.outputSha256,
      outputSize: o.outputSize,
      outputTokens: o.outputTokens,
    };
    // Checked once before the key is opened (with a placeholder facilitator: the payer), then built.
    msgSettlePaymentFromPayload(payment.payload.authorization.from, payment, o.asset, output);
    await broadcast(cmd, (facilitator) => msgSettlePaymentFromPayload(facilitator, payment, o.asset, output));
  });

  const q = group(program, "query", "query a node")
    .command("settlement")
    .description("settlement queries: x402 payments settled on chain");
  queryOptions(
    q
      .command("payment <payer> <nonce>")
      .description("a settled payment by its payer and nonce (64 hex characters, 0x optional)"),
  ).action((payer: string, nonce: string, _o, cmd: Command) => {
    address("payer", payer);
    fixedBytes("nonce", nonce, SETTLEMENT_LIMITS.nonceBytes);
    return runQuery(cmd, (c) => c.settlement.payment(payer, nonce));
  });
  queryOptions(
    pageOptions(q.command("payments-by-payer <address>").description("a payer's payments in nonce order")),
  ).action((payer: string, o, cmd: Command) => {
    address("payer", payer);
    const pagination = page(o);
    return runQuery(cmd, (c) => c.settlement.paymentsByPayer(payer, pagination));
  });
  queryOptions(
    pageOptions(
      q.command("payments-by-payee <address>").description("payments to a payee in (payer, nonce) order"),
    ),
  ).action((payee: string, o, cmd: Command) => {
    address("payee", payee);
    const pagination = page(o);
    return runQuery(cmd, (c) => c.settlement.paymentsByPayee(payee, pagination));
  });
  queryOptions(q.command("params").description("the module's params")).action((_o, cmd: Command) =>
    runQuery(cmd, (c) => c.settlement.params()),
  );

  registerPayCommand(program);
}
