/** Removes dist/ before `npm pack` builds it again: a file whose source is gone must not ship. */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

rmSync(resolve(import.meta.dirname, '../dist'), { recursive: true, force: true });
