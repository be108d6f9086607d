package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// sessionCookie names the session cookie.
const sessionCookie = "mlegit_sesja"

// session is one browser's login (or, with no users, its anonymous visit).
type session struct {
	id       string
	user     string // "" until logged in (when users exist)
	csrf     string
	lastSeen time.Time
	flash    string // the message the next page shows (kept here, never in a URL)
}

// sessions holds the live sessions in memory: a restart logs everyone out.
type sessions struct {
	mu   sync.Mutex
	byID map[string]*session
	idle time.Duration
	now  func() time.Time
}

func newSessions(idle time.Duration, now func() time.Time) *sessions {
	return &sessions{byID: map[string]*session{}, idle: idle, now: now}
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// get returns the live session of the request, or nil; it refreshes its
// idle timer.
func (s *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.byID[c.Value]
	if ss == nil {
		return nil
	}
	now := s.now()
	if now.Sub(ss.lastSeen) > s.idle {
		delete(s.byID, ss.id)
		return nil
	}
	ss.lastSeen = now
	cp := *ss
	return &cp
}

// setFlash keeps msg for the session's next page.
func (s *sessions) setFlash(ss *session, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := s.byID[ss.id]; x != nil {
		x.flash = msg
	}
}

// popFlash returns and forgets the session's message.
func (s *sessions) popFlash(ss *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.byID[ss.id]
	if x == nil {
		return ""
	}
	msg := x.flash
	x.flash = ""
	return msg
}

// start makes a new session for user and sets its cookie.
func (s *sessions) start(w http.ResponseWriter, user string, secure bool) *session {
	ss := &session{id: randomToken(), user: user, csrf: randomToken(), lastSeen: s.now()}
	s.mu.Lock()
	// Drop expired sessions while here, so the map cannot grow forever.
	for id, x := range s.byID {
		if s.now().Sub(x.lastSeen) > s.idle {
			delete(s.byID, id)
		}
	}
	s.byID[ss.id] = ss
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: ss.id, Path: "/", HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteStrictMode})
	cp := *ss
	return &cp
}

// end forgets the session and clears its cookie.
func (s *sessions) end(w http.ResponseWriter, ss *session, secure bool) {
	if ss != nil {
		s.mu.Lock()
		delete(s.byID, ss.id)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteStrictMode})
}

// validCSRF reports whether token is the session's CSRF token.
func (ss *session) validCSRF(token string) bool {
	return ss != nil && token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(ss.csrf)) == 1
}

// limiter counts failed logins per client address: after maxFails within
// window, further attempts are refused until the window has passed.
type limiter struct {
	mu       sync.Mutex
	fails    map[string][]time.Time
	maxFails int
	window   time.Duration
	now      func() time.Time
}

func newLimiter(maxFails int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{fails: map[string][]time.Time{}, maxFails: maxFails, window: window, now: now}
}

func (l *limiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.window)
	kept := l.fails[key][:0]
	for _, t := range l.fails[key] {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = kept
	return kept
}

// allowed reports whether key may try to log in now.
func (l *limiter) allowed(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key)) < l.maxFails
}

// fail records a failed login of key.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails[key] = append(l.recent(key), l.now())
}
