// From source, a job's process needs tsx's loader before it can import TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
