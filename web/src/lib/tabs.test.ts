import { expect, test } from 'vitest';
import { tabAfterKey } from './tabs';

const ids = ['node1', 'node2', 'node3'];

test('arrow keys move to the neighbouring tab and wrap round', () => {
  expect(tabAfterKey(ids, 'node1', 'ArrowRight')).toBe('node2');
  expect(tabAfterKey(ids, 'node3', 'ArrowRight')).toBe('node1');
  expect(tabAfterKey(ids, 'node1', 'ArrowLeft')).toBe('node3');
  expect(tabAfterKey(ids, 'node2', 'ArrowLeft')).toBe('node1');
});

test('Home and End go to the ends; other keys and unknown tabs move nowhere', () => {
  expect(tabAfterKey(ids, 'node2', 'Home')).toBe('node1');
  expect(tabAfterKey(ids, 'node2', 'End')).toBe('node3');
  expect(tabAfterKey(ids, 'node2', 'Enter')).toBeUndefined();
  expect(tabAfterKey(ids, 'node7', 'ArrowRight')).toBeUndefined();
  expect(tabAfterKey([], 'node1', 'ArrowRight')).toBeUndefined();
});
