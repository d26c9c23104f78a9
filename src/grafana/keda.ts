import { ApiObject, ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { NO_ERRORS, propError } from '../errors';
import { canScaleToZero, KEDA_RESOURCE_TRIGGER_TYPES } from '../facts/keda';
import { customResource, KEDA_SCALED_OBJECT } from '../imports/custom-resource';
import type { ScaledObjectProps } from '../imports/keda-scaledobjects';
import { namespaceOf } from '../metadata';
import { checkObjectNames, definedMetadata } from '../names';
import { onlyOwnResolvers, unpatched } from '../rendered';
import { rootOf } from '../tree';
import { A_LIST_OF_TRIGGERS, describeNumber, describeSeconds, secondsOf, untypedProps } from '../units';

/** Options of the cpu and memory triggers. */
export interface KedaResourceTriggerOptions {
  /**
   * The container whose usage counts, for pods with several containers.
   *
   * @default - the whole pod
   */
  readonly containerName?: string;
}

/** A trigger KEDA has no factory for here: its type and metadata as KEDA documents them. */
export interface KedaCustomTriggerProps {
  /** The scaler's type (`prometheus`, `cron`, `rabbitmq`, ...). */
  readonly type: string;

  /** The scaler's metadata, every value a string. */
  readonly metadata: { [key: string]: string };

  /**
   * `Value`, `AverageValue` or `Utilization`.
   *
   * @default - the scaler's default (`AverageValue` for most)
   */
  readonly metricType?: string;

  /**
   * The trigger's name, for `scalingModifiers` formulas.
   *
   * @default - none
   */
  readonly name?: string;
}

/** What plain JavaScript can get wrong in the CPU and memory triggers' options (made once). */
const RESOURCE_TRIGGER_RULES = { strings: ['containerName'] };

/** What plain JavaScript can get wrong in `KedaTrigger.custom()`'s props (made once). */
const CUSTOM_TRIGGER_RULES = {
  required: ['type', 'metadata'],
  strings: ['type', 'metricType', 'name'],
  // The ScaledObject CRD declares a trigger's metadata a map of strings: the API server refuses a number there.
  stringMaps: { metadata: "a map of strings, such as { threshold: '10' }, as the ScaledObject CRD declares a trigger's metadata" },
};

/**
 * What makes KEDA scale: one entry of a ScaledObject's `triggers`.
 *
 * @see https://keda.sh/docs/latest/scalers/
 */
export class KedaTrigger {
  /**
   * Average CPU use of the pods as a percentage of their CPU request. The
   * containers must request CPU (KEDA reads it from the Metrics Server);
   * KedaScaledObject checks.
   *
   * @param percent target utilisation, a whole number of at least 1
   * @see https://keda.sh/docs/latest/scalers/cpu/
   */
  public static cpuUtilization(percent: number, options: KedaResourceTriggerOptions = {}): KedaTrigger {
    return KedaTrigger.resource('cpu', percent, options);
  }

  /**
   * Average memory use of the pods as a percentage of their memory request.
   *
   * @param percent target utilisation, a whole number of at least 1
   * @see https://keda.sh/docs/latest/scalers/memory/
   */
  public static memoryUtilization(percent: number, options: KedaResourceTriggerOptions = {}): KedaTrigger {
    return KedaTrigger.resource('memory', percent, options);
  }

  /** Any other scaler, as KEDA documents it. */
  public static custom(props: KedaCustomTriggerProps): KedaTrigger {
    props = untypedProps('KedaTrigger.custom()', props, CUSTOM_TRIGGER_RULES);
    return new KedaTrigger(props.type, { ...props.metadata }, props.metricType, props.name, undefined);
  }

  private static resource(type: string, percent: number, options: KedaResourceTriggerOptions): KedaTrigger {
    options = untypedProps(`KedaTrigger.${type === 'cpu' ? 'cpu' : 'memory'}Utilization()`, options, RESOURCE_TRIGGER_RULES);
    const metadata: { [key: string]: string } = { value: String(percent) };
    if (options.containerName !== undefined) {
      metadata.containerName = options.containerName;
    }
    return new KedaTrigger(type, metadata, 'Utilization', undefined, percent);
  }

  /** The scaler's type. */
  public readonly type: string;

  /** The scaler's metadata. */
  public readonly metadata: { [key: string]: string };

  /**
   * The metric type.
   *
   * @default - the scaler's default
   */
  public readonly metricType?: string;

  /**
   * The trigger's name.
   *
   * @default - none
   */
  public readonly name?: string;

  /**
   * The target percentage of a cpu or memory trigger.
   *
   * @default - none: not a cpu or memory trigger
   */
  public readonly percent?: number;

  private constructor(type: string, metadata: { [key: string]: string }, metricType?: string, name?: string, percent?: number) {
    this.type = type;
    this.metadata = metadata;
    this.metricType = metricType;
    this.name = name;
    this.percent = percent;
  }
}

/** Properties of a KedaScaledObject. */
export interface KedaScaledObjectProps {
  /**
   * The Deployment to scale. It must not set `replicas`: the ScaledObject
   * owns the replica count, and a `kubectl apply` of a count would fight it.
   */
  readonly target: kplus.Deployment;

  /**
   * Fewest replicas. 0 only with a trigger other than cpu and memory, which
   * cannot wake a Deployment that has no pods.
   */
  readonly minReplicas: number;

  /** Most replicas, at least 1 and at least `minReplicas`. */
  readonly maxReplicas: number;

  /**
   * What makes KEDA scale.
   *
   * @default - one trigger: CPU utilisation at 70 % of the request
   */
  readonly triggers?: KedaTrigger[];

  /**
   * How often KEDA checks each trigger, whole seconds.
   *
   * @default - KEDA's 30 s
   */
  readonly pollingInterval?: Duration;

  /**
   * How long after the last active trigger KEDA waits before scaling to
   * `minReplicas` when that is 0, whole seconds.
   *
   * @default - KEDA's 300 s
   */
  readonly cooldownPeriod?: Duration;

  /**
   * Metadata of the ScaledObject. Its namespace, if given, must be the
   * target's: `scaleTargetRef` names a Deployment in the ScaledObject's own
   * namespace.
   *
   * @default - a name cdk8s derives from the construct path, in the target's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/** The kinds of object that own a workload's replica count. */
const AUTOSCALER_KINDS = ['HorizontalPodAutoscaler', 'ScaledObject'];

/** What an autoscaler's `scaleTargetRef` names. */
type ScaleTargetRef = { readonly kind?: unknown; readonly name?: unknown };

/** The `scaleTargetRef` each KedaScaledObject wrote, by its ScaledObject. */
const WRITTEN_REFS = new WeakMap<ApiObject, ScaleTargetRef>();

/**
 * The `scaleTargetRef` an autoscaler object renders, read without rendering
 * it where that reads the same: the one a KedaScaledObject wrote, or the
 * target a cdk8s-plus HorizontalPodAutoscaler holds (its object renders
 * `target.toScalingTarget()`), when both are strings, the object has no
 * JSON patch and the app only cdk8s's own resolvers (`plain`). Any other
 * object (one written by hand, an HPA of another cdk8s-plus copy) is
 * rendered.
 */
function scaleTargetRefOf(object: ApiObject, plain: boolean): ScaleTargetRef | undefined {
  if (plain && unpatched(object)) {
    let held = WRITTEN_REFS.get(object);
    if (held === undefined) {
      const owner = object.node.scope;
      if (owner instanceof kplus.HorizontalPodAutoscaler && ApiObject.of(owner) === object) {
        held = owner.target.toScalingTarget();
      }
    }
    if (held !== undefined && typeof held.kind === 'string' && typeof held.name === 'string') {
      return held;
    }
  }
  return (object.toJson() as { spec?: { scaleTargetRef?: ScaleTargetRef } }).spec?.scaleTargetRef;
}

/** The autoscaler objects of an app, by the target they name: `Kind|namespace|name`. */
type AutoscalersByTarget = Map<string, ApiObject[]>;

function targetKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}|${namespace ?? ''}|${name}`;
}

/**
 * Every HorizontalPodAutoscaler and ScaledObject under `root`, by the target
 * its `scaleTargetRef` names (a ScaledObject's names a Deployment when it
 * names no kind), in the order of the tree.
 */
function scanAutoscalers(root: IConstruct): AutoscalersByTarget {
  const byTarget: AutoscalersByTarget = new Map();
  let plain: boolean | undefined;
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject) || !AUTOSCALER_KINDS.includes(c.kind)) {
      continue;
    }
    plain ??= onlyOwnResolvers(root);
    const ref = scaleTargetRefOf(c, plain);
    const kind = ref?.kind ?? (c.kind === 'ScaledObject' ? 'Deployment' : undefined);
    if (typeof kind === 'string' && typeof ref?.name === 'string') {
      const key = targetKey(kind, namespaceOf(c), ref.name);
      const list = byTarget.get(key);
      if (list === undefined) {
        byTarget.set(key, [c]);
      } else {
        list.push(c);
      }
    }
  }
  return byTarget;
}

/**
 * One scan of an app's autoscalers per validation pass, shared by its
 * KedaScaledObjects: cdk8s validates the app's root before anything under it
 * in every pass, so a validation there makes the scan, and each
 * KedaScaledObject's own validation reads it once; the last reader drops
 * it. One that finds no scan, or has read this one already (its validation
 * called again outside a pass), scans the app itself.
 */
interface SharedScan {
  readonly byTarget: AutoscalersByTarget;
  readonly unread: Set<KedaScaledObject>;
}

/** The KedaScaledObjects of each app, by its root. */
const SCALED_OBJECTS_OF_ROOT = new WeakMap<IConstruct, Set<KedaScaledObject>>();

/** The scan of the pass under way, by root. */
const SHARED_SCANS = new WeakMap<IConstruct, SharedScan>();

/** Adds a KedaScaledObject to its app's, making the scan at each pass from the first one on. */
function joinSharedScan(scaledObject: KedaScaledObject): void {
  const root = rootOf(scaledObject);
  let members = SCALED_OBJECTS_OF_ROOT.get(root);
  if (members === undefined) {
    const all = new Set<KedaScaledObject>();
    members = all;
    SCALED_OBJECTS_OF_ROOT.set(root, all);
    root.node.addValidation({
      validate: () => {
        SHARED_SCANS.set(root, { byTarget: scanAutoscalers(root), unread: new Set(all) });
        return NO_ERRORS;
      },
    });
  }
  members.add(scaledObject);
}

/** The app's autoscalers by target, from the pass's shared scan when this one has not read it yet. */
function autoscalersFor(scaledObject: KedaScaledObject): AutoscalersByTarget {
  const root = rootOf(scaledObject);
  const shared = SHARED_SCANS.get(root);
  if (shared !== undefined && shared.unread.delete(scaledObject)) {
    if (shared.unread.size === 0) {
      SHARED_SCANS.delete(root);
    }
    return shared.byTarget;
  }
  return scanAutoscalers(root);
}

/** Why a Deployment may not have a second autoscaler, naming the other, in the words of an error. */
function alsoScaledBy(other: { kind: string; path: string }): string {
  return `is also scaled by the ${other.kind} ${other.path}: two autoscalers would fight over its replica count `
    + '(KEDA scales through a HorizontalPodAutoscaler of its own)';
}

/** The trigger used when none is given: CPU at 70 % of the request. */
export const DEFAULT_CPU_UTILIZATION_PERCENT = 70;

/** What a KedaScaledObject's props must hold, for callers without types: made once, not per instance. */
const SCALED_OBJECT_PROPS_RULES = {
  required: ['target', 'minReplicas', 'maxReplicas'],
  durations: ['pollingInterval', 'cooldownPeriod'],
  constructs: { target: 'a cdk8s-plus Deployment' },
  lists: { triggers: A_LIST_OF_TRIGGERS },
};

/**
 * A KEDA ScaledObject that owns a Deployment's replica count: the Deployment
 * is marked as autoscaled, so it renders no `replicas` and a re-apply does
 * not reset what KEDA chose. A Deployment that already has an autoscaler is
 * refused, and another autoscaler of the app for the same Deployment (a
 * HorizontalPodAutoscaler made after this one) fails the synth.
 *
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
 */
export class KedaScaledObject extends Construct {
  /** The ScaledObject. */
  public readonly apiObject: ApiObject;

  /** Fewest replicas. */
  public readonly minReplicas: number;

  /** Most replicas. */
  public readonly maxReplicas: number;

  /** The triggers, defaults filled in. */
  public readonly triggers: KedaTrigger[];

  public constructor(scope: Construct, id: string, props: KedaScaledObjectProps) {
    super(scope, id);
    props = untypedProps(this, props, SCALED_OBJECT_PROPS_RULES);
    const { target } = props;
    this.minReplicas = props.minReplicas;
    this.maxReplicas = props.maxReplicas;
    this.triggers = props.triggers ?? [KedaTrigger.cpuUtilization(DEFAULT_CPU_UTILIZATION_PERCENT)];

    if (!Number.isInteger(this.maxReplicas) || this.maxReplicas < 1) {
      throw propError(this, 'maxReplicas', describeNumber(this.maxReplicas), 'must be a whole number of at least 1');
    }
    if (!Number.isInteger(this.minReplicas) || this.minReplicas < 0 || this.minReplicas > this.maxReplicas) {
      throw propError(this, 'minReplicas', describeNumber(this.minReplicas), `must be a whole number from 0 to maxReplicas (${this.maxReplicas})`);
    }
    if (this.triggers.length === 0) {
      throw propError(this, 'triggers', 'empty', 'must list at least one trigger, or be left out for CPU utilisation');
    }
    const types = this.triggers.map(t => t.type);
    if (this.minReplicas === 0 && !canScaleToZero(types)) {
      throw propError(this, 'minReplicas', '0',
        `must be at least 1 with only ${[...new Set(types)].join(' and ')} triggers: KEDA cannot scale them to zero, since a Deployment without pods has no usage to read`);
    }
    for (const trigger of this.triggers) {
      this.checkTrigger(target, trigger);
    }
    if (target.hasAutoscaler) {
      // Named as the synth-time check names one made after this ScaledObject (one marked without an object of the app is not found).
      const [other] = this.otherAutoscalers(target);
      throw propError(this, 'target', target.name, other === undefined
        ? 'already has an autoscaler: two would fight over its replica count'
        : `${alsoScaledBy(other)}; keep one of them`);
    }
    if (target.replicas !== undefined) {
      throw propError(this, 'target', `${target.name} with replicas ${target.replicas}`,
        'must leave \'replicas\' out: the ScaledObject owns the replica count');
    }

    const namespace = namespaceOf(target);
    const givenNamespace = props.metadata?.namespace;
    if (givenNamespace !== undefined && givenNamespace !== namespace) {
      throw propError(this, 'metadata.namespace', JSON.stringify(givenNamespace),
        `must be the target's namespace (${namespace === undefined ? 'none: the chart has none' : JSON.stringify(namespace)}) or left out: a ScaledObject scales a Deployment of its own namespace`);
    }

    target.markHasAutoscaler();
    // An autoscaler made after this one finds the mark and is not told by
    // cdk8s-plus (its HorizontalPodAutoscaler does not read it): looked for at synth.
    this.node.addValidation({ validate: () => this.otherAutoscalerErrors(target) });
    const scaleTargetRef = { apiVersion: target.apiVersion, kind: target.kind, name: target.name };
    this.apiObject = customResource<ScaledObjectProps>(this, 'Resource', KEDA_SCALED_OBJECT, {
      // Keys set to undefined are dropped: cdk8s's ApiObject spreads the metadata over the
      // name it generates, so `{ name: undefined }` would write a ScaledObject with no name.
      metadata: { ...definedMetadata(props.metadata), namespace },
      spec: {
        scaleTargetRef,
        minReplicaCount: this.minReplicas,
        maxReplicaCount: this.maxReplicas,
        pollingInterval: this.wholeSeconds('pollingInterval', props.pollingInterval),
        cooldownPeriod: this.wholeSeconds('cooldownPeriod', props.cooldownPeriod),
        // Copies: cdk8s reads the props at synth, and what was checked here is what is written.
        triggers: this.triggers.map(t => ({ type: t.type, metricType: t.metricType, name: t.name, metadata: { ...t.metadata } })),
      },
    });
    checkObjectNames(this, this.apiObject);
    WRITTEN_REFS.set(this.apiObject, scaleTargetRef);
    joinSharedScan(this);
  }

  /**
   * Another autoscaler of the app for the same Deployment: a
   * HorizontalPodAutoscaler (cdk8s-plus's of any major, or an object of that
   * kind) or a ScaledObject whose `scaleTargetRef` names it. KEDA drives the
   * Deployment through an HPA of its own, so the two would fight over the
   * replica count. Read at synth, written nowhere.
   */
  private otherAutoscalerErrors(target: kplus.Deployment): string[] {
    const others = this.otherAutoscalers(target);
    return others.length === 0 ? NO_ERRORS : others.map(o => `'target' (${target.name}) ${alsoScaledBy(o)}; keep one of them`);
  }

  /**
   * The app's other autoscalers of the Deployment, by kind and the construct
   * the user made (cdk8s-plus's HorizontalPodAutoscaler keeps its object as
   * `Resource`): HorizontalPodAutoscalers and ScaledObjects whose
   * `scaleTargetRef` names it in its namespace. The library's and
   * cdk8s-plus's are read without rendering them (`scaleTargetRefOf`), so
   * an app of many autoscalers is not rendered once per ScaledObject.
   */
  private otherAutoscalers(target: kplus.Deployment): Array<{ kind: string; path: string }> {
    const found: Array<{ kind: string; path: string }> = [];
    const candidates = autoscalersFor(this).get(targetKey(target.kind, namespaceOf(ApiObject.of(target)), target.name)) ?? [];
    for (const c of candidates) {
      if (c !== this.apiObject) {
        const owner = c.node.id === 'Resource' && c.node.scope !== undefined ? c.node.scope : c;
        found.push({ kind: c.kind, path: owner.node.path });
      }
    }
    return found;
  }

  private checkTrigger(target: kplus.Deployment, trigger: KedaTrigger): void {
    if (!(KEDA_RESOURCE_TRIGGER_TYPES as readonly string[]).includes(trigger.type)) {
      return;
    }
    const what = `${trigger.type} ${trigger.percent}%`;
    if (trigger.percent !== undefined && (!Number.isInteger(trigger.percent) || trigger.percent < 1)) {
      throw propError(this, 'triggers', what, 'must target a whole percentage of at least 1');
    }
    const name = trigger.metadata.containerName;
    const containers = name === undefined ? target.containers : target.containers.filter(c => c.name === name);
    if (containers.length === 0) {
      throw propError(this, 'triggers', `${what} of container ${name}`,
        `must name a container of the target (${target.containers.map(c => c.name).join(', ') || 'none yet'})`);
    }
    const request = (c: kplus.Container) => trigger.type === 'cpu' ? c.resources?.cpu?.request : c.resources?.memory?.request;
    const missing = containers.filter(c => request(c) === undefined).map(c => c.name ?? c.image);
    if (missing.length > 0) {
      throw propError(this, 'triggers', what,
        `needs a ${trigger.type} request on every container it measures (missing on ${missing.join(', ')}): utilisation is usage divided by the request`);
    }
  }

  private wholeSeconds(prop: string, duration: Duration | undefined): number | undefined {
    if (duration === undefined) {
      return undefined;
    }
    const seconds = secondsOf(duration);
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw propError(this, prop, describeSeconds(duration), 'must be a whole number of seconds of at least 1');
    }
    return seconds;
  }
}
