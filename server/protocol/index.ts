export * from './errors';
export * from './flow-control';
export * from './messages';
