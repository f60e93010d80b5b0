// frappe-js-sdk with an OAuth 2 access token (Frappe's OAuth provider), as Frappe's docs show it:
// tokenParams: { useToken: true, token: () => accessToken, type: "Bearer" }.
// Usage: node bearer.mjs <base-url> <access-token> <doctype>; prints one JSON object of results.
import { FrappeApp } from "frappe-js-sdk";

const [baseUrl, accessToken, doctype] = process.argv.slice(2);
const app = new FrappeApp(baseUrl, { useToken: true, token: () => accessToken, type: "Bearer" });
const results = {};
try {
  results.list = await app.db().getDocList(doctype, { fields: ["name", "county"], limit: 100 });
  results.count = await app.db().getCount(doctype);
  results.user = (await app.call().get("frappe.auth.get_logged_user")).message;
  try {
    await new FrappeApp(baseUrl, { useToken: true, token: () => "not-a-token", type: "Bearer" })
      .db().getDocList(doctype);
    results.wrongToken = "accepted";
  } catch (error) {
    results.wrongToken = { httpStatus: error.httpStatus, exc_type: error.exc_type, message: error.message };
  }
} catch (error) {
  results.error = { httpStatus: error.httpStatus, message: error.message, exception: error.exception };
}
console.log(JSON.stringify(results));
