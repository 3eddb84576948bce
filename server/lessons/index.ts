export * from './catalog';
export * from './issues';
export * from './markdown';
export * from './model';
export * from './parse';
