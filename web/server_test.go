package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/state"
)

// Two students of a test school (valid PESELs).
const (
	peselA = "17271712844" // Kowalczyk Zuzanna, 2a
	peselB = "18230410005" // Kamiński Paweł, 1b
)

var testNow = time.Date(2026, 9, 16, 10, 0, 0, 0, time.UTC)

// recorder is an Actions that moves the store as the CLI would and
// remembers the calls.
type recorder struct {
	mu    sync.Mutex
	store *state.Store
	calls []string
}

func (r *recorder) note(s string) {
	r.mu.Lock()
	r.calls = append(r.calls, s)
	r.mu.Unlock()
}

func (r *recorder) PrintSlips(ctx context.Context, pesels []string, class string) ([]byte, error) {
	r.note("print " + strings.Join(pesels, ",") + class)
	return []byte("%PDF-1.4 test"), nil
}
func (r *recorder) RecordPickup(ctx context.Context, p, by string, date time.Time) (string, error) {
	r.note("pickup " + p + " " + by + " " + date.Format(time.DateOnly))
	return "", nil
}
func (r *recorder) Invalidate(ctx context.Context, p, reason, text string) (string, error) {
	r.note("invalidate " + p + " " + reason)
	rs, detail, err := lifecycle.ParseFlag(reason, false)
	if err != nil {
		return "", err
	}
	_, err = lifecycle.Invalidate(ctx, r.store, p, rs, detail, testNow)
	return "", err
}
func (r *recorder) Reissue(ctx context.Context, p, reason, text string) (string, error) {
	r.note("reissue " + p)
	rs, detail, err := lifecycle.ParseFlag(reason, true)
	if err != nil {
		return "", err
	}
	_, err = lifecycle.Reissue(ctx, r.store, p, rs, detail, testNow)
	return "", err
}
func (r *recorder) WriteReports(ctx context.Context) (string, error) {
	r.note("reports")
	return "", nil
}
func (r *recorder) ImportCodes(ctx context.Context, path string) (string, error) {
	b, _ := os.ReadFile(path)
	r.note("codes " + string(b))
	return "Kody zaimportowane.", nil
}
func (r *recorder) SetPhoto(ctx context.Context, p string, in io.Reader) (string, error) {
	r.note("photo " + p)
	return "", nil
}
func (r *recorder) AssignPhoto(ctx context.Context, path, p string) (string, error) {
	r.note("assign " + path + " " + p)
	return "", nil
}

// testSchool makes a state store with two students and returns the School.
func testSchool(t *testing.T) (School, *recorder) { return testSchoolID(t, "sp1") }

