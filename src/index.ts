// Public API: re-exports only. Each capability lives in its own folder.
export * from './cookie';
export * from './service';
export * from './ingress';
export * from './gateway';
export * from './session';
export * from './grafana';
export * from './probe';
export * from './doctor';
export * from './migrate';
