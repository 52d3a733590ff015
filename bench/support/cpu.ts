// CPU time, read from /proc: of this process's threads, of the whole machine, and of a process group
// (/proc/<pid>/stat: utime + stime of every process in the group). On a shared machine a sender's
// wall-clock rate follows the share of the CPU it got; frames per CPU-second do not. Kernels without IRQ
// time accounting (CONFIG_IRQ_TIME_ACCOUNTING unset) charge the softirq work a sender triggers on its own
// CPU (a veth peer's receive path) to the sender, as the wall clock does.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields of a /proc stat line after the command name (which may hold spaces): state ppid pgrp … utime(14) stime(15). */
function statFields(path: string): string[] | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}
const cpuTicks = (f: string[]) => Number(f[11]) + Number(f[12]);

/** CPU seconds used so far by the live processes whose process group is `pgid`. */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const f = statFields(`/proc/${pid}/stat`);
    if (f && Number(f[2]) === pgid) ticks += cpuTicks(f);
  }
  return ticks / TICKS;
}

/** Milliseconds a thread (or threads) ran on a core, and waited runnable for one (the scheduler's run queue). */
export interface Scheduled {
  runMs: number;
  waitMs: number;
}

/** A thread's run and run-queue wait so far, from /proc/<pid>/task/<tid>/schedstat (nanoseconds). */
function scheduledOf(path: string): Scheduled | undefined {
  try {
    const [run, wait] = readFileSync(path, 'utf8').split(' ').map(Number);
    return { runMs: run! / 1e6, waitMs: wait! / 1e6 };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Each thread of this process, by id: how long it ran and waited for a core so far. */
export function threadsScheduled(): Map<number, Scheduled> {
  const threads = new Map<number, Scheduled>();
  for (const tid of readdirSync('/proc/self/task')) {
    const t = scheduledOf(`/proc/self/task/${tid}/schedstat`);
    if (t) threads.set(Number(tid), t);
  }
  return threads;
}

/**
 * What the threads `pick` selects ran and waited for a core between two readings together. Waiting is the
 * share of a burst's latency that a busy machine adds: the threads were ready, no core was.
 */
export function scheduledBetween(
  before: Map<number, Scheduled>,
  after: Map<number, Scheduled>,
  pick: (tid: number) => boolean = () => true,
): Scheduled {
  const sum = { runMs: 0, waitMs: 0 };
  for (const [tid, t] of after) {
    if (!pick(tid)) continue;
    const t0 = before.get(tid) ?? { runMs: 0, waitMs: 0 };
    sum.runMs += t.runMs - t0.runMs;
    sum.waitMs += t.waitMs - t0.waitMs;
  }
  return sum;
}

/** The thread of this process that ran most while `work` ran: the one doing it, when the work is CPU-bound. */
export async function busiestThreadDuring(work: () => Promise<unknown>): Promise<number> {
  const before = threadsScheduled();
  await work();
  let busiest = { tid: process.pid, runMs: -1 };
  for (const [tid, t] of threadsScheduled()) {
    const runMs = t.runMs - (before.get(tid)?.runMs ?? 0);
    if (runMs > busiest.runMs) busiest = { tid, runMs };
  }
  return busiest.tid;
}

/**
 * CPU time the whole machine spent so far, in core-milliseconds, from /proc/stat's first line (user nice
 * system idle iowait irq softirq steal): busy (all but idle and iowait) and, of it, stolen by the hypervisor.
 */
export function machineCpuMs(): { busy: number; steal: number } {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const ms = 1000 / TICKS;
  return { busy: (user! + nice! + system! + irq! + softirq! + steal!) * ms, steal: steal! * ms };
}
