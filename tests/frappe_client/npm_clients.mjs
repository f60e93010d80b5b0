// Request shapes of more Frappe client libraries from npm, reproduced from their source with plain
// fetch (tests/test_npm_clients.py): frappe-js-client 2.3.7 (axios; token auth), node-erpnext 1.4.0
// (request; form-encoded bodies), frappe-straw 0.13.0 (React; Desk form methods),
// @rustedcompiler/frappe-hooks 2.1.1 (fetch; four-element filters, expand) and frappe-ui 0.1.278's
// data composables' writes. Usage: node npm_clients.mjs <base-url> <user> <password>; prints a JSON
// list of {label, ok, detail}. The API keys are made by admin (same password) with generate_keys.
import http from "node:http";

const [BASE_ARG, user, pwd] = process.argv.slice(2);
const BASE = BASE_ARG.replace(/\/$/, "");
const results = [];
async function check(label, fn) {
  try {
    const r = await fn();
    results.push({ label, ok: !!r.ok, detail: r.detail ?? "" });
  } catch (e) {
    results.push({ label, ok: false, detail: String(e?.stack || e).slice(0, 300) });
  }
}
const short = (x) => String(JSON.stringify(x)).slice(0, 240);
const expect = (cond, detail) => ({ ok: !!cond, detail });
const hasChinese = (x) => /[\u4e00-\u9fff]/.test(JSON.stringify(x));
async function parse(res) {
  const t = await res.text();
  try { return JSON.parse(t); } catch { return { __text: t.slice(0, 200) }; }
}
function cookieJar() {
  const jar = {};
  return {
    header: () => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join("; "),
    take(res) {
      for (const sc of res.headers.getSetCookie?.() || []) {
        const [kv] = sc.split(";");
        const i = kv.indexOf("=");
        jar[kv.slice(0, i).trim()] = kv.slice(i + 1);
      }
    },
  };
}
async function send(method, path, { headers = {}, body, jar } = {}) {
  const h = { ...headers };
  if (jar && jar.header()) h.Cookie = jar.header();
  const res = await fetch(BASE + path, { method, headers: h, body, redirect: "manual" });
  jar?.take(res);
  return { status: res.status, data: await parse(res) };
}
const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) p.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  return p.toString();
};
const JSON_HEADERS = { Accept: "application/json", "Content-Type": "application/json; charset=utf-8" };
const okMsg = (r, cond = () => true) => expect(r.status >= 200 && r.status < 300 && cond(r.data), `${r.status} ${short(r.data)}`);
const refusedShape = (r, status) =>
  expect((status ? r.status === status : r.status >= 400 && r.status < 500) && (r.data.exc_type || r.data.errors) && hasChinese(r.data), `${r.status} ${short(r.data)}`);
const writes = user === "office" || user === "admin";
const SECTION = "（七）广聚各类优秀人才，提升创新创业活力";
const newTask = (number, title) => ({ plan: "2023", section_number: 7, section: SECTION, number, title, content: "x", lead_unit: "市科技局", units: [{ unit: "市科技局", role: "牵头" }] });
const offset = user === "admin" ? 10 : 0;

// API keys, as an administrator makes them for a user (frappe.core.doctype.user.user.generate_keys).
const adminJar = cookieJar();
await send("POST", "/api/method/login", { headers: JSON_HEADERS, body: JSON.stringify({ usr: "admin", pwd }), jar: adminJar });
const keys = (await send("POST", "/api/method/frappe.core.doctype.user.user.generate_keys", { headers: JSON_HEADERS, body: JSON.stringify({ user }), jar: adminJar })).data.message;
const TOKEN = { ...JSON_HEADERS, Authorization: `token ${keys.api_key}:${keys.api_secret}` };

// ------------------------------------------------------------------ frappe-js-client 2.3.7 (axios, token)
const fjc = (method, path, params, data) =>
  send(method, path + (params ? "?" + qs(params) : ""), { headers: TOKEN, body: data === undefined ? undefined : JSON.stringify(data) });
let project;
await check("frappe-js-client auth.loginWithUsernamePassword (usr, pwd, device)", async () =>
  okMsg(await send("POST", "/api/method/login", { headers: JSON_HEADERS, body: JSON.stringify({ usr: user, pwd, device: "desktop" }) }), (d) => d.message === "Logged In"));
