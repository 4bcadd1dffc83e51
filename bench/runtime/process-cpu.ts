/**
 * CPU seconds used by the workerd processes this benchmark started (children of this process), read from
 * /proc: the upper bound of a Worker's CPU per request, since it also counts the runtime's HTTP handling,
 * the local queue broker and the sink. Linux only; elsewhere it reports NaN.
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SECOND = 100;

function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; fields after it are space-separated.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** PIDs of workerd processes whose parent is this process. */
export function childWorkerdPids(): string[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return entries.filter((pid) => {
    const fields = statFields(pid);
    if (!fields || Number(fields[1]) !== process.pid) return false;
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("workerd");
    } catch {
      return false;
    }
  });
}

/** User + system CPU seconds of the given processes so far. */
export function cpuSeconds(pids: readonly string[]): number {
  if (pids.length === 0) return Number.NaN;
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/**
 * Nanoseconds on a CPU of every thread of the given processes so far (/proc/PID/task/TID/schedstat, the
 * scheduler's own run time: nanosecond resolution, where /proc/PID/stat counts 10 ms ticks). Fine enough to
 * time one request; NaN where /proc has no schedstat.
 */
export function cpuNanoseconds(pids: readonly string[]): number {
  let total = 0;
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return Number.NaN;
    }
    for (const task of tasks) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // A thread that ended between the listing and the read used no more CPU.
      }
    }
  }
  return pids.length === 0 ? Number.NaN : total;
}
