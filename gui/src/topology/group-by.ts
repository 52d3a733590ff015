// The map's grouping choices, apart from the grouping code (and its address parser), which loads with
// the canvas rather than with the app.
export const GROUP_BY = ['none', 'site', 'subnet'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export const isGroupBy = (v: string | null | undefined): v is GroupBy =>
  (GROUP_BY as readonly string[]).includes(v ?? '');