await check("frappe-js-client call.get('frappe.ping')", async () => okMsg(await fjc("GET", "/api/method/frappe.ping"), (d) => d.message === "pong"));
await check("frappe-js-client auth.getLoggedInUser", async () => okMsg(await fjc("GET", "/api/method/frappe.auth.get_logged_user"), (d) => d.message === user));
await check("frappe-js-client db.getDocList (limit, as_dict=true, order_by 'creation desc')", async () => {
  const r = await fjc("GET", "/api/resource/Project", { fields: JSON.stringify(["name", "project_name", "county"]), filters: JSON.stringify([["section", "=", "续建"]]), order_by: "creation desc", limit: 3, as_dict: true });
  project = r.data.data?.[0]?.name;
  return okMsg(r, (d) => d.data.length > 0 && d.data.length <= 3 && "project_name" in d.data[0]);
});
await check("frappe-js-client db.getDocList with an empty order_by and or_filters/group_by", async () => {
  const r = await fjc("GET", "/api/resource/Project", { fields: JSON.stringify(["county", "count(name) as n"]), filters: JSON.stringify([["section", "in", ["续建", "新开工"]], ["creation", ">=", "2024-01-01"]]), or_filters: JSON.stringify([["county", "=", "章贡区"], ["owner", "=", "admin"]]), group_by: "county", order_by: "", limit: 50, as_dict: true });
  return okMsg(r, (d) => Array.isArray(d.data) && d.data.every((x) => "n" in x));
});
await check("frappe-js-client db.getLastDoc (limit 1, fields [name], then getDoc)", async () => {
  const l = await fjc("GET", "/api/resource/Project", { fields: JSON.stringify(["name"]), filters: JSON.stringify([["section", "=", "续建"]]), order_by: "creation desc", limit: 1, as_dict: true });
  const d = await fjc("GET", `/api/resource/Project/${encodeURIComponent(l.data.data[0].name)}`);
  return okMsg(d, (x) => x.data.name === l.data.data[0].name);
});
await check("frappe-js-client client.getList (GET frappe.client.get_list/ with a trailing slash)", async () =>
  okMsg(await fjc("GET", "/api/method/frappe.client.get_list/", { doctype: "Project", fields: JSON.stringify(["name"]), order_by: "number asc", limit_start: 0, limit_page_length: 2, as_dict: true }), (d) => d.message.length <= 2));
await check("frappe-js-client client.getCount / getDoc / getValue", async () => {
  const c = await fjc("GET", "/api/method/frappe.client.get_count/", { doctype: "Project" });
  const g = await fjc("GET", "/api/method/frappe.client.get/", { doctype: "Project", name: project });
  const v = await fjc("GET", "/api/method/frappe.client.get_value/", { doctype: "Project", fieldname: "project_name", filters: JSON.stringify({ name: project }) });
  return expect(c.status === 200 && typeof c.data.message === "number" && g.data.message?.name === project && v.data.message?.project_name, `${short(c.data)} ${short(v.data)}`);
});
await check("frappe-js-client client.validateLink (fields as JSON)", async () =>
  okMsg(await fjc("GET", "/api/method/frappe.client.validate_link", { doctype: "Project", docname: project, fields: JSON.stringify(["name", "county"]) }), (d) => d.message.name === project && d.message.county));
if (writes) {
  let task;
  await check("frappe-js-client db.createDoc / updateDoc", async () => {
    const c = await fjc("POST", "/api/resource/Task", null, newTask(81 + offset, "frappe-js-client"));
    task = c.data.data?.name;
    const u = await fjc("PUT", `/api/resource/Task/${encodeURIComponent(task)}`, null, { title: "改了" });
    return expect(c.status === 200 && u.status === 200 && u.data.data.title === "改了", `${short(c.data)} ${short(u.data)}`);
  });
  await check("frappe-js-client client.setValue (PUT, everything in the query string)", async () =>
    okMsg(await fjc("PUT", "/api/method/frappe.client.set_value/", { doctype: "Task", name: task, fieldname: "title", value: "setValue 改" }), (d) => d.message.title === "setValue 改"));
  await check("frappe-js-client file.uploadFile (multipart body sent with GET, as axios without a method)", async () => {
    const boundary = "----npmclients" + Date.now();
    const part = (name, value) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="说明.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`),
      Buffer.from(part("is_private", "1") + part("folder", "Home/Documents") + part("doctype", "Task") + part("docname", task) + part("category", "Important") + `--${boundary}--\r\n`),
    ]);
    const url = new URL(BASE + "/api/method/upload_file");
    const answer = await new Promise((resolve, reject) => {
      const req = http.request(url, { method: "GET", headers: { Authorization: TOKEN.Authorization, Accept: "application/json", "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": body.length } }, (res) => {
        let t = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (t += c));
        res.on("end", () => resolve({ status: res.statusCode, data: JSON.parse(t) }));
      });
      req.on("error", reject);
      req.end(body);
    });
    return okMsg(answer, (d) => d.message.attached_to_name === task && d.message.file_name === "说明.txt");
  });
  await check("frappe-js-client client.deleteDoc (DELETE frappe.client.delete/ with query params)", async () =>
    okMsg(await fjc("DELETE", "/api/method/frappe.client.delete/", { doctype: "Task", name: task })));
} else {
  await check("frappe-js-client db.createDoc refused for a county clerk", async () => refusedShape(await fjc("POST", "/api/resource/Task", null, newTask(89, "越权")), 403));
}

