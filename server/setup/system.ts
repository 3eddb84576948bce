/**
 * Debian packages Slipway needs on the host, installed with apt when Slipway runs as root
 * on Debian or Ubuntu; elsewhere, a message that says exactly what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface Requirement {
  /** A program (or, for packages of data such as fonts, an absolute path) whose presence means the requirement is met. */
  command: string;
  /** The Debian package that provides it. */
  aptPackage: string;
  why: string;
}

export const REQUIREMENTS = {
  engine: { command: 'dockerd', aptPackage: 'docker.io', why: 'to run Slipway\'s private container engine' },
  iptables: { command: 'iptables', aptPackage: 'iptables', why: 'for the engine\'s container networking' },
  btrfs: { command: 'mkfs.btrfs', aptPackage: 'btrfs-progs', why: "for the private engine's data file system, whose quotas bound each sandbox's disk" },
  kmod: { command: 'modprobe', aptPackage: 'kmod', why: 'to load the kernel\'s IPVS module, which a swarm\'s routing mesh needs' },
  debootstrap: { command: 'debootstrap', aptPackage: 'debootstrap', why: 'to build the Debian base image offline' },
  chromium: { command: 'chromium', aptPackage: 'chromium', why: 'for the end-to-end tests and benchmarks' },
  cjkFont: {
    command: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    aptPackage: 'fonts-noto-cjk',
    why: "so that the browser tests' screenshots of the Chinese pages show characters, not boxes",
  },
} satisfies Record<string, Requirement>;

export function hasCommand(command: string): boolean {
  if (path.isAbsolute(command)) return existsSync(command);
  const dirs = (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/sbin', '/usr/bin');
  return dirs.some((dir) => dir !== '' && existsSync(path.join(dir, command)));
}

/** What is missing of `wanted`, as a plain list; pure apart from looking at PATH. */
export function missing(wanted: Requirement[], present: (command: string) => boolean = hasCommand): Requirement[] {
  return wanted.filter((requirement) => !present(requirement.command));
}

export function installMessage(requirements: Requirement[]): string {
  const lines = requirements.map((r) => `  - ${r.aptPackage} (${r.why})`);
  const packages = requirements.map((r) => r.aptPackage).join(' ');
  return [
    'Slipway needs these Debian packages, and cannot install them itself here',
    '(that needs root on a Debian or Ubuntu machine with apt-get):',
    ...lines,
    `Install them with:  sudo apt-get update && sudo apt-get install -y ${packages}`,
    'Or, with a Docker engine of your own, set DOCKER_HOST (or start it on /var/run/docker.sock).',
  ].join('\n');
}

/** Installs the missing packages with apt, streaming apt's output. */
export function installWithApt(requirements: Requirement[], say: (line: string) => void): void {
  if (requirements.length === 0) return;
  const canApt = process.getuid?.() === 0 && hasCommand('apt-get');
  if (!canApt) throw new Error(installMessage(requirements));
  const packages = [...new Set(requirements.map((r) => r.aptPackage))];
  say(`Installing Debian packages: ${packages.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], env);
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], env);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}
