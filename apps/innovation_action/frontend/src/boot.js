// What the index page (apps/innovation_action/workbench.py) hands the app: a JSON script element, not a
// script that runs (the Content-Security-Policy needs no exception). Only the CSRF token and whether
// someone is logged in: everything else comes from the API.
function read() {
  const element = document.getElementById('workbench-boot')
  try {
    return element ? JSON.parse(element.textContent) : {}
  } catch {
    return {}
  }
}

export const boot = read()
