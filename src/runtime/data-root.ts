/**
 * The default folder for generated data and stored runs. In a checkout of the project (sources or
 * build) it is the checkout's `data/`; when the library is installed as a package (its folder lies
 * in a `node_modules/`), `data/` in the process's working directory: nothing is written into
 * `node_modules/`.
 */
import * as path from 'node:path';

/** The folder of this package: two up from both src/runtime/ and dist/runtime/. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/** True when this library runs as an installed package (from inside a node_modules folder). */
export function isInstalledPackage(packageRoot: string = PACKAGE_ROOT): boolean {
  return packageRoot.split(path.sep).includes('node_modules');
}

/** `<checkout>/data`, or `<working directory>/data` for an installed package (absolute). */
export function defaultDataRoot(packageRoot: string = PACKAGE_ROOT): string {
  return isInstalledPackage(packageRoot) ? path.resolve('data') : path.join(packageRoot, 'data');
}
