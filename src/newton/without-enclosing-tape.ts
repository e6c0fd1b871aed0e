/**
 * Suspends an enclosing gradient tape. The Newton target z* is a constant of the Newton loss, yet
 * computing it takes gradients (and m Hessian-vector products) of the per-sample loss. Called
 * inside `tf.grad` / `tf.variableGrads`, tfjs records all of those ops on the enclosing tape and
 * keeps their intermediates alive until its backward pass, which then filters the whole tape: the
 * more Hessian-vector products, the slower (bench/newton-overhead.ts). Running them with the tape
 * suspended gives the same numbers at the cost of a standalone computation.
 *
 * Uses the engine's public state fields `activeTape` and `gradientDepth` (tfjs 4); where they are
 * absent, `f` simply runs on the enclosing tape (correct, slower).
 */
import * as tf from '@tensorflow/tfjs';

interface TapeState {
  activeTape: unknown;
  gradientDepth: number;
}

/** Runs `f` outside any enclosing tape; gradients taken inside `f` use a tape of their own. */
export function withoutEnclosingTape<T>(f: () => T): T {
  const state = (tf.engine() as unknown as { state?: Partial<TapeState> }).state;
  if (!state || typeof state.gradientDepth !== 'number' || !('activeTape' in state) || state.gradientDepth === 0) return f();
  const saved = { activeTape: state.activeTape, gradientDepth: state.gradientDepth };
  state.activeTape = null;
  state.gradientDepth = 0;
  try {
    return f();
  } finally {
    state.activeTape = saved.activeTape;
    state.gradientDepth = saved.gradientDepth;
  }
}
