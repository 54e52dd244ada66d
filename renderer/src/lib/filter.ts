/** True when the filter is empty or any of the fields contains it (case-insensitive). */
export const matchesFilter = (filter: string, ...fields: Array<string | null | undefined>): boolean => {
  const f = filter.trim().toLowerCase();
  return !f || fields.some((x) => x?.toLowerCase().includes(f));
};
