// Txs built and signed exactly as cosmjs builds them (Registry, makeAuthInfoBytes, makeSignDoc,
// DirectSecp256k1HdWallet.signDirect, TxRaw.encode), with hooks to tamper with any piece.

import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import {
  type DirectSecp256k1HdWallet,
  type EncodeObject,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  Registry,
} from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { CHAIN_ID, DENOM } from "./harness.js";

export const registry = new Registry(defaultRegistryTypes);
export const MSG_SEND_URL = "/cosmos.bank.v1beta1.MsgSend";
export const MSG_MULTI_SEND_URL = "/cosmos.bank.v1beta1.MsgMultiSend";
/** secp256k1 group order n. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export function msgSend(from: string, to: string, amount: bigint | string): EncodeObject {
  return {
    typeUrl: MSG_SEND_URL,
    value: { fromAddress: from, toAddress: to, amount: [{ denom: DENOM, amount: String(amount) }] },
  };
}

export interface SignOptions {
  msgs: EncodeObject[];
  accountNumber: bigint;
  sequence: bigint;
  /** Fee in uopen; default gasLimit × 0.025 rounded up. */
  feeAmount?: bigint;
  gasLimit?: bigint;
  chainId?: string;
  memo?: string;
  /** Overrides the fee coins (e.g. [] for no fee at all). */
  feeCoins?: { denom: string; amount: string }[];
  /** Overrides body_bytes (e.g. with an unknown message type). */
  bodyBytes?: Uint8Array;
}

export interface SignedTx {
  bytes: Uint8Array;
  raw: TxRaw;
  fee: bigint;
  gasLimit: bigint;
}

export async function signTx(wallet: DirectSecp256k1HdWallet, o: SignOptions): Promise<SignedTx> {
  const [account] = await wallet.getAccounts();
  const gasLimit = o.gasLimit ?? 200_000n;
  const fee = o.feeAmount ?? (gasLimit * 25n + 999n) / 1000n;
  const bodyBytes =
    o.bodyBytes ??
    registry.encode({
      typeUrl: "/cosmos.tx.v1beta1.TxBody",
      value: { messages: o.msgs, memo: o.memo ?? "" },
    });
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(account!.pubkey));
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey, sequence: o.sequence }],
    o.feeCoins ?? [{ denom: DENOM, amount: fee.toString() }],
    Number(gasLimit),
    undefined,
    undefined,
    SignMode.SIGN_MODE_DIRECT,
  );
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId ?? CHAIN_ID, o.accountNumber);
  const { signature, signed } = await wallet.signDirect(account!.address, signDoc);
  const raw: TxRaw = {
    bodyBytes: signed.bodyBytes,
    authInfoBytes: signed.authInfoBytes,
    signatures: [fromBase64(signature.signature)],
  };
  return { bytes: TxRaw.encode(raw).finish(), raw, fee, gasLimit };
}

export function encodeRaw(raw: TxRaw): Uint8Array {
  return TxRaw.encode(raw).finish();
}

/** The same signature with s replaced by n − s (valid ECDSA, but high-S). */
export function highS(signature: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(signature[i]!);
  let t = SECP256K1_N - s;
  const out = Uint8Array.from(signature);
  for (let i = 63; i >= 32; i--) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return out;
}
