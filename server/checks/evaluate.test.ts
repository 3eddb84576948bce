import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromEngine } from '../engine-state/from-engine';
import { evaluateChecks, type Verdict } from './evaluate';
import { RAW_ENGINE } from '../engine-state/fixtures/engine-api';
import { probesFor } from './probes';
import { Check } from '../protocol/checks';
import type { Locale } from '../protocol/locale';
import { parseLesson, parseTranslation } from '../lessons/parse';
import type { CommandRecord } from './shell-integration';
import type { EngineSnapshot } from '../engine-state/snapshot';

const snapshot = snapshotFromEngine(RAW_ENGINE);
const EMPTY: EngineSnapshot = { containers: [], images: [], networks: [], volumes: [], swarm: { active: false, manager: false, nodes: [], services: [] } };

const record = (command: string, exitCode: number | null, node = 'node1'): CommandRecord => ({
  command,
  exitCode,
  startedAt: 1,
  finishedAt: exitCode === null ? null : 2,
  node,
});

/** Parses the check as a lesson would (defaults applied) and judges it alone. */
function judge(check: Record<string, unknown>, options: { engine?: EngineSnapshot; history?: CommandRecord[]; locale?: Locale } = {}): Verdict {
  return evaluateChecks([Check.parse(check)], { node1: options.engine ?? snapshot }, options.history ?? [], [], options.locale)[0]!;
}

const reasonOf = (check: Record<string, unknown>, options?: Parameters<typeof judge>[1]) => {
  const verdict = judge(check, options);
  return `${verdict.passed ? 'pass' : 'fail'}: ${verdict.reason}`;
};

describe('command checks', () => {
  const history = [record('docker ps', 0), record('docker run  nginx', 125), record('docker  \\\n  images', 0)];

  it('match literally or by regex, on normalized whitespace', () => {
    expect(reasonOf({ type: 'command', contains: 'docker images' }, { history })).toBe('pass: you ran `docker images`');
    expect(reasonOf({ type: 'command', matches: '^docker ps$' }, { history })).toBe('pass: you ran `docker ps`');
  });

  it('say what ran instead', () => {
    expect(reasonOf({ type: 'command', contains: 'docker version' }, { history })).toBe(
      'fail: you have not run a command containing `docker version` yet (the last one was `docker images`)',
    );
    expect(reasonOf({ type: 'command', contains: 'docker version' })).toBe('fail: you have not run any command yet');
  });

  it('report the exit code of a failed command', () => {
    expect(reasonOf({ type: 'command', contains: 'docker run', succeeded: true }, { history })).toBe(
      'fail: you ran `docker run nginx` but it exited with code 125',
    );
    expect(reasonOf({ type: 'command', contains: 'docker run', exitCode: 125 }, { history })).toBe('pass: you ran `docker run nginx`');
    expect(reasonOf({ type: 'command', contains: 'docker ps', succeeded: false }, { history })).toBe(
      'fail: you ran `docker ps` and it succeeded, but this step expects it to fail',
    );
    expect(reasonOf({ type: 'command', contains: 'logs', succeeded: true }, { history: [record('docker logs -f web', null)] })).toBe(
      'fail: `docker logs -f web` has not finished (no exit code was reported)',
    );
  });

  it('look only at the node they name', () => {
    expect(reasonOf({ type: 'command', contains: 'docker ps', node: 'node2' }, { history })).toBe(
      'fail: you have not run any command on node2 yet',
    );
    const both = [...history, record('docker swarm join --token x node1:2377', 0, 'node2')];
    expect(reasonOf({ type: 'command', contains: 'docker ps', node: 'node2' }, { history: both })).toBe(
      'fail: you have not run a command containing `docker ps` on node2 yet (the last one was `docker swarm join --token x node1:2377`)',
    );
    expect(reasonOf({ type: 'command', contains: 'swarm join' }, { history: both })).toBe(
      'fail: you have not run a command containing `swarm join` yet (the last one was `docker images`)',
    );
    expect(reasonOf({ type: 'command', contains: 'swarm join', node: 'node2' }, { history: both })).toBe(
      'pass: you ran `docker swarm join --token x node1:2377`',
    );
  });
});

