export * from './errors';
export * from './explorer';
export * from './flow-control';
export * from './lessons';
export * from './messages';
export * from './nodes';
export * from './format';
export * from './workshops';
