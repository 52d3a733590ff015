// Sequences as users store them, and their problems named at the field: shared by the API (validation,
// refusals) and the GUI's editor (checks before sending).
export * from './definition.ts';
export * from './problems.ts';
export * from './actors.ts';
