export * from './affinity-probe';
export * from './identity';
