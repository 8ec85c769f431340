/** @type {import('tailwindcss').Config} */
module.exports = {
  content: ["./views/**/*.templ", "./views/**/*.go", "./static/js/app.js", "./static/js/oficial/*.js"],
  // The badges' class is "status-" + views.StatusKind(…), built when the page
  // is: no source spells these names whole, so they are kept by name.
  safelist: ["status-ok", "status-due", "status-info", "status-bad", "status-off"],
  theme: {
    extend: {
      fontFamily: {
        sans: ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
      },
    },
  },
  plugins: [],
};
