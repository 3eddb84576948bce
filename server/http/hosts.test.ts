import { describe, expect, it } from 'vitest';
import { configuredHostPolicy, hostAllowed, hostName, machineHostNames, originAllowed } from './hosts';

const policy = configuredHostPolicy(
  { publicUrl: 'https://slipway.example', allowedHosts: ['workshop.lan'], allowedOrigins: ['https://proxy.example'] },
  ['localhost', 'box', '10.0.0.5', 'fe80::1'],
);

describe('hostName', () => {
  it('strips ports and brackets, and lowercases', () => {
    expect(hostName('Localhost:8080')).toBe('localhost');
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('10.0.0.5')).toBe('10.0.0.5');
    expect(hostName('example.com.')).toBe('example.com');
  });
  it('refuses what is not a host', () => {
    for (const bad of [undefined, '', 'a b', 'user@host', 'a/b', '[::1', 'host:port']) expect(hostName(bad)).toBeNull();
  });
});

describe('hostAllowed', () => {
  it('answers to loopback, the machine and configured names', () => {
    for (const host of ['localhost:8080', '127.0.0.1:8080', '127.8.9.10', '[::1]:8080', 'box', '10.0.0.5:8080', '[fe80::1]', 'slipway.example', 'workshop.lan:8080', 'app.localhost']) {
      expect(hostAllowed(host, policy), host).toBe(true);
    }
  });
  it('refuses a foreign name that resolves to Slipway (DNS rebinding)', () => {
    for (const host of ['evil.example:8080', 'evil.example', '127.0.0.1.evil.example', 'localhost.evil.example', undefined]) {
      expect(hostAllowed(host, policy), String(host)).toBe(false);
    }
  });
  it("knows the machine's own addresses and name", () => {
    expect(machineHostNames()).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
  });
});

describe('originAllowed', () => {
  it("allows the page's own origin on an allowed host", () => {
    expect(originAllowed('http://localhost:8080', 'localhost:8080', policy)).toBe(true);
    expect(originAllowed('http://10.0.0.5:8080', '10.0.0.5:8080', policy)).toBe(true);
  });
  it('refuses a rebinding page, whose Origin matches its foreign Host', () => {
    expect(originAllowed('http://evil.example:8080', 'evil.example:8080', policy)).toBe(false);
  });
  it('refuses other sites, missing origins and odd schemes', () => {
    expect(originAllowed('http://evil.example', 'localhost:8080', policy)).toBe(false);
    expect(originAllowed(undefined, 'localhost:8080', policy)).toBe(false);
    expect(originAllowed('file://localhost:8080', 'localhost:8080', policy)).toBe(false);
    expect(originAllowed('not a url', 'localhost:8080', policy)).toBe(false);
  });
  it('allows the public URL and listed origins behind a proxy', () => {
    expect(originAllowed('https://slipway.example', 'internal:8080', policy)).toBe(true);
    expect(originAllowed('https://proxy.example', 'internal:8080', policy)).toBe(true);
  });
});
