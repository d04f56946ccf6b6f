/**
 * CPU a process spent, read from the kernel's own counters (utime + stime of /proc/<pid>/stat):
 * unlike wall-clock time, it does not grow when other work shares the machine.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU time used by `pid` so far (all its threads), in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Runs `work` and returns its result with the CPU each named process spent meanwhile, in ms. */
export async function withCpu<T, K extends string>(pids: Record<K, number>, work: () => Promise<T>): Promise<{ result: T; cpu: Record<K, number> }> {
  const names = Object.keys(pids) as K[];
  const before = names.map((name) => cpuMs(pids[name]));
  const result = await work();
  const cpu = Object.fromEntries(names.map((name, i) => [name, cpuMs(pids[name]) - before[i]!])) as Record<K, number>;
  return { result, cpu };
}
