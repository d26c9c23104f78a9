// Only the options are public: the stores themselves are made with
// SessionStore's factories and held as a SessionStore.
export { JwtSessionStoreOptions } from './jwt';
export { MemcachedSessionStoreOptions } from './memcached';
export { PostgresSessionStoreOptions } from './postgres';
export { RedisSessionStoreOptions } from './redis';
export { InChartStoreOptions } from './options';
