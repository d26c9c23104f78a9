export { KedaCustomTriggerProps, KedaResourceTriggerOptions, KedaScaledObject, KedaScaledObjectProps, KedaTrigger } from './keda';
// The default image and replica count are documented on the props, not exported.
export { GrafanaAutoscaling, MultiPodGrafana, MultiPodGrafanaProps } from './multi-pod-grafana';
export * from './sessions';
