// Signature checks ahead of CheckTx, on the verify pool's worker thread: for a plain one-signer
// SIGN_MODE_DIRECT tx, the sign bytes are rebuilt as the ante handler will (chain id, the signer's
// account number), checked off the main thread, and a valid triple is put in the ante's verified
// cache, so CheckTx skips its ~40 µs verification. Best effort: anything unusual is left to
// CheckTx, which decides validity as before; this only moves work to the second core.

import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { AuthInfo, SignDoc, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { addressFromSecp256k1, formatAddress } from "../app/address.js";
import type { Application } from "../app/application.js";
import { isLowS, type VerifiedSignatures } from "../crypto/secp256k1.js";
import { sha256 } from "../crypto/sha256.js";
import type { VerifyPool } from "../crypto/verify-pool.js";

const SECP256K1_PUBKEY = "/cosmos.crypto.secp256k1.PubKey";
const ACCOUNT_NUMBERS = 100_000;

export class SignaturePreverifier {
  /** Account numbers by address (they never change once given). */
  private readonly accountNumbers = new Map<string, bigint>();

  constructor(
    private readonly app: Pick<Application, "query">,
    private readonly chainId: string,
    private readonly cache: VerifiedSignatures,
    private readonly pool: VerifyPool,
  ) {}

  async preverify(tx: Uint8Array): Promise<void> {
    const job = this.prepare(tx);
    if (job && (await this.pool.verify(job.digest, job.signature, job.pubkey)))
      this.cache.rememberDigest(job.pubkey, job.digest, job.signature);
  }

  private prepare(
    tx: Uint8Array,
  ): { digest: Uint8Array; signature: Uint8Array; pubkey: Uint8Array } | undefined {
    try {
      const raw = TxRaw.decode(tx);
      const signature = raw.signatures[0];
      if (raw.signatures.length !== 1 || signature?.length !== 64 || !isLowS(signature)) return undefined;
      const info = AuthInfo.decode(raw.authInfoBytes).signerInfos;
      const any = info.length === 1 ? info[0]!.publicKey : undefined;
      if (any?.typeUrl !== SECP256K1_PUBKEY) return undefined;
      const pubkey = PubKey.decode(any.value).key;
      if (pubkey.length !== 33) return undefined;
      const accountNumber = this.accountNumber(formatAddress(addressFromSecp256k1(pubkey)));
      if (accountNumber === undefined) return undefined;
      const signBytes = SignDoc.encode({
        bodyBytes: raw.bodyBytes,
        authInfoBytes: raw.authInfoBytes,
        chainId: this.chainId,
        accountNumber,
      }).finish();
      return { digest: sha256(signBytes), signature, pubkey };
    } catch {
      return undefined;
    }
  }

  private accountNumber(address: string): bigint | undefined {
    const known = this.accountNumbers.get(address);
    if (known !== undefined) return known;
    const res = this.app.query({
      path: "/cosmos.auth.v1beta1.Query/Account",
      data: QueryAccountRequest.encode({ address }).finish(),
      prove: false,
    });
    if (res.code !== 0) return undefined;
    const any = QueryAccountResponse.decode(res.value).account;
    if (!any) return undefined;
    const n = BaseAccount.decode(any.value).accountNumber;
    if (this.accountNumbers.size >= ACCOUNT_NUMBERS) this.accountNumbers.clear();
    this.accountNumbers.set(address, n);
    return n;
  }
}
