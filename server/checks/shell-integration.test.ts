import { describe, expect, it } from 'vitest';
import { OscScanner, ShellIntegrationParser, unescapeValue, type CommandRecord } from './shell-integration';

const NONCE = 'n0nce-0123456789abcdef';
const osc = (payload: string, terminator = '\x07') => `\x1b]633;${payload}${terminator}`;
const seq = (payload: string) => osc(`${payload};${NONCE}`);

/** What shell-integration.bash prints around one command, with its output in between. */
function commandOutput(line: string, output: string, code: number, cwd = '/root'): string {
  return seq(`E;${line}`) + seq('C') + output + seq(`D;${code}`) + seq(`P;Cwd=${cwd}`) + seq('A') + '$ ' + seq('B');
}

function collect() {
  const records: CommandRecord[] = [];
  let clock = 0;
  const parser = new ShellIntegrationParser({ nonce: NONCE, node: 'node1', now: () => ++clock, onCommand: (r) => records.push(r) });
  const scanner = new OscScanner((payload) => parser.handle(payload));
  return { records, parser, scanner };
}

const STREAM =
  seq('P;Cwd=/root') +
  seq('A') +
  '$ ' +
  seq('B') +
  commandOutput('docker run hello-world', '\r\nHello from Docker!\r\n', 0) +
  commandOutput('docker run nginx:nope', 'Unable to find image\r\n', 125, '/srv/my\\x3bdir');

describe('ShellIntegrationParser with OscScanner', () => {
  it('turns sequences into command records', () => {
    const { records, scanner } = collect();
    scanner.write(STREAM);
    expect(records).toEqual([
      { command: 'docker run hello-world', exitCode: 0, cwd: '/root', startedAt: 1, finishedAt: 2, node: 'node1' },
      { command: 'docker run nginx:nope', exitCode: 125, cwd: '/root', startedAt: 3, finishedAt: 4, node: 'node1' },
    ]);
  });

  it('finds the same records however the byte stream is split', () => {
    const bytes = new TextEncoder().encode(STREAM);
    const expected = (() => {
      const { records, scanner } = collect();
      scanner.write(bytes);
      return records.map(({ command, exitCode, cwd }) => ({ command, exitCode, cwd }));
    })();
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { records, scanner } = collect();
      scanner.write(bytes.subarray(0, cut));
      scanner.write(bytes.subarray(cut));
      expect(records.map(({ command, exitCode, cwd }) => ({ command, exitCode, cwd })), `split at ${cut}`).toEqual(expected);
    }
    // And one byte at a time.
    const { records, scanner } = collect();
    for (const byte of bytes) scanner.write(Uint8Array.of(byte));
    expect(records).toHaveLength(2);
  });

  it('ignores sequences without the nonce, so output cannot forge a result', () => {
    const { records, scanner } = collect();
    scanner.write(seq('E;false') + seq('C') + osc('D;0') + osc('D;0;wrong-nonce-0000000') + osc(`E;rm -rf /;${NONCE}x`) + seq('D;1'));
    expect(records.map((r) => [r.command, r.exitCode])).toEqual([['false', 1]]);
  });

  it('unescapes semicolons, backslashes and newlines in command lines and paths', () => {
    const { records, scanner } = collect();
    scanner.write(seq('P;Cwd=/tmp/a\\x3bb') + seq('E;echo "a\\x3bb\\\\c"\\x0aecho ü') + seq('C') + seq('D;0'));
    expect(records[0]).toMatchObject({ command: 'echo "a;b\\c"\necho ü', cwd: '/tmp/a;b' });
    expect(unescapeValue('\\\\x3b')).toBe('\\x3b');
  });

  it('closes a command whose end was never reported with a null exit code', () => {
    const { records, parser, scanner } = collect();
    scanner.write(seq('E;exec bash') + seq('C') + seq('A') + seq('E;sleep 100') + seq('C'));
    expect(records.map((r) => [r.command, r.exitCode, r.finishedAt])).toEqual([['exec bash', null, null]]);
    parser.flush();
    expect(records.map((r) => [r.command, r.exitCode])).toEqual([
      ['exec bash', null],
      ['sleep 100', null],
    ]);
  });

  it('reports a nested shell as the one command that started it', () => {
    const { records, scanner } = collect();
    // The nested shell has no nonce: its prompts and commands are plain (or forged) output.
    const nested = osc('A') + 'bash$ ' + osc('B') + osc('E;docker ps') + osc('C') + osc('D;0') + 'exit\r\n';
    scanner.write(seq('E;bash') + seq('C') + nested + seq('D;3') + seq('A'));
    expect(records.map((r) => [r.command, r.exitCode])).toEqual([['bash', 3]]);
  });

  it('ignores D without a command and empty prompts (Enter or Ctrl-C at the prompt)', () => {
    const { records, scanner } = collect();
    scanner.write(seq('A') + seq('B') + seq('D;130') + seq('A') + seq('B'));
    expect(records).toEqual([]);
  });

  it('accepts ST as terminator and survives aborted and oversized sequences', () => {
    const { records, scanner } = collect();
    scanner.write(`\x1b]633;E;ls;${NONCE}\x1b\\` + seq('C') + '\x1b]633;D;0\x18' + '\x1b]633;' + 'x'.repeat(70_000) + '\x07' + seq('D;2'));
    expect(records.map((r) => [r.command, r.exitCode])).toEqual([['ls', 2]]);
  });

  it('demands a nonce worth the name', () => {
    expect(() => new ShellIntegrationParser({ nonce: 'short', node: 'node1', onCommand: () => {} })).toThrow(/at least 16/);
  });
});
