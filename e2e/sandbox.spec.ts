/**
 * The foundation, end to end: a real sandbox per learner in a real browser terminal.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../server/config';
import { connectEngine } from '../server/engine/connect';
import { LABELS } from '../server/sandbox/spec';
import { expect, test } from './support/fixtures';
import { E2E_INSTANCE, removeInstance } from './support/global-setup';
import { startSlipway } from './support/server';
import { openSandbox, run, screenText, waitForScreen } from './support/terminal';

test('a learner gets a prompt, runs hello-world offline, and keeps the shell across a refresh', async ({ slipway, newLearner }) => {
  const context = await newLearner();
  const page = await context.newPage();
  await openSandbox(page, slipway.url);

  // Only the lines that matter, so they fit on the screen whatever its height (font, layout).
  await run(page, 'docker run hello-world 2>&1 | grep -E "^(Unable to find|.*Pulling from|Hello from)"', 'Hello from Docker!', 90_000);
  const afterHello = await screenText(page);
  expect(afterHello).toContain("Unable to find image 'hello-world:latest' locally");
  expect(afterHello).toMatch(/Pulling from library\/hello-world/);

  await run(page, 'clear; docker run -d --name web nginx');
  await run(page, 'export SLIPWAY_MARK=kept-$((40+2)); docker ps --format "ps:{{.Names}}:{{.Image}}"', 'ps:web:nginx');

  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready');
  // The replay shows what was on the screen before, exactly once.
  const replayed = await waitForScreen(page, 'ps:web:nginx');
  expect(replayed.match(/ps:web:nginx/g)).toHaveLength(1);
  // The same shell: its variables and the learner's container are still there.
  await run(page, 'clear; echo "mark=$SLIPWAY_MARK"; docker ps --format "again:{{.Names}}"', /again:web/);
  expect(await screenText(page)).toContain('mark=kept-42');
});

test('Ctrl-C stops a flood at once: what was queued behind it is skipped, and the page says how much', async ({ slipway, newLearner }) => {
  const page = await (await newLearner()).newPage();
  await openSandbox(page, slipway.url);
  await run(page, 'clear');
  await page.getByTestId('terminal').click();
  await page.keyboard.type('yes flood-line\n');
  // The page renders slower than the engine streams: the flow-control window is full.
  await waitForScreen(page, /(flood-line\n){5}/);
  await page.keyboard.press('Control+C');
  await waitForScreen(page, /of output skipped after Ctrl-C\]\s*\n\s*root@node1:[^\n]*#/, 30_000);
  // The shell is fine and the flood is over: nothing of it comes after a clear.
  await run(page, 'clear; echo after-$((40+2))', 'after-42');
  expect(await screenText(page)).not.toContain('flood-line');
});

test('two learners get two sandboxes that cannot see or reach each other', async ({ slipway, newLearner }) => {
  const [alice, bob] = [await newLearner(), await newLearner()];
  const a = await alice.newPage();
  const b = await bob.newPage();
  await openSandbox(a, slipway.url);
  await openSandbox(b, slipway.url);

  await run(a, 'docker run -d --name alices-secret busybox sleep 600', undefined, 90_000);
  await run(a, 'clear; echo "ip=$(hostname -i | cut -d" " -f1)"', /ip=\d+\.\d+\.\d+\.\d+/);
  const aliceIp = /ip=(\d+\.\d+\.\d+\.\d+)/.exec(await screenText(a))![1]!;

  await run(b, 'clear; docker ps -a --format "seen:{{.Names}}"; echo "count=$(docker ps -aq | wc -l)"', /count=\d+/);
  const bobScreen = await screenText(b);
  expect(bobScreen).not.toContain('alices-secret');
  expect(bobScreen).toContain('count=0');

  await run(b, `clear; ping -c 1 -W 2 ${aliceIp} >/dev/null 2>&1 && echo reach=yes || echo reach=no`, /reach=(yes|no)/);
  expect(await screenText(b)).toContain('reach=no');
});

test('a sandbox cannot reach the host engine, Slipway files, or the host disks', async ({ slipway, newLearner }) => {
  const context = await newLearner();
  const page = await context.newPage();
  await openSandbox(page, slipway.url);

  // The only engine a learner talks to is their own, named after their node.
  await run(page, 'clear; docker info --format "engine={{.Name}}"', 'engine=node1');
  // Nothing of the host's engine or of Slipway's own files is mounted in.
  const hostPaths = [process.cwd(), `${process.cwd()}/.slipway`, '/run/docker.sock.host'];
  await run(page, `clear; for p in ${hostPaths.join(' ')}; do test -e "$p" && echo "visible:$p"; done; echo checked=paths`, 'checked=paths');
  expect(await screenText(page)).not.toContain('visible:');
  // No mount point inside the sandbox is an engine socket or a folder of the host's.
  await run(page, `clear; awk '{print $2}' /proc/mounts | grep -c -E 'docker\\.sock$|^${process.cwd()}' ; echo checked=mounts`, 'checked=mounts');
  expect(await screenText(page)).toMatch(/^0$/m);

  // The host's first disk, by its numbers in /proc/partitions: creating a node for it is
  // allowed (CAP_MKNOD), but opening it is refused by the device cgroup.
  await run(
    page,
    'clear; set -- $(awk \'NR>2 {print $1, $2; exit}\' /proc/partitions); mknod /tmp/hostdisk b "$1" "$2"; ' +
      'head -c 512 /tmp/hostdisk >/dev/null 2>&1 && echo disk=readable || echo disk=refused',
    /disk=(readable|refused)/,
  );
  expect(await screenText(page)).toContain('disk=refused');

  // The shared catalog can be pulled from but not pushed to, so nobody can change what
  // other learners pull.
  await run(
    page,
    'clear; docker pull -q busybox >/dev/null && docker tag busybox catalog.slipway:5000/library/busybox:latest && ' +
      'docker push catalog.slipway:5000/library/busybox:latest >/dev/null 2>&1 && echo push=accepted || echo push=refused',
    /push=(accepted|refused)/,
    90_000,
  );
  expect(await screenText(page)).toContain('push=refused');
});

test('a dockerd that dies is started again, one stopped on purpose stays stopped', async ({ slipway, newLearner }) => {
  const page = await (await newLearner()).newPage();
  await openSandbox(page, slipway.url);
  // Once it answers: a dockerd killed during its first start fails that start, as a unit that
  // fails to start does under systemd, and nothing restarts it (see slipway-dockerd).
  await run(page, 'until docker info >/dev/null 2>&1; do sleep 0.2; done', undefined, 60_000);
  await run(page, 'clear; echo "first=$(cat /var/run/docker.pid)"; kill -KILL $(cat /var/run/docker.pid)', /first=\d+/);
  const first = /first=(\d+)/.exec(await screenText(page))![1];
  // The supervisor starts it again within seconds; polled from the learner's side, as a learner would.
  await run(page, 'clear; until docker info >/dev/null 2>&1; do sleep 0.2; done; echo "again=$(cat /var/run/docker.pid) restarts=$(grep -c "starting it again" /var/log/dockerd.log)"', /restarts=\d+/, 60_000);
  const again = await screenText(page);
  expect(/again=(\d+)/.exec(again)![1]).not.toBe(first);
  expect(again).toContain('restarts=1');
  // `systemctl stop docker` tells the supervisor dockerd should not run: two of its ticks later
  // dockerd is still stopped.
  const ticks = 't=$(cat /run/slipway-dockerd.ticks); until [ "$(cat /run/slipway-dockerd.ticks)" -ge $((t + 2)) ]; do sleep 0.2; done';
  await run(page, `clear; systemctl stop docker && ${ticks}; echo "state=$(systemctl is-active docker) restarts=$(grep -c "starting it again" /var/log/dockerd.log)"`, /restarts=\d+/, 60_000);
  const stopped = await screenText(page);
  expect(stopped).toContain('state=inactive');
  expect(stopped).toContain('restarts=1');
  await run(page, 'clear; systemctl start docker && docker info --format "engine={{.Name}}"', 'engine=node1', 60_000);
});

test('a page handed a pooled sandbox gets the shell started in it ahead, and commands in it are checked', async ({ newLearner }) => {
  const instance = `${E2E_INSTANCE}-warm`;
  const { docker } = await connectEngine(loadConfig().engine);
  await removeInstance(docker, instance);
  const server = await startSlipway({ SLIPWAY_INSTANCE: instance, SLIPWAY_POOL_SIZE: '1' });
  try {
    // From the host: the pooled sandbox's processes, and which of them is a shell started for
    // a learner (its environment carries the shell-integration secret).
    const parked = async () => {
      const [pooled] = await docker.listContainers({ filters: { label: [`${LABELS.instance}=${instance}`], name: ['slipway-pool-'] } });
      if (!pooled) return undefined;
      const { Processes } = (await docker.getContainer(pooled.Id).top({ ps_args: '-o pid' })) as { Processes: string[][] | null };
      const shells = (Processes ?? []).map(([pid]) => pid!).filter((pid) => environment(pid).some((entry) => entry.startsWith('SLIPWAY_NONCE=')));
      return shells.length === 1 ? { container: pooled.Id, pidInSandbox: namespacedPid(shells[0]!) } : undefined;
    };
    await expect.poll(parked, { timeout: 120_000 }).toBeDefined();
    const ahead = (await parked())!;

    const page = await (await newLearner()).newPage();
    await openSandbox(page, server.url);
    await run(page, 'clear; echo "shell-pid=$$"', /shell-pid=\d+/);
    expect(/shell-pid=(\d+)/.exec(await screenText(page))![1]).toBe(ahead.pidInSandbox);
    const mine = await docker.listContainers({ filters: { label: [`${LABELS.instance}=${instance}`], name: ['slipway-l-'] } });
    expect(mine.map((info) => info.Id)).toEqual([ahead.container]);
    // Its reports carry the secret it was started with: the diff line names what the command made.
    await run(page, 'docker run -d --name warm-check busybox sleep 600', undefined, 90_000);
    await expect(page.getByTestId('command-diff')).toContainText('+ container warm-check', { timeout: 30_000 });
  } finally {
    await server.stop();
    await removeInstance(docker, instance);
  }
});

test("a terminal whose code arrives after its shell attached shows what the shell sent meanwhile, once; one whose code never arrives says so", async ({ slipway, newLearner }) => {
  const XTERM_CHUNK = /\/assets\/xterm-[^/]+\.js$/;
  const learner = await newLearner();
  const page = await learner.newPage();
  await openSandbox(page, slipway.url);
  await run(page, 'clear; echo marker-$((40+2))', 'marker-42');
  // On the reload, xterm's chunk is held back until the sandbox is ready and the screen's
  // replay has come (routing also keeps the chunk out of the browser's cache).
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await learner.route(XTERM_CHUNK, async (route) => {
    await released;
    await route.continue();
  });
  let outputFrames = 0;
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => void (typeof payload !== 'string' && outputFrames++)));
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await expect.poll(() => outputFrames, { timeout: 60_000, message: 'the replay' }).toBeGreaterThan(0);
  // The page is drawn and its lesson panel works without the terminal's code.
  await expect(page.locator('.xterm')).toHaveCount(0);
  await expect(page.getByRole('heading').first()).toBeVisible();
  release();
  // The replay (the shell would redraw only its prompt on the terminal's resize).
  const screen = await waitForScreen(page, 'marker-42');
  expect(screen.match(/marker-42/g)).toHaveLength(1);
  await run(page, 'echo late-$((40+2))', 'late-42');

  const never = await newLearner();
  let attempts = 0;
  await never.route(XTERM_CHUNK, (route) => {
    attempts++;
    return route.abort('failed');
  });
  const broken = await never.newPage();
  await broken.goto(slipway.url);
  await expect(broken.getByRole('alert').filter({ hasText: 'The terminal could not be loaded' })).toBeVisible({ timeout: 30_000 });
  // The modulepreload, the import and its three retries.
  expect(attempts).toBeGreaterThanOrEqual(4);
  await expect(broken.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
});

/** A host process's environment (the host's root reads any). */
function environment(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** A host process's pid in its own (the sandbox's) pid namespace: the last of its NSpid line. */
function namespacedPid(pid: string): string | undefined {
  return /^NSpid:\s+(.+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/).pop();
}
