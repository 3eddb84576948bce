/**
 * Builds whatever of Slipway's images is missing, against DOCKER_HOST (or the local socket):
 *   DOCKER_HOST=unix:///path/docker.sock npx tsx server/images/cli.ts
 */
import Docker from 'dockerode';
import { ensureImages } from './index';

const started = Date.now();
try {
  // dockerode reads DOCKER_HOST itself.
  const result = await ensureImages(new Docker(), (line) => console.log(line));
  console.log(`[images] sandbox image: ${result.sandboxImage}`);
  console.log(`[images] catalog registry: container ${result.catalogRegistry.container}, alias ${result.catalogRegistry.alias}`);
  console.log(`[images] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`[images] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
