export * from './session-store';
export * from './stores';
export * from './shared-session-app';
