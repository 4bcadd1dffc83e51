/**
 * The dashboard's HTML: a static shell, the same for everyone (no data, no token); dashboard.js fills it in
 * after sign-in. Scripts and styles come from /dashboard/assets/ so the CSP can forbid anything inline.
 * @module
 */
export function dashboardPage(version: string): string {
  const asset = (name: string) => `/dashboard/assets/${name}?v=${version}`;
  const eventTypes = ["appstartevent", "authevent", "navigationevent", "playevent", "profileevent", "voiceevent"];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audiogum insights</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset("uplot.css")}">
<link rel="stylesheet" href="${asset("dashboard.css")}">
<script src="${asset("uplot.js")}" defer></script>
<script src="${asset("dashboard.js")}" defer></script>
</head>
<body>
<header>
  <h1>Audiogum insights</h1>
  <span class="who" id="who"></span>
  <button class="link" id="signout" hidden>Sign out</button>
</header>
<main>
  <section class="card signin" id="signin">
    <h2>Sign in</h2>
    <form id="signin-form">
      <p>Paste a token with the scope <code>insights:read</code> or <code>exports:read</code>. It stays in this tab
      (session storage) and is sent only to this collector.</p>
      <textarea id="token-input" autocomplete="off" spellcheck="false" aria-label="token"></textarea>
      <p><button class="primary" type="submit">Sign in</button> <span class="error" id="signin-error"></span></p>
    </form>
  </section>
  <div id="app" hidden>
    <nav role="tablist">
      <button role="tab" data-view="realtime">Real time</button>
      <button role="tab" data-view="daily">Daily</button>
      <button role="tab" data-view="monthly">Monthly</button>
      <button role="tab" data-view="quality">Quality</button>
      <button role="tab" data-view="live">Live events</button>
      <button role="tab" data-view="exports">Export files</button>
    </nav>
    ${summarySection("realtime", "The last hour, per minute (UTC); refreshes every 10 seconds.", "")}
    ${summarySection(
      "daily",
      "Per day (UTC), up to 90 days.",
      `<label>from <input type="date" id="daily-from"></label><label>to <input type="date" id="daily-to"></label>
      ${timeSwitch("daily")}
      <button class="primary" id="daily-load">Show</button>`,
    )}
    ${summarySection(
      "monthly",
      "Per month (UTC), up to 12 months.",
      `<label>from <input type="month" id="monthly-from"></label><label>to <input type="month" id="monthly-to"></label>
      ${timeSwitch("monthly")}
      <button class="primary" id="monthly-load">Show</button>`,
    )}
    <section data-view="quality" hidden>
      <div class="controls">
        <label>from <input type="date" id="quality-from"></label><label>to <input type="date" id="quality-to"></label>
        <button class="primary" id="quality-load">Show</button>
      </div>
      <p class="status" id="quality-status">Rejected events per day (UTC), beside the events exported.</p>
      <div class="totals" id="quality-totals"></div>
      <div class="card"><div class="chart" id="quality-chart"></div></div>
      <div class="tables" id="quality-tables"></div>
      <div class="card scroll" id="quality-examples">
        <h2>An example per failing path (the last 8 days)</h2>
        <table>
          <thead><tr><th>path</th><th>codes</th><th>received</th><th></th></tr></thead>
          <tbody id="quality-example-rows"></tbody>
        </table>
      </div>
    </section>
    <section data-view="live" hidden>
      <div class="controls">
        <label>type <select id="live-type"><option value="">all types</option>${eventTypes
          .map((type) => `<option>${type}</option>`)
          .join("")}</select></label>
        <label>user <input id="live-user" placeholder="any user" autocomplete="off"></label>
        <button class="primary" id="live-pause">Pause</button>
        <button class="link" id="live-clear">Clear</button>
      </div>
      <p class="status" id="live-status"></p>
      <div class="card live-list">
        <h2>Newest events (<span id="live-count">0</span>)</h2>
        <table>
          <thead><tr><th>received</th><th>type</th><th>action · source</th><th>user</th><th>country</th><th></th></tr></thead>
          <tbody id="live-rows"></tbody>
        </table>
      </div>
    </section>
    <section data-view="exports" hidden>
      <div class="controls">
        <label>from <input type="date" id="exports-from"></label><label>to <input type="date" id="exports-to"></label>
        <button class="primary" id="exports-load">Show</button>
      </div>
      <p class="status" id="exports-status"></p>
      <div class="card scroll">
        <table>
          <thead><tr><th>file</th><th class="n">events</th><th class="n">size</th><th></th></tr></thead>
          <tbody id="exports-rows"></tbody>
        </table>
      </div>
    </section>
  </div>
</main>
</body>
</html>
`;
}

/** The summaries' ?time= switch: count by when the collector received each event, or when it happened. */
function timeSwitch(view: string): string {
  return `<label>count by <select id="${view}-time">
        <option value="received">time received</option><option value="event">time it happened</option>
      </select></label>`;
}

function summarySection(view: string, about: string, controls: string): string {
  return `<section data-view="${view}" hidden>
      ${controls ? `<div class="controls">${controls}</div>` : ""}
      <p class="status" id="${view}-status">${about}</p>
      <div class="totals" id="${view}-totals"></div>
      <div class="card"><div class="chart" id="${view}-chart"></div></div>
      <div class="tables" id="${view}-tables"></div>
      <div id="${view}-periods"></div>
    </section>`;
}
