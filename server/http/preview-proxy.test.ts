import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { forwardHeaders, notListeningPage, parsePreviewUrl, rewriteLocation, withoutLearnerCookie } from './preview-proxy';

describe('preview paths', () => {
  it('parses node, port and the path on the app', () => {
    expect(parsePreviewUrl('/preview/node1/8080/')).toEqual({ node: 'node1', port: 8080, path: '/', prefix: '/preview/node1/8080' });
    expect(parsePreviewUrl('/preview/node1/8080/a/b?c=1')).toMatchObject({ path: '/a/b?c=1' });
    expect(parsePreviewUrl('/preview/node1/8080')).toMatchObject({ path: '/' });
    expect(parsePreviewUrl('/preview/node1/0/')).toBeNull();
    expect(parsePreviewUrl('/preview/node1/70000/')).toBeNull();
    expect(parsePreviewUrl('/preview/../8080/')).toBeNull();
    expect(parsePreviewUrl('/previewx/node1/8080/')).toBeNull();
  });

  it('puts absolute redirects back under the prefix', () => {
    expect(rewriteLocation('/dir/', '/preview/node1/8080', 'localhost:3000')).toBe('/preview/node1/8080/dir/');
    expect(rewriteLocation('http://localhost:3000/dir/?a', '/preview/node1/8080', 'localhost:3000')).toBe('/preview/node1/8080/dir/?a');
    expect(rewriteLocation('https://example.com/', '/preview/node1/8080', 'localhost:3000')).toBe('https://example.com/');
    expect(rewriteLocation('next', '/preview/node1/8080', 'localhost:3000')).toBe('next');
  });
});

describe('forwarded headers', () => {
  it('keeps the learner cookie from the learner container', () => {
    expect(withoutLearnerCookie('slipway_learner=abc')).toBeUndefined();
    expect(withoutLearnerCookie('a=1; slipway_learner=abc; b=2')).toBe('a=1; b=2');
    expect(withoutLearnerCookie(undefined)).toBeUndefined();
  });

  it('drops hop-by-hop headers and says where the request came from', () => {
    const request = {
      headers: { host: 'slipway:8091', connection: 'keep-alive, x-secret', 'x-secret': '1', cookie: 'slipway_learner=t; theme=dark', accept: '*/*' },
      socket: { remoteAddress: '10.0.0.9' },
    } as unknown as IncomingMessage;
    const target = parsePreviewUrl('/preview/node1/8080/x')!;
    const headers = forwardHeaders(request, target, false);
    expect(headers).toMatchObject({
      host: 'slipway:8091',
      cookie: 'theme=dark',
      accept: '*/*',
      'x-forwarded-for': '10.0.0.9',
      'x-forwarded-host': 'slipway:8091',
      'x-forwarded-prefix': '/preview/node1/8080',
    });
    expect(headers).not.toHaveProperty('connection');
    expect(headers).not.toHaveProperty('x-secret');
    expect(forwardHeaders({ ...request, headers: { upgrade: 'websocket', connection: 'Upgrade' } } as unknown as IncomingMessage, target, true)).toMatchObject({
      connection: 'Upgrade',
      upgrade: 'websocket',
    });
  });

  it("explains a port that answers nothing, in the learner's language", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const english = notListeningPage(8080, refused, 'en');
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Nothing is listening on port 8080 in your sandbox yet (the connection was refused).');
    expect(english).toContain('<code>docker run -d -p 8080:80 nginx</code>');
    const chinese = notListeningPage(8080, refused, 'zh');
    expect(chinese).toContain('<html lang="zh-CN">');
    expect(chinese).toContain('你的沙箱里还没有程序监听端口 8080（连接被拒绝）。');
    expect(chinese).toContain('<code>docker ps</code>');
  });

  it("escapes an engine's own words in it", () => {
    const odd = Object.assign(new Error('<script>alert(1)</script>'), { code: 'EWHATEVER' });
    expect(notListeningPage(8080, odd, 'en')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
