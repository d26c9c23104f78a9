export * from './keda';
export * from './multi-pod-grafana';
export * from './sessions';
