// Run before each test file. cdk8s's Testing.app() (and Testing.chart(),
// which calls it) makes a new output folder in the system's temporary folder
// for every App and never removes it: thousands per run of the suite. Here
// each test file's Apps get their folders inside one folder of that file,
// removed when the file's tests end. An outdir given in props is kept.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Testing } = require('cdk8s');

let fileDir;
const testingApp = Testing.app;
Testing.app = function (props) {
  if (props?.outdir !== undefined) {
    return testingApp.call(this, props);
  }
  fileDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-session-affinity-test-'));
  return testingApp.call(this, { ...props, outdir: fs.mkdtempSync(path.join(fileDir, 'cdk8s.outdir.')) });
};

afterAll(() => {
  if (fileDir !== undefined) {
    fs.rmSync(fileDir, { recursive: true, force: true });
    fileDir = undefined;
  }
});
