// Shared by the benchmarks: the dev chain's constants, and txs built and signed exactly as cosmjs
// builds them (makeAuthInfoBytes, makeSignDoc, signDirect of the stock wallets, TxRaw.encode).
import { createHash } from "node:crypto";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import {
  DirectSecp256k1HdWallet,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  type OfflineDirectSigner,
} from "@cosmjs/proto-signing";
import { MsgMultiSend, MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import devAccounts from "../genesis/dev-accounts.json" with { type: "json" };

export const CHAIN_ID = "openledger-dev-1";
export const DENOM = "uopen";
export const PREFIX = "open";
/** The dev chain's minimum gas price, 0.025uopen, in thousandths. */
export const GAS_PRICE_MILLI = 25n;
export const MSG_SEND_URL = "/cosmos.bank.v1beta1.MsgSend";
export const MSG_MULTI_SEND_URL = "/cosmos.bank.v1beta1.MsgMultiSend";

export interface Signer {
  address: string;
  pubkey: Uint8Array;
  pubkeyAny: Any;
  wallet: OfflineDirectSigner;
  accountNumber: bigint;
  sequence: bigint;
}

export async function signerOf(wallet: OfflineDirectSigner): Promise<Signer> {
  const [acc] = await wallet.getAccounts();
  if (!acc) throw new Error("wallet has no account");
  return {
    address: acc.address,
    pubkey: acc.pubkey,
    pubkeyAny: encodePubkey(encodeSecp256k1Pubkey(acc.pubkey)),
    wallet,
    accountNumber: 0n,
    sequence: 0n,
  };
}

/** The five funded dev accounts of genesis/dev-accounts.json (account numbers and sequences 0). */
export async function devSigners(): Promise<Signer[]> {
  return Promise.all(
    (devAccounts as { mnemonic: string }[]).map(async (d) =>
      signerOf(await DirectSecp256k1HdWallet.fromMnemonic(d.mnemonic, { prefix: PREFIX })),
    ),
  );
}

/** The fee a gas limit needs at the minimum gas price, rounded up. */
export function feeFor(gas: bigint): bigint {
  return (gas * GAS_PRICE_MILLI + 999n) / 1000n;
}

export function bodyBytes(typeUrl: string, value: Uint8Array): Uint8Array {
  return TxBody.encode(TxBody.fromPartial({ messages: [{ typeUrl, value }], memo: "" })).finish();
}

export function sendBody(from: string, to: string, amount: bigint): Uint8Array {
  return bodyBytes(
    MSG_SEND_URL,
    MsgSend.encode({
      fromAddress: from,
      toAddress: to,
      amount: [{ denom: DENOM, amount: amount.toString() }],
    }).finish(),
  );
}

/** One input paying `each` to every output. */
export function multiSendBody(from: string, to: readonly string[], each: bigint): Uint8Array {
  const coins = [{ denom: DENOM, amount: each.toString() }];
  const total = [{ denom: DENOM, amount: (each * BigInt(to.length)).toString() }];
  return bodyBytes(
    MSG_MULTI_SEND_URL,
    MsgMultiSend.encode({
      inputs: [{ address: from, coins: total }],
      outputs: to.map((address) => ({ address, coins })),
    }).finish(),
  );
}

/** Gas for a MsgMultiSend to n fresh accounts, generous (each creates an account). */
export function multiSendGas(n: number): bigint {
  return 200_000n + 40_000n * BigInt(n);
}

/** One tx signed exactly as cosmjs signs it: makeAuthInfoBytes, makeSignDoc, signDirect, TxRaw. */
export async function signTx(
  s: Signer,
  body: Uint8Array,
  gas: bigint,
  sequence: bigint,
  chainId = CHAIN_ID,
): Promise<Uint8Array> {
  const authInfo = makeAuthInfoBytes(
    [{ pubkey: s.pubkeyAny, sequence }],
    [{ denom: DENOM, amount: feeFor(gas).toString() }],
    Number(gas),
    undefined,
    undefined,
    SignMode.SIGN_MODE_DIRECT,
  );
  const doc = makeSignDoc(body, authInfo, chainId, Number(s.accountNumber));
  const { signed, signature } = await s.wallet.signDirect(s.address, doc);
  return TxRaw.encode({
    bodyBytes: signed.bodyBytes,
    authInfoBytes: signed.authInfoBytes,
    signatures: [fromBase64(signature.signature)],
  }).finish();
}

/** CometBFT's tx hash, upper-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").toUpperCase();
}