describe('container checks', () => {
  it('pass when every expectation holds', () => {
    const verdict = judge({
      type: 'container',
      name: 'site',
      image: 'nginx:latest',
      status: 'running',
      ports: ['8080->80/tcp', '80'],
      networks: ['bridge'],
      mounts: ['sitedata->/data'],
      env: ['MODE=prod', 'NGINX_VERSION'],
      labels: { tier: 'web' },
      restartPolicy: 'unless-stopped',
    });
    expect(verdict).toMatchObject({ passed: true, reason: 'container site is running' });
  });

  it('list the containers there are when the name is wrong', () => {
    expect(reasonOf({ type: 'container', name: 'web' })).toBe('fail: no container named web: there are 2 containers: site, eager_turing');
    expect(reasonOf({ type: 'container', name: 'web' }, { engine: EMPTY })).toBe('fail: no container named web: there are no containers at all');
  });

  it('say what is wrong with a container', () => {
    expect(reasonOf({ type: 'container', name: 'site', ports: ['8081->80/tcp'] })).toBe(
      'fail: container site is running but publishes 8080->80/tcp, not 8081->80/tcp',
    );
    expect(reasonOf({ type: 'container', name: 'site', ports: ['8080->443/tcp'] })).toBe(
      'fail: container site is running but forwards port 8080 to 80/tcp, not 443/tcp',
    );
    expect(reasonOf({ type: 'container', name: 'eager_turing', ports: ['8080->80'] })).toBe(
      'fail: container eager_turing is exited (code 0) but publishes no port 8080',
    );
    expect(reasonOf({ type: 'container', name: 'eager_turing', status: 'running' })).toBe(
      'fail: container eager_turing is exited (code 0), not running',
    );
    expect(reasonOf({ type: 'container', name: 'site', exitCode: 0 })).toBe(
      'fail: container site is running but has not exited, so it has no exit code yet',
    );
    expect(reasonOf({ type: 'container', name: 'site', image: 'redis', mounts: ['/srv->/data', '/logs'], env: ['MODE=dev', 'DEBUG'] })).toBe(
      'fail: container site is running but runs image nginx, not redis, and mounts volume sitedata at /data, not the directory /srv, and mounts nothing at /logs, and has MODE=prod, not MODE=dev, and has no environment variable DEBUG',
    );
    expect(reasonOf({ type: 'container', name: 'site', restartPolicy: 'always', labels: { tier: 'db' }, networks: ['appnet'] })).toBe(
      'fail: container site is running but is not attached to network appnet (only to bridge), and has label tier=web, not tier=db, and has restart policy "unless-stopped", not "always"',
    );
  });

  it('select by image when there is no name', () => {
    expect(reasonOf({ type: 'container', image: 'hello-world', status: 'exited', exitCode: 0 })).toBe(
      'pass: container eager_turing is exited (code 0)',
    );
    expect(reasonOf({ type: 'container', image: 'redis' })).toBe(
      'fail: no container from image redis: there are 2 containers: site, eager_turing',
    );
  });

  it('expect absence', () => {
    expect(reasonOf({ type: 'container', name: 'web', exists: false })).toBe('pass: there is no container named web');
    expect(reasonOf({ type: 'container', name: 'site', exists: false })).toBe('fail: container site still exists (it is running)');
  });
});

describe('image, network and volume checks', () => {
  it('judge images by normalized reference, labels, layers and size', () => {
    expect(reasonOf({ type: 'image', ref: 'docker.io/library/nginx' })).toBe('pass: image nginx:latest is there');
    expect(reasonOf({ type: 'image', ref: 'nginx:1.27' })).toBe('fail: there is no image nginx:1.27, only nginx:latest');
    expect(reasonOf({ type: 'image', ref: 'redis' }, { engine: EMPTY })).toBe('fail: there is no image redis:latest: there are no images at all');
    expect(reasonOf({ type: 'image', ref: 'nginx', layers: { max: 5 }, size: { max: '100m' } })).toBe(
      'fail: image nginx:latest has 7 layers, more than 5, and is 182.8 MB, larger than 100.0 MB',
    );
    expect(reasonOf({ type: 'image', ref: 'hello-world', layers: { max: 5 } })).toBe('fail: image hello-world:latest its layer count is unknown');
    expect(reasonOf({ type: 'image', ref: 'hello-world', exists: false })).toBe('fail: image hello-world:latest is still there');
  });

  it('judge networks and volumes', () => {
    expect(reasonOf({ type: 'network', name: 'bridge', driver: 'bridge', containers: ['site'] })).toBe('pass: network bridge is there');
    expect(reasonOf({ type: 'network', name: 'host', containers: ['site'] })).toBe(
      'fail: network host has no container site attached (no container is attached)',
    );
    expect(reasonOf({ type: 'network', name: 'backend' })).toBe('fail: there is no network backend: the networks are bridge, host, none, appnet');
    expect(reasonOf({ type: 'volume', name: 'sitedata', usedBy: ['site'] })).toBe('pass: volume sitedata is there');
    expect(reasonOf({ type: 'volume', name: 'unused', usedBy: ['site'] })).toBe('fail: volume unused is not mounted by site (no container uses it)');
    expect(reasonOf({ type: 'volume', name: 'db' })).toBe('fail: there is no volume db: the volumes are sitedata, unused');
  });
});

