import * as path from 'path';
import * as ts from 'typescript';
import { sourceExports } from './util/source-exports';

/**
 * jsii publishes classes, interfaces and enums; an exported `const` or
 * `function` reaches JavaScript users of the package but no other language and
 * no API document. This reads the declarations behind every export of
 * `src/index.ts` with the TypeScript compiler, as jsii does, without a build.
 */
function exportsJsiiCannotSee(): string[] {
  const jsiiKinds = new Set([ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.InterfaceDeclaration, ts.SyntaxKind.EnumDeclaration]);
  const src = path.resolve(__dirname, '..', 'src');
  const unseen: string[] = [];
  for (const { name, declarations } of sourceExports()) {
    for (const declaration of declarations) {
      if (!jsiiKinds.has(declaration.kind)) {
        unseen.push(`${name} (${ts.SyntaxKind[declaration.kind]} in ${path.relative(src, declaration.getSourceFile().fileName)})`);
      }
    }
  }
  return unseen.sort();
}

describe('the package\'s exports', () => {
  test('GIVEN src/index.ts THEN every export is a class, interface or enum jsii publishes', () => {
    expect(exportsJsiiCannotSee()).toEqual([]);
  });
});
