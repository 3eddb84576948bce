/**
 * What the kernel under the sandboxes can do, as lessons need to know it (server/lessons/features.ts).
 * Sandboxes share the kernel of the machine Slipway's engine runs on, and that engine is local,
 * so this machine's kernel is theirs.
 *
 * IPVS: a swarm service's virtual IP and the ingress routing mesh need it. Distribution kernels
 * ship it as a module (`ip_vs`) that may simply not be loaded yet, and an engine inside a sandbox
 * cannot load it; so as root, where modprobe exists, it is loaded first (best effort). Then
 * `/proc/net/ip_vs` exists exactly when the kernel has IPVS.
 *
 * `probeIpvs` is the only I/O; `decideMachineFeatures` is pure. SLIPWAY_IPVS=on|off (config.ts)
 * overrides the detection, for tests and for machines where it guesses wrong.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import type { MachineFeatures } from '../lessons/features';

export type IpvsSetting = 'auto' | 'on' | 'off';

export const IPVS_PROC_FILE = '/proc/net/ip_vs';

/** What the machine showed: whether modprobe ran, and whether /proc/net/ip_vs then existed. */
export type IpvsProbe = {
  modprobe: 'loaded' | 'failed' | 'no-modprobe' | 'not-root';
  /** The modprobe's own words when it failed (first line). */
  modprobeError?: string;
  procFile: boolean;
};

export type DetectedFeatures = {
  features: MachineFeatures;
  /** One line for the log: what was decided and why. */
  reason: string;
};

export function decideMachineFeatures(setting: IpvsSetting, probe: IpvsProbe | undefined): DetectedFeatures {
  if (setting !== 'auto') {
    return { features: { ipvs: setting === 'on' }, reason: `IPVS ${setting} (SLIPWAY_IPVS=${setting})` };
  }
  if (!probe) return { features: { ipvs: false }, reason: 'IPVS off (not probed)' };
  if (probe.procFile) return { features: { ipvs: true }, reason: `IPVS on (${IPVS_PROC_FILE} exists${probe.modprobe === 'loaded' ? ' after modprobe ip_vs' : ''})` };
  const attempt = {
    loaded: 'modprobe ip_vs succeeded',
    failed: `modprobe ip_vs failed${probe.modprobeError ? `: ${probe.modprobeError}` : ''}`,
    'no-modprobe': 'no modprobe to load ip_vs',
    'not-root': 'not root, so ip_vs was not loaded',
  }[probe.modprobe];
  return {
    features: { ipvs: false },
    reason: `IPVS off (${IPVS_PROC_FILE} is absent; ${attempt}): swarm lessons practise DNS round-robin and host-mode ports instead of the routing mesh`,
  };
}

/** The I/O `probeIpvs` does, replaceable in tests. */
export type ProbeIo = {
  isRoot(): boolean;
  /** Resolves with the failure's first line, or undefined when modprobe succeeded; rejects with code ENOENT when there is no modprobe. */
  modprobe(module: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
};

const MODPROBE_TIMEOUT_MS = 5000;

export const NODE_PROBE_IO: ProbeIo = {
  isRoot: () => process.getuid?.() === 0,
  modprobe: (module) =>
    new Promise((resolve, reject) => {
      execFile('modprobe', [module], { timeout: MODPROBE_TIMEOUT_MS }, (error, _stdout, stderr) => {
        if (!error) return resolve(undefined);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(error);
        resolve(stderr.trim().split('\n')[0] || error.message.split('\n')[0]);
      });
    }),
  exists: (path) => access(path).then(() => true, () => false),
};

export async function probeIpvs(io: ProbeIo = NODE_PROBE_IO): Promise<IpvsProbe> {
  let modprobe: IpvsProbe['modprobe'] = 'not-root';
  let modprobeError: string | undefined;
  if (io.isRoot()) {
    try {
      modprobeError = await io.modprobe('ip_vs');
      modprobe = modprobeError === undefined ? 'loaded' : 'failed';
    } catch {
      modprobe = 'no-modprobe';
    }
  }
  return { modprobe, ...(modprobeError === undefined ? {} : { modprobeError }), procFile: await io.exists(IPVS_PROC_FILE) };
}

/**
 * The features of this machine, for `loadLibrary(dir, log, features)` and golden runs. Probes
 * only when `setting` is auto.
 */
export async function detectMachineFeatures(setting: IpvsSetting = 'auto', io: ProbeIo = NODE_PROBE_IO): Promise<DetectedFeatures> {
  return decideMachineFeatures(setting, setting === 'auto' ? await probeIpvs(io) : undefined);
}
