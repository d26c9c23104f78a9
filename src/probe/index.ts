export * from './affinity-probe';
