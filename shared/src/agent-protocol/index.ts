// The agent protocol (agent-initiated HTTPS + JSON): wire messages, plans, enrolment tokens and the
// clock arithmetic both ends share.
export * from './messages.ts';
export * from './plan.ts';
export * from './enrolment-token.ts';
export * from './clock.ts';
export * from './monitors.ts';
export * from './policy.ts';
export * from './versions.ts';
export * from './updates.ts';
export * from './install-command.ts';
export * from './remote-polls.ts';
