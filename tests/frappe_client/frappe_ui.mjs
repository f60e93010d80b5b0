// frappe-ui 0.1.278's request shapes, reproduced from its source (src/utils/frappeRequest.js, call.js,
// resources/*, data-fetching/*, utils/useFileUpload.ts, frappe/Link, frappe/Filter) against our server.
const BASE = process.argv[2].replace(/\/$/, "");

function session() {
  let cookies = {};
  async function f(path, init = {}) {
    const headers = { ...(init.headers || {}) };
    const c = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; ");
    if (c) headers.Cookie = c;
    const res = await fetch(path.startsWith("http") ? path : BASE + path, { ...init, headers, redirect: "manual" });
    for (const sc of res.headers.getSetCookie?.() || []) {
      const [kv] = sc.split(";");
      const i = kv.indexOf("=");
      if (/Max-Age=0|expires=Thu, 01 Jan 1970/i.test(sc)) delete cookies[kv.slice(0, i).trim()];
      else cookies[kv.slice(0, i).trim()] = kv.slice(i + 1);
    }
    return res;
  }
  f.cookies = () => cookies;
  return f;
}

const results = [];
async function check(label, fn) {
  try {
    const r = await fn();
    const ok = r && r.ok !== false;
    results.push({ label, ok, detail: r?.detail ?? "" });
  } catch (e) {
    results.push({ label, ok: false, detail: String(e?.message || e).slice(0, 300) });
  }
}

async function body(res) {
  const t = await res.text();
  try { return JSON.parse(t); } catch { return { __text: t.slice(0, 200) }; }
}

function short(x) {
  return String(JSON.stringify(x)).slice(0, 220);
}

function expect(cond, detail) {
  return { ok: !!cond, detail };
}

function report() {
  console.log(JSON.stringify(results));
}

// Usage: node frappe_ui.mjs <base-url> <user> <password>; prints a JSON list of {label, ok, detail}.

const [, user, pwd] = process.argv.slice(2);
const f = session();
const HEADERS = { Accept: "application/json", "Content-Type": "application/json; charset=utf-8", "X-Frappe-Site-Name": new URL(BASE).hostname };

// frappeRequest (createResource): method POST unless given; GET puts params in the query string as String(value).
async function resource(url, params, method = "POST") {
  if (!url.startsWith("/")) url = "/api/method/" + url;
  let body_;
  if (params) {
    if (method === "GET") {
      const p = new URLSearchParams();
      for (const k in params) p.append(k, params[k]);
      url += "?" + p.toString();
    } else body_ = JSON.stringify(params);
  }
  const res = await f(url, { method, headers: HEADERS, body: body_ });
  const data = await body(res);
  return { status: res.status, data };
}
// call(): always POST with a JSON body.
const call = (method, args = {}) => resource(method, args, "POST");
// useFrappeFetch (v2): GET with query params built by makeGetParams; PUT/POST/DELETE with a JSON body.
async function v2(method, url, params) {
  const init = { method, headers: { ...HEADERS } };
  if (method === "GET" && params) {
    const p = new URLSearchParams();
    for (const k in params) if (params[k] != null) p.append(k, params[k]);
    url += "?" + p.toString();
  } else if (params) init.body = JSON.stringify(params);
  const res = await f(url, init);
  return { status: res.status, data: await body(res) };
}
const okMsg = (r, cond = () => true) => expect(r.status === 200 && cond(r.data), `${r.status} ${short(r.data)}`);
const refusedShape = (r) =>
  expect(r.status >= 400 && r.status < 500 && (r.data.exc_type || r.data.errors) && /[\u4e00-\u9fff]/.test(JSON.stringify(r.data)),
    `${r.status} ${short(r.data)}`);

let sampleProject, sampleTask;
await check("login (call('login', {usr, pwd}))", async () => {
  const r = await call("login", { usr: user, pwd });
  return okMsg(r, (d) => d.message === "Logged In" && d.full_name !== undefined);
});
await check("frappe.auth.get_logged_user (GET)", async () => okMsg(await resource("frappe.auth.get_logged_user", null, "GET"), (d) => d.message === user));
await check("frappe.sessions.get", async () => okMsg(await call("frappe.sessions.get"), (d) => d.message && typeof d.message === "object"));

