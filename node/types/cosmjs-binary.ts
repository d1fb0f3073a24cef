// Two process-wide fixes to cosmjs-types 0.11's protobuf runtime, imported for their effect by the
// node and the app (idempotent).
//
// BinaryWriter.alloc creates a new 8 KiB pool on every call (its pool() closure is built per call,
// where protobufjs builds it once), so every `Msg.encode(...).finish()` of a message under 4 KiB
// allocates and zero-fills an 8 KiB slab that the result then keeps alive. On the tx path that is
// about ten encodes per tx (accounts, sign docs, responses, tx results) and most of the node's GC
// time. Allocating exactly the encoded size gives the same bytes, each result in its own buffer.
//
// BinaryReader.string decodes UTF-8 in JS through temporary arrays (~170 ns and several
// allocations for a 40-byte address) and turns invalid UTF-8 into arbitrary characters. The
// platform's decoder is ~3× faster and, with `fatal`, refuses invalid UTF-8 in a string field as
// the Cosmos SDK's tx decoder does (google.golang.org/protobuf): such a tx fails to decode (sdk 2).
// ignoreBOM keeps a leading U+FEFF as a character, as protobuf does.
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";

BinaryWriter.alloc = (size: number): Uint8Array => new Uint8Array(size);

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

BinaryReader.prototype.string = function string(this: BinaryReader): string {
  return utf8.decode(this.bytes());
};
