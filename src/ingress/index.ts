export * from './cookie-affinity-ingress';
export * from './controller';
export { AlbStickiness, AwsAlbControllerOptions } from './controllers/aws-alb';
export { GkeControllerOptions } from './controllers/gke';
export { HaproxyControllerOptions } from './controllers/haproxy';
export { KongControllerOptions } from './controllers/kong';
export { NginxAffinityMode, NginxControllerOptions } from './controllers/nginx';
export { TraefikControllerOptions } from './controllers/traefik';
