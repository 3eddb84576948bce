/**
 * The built web app as browsers get it: compressed copies made at build time, hashed assets
 * cached for good, the page revalidated every time.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from '../setup/precompress';
import { idleManager, startTestApp, testWebRoot, type TestApp } from '../testing/http-app';

const readBytes = (dir: string, name: string) => readFileSync(path.join(dir, name));

const script = `console.log(${JSON.stringify('slipway '.repeat(2000))});\n`;
let app: TestApp;

beforeAll(async () => {
  const webRoot = testWebRoot();
  mkdirSync(path.join(webRoot, 'assets'));
  writeFileSync(path.join(webRoot, 'assets', 'index-AbC123.js'), script);
  precompress(webRoot);
  app = await startTestApp({}, [], idleManager(), { webRoot });
});
afterAll(() => app.close());

const get = (pathname: string, encoding: string) => fetch(`${app.base}${pathname}`, { headers: { 'Accept-Encoding': encoding } });

describe('static assets', () => {
  it('sends the brotli copy to a browser that takes it, gzip to one that takes only gzip', async () => {
    const brotli = await get('/assets/index-AbC123.js', 'gzip, deflate, br');
    expect(brotli.headers.get('content-encoding')).toBe('br');
    // fetch decodes the body itself; the raw size is what travelled.
    expect(Number(brotli.headers.get('content-length'))).toBeLessThan(script.length / 10);
    expect(await brotli.text()).toBe(script);
    const gzip = await get('/assets/index-AbC123.js', 'gzip');
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(await gzip.text()).toBe(script);
    const plain = await get('/assets/index-AbC123.js', 'identity');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(script);
  });

  it('makes copies that decompress to the original, and none of files already compressed (images)', () => {
    const webRoot = testWebRoot();
    writeFileSync(path.join(webRoot, 'app.js'), script);
    writeFileSync(path.join(webRoot, 'photo.png'), Buffer.alloc(64));
    precompress(webRoot);
    expect(brotliDecompressSync(readBytes(webRoot, 'app.js.br')).toString()).toBe(script);
    expect(gunzipSync(readBytes(webRoot, 'app.js.gz')).toString()).toBe(script);
    expect(() => readBytes(webRoot, 'photo.png.br')).toThrow();
  });

  it('lets browsers keep hashed assets for good and revalidate the page', async () => {
    const asset = await get('/assets/index-AbC123.js', 'br');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/index.html', '/lessons/some-lesson']) {
      const response = await get(page, 'br');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('etag')).toBeTruthy();
    }
  });
});
