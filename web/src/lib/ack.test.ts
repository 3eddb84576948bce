import { expect, test } from 'vitest';
import { AckBatcher } from './ack';

test('acknowledges once a batch has been rendered, with the exact count', () => {
  const sent: number[] = [];
  const acks = new AckBatcher((bytes) => sent.push(bytes), 100);
  acks.track(60)();
  expect(sent).toEqual([]);
  acks.track(50)();
  expect(sent).toEqual([110]);
  acks.track(99)();
  acks.track(1)();
  expect(sent).toEqual([110, 100]);
});

test('counts bytes when rendered, not when received', () => {
  const sent: number[] = [];
  const acks = new AckBatcher((bytes) => sent.push(bytes), 100);
  const done = acks.track(200);
  expect(sent).toEqual([]);
  done();
  expect(sent).toEqual([200]);
});

test('ignores writes from before a reset', () => {
  const sent: number[] = [];
  const acks = new AckBatcher((bytes) => sent.push(bytes), 100);
  const stale = acks.track(80);
  acks.track(10)();
  acks.reset();
  stale();
  acks.track(90)();
  expect(sent).toEqual([]);
  acks.track(10)();
  expect(sent).toEqual([100]);
});
