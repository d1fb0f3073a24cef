// CPU time of the node child, of this process and of the whole machine, from /proc and
// process.cpuUsage, as shares of a core between two snapshots.
import { readFileSync } from "node:fs";

/** CPU seconds (user + system) a process has used, from /proc; undefined where there is none. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, the unit of /proc CPU times. */
const CLOCK_TICKS = 100;

export interface CpuSnapshot {
  at: number;
  node: number | undefined;
  client: NodeJS.CpuUsage;
  machine: { busy: number; total: number } | undefined;
}

export function cpuSnapshot(nodePid: number | undefined): CpuSnapshot {
  return {
    at: performance.now(),
    node: processCpuSeconds(nodePid),
    client: process.cpuUsage(),
    machine: machineCpuSeconds(),
  };
}

/** Percent of one core each used between two snapshots (machine: of all its cores). */
export type CpuShares = ReturnType<typeof cpuShares>;

export function cpuShares(a: CpuSnapshot, b: CpuSnapshot) {
  const wall = (b.at - a.at) / 1000;
  const client = process.cpuUsage(a.client);
  const pct = (x: number | undefined) => (x === undefined ? undefined : (100 * x) / wall);
  return {
    nodePct: pct(a.node !== undefined && b.node !== undefined ? b.node - a.node : undefined),
    clientPct: pct((client.user + client.system) / 1e6),
    machinePct:
      a.machine && b.machine
        ? (100 * (b.machine.busy - a.machine.busy)) / (b.machine.total - a.machine.total)
        : undefined,
  };
}
