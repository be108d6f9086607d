// Package web is the secretariat's web page, `mlegit serve`: one school's
// state store and output folder shown in Polish in a browser, with the
// everyday actions (print a slip, record a pickup, invalidate, reissue,
// import the portal's codes, fix photos) as HTML forms.
//
// Terms:
//   - student id: an opaque, stable name of a student in URLs, an HMAC of
//     the PESEL under the server's key (web.key in the state folder, 0600).
//     A full PESEL never appears in a URL, a page title, a log line or a
//     redirect; the student's page shows it only on request ("pokaż
//     PESEL"), and the request is kept in the student's journal.
//   - journal: <state dir>/<school>.web-journal.jsonl (0600), one JSON
//     line per web action with the operator's name. The student's page
//     shows it merged with the state store's history. Lines are appended
//     with O_APPEND; a torn last line (a crash mid-write) is skipped.
//   - operator: the logged-in user, or "sekretariat (lokalnie)" on a
//     loopback address with no users.
//   - Actions: the write operations. The server never changes the store
//     itself; every write goes through an Actions implementation that the
//     command line supplies, built from the same functions the CLI runs.
//
// Security: every response carries a Content-Security-Policy that allows
// only the server's own scripts, styles and images, X-Frame-Options DENY
// and, on pages with personal data, Cache-Control no-store. Every client
// has a session (cookie HttpOnly, SameSite=Strict, Secure under TLS, idle
// timeout); every POST must carry the session's CSRF token. When users
// exist (see [Users]) every page but the login page needs a login, and
// failed logins are rate-limited per address.
//
// Templates, CSS and JavaScript are embedded in the binary: the page works
// without internet, and without JavaScript (search falls back to a form).
package web