// createListResource.list: POST frappe.client.get_list with every key it sends.
await check("listResource.list get_list (fields, filters dict, order_by, start/limit/limit_start/limit_page_length, debug)", async () => {
  const r = await call("frappe.client.get_list", {
    doctype: "Project", fields: ["name", "project_name", "county", "total_investment"], filters: { section: "续建" },
    order_by: "number asc", start: 0, limit: 5, limit_start: 0, limit_page_length: 5, debug: 0,
  });
  sampleProject = r.data.message?.[0]?.name;
  return okMsg(r, (d) => Array.isArray(d.message) && d.message.length <= 5 && d.message.length > 0);
});
await check("listResource.list page 2 (start=5)", async () => {
  const a = await call("frappe.client.get_list", { doctype: "Project", fields: ["name"], order_by: "number asc", start: 0, limit: 5, limit_start: 0, limit_page_length: 5 });
  const b = await call("frappe.client.get_list", { doctype: "Project", fields: ["name"], order_by: "number asc", start: 5, limit: 5, limit_start: 5, limit_page_length: 5 });
  return okMsg(b, (d) => !d.message.some((x) => a.data.message.find((y) => y.name === x.name)));
});
await check("listResource.list group_by + count(name)", async () => {
  const r = await call("frappe.client.get_list", { doctype: "Project", fields: ["county", "count(name) as n"], group_by: "county", order_by: "county asc", start: 0, limit: 50, limit_start: 0, limit_page_length: 50, debug: 0 });
  return okMsg(r, (d) => Array.isArray(d.message) && d.message.every((x) => "n" in x));
});
await check("listResource.list orFilters (or_filters)", async () => {
  const r = await call("frappe.client.get_list", { doctype: "Project", fields: ["name"], or_filters: [["section", "=", "续建"], ["section", "=", "新开工"]], start: 0, limit: 5, limit_start: 0, limit_page_length: 5 });
  return okMsg(r, (d) => Array.isArray(d.message));
});
await check("listResource.list child doctype with parent", async () => {
  const r = await call("frappe.client.get_list", { doctype: "Task Unit", fields: ["unit", "parent"], parent: "Task", start: 0, limit: 5, limit_start: 0, limit_page_length: 5 });
  return okMsg(r, (d) => Array.isArray(d.message));
});
await check("listResource.fetchOne (fields '*', filters {name})", async () => {
  const r = await call("frappe.client.get_list", { doctype: "Project", fields: "*", filters: { name: sampleProject } });
  return okMsg(r, (d) => d.message.length === 1 && d.message[0].name === sampleProject && "project_name" in d.message[0]);
});
await check("get_count (createResource) with distinct", async () => {
  const r = await call("frappe.client.get_count", { doctype: "Project", filters: { section: "续建" }, distinct: false });
  return okMsg(r, (d) => typeof d.message === "number");
});
await check("documentResource.get (GET frappe.client.get?doctype&name)", async () => {
  const r = await resource("frappe.client.get", { doctype: "Project", name: sampleProject }, "GET");
  return okMsg(r, (d) => d.message.name === sampleProject);
});
await check("Filter/DataImport getdoctype", async () => okMsg(await call("frappe.desk.form.load.getdoctype", { doctype: "Project" }), (d) => d.docs?.[0]?.name === "Project"));
await check("Link.vue search_link (POST doctype, txt '', filters undefined)", async () => {
  const r = await call("frappe.desk.search.search_link", { doctype: "County", txt: "" });
  return okMsg(r, (d) => Array.isArray(d.message) && d.message.length > 0 && "value" in d.message[0]);
});
await check("search_link with txt and filters dict", async () => {
  const r = await call("frappe.desk.search.search_link", { doctype: "County", txt: "章", filters: {} });
  return okMsg(r, (d) => Array.isArray(d.message) && d.message.every((x) => JSON.stringify(x).includes("章")));
});
await check("search_widget", async () => okMsg(await call("frappe.desk.search.search_widget", { doctype: "County", txt: "县" }), (d) => Array.isArray(d.message)));
await check("reportview.get / get_count", async () => {
  const r = await call("frappe.desk.reportview.get", { doctype: "Project", fields: JSON.stringify(["`tabProject`.`name`"]), filters: JSON.stringify([]), order_by: "`tabProject`.`modified` desc", start: 0, page_length: 20, view: "List", with_comment_count: 1 });
  const c = await call("frappe.desk.reportview.get_count", { doctype: "Project", filters: JSON.stringify([]), fields: JSON.stringify(["`tabProject`.`name`"]), distinct: false, limit: 1001 });
  return expect(r.status === 200 && r.data.message.keys && c.status === 200 && typeof c.data.message === "number", `${r.status} ${short(r.data)} / ${c.status} ${short(c.data)}`);
});
await check("get_value (createResource, fieldname list)", async () =>
  okMsg(await call("frappe.client.get_value", { doctype: "Project", filters: { name: sampleProject }, fieldname: ["name", "county"] }), (d) => d.message.name === sampleProject));

