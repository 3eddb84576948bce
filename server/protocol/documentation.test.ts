/**
 * Keeps docs/ARCHITECTURE.md in step with the protocol: every message type and every
 * error code must be documented there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './errors';
import { ClientMessage, ServerMessage } from './messages';
import { TrainerClientMessage, TrainerServerMessage } from './workshops';

const architecture = readFileSync(new URL('../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');

type Union = typeof ClientMessage | typeof ServerMessage | typeof TrainerClientMessage | typeof TrainerServerMessage;
const typesOf = (union: Union) =>
  union.options.map((option) => option.shape.type.value);

describe('docs/ARCHITECTURE.md', () => {
  it.each(typesOf(ClientMessage))('documents the browser message `%s`', (type) => {
    expect(architecture).toContain(`\`${type}\``);
  });
  it.each(typesOf(ServerMessage))('documents the server message `%s`', (type) => {
    expect(architecture).toContain(`\`${type}\``);
  });
  it.each(typesOf(TrainerClientMessage))('documents the trainer message `%s`', (type) => {
    expect(architecture).toContain(`| \`${type}\` |`);
  });
  it.each(typesOf(TrainerServerMessage))('documents the server-to-trainer message `%s`', (type) => {
    expect(architecture).toContain(`| \`${type}\` |`);
  });
  it.each(Object.entries(ERRORS))('documents the error %s with its close code', (code, error) => {
    expect(architecture).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${error.status}\\s*\\|\\s*${error.close}\\s*\\|`));
  });
});
