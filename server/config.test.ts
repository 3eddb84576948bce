import { describe, expect, it } from 'vitest';
import { defaultMaxSandboxes, loadConfig, memoryAllowsAnotherSandbox, memoryReserve } from './config';

const GIB = 1024 ** 3;

describe('configuration of the boundary', () => {
  it('derives the sandbox maximum from the machine’s memory', () => {
    expect(defaultMaxSandboxes(24 * GIB)).toBe(138);
    expect(defaultMaxSandboxes(2 * GIB)).toBe(6);
    expect(defaultMaxSandboxes(512 * 1024 ** 2)).toBe(1);
    expect(loadConfig({ SLIPWAY_MAX_SANDBOXES: '7' }).maxSandboxes).toBe(7);
  });

  it('admits a sandbox only while memory beyond the reserve remains', () => {
    expect(memoryReserve(24 * GIB)).toBe(Math.round(2.4 * GIB));
    expect(memoryAllowsAnotherSandbox(10 * GIB, 24 * GIB)).toBe(true);
    expect(memoryAllowsAnotherSandbox(2.5 * GIB, 24 * GIB)).toBe(false);
  });

  it('reads egress, address range, disk and the unisolated opt-in, and refuses bad values', () => {
    const config = loadConfig({ SLIPWAY_EGRESS: 'none', SLIPWAY_SUBNET_POOL: '10.201.0.0/16', SLIPWAY_SANDBOX_DISK: '1g', SLIPWAY_ALLOW_UNISOLATED_ENGINE: '1' });
    expect(config.engine).toMatchObject({ egress: 'none', subnetPool: '10.201.0.0/16', allowUnisolated: true });
    expect(config.sandbox.diskBytes).toBe(GIB);
    expect(loadConfig({}).engine).toMatchObject({ egress: 'internet', allowUnisolated: false });
    expect(() => loadConfig({ SLIPWAY_EGRESS: 'everything' })).toThrow(/SLIPWAY_EGRESS/);
    expect(() => loadConfig({ SLIPWAY_SUBNET_POOL: 'ten' })).toThrow(/SLIPWAY_SUBNET_POOL/);
    expect(() => loadConfig({ SLIPWAY_ALLOW_UNISOLATED_ENGINE: 'yes' })).toThrow(/SLIPWAY_ALLOW_UNISOLATED_ENGINE/);
  });
});

describe('configuration of fairness', () => {
  it('reads the maximum session lifetime and the reclaim grace as durations, with defaults', () => {
    expect(loadConfig({})).toMatchObject({ maxLifetimeMs: 8 * 3_600_000, reclaimGraceMs: 10 * 60_000 });
    expect(loadConfig({ SLIPWAY_MAX_SESSION_LIFETIME: '90s', SLIPWAY_RECLAIM_GRACE: '30s' })).toMatchObject({ maxLifetimeMs: 90_000, reclaimGraceMs: 30_000 });
    expect(() => loadConfig({ SLIPWAY_MAX_SESSION_LIFETIME: 'forever' })).toThrow(/SLIPWAY_MAX_SESSION_LIFETIME/);
    expect(() => loadConfig({ SLIPWAY_RECLAIM_GRACE: '10' })).toThrow(/SLIPWAY_RECLAIM_GRACE/);
  });
});
