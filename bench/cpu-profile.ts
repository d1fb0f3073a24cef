// Summarizes a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, and self
// time per file. Used by bank-send.ts --cpu-prof; also runnable on its own:
//   node --import tsx bench/cpu-profile.ts <file.cpuprofile> [top]
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function shortUrl(url: string): string {
  if (!url) return "";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const rel = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  return rel.replace(/^node_modules\//, "~/");
}

function keyOf(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const name = functionName || "(anonymous)";
  return url ? `${name} ${shortUrl(url)}:${lineNumber + 1}` : name;
}

export async function summarizeCpuProfile(file: string, top = 25): Promise<string> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const idle = new Set(["(idle)", "(program)", "(garbage collector)"]);

  const selfByKey = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclByKey = new Map<string, number>();
  // Inclusive time: each function counted once per stack, however deep it recurses.
  const root = profile.nodes[0]!;
  const walk = (node: ProfileNode, active: Map<string, number>): number => {
    let sum = selfUs.get(node.id) ?? 0;
    const key = keyOf(node);
    active.set(key, (active.get(key) ?? 0) + 1);
    for (const c of node.children ?? []) sum += walk(byId.get(c)!, active);
    const depth = active.get(key)!;
    if (depth === 1) {
      active.delete(key);
      inclByKey.set(key, (inclByKey.get(key) ?? 0) + sum);
    } else active.set(key, depth - 1);
    const self = selfUs.get(node.id) ?? 0;
    if (self > 0) {
      selfByKey.set(key, (selfByKey.get(key) ?? 0) + self);
      const fileKey = node.callFrame.url ? shortUrl(node.callFrame.url) : node.callFrame.functionName;
      selfByFile.set(fileKey, (selfByFile.get(fileKey) ?? 0) + self);
    }
    return sum;
  };
  walk(root, new Map());

  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const table = (title: string, m: Map<string, number>, n: number, skipIdle = false) =>
    [
      title,
      ...[...m]
        .filter(([k]) => !skipIdle || !idle.has(k.split(" ")[0]!))
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, us]) => `  ${ms(us)} ms ${pct(us)}  ${k}`),
    ].join("\n");
  const idleUs = [...selfByKey].filter(([k]) => idle.has(k)).reduce((a, [, v]) => a + v, 0);
  return [
    `cpu profile ${shortUrl(file)}: ${(total / 1e6).toFixed(2)} s sampled, ${(idleUs / 1e6).toFixed(2)} s idle/program/gc`,
    table("self time by function:", selfByKey, top),
    table("self time by file:", selfByFile, Math.ceil(top / 2)),
    table("inclusive time by function (non-idle):", inclByKey, top, true),
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: node --import tsx bench/cpu-profile.ts <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  process.stdout.write(`${await summarizeCpuProfile(file, Number(top ?? 25))}\n`);
}
