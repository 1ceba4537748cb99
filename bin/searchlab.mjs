#!/usr/bin/env node
// The `searchlab` command. SearchLab's engine is TypeScript run from source through tsx's loader,
// so the same code serves the CLI, browser mode and the tests without a separate build.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/entry.ts');