// ------------------------------------------------------------------ node-erpnext 1.4.0 (request, form bodies)
const erpJar = cookieJar();
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const erpLogin = () => send("POST", "/api/method/login", { headers: FORM, body: new URLSearchParams({ usr: user, pwd }).toString(), jar: erpJar });
await check("node-erpnext login (form-encoded usr, pwd), twice as each call logs in again", async () => {
  const a = await erpLogin();
  const b = await erpLogin();
  return expect(a.status === 200 && b.status === 200 && b.data.message === "Logged In", `${short(a.data)} ${short(b.data)}`);
});
await check("node-erpnext getCustomersName on a site without ERPNext: 404 DoesNotExistError", async () =>
  refusedShape(await send("GET", "/api/resource/Customer", { jar: erpJar }), 404));
await check("node-erpnext list and document reads (no Accept header, no parameters)", async () => {
  const l = await send("GET", "/api/resource/Project", { jar: erpJar });
  const d = await send("GET", `/api/resource/Project/${encodeURIComponent(l.data.data[0].name)}`, { jar: erpJar });
  return expect(l.status === 200 && l.data.data.length > 0 && d.data.data.name === l.data.data[0].name, short(d.data));
});
if (writes) {
  await check("node-erpnext create/update with a form-encoded data=<JSON> body", async () => {
    const c = await send("POST", "/api/resource/Task", { headers: FORM, body: new URLSearchParams({ data: JSON.stringify({ doctype: "Task", ...newTask(82 + offset, "node-erpnext") }) }).toString(), jar: erpJar });
    const name = c.data.data?.name;
    const u = await send("PUT", `/api/resource/Task/${name}`, { headers: FORM, body: new URLSearchParams({ data: JSON.stringify({ title: "node-erpnext 改" }) }).toString(), jar: erpJar });
    const d = await send("DELETE", `/api/resource/Task/${name}`, { jar: erpJar });
    return expect(c.status === 200 && u.data.data?.title === "node-erpnext 改" && (d.status === 202 || d.status === 200), `${short(c.data)} ${short(u.data)} ${d.status}`);
  });
}

// ------------------------------------------------------------------ frappe-straw 0.13.0 (Desk form methods)
const straw = (method, path, { params, body } = {}) => send(method, path + (params ? "?" + qs(params) : ""), { headers: TOKEN, body: body === undefined ? undefined : JSON.stringify(body) });
await check("frappe-straw useDocumentMeta (getdoctype) and useCurrentUser", async () => {
  const m = await straw("GET", "/api/method/frappe.desk.form.load.getdoctype", { params: { doctype: "Project" } });
  const u = await straw("GET", "/api/method/frappe.auth.get_logged_user");
  return expect(m.data.docs?.[0]?.name === "Project" && u.data.message === user, short(m.data).slice(0, 80));
});
await check("frappe-straw useCount (reportview.get_count with filters and or_filters)", async () =>
  okMsg(await straw("GET", "/api/method/frappe.desk.reportview.get_count", { params: { doctype: "Project", filters: JSON.stringify([["section", "=", "续建"]]), or_filters: JSON.stringify([["county", "=", "章贡区"], ["county", "=", "信丰县"]]) } }), (d) => typeof d.message === "number"));
await check("frappe-straw useDocumentList (fields, limit, limit_start, as_dict)", async () =>
  okMsg(await straw("GET", "/api/resource/Project", { params: { fields: JSON.stringify(["name", "county"]), order_by: "number asc", limit: 10, limit_start: 0, as_dict: true } }), (d) => d.data.length > 0));
