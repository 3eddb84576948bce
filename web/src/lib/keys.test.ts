import { expect, test } from 'vitest';
import { clipboardAction } from './keys';

const key = (key: string, mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = {}) => ({
  key,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

test('Ctrl+Shift+C and Ctrl+Shift+V copy and paste on Linux and Windows', () => {
  expect(clipboardAction(key('C', { ctrlKey: true, shiftKey: true }), false)).toBe('copy');
  expect(clipboardAction(key('V', { ctrlKey: true, shiftKey: true }), false)).toBe('paste');
});

test('plain Ctrl+C and Ctrl+V stay with the shell', () => {
  expect(clipboardAction(key('c', { ctrlKey: true }), false)).toBeNull();
  expect(clipboardAction(key('v', { ctrlKey: true }), false)).toBeNull();
  expect(clipboardAction(key('c', { ctrlKey: true }), true)).toBeNull();
});

test('Cmd+C and Cmd+V on macOS', () => {
  expect(clipboardAction(key('c', { metaKey: true }), true)).toBe('copy');
  expect(clipboardAction(key('v', { metaKey: true }), true)).toBe('paste');
  expect(clipboardAction(key('c', { metaKey: true }), false)).toBeNull();
});

test('other keys are not clipboard shortcuts', () => {
  expect(clipboardAction(key('X', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
  expect(clipboardAction(key('C', { ctrlKey: true, shiftKey: true, altKey: true }), false)).toBeNull();
});
