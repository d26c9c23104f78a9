import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkEnvName, checkSecretKey } from './common';
import { propError } from '../../errors';
import { JWT_SECRET_ENV } from '../../facts/session-stores';
import { SessionStore, SessionStoreConfig, SessionStoreConsumer, SessionStoreKind } from '../session-store';

/** Options of `SessionStore.jwt()`. */
export interface JwtSessionStoreOptions {
  /** The Secret holding the signing key, in the app's namespace. */
  readonly secret: kplus.ISecret;

  /** The key in the Secret's data that holds the signing key. */
  readonly key: string;

  /**
   * Name of the app's variable with the signing key (a `secretKeyRef`).
   *
   * @default 'JWT_SECRET'
   */
  readonly env?: string;
}

/**
 * Stateless sessions: the app signs a token with a key from a Secret and
 * every replica verifies it with the same key. Nothing runs in the chart.
 */
export class JwtSessionStore extends SessionStore {
  /** Which store this is. */
  public readonly kind = SessionStoreKind.JWT;

  /** The options given. */
  private readonly options: JwtSessionStoreOptions;

  /** @param options the Secret and key holding the signing key */
  public constructor(options: JwtSessionStoreOptions) {
    super();
    // Plain JavaScript may leave the options out: bind() then names what is missing.
    this.options = options ?? ({} as JwtSessionStoreOptions);
  }

  /**
   * Returns the signing key's variable; creates nothing.
   *
   * @param scope the consumer, named in errors
   * @param consumer the consumer: its namespace is where the Secret must be
   */
  public bind(scope: Construct, consumer: SessionStoreConsumer): SessionStoreConfig {
    const o = this.options;
    if (o.secret === undefined) {
      throw propError(scope, 'store.secret', 'not given', 'must be the Secret holding the JWT signing key');
    }
    if (o.key === undefined) {
      throw propError(scope, 'store.key', 'not given', 'must name the key of the Secret that holds the JWT signing key');
    }
    checkSecretKey(scope, 'store', { secret: o.secret, key: o.key }, consumer, 'store.secret', 'store.key');
    const env = o.env ?? JWT_SECRET_ENV;
    checkEnvName(scope, 'store.env', env);
    const signingKey = { secret: o.secret, key: o.key };
    return {
      kind: this.kind,
      env: [{ name: env, value: kplus.EnvValue.fromSecretValue(signingKey) }],
      signingKey,
      tls: false,
      runsInChart: false,
    };
  }
}
