import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** Every TypeScript file of src/. */
function sourceFiles(): string[] {
  return (fs.readdirSync(SRC, { recursive: true }) as string[]).filter(file => file.endsWith('.ts')).map(file => path.join(SRC, file));
}

/** One export of src/index.ts and the declarations behind it (through `export *` and aliases). */
export interface SourceExport {
  readonly name: string;
  readonly symbol: ts.Symbol;
  readonly declarations: readonly ts.Declaration[];
}

/**
 * The exports of src/index.ts, read with the TypeScript compiler as jsii
 * reads them. The program holds src/ alone (`noResolve`, no lib): which
 * declaration a name comes from needs src/'s own modules only, and leaving
 * out the type declarations of cdk8s, cdk8s-plus and Node makes it about
 * five times cheaper than a program of everything src/ imports.
 */
export function sourceExports(): SourceExport[] {
  const index = path.join(SRC, 'index.ts');
  const program = ts.createProgram(sourceFiles(), {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: true, noEmit: true, noResolve: true, noLib: true, types: [],
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  return checker.getExportsOfModule(module).map(exported => {
    // eslint-disable-next-line no-bitwise
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!symbol.declarations?.length) {
      // A name re-exported from a package: this program holds src/ alone, so it cannot tell what that is.
      throw new Error(`src/index.ts exports ${exported.name}, which is not declared in src/: sourceExports() cannot read what it is`);
    }
    return { name: exported.name, symbol, declarations: symbol.declarations };
  });
}
