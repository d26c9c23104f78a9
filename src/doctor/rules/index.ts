import { grafanaConfigNotInInputs, grafanaDatabaseTypeUnknown, legacySessionSettings } from './grafana';
import {
  cookiePathNotCoveringRoute,
  nginxAffinityNotCookie,
  nginxCookieName,
  nginxCookieSeconds,
  nginxCookieWithoutAffinity,
  cookieAffinityWithoutIngressClass,
  cookieSharedByServices,
  nginxSameSiteNoneInsecure,
  traefikStickyOnIngress,
} from './ingress';
import { metadataValueNotString } from './metadata';
import {
  nginxAffinityModeUnknown,
  nginxAffinityPartialHost,
  nginxBalancedAffinityAutoscaled,
  nginxRegexWithoutCookiePath,
} from './nginx';
import { gkeGatewayAffinityUnsupported, kongStickyPolicyUnused, nginxPlusSessionCookieUnnamed } from './platforms';
import { clientIpMultiPort } from './ports';
import { Rule } from './rule';
import {
  affinityValueUnsupported,
  affinityWithoutProxy,
  awsNlbStickinessDependsOnWebhook,
  clientIpSourceHidden,
  configIgnored,
  timeoutOutOfRange,
} from './service';
import {
  affinitySingleReplica,
  awsNlbSpreadsSessions,
  awsNlbWithoutStickiness,
  clientIpAutoscaled,
  clientIpBehindIngress,
  clientIpBypassed,
  clientIpSeesProxy,
  sessionsLostRoundRobin,
} from './sessions';

export type { Rule } from './rule';

/** Every rule, in the order findings are reported. */
export const RULES: readonly Rule[] = [
  sessionsLostRoundRobin,
  clientIpBypassed,
  clientIpSeesProxy,
  awsNlbSpreadsSessions,
  metadataValueNotString,
  affinityValueUnsupported,
  timeoutOutOfRange,
  configIgnored,
  affinityWithoutProxy,
  nginxAffinityNotCookie,
  nginxCookieSeconds,
  nginxCookieName,
  nginxSameSiteNoneInsecure,
  nginxCookieWithoutAffinity,
  nginxAffinityModeUnknown,
  nginxRegexWithoutCookiePath,
  cookiePathNotCoveringRoute,
  nginxAffinityPartialHost,
  traefikStickyOnIngress,
  cookieSharedByServices,
  cookieAffinityWithoutIngressClass,
  clientIpBehindIngress,
  awsNlbWithoutStickiness,
  awsNlbStickinessDependsOnWebhook,
  clientIpMultiPort,
  legacySessionSettings,
  grafanaDatabaseTypeUnknown,
  clientIpSourceHidden,
  affinitySingleReplica,
  clientIpAutoscaled,
  nginxBalancedAffinityAutoscaled,
  grafanaConfigNotInInputs,
  kongStickyPolicyUnused,
  gkeGatewayAffinityUnsupported,
  nginxPlusSessionCookieUnnamed,
];
