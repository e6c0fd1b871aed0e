export { freeCores } from './free-cores';
export { runGridInProcesses, CLI_SCRIPT } from './process-grid';
export type { ProcessGridOptions, ProcessGridProgress } from './process-grid';
export { slurmScript, slurmTasks, submitSlurmGrid, jobName } from './slurm';
export type { SlurmResources, SlurmGridOptions, SlurmTask, SlurmSubmitResult } from './slurm';
export { runStates, slurmSubmissions, slurmTaskStates, slurmFolder } from './status';
export type { RunStateRow, RunStateName, SlurmSubmission } from './status';
