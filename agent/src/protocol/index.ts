// The agent protocol: wire messages, plans, enrolment tokens and clock arithmetic.
export * from './messages.ts';
export * from './plan.ts';
export * from './enrolment-token.ts';
export * from './clock.ts';
