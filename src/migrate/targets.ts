// The targets by the names the CLI takes, apart from the migration itself so
// that the CLI's usage and argument checks load nothing else.
import { MigrationTarget } from './model';

/** The targets whose routes are Gateway API HTTPRoutes. */
export const HTTPROUTE_TARGETS: readonly MigrationTarget[] = [
  MigrationTarget.GATEWAY_API, MigrationTarget.ENVOY_GATEWAY, MigrationTarget.ISTIO, MigrationTarget.KONG, MigrationTarget.GKE,
];

/** Every target, by the name the CLI takes. */
export const TARGETS: readonly MigrationTarget[] = Object.values(MigrationTarget);