describe('swarm checks', () => {
  it('judge the swarm, its nodes and services', () => {
    expect(reasonOf({ type: 'swarm', managers: 1, workers: 1 })).toBe('pass: the swarm has the expected nodes');
    expect(reasonOf({ type: 'swarm', workers: 2 })).toBe('fail: the swarm has 1 ready workers, not 2');
    expect(reasonOf({ type: 'swarm' }, { engine: EMPTY })).toBe('fail: node1 is not part of a swarm');
    expect(reasonOf({ type: 'node', name: 'node2', role: 'manager' })).toBe('fail: swarm node node2 is a worker, not a manager');
    expect(reasonOf({ type: 'node', name: 'node3' })).toBe('fail: node3 has not joined the swarm: its nodes are node1, node2');
    // node2 left as a worker and joined again as a manager: the swarm still lists its old, down entry first.
    const rejoined: EngineSnapshot = {
      ...snapshot,
      swarm: {
        ...snapshot.swarm,
        nodes: [
          { id: 'old', hostname: 'node2', role: 'worker', availability: 'active', state: 'down', leader: false },
          { id: 'new', hostname: 'node2', role: 'manager', availability: 'active', state: 'ready', leader: false },
        ],
      },
    };
    expect(reasonOf({ type: 'node', name: 'node2', role: 'manager', state: 'ready' }, { engine: rejoined })).toBe('pass: swarm node node2 is as expected');
    expect(
      reasonOf({ type: 'service', name: 'search', image: 'nginx', mode: 'replicated', ports: ['9200->80/tcp'], networks: ['appnet'], update: { parallelism: 2, delay: '5s' } }),
    ).toBe('pass: service search is as expected');
    expect(reasonOf({ type: 'service', name: 'search', replicas: 3, update: { delay: '10s' } })).toBe(
      'fail: service search has 2 running replicas, not 3, and waits 5s between updates, not 10s',
    );
    expect(reasonOf({ type: 'service', name: 'search', update: { state: 'completed' } })).toBe(
      'fail: service search has its last update paused ("update paused due to failure or early termination of task t3"), not completed',
    );
    expect(reasonOf({ type: 'service', name: 'search', update: { state: 'paused' } })).toBe('pass: service search is as expected');
  });

  it('fail clearly when the node is missing', () => {
    const checks = [Check.parse({ type: 'swarm', node: 'node2' }), Check.parse({ type: 'script', node: 'node2', run: 'true' })];
    const verdicts = evaluateChecks(checks, { node1: snapshot }, []);
    expect(verdicts.map(({ passed, reason, needs }) => ({ passed, reason, needs }))).toEqual([
      { passed: false, reason: 'node2 is not running yet, so nothing can be checked there', needs: undefined },
      { passed: false, reason: 'node2 is not running yet, so nothing can be checked there', needs: undefined },
    ]);
  });
});

describe('probe checks', () => {
  const checks = [
    Check.parse({ type: 'container', name: 'site' }),
    Check.parse({ type: 'file', container: 'site', path: '/usr/share/nginx/html/hello.txt', contains: 'hello' }),
    Check.parse({ type: 'script', run: 'test -f /tmp/done || { echo "create /tmp/done first"; exit 1; }', node: 'node1' }),
  ];

  it('ask for probes until their results come', () => {
    expect(probesFor(checks)).toEqual([
      { kind: 'file', id: 'check-1', node: 'node1', path: '/usr/share/nginx/html/hello.txt', container: 'site', maxBytes: 65536 },
      { kind: 'script', id: 'check-2', node: 'node1', script: checks[2]!.type === 'script' ? checks[2]!.run : '', timeoutMs: 10_000 },
    ]);
    const verdicts = evaluateChecks(checks, { node1: snapshot }, []);
    expect(verdicts.map((verdict) => [verdict.passed, verdict.reason, verdict.needs?.id])).toEqual([
      [true, 'container site is running', undefined],
      [false, 'not checked yet', 'check-1'],
      [false, 'not checked yet', 'check-2'],
    ]);
  });

  it('judge the results', () => {
    const verdicts = evaluateChecks(checks, { node1: snapshot }, [], [
      { kind: 'file', id: 'check-1', exists: true, content: 'hi there\n' },
      { kind: 'script', id: 'check-2', exitCode: 1, output: 'create /tmp/done first\n' },
    ]);
    expect(verdicts.map((verdict) => verdict.reason)).toEqual([
      'container site is running',
      '/usr/share/nginx/html/hello.txt in container site does not contain "hello"',
      'create /tmp/done first',
    ]);
    const passing = evaluateChecks(checks, { node1: snapshot }, [], [
      { kind: 'file', id: 'check-1', exists: true, content: 'hello from site\n' },
      { kind: 'script', id: 'check-2', exitCode: 0, output: '' },
    ]);
    expect(passing.every((verdict) => verdict.passed)).toBe(true);
  });
});

