export { dijkstra, dijkstraGrid, dijkstraBatch } from './dijkstra';
export type { DijkstraOptions, NegativeWeightPolicy } from './dijkstra';
