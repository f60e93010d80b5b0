// Drives our server with the real frappe-js-sdk, as a Node client of a Frappe site would.
// Usage: node roundtrip.mjs <base-url> <username> <password>; prints one JSON object of results.
import { FrappeApp } from "frappe-js-sdk";

const [baseUrl, username, password] = process.argv.slice(2);
const results = {};

// Node's axios keeps no cookies: carry the session cookie ourselves, as a Node client must.
function withCookieJar(app) {
  let cookie = "";
  app.axios.interceptors.response.use((response) => {
    const setCookie = response.headers["set-cookie"];
    if (setCookie) cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
    return response;
  });
  app.axios.interceptors.request.use((config) => {
    if (cookie) config.headers.Cookie = cookie;
    return config;
  });
  return app;
}

async function exercise(app, label) {
  const db = app.db();
  const out = {};
  out.list = await db.getDocList("Project", {
    fields: ["name", "project_name", "county", "total_investment"],
    filters: [["section", "=", "续建"], ["county", "=", "崇义县"]],
    orderBy: { field: "number", order: "asc" },
    limit: 10,
  });
  out.orList = await db.getDocList("Project", {
    fields: ["name"], orFilters: [["county", "=", "定南县"], ["number", "=", 1]], orderBy: { field: "number", order: "asc" },
  });
  out.count = await db.getCount("Project", [["section", "=", "新开工"]]);
  out.doc = await db.getDoc("Task", "2023-T08");
  // A child table's row read directly: getValue's last argument is Frappe's parent (the parent doctype).
  out.childValue = (
    await db.getValue("Task Unit", ["unit", "parent", "parenttype", "parentfield", "idx"], { parent: "2023-T08" },
      true, false, "Task")
  ).message;
  const created = await db.createDoc("Task", {
    plan: "2023", section_number: 7, section: "（七）广聚各类优秀人才，提升创新创业活力", number: label === "session" ? 41 : 42,
    title: `客户端测试任务（${label}）`, content: "由 frappe-js-sdk 创建。", lead_unit: "市科技局",
    units: [{ unit: "市科技局", role: "牵头" }],
  });
  out.created = created.name;
  const updated = await db.updateDoc("Task", created.name, { title: `已修改（${label}）`, modified: created.modified });
  out.updatedTitle = updated.title;
  // frappe.client methods as the SDK calls them (GET with JSON-encoded params, POST with a JSON body).
  out.value = (await db.getValue("Task", ["title", "lead_unit"], { name: created.name })).message;
  out.valueName = (await db.getValue("Task", undefined, [["name", "=", created.name]])).message;
  out.setValue = (await db.setValue("Task", created.name, { content: `setValue（${label}）` })).message.content;
  try {
    await db.submit({ doctype: "Task", name: created.name });
    out.submit = "accepted";
  } catch (error) {
    out.submit = { httpStatus: error.httpStatus, exc_type: error.exc_type };
  }
  try {
    await db.updateDoc("Task", created.name, { title: "过时的修改", modified: created.modified });
    out.staleUpdate = "accepted";
  } catch (error) {
    out.staleUpdate = { httpStatus: error.httpStatus, exc_type: error.exc_type, message: error.message };
  }
  out.deleted = await db.deleteDoc("Task", created.name);
  try {
    await db.getDoc("Task", created.name);
    out.afterDelete = "still there";
  } catch (error) {
    out.afterDelete = { httpStatus: error.httpStatus, exc_type: error.exc_type };
  }
  out.user = await app.auth().getLoggedInUser();
  return out;
}

try {
  const sessionApp = withCookieJar(new FrappeApp(baseUrl));
  results.login = await sessionApp.auth().loginWithUsernamePassword({ username, password });
  results.session = await exercise(sessionApp, "session");
  const keys = await sessionApp.call().post("frappe.core.doctype.user.user.generate_keys", {});
  await sessionApp.auth().logout();
  try {
    await sessionApp.auth().getLoggedInUser();
    results.afterLogout = "still logged in";
  } catch (error) {
    results.afterLogout = { httpStatus: error.httpStatus, exc_type: error.exc_type };
  }
  const tokenApp = new FrappeApp(baseUrl, {
    useToken: true, type: "token", token: () => `${keys.message.api_key}:${keys.message.api_secret}`,
  });
  results.token = await exercise(tokenApp, "token");
  try {
    await new FrappeApp(baseUrl, { useToken: true, type: "token", token: () => `${keys.message.api_key}:wrong` })
      .db().getCount("Project");
    results.wrongToken = "accepted";
  } catch (error) {
    results.wrongToken = { httpStatus: error.httpStatus, exc_type: error.exc_type };
  }
} catch (error) {
  results.error = { message: error.message, httpStatus: error.httpStatus, exc_type: error.exc_type };
}
console.log(JSON.stringify(results));
