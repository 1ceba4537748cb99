// From source, a worker thread needs tsx's loader before it can import TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
