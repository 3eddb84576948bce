export * from './engine';
export * from './evaluate';
export * from './image-ref';
export * from './probes';
export * from './schema';
export * from './shell-integration';
export * from './snapshot';
