// 忘记密码 through the real frappe-js-sdk: auth().forgetPassword(user) (the legacy cmd= POST to the site root),
// then, with the key from the email, update_password and a login with the new password.
// Usage: node password_reset.mjs <base-url> forget <user>
//        node password_reset.mjs <base-url> update <key> <username> <new-password>
// Prints one JSON object of results.
import { FrappeApp } from "frappe-js-sdk";

const [baseUrl, mode, ...args] = process.argv.slice(2);
const app = new FrappeApp(baseUrl);
const results = {};

async function attempt(name, run) {
  try {
    results[name] = { ok: true, value: (await run()) ?? null };
  } catch (error) {
    results[name] = { ok: false, httpStatus: error.httpStatus, exc_type: error.exc_type, message: error.message };
  }
}

if (mode === "forget") {
  await attempt("forget", () => app.auth().forgetPassword(args[0]));
} else {
  const [key, username, newPassword] = args;
  const update = { key, new_password: newPassword };
  await attempt("update", () => app.call().post("frappe.core.doctype.user.user.update_password", update));
  await attempt("again", () => app.call().post("frappe.core.doctype.user.user.update_password", update));
  await attempt("login", () => app.auth().loginWithUsernamePassword({ username, password: newPassword }));
}
console.log(JSON.stringify(results));
