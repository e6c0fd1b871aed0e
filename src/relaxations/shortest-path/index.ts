export { dijkstra, dijkstraGrid, dijkstraBatch } from './dijkstra';
export type { DijkstraOptions, NegativeWeightPolicy } from './dijkstra';
export { relaxedBellmanFord, UNREACHED } from './relaxed-bellman-ford';
export type { RelaxedBellmanFordOptions, TConorm, TracebackLoop } from './relaxed-bellman-ford';
export { pathL1Loss, pathL2SquaredLoss } from './path-losses';
