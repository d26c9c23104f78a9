import { Outcome } from './harness';
import { AffinityDoctor, Finding, Severity } from '../../src';
import { Manifest } from '../util/manifests';

/** Counts what generated cases did, so a run can show its mix (set PROPERTY_MIX=1 to print it). */
export class Mix {
  private readonly counts = new Map<string, number>();

  /** Records an outcome and hands it back. */
  public add(outcome: Outcome): Outcome {
    const key = 'manifests' in outcome ? 'synthesized' : `refused: ${outcome.refused.join(', ')}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return outcome;
  }

  public get synthesized(): number {
    return this.counts.get('synthesized') ?? 0;
  }

  public get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  public toString(): string {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v} ${k}`).join('; ');
  }
}

/** One Mix per construct, printed after the file's tests when PROPERTY_MIX is set. */
export function mixes(): { of(name: string): Mix; all(): Array<[string, Mix]> } {
  const byName: Record<string, Mix> = {};
  afterAll(() => {
    if (process.env.PROPERTY_MIX) {
      // eslint-disable-next-line no-console
      console.log(Object.entries(byName).map(([k, v]) => `${k}: ${v.synthesized}/${v.total} synthesized; ${v}`).join('\n'));
    }
  });
  return {
    of: name => byName[name] ??= new Mix(),
    all: () => Object.entries(byName),
  };
}

/** The doctor's error-level findings on what the library wrote: there must be none. */
export function doctorErrors(manifests: Manifest[]): Finding[] {
  return AffinityDoctor.check(manifests).filter(f => f.severity === Severity.ERROR);
}

/**
 * Containers whose image no pod can start with: empty (the API server takes it
 * in a template, then refuses the pods) or with whitespace (refused, or no
 * image reference at all).
 */
export function imageProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const pod = m.spec?.template?.spec ?? m.spec?.jobTemplate?.spec?.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      if (typeof c.image !== 'string' || !/^[\x21-\x7e]+$/.test(c.image)) {
        problems.push(`${m.kind} ${m.metadata?.name} container ${c.name}: image ${JSON.stringify(c.image)}`);
      }
    }
  }
  return problems;
}
