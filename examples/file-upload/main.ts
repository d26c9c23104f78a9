// Resumable multi-part uploads resume on the pod that holds their parts for
// up to 2 hours.
import { App, Chart } from 'cdk8s';
import { AffinityTimeout, StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'file-upload');

webApp(chart, 'Uploads', {
  app: 'file-upload',
  image: 'ghcr.io/example/file-upload:1.0.0',
  port: 3000,
  healthPath: '/healthz',
  writablePaths: ['/var/lib/uploads'],
});

const service = new StickyService(chart, 'Service', {
  metadata: { name: 'file-upload' },
  affinityTimeout: AffinityTimeout.RESUMABLE_UPLOADS,
  ports: [{ port: 80, targetPort: 3000 }],
});
service.selectLabel('app', 'file-upload');

app.synth();
