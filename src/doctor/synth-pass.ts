// Which of cdk8s's validation passes is under way. `App.synth()` (and
// `synthYaml()`) validates the whole app once before it writes anything,
// then again inside each `Chart.toJson()` it calls to write a chart: one pass
// more than the app has charts (`FOLDER_PER_CHART_FILE_PER_RESOURCE` output
// makes the first only). A validation that reads the whole app, as the doctor
// does by rendering every object, can then read it once, at the pass before
// the first chart is written, and answer the other passes of the same synth
// with what it found.
//
// cdk8s says nothing of which pass is running; the frames of its own
// functions on the call stack tell, in cdk8s's own files as installed
// (`node_modules/cdk8s/lib/`). Anything not recognized (a Chart.toJson() of
// the user's, a bundled, linked or changed cdk8s, a validate() called
// directly, a validation called more than about twenty frames below cdk8s's)
// is `OTHER`, and the validation reads the app as it would without this. The
// one answer that makes a validation skip a pass, `SYNTH_START` with chart
// passes to follow, must never be given for a synth that writes without
// them: hence the installed path, not any folder named `cdk8s`.

import type { IConstruct } from 'constructs';

/** A validation pass, as `validationPass()` tells it. */
export enum ValidationPass {
  /**
   * The pass with which `App.synth()` begins: nothing is written yet. A pass
   * per chart follows when the app's output type writes each chart through
   * `Chart.toJson()` (not `FOLDER_PER_CHART_FILE_PER_RESOURCE`, nor a type
   * this module does not know): see `chartPassesFollow`.
   */
  SYNTH_START = 'synth-start',
  /** The pass with which `App.synthYaml()` begins: a pass per chart follows. */
  SYNTH_YAML_START = 'synth-yaml-start',
  /** A pass of a `Chart.toJson()` that `App.synth()` or `App.synthYaml()` makes after its first pass. */
  SYNTH_CHART = 'synth-chart',
  /** Any other call: the validation reads the app afresh. */
  OTHER = 'other',
}

/** Frames enough to reach `App.synth()` from a validation (about ten), with room for wrappers of one's own; deeper is `OTHER`. */
const FRAMES = 24;

/** cdk8s's compiled modules, as Node loads them from the package (not bundled). */
const CDK8S_MODULE = /[\\/]node_modules[\\/]cdk8s[\\/]lib[\\/](app|chart)\.js$/;

/** The stack of the caller of `validationPass`, innermost first (none when the runtime will not give it). */
function callSites(): NodeJS.CallSite[] {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  try {
    Error.stackTraceLimit = FRAMES;
    // The call sites themselves, not text: a source-map tool that formats
    // stacks would give cdk8s's TypeScript sources instead of its files.
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, validationPass);
    return Array.isArray(holder.stack) ? holder.stack : [];
  } catch {
    // A runtime with frozen intrinsics (node --frozen-intrinsics, SES): no
    // frames, so the validation reads the app afresh.
    return [];
  } finally {
    // Only what was changed, each on its own: putting back a value that a
    // frozen Error refused to change would throw.
    restore(() => Error.stackTraceLimit !== limit, () => { Error.stackTraceLimit = limit; });
    restore(() => Error.prepareStackTrace !== prepare, () => { Error.prepareStackTrace = prepare; });
  }
}

function restore(changed: () => boolean, put: () => void): void {
  try {
    if (changed()) {
      put();
    }
  } catch {
    // Nothing to put back where nothing could be changed.
  }
}

/** Whether a frame is `name` in cdk8s's module `file` (`app` or `chart`). */
function isCdk8s(site: NodeJS.CallSite | undefined, file: 'app' | 'chart', name: string): boolean {
  if (site === undefined) {
    return false;
  }
  const match = CDK8S_MODULE.exec(site.getFileName() ?? '');
  return match !== null && match[1] === file && site.getFunctionName() === name;
}

function isAppSynth(site: NodeJS.CallSite | undefined): boolean {
  return isCdk8s(site, 'app', 'synth') || isCdk8s(site, 'app', 'synthYaml');
}

/**
 * Which pass of cdk8s's validation calls the validation that calls this
 * (`OTHER` when cdk8s's own frames are not found in the order it makes them).
 */
export function validationPass(): ValidationPass {
  const sites = callSites();
  const at = sites.findIndex(s => isCdk8s(s, 'app', 'validate'));
  if (at < 0) {
    return ValidationPass.OTHER;
  }
  if (isCdk8s(sites[at + 1], 'app', 'synth')) {
    return ValidationPass.SYNTH_START;
  }
  if (isCdk8s(sites[at + 1], 'app', 'synthYaml')) {
    return ValidationPass.SYNTH_YAML_START;
  }
  if (isCdk8s(sites[at + 1], 'app', '_synthChart') && isCdk8s(sites[at + 2], 'chart', 'toJson') && isAppSynth(sites[at + 3])) {
    return ValidationPass.SYNTH_CHART;
  }
  return ValidationPass.OTHER;
}

/**
 * The output types with which `App.synth()` writes each chart through
 * `Chart.toJson()`, which validates the app again: `YamlOutputType`'s
 * FILE_PER_APP, FILE_PER_CHART and FILE_PER_RESOURCE, by value (not imported:
 * this module loads nothing of cdk8s). FOLDER_PER_CHART_FILE_PER_RESOURCE
 * renders each object on its own, with no pass after the first; an output
 * type cdk8s adds later is not assumed to make one.
 */
const OUTPUT_TYPES_WITH_CHART_PASSES: ReadonlySet<unknown> = new Set([0, 1, 2]);

/**
 * Whether a pass per chart of the app follows this first pass of a synth:
 * always after `synthYaml()`'s, and after `synth()`'s when the app's output
 * type writes each chart through `Chart.toJson()`. An app with no chart has
 * no object to read, so nothing is missed when no chart pass follows.
 *
 * @param app the root of the tree being synthesized (its `App`)
 */
export function chartPassesFollow(pass: ValidationPass, app: IConstruct): boolean {
  if (pass === ValidationPass.SYNTH_YAML_START) {
    return true;
  }
  return pass === ValidationPass.SYNTH_START && OUTPUT_TYPES_WITH_CHART_PASSES.has((app as { yamlOutputType?: unknown }).yamlOutputType);
}