// v2: useList / useDoc / useNewDoc / useDoctype / useCall.
await check("useList GET /api/v2/document (fields, filters dict with like, order_by, start, limit)", async () => {
  const r = await v2("GET", "/api/v2/document/Project", { fields: JSON.stringify(["name", "county"]), filters: JSON.stringify({ project_name: ["like", "%项目%"] }), order_by: "number asc", start: 0, limit: 5 });
  return okMsg(r, (d) => Array.isArray(d.data) && "has_next_page" in d);
});
await check("useList with group_by, parent, debug", async () => {
  const r = await v2("GET", "/api/v2/document/Project", { fields: JSON.stringify(["county", "count(name) as n"]), group_by: "county", start: 0, limit: 50, debug: false });
  return okMsg(r, (d) => Array.isArray(d.data));
});
await check("useDoc GET /api/v2/document/<dt>/<name>", async () => okMsg(await v2("GET", `/api/v2/document/Project/${encodeURIComponent(sampleProject)}`), (d) => d.data.name === sampleProject));
await check("useDoctype count /api/v2/doctype/<dt>/count and meta", async () => {
  const c = await v2("GET", "/api/v2/doctype/Project/count", { filters: JSON.stringify({ section: "续建" }) });
  const m = await v2("GET", "/api/v2/doctype/Project/meta");
  return expect(c.status === 200 && typeof c.data.data === "number" && m.status === 200, `${c.status} ${short(c.data)} / ${m.status}`);
});
await check("v2 error envelope (useFrappeFetch reads errors[0].type/message)", async () => {
  const r = await v2("GET", "/api/v2/document/Project/no-such-project");
  return expect(r.status === 404 && r.data.errors?.[0]?.type && r.data.errors[0].message, `${r.status} ${short(r.data)}`);
});
await check("useCall GET /api/v2/method/<name>", async () => okMsg(await v2("GET", "/api/v2/method/frappe.auth.get_logged_user"), (d) => d.data === user));
await check("useCall POST /api/v2/method/<name>", async () => okMsg(await v2("POST", "/api/v2/method/frappe.client.get_count", { doctype: "Project" }), (d) => typeof d.data === "number"));


