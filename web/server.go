package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/texts"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure a Server. Zero fields take the defaults named.
type Options struct {
	Schools []School
	// Users, when it holds any user, makes every page need a login.
	Users *Users
	// Secure marks the cookies Secure: set it when serving TLS.
	Secure bool
	// IdleTimeout ends a session unused this long (default 30 minutes).
	IdleTimeout time.Duration
	// LocalOperator names the operator with no users (default
	// "sekretariat (lokalnie)").
	LocalOperator string
	// Log receives one line per request and per action (never a PESEL).
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server is the web application; it is an http.Handler.
type Server struct {
	opts     Options
	schools  []*school
	bySID    map[string]*school
	tmpl     map[string]*template.Template
	sessions *sessions
	limiter  *limiter
	mux      *http.ServeMux
	log      *slog.Logger
	now      func() time.Time
}

// New opens the schools' state stores and builds the server. Close it to
// close the stores.
func New(opts Options) (*Server, error) {
	if len(opts.Schools) == 0 {
		return nil, errors.New("web: no school to serve")
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.LocalOperator == "" {
		opts.LocalOperator = "sekretariat (lokalnie)"
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Users == nil {
		opts.Users = &Users{}
	}
	s := &Server{opts: opts, bySID: map[string]*school{}, log: opts.Log, now: opts.Now,
		sessions: newSessions(opts.IdleTimeout, opts.Now),
		limiter:  newLimiter(5, 15*time.Minute, opts.Now)}
	for _, sc := range opts.Schools {
		if _, dup := s.bySID[sc.ID]; dup {
			s.Close()
			return nil, fmt.Errorf("web: school %q listed twice", sc.ID)
		}
		o, err := openSchool(sc)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("web: school %s: %w", sc.ID, err)
		}
		s.schools = append(s.schools, o)
		s.bySID[sc.ID] = o
	}
	var err error
	if s.tmpl, err = parseTemplates(); err != nil {
		s.Close()
		return nil, err
	}
	s.routes()
	if len(s.schools) > 1 {
		// Build the district rows ahead of the first visit.
		go s.district(context.Background())
	}
	return s, nil
}

// Close closes the state stores.
func (s *Server) Close() error {
	var errs []error
	for _, sc := range s.schools {
		errs = append(errs, sc.store.Close())
	}
	return errors.Join(errs...)
}

// needsLogin reports whether pages need a login.
func (s *Server) needsLogin() bool { return len(s.opts.Users.Users) > 0 }

// funcs are the template helpers.
var funcs = template.FuncMap{
	"date":  polishDate,
	"stamp": polishStamp,
	"join":  strings.Join,
	"state": func(st state.State) string { return texts.State(st.String()) },
}

// polishDate formats a date as DD.MM.RRRR ("" for the zero time).
func polishDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02.01.2006")
}

// polishStamp formats a time as DD.MM.RRRR GG:MM in local time.
func polishStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("02.01.2006 15:04")
}

// parseTemplates parses each page with the layout.
func parseTemplates() (map[string]*template.Template, error) {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, p := range pages {
		if strings.HasSuffix(p, "_part.html") {
			parts = append(parts, p)
		}
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		files := append([]string{"templates/layout.html", p}, parts...)
		if strings.HasSuffix(p, "_part.html") {
			files = files[:2]
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", p, err)
		}
		out[name] = t
	}
	return out, nil
}

// page is what every template receives.
type page struct {
	Title    string // never holds a PESEL
	Nav      string // the active menu entry
	School   *school
	Schools  []*school
	Operator string
	Login    bool // users exist: offer "Wyloguj"
	CSRF     string
	Flash    string
	Error    string
	Data     any
}

// render writes a page with the layout. Pages with personal data are sent
// no-store (all pages are, but the login page and the static files).
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	t := s.tmpl[name]
	if t == nil {
		http.Error(w, "brak szablonu", http.StatusInternalServerError)
		return
	}
	p.Schools = s.schools
	var buf bytes.Buffer
	root := "layout.html"
	if strings.HasSuffix(name, "_part") {
		root = name
	}
	if err := t.ExecuteTemplate(&buf, root, p); err != nil {
		s.log.Error("rendering page", "page", name, "err", err)
		http.Error(w, "Błąd wewnętrzny strony.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// securityHeaders are sent with every response.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin") // "no-referrer" makes form POSTs send Origin: null
}

// ServeHTTP applies the security headers, the session, the login and the
// CSRF check, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	securityHeaders(sw.Header())
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		sw.Header().Set("Cache-Control", "no-store")
	}
	s.serve(sw, r)
	// The path is logged, never the query (a search may hold a name).
	s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status,
		"ms", s.now().Sub(start).Milliseconds())
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

type ctxKey struct{}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/static/") {
		s.mux.ServeHTTP(w, r)
		return
	}
	ss := s.sessions.get(r)
	login := r.URL.Path == "/logowanie"
	if ss == nil || (s.needsLogin() && ss.user == "") {
		switch {
		case login:
		case !s.needsLogin():
			ss = s.sessions.start(w, s.opts.LocalOperator, s.opts.Secure)
		case r.Method == http.MethodGet:
			http.Redirect(w, r, "/logowanie?dalej="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		default:
			s.render(w, http.StatusForbidden, "error", &page{Title: "Brak dostępu",
				Error: "Sesja wygasła — zaloguj się ponownie."})
			return
		}
	}
	if r.Method == http.MethodPost && !login && !s.csrfOK(r, ss) {
		s.log.Warn("POST without a valid CSRF token refused", "path", r.URL.Path)
		s.render(w, http.StatusForbidden, "error", &page{Title: "Odmowa",
			Error: "Formularz jest nieważny (brak tokenu zabezpieczającego). Odśwież stronę i spróbuj jeszcze raz."})
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(contextWithSession(r, ss)))
}

// csrfOK checks the form's (or the header's) CSRF token, and that a
// browser-sent Origin is this server.
func (s *Server) csrfOK(r *http.Request, ss *session) bool {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		// Multipart forms are parsed by the handler with its own size
		// limit; the token is read from the query-free form part here.
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			if err := r.ParseMultipartForm(maxUpload); err != nil {
				return false
			}
		}
		token = r.PostFormValue("csrf")
	}
	return ss.validCSRF(token)
}

// maxUpload bounds an uploaded file (a photo or a codes file).
const maxUpload = 16 << 20

// IsLoopback reports whether the listen address addr (host:port) is on a
// loopback interface only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLocked reports whether err says a nightly run holds the school.
func isLocked(err error) bool {
	var le *state.LockedError
	return errors.As(err, &le)
}

// busyMessage is the answer to a write while a nightly run works.
const busyMessage = "Trwa nocne przetwarzanie — spróbuj za kilka minut."
