// The images and port the probe uses by default are documented on its props, not exported.
export { AffinityProbe, AffinityProbeProps } from './affinity-probe';
export { ProbeIdentity, ProbeIdentityConfig } from './identity';
