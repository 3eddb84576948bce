// Sets <html lang> before the page paints, as web/src/lib/i18n/catalog.ts's initialLocale
// decides it (catalog.test.ts runs this file against it): the learner's kept choice, else the
// browser's first language Slipway speaks, else English. The app then owns it (locale.svelte.ts).
(function () {
  var locales = ['en', 'zh'];
  var locale = null;
  try {
    locale = localStorage.getItem('slipway.locale');
  } catch (error) {
    // No storage: follow the browser.
  }
  if (locales.indexOf(locale) < 0) {
    locale = 'en';
    var languages = navigator.languages || [navigator.language];
    for (var i = 0; i < languages.length; i++) {
      var primary = String(languages[i]).toLowerCase().split('-')[0];
      if (locales.indexOf(primary) >= 0) {
        locale = primary;
        break;
      }
    }
  }
  document.documentElement.lang = locale === 'zh' ? 'zh-CN' : locale;
})();
