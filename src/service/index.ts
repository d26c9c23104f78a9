export * from './sticky-service';
export * from './timeouts';
export * from './traffic-policy';
