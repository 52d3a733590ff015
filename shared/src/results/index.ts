// What agents report about the jobs they ran, and what the server sums up from it: step outcomes,
// stream totals and series, final results, the load and convergence summaries.
export * from './step-outcome.ts';
export * from './stream-totals.ts';
export * from './job-results.ts';
export * from './load-summary.ts';
export * from './stream-gaps.ts';
export * from './convergence-summary.ts';
export * from './agent-run.ts';
