/**
 * Slipway's server: connects the engine, makes sure the images exist, adopts sandboxes
 * left by an earlier run and serves the app. `npm start` runs it after setup; run it
 * directly (`tsx server/main.ts`) when setup is already done.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { loadConfig, memoryAllowsAnotherSandbox, type Config } from './config';
import { connectEngine, type Engine } from './engine/connect';
import { explorerService } from './explorer/service';
import { createApp } from './http/app';
import { lessonsApi } from './lessons/api';
import { loadLibrary } from './lessons/library';
import { lessonsService } from './lessons/service';
import { openProgressStore } from './lessons/store';
import { ensureImages } from './images';
import { detectMachineFeatures } from './engine/kernel-features';
import { sandboxEngineOptions } from './sandbox/engine-options';
import { SandboxManager } from './sandbox/manager';
import { parkNodeShell } from './terminal/node-shell';
import { createLog } from './log';
import { dashboardLink, loadTrainerToken } from './http/trainer-auth';
import { observeLessons, reportCommands } from './workshops/session-feature';
import { openWorkshopStore } from './workshops/store';
import { Workshops } from './workshops/workshops';

const LESSONS_DIR = path.resolve(import.meta.dirname, '../lessons');

const STOP_TIMEOUT_MS = 5000;

export interface Prepared {
  engine: Engine;
  sandboxImage: string;
  catalogContainer: string;
}

export async function prepareEngineAndImages(config: Config, log: (line: string) => void): Promise<Prepared> {
  const engine = await connectEngine(config.engine, log);
  const images = await ensureImages(engine.docker, log);
  return { engine, sandboxImage: images.sandboxImage, catalogContainer: images.catalogRegistry.container };
}

/** `say` tells the person starting Slipway where it is; everything else goes to the JSON log. */
export async function startServer(config: Config, prepared: Prepared, say: (line: string) => void) {
  const { log } = createLog(config.logLevel);
  const workshopStore = openWorkshopStore(config.stateDir, config.instance);
  const manager = new SandboxManager(prepared.engine.docker, {
    instance: config.instance,
    image: prepared.sandboxImage,
    catalogContainer: prepared.catalogContainer,
    limits: config.sandbox,
    maxSandboxes: config.maxSandboxes,
    maxNodes: config.maxNodes,
    poolSize: config.poolSize,
    idleTimeoutMs: config.idleTimeoutMs,
    maxLifetimeMs: config.maxLifetimeMs,
    reclaimGraceMs: config.reclaimGraceMs,
    ...sandboxEngineOptions(prepared.engine, config.instance, config.sandbox, log),
    memoryAvailable: () => memoryAllowsAnotherSandbox(),
    parkShell: parkNodeShell,
    log,
    onEnded: (learner, reason) => app.ended(learner, reason),
    onEnding: (learner, inMs) => app.ending(learner, inMs),
    extensions: workshopStore.extensions,
  });
  // The sandboxes share this machine's kernel (the engine is local): its features pick the
  // lessons' variants, such as the swarm routing mesh with IPVS or host-mode ports without.
  const machine = await detectMachineFeatures(config.ipvs);
  log(`machine: ${machine.reason}`);
  const library = await loadLibrary(LESSONS_DIR, log, machine.features);
  const store = openProgressStore(config.stateDir);
  const workshops = new Workshops(workshopStore, { lessons: (locale) => library.lessons.map((lesson) => library.get(lesson.id, locale)!) }, Date.now, manager);
  const report = (learner: string, event: Parameters<Workshops['report']>[1]) => workshops.report(learner, event);
  const trainerToken = loadTrainerToken(config.stateDir, config.trainerToken);
  const app = createApp({
    config,
    manager,
    services: [explorerService(), observeLessons(lessonsService({ library, store }), report), reportCommands(report)],
    routes: [(url, learner) => lessonsApi(url, learner, library, store)],
    log,
    isolated: prepared.engine.isolation.userns,
    trainer: { token: trainerToken, workshops },
  });
  await manager.start();
  const url = await app.listen();
  log(`Slipway is ready on ${url}`);
  say(`Slipway is ready on ${url}`);
  // The token is the trainer's password: printed for the person starting Slipway, never logged.
  say(`Trainer dashboard: ${dashboardLink(config.publicUrl?.replace(/\/$/, '') ?? url, trainerToken)}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('Stopping (sandboxes keep running and are adopted by the next start)…');
    // Bounded: a proxied preview connection or a pool sandbox still starting must not keep
    // Slipway from stopping; what is half made is cleaned up by the next start.
    await Promise.race([Promise.all([app.close(), manager.close()]), sleep(STOP_TIMEOUT_MS)]);
    workshops.dispose();
    workshopStore.close();
    store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // One learner's failed background task (a reap, a refresh) must not stop the server for
  // everyone: it is logged, and the rest goes on.
  const failed = (reason: unknown) =>
    log(`unexpected failure in the background: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`, { level: 'error' });
  process.on('unhandledRejection', failed);
  // The same for a throw from a socket or timer callback: ending the process would drop
  // every learner's terminal for one learner's input.
  process.on('uncaughtException', failed);
  return { url, app, manager };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const log = (line: string) => console.log(`[slipway] ${line}`);
  const config = loadConfig();
  prepareEngineAndImages(config, log)
    .then((prepared) => startServer(config, prepared, log))
    .catch((error: Error) => {
      console.error(`[slipway] ${error.message}`);
      process.exit(1);
    });
}
