// Store layout of the settlement module (store "settlement"); see README.md. Addresses are
// length-prefixed wherever anything follows them; nonces are 32 bytes.
import { concatBytes } from "../../node/crypto/merkle.js";

export const STORE = "settlement";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const PAYMENT_PREFIX = Uint8Array.of(0x10);
export const PAYEE_PREFIX = Uint8Array.of(0x20);

/** A marker value for index entries (the store keeps no empty values). */
export const PRESENT = Uint8Array.of(1);

export const NONCE_BYTES = 32;

export function lp(bytes: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

/** Every payment of a payer: 0x10 ‖ lp(payer) ‖ nonce → Payment. */
export const payerPrefix = (payer: Uint8Array) => concatBytes(PAYMENT_PREFIX, lp(payer));
export const paymentKey = (payer: Uint8Array, nonce: Uint8Array) => concatBytes(payerPrefix(payer), nonce);

/** Every payment to a payee: 0x20 ‖ lp(payee) ‖ lp(payer) ‖ nonce → PRESENT. */
export const payeePrefix = (payee: Uint8Array) => concatBytes(PAYEE_PREFIX, lp(payee));
export const payeeKey = (payee: Uint8Array, payer: Uint8Array, nonce: Uint8Array) =>
  concatBytes(payeePrefix(payee), lp(payer), nonce);
