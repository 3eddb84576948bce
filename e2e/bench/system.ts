/** Machine facts and per-process figures read from /proc (Linux only). */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: os.release(),
    os: osName(),
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function children(pid: number): number[] {
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((task) => read(`/proc/${pid}/task/${task}/children`).split(/\s+/).filter(Boolean).map(Number));
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  return [pid, ...children(pid).flatMap(processTree)];
}

export function commandLine(pid: number): string {
  return read(`/proc/${pid}/cmdline`).replace(/\0/g, ' ').trim();
}

/** The Slipway server: the innermost descendant of this process running server/main.ts (tsx runs it in a child). */
export function serverPid(): number | undefined {
  const servers = processTree(process.pid).filter((pid) => commandLine(pid).includes('server/main.ts'));
  return servers.find((pid) => !children(pid).some((child) => servers.includes(child)));
}

/** The Chromium processes this benchmark launched (descendants whose command is chromium). */
export function chromiumPids(): number[] {
  return processTree(process.pid).filter((pid) => /chromium/.test(commandLine(pid)));
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  const kib = Number(/^VmRSS:\s+(\d+)/m.exec(read(`/proc/${pid}/status`))?.[1] ?? Number.NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) spent so far by the given processes. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / TICKS_PER_SECOND;
}
