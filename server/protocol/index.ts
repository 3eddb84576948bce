export * from './errors';
export * from './explorer';
export * from './flow-control';
export * from './messages';
