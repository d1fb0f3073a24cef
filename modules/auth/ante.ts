// The ante handler (x/auth/ante), checks in the Cosmos SDK's order: basic validation and
// timeout height, memo size, tx size gas, fee ≥ min gas price × gas limit, then per signer the
// pubkey, sequence and SIGN_MODE_DIRECT signature; last, the sequence increment and fee deduction.
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { addressFromSecp256k1, parseAddress } from "../../node/app/address.js";
import type { AnteHandler } from "../../node/app/baseapp.js";
import { coinsToString, parseCoins, requiredFee } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import { AbciError, SdkCode, sdkError } from "../../node/app/errors.js";
import type { DecodedTx } from "../../node/app/tx.js";
import { isLowS, type VerifiedSignatures } from "../../node/crypto/secp256k1.js";
import { bytesEqual } from "../../node/store/committed-store.js";
import type { AuthKeeper } from "./keeper.js";
import { decodeSecp256k1PubKey } from "./keeper.js";

/** What the ante handler needs from bank (the SDK's expected_keepers). */
export interface FeeBank {
  deductFee(ctx: Context, payer: Uint8Array, fee: { denom: string; amount: bigint }[]): void;
}

/** A 64-byte signature in TxRaw: field tag, length byte, r‖s. */
const SIGNATURE_FIELD_BYTES = 66;

/**
 * Simulations come with an empty fee, but the real tx will pay one: run the same fee transfer
 * (one base unit) so its store gas is counted. The simulation's state is discarded; a payer who
 * cannot pay is refused when the real tx arrives.
 */
function simulateFeeGas(ctx: Context, bank: FeeBank, payer: Uint8Array, denom: string): void {
  try {
    bank.deductFee(ctx, payer, [{ denom, amount: 1n }]);
  } catch (err) {
    if (!(err instanceof AbciError && err.code === SdkCode.InsufficientFunds)) throw err;
  }
}

/** Fee coins; the SDK refuses any invalid fee (zero, unsorted, bad denom) as insufficient fee (13). */
function parseFee(amount: Parameters<typeof parseCoins>[0]): ReturnType<typeof parseCoins> {
  try {
    return parseCoins(amount, true);
  } catch (err) {
    if (err instanceof AbciError && err.code === SdkCode.InvalidCoins) {
      throw sdkError(SdkCode.InsufficientFee, `invalid fee amount: ${err.message}`);
    }
    throw err;
  }
}

