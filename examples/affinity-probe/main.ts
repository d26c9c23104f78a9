// The usual way to prove that affinity works, as one construct: three
// http-echo pods answering with their own name behind a ClientIP Service
// (5 minutes), and a Job that first waits for two pods to answer through a
// Service without affinity, then calls the sticky Service ten times and fails
// unless one pod gave every answer. `kubectl logs job/<name>` shows who
// answered. It proves the Service's in-cluster ClientIP affinity for one
// client, not a load balancer's or an Ingress's stickiness.
import { App, Chart } from 'cdk8s';
import { AffinityProbe } from '../../src';

const app = new App();
const chart = new Chart(app, 'affinity-probe', { namespace: 'default' });

new AffinityProbe(chart, 'Probe');

app.synth();
