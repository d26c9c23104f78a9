import { IConstruct } from 'constructs';

/**
 * The root of the construct tree `scope` is in (the app). constructs'
 * `node.root` copies every scope above into a new array; walking up
 * allocates nothing, and constructs that look their app up once or more per
 * instance do it hundreds of times per synth.
 */
export function rootOf(scope: IConstruct): IConstruct {
  let root = scope;
  while (root.node.scope !== undefined) {
    root = root.node.scope;
  }
  return root;
}
