// An OfflineDirectSigner for the node's own accounts (attribution results, x402 settlements) that
// signs with libsecp256k1 (the npm `secp256k1` binding): cosmjs's DirectSecp256k1HdWallet signs
// in pure JS, ~3 ms a signature here, which capped a facilitator settling one tx per payment near
// 300/s. Keys derive as cosmjs derives them (BIP39 seed, SLIP-10 m/44'/118'/0'/0/0); signatures are
// RFC 6979 deterministic and low-S, byte for byte what cosmjs produces (a test checks it).
import { createRequire } from "node:module";
import { encodeSecp256k1Pubkey, rawSecp256k1PubkeyToRawAddress } from "@cosmjs/amino";
import { Bip39, EnglishMnemonic, Secp256k1, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
import { toBase64, toBech32 } from "@cosmjs/encoding";
import type { AccountData, DirectSignResponse, OfflineDirectSigner } from "@cosmjs/proto-signing";
import { makeSignBytes } from "@cosmjs/proto-signing";
import type { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "./sha256.js";

const require = createRequire(import.meta.url);
const native: { ecdsaSign(msg32: Uint8Array, privkey: Uint8Array): { signature: Uint8Array } } =
  require("secp256k1");

export const COSMOS_HD_PATH = "m/44'/118'/0'/0/0";

export class NativeDirectSigner implements OfflineDirectSigner {
  private constructor(
    private readonly privkey: Uint8Array,
    private readonly account: AccountData,
  ) {}

  static async fromMnemonic(
    mnemonic: string,
    opts: { prefix: string; hdPath?: string },
  ): Promise<NativeDirectSigner> {
    const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic));
    const { privkey } = Slip10.derivePath(
      Slip10Curve.Secp256k1,
      seed,
      stringToPath(opts.hdPath ?? COSMOS_HD_PATH),
    );
    const pubkey = Secp256k1.compressPubkey((await Secp256k1.makeKeypair(privkey)).pubkey);
    const address = toBech32(opts.prefix, rawSecp256k1PubkeyToRawAddress(pubkey));
    return new NativeDirectSigner(privkey, { address, algo: "secp256k1", pubkey });
  }

  async getAccounts(): Promise<readonly AccountData[]> {
    return [this.account];
  }

  async signDirect(signerAddress: string, signDoc: SignDoc): Promise<DirectSignResponse> {
    if (signerAddress !== this.account.address)
      throw new Error(`this signer holds ${this.account.address}, not ${signerAddress}`);
    const { signature } = native.ecdsaSign(sha256(makeSignBytes(signDoc)), this.privkey);
    return {
      signed: signDoc,
      signature: { pub_key: encodeSecp256k1Pubkey(this.account.pubkey), signature: toBase64(signature) },
    };
  }
}
