/**
 * What the engine lets the sandbox manager give each sandbox beyond the container spec's
 * defaults: a cgroup subtree, a disk quota, a bridge name the egress policy matches.
 */
import type { EngineIsolation } from '../engine/isolation';
import { sessionBridgeName } from '../engine/egress';
import type { PrivateEngineLayout } from '../engine/private-engine';
import { CgroupDelegation } from './cgroups';
import type { SandboxManagerOptions } from './manager';
import type { SandboxLimits } from './spec';

type EngineOptions = Pick<SandboxManagerOptions, 'cgroups' | 'diskQuota' | 'bridgeName'>;

export function sandboxEngineOptions(
  engine: { isolation: EngineIsolation; layout: PrivateEngineLayout | null },
  instance: string,
  limits: SandboxLimits,
  log: (line: string) => void = () => {},
): EngineOptions {
  const { isolation, layout } = engine;
  // A subtree needs the engine on this machine, a user namespace whose root we know (the
  // subtree is handed to it) and cgroup v1 hierarchies to write as root.
  const delegate = isolation.local && isolation.remappedRoot !== null && CgroupDelegation.available();
  if (!delegate) log("sandboxes get no cgroup subtree of their own here: nested containers share their sandbox's limits and figures");
  return {
    cgroups: delegate
      ? new CgroupDelegation({ prefix: `slipway-${layout?.engineId ?? 'ext'}-${instance}-`, owner: isolation.remappedRoot!, limits, log })
      : null,
    // Only the private engine's data root has quotas (btrfs quota groups).
    diskQuota: layout !== null,
    ...(layout ? { bridgeName: (networkId: string) => sessionBridgeName(layout.engineId, networkId) } : {}),
  };
}
