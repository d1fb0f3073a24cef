// The verify pool's worker thread (verify-pool.ts). Plain CommonJS so that it loads without the
// TypeScript loader. Messages from the main thread:
//   { id, items }   items: ["sig", digest, signature, pubkey] | ["tx", txBytes]; answered in order
//   { learn }       [pubkeyHex, accountNumber] pairs: account numbers never change once given
// A "sig" answers whether the signature is valid. A "tx" is a plain one-signer tx with a
// compressed secp256k1 key and a low-S signature: its SIGN_MODE_DIRECT sign bytes are rebuilt as
// the ante handler will (chain id, the signer's account number) and verified; the answer is
// pubkey‖signature‖digest (129 bytes) when valid, the pubkey (33 bytes) when the signer's account
// number is not known here yet, 0 otherwise. Answers are hints for the main thread's cache only.
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const native = require(workerData.paths.secp256k1);
const { BinaryWriter } = require(workerData.paths.binary);
const { TxRaw, AuthInfo, SignDoc } = require(workerData.paths.tx);
const { PubKey } = require(workerData.paths.keys);

// As the node's own fix (cosmjs-binary.ts): each encode gets a buffer of its size, not an 8 KiB slab.
BinaryWriter.alloc = (size) => new Uint8Array(size);

const SECP256K1_PUBKEY = "/cosmos.crypto.secp256k1.PubKey";
const HALF_ORDER = Buffer.from("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", "hex");
const MAX_ACCOUNTS = 100_000;
const accountNumbers = new Map();

function isLowS(signature) {
  return Buffer.compare(signature.subarray(32, 64), HALF_ORDER) <= 0;
}

function checkTx(tx) {
  const raw = TxRaw.decode(tx);
  const signature = raw.signatures[0];
  if (raw.signatures.length !== 1 || signature.length !== 64 || !isLowS(signature)) return 0;
  const infos = AuthInfo.decode(raw.authInfoBytes).signerInfos;
  const any = infos.length === 1 ? infos[0].publicKey : undefined;
  if (!any || any.typeUrl !== SECP256K1_PUBKEY) return 0;
  const pubkey = PubKey.decode(any.value).key;
  if (pubkey.length !== 33) return 0;
  const accountNumber = accountNumbers.get(Buffer.from(pubkey).toString("hex"));
  if (accountNumber === undefined) return Uint8Array.from(pubkey);
  const signBytes = SignDoc.encode({
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    chainId: workerData.chainId,
    accountNumber,
  }).finish();
  const digest = createHash("sha256").update(signBytes).digest();
  if (!native.ecdsaVerify(signature, digest, pubkey)) return 0;
  const out = new Uint8Array(129);
  out.set(pubkey, 0);
  out.set(signature, 33);
  out.set(digest, 97);
  return out;
}

function answer(item) {
  try {
    if (item[0] === "sig") return native.ecdsaVerify(item[2], item[1], item[3]);
    return checkTx(item[1]);
  } catch {
    return item[0] === "sig" ? false : 0;
  }
}

parentPort.on("message", (msg) => {
  if (msg.learn) {
    for (const [pubkeyHex, accountNumber] of msg.learn) {
      if (accountNumbers.size >= MAX_ACCOUNTS) accountNumbers.clear();
      accountNumbers.set(pubkeyHex, accountNumber);
    }
    return;
  }
  parentPort.postMessage({ id: msg.id, results: msg.items.map(answer) });
});
