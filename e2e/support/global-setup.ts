/**
 * The end-to-end servers label their sandboxes with their own instance name; before and
 * after the run, whatever that instance left on the engine is removed.
 */
import Docker from 'dockerode';
import { loadConfig } from '../../server/config';
import { connectEngine } from '../../server/engine/connect';
import { LABELS } from '../../server/sandbox/spec';

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
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const { docker } = await connectEngine(config.engine);
  await removeInstance(docker, E2E_INSTANCE);
  return () => removeInstance(docker, E2E_INSTANCE);
}
