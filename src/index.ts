// Public API: re-exports only. Each capability lives in its own folder.
export * from './cookie';
export * from './service';
export * from './probe';
export * from './grafana';
export * from './session';
export * from './gateway';
