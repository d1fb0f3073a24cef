// Signature checks ahead of CheckTx, on the verify pool's worker thread: the worker decodes a plain
// one-signer SIGN_MODE_DIRECT tx, rebuilds its sign bytes as the ante handler will (chain id, the
// signer's account number) and verifies it; a valid triple is put in the ante's verified cache, so
// CheckTx skips its ~40 µs verification. The worker learns each signer's account number here, from
// committed state, the first time it meets the signer. Best effort: anything unusual is left to
// CheckTx, which decides validity as before; this only moves work to the second core.

import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { addressFromSecp256k1, formatAddress } from "../app/address.js";
import type { Application } from "../app/application.js";
import type { VerifiedSignatures } from "../crypto/secp256k1.js";
import type { VerifyPool } from "../crypto/verify-pool.js";

export class SignaturePreverifier {
  constructor(
    private readonly app: Pick<Application, "query">,
    private readonly cache: VerifiedSignatures,
    private readonly pool: VerifyPool,
  ) {}

  async preverify(tx: Uint8Array): Promise<void> {
    let check = await this.pool.checkTx(tx);
    if (check?.kind === "unknown-signer") {
      const accountNumber = this.accountNumber(check.pubkey);
      if (accountNumber === undefined) return; // a signer without an account: CheckTx refuses it
      this.pool.learn(check.pubkey, accountNumber);
      check = await this.pool.checkTx(tx);
    }
    if (check?.kind === "verified") this.cache.rememberDigest(check.pubkey, check.digest, check.signature);
  }

  /** The signer's account number in committed state; undefined when none (or unreadable). */
  private accountNumber(pubkey: Uint8Array): bigint | undefined {
    try {
      const address = formatAddress(addressFromSecp256k1(pubkey));
      const res = this.app.query({
        path: "/cosmos.auth.v1beta1.Query/Account",
        data: QueryAccountRequest.encode({ address }).finish(),
        prove: false,
      });
      if (res.code !== 0) return undefined;
      const any = QueryAccountResponse.decode(res.value).account;
      return any ? BaseAccount.decode(any.value).accountNumber : undefined;
    } catch {
      return undefined; // never fails a broadcast: CheckTx decides
    }
  }
}
