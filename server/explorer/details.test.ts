import { describe, expect, it } from 'vitest';
import { formatSize } from '../protocol';
import { detailsOf, missingDetails } from './details';

const value = (details: ReturnType<typeof detailsOf>, label: string) => details.fields.find((f) => f.label === label)?.value;

describe('details', () => {
  it('summarizes a container before its raw JSON', () => {
    const inspect = {
      Id: 'a'.repeat(64),
      Name: '/web',
      State: { Status: 'running', StartedAt: '2026-01-01T00:00:00Z' },
      Config: { Image: 'nginx', Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx', '-g', 'daemon off;'], Env: ['A=1'] },
      HostConfig: { RestartPolicy: { Name: 'no' } },
      NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }], '443/tcp': null }, Networks: { app: { IPAddress: '172.18.0.2' } } },
      Mounts: [{ Type: 'volume', Name: 'data', Destination: '/data', RW: false }],
    };
    const details = detailsOf('node1', 'container', 'aaaaaaaaaaaa', inspect, 'en');
    expect(details.title).toBe('container web');
    expect(value(details, 'Status')).toBe('running');
    expect(value(details, 'Command')).toBe('/docker-entrypoint.sh nginx -g "daemon off;"');
    expect(value(details, 'Ports')).toBe('8080 → 80/tcp, 443/tcp (not published)');
    expect(value(details, 'Networks')).toBe('app (172.18.0.2)');
    expect(value(details, 'Mounts')).toBe('volume data → /data (read-only)');
    expect(value(details, 'Restart')).toBeUndefined();
    expect(details.raw).toContain('"Name": "/web"');
    const zh = detailsOf('node1', 'container', 'aaaaaaaaaaaa', inspect, 'zh');
    expect(zh.title).toBe('容器 web');
    expect(zh.fields.map(({ label, value }) => `${label}: ${value}`)).toEqual([
      '状态: running',
      '镜像: nginx',
      '命令: /docker-entrypoint.sh nginx -g "daemon off;"',
      '启动时间: 2026-01-01T00:00:00Z',
      '端口: 8080 → 80/tcp、443/tcp（未发布）',
      '网络: app (172.18.0.2)',
      '挂载: 分卷 data → /data（只读）',
      '环境变量: 1 个变量',
      'ID: aaaaaaaaaaaa',
    ]);
  });

  it('summarizes networks and volumes, and says when an object is gone', () => {
    const inspect = {
      Id: 'b'.repeat(64),
      Name: 'app',
      Driver: 'bridge',
      IPAM: { Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
      Containers: { x: { Name: 'web', IPv4Address: '172.18.0.2/16' } },
    };
    const network = detailsOf('node1', 'network', 'n', inspect, 'en');
    expect(value(network, 'Subnet')).toBe('172.18.0.0/16 (gateway 172.18.0.1)');
    expect(value(network, 'Containers')).toBe('web (172.18.0.2/16)');
    expect(value(detailsOf('node1', 'network', 'n', inspect, 'zh'), '子网')).toBe('172.18.0.0/16（网关 172.18.0.1）');
    expect(value(detailsOf('node1', 'volume', 'data', { Name: 'data', Driver: 'local' }, 'en', ['web']), 'Used by')).toBe('web');
    expect(value(detailsOf('node1', 'volume', 'data', { Name: 'data', Driver: 'local' }, 'zh'), '使用者')).toBe('没有容器');
    expect(missingDetails('node1', 'container', 'x', 'en')).toMatchObject({ missing: true, title: 'container x', fields: [{ label: 'Gone', value: 'This container no longer exists.' }] });
    expect(missingDetails('node1', 'volume', 'x', 'zh')).toMatchObject({ title: '分卷 x', fields: [{ label: '已不存在', value: '这个分卷已不存在。' }] });
    expect(formatSize(187_000_000)).toBe('187 MB');
  });
});
