export * from './model';
export * from './affinity-migration';
