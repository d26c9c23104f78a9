export { AffinityCookie, ResolvedAffinityCookie, SameSite } from './affinity-cookie';
