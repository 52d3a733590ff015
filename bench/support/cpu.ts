// CPU time of a process group, from /proc/<pid>/stat (utime + stime of every process in the group). On a
// shared machine a sender's wall-clock rate follows the share of the CPU it got; frames per CPU-second do
// not. Kernels without IRQ time accounting (CONFIG_IRQ_TIME_ACCOUNTING unset) charge the softirq work a
// sender triggers on its own CPU (a veth peer's receive path) to the sender, as the wall clock does.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds used so far by the live processes whose process group is `pgid`. */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces): state ppid pgrp ... utime(14) stime(15).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICKS;
}
