import { migrateDocs } from './migrate';
import { MigrationGatewayApi, MigrationOptions, MigrationResult, MigrationTarget } from './model';
import { parseManifests } from '../doctor/load';
import { untypedProps } from '../units';

/** What plain JavaScript can get wrong in the migration's options (made once). */
const MIGRATION_OPTION_RULES = {
  required: ['target'], enums: { target: MigrationTarget, gatewayApi: MigrationGatewayApi }, strings: ['file', 'gateway', 'gatewayNamespace'],
};

/**
 * Moves ingress-nginx Ingresses to another controller, keeping their cookie
 * affinity: the same work as the `affinity-migrate` command, as a library
 * call. Takes and returns plain JSON objects, so it needs no cdk8s app.
 *
 * Every Ingress of class nginx (or with nginx annotations) becomes the
 * target's objects (an Ingress without affinity becomes the plain route), and
 * every annotation gets a note: carried, approximated (how) or dropped (why).
 */
export class AffinityMigration {
  /**
   * Migrates manifests given as JSON objects (Services among them let named
   * ports be resolved and, for Kong, be written with the policy attached).
   *
   * @throws Error naming the option when the options are not usable
   */
  public static migrate(manifests: any[], options: MigrationOptions): MigrationResult {
    options = untypedProps('AffinityMigration.migrate()', options, MIGRATION_OPTION_RULES);
    return migrateDocs(manifests.map(obj => ({ obj })), options);
  }

  /**
   * Migrates manifests given as YAML (or JSON) text, one or more documents;
   * the notes carry the line of each Ingress.
   *
   * @throws Error naming the line of a syntax error
   */
  public static migrateYaml(text: string, options: MigrationOptions): MigrationResult {
    options = untypedProps('AffinityMigration.migrateYaml()', options, MIGRATION_OPTION_RULES);
    return migrateDocs(parseManifests(text, options.file), options);
  }

  private constructor() {}
}
