/**
 * Runs a short script in a sandbox outside the learner's shell (lesson probes, setup),
 * with a time limit and a cap on the output kept.
 */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export interface ExecResult {
  /** null when the script ran out of time. */
  exitCode: number | null;
  output: string;
}

const MAX_OUTPUT_BYTES = 64 * 1024;

export async function execInSandbox(container: Docker.Container, script: string, timeoutMs: number): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: ['timeout', '-s', 'KILL', String(Math.ceil(timeoutMs / 1000)), 'sh', '-c', script],
    AttachStdout: true,
    AttachStderr: true,
    WorkingDir: '/root',
    User: 'root',
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  let kept = 0;
  sink.on('data', (chunk: Buffer) => {
    if (kept >= MAX_OUTPUT_BYTES) return;
    chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - kept));
    kept += chunk.length;
  });
  container.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => stream.destroy(), timeoutMs + 2000);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const { ExitCode } = await exec.inspect();
  // `timeout -s KILL` ends with 137 when it had to kill the script.
  const exitCode = ExitCode === 137 || ExitCode === null ? null : ExitCode;
  return { exitCode, output: Buffer.concat(chunks).toString('utf8') };
}
