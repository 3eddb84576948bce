/**
 * The end-to-end servers label their sandboxes with their own instance name; before and
 * after the run, whatever that instance left on the engine, and its workshops, are removed.
 */
import { rmSync } from 'node:fs';
import Docker from 'dockerode';
import { loadConfig } from '../../server/config';
import { connectEngine } from '../../server/engine/connect';
import { engineIdFor, privateEnginePaths } from '../../server/engine/private-engine';
import { CgroupDelegation } from '../../server/sandbox/cgroups';
import { LABELS } from '../../server/sandbox/spec';
import { workshopsFile } from '../../server/workshops/store';

export const E2E_INSTANCE = 'e2e';

export async function removeInstance(docker: Docker, instance: string): Promise<void> {
  const filters = { label: [`${LABELS.instance}=${instance}`] };
  for (const container of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(container.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  for (const network of await docker.listNetworks({ filters })) {
    const handle = docker.getNetwork(network.Id);
    const details = (await handle.inspect().catch(() => null)) as { Containers?: Record<string, unknown> } | null;
    for (const id of Object.keys(details?.Containers ?? {})) {
      await handle.disconnect({ Container: id, Force: true }).catch(() => undefined);
    }
    await handle.remove().catch(() => undefined);
  }
  const { stateDir } = loadConfig();
  // Its workshops would reserve sandboxes in the next server of the instance.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${workshopsFile(stateDir, instance)}${suffix}`, { force: true });
  // The sandboxes' cgroup subtrees (the manager's release is bypassed here).
  if (CgroupDelegation.available()) {
    const engineId = engineIdFor(privateEnginePaths(stateDir).dir);
    const limits = { memoryBytes: 0, storageBytes: 0, cpus: 0, pids: 0, diskBytes: 0 };
    await new CgroupDelegation({ prefix: `slipway-${engineId}-${instance}-`, owner: { uid: 0, gid: 0 }, limits }).sweep(new Set());
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const { docker } = await connectEngine(config.engine);
  await removeInstance(docker, E2E_INSTANCE);
  return () => removeInstance(docker, E2E_INSTANCE);
}
