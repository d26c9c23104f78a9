export * from './model';
export * from './affinity-doctor';
export * from './validation';
