export * from './errors';
export * from './explorer';
export * from './flow-control';
export * from './lessons';
export * from './messages';
export * from './format';
