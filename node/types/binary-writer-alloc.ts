// Workaround for cosmjs-types 0.11: BinaryWriter.alloc creates a new 8 KiB pool on every call
// (its pool() closure is built per call, where protobufjs builds it once), so every
// `Msg.encode(...).finish()` of a message under 4 KiB allocates and zero-fills an 8 KiB slab that
// the result then keeps alive. On the tx path that is about ten encodes per tx (accounts, sign
// docs, responses, tx results) and most of the node's GC time. Allocating exactly the encoded size
// gives the same bytes, each result in its own ArrayBuffer. Imported for its effect by the node and
// the app; idempotent.
import { BinaryWriter } from "cosmjs-types/binary";

BinaryWriter.alloc = (size: number): Uint8Array => new Uint8Array(size);
