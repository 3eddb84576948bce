export * from './catalog';
export * from './issues';
export * from './markdown';
export * from './parse';
