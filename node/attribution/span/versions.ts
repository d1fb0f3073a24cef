// Datanet versions, incrementally: version v's index is the shards of its parent plus one new shard
// for the contributions approved since, minus the contributions removed (an exclusion set).
// Layout under a root directory:
//   shards/<name>/{tokens.u32, sa.u32, docs.bin, meta.json}   immutable once written
//   versions/<version>.json                                   the manifest (shards, exclusions)
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SpanError } from "./errors.js";
import { parseChecked, withChecksum, writeFileAtomic } from "./format.js";
import { liveIndex, type SpanIndex } from "./live-index.js";
import type { SpanDoc } from "./shard-build.js";
import { type BuildOptions, buildShard } from "./shard-build-async.js";
import { openShard, readShardDocIds, type Verify } from "./shard-open.js";
import { ENCODING } from "./tokenizer.js";

export const VERSION_FORMAT = "openledger-span-version/1";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface VersionManifest {
  format: string;
  version: string;
  parent: string | null;
  encoding: string;
  /** Shard directory names under shards/, oldest first. */
  shards: string[];
  /** Excluded contribution ids (decimal), ascending. */
  excluded: string[];
  checksum: string;
}

export interface BuildVersionOptions extends BuildOptions {
  version: string;
  parent?: string;
  /** Documents of the contributions approved since the parent (none: no new shard). */
  add?: readonly SpanDoc[];
  /** Contributions removed (flagged) since the parent. */
  remove?: readonly bigint[];
}

function checkName(what: string, v: unknown): string {
  if (typeof v !== "string" || !NAME.test(v)) {
    throw new SpanError("invalid-input", `${what} must match ${NAME.source}, got ${String(v)}`);
  }
  return v;
}

const manifestPath = (root: string, version: string) => join(root, "versions", `${version}.json`);
export const shardPath = (root: string, name: string) => join(root, "shards", name);

export function readManifest(root: string, version: string): VersionManifest {
  const path = manifestPath(root, checkName("version", version));
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SpanError("missing-index", `span index version ${version} not found under ${root}`);
  }
  const m = parseChecked(path, text) as unknown as VersionManifest;
  const names = Array.isArray(m.shards) && m.shards.every((s) => typeof s === "string" && NAME.test(s));
  const ids =
    Array.isArray(m.excluded) && m.excluded.every((s) => typeof s === "string" && /^[0-9]{1,20}$/.test(s));
  if (m.format !== VERSION_FORMAT || m.version !== version || m.encoding !== ENCODING || !names || !ids) {
    throw new SpanError("corrupt-index", `${path} is not a ${VERSION_FORMAT} manifest of version ${version}`);
  }
  return m;
}

export async function buildVersion(root: string, opts: BuildVersionOptions): Promise<VersionManifest> {
  const version = checkName("version", opts.version);
  const parent = opts.parent === undefined ? null : checkName("parent", opts.parent);
  if (existsSync(manifestPath(root, version))) {
    throw new SpanError("exists", `span index version ${version} already exists`);
  }
  const base = parent === null ? undefined : readManifest(root, parent);
  const shards = base ? [...base.shards] : [];
  const excluded = new Set((base?.excluded ?? []).map((s) => BigInt(s)));
  const known = new Set<bigint>();
  for (const name of shards) for (const id of readShardDocIds(shardPath(root, name))) known.add(id);

  for (const id of opts.remove ?? []) {
    if (typeof id !== "bigint")
      throw new SpanError("invalid-input", "remove lists contribution ids as bigints");
    if (!known.has(id))
      throw new SpanError("invalid-input", `cannot remove contribution ${id}: not in the index`);
    if (excluded.has(id)) throw new SpanError("invalid-input", `contribution ${id} is already removed`);
    excluded.add(id);
  }
  const add = opts.add ?? [];
  if (!Array.isArray(add)) throw new SpanError("invalid-input", "add must be an array of documents");
  for (const doc of add) {
    if (known.has(doc?.contributionId)) {
      throw new SpanError("invalid-input", `contribution ${doc.contributionId} is already in the index`);
    }
  }
  if (add.length > 0) {
    const name = `v-${version}`;
    const dir = shardPath(root, name);
    mkdirSync(join(root, "shards"), { recursive: true });
    // A shard left by a build that stopped before its manifest: nothing refers to it; rebuild.
    rmSync(dir, { recursive: true, force: true });
    await buildShard(dir, add, opts);
    shards.push(name);
  }
  const sorted = [...excluded].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const manifest: VersionManifest = withChecksum({
    format: VERSION_FORMAT,
    version,
    parent,
    encoding: ENCODING,
    shards,
    excluded: sorted.map(String),
  });
  mkdirSync(join(root, "versions"), { recursive: true });
  writeFileAtomic(manifestPath(root, version), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Opens every shard of a version (verify "full": sha256 of every file) with its exclusions. */
export function openIndex(root: string, version: string, verify: Verify = "full"): SpanIndex {
  const m = readManifest(root, version);
  const shards = m.shards.map((name) => openShard(shardPath(root, name), verify));
  return liveIndex(version, shards, m.excluded.map(BigInt));
}
