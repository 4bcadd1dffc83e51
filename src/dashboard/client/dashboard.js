/**
 * The insights dashboard in the browser: sign-in with a pasted token (kept in sessionStorage, sent only in the
 * Authorization header or as the live socket's subprotocol, never in a URL), the realtime, daily and monthly
 * summaries (charts with uPlot, tables), the data quality view (rejection rate, failing paths and client
 * versions, an example rejected event per path), the live raw-events view, and the tenant's export files.
 * Plain script, no build step beyond scripts/build-dashboard.ts embedding it; every text from the API is set as
 * textContent, never as HTML.
 * @module
 */
(function () {
  "use strict";
  var TOKEN_KEY = "audiogum.insights.token";
  var DIMENSIONS = [
    ["type", "Event type"],
    ["play_action", "Play action"],
    ["play_source", "Play source"],
    ["country", "Country"],
    ["platform", "Platform"],
    ["device_model", "Device model"],
  ];
  var MAX_LIVE_ROWS = 200;
  var REALTIME_REFRESH_MS = 10000;

  var state = { view: "realtime", charts: {}, socket: null, liveRows: [], paused: false, timer: null };

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), attributes[name]);
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function $(id) {
    return document.getElementById(id);
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  /** The token's claims, for showing who is signed in; the server checks the signature, not this page. */
  function claims(jwt) {
    try {
      var part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
    } catch (error) {
      return null;
    }
  }

  function api(path) {
    return fetch(path, { headers: { authorization: "Bearer " + token() }, cache: "no-store" }).then(
      function (response) {
        if (response.status === 401) {
          signOut("Your token was refused (expired or not valid); paste a new one.");
          throw new Error("signed out");
        }
        if (!response.ok) {
          return response.json().then(
            function (body) {
              throw new Error((body.error && body.error.message) || response.status + " " + response.statusText);
            },
            function () {
              throw new Error(response.status + " " + response.statusText);
            },
          );
        }
        return response;
      },
    );
  }

  function signIn(event) {
    event.preventDefault();
    var pasted = $("token-input")
      .value.trim()
      .replace(/^Bearer\s+/i, "");
    var parsed = claims(pasted);
    if (!parsed || typeof parsed.tenant !== "string") {
      $("signin-error").textContent = "That is not a collector token (a JWT with a tenant claim).";
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, pasted);
    $("token-input").value = "";
    $("signin-error").textContent = "";
    showApp();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    closeLive();
    clearInterval(state.timer);
    $("app").hidden = true;
    $("signin").hidden = false;
    $("who").textContent = "";
    $("signout").hidden = true;
    $("signin-error").textContent = typeof message === "string" ? message : "";
  }

  function showApp() {
    var parsed = claims(token()) || {};
    $("signin").hidden = true;
    $("app").hidden = false;
    $("signout").hidden = false;
    var expires = parsed.exp ? new Date(parsed.exp * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "?";
    $("who").textContent = "Tenant " + parsed.tenant + " · token expires " + expires;
    select(state.view);
  }

  function select(view) {
    state.view = view;
    document.querySelectorAll("nav button").forEach(function (button) {
      button.setAttribute("aria-selected", String(button.dataset.view === view));
    });
    document.querySelectorAll("section[data-view]").forEach(function (section) {
      section.hidden = section.dataset.view !== view;
    });
    clearInterval(state.timer);
    if (view !== "live") closeLive();
    if (view === "realtime") {
      loadSummary("realtime", "/v1/summaries/realtime");
      state.timer = setInterval(function () {
        loadSummary("realtime", "/v1/summaries/realtime");
      }, REALTIME_REFRESH_MS);
    }
    if (view === "daily" || view === "monthly") {
      var query =
        "?from=" + $(view + "-from").value + "&to=" + $(view + "-to").value + "&time=" + $(view + "-time").value;
      loadSummary(view, "/v1/summaries/" + view + query);
    }
    if (view === "quality") loadQuality();
    if (view === "live") openLive();
    if (view === "exports") loadExports();
  }

  // ---- summaries ----

  function loadSummary(view, path) {
    var status = $(view + "-status");
    status.textContent = "Loading…";
    status.className = "status";
    return api(path)
      .then(function (response) {
        return response.json();
      })
      .then(function (summary) {
        renderSummary(view, summary);
        status.textContent =
          "Updated " +
          new Date().toLocaleTimeString() +
          (summary.time === "event"
            ? " · counted by when events happened"
            : " · counted by when events were received") +
          " · users and devices are estimates (±" +
          (summary.standard_error * 100).toFixed(1) +
          "%)";
      })
      .catch(function (error) {
        if (error.message === "signed out") return;
        status.textContent = error.message;
        status.className = "status error";
      });
  }

  function renderSummary(view, summary) {
    var totals = $(view + "-totals");
    totals.replaceChildren(
      totalCard(summary.totals.events, "events"),
      totalCard(summary.totals.users, "users (distinct)"),
      totalCard(summary.totals.devices, "devices (distinct)"),
    );
    totals.dataset.events = String(summary.totals.events);
    totals.dataset.time = summary.time || "received";
    drawChart(view, summary);
    var tables = $(view + "-tables");
    tables.replaceChildren.apply(
      tables,
      DIMENSIONS.map(function (dimension) {
        return countsTable(dimension[1], summary.totals.by[dimension[0]], dimension[0]);
      }),
    );
    var periods = $(view + "-periods");
    periods.replaceChildren(periodTable(summary));
  }

  function totalCard(value, label) {
    return el("div", { class: "total" }, [el("b", { text: value.toLocaleString() }), el("span", { text: label })]);
  }

  function countsTable(title, counts, dimension) {
    var rows = Object.keys(counts)
      .map(function (value) {
        return [value, counts[value]];
      })
      .sort(function (a, b) {
        return b[1] - a[1];
      });
    var body = rows.length
      ? rows.map(function (row) {
          return el("tr", {}, [el("td", { text: row[0] }), el("td", { class: "n", text: row[1].toLocaleString() })]);
        })
      : [el("tr", {}, [el("td", { text: "none yet", colspan: "2" })])];
    return el("div", { class: "card", "data-dimension": dimension }, [
      el("h2", { text: title }),
      el("table", {}, [
        el("thead", {}, [el("tr", {}, [el("th", { text: "value" }), el("th", { class: "n", text: "events" })])]),
        el("tbody", {}, body),
      ]),
    ]);
  }

  function periodTable(summary) {
    var rows = summary.periods
      .filter(function (period) {
        return summary.view !== "realtime" || period.events > 0;
      })
      .slice()
      .reverse()
      .map(function (period) {
        return el("tr", {}, [
          el("td", { text: period.period.replace("T", " ") }),
          el("td", { class: "n", text: period.events.toLocaleString() }),
          el("td", { class: "n", text: period.users.toLocaleString() }),
          el("td", { class: "n", text: period.devices.toLocaleString() }),
        ]);
      });
    return el("div", { class: "card scroll" }, [
      el("h2", { text: summary.view === "realtime" ? "Minutes with events" : "Periods" }),
      el("table", {}, [
        el("thead", {}, [
          el("tr", {}, [
            el("th", { text: "period (UTC)" }),
            el("th", { class: "n", text: "events" }),
            el("th", { class: "n", text: "users" }),
            el("th", { class: "n", text: "devices" }),
          ]),
        ]),
        el(
          "tbody",
          {},
          rows.length ? rows : [el("tr", {}, [el("td", { text: "no events in this range", colspan: "4" })])],
        ),
      ]),
    ]);
  }

  function periodStart(view, period) {
    if (view === "monthly") return Date.parse(period + "-01T00:00:00Z") / 1000;
    if (view === "daily") return Date.parse(period + "T00:00:00Z") / 1000;
    return Date.parse(period + ":00Z") / 1000;
  }

  function drawChart(view, summary) {
    var data = [
      summary.periods.map(function (period) {
        return periodStart(view, period.period);
      }),
      summary.periods.map(function (period) {
        return period.events;
      }),
      summary.periods.map(function (period) {
        return period.users;
      }),
    ];
    drawTimeChart(
      view,
      data,
      { y: { range: fromZero } },
      [
        {
          label: "events",
          stroke: "#0b6bcb",
          fill: "rgba(11,107,203,0.25)",
          paths: uPlot.paths.bars({ size: [0.7, 40] }),
          points: { show: false },
        },
        { label: "users", stroke: "#d9480f", width: 2 },
      ],
      [{ size: 50 }],
    );
  }

  function fromZero(u, min, max) {
    return [0, Math.max(1, max)];
  }

  /** Draws the view's chart over time, or gives the one drawn before new data: scales, series and axes but x's. */
  function drawTimeChart(view, data, scales, series, axes) {
    var container = $(view + "-chart");
    var width = Math.max(280, container.clientWidth);
    if (state.charts[view]) {
      state.charts[view].setData(data);
      state.charts[view].setSize({ width: width, height: 240 });
      return;
    }
    state.charts[view] = new uPlot(
      {
        width: width,
        height: 240,
        tzDate: function (ts) {
          return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
        },
        scales: Object.assign({ x: { time: true } }, scales),
        series: [{}].concat(series),
        axes: [{}].concat(axes),
      },
      data,
      container,
    );
  }

  // ---- data quality ----

  function loadQuality() {
    var status = $("quality-status");
    status.textContent = "Loading…";
    status.className = "status";
    var query = "?from=" + $("quality-from").value + "&to=" + $("quality-to").value;
    return Promise.all([
      api("/v1/quality/daily" + query).then(function (response) {
        return response.json();
      }),
      api("/v1/quality/samples?limit=1000").then(function (response) {
        return response.json();
      }),
    ])
      .then(function (answers) {
        renderQuality(answers[0], answers[1].samples);
        status.textContent = "Updated " + new Date().toLocaleTimeString();
      })
      .catch(function (error) {
        if (error.message === "signed out") return;
        status.textContent = error.message;
        status.className = "status error";
      });
  }

  function rate(rejected, accepted) {
    var all = rejected + accepted;
    return all === 0 ? 0 : rejected / all;
  }

  function percent(value) {
    return (value * 100).toFixed(value < 0.1 ? 2 : 1) + "%";
  }

  function renderQuality(quality, samples) {
    var totals = quality.totals;
    $("quality-totals").replaceChildren(
      totalCard(totals.rejected, "events rejected"),
      totalCard(totals.accepted, "events exported"),
      el("div", { class: "total" }, [
        el("b", { text: percent(rate(totals.rejected, totals.accepted)) }),
        el("span", { text: "rejection rate" }),
      ]),
    );
    $("quality-totals").dataset.rejected = String(totals.rejected);
    drawRateChart(quality);
    var all = totals.rejected + totals.accepted;
    $("quality-tables").replaceChildren(
      rankedTable("Top failing paths", "path", totals.by.path, function (count) {
        return [count.toLocaleString(), percent(all === 0 ? 0 : count / all)];
      }),
      rankedTable("Top failing client versions", "clientversion", rejectedOnly(totals.by.clientversion), sidedCells),
      rankedTable("Top failing types", "type", rejectedOnly(totals.by.type), sidedCells),
      rankedTable("Top failing codes", "code", totals.by.code, function (count) {
        return [count.toLocaleString(), percent(all === 0 ? 0 : count / all)];
      }),
    );
    renderExamples(samples);
  }

  function sidedCells(sides) {
    return [sides.rejected.toLocaleString(), percent(rate(sides.rejected, sides.accepted))];
  }

  function rejectedOnly(bySides) {
    var kept = {};
    Object.keys(bySides).forEach(function (value) {
      if (bySides[value].rejected > 0) kept[value] = bySides[value];
    });
    return kept;
  }

  function rankedTable(title, dimension, values, cells) {
    var rows = Object.keys(values)
      .map(function (value) {
        return [value, values[value]];
      })
      .sort(function (a, b) {
        var left = typeof a[1] === "number" ? a[1] : a[1].rejected;
        var right = typeof b[1] === "number" ? b[1] : b[1].rejected;
        return right - left;
      })
      .slice(0, 20)
      .map(function (row) {
        var shown = cells(row[1]);
        return el("tr", {}, [
          el("td", { text: row[0] }),
          el("td", { class: "n", text: shown[0] }),
          el("td", { class: "n", text: shown[1] }),
        ]);
      });
    return el("div", { class: "card", "data-quality": dimension }, [
      el("h2", { text: title }),
      el("table", {}, [
        el("thead", {}, [
          el("tr", {}, [
            el("th", { text: "value" }),
            el("th", { class: "n", text: "rejected" }),
            el("th", { class: "n", text: "rate" }),
          ]),
        ]),
        el("tbody", {}, rows.length ? rows : [el("tr", {}, [el("td", { text: "none", colspan: "3" })])]),
      ]),
    ]);
  }

  function drawRateChart(quality) {
    var data = [
      quality.periods.map(function (period) {
        return periodStart("daily", period.period);
      }),
      quality.periods.map(function (period) {
        return period.rejected;
      }),
      quality.periods.map(function (period) {
        return rate(period.rejected, period.accepted) * 100;
      }),
    ];
    drawTimeChart(
      "quality",
      data,
      { rejected: { range: fromZero }, rate: { range: fromZero } },
      [
        {
          label: "rejected",
          scale: "rejected",
          stroke: "#a4000f",
          fill: "rgba(164,0,15,0.15)",
          paths: uPlot.paths.bars({ size: [0.7, 40] }),
          points: { show: false },
        },
        { label: "rejection rate %", scale: "rate", stroke: "#0b6bcb", width: 2 },
      ],
      [
        { scale: "rejected", size: 50 },
        { scale: "rate", side: 1, size: 50 },
      ],
    );
  }

  /** The newest sample of each path, with a button that shows the event as sent and its errors. */
  function renderExamples(samples) {
    var newest = {};
    samples.forEach(function (sample) {
      if (!newest[sample.path] || newest[sample.path].key < sample.key) newest[sample.path] = sample;
    });
    var rows = Object.keys(newest)
      .sort()
      .map(function (path) {
        var sample = newest[path];
        var detail = el("pre", { hidden: "" });
        return el("tr", {}, [
          el("td", { text: path }),
          el("td", { text: sample.codes }),
          el("td", { text: sample.uploaded.slice(0, 16).replace("T", " ") }),
          el("td", {}, [
            el("button", {
              class: "link",
              text: "example",
              onclick: function () {
                showSample(sample.key, detail);
              },
            }),
            detail,
          ]),
        ]);
      });
    $("quality-example-rows").replaceChildren.apply(
      $("quality-example-rows"),
      rows.length ? rows : [el("tr", {}, [el("td", { text: "no rejected events kept", colspan: "4" })])],
    );
  }

  function showSample(key, detail) {
    if (!detail.hidden) {
      detail.hidden = true;
      return;
    }
    var path = "/v1/quality/samples/" + key.split("/").map(encodeURIComponent).join("/");
    api(path)
      .then(function (response) {
        return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text();
      })
      .then(function (text) {
        detail.textContent = JSON.stringify(JSON.parse(text.split("\n")[0]), null, 2);
        detail.hidden = false;
      })
      .catch(function (error) {
        if (error.message === "signed out") return;
        $("quality-status").textContent = error.message;
      });
  }

  // ---- live raw events ----

  function openLive() {
    closeLive();
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + location.host + "/v1/live", ["audiogum-live", "bearer." + token()]);
    state.socket = socket;
    setLiveStatus("Connecting…");
    socket.addEventListener("open", function () {
      setLiveStatus("Connected · waiting for events");
      sendFilter();
    });
    socket.addEventListener("message", function (message) {
      var data = JSON.parse(message.data);
      if (data.kind === "events" && !state.paused) addLiveEvents(data.events);
      if (data.kind === "filter") setLiveStatus("Connected · showing " + describeFilter(data.filter));
      if (data.kind === "error") setLiveStatus(data.message, true);
    });
    socket.addEventListener("close", function (event) {
      if (state.socket !== socket) return;
      state.socket = null;
      setLiveStatus(
        event.code === 4001 ? "Your token expired; sign in again." : "Disconnected. Open the tab again to reconnect.",
        true,
      );
    });
    socket.addEventListener("error", function () {
      setLiveStatus("The live connection failed (is the token allowed to read insights?).", true);
    });
  }

  function closeLive() {
    if (state.socket) {
      var socket = state.socket;
      state.socket = null;
      socket.close(1000, "view closed");
    }
  }

  function currentFilter() {
    var type = $("live-type").value;
    var user = $("live-user").value.trim();
    return { types: type ? [type] : null, userid: user || null };
  }

  function sendFilter() {
    if (state.socket && state.socket.readyState === WebSocket.OPEN)
      state.socket.send(JSON.stringify({ filter: currentFilter() }));
  }

  function describeFilter(filter) {
    var parts = [filter.types ? filter.types.join(", ") : "all types"];
    if (filter.userid) parts.push("user " + filter.userid);
    return parts.join(" of ");
  }

  function setLiveStatus(text, isError) {
    $("live-status").textContent = text;
    $("live-status").className = isError ? "status error" : "status";
  }

  function addLiveEvents(events) {
    var body = $("live-rows");
    events.forEach(function (event) {
      var detail = el("pre", { text: JSON.stringify(event, null, 2), hidden: "" });
      var row = el("tr", {}, [
        el("td", { text: String(event.receivedat || "").slice(11, 23) }),
        el("td", { text: event.type }),
        el("td", { text: [event.action, event.source].filter(Boolean).join(" · ") }),
        el("td", { text: String(event.userid || "") }),
        el("td", { text: String((event.geo && event.geo.country) || event.countrycode || "") }),
        el("td", {}, [
          el("button", {
            class: "link",
            text: "JSON",
            onclick: function () {
              detail.hidden = !detail.hidden;
            },
          }),
          detail,
        ]),
      ]);
      body.insertBefore(row, body.firstChild);
    });
    while (body.children.length > MAX_LIVE_ROWS) body.removeChild(body.lastChild);
    $("live-count").textContent = String(body.children.length);
  }

  // ---- export files ----

  function loadExports() {
    var status = $("exports-status");
    status.textContent = "Loading…";
    status.className = "status";
    var query = "?limit=200&from=" + $("exports-from").value + "&to=" + $("exports-to").value;
    api("/v1/exports" + query)
      .then(function (response) {
        return response.json();
      })
      .then(function (listing) {
        var rows = listing.files.map(function (file) {
          return el("tr", {}, [
            el("td", { text: file.key.split("/").pop() }),
            el("td", { class: "n", text: String(file.events) }),
            el("td", { class: "n", text: (file.size / 1024).toFixed(1) + " KB" }),
            el("td", {}, [
              el("button", {
                class: "link",
                text: "download",
                onclick: function () {
                  download(file.key);
                },
              }),
            ]),
          ]);
        });
        $("exports-rows").replaceChildren.apply(
          $("exports-rows"),
          rows.length ? rows : [el("tr", {}, [el("td", { text: "no files in this range", colspan: "4" })])],
        );
        status.textContent = listing.files.length + " file(s)" + (listing.cursor ? " (more: narrow the dates)" : "");
      })
      .catch(function (error) {
        if (error.message === "signed out") return;
        status.textContent = error.message;
        status.className = "status error";
      });
  }

  /** Fetches with the token and saves the bytes as a file: the token never goes into a link. */
  function download(key) {
    var path = "/v1/exports/" + key.split("/").map(encodeURIComponent).join("/");
    api(path)
      .then(function (response) {
        return response.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = el("a", { href: url, download: key.split("/").pop() });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () {
          URL.revokeObjectURL(url);
        }, 10000);
      })
      .catch(function (error) {
        if (error.message === "signed out") return;
        $("exports-status").textContent = error.message;
      });
  }

  // ---- start ----

  function isoDay(offsetDays) {
    return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
  }

  function isoMonth(offsetMonths) {
    var now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offsetMonths, 1)).toISOString().slice(0, 7);
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("daily-from").value = isoDay(-29);
    $("daily-to").value = isoDay(0);
    $("monthly-from").value = isoMonth(-11);
    $("monthly-to").value = isoMonth(0);
    $("exports-from").value = isoDay(-6);
    $("quality-from").value = isoDay(-29);
    $("quality-to").value = isoDay(0);
    $("exports-to").value = isoDay(0);
    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", function () {
      signOut();
    });
    document.querySelectorAll("nav button").forEach(function (button) {
      button.addEventListener("click", function () {
        select(button.dataset.view);
      });
    });
    $("daily-load").addEventListener("click", function () {
      select("daily");
    });
    $("monthly-load").addEventListener("click", function () {
      select("monthly");
    });
    ["daily", "monthly"].forEach(function (view) {
      $(view + "-time").addEventListener("change", function () {
        select(view);
      });
    });
    $("exports-load").addEventListener("click", loadExports);
    $("quality-load").addEventListener("click", loadQuality);
    $("live-type").addEventListener("change", sendFilter);
    $("live-user").addEventListener("change", sendFilter);
    $("live-pause").addEventListener("click", function () {
      state.paused = !state.paused;
      $("live-pause").textContent = state.paused ? "Resume" : "Pause";
    });
    $("live-clear").addEventListener("click", function () {
      $("live-rows").replaceChildren();
      $("live-count").textContent = "0";
    });
    window.addEventListener("resize", function () {
      Object.keys(state.charts).forEach(function (view) {
        var container = $(view + "-chart");
        if (container.clientWidth > 0)
          state.charts[view].setSize({ width: Math.max(280, container.clientWidth), height: 240 });
      });
    });
    if (token()) showApp();
  });
})();
