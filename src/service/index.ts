export * from './load-balancer-stickiness';
export * from './sticky-service';
export * from './timeouts';
export * from './traffic-policy';
