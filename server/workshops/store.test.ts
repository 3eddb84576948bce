import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openWorkshopStore, type WorkshopRecord } from './store';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const workshop: WorkshopRecord = {
  id: 'w1',
  code: 'ABCD-EFGH',
  name: 'Onboarding',
  lessons: ['images-and-containers'],
  startsAt: 0,
  endsAt: 60_000,
  capacity: 10,
  state: 'running',
  banner: null,
};

test('two instances on one state directory keep their workshops apart; a reopened store has them again', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'slipway-store-'));
  dirs.push(stateDir);
  const main = openWorkshopStore(stateDir, 'main');
  main.create(workshop);
  main.close();

  const bench = openWorkshopStore(stateDir, 'bench');
  expect(bench.workshops()).toEqual([]);
  bench.close();

  const reopened = openWorkshopStore(stateDir, 'main');
  expect(reopened.workshops()).toEqual([workshop]);
  reopened.close();
});

test('a sandbox extension is kept, raised and forgotten by container', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'slipway-store-'));
  dirs.push(stateDir);
  const first = openWorkshopStore(stateDir, 'main');
  first.extensions.set('c1', 60_000);
  first.extensions.set('c1', 120_000);
  first.extensions.set('c2', 60_000);
  first.close();

  const reopened = openWorkshopStore(stateDir, 'main');
  expect(reopened.extensions.all()).toEqual(new Map([['c1', 120_000], ['c2', 60_000]]));
  reopened.extensions.forget('c2');
  expect(reopened.extensions.all()).toEqual(new Map([['c1', 120_000]]));
  reopened.close();
});
