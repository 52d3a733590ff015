// The states a task run ends in: once in one, a run changes no more.
import type { RunState } from '../db/generated/client.ts';

export const ENDED_RUN_STATES: RunState[] = ['succeeded', 'failed', 'cancelled'];
