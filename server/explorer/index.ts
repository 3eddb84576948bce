export * from './debounce';
export * from './diff';
export * from './events';
export * from './state';
export * from './view';
