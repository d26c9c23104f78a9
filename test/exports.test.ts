import * as path from 'path';
import * as ts from 'typescript';

/**
 * jsii publishes classes, interfaces and enums; an exported `const` or
 * `function` reaches JavaScript users of the package but no other language and
 * no API document. This reads the declarations behind every export of
 * `src/index.ts` with the TypeScript compiler, as jsii does, without a build.
 */
function exportsJsiiCannotSee(): string[] {
  const index = path.resolve(__dirname, '..', 'src', 'index.ts');
  const program = ts.createProgram([index], {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  const jsiiKinds = new Set([ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.InterfaceDeclaration, ts.SyntaxKind.EnumDeclaration]);
  const unseen: string[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    // eslint-disable-next-line no-bitwise
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of symbol.declarations ?? []) {
      if (!jsiiKinds.has(declaration.kind)) {
        unseen.push(`${exported.name} (${ts.SyntaxKind[declaration.kind]} in ${path.relative(path.dirname(index), declaration.getSourceFile().fileName)})`);
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