if (writes) {
  await check("frappe-straw useSave (savedocs: doc as JSON text, action Save) then useDelete", async () => {
    const c = await straw("POST", "/api/method/frappe.desk.form.save.savedocs", { body: { doc: JSON.stringify({ doctype: "Task", ...newTask(83 + offset, "frappe-straw") }), action: "Save" } });
    const doc = c.data.docs?.[0];
    const s = await straw("POST", "/api/method/frappe.desk.form.save.savedocs", { body: { doc: JSON.stringify({ ...doc, title: "straw 改" }), action: "Save" } });
    const d = await straw("POST", "/api/method/frappe.client.delete", { body: { doctype: "Task", name: doc?.name } });
    return expect(c.status === 200 && s.data.docs?.[0]?.title === "straw 改" && d.status === 200, `${short(c.data)} ${short(s.data)} ${short(d.data)}`);
  });
  await check("frappe-straw useSubmit on a doctype without a workflow: 417 in Chinese", async () =>
    refusedShape(await straw("POST", "/api/method/frappe.desk.form.save.savedocs", { body: { doc: JSON.stringify({ doctype: "Task", name: "2023-T08" }), action: "Submit" } }), 417));
} else {
  await check("frappe-straw useSave refused for a county clerk", async () =>
    refusedShape(await straw("POST", "/api/method/frappe.desk.form.save.savedocs", { body: { doc: JSON.stringify({ doctype: "Task", name: "2023-T08", title: "越权" }), action: "Save" } })));
}
await check("frappe-straw useMethod (run_doc_method with method, dt, dn, args in the query string)", async () => {
  const r = await straw("POST", "/api/method/run_doc_method", { params: { method: "no_such_method", dt: "Project", dn: project, args: JSON.stringify({}) } });
  return refusedShape(r, 403);
});

// ------------------------------------------------------------------ @rustedcompiler/frappe-hooks 2.1.1
await check("frappe-hooks useDocuments (four-element filters, limit_page_length, order_by)", async () =>
  okMsg(await straw("GET", "/api/resource/Project", { params: { fields: JSON.stringify(["name", "county"]), filters: JSON.stringify([["Project", "section", "=", "续建"]]), limit_page_length: 5, order_by: "number asc" } }), (d) => d.data.length > 0 && d.data.length <= 5));
await check("frappe-hooks useDocuments is_or (or_filters), as_dict=0, debug=1", async () =>
  okMsg(await straw("GET", "/api/resource/Project", { params: { fields: JSON.stringify(["name", "county"]), or_filters: JSON.stringify([["Project", "section", "=", "续建"], ["Project", "section", "=", "新开工"]]), as_dict: 0, debug: 1 } }), (d) => Array.isArray(d.data[0])));
await check("frappe-hooks expand=[link] answers the linked document", async () =>
  okMsg(await straw("GET", "/api/resource/Project", { params: { fields: JSON.stringify(["name", "county"]), expand: JSON.stringify(["county"]), limit_page_length: 2 } }), (d) => d.data[0].county?.doctype === "County"));
await check("frappe-hooks useDocument ?expand_links=True", async () =>
  okMsg(await straw("GET", `/api/resource/Project/${encodeURIComponent(project)}`, { params: { expand_links: "True" } }), (d) => d.data.county?.doctype === "County"));

// ------------------------------------------------------------------ frappe-ui 0.1.278 data composables
await check("frappe-ui useCall GET /api/v2/method/ping", async () => okMsg(await straw("GET", "/api/v2/method/ping"), (d) => d.data === "pong"));
await check("frappe-ui v2 copy (GET /api/v2/document/<dt>/<name>/copy)", async () =>
  okMsg(await straw("GET", `/api/v2/document/Project/${encodeURIComponent(project)}/copy`), (d) => !("name" in d.data) && d.data.project_name));
if (writes) {
  await check("frappe-ui useList.setValue (PUT with name in the body) and useList.delete (DELETE with a JSON body)", async () => {
    const c = await straw("POST", "/api/v2/document/Task", { body: newTask(84 + offset, "useList") });
    const name = c.data.data?.name;
    const s = await straw("PUT", `/api/v2/document/Task/${name}`, { body: { name, title: "useList 改" } });
    const d = await straw("DELETE", `/api/v2/document/Task/${name}`, { body: { name } });
    return expect(s.data.data?.title === "useList 改" && d.status === 202 && d.data.data === "ok", `${short(c.data)} ${short(s.data)} ${short(d.data)}`);
  });
}
await check("frappe-ui useDoctype.runMethod (POST /api/v2/method/<DocType>/<method>) unknown: 404 in Chinese", async () =>
  refusedShape(await straw("POST", "/api/v2/method/Task/no_such", { body: { a: 1 } }), 404));
console.log(JSON.stringify(results));
