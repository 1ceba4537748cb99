// The engine's public surface for its faces (Electron, the CLI, the browser server, the benchmarks): one Engine
// per data folder, answering the contract's calls.
export { Engine, type EngineOptions } from './engine';
