// CPU time of this process's main thread, read from /proc (Linux), so a put benchmark can say how an
// event's CPU splits between the main thread (JS: preparing, deciding, issuing writes) and the others
// (lmdb-js's write work on the libuv pool, V8's GC helpers, fsync). undefined where /proc is missing.
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/task/<tid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** Main-thread CPU milliseconds (user + system) so far, at 10 ms resolution. */
export function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
