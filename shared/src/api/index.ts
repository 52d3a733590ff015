// The REST API's request and response shapes: the server's routes validate and document with them,
// the GUI's API client reads with them.
export * from './common.ts';
export * from './auth.ts';
export * from './targets.ts';
export * from './tasks.ts';
export * from './jobs.ts';
export * from './agents.ts';
export * from './sequences.ts';
export * from './templates.ts';
export * from './topology.ts';
export * from './task-args.ts';
export * from './devices.ts';
export * from './monitors.ts';
export * from './bounds.ts';
export * from './alerts.ts';
export * from './multicast.ts';
