export * from './jwt';
export * from './memcached';
export * from './postgres';
export * from './redis';
export * from './options';
