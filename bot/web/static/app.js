// Sąsiad's Mini App: the server renders every page; this script only fetches them
// with the Telegram sign-in, posts the buttons and forms, and follows Telegram's
// Back button. Nothing here decides anything.
"use strict";
(function () {
  const telegram = window.Telegram && window.Telegram.WebApp;
  const main = document.getElementById("page");
  const signIn = "tma " + (telegram ? telegram.initData : "");
  const trail = [];
  // A chat button names its page after "#" ("…/app/#events"); the menu button opens the week.
  const pages = ["week", "events", "requests", "hours"];
  const named = window.location.hash.slice(1);
  let current = "/api/page/" + (pages.includes(named) ? named : "week");

  async function show(response) {
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("text/html")) {
      main.innerHTML = await response.text();
    } else {
      const problem = document.createElement("p");
      problem.setAttribute("role", "alert");
      problem.textContent = (await response.json()).error;
      main.replaceChildren(problem);
    }
    const page = main.querySelector("[data-lang]");
    if (page) document.documentElement.lang = page.dataset.lang;
    const heading = main.querySelector("h1");
    if (heading) {
      document.title = heading.textContent;
      heading.focus();
    }
    if (telegram && telegram.BackButton) {
      if (trail.length) telegram.BackButton.show(); else telegram.BackButton.hide();
    }
  }

  async function open(path, deeper) {
    if (deeper) trail.push(current); else trail.length = 0;
    current = path;
    await show(await fetch(path, { headers: { Authorization: signIn } }));
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { Authorization: signIn, "Content-Type": "application/x-www-form-urlencoded" },
      body: body || "",
    });
    await show(response);
    if (telegram && telegram.HapticFeedback) telegram.HapticFeedback.selectionChanged();
  }

  document.addEventListener("click", function (event) {
    const copy = event.target.closest("[data-copy]");
    if (copy) {
      const field = document.getElementById(copy.dataset.copy);
      field.select();
      const said = copy.closest(".feed").querySelector("[data-copy-status]");
      navigator.clipboard.writeText(field.value).then(function () {
        said.textContent = copy.dataset.copied;
      }, function () {});
      return;
    }
    const paper = event.target.closest("a[data-download]");
    if (paper && telegram && telegram.downloadFile) {
      // Telegram's own download: a page inside Telegram cannot save a file itself.
      event.preventDefault();
      telegram.downloadFile({ url: paper.href, file_name: paper.dataset.download });
      return;
    }
    const target = event.target.closest("[data-open], button[data-post]");
    if (!target) return;
    event.preventDefault();
    if (target.dataset.open) open(target.dataset.open, target.hasAttribute("data-sub"));
    else post(target.dataset.post);
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.dataset.post) return;
    event.preventDefault();
    post(form.dataset.post, new URLSearchParams(new FormData(form, event.submitter)));
  });

  if (telegram) {
    telegram.ready();
    telegram.expand();
    if (telegram.BackButton) telegram.BackButton.onClick(function () {
      if (trail.length) open(trail.pop(), false).then(function () {});
    });
  }
  open(current, false);
})();
