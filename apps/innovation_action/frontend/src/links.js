// Where the workbench shows a document (a notification, a 待办 item links there); null when it has no page.
const PAGES = {
  SelfAssessment: 'self-assessment',
  'Progress Report': 'monthly-report',
  'Project Report': 'project-report',
}

export function docRoute(doctype, name) {
  const page = PAGES[doctype]
  return page && name ? { name: page, params: { name } } : null
}

// A page of this site to go back to after logging in (Frappe's `redirect-to`, e.g. the OAuth consent page
// at /api/method/frappe.integrations.oauth2.authorize?…), as a path; '' for anything else, so the login
// never sends anyone to another site ("https://evil.example/", "//evil.example", "/\evil.example").
export function sameSitePath(value) {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return ''
  let url
  try {
    url = new URL(value, window.location.origin)
  } catch {
    return ''
  }
  // The parsed path, not the text: "/.//evil.example" reads as "//evil.example", another host once assigned.
  if (url.origin !== window.location.origin || url.pathname.startsWith('//')) return ''
  return url.pathname + url.search + url.hash
}
