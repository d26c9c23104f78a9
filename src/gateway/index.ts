export { GatewayRouteOptions } from './common';
export { CookieLifetime, SessionPersistenceOptions } from './session-persistence';
export { CookieAffinityRoute, CookieAffinityRouteProps } from './route';
export { BackendCookieAffinity, BackendCookieAffinityProps } from './backend-policy';
export { EnvoyCookieAffinity, EnvoyCookieAffinityProps } from './envoy';
export { MeshCookieAffinity, MeshCookieAffinityProps } from './mesh';
export { TraefikCookieAffinityRoute, TraefikCookieAffinityRouteProps } from './traefik';
