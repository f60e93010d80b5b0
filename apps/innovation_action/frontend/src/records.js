// Links from a figure to the records behind it: the generic records page (/records) takes a list of
// Frappe filter sets ({ doctype, filters }) and, for expected documents not created yet, their descriptions.
export function recordsRoute(title, sets, missing = []) {
  const list = (Array.isArray(sets) ? sets : [sets]).filter(Boolean)
  return {
    name: 'records',
    query: { title, q: JSON.stringify(list), missing: missing.length ? JSON.stringify(missing) : undefined },
  }
}
