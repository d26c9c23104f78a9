export { AffinityCookie, SameSite } from './affinity-cookie';
