// "JWT Tokens (Stateless)": no session store at all. Every pod verifies the
// token with the signing key from an `app-secrets` Secret.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SessionStore, SharedSessionApp } from '../../src';

const app = new App();
const chart = new Chart(app, 'sessions-jwt', { namespace: 'default' });

const secrets = kplus.Secret.fromSecretName(chart, 'AppSecrets', 'app-secrets');

new SharedSessionApp(chart, 'Api', {
  metadata: { name: 'api' },
  image: 'ghcr.io/example/api:3.2.0',
  port: 8080,
  servicePort: 80,
  replicas: 5,
  store: SessionStore.jwt({ secret: secrets, key: 'jwt-secret' }),
  readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
});

app.synth();
