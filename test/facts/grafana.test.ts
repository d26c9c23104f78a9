import {
  GRAFANA_CREDENTIAL_ENV,
  GRAFANA_ENV,
  GRAFANA_LEGACY_SESSION_ENV_PREFIX,
  GRAFANA_SESSION_SECTION_REMOVED_IN,
  GRAFANA_SHARED_DATABASE_TYPES,
  grafanaEnvName,
  isLegacyGrafanaSessionEnv,
} from '../../src/facts/grafana';
import { canScaleToZero, KEDA_SCALED_OBJECT_API_VERSION } from '../../src/facts/keda';

describe('Grafana facts', () => {
  test('a setting\'s environment variable is GF_<SECTION>_<KEY>, dots and dashes as underscores', () => {
    expect(grafanaEnvName('database', 'ssl_mode')).toEqual('GF_DATABASE_SSL_MODE');
    expect(grafanaEnvName('unified_alerting', 'ha_peers')).toEqual(GRAFANA_ENV.UNIFIED_ALERTING_HA_PEERS);
    expect(grafanaEnvName('auth.generic-oauth', 'client_id')).toEqual('GF_AUTH_GENERIC_OAUTH_CLIENT_ID');
  });

  test('every GRAFANA_ENV name is the variable of its section and key', () => {
    for (const [key, name] of Object.entries(GRAFANA_ENV)) {
      expect(name).toEqual(`GF_${key}`);
    }
  });

  test('the [session] section, removed in 6.2, is recognised in any case', () => {
    expect(GRAFANA_SESSION_SECTION_REMOVED_IN).toEqual('6.2');
    expect(GRAFANA_LEGACY_SESSION_ENV_PREFIX).toEqual('GF_SESSION_');
    expect(isLegacyGrafanaSessionEnv('GF_SESSION_PROVIDER')).toBe(true);
    expect(isLegacyGrafanaSessionEnv('gf_session_redis_addr')).toBe(true);
    expect(isLegacyGrafanaSessionEnv('GF_SECURITY_SECRET_KEY')).toBe(false);
  });

  test('only MySQL and PostgreSQL can be shared; credentials are listed', () => {
    expect(GRAFANA_SHARED_DATABASE_TYPES).toEqual(['mysql', 'postgres']);
    expect(GRAFANA_CREDENTIAL_ENV).toEqual(expect.arrayContaining(['GF_DATABASE_PASSWORD', 'GF_SECURITY_SECRET_KEY', 'GF_SECURITY_ADMIN_PASSWORD']));
  });
});

describe('KEDA facts', () => {
  test('cpu and memory triggers alone cannot scale to zero', () => {
    expect(KEDA_SCALED_OBJECT_API_VERSION).toEqual('keda.sh/v1alpha1');
    expect(canScaleToZero(['cpu'])).toBe(false);
    expect(canScaleToZero(['cpu', 'memory'])).toBe(false);
    expect(canScaleToZero(['cpu', 'prometheus'])).toBe(true);
  });
});