export function newAnteHandler(auth: AuthKeeper, bank: FeeBank, signatures: VerifiedSignatures): AnteHandler {
  return (ctx: Context, tx: DecodedTx) => {
    const params = auth.getParams(ctx);
    const { body, authInfo } = tx;
    const timeout = body.timeoutHeight;
    if (timeout > 0n && ctx.header.height > timeout) {
      throw sdkError(
        SdkCode.TxTimeoutHeight,
        `block height: ${ctx.header.height}, timeout height: ${timeout}`,
      );
    }
    // The SDK measures the memo in bytes (Go's len), whatever the parameter's name says.
    const memoBytes = Buffer.byteLength(body.memo, "utf8");
    if (BigInt(memoBytes) > params.maxMemoCharacters) {
      throw sdkError(
        SdkCode.MemoTooLarge,
        `maximum number of characters is ${params.maxMemoCharacters} but received ${memoBytes} characters`,
      );
    }
    if (BigInt(tx.signers.length) > params.txSigLimit) {
      throw sdkError(
        SdkCode.TooManySignatures,
        `signatures: ${tx.signers.length}, limit: ${params.txSigLimit}`,
      );
    }
    ctx.gasMeter.consume(params.txSizeCostPerByte * BigInt(tx.bytes.length), "txSize");
    if (ctx.isSimulate) {
      // Simulated txs carry empty signatures: charge the bytes a real one adds (tag, length, r‖s),
      // as the SDK's ConsumeTxSizeGasDecorator does, so "auto" gas covers the signed tx.
      const missing = tx.raw.signatures.filter((s) => s.length === 0).length;
      ctx.gasMeter.consume(params.txSizeCostPerByte * BigInt(missing * SIGNATURE_FIELD_BYTES), "txSize");
    }

    const fee = parseFee(authInfo.fee?.amount ?? []);
    const gasLimit = authInfo.fee?.gasLimit ?? 0n;
    const minGasPrice = auth.getMinGasPrice(ctx);
    if (!ctx.isSimulate && minGasPrice) {
      const required = requiredFee(minGasPrice.amount, gasLimit);
      const paid = fee.find((c) => c.denom === minGasPrice.denom)?.amount ?? 0n;
      if (paid < required) {
        throw sdkError(
          SdkCode.InsufficientFee,
          `insufficient fees; got: ${coinsToString(fee) || "0" + minGasPrice.denom} required: ${required}${minGasPrice.denom}`,
        );
      }
    }

    const updates = tx.signers.map((signer, i) => {
      const address = parseAddress(signer, "signer");
      const account = auth.getAccount(ctx, address);
      if (!account) throw sdkError(SdkCode.UnknownAddress, `account ${signer} does not exist`);
      const info = authInfo.signerInfos[i]!;
      const pubkey = info.publicKey
        ? decodeSecp256k1PubKey(info.publicKey)
        : account.pubKey
          ? decodeSecp256k1PubKey(account.pubKey)
          : undefined;
      if (!pubkey) throw sdkError(SdkCode.InvalidPubKey, `pubkey on account ${signer} is not set`);
      if (!bytesEqual(addressFromSecp256k1(pubkey), address)) {
        throw sdkError(
          SdkCode.InvalidPubKey,
          `pubKey does not match signer address ${signer} with signer index: ${i}`,
        );
      }
      const mode = info.modeInfo?.single?.mode;
      if (mode !== SignMode.SIGN_MODE_DIRECT && !ctx.isSimulate) {
        throw sdkError(
          SdkCode.NotSupported,
          `signer ${i}: only SIGN_MODE_DIRECT is supported, got mode ${mode}`,
        );
      }
      ctx.gasMeter.consume(params.sigVerifyCostSecp256k1, "ante verify: secp256k1");
      if (info.sequence !== account.sequence) {
        throw sdkError(
          SdkCode.WrongSequence,
          `account sequence mismatch, expected ${account.sequence}, got ${info.sequence}`,
        );
      }
      const signature = tx.raw.signatures[i]!;
      if (!ctx.isSimulate && ctx.mode !== "recheck") {
        const signDoc = SignDoc.encode({
          bodyBytes: tx.raw.bodyBytes,
          authInfoBytes: tx.raw.authInfoBytes,
          chainId: ctx.header.chainId,
          accountNumber: account.accountNumber,
        }).finish();
        const verified =
          signature.length === 64 && isLowS(signature) && signatures.verify(pubkey, signDoc, signature);
        if (!verified) {
          const why =
            signature.length !== 64
              ? `signature is ${signature.length} bytes, not 64; `
              : !isLowS(signature)
                ? "signature is not in low-S form; "
                : "";
          throw sdkError(
            SdkCode.Unauthorized,
            `${why}signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${ctx.header.chainId})`,
          );
        }
      }
      return { account, pubkey: info.publicKey, signer, signature };
    });

    const payer = tx.signers[0]!;
    if (fee.length > 0) bank.deductFee(ctx, parseAddress(payer, "fee payer"), fee);
    else if (ctx.isSimulate && minGasPrice)
      simulateFeeGas(ctx, bank, parseAddress(payer, "fee payer"), minGasPrice.denom);
    ctx.events.emit("tx", { fee: coinsToString(fee), fee_payer: payer });
    for (const { account, pubkey, signer } of updates) {
      if (!account.pubKey && pubkey) account.pubKey = pubkey;
      ctx.events.emit("tx", { acc_seq: `${signer}/${account.sequence}` });
      account.sequence += 1n;
      auth.setAccount(ctx, account);
    }
    for (const { signature } of updates) ctx.events.emit("tx", { signature: base64(signature) });
  };
}

/** Standard base64 with padding, as @cosmjs/encoding's toBase64 writes it, natively. */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