func testSchoolID(t *testing.T, id string) (School, *recorder) {
	t.Helper()
	dir := t.TempDir()
	sd := filepath.Join(dir, "state")
	st, err := state.Open(sd, id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	items := []state.Item{
		{PESEL: peselA, Surname: "Kowalczyk", FirstName: "Zuzanna", Class: "2a", RowHash: "a"},
		{PESEL: peselB, Surname: "Kamiński", FirstName: "Paweł", Class: "1b", RowHash: "b"},
	}
	if err := st.Upsert(context.Background(), items, testNow.Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{store: st}
	return School{ID: id, Name: "Szkoła Testowa " + id, Out: filepath.Join(dir, "out"), StateDir: sd, Actions: rec}, rec
}

// client is a browser-like client: a cookie jar, no redirects followed.
type client struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newClient(t *testing.T, h http.Handler) *client {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: ts.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
var idRE = regexp.MustCompile(`/uczen/([a-z0-9]+)`)

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPagesHeadersAndSearch(t *testing.T) {
	sc, _ := testSchool(t)
	c := newClient(t, newServer(t, Options{Schools: []School{sc}}))
	resp, _ := c.do("GET", "/", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/szkola/sp1/" {
		t.Fatalf("/ answers %d → %q, want the school's dashboard", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/szkola/sp1/", "/szkola/sp1/uczniowie", "/szkola/sp1/do-poprawy", "/szkola/sp1/kody", "/szkola/sp1/rejestr"} {
		resp, body := c.do("GET", path, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d\n%s", path, resp.StatusCode, body)
		}
		h := resp.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", path, h)
		}
		if !strings.Contains(body, `lang="pl"`) {
			t.Errorf("%s: not a Polish page", path)
		}
	}
	// Search by a part of the surname without diacritics, by class.
	_, body := c.do("GET", "/szkola/sp1/uczniowie?q=kamins&fragment=1", nil)
	if !strings.Contains(body, "Kamiński Paweł") || strings.Contains(body, "Kowalczyk") {
		t.Errorf("search kamins:\n%s", body)
	}
	_, body = c.do("GET", "/szkola/sp1/uczniowie?q=2a", nil)
	if !strings.Contains(body, "Kowalczyk Zuzanna") || strings.Contains(body, "Kamiński") {
		t.Errorf("search 2a:\n%s", body)
	}
	if strings.Contains(body, peselA) || strings.Contains(body, peselB) {
		t.Error("the list shows a full PESEL")
	}
}

func TestStudentPageShowsPESELOnlyOnRequest(t *testing.T) {
	sc, _ := testSchool(t)
	c := newClient(t, newServer(t, Options{Schools: []School{sc}}))
	_, body := c.do("GET", "/szkola/sp1/uczniowie?q=kowal", nil)
	id := idRE.FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no student link:\n%s", body)
	}
	path := "/szkola/sp1/uczen/" + id[1]
	if strings.Contains(path, peselA) {
		t.Fatal("student URL holds the PESEL")
	}
	_, body = c.do("GET", path, nil)
	if strings.Contains(body, peselA) || !strings.Contains(body, "1727*****44") {
		t.Fatalf("student page before request: full PESEL shown or masked missing")
	}
	csrf := csrfRE.FindStringSubmatch(body)[1]
	resp, body := c.do("POST", path+"/pesel", url.Values{"csrf": {csrf}})
	if resp.StatusCode != 200 || !strings.Contains(body, peselA) {
		t.Fatalf("pokaż PESEL: %d, PESEL shown %v", resp.StatusCode, strings.Contains(body, peselA))
	}
	if title := body[strings.Index(body, "<title>"):strings.Index(body, "</title>")]; strings.Contains(title, peselA) {
		t.Error("title holds the PESEL")
	}
	_, body = c.do("GET", path, nil)
	if !strings.Contains(body, "wyświetlono pełny PESEL") || !strings.Contains(body, "sekretariat (lokalnie)") {
		t.Errorf("the request is not in the history:\n%s", body)
	}
}

func TestPOSTWithoutCSRFRefused(t *testing.T) {
	sc, rec := testSchool(t)
	c := newClient(t, newServer(t, Options{Schools: []School{sc}}))
	_, body := c.do("GET", "/szkola/sp1/uczniowie?q=kowal", nil)
	path := "/szkola/sp1/uczen/" + idRE.FindStringSubmatch(body)[1]
	for _, form := range []url.Values{{"powod": {"transfer"}}, {"powod": {"transfer"}, "csrf": {"forged"}}} {
		resp, _ := c.do("POST", path+"/uniewaznij", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %v: %d, want 403", form, resp.StatusCode)
		}
	}
	if len(rec.calls) != 0 {
		t.Errorf("actions ran: %v", rec.calls)
	}
	// With the token: invalidated, journaled, then reissued.
	_, body = c.do("GET", path, nil)
	csrf := csrfRE.FindStringSubmatch(body)[1]
	resp, _ := c.do("POST", path+"/uniewaznij", url.Values{"csrf": {csrf}, "powod": {"transfer"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invalidate: %d", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); strings.ContainsAny(loc, "?") || strings.Contains(loc, peselA) {
		t.Errorf("redirect carries data: %s", loc)
	}
	_, body = c.do("GET", path, nil)
	if !strings.Contains(body, "unieważniono legitymację") || !strings.Contains(body, "Wydaj legitymację ponownie") {
		t.Errorf("after invalidation:\n%s", body)
	}
	c.do("POST", path+"/wydaj-ponownie", url.Values{"csrf": {csrf}, "powod": {"parent-request"}})
	_, body = c.do("GET", path, nil)
	if !strings.Contains(body, "Wydanie 2") {
		t.Errorf("reissue did not start a second issue in the timeline")
	}
}

func TestWritesRefusedWhileNightlyRunHoldsLock(t *testing.T) {
	sc, rec := testSchool(t)
	c := newClient(t, newServer(t, Options{Schools: []School{sc}}))
	_, body := c.do("GET", "/szkola/sp1/uczniowie?q=kowal", nil)
	path := "/szkola/sp1/uczen/" + idRE.FindStringSubmatch(body)[1]
	lock, err := state.Lock(sc.StateDir, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	_, body = c.do("GET", path, nil) // reading works
	csrf := csrfRE.FindStringSubmatch(body)[1]
	start := time.Now()
	resp, body := c.do("POST", path+"/odbior", url.Values{"csrf": {csrf}, "kto": {"matka"}, "nazwisko": {"Anna Kowalczyk"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Trwa nocne przetwarzanie — spróbuj za kilka minut") {
		t.Fatalf("pickup during a run: %d\n%s", resp.StatusCode, body)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusal took %v: it must not wait for the lock", d)
	}
	if len(rec.calls) != 0 {
		t.Errorf("action ran during the nightly run: %v", rec.calls)
	}
}

func TestLoginRequiredWithUsers(t *testing.T) {
	sc, _ := testSchool(t)
	users := &Users{}
	if err := users.Add("ania", "dobre-haslo-123", false); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newServer(t, Options{Schools: []School{sc}, Users: users, Secure: true}))
	resp, _ := c.do("GET", "/szkola/sp1/uczniowie", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/logowanie") {
		t.Fatalf("no login: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = c.do("POST", "/szkola/sp1/kody", url.Values{})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with no login: %d", resp.StatusCode)
	}
	for i := 0; i < 5; i++ {
		resp, _ = c.do("POST", "/logowanie", url.Values{"uzytkownik": {"ania"}, "haslo": {"zle"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, resp.StatusCode)
		}
	}
	resp, _ = c.do("POST", "/logowanie", url.Values{"uzytkownik": {"ania"}, "haslo": {"dobre-haslo-123"}})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures: %d, want 429", resp.StatusCode)
	}

	c2 := newClient(t, newServer(t, Options{Schools: []School{sc}, Users: users, Secure: true}))
	resp, _ = c2.do("POST", "/logowanie", url.Values{"uzytkownik": {"ania"}, "haslo": {"dobre-haslo-123"}, "dalej": {"//evil.example/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Secure"} {
		if !strings.Contains(ck, want) {
			t.Errorf("session cookie %q lacks %s", ck, want)
		}
	}
	resp, body := c2.do("GET", "/szkola/sp1/", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "ania") {
		t.Fatalf("after login: %d", resp.StatusCode)
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	sc, _ := testSchool(t)
	users := &Users{}
	users.Add("ania", "dobre-haslo-123", false)
	now := testNow
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := newClient(t, newServer(t, Options{Schools: []School{sc}, Users: users, IdleTimeout: time.Minute, Now: clock}))
	c.do("POST", "/logowanie", url.Values{"uzytkownik": {"ania"}, "haslo": {"dobre-haslo-123"}})
	if resp, _ := c.do("GET", "/szkola/sp1/", nil); resp.StatusCode != 200 {
		t.Fatalf("logged in: %d", resp.StatusCode)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if resp, _ := c.do("GET", "/szkola/sp1/", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the idle timeout: %d, want a redirect to the login", resp.StatusCode)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true,
		"0.0.0.0:8080": false, ":8080": false, "192.168.1.10:8080": false} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) = %v", addr, !want)
		}
	}
}

func TestUsersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", UsersFile)
	u := &Users{}
	if err := u.Add("ania", "krotkie", false); err != ErrShortPassword {
		t.Errorf("short password: %v", err)
	}
	if err := u.Add("a b", "dobre-haslo-123", false); err != ErrBadUserName {
		t.Errorf("bad name: %v", err)
	}
	if err := u.Add("ania", "dobre-haslo-123", false); err != nil {
		t.Fatal(err)
	}
	if err := u.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("users file mode %v", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "dobre-haslo-123") {
		t.Fatal("password stored in clear")
	}
	u2, err := LoadUsers(path)
	if err != nil || !u2.Check("ania", "dobre-haslo-123") || u2.Check("ania", "zle-haslo-1234") || u2.Check("ola", "dobre-haslo-123") {
		t.Errorf("check after reload wrong (%v)", err)
	}
}

func TestDistrictPicker(t *testing.T) {
	a, _ := testSchoolID(t, "sp1")
	b, _ := testSchoolID(t, "sp2")
	c := newClient(t, newServer(t, Options{Schools: []School{a, b}}))
	resp, body := c.do("GET", "/", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("district page: %d", resp.StatusCode)
	}
	for _, want := range []string{`href="/szkola/sp1/"`, `href="/szkola/sp2/"`, "Szkoła Testowa sp2"} {
		if !strings.Contains(body, want) {
			t.Errorf("district page lacks %s", want)
		}
	}
	if resp, _ := c.do("GET", "/szkola/sp2/uczniowie?q=kam", nil); resp.StatusCode != 200 {
		t.Errorf("second school's students: %d", resp.StatusCode)
	}
	if resp, _ := c.do("GET", "/szkola/sp3/", nil); resp.StatusCode != 404 {
		t.Errorf("unknown school: %d, want 404", resp.StatusCode)
	}
}

func TestDashboardShowsExitCodeAndHeld(t *testing.T) {
	sc, _ := testSchool(t)
	if err := os.MkdirAll(sc.Out, 0o700); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newServer(t, Options{Schools: []School{sc}}))
	for _, tc := range []struct {
		code int
		held *report.Held
		want []string
		not  []string
	}{
		{0, nil, []string{"Wynik nocy: kod 0 — bez uwag"}, []string{"Noc wstrzymana", "wstrzymanych unieważnień"}},
		{3, nil, []string{"Wynik nocy: kod 3 — część uczniów odrzucona"}, []string{"wstrzymanych unieważnień"}},
		{6, &report.Held{Invalidations: 12, Limit: 5}, []string{"Wynik nocy: kod 6 — noc wstrzymana — zbyt wiele unieważnień",
			"wstrzymanych unieważnień: 12 (dopuszczalnie 5)"}, nil},
	} {
		code := tc.code
		sum := report.Summary{School: sc.ID, AsOf: "2026-09-16", Students: 2, ExitCode: &code, Held: tc.held}
		if err := report.WriteSummary(sc.Out, &sum); err != nil {
			t.Fatal(err)
		}
		_, body := c.do("GET", "/szkola/sp1/", nil)
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("exit %d: Pulpit lacks %q", code, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("exit %d: Pulpit shows %q", code, n)
			}
		}
	}
	// A summary written before exit codes were recorded says nothing about one.
	if err := report.WriteSummary(sc.Out, &report.Summary{School: sc.ID, AsOf: "2026-09-16"}); err != nil {
		t.Fatal(err)
	}
	if _, body := c.do("GET", "/szkola/sp1/", nil); strings.Contains(body, "Wynik nocy") {
		t.Error("Pulpit invents an exit code")
	}
}
