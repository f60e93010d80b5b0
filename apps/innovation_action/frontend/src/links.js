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
