// An app that keeps sessions in memory: an hour of stickiness matches a typical
// idle-session expiry. Its Service is put in front of the Deployment in one
// line, with the port taken from the container.
import { App, Chart } from 'cdk8s';
import { AffinityDoctor, AffinityTimeout, StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'legacy-app');

const deployment = webApp(chart, 'App', {
  app: 'legacy-app',
  image: 'ghcr.io/example/legacy-app:1.0.0',
  port: 8080,
  healthPath: '/healthz',
});
// Sessions in memory do not show in a manifest: the annotation tells
// affinity-doctor (at synth, and on the YAML in CI), so that a later change
// that drops the affinity is reported as an error, not passed as fine.
deployment.metadata.addAnnotation(AffinityDoctor.LOCAL_SESSIONS_ANNOTATION, 'true');

StickyService.exposeWorkload(deployment, {
  name: 'legacy-app',
  affinityTimeout: AffinityTimeout.IN_MEMORY_SESSIONS,
});

app.synth();
