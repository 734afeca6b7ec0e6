/**
 * The CLI needs Node.js 24 (type stripping, `import.meta.main`). Imported first by the entry point, so an older Node
 * exits 2 with the reason instead of running nothing and exiting 0. Plain syntax: older Nodes must parse it.
 */
export const MIN_NODE_MAJOR = 24;

const major = Number(process.versions.node.split('.')[0]);
if (!(major >= MIN_NODE_MAJOR)) {
  process.stderr.write(`stateguard needs Node.js >= ${MIN_NODE_MAJOR} (this is ${process.versions.node})\n`);
  process.exit(2);
}
