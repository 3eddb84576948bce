/**
 * A client for the Docker engine inside a sandbox. The sandbox's dockerd also listens on
 * TCP port 2375 of its own network (see the sandbox image's slipway-dockerd), which only
 * that learner's nodes share; Slipway reaches it at the sandbox's address there. This
 * needs the engine to be local, as the port preview does.
 */
import Docker from 'dockerode';
import type { Sandbox } from '../sandbox/manager';
import { boundEngine } from './bounded-engine';

export const INNER_ENGINE_PORT = 2375;

export async function sandboxAddress(sandbox: Sandbox): Promise<string> {
  const info = await sandbox.container.inspect();
  const address = info.NetworkSettings.Networks[sandbox.network]?.IPAddress;
  if (!address) throw new Error(`sandbox ${sandbox.name} has no address on ${sandbox.network}`);
  return address;
}

/** The learner controls what answers there: every call is bounded (see bounded-engine.ts). */
export function innerEngine(address: string, onMisbehaviour: (reason: string) => void, port = INNER_ENGINE_PORT): Docker {
  return boundEngine(new Docker({ host: address, port, protocol: 'http' }), onMisbehaviour);
}