describe('titles', () => {
  it('are derived when a check has none', () => {
    expect(judge({ type: 'container', name: 'site', status: 'running', ports: ['8080->80'] }).title).toBe(
      'Container site is running and publishes 8080->80',
    );
    expect(judge({ type: 'command', contains: 'docker ps', succeeded: true }).title).toBe('Run `docker ps` successfully');
    expect(judge({ type: 'volume', name: 'v', title: 'Create the volume' }).title).toBe('Create the volume');
  });
});

describe('in Chinese', () => {
  const zh = (check: Record<string, unknown>, options: Parameters<typeof judge>[1] = {}) => reasonOf(check, { ...options, locale: 'zh' });
  const history = [record('docker ps', 0), record('docker run  nginx', 125), record('docker  \\\n  images', 0)];

  it('word command reasons', () => {
    expect(zh({ type: 'command', contains: 'docker images' }, { history })).toBe('pass: 你运行了 `docker images`');
    expect(zh({ type: 'command', contains: 'docker version' }, { history })).toBe(
      'fail: 你还没有运行过包含 `docker version` 的命令（最近运行的是 `docker images`）',
    );
    expect(zh({ type: 'command', contains: 'docker ps', node: 'node2' })).toBe('fail: 你还没有在 node2 上运行过任何命令');
    expect(zh({ type: 'command', contains: 'docker run', exitCode: 3 }, { history })).toBe('fail: 你运行了 `docker run nginx`，但它的退出码是 125，而不是 3');
    expect(zh({ type: 'command', contains: 'docker ps', succeeded: false }, { history })).toBe('fail: 你运行了 `docker ps`，它成功了，但这一步要求它失败');
  });

  it('word container reasons, one clause a problem', () => {
    expect(zh({ type: 'container', name: 'web' })).toBe('fail: 没有名为 web 的容器；现有 2 个容器：site、eager_turing');
    expect(zh({ type: 'container', name: 'eager_turing', status: 'running', ports: ['8080->80'] })).toBe(
      'fail: 容器 eager_turing 的状态是 exited（退出码 0），而不是 running；此外，它没有发布端口 8080',
    );
    expect(zh({ type: 'container', name: 'site', image: 'redis', mounts: ['/srv->/data', '/logs'], env: ['MODE=dev', 'DEBUG'] })).toBe(
      'fail: 容器 site 的状态是 running，但它运行的镜像是 nginx，而不是 redis；它在 /data 挂载的是分卷 sitedata，而不是目录 /srv；它在 /logs 没有挂载任何东西；它设置的是 MODE=prod，而不是 MODE=dev；它没有环境变量 DEBUG',
    );
    expect(zh({ type: 'container', name: 'site', exists: false })).toBe('fail: 容器 site 仍然存在（状态为 running）');
    expect(zh({ type: 'container', name: 'site', restartPolicy: 'always', labels: { tier: 'db' } })).toBe(
      'fail: 容器 site 的状态是 running，但它带有 label tier=web，而不是 tier=db；它使用的重启策略是 "unless-stopped"，而不是 "always"',
    );
  });

  it('word image, network, volume, swarm and service reasons', () => {
    expect(zh({ type: 'image', ref: 'nginx', layers: { max: 5 }, size: { max: '100m' } })).toBe(
      'fail: 镜像 nginx:latest 有 7 层，超过了 5 层；它的大小为 182.8 MB，超过了 100.0 MB',
    );
    expect(zh({ type: 'image', ref: 'redis' }, { engine: EMPTY })).toBe('fail: 没有镜像 redis:latest：一个镜像都没有');
    expect(zh({ type: 'network', name: 'bridge', driver: 'overlay', containers: ['web'] })).toBe(
      'fail: 网络 bridge 使用的驱动是 bridge，而不是 overlay；它没有连接容器 web（只连接了 site、eager_turing）',
    );
    expect(zh({ type: 'volume', name: 'sitedata', usedBy: ['web'] })).toBe('fail: web 没有挂载分卷 sitedata（使用它的是 site）');
    expect(zh({ type: 'swarm' }, { engine: EMPTY })).toBe('fail: node1 没有加入 swarm 集群');
    expect(zh({ type: 'node', name: 'node2', role: 'manager', leader: true })).toBe('fail: swarm 节点 node2 是工作节点，而不是管理节点；它不是领导者（leader）');
    expect(zh({ type: 'service', name: 'search', replicas: 3, update: { delay: '10s' } })).toBe(
      'fail: 服务 search 有 2 个正在运行的副本，而不是 3 个；它的更新间隔是 5 秒，而不是 10 秒',
    );
  });

  it('word probes and nodes that are not running', () => {
    const checks = [
      Check.parse({ type: 'file', container: 'site', path: '/usr/share/nginx/html/hello.txt', contains: 'hello' }),
      Check.parse({ type: 'script', run: 'sleep 60' }),
      Check.parse({ type: 'script', run: 'false', reason: '还没有创建 /tmp/done：先运行 touch /tmp/done。' }),
      Check.parse({ type: 'swarm', node: 'node2' }),
    ];
    expect(evaluateChecks(checks, { node1: snapshot }, [], [], 'zh').map((verdict) => verdict.reason)).toEqual([
      '还没有检查',
      '还没有检查',
      '还没有检查',
      'node2 还没有运行，所以还不能在那里检查任何东西',
    ]);
    const results = [
      { kind: 'file', id: 'check-0', exists: true, content: 'hi there\n' },
      { kind: 'script', id: 'check-1', exitCode: null, output: '' },
      { kind: 'script', id: 'check-2', exitCode: 1, output: 'create /tmp/done first' },
    ] as const;
    expect(evaluateChecks(checks, { node1: snapshot }, [], results, 'zh').map((verdict) => verdict.reason)).toEqual([
      '容器 site 中的 /usr/share/nginx/html/hello.txt 不包含 "hello"',
      '检查没有在 10 秒内完成',
      // A script check's own reason stands for its output.
      '还没有创建 /tmp/done：先运行 touch /tmp/done。',
      'node2 还没有运行，所以还不能在那里检查任何东西',
    ]);
  });

  it('derive titles in Chinese, and take a translated lesson’s titles and script reasons as they are', () => {
    expect(judge({ type: 'container', name: 'site', status: 'running', ports: ['8080->80'] }, { locale: 'zh' }).title).toBe(
      '容器 site：处于 running 状态，发布了端口 8080->80',
    );
    expect(judge({ type: 'command', contains: 'docker ps', succeeded: true }, { locale: 'zh' }).title).toBe('成功运行 `docker ps`');

    const lessons = path.resolve(import.meta.dirname, '../../lessons');
    const read = (name: string) => readFileSync(path.join(lessons, name), 'utf8');
    const original = parseLesson(read('09-tags-and-digests.md'), '09-tags-and-digests.md');
    if (!original.ok) throw new Error(JSON.stringify(original.issues));
    const translated = parseTranslation(read('09-tags-and-digests.zh.md'), '09-tags-and-digests.zh.md', original.value);
    if (!translated.ok) throw new Error(JSON.stringify(translated.issues));
    const { checks } = translated.value.steps.find((step) => step.id === 'mutable-tag')!;
    const failing = [{ kind: 'script', id: 'check-0', exitCode: 1, output: 'myapp:stable does not print version 2' }] as const;
    const verdicts = evaluateChecks(checks, { node1: snapshot }, [record('docker images', 0)], failing, 'zh');
    expect(verdicts.map(({ title, passed, reason }) => ({ title, passed, reason }))).toEqual([
      { title: 'myapp:stable 现在打印 version 2', passed: false, reason: 'myapp:stable 没有打印 version 2：用同一个标签 myapp:stable 再构建一次 version 2 的内容。' },
      { title: '运行 myapp:stable', passed: false, reason: expect.stringMatching(/^你还没有运行过匹配 \/.+\/ 的命令（最近运行的是 `docker images`）$/) },
    ]);
    // The original, judged in English, shows the script's own output.
    const english = evaluateChecks(original.value.steps.find((step) => step.id === 'mutable-tag')!.checks, { node1: snapshot }, [], failing, 'en');
    expect(english[0]).toMatchObject({ title: 'myapp:stable now prints version 2', reason: 'myapp:stable does not print version 2' });
  });
});