// Writes, by role: office creates and edits Tasks; the county clerk must be refused creating one.
if (user === "office" || user === "admin") {
  let name;
  await check("listResource.insert (frappe.client.insert {doc})", async () => {
    const r = await call("frappe.client.insert", { doc: { doctype: "Task", plan: "2023", section_number: 7, section: "（七）广聚各类优秀人才，提升创新创业活力", number: user === "office" ? 51 : 52, title: "frappe-ui 测试", content: "x", lead_unit: "市科技局", units: [{ unit: "市科技局", role: "牵头" }] } });
    name = r.data.message?.name;
    return okMsg(r, (d) => d.message?.name);
  });
  await check("documentResource.setValue (fieldname dict)", async () => okMsg(await call("frappe.client.set_value", { doctype: "Task", name, fieldname: { title: "改过了" } }), (d) => d.message.title === "改过了"));
  await check("documentResource.save (fieldname = whole doc minus doctype/name)", async () => {
    const g = await resource("frappe.client.get", { doctype: "Task", name }, "GET");
    const values = { ...g.data.message };
    delete values.doctype; delete values.name;
    values.content = "整张保存";
    return okMsg(await call("frappe.client.set_value", { doctype: "Task", name, fieldname: values }), (d) => d.message.content === "整张保存");
  });
  await check("useDoc setValue PUT /api/v2/document/<dt>/<name>", async () => okMsg(await v2("PUT", `/api/v2/document/Task/${name}`, { title: "v2 修改" }), (d) => d.data.title === "v2 修改"));
  await check("upload_file multipart (is_private, folder, doctype, docname, fieldname, optimize)", async () => {
    const fd = new FormData();
    fd.append("file", new Blob(["hello frappe-ui"], { type: "text/plain" }), "说明.txt");
    fd.append("is_private", "1"); fd.append("folder", "Home"); fd.append("doctype", "Task"); fd.append("docname", name);
    const res = await f("/api/method/upload_file", { method: "POST", headers: { Accept: "application/json" }, body: fd });
    const d = await body(res);
    return expect(res.status === 200 && d.message?.file_url && d.message.is_private == 1, `${res.status} ${short(d)}`);
  });
  await check("upload_file to Home only (no doctype), optimize=1 image", async () => {
    const fd = new FormData();
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    fd.append("file", new Blob([png], { type: "image/png" }), "dot.png");
    fd.append("is_private", "0"); fd.append("folder", "Home"); fd.append("optimize", "1"); fd.append("max_width", "100");
    const res = await f("/api/method/upload_file", { method: "POST", headers: { Accept: "application/json" }, body: fd });
    const d = await body(res);
    return expect(res.status === 200 && d.message?.file_url, `${res.status} ${short(d)}`);
  });
  await check("run_doc_method dt/dn (listResource.runDocMethod)", async () => {
    const r = await call("run_doc_method", { dt: "Task", dn: name, method: "no_such_method", args: {} });
    return expect(r.status >= 400 && r.status < 500, `${r.status} ${short(r.data)}`);
  });
  await check("documentResource.delete (frappe.client.delete POST)", async () => okMsg(await call("frappe.client.delete", { doctype: "Task", name })));
  await check("useNewDoc POST /api/v2/document + useList delete DELETE", async () => {
    const c = await v2("POST", "/api/v2/document/Task", { plan: "2023", section_number: 7, section: "（七）广聚各类优秀人才，提升创新创业活力", number: user === "office" ? 53 : 54, title: "v2 新建", content: "x", lead_unit: "市科技局", units: [{ unit: "市科技局", role: "牵头" }] });
    const d = await v2("DELETE", `/api/v2/document/Task/${c.data.data?.name}`);
    return expect(c.status === 200 && (d.status === 202 || d.status === 200), `${c.status} ${short(c.data)} / ${d.status} ${short(d.data)}`);
  });
} else {
  await check("county clerk refused frappe.client.insert Task (4xx, Chinese)", async () =>
    refusedShape(await call("frappe.client.insert", { doc: { doctype: "Task", plan: "2023", section_number: 7, section: "x", number: 59, title: "越权", content: "x", lead_unit: "市科技局" } })));
  await check("county clerk refused v2 POST Task", async () => refusedShape(await v2("POST", "/api/v2/document/Task", { title: "越权" })));
}
await check("logout (GET /api/method/logout)", async () => okMsg(await resource("logout", null, "GET")));
await check("after logout get_logged_user 403 PermissionError JSON (Frappe's answer to a guest)", async () => {
  const r = await resource("frappe.auth.get_logged_user", null, "GET");
  return expect(r.status === 403 && r.data.exc_type === "PermissionError", `${r.status} ${short(r.data)}`);
});
report();
