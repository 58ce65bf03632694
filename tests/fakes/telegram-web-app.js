// A stand-in for Telegram's telegram-web-app.js in the browser tests: the signed
// initData of one test user, a theme set the way Telegram sets it (CSS variables on
// <html>), and the few calls the Mini App makes. The test fills in SASIAD_TEST.
(function () {
  const given = window.SASIAD_TEST;
  const root = document.documentElement.style;
  for (const [name, value] of Object.entries(given.theme)) {
    root.setProperty("--tg-theme-" + name.replaceAll("_", "-"), value);
  }
  const back = { visible: false, handlers: [] };
  window.Telegram = {
    WebApp: {
      initData: given.initData,
      colorScheme: given.colorScheme,
      themeParams: given.theme,
      ready: function () {},
      expand: function () {},
      HapticFeedback: { selectionChanged: function () {} },
      BackButton: {
        get isVisible() { return back.visible; },
        show: function () { back.visible = true; },
        hide: function () { back.visible = false; },
        onClick: function (handler) { back.handlers.push(handler); },
        press: function () { back.handlers.forEach(function (handler) { handler(); }); },
      },
    },
  };
})();
