import { describe, expect, it } from 'vitest';
import { decideMachineFeatures, detectMachineFeatures, probeIpvs, type ProbeIo } from './kernel-features';

/** A machine for probeIpvs: `module` is whether ip_vs is there to load; `loaded` whether it already is. */
function machine(options: { root: boolean; modprobe: boolean; module: boolean; loaded: boolean }) {
  const calls: string[] = [];
  let loaded = options.loaded;
  const io: ProbeIo = {
    isRoot: () => options.root,
    modprobe: async (module) => {
      calls.push(`modprobe ${module}`);
      if (!options.modprobe) throw Object.assign(new Error('spawn modprobe ENOENT'), { code: 'ENOENT' });
      if (!options.module) return `modprobe: FATAL: Module ${module} not found in directory /lib/modules/6.1.0`;
      loaded = true;
      return undefined;
    },
    exists: async (path) => {
      calls.push(`exists ${path}`);
      return path === '/proc/net/ip_vs' && loaded;
    },
  };
  return { io, calls };
}

describe('probeIpvs', () => {
  it('loads ip_vs as root, then looks for /proc/net/ip_vs', async () => {
    const { io, calls } = machine({ root: true, modprobe: true, module: true, loaded: false });
    expect(await probeIpvs(io)).toEqual({ modprobe: 'loaded', procFile: true });
    expect(calls).toEqual(['modprobe ip_vs', 'exists /proc/net/ip_vs']);
  });

  it('says why the module was not loaded', async () => {
    expect(await probeIpvs(machine({ root: true, modprobe: true, module: false, loaded: false }).io)).toEqual({
      modprobe: 'failed',
      modprobeError: 'modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.1.0',
      procFile: false,
    });
    expect(await probeIpvs(machine({ root: true, modprobe: false, module: false, loaded: false }).io)).toEqual({ modprobe: 'no-modprobe', procFile: false });
    const notRoot = machine({ root: false, modprobe: true, module: true, loaded: true });
    expect(await probeIpvs(notRoot.io)).toEqual({ modprobe: 'not-root', procFile: true });
    expect(notRoot.calls).toEqual(['exists /proc/net/ip_vs']);
  });
});

describe('decideMachineFeatures', () => {
  it('follows /proc/net/ip_vs when auto', () => {
    expect(decideMachineFeatures('auto', { modprobe: 'loaded', procFile: true })).toEqual({
      features: { ipvs: true },
      reason: 'IPVS on (/proc/net/ip_vs exists after modprobe ip_vs)',
    });
    expect(decideMachineFeatures('auto', { modprobe: 'not-root', procFile: true }).features).toEqual({ ipvs: true });
    const off = decideMachineFeatures('auto', { modprobe: 'no-modprobe', procFile: false });
    expect(off.features).toEqual({ ipvs: false });
    expect(off.reason).toMatch(/^IPVS off \(\/proc\/net\/ip_vs is absent; no modprobe to load ip_vs\): swarm lessons practise/);
    expect(decideMachineFeatures('auto', { modprobe: 'failed', modprobeError: 'FATAL: Module ip_vs not found', procFile: false }).reason).toContain(
      'modprobe ip_vs failed: FATAL: Module ip_vs not found',
    );
  });

  it('obeys SLIPWAY_IPVS=on|off without probing', async () => {
    expect(decideMachineFeatures('on', undefined)).toEqual({ features: { ipvs: true }, reason: 'IPVS on (SLIPWAY_IPVS=on)' });
    expect(decideMachineFeatures('off', { modprobe: 'loaded', procFile: true }).features).toEqual({ ipvs: false });
    const { io, calls } = machine({ root: true, modprobe: true, module: true, loaded: true });
    expect((await detectMachineFeatures('off', io)).features).toEqual({ ipvs: false });
    expect(calls).toEqual([]);
    expect((await detectMachineFeatures('auto', io)).features).toEqual({ ipvs: true });
  });
});
