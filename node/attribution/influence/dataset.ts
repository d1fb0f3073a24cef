// Training data: one example per approved contribution of a datanet version, labelled by the
// `label` field of the contribution's metadata JSON (e.g. {"label": "spam"}).
import { sha256 } from "@noble/hashes/sha2.js";
import { type FeatureSpec, textBytes } from "./features.js";

export interface TrainingExample {
  /** The datanet contribution this example is (its on-chain id, ≥ 1). */
  contributionId: bigint;
  /** The contribution's text (inline content or the UTF-8 bytes fetched from the content store). */
  text: string;
  /** Its class: 1–64 bytes of UTF-8, no control characters. */
  label: string;
}

export const MAX_LABEL_BYTES = 64;
export const MAX_CLASSES = 256;
export const MAX_EXAMPLES = 1_000_000;

const enc = new TextEncoder();

/** Throws unless `label` is 1–64 UTF-8 bytes with no control characters. */
export function checkLabel(label: unknown, what = "label"): string {
  if (typeof label !== "string") throw new Error(`${what} must be a string`);
  const n = enc.encode(label).length;
  if (n < 1 || n > MAX_LABEL_BYTES) throw new Error(`${what} must be 1-${MAX_LABEL_BYTES} bytes, got ${n}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(label)) throw new Error(`${what} contains a control character`);
  return label;
}

/**
 * The label of a contribution from its metadata JSON: the string field `label` of a JSON object.
 * Contributions without one cannot be training examples of a classifier.
 */
export function labelFromMetadata(metadata: string, contributionId?: bigint): string {
  const who = contributionId === undefined ? "contribution" : `contribution ${contributionId}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    throw new Error(`${who}: metadata is not JSON, so it has no label`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || !("label" in parsed)) {
    throw new Error(`${who}: metadata has no "label" field`);
  }
  return checkLabel((parsed as { label: unknown }).label, `${who}: metadata label`);
}

/** A training example from an approved contribution (its id, metadata JSON and text). */
export function exampleFromContribution(c: { id: bigint; metadata: string }, text: string): TrainingExample {
  return { contributionId: c.id, text, label: labelFromMetadata(c.metadata, c.id) };
}

/** Byte order of UTF-8 (not JavaScript's UTF-16 order): the canonical order of class labels. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(enc.encode(a), enc.encode(b));
}

/**
 * Checks a training set and puts it in canonical order (ascending contribution id). Refuses: an
 * empty set, ids that are not u64 ≥ 1 or repeat, bad labels, texts over the feature cap, and
 * fewer than two distinct labels. Returns the examples sorted and the classes in UTF-8 order.
 */
export function prepareExamples(
  examples: readonly TrainingExample[],
  spec: FeatureSpec,
): { examples: TrainingExample[]; classes: string[] } {
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new Error("no training examples: the datanet version has no approved contributions");
  }
  if (examples.length > MAX_EXAMPLES) throw new Error(`more than ${MAX_EXAMPLES} training examples`);
  const sorted = [...examples].sort((a, b) =>
    a.contributionId < b.contributionId ? -1 : a.contributionId > b.contributionId ? 1 : 0,
  );
  const labels = new Set<string>();
  sorted.forEach((e, i) => {
    const id = e.contributionId;
    if (typeof id !== "bigint" || id < 1n || id >= 1n << 64n) {
      throw new Error(`training example ${i}: contribution id must be a u64 ≥ 1`);
    }
    if (i > 0 && sorted[i - 1]!.contributionId === id) throw new Error(`contribution ${id} appears twice`);
    checkLabel(e.label, `contribution ${id}: label`);
    textBytes(e.text, spec, `contribution ${id}: text`);
    labels.add(e.label);
  });
  if (labels.size < 2) {
    throw new Error(
      `training needs at least two distinct labels, got ${labels.size} (${[...labels].join()})`,
    );
  }
  if (labels.size > MAX_CLASSES) throw new Error(`more than ${MAX_CLASSES} distinct labels`);
  return { examples: sorted, classes: [...labels].sort(compareUtf8) };
}

/**
 * sha256 of a training set in canonical order: for each example, u64be(contribution id) ‖
 * sha256(UTF-8 text) ‖ u8 len(label) ‖ label. The model records it, so validators can check that
 * the examples they assembled are the ones it was trained on.
 */
export function trainingSetDigest(sorted: readonly TrainingExample[]): Uint8Array {
  const h = sha256.create();
  const id = new Uint8Array(8);
  for (const e of sorted) {
    new DataView(id.buffer).setBigUint64(0, e.contributionId);
    const label = enc.encode(e.label);
    h.update(id);
    h.update(sha256(enc.encode(e.text)));
    h.update(Uint8Array.of(label.length));
    h.update(label);
  }
  return h.digest();
}
