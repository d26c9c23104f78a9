import {
  describeNameRule,
  DNS_LABEL_MAX,
  DNS_SUBDOMAIN_MAX,
  followsNameRule,
  NAMESPACE_NAME_RULE,
  NameRule,
  nameRuleOfKind,
} from '../../src/facts/names';

describe('Kubernetes object-name rules', () => {
  test.each([
    // name, DNS-1035 label, DNS-1123 label, DNS-1123 subdomain
    ['grafana', true, true, true],
    ['legacy-app', true, true, true],
    ['a', true, true, true],
    ['a1', true, true, true],
    ['1grafana', false, true, true],
    ['Grafana', false, false, false],
    ['legacy_app', false, false, false],
    ['-grafana', false, false, false],
    ['grafana-', false, false, false],
    ['', false, false, false],
    ['grafana.observability', false, false, true],
    ['grafana..observability', false, false, false],
    ['grafana.-x', false, false, false],
  ])('%j: 1035 label %s, 1123 label %s, 1123 subdomain %s', (name, label1035, label1123, subdomain) => {
    expect(followsNameRule(name, NameRule.DNS_1035_LABEL)).toBe(label1035);
    expect(followsNameRule(name, NameRule.DNS_1123_LABEL)).toBe(label1123);
    expect(followsNameRule(name, NameRule.DNS_1123_SUBDOMAIN)).toBe(subdomain);
  });

  test('labels stop at 63 characters, subdomains at 253 with 63 per part', () => {
    expect(DNS_LABEL_MAX).toBe(63);
    expect(DNS_SUBDOMAIN_MAX).toBe(253);
    for (const rule of [NameRule.DNS_1035_LABEL, NameRule.DNS_1123_LABEL, NameRule.DNS_1123_SUBDOMAIN]) {
      expect(followsNameRule('g'.repeat(63), rule)).toBe(true);
      expect(followsNameRule('g'.repeat(64), rule)).toBe(false);
    }
    const part = 'g'.repeat(63);
    const longest = [part, part, part, 'g'.repeat(61)].join('.');
    expect(longest).toHaveLength(253);
    expect(followsNameRule(longest, NameRule.DNS_1123_SUBDOMAIN)).toBe(true);
    expect(followsNameRule(`${longest}g`, NameRule.DNS_1123_SUBDOMAIN)).toBe(false);
  });

  test('Services are DNS-1035 labels, Namespaces DNS-1123 labels, other kinds subdomains', () => {
    expect(nameRuleOfKind('Service')).toBe(NameRule.DNS_1035_LABEL);
    expect(nameRuleOfKind('Namespace')).toBe(NameRule.DNS_1123_LABEL);
    expect(['Deployment', 'Ingress', 'Secret', 'HTTPRoute'].map(nameRuleOfKind)).toEqual(Array(4).fill(NameRule.DNS_1123_SUBDOMAIN));
    expect(NAMESPACE_NAME_RULE).toBe(NameRule.DNS_1123_LABEL);
  });

  test('each rule reads as a sentence for error messages', () => {
    expect(describeNameRule(NameRule.DNS_1035_LABEL)).toEqual(
      "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters");
    expect(describeNameRule(NameRule.DNS_1123_LABEL)).toEqual(
      "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
    expect(describeNameRule(NameRule.DNS_1123_SUBDOMAIN)).toEqual(
      "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters");
  });
});
