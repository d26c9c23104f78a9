import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { MultiPodGrafana } from './multi-pod-grafana';
import { propError } from '../errors';
import { GRAFANA_HTTP_PORT } from '../facts/grafana';
import { checkObjectNames } from '../names';
import { ExternalTrafficPolicy, StickyService } from '../service';

/** Options of `GrafanaSessions.clientIpAffinity()`. */
export interface GrafanaClientIpAffinityOptions {
  /**
   * How long a user's IP stays on the pod that logged them in, after their
   * last request.
   *
   * @default - 3 hours (`AffinityTimeout.KUBERNETES_DEFAULT`, the seed's 10800 s)
   */
  readonly affinityTimeout?: Duration;

  /**
   * External traffic policy of the Service.
   *
   * @default - `Local` on a LoadBalancer Service, so kube-proxy sees the
   * user's own IP; unset otherwise
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
}

/** Options of `GrafanaSessions.persistentVolume()`. */
export interface GrafanaPersistentVolumeOptions {
  /**
   * Name of the PersistentVolumeClaim.
   *
   * @default 'grafana-sessions' (the seed's claim)
   */
  readonly claimName?: string;

  /**
   * Storage class of the claim.
   *
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;

  /**
   * Access mode of the claim. Several replicas need `READ_WRITE_MANY`, and a
   * storage class that provides it (NFS, CephFS, Azure Files, EFS).
   *
   * @default kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: kplus.PersistentVolumeAccessMode;

  /**
   * Size of the claim.
   *
   * @default Size.gibibytes(1)
   */
  readonly storage?: Size;
}

/** What a session mode gives MultiPodGrafana once bound. */
export interface GrafanaSessionsConfig {
  /** The Service users reach Grafana through. */
  readonly service: kplus.Service;

  /**
   * The volume to mount on Grafana's data folder (`/var/lib/grafana`).
   *
   * @default - an emptyDir: the pod's data dies with it
   */
  readonly dataVolume?: kplus.Volume;
}

/**
 * Where several Grafana pods keep their login sessions, and so how users
 * stay logged in.
 *
 * Since Grafana 6.2 a login is a token in Grafana's own database (SQLite in
 * each pod by default); the old `GF_SESSION_*` settings do nothing. With
 * several pods and SQLite, a user logged in on one pod is a stranger to the
 * others: the seed's "logged in, then immediately logged out".
 */
export abstract class GrafanaSessions {
  /**
   * The quick fix: keep each user on the pod that logged them in, with a
   * ClientIP StickyService (LoadBalancer, 3000 to 3000, 3 hours by default).
   * A user whose pod goes away, or whose IP changes (VPN, mobile), logs in
   * again; dashboards and users made on one pod are not seen on the others.
   *
   * @param options the affinity timeout and traffic policy
   */
  public static clientIpAffinity(options: GrafanaClientIpAffinityOptions = {}): GrafanaSessions {
    return new ClientIpAffinitySessions(options);
  }

  /**
   * The seed's PersistentVolumeClaim (`grafana-sessions`) on Grafana's data
   * folder, so sessions and dashboards survive a pod restart.
   *
   * Its honest limit: a ReadWriteOnce volume can be mounted by the pods of
   * one node only, and SQLite's locking is not safe across nodes, so with
   * several replicas it is refused unless `accessMode` is ReadWriteMany
   * (and even then SQLite on a network file system is slow and fragile:
   * prefer `sharedDatabase()`). It is refused with autoscaling, which starts
   * pods wherever the scheduler likes. With ReadWriteOnce the Deployment is
   * updated by Recreate, since a new pod on another node could not mount the
   * volume while the old one holds it.
   *
   * @param options the claim's name, class, access mode and size
   */
  public static persistentVolume(options: GrafanaPersistentVolumeOptions = {}): GrafanaSessions {
    return new PersistentVolumeSessions(options);
  }

  /**
   * Set Grafana up for this session mode: add what it needs to the pods,
   * create the Service (and anything else) under `grafana`. Called once, by
   * MultiPodGrafana's constructor.
   *
   * @param grafana the Grafana being built
   */
  public abstract bind(grafana: MultiPodGrafana): GrafanaSessionsConfig;
}

/** The Service every mode puts in front of Grafana: the seed's name, port and `app` selector. */
function serviceProps(grafana: MultiPodGrafana): kplus.ServiceProps {
  return {
    metadata: { name: grafana.name },
    type: grafana.serviceType,
    ports: [{ port: GRAFANA_HTTP_PORT, targetPort: GRAFANA_HTTP_PORT }],
  };
}

class ClientIpAffinitySessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaClientIpAffinityOptions) {
    super();
  }

  public bind(grafana: MultiPodGrafana): GrafanaSessionsConfig {
    const service = new StickyService(grafana, 'Service', {
      ...serviceProps(grafana),
      affinityTimeout: this.options.affinityTimeout,
      externalTrafficPolicy: this.options.externalTrafficPolicy,
    });
    service.selectLabel('app', grafana.name);
    checkObjectNames(grafana, ApiObject.of(service));
    return { service };
  }
}

class PersistentVolumeSessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaPersistentVolumeOptions) {
    super();
  }

  public bind(grafana: MultiPodGrafana): GrafanaSessionsConfig {
    const accessMode = this.options.accessMode ?? kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE;
    const shared = accessMode === kplus.PersistentVolumeAccessMode.READ_WRITE_MANY;
    if (grafana.autoscaling !== undefined) {
      throw propError(grafana, 'sessions', 'persistentVolume()',
        'cannot be used with \'autoscaling\': pods started on other nodes cannot mount a volume another node holds, and SQLite cannot be shared safely; use sharedDatabase()');
    }
    if ((grafana.replicas ?? 1) > 1 && !shared) {
      throw propError(grafana, 'sessions', `persistentVolume() with ${accessMode} and ${grafana.replicas} replicas`,
        'needs accessMode ReadWriteMany (and a storage class that provides it) or replicas 1: a ReadWriteOnce volume is mounted by the pods of one node only; prefer sharedDatabase() for several replicas');
    }

    const claim = new kplus.PersistentVolumeClaim(grafana, 'Sessions', {
      metadata: { name: this.options.claimName ?? 'grafana-sessions' },
      accessModes: [accessMode],
      storage: this.options.storage ?? Size.gibibytes(1),
      storageClassName: this.options.storageClassName,
    });
    checkObjectNames(grafana, ApiObject.of(claim), 'claimName');
    const dataVolume = kplus.Volume.fromPersistentVolumeClaim(grafana, 'SessionData', claim, { name: 'session-data' });

    if (!shared) {
      // A rolling update would start the new pod while the old one holds the volume.
      ApiObject.of(grafana.deployment).addJsonPatch(JsonPatch.replace('/spec/strategy', { type: 'Recreate' }));
    }

    // One pod, or pods sharing one SQLite file: every pod knows every session.
    const service = new kplus.Service(grafana, 'Service', serviceProps(grafana));
    service.selectLabel('app', grafana.name);
    checkObjectNames(grafana, ApiObject.of(service));
    return { service, dataVolume };
  }
}
