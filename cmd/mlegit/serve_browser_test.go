package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/web"
)

// chromiumPath finds Debian's chromium; without it the browser tests skip,
// unless CI is set (then .ci/run must have installed it).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("chromium not installed (apt-get install chromium); CI would fail here")
	}
	t.Fatal("chromium not installed: .ci/run installs it")
	return ""
}

// browser starts a fresh headless Chromium for the test and returns its
// chromedp context (the first tab).
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// step runs browser actions with a time limit.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		c2, cancel2 := context.WithTimeout(ctx, 5*time.Second)
		defer cancel2()
		loc, _ := chromedp.Run(c2, chromedp.Location())
		text, _ := chromedp.Run(c2, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%s: %v\nat %s:\n%s", what, err, loc, text)
	}
}

func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// urlLog keeps every URL the browser asked for and every redirect target.
type urlLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *urlLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.urls = append(l.urls, r.URL.String())
		l.mu.Unlock()
		h.ServeHTTP(w, r)
		if loc := w.Header().Get("Location"); loc != "" {
			l.mu.Lock()
			l.urls = append(l.urls, loc)
			l.mu.Unlock()
		}
	})
}

// startServe runs mlegit serve's setup with args and serves it on a free
// loopback port; it returns the base URL.
func startServe(t *testing.T, log *urlLog, args ...string) string {
	t.Helper()
	var stdout bytes.Buffer
	g := &globalOptions{configFile: filepath.Join(samples, "..", "config.yaml"), stdout: &stdout, stderr: io.Discard,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	var opts serveOptions
	opts.AddFlags(fs)
	if err := fs.Parse(append([]string{"--listen", "127.0.0.1:0"}, args...)); err != nil {
		t.Fatal(err)
	}
	srv, ln, err := prepareServe(opts, g, fs)
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	hs := &http.Server{Handler: log.wrap(srv)}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return "http://" + ln.Addr().String()
}

// codesIn reads the activation codes of a portal codes file by PESEL.
func codesIn(t *testing.T, file string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		if f := strings.Split(line, ";"); len(f) > 2 {
			out[f[0]] = f[2]
		}
	}
	return out
}

// squeeze drops what a slip puts between the characters of a code.
var squeeze = strings.NewReplacer(" ", "", "-", "", "\n", "")

// postForm submits the page's form sel from the browser (after running
// prepare, JavaScript with the form as f) and returns the answer, which
// must be a PDF.
func postForm(t *testing.T, ctx context.Context, sel, prepare string) []byte {
	t.Helper()
	got := value(t, ctx, "POST "+sel, chromedp.Evaluate[string](`(async () => {
		const f = document.querySelector('`+sel+`');
		`+prepare+`
		const r = await fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f))});
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ""; for (const x of b) s += String.fromCharCode(x);
		return r.status + "|" + r.headers.get("Content-Type") + "|" + btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	parts := strings.SplitN(got, "|", 3)
	body, _ := base64.StdEncoding.DecodeString(parts[2])
	if parts[0] != "200" || parts[1] != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("POST %s answered %s %s:\n%.500s", sel, parts[0], parts[1], body)
	}
	return body
}

// screenshot saves the page under docs/ when MLEGIT_SCREENSHOTS is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("MLEGIT_SCREENSHOTS") == "" {
		return
	}
	png := value(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "web-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

var elevenDigits = regexp.MustCompile(`\d{11}`)

// TestServeInBrowser drives the secretariat's page in headless Chromium
// through a day's work on the sample school: upload the portal's codes,
// find a student by part of the surname, print her slip, record the
// pickup, invalidate and reissue, assign an unmatched photo. A POST
// without the CSRF token is refused, and no URL the browser visited holds
// a full PESEL.
func TestServeInBrowser(t *testing.T) {
	ctx := browser(t)
	const dudek = "12263030391" // Dudek Pola, 7a
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	codesFile := filepath.Join(t.TempDir(), "kody-z-portalu.csv")
	pkgs, _ := filepath.Glob(filepath.Join(out, "package", "*.zip"))
	if code, _, e := mlegit(t, "portal-sim", "--package", pkgs[0], "--out", codesFile, "--as-of", "2026-09-15"); code != exitOK {
		t.Fatalf("portal-sim: %d %s", code, e)
	}
	// A photo from e-mail that nobody matched (mlegit mail import keeps it).
	mbox := filepath.Join(t.TempDir(), "Odebrane.mbox")
	os.WriteFile(mbox, []byte("From rodzic@example.pl Thu Sep  3 07:00:00 2026\n"+
		mailWithPhoto("m2@example.pl", "zdjęcie syna", "IMG_2031.jpg", mailJPEG(t, 2))+"\n"), 0o600)
	if code, _, e := mlegit(t, "mail", "import", "--file", mbox, "--photos", photos, "--out", out); code != exitRejected {
		t.Fatalf("mail import: exit %d %s", code, e)
	}
	kept, _ := filepath.Glob(filepath.Join(out, "nieprzypisane", "*IMG_2031*"))
	if len(kept) != 1 {
		t.Fatalf("mail import kept %v", kept)
	}
	mailed := kept[0]
	var urls urlLog
	base := startServe(t, &urls, "--out", out, "--photos", photos, "--as-of", "2026-09-16")

	// Pulpit first.
	step(t, ctx, "open the page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if title := value(t, ctx, "title", chromedp.Title()); !strings.HasPrefix(title, "Pulpit") {
		t.Fatalf("first page %q, want Pulpit", title)
	}
	screenshot(t, ctx, "pulpit")

	// Kody: upload the portal's file.
	step(t, ctx, "upload codes",
		chromedp.Click(chromedp.CSS(`nav a[href$="/kody"]`)),
		chromedp.WaitVisible(chromedp.CSS("#plik")),
		chromedp.SetUploadFiles(chromedp.CSS("#plik"), []string{codesFile}),
		chromedp.Click(chromedp.CSS("#importuj")),
		chromedp.WaitVisible(chromedp.CSS("#wynik")))
	result := value(t, ctx, "import result", chromedp.Text(chromedp.CSS("#wynik")))
	if !strings.Contains(result, "Kody zaimportowane") || !strings.Contains(result, "Odrzucone wiersze pliku: 0") {
		t.Fatalf("import result:\n%s", result)
	}
	screenshot(t, ctx, "kody")

	// Print a whole class: one PDF with the codes of every 3c student.
	got := postForm(t, ctx, `form[action$="/klasa/wydruk"]`, `f.querySelector("input[name=klasa]").value = "3c";`)
	text := pdfText(t, got)
	n := 0
	for p, code := range codesIn(t, codesFile) {
		if storeRecord(t, out, p).Class == "3c" {
			n++
			if text != "" && !strings.Contains(squeeze.Replace(text), code) {
				t.Errorf("the class's print lacks the code of a 3c student")
			}
		}
	}
	if n == 0 {
		t.Fatal("no 3c student has codes")
	}
	if st, _ := storeState(t, out, dudek); st != state.CodesReceived {
		t.Fatalf("after the upload the student is %s, want codes_received", st)
	}

	// Uczniowie: type part of the surname; the list follows as you type.
	step(t, ctx, "search",
		chromedp.Click(chromedp.CSS(`nav a[href$="/uczniowie"]`)),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "dude"),
		chromedp.WaitVisible(chromedp.Search(`//table[@class="results"]//a[contains(., "Dudek Pola")]`)))
	// The list narrows without a page load: one row left, Dudek Pola.
	// As long as every other step may take (chromium on a loaded machine
	// once took more than 10 s here).
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	_, err := chromedp.Run(c, chromedp.Poll[bool](`document.querySelectorAll("table.results tbody tr").length === 1`))
	cancel()
	if err != nil {
		t.Fatalf("typing 'dude' did not narrow the list to one student: %v", err)
	}
	if loc := value(t, ctx, "location", chromedp.Location()); strings.Contains(loc, "dude") {
		t.Errorf("the search loaded a new page (%s): it should update in place", loc)
	}
	screenshot(t, ctx, "uczniowie")
	step(t, ctx, "open the student",
		chromedp.Click(chromedp.CSS(`table.results a`)),
		chromedp.WaitVisible(chromedp.CSS("#drukuj")))
	screenshot(t, ctx, "uczen")

	// A POST without the CSRF token is refused.
	status := value(t, ctx, "POST without CSRF", chromedp.Evaluate[int](`fetch(document.querySelector('form[action$="/wydruk"]').action, {method: "POST"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != http.StatusForbidden {
		t.Fatalf("POST without the CSRF token: %d, want 403", status)
	}

	// Print the slip: the form's POST answers with a PDF holding her code.
	pdf := postForm(t, ctx, `form[action$="/wydruk"]`, "")
	if text := pdfText(t, pdf); text != "" {
		if code := codesIn(t, codesFile)[dudek]; !strings.Contains(squeeze.Replace(text), code) {
			t.Errorf("the slip does not hold the student's activation code")
		}
	}
	if st, _ := storeState(t, out, dudek); st != state.SlipPrinted {
		t.Fatalf("after printing the student is %s, want slip_printed", st)
	}

	// Record the pickup (date defaults to today).
	step(t, ctx, "pickup",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS("#odbior")),
		chromedp.SetValue(chromedp.CSS(`select[name="kto"]`), "ojciec"),
		chromedp.SendKeys(chromedp.CSS(`input[name="nazwisko"]`), "Marek Dudek"),
		chromedp.Click(chromedp.CSS("#odbior")),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="flash" and contains(., "Odbiór zapisany")]`)))
	rec := storeRecord(t, out, dudek)
	if rec.State != state.PickedUp || rec.PickedUpBy != "Marek Dudek (ojciec)" || rec.PickedUpAt.Format(time.DateOnly) != "2026-09-16" {
		t.Fatalf("after the pickup: %s by %q on %v", rec.State, rec.PickedUpBy, rec.PickedUpAt)
	}

	// Invalidate (parent's request), then reissue.
	step(t, ctx, "invalidate",
		chromedp.SetValue(chromedp.CSS("#powod"), "parent-request"),
		chromedp.Click(chromedp.CSS("#uniewaznij")),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="flash" and contains(., "Legitymacja unieważniona")]`)))
	if st, _ := storeState(t, out, dudek); st != state.Invalidated {
		t.Fatalf("after invalidating: %s", st)
	}
	step(t, ctx, "reissue",
		chromedp.Click(chromedp.CSS("#wydaj")),
		chromedp.WaitVisible(chromedp.Search(`//h3[contains(., "Wydanie 2")]`)))
	if st, _ := storeState(t, out, dudek); st != state.New {
		t.Fatalf("after reissuing: %s, want new", st)
	}
	history := value(t, ctx, "history", chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"zapisano odbiór", "unieważniono legitymację", "na wniosek rodziców", "zlecono ponowne wydanie", "sekretariat (lokalnie)"} {
		if !strings.Contains(history, want) {
			t.Errorf("the student's history lacks %q", want)
		}
	}
	screenshot(t, ctx, "historia")

	// A new photo for her: written into the photos folder under her PESEL.
	photo, _ := filepath.Abs(filepath.Join(samples, "photos", "Dudek Pola 7a.jpg")) // the browser needs an absolute path
	step(t, ctx, "upload a photo",
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="zdjecie"]`), []string{photo}),
		chromedp.Submit(chromedp.CSS(`input[name="zdjecie"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="flash" and contains(., "Zdjęcie zapisane")]`)))
	want, _ := os.ReadFile(photo)
	if got, err := os.ReadFile(filepath.Join(photos, dudek+".jpg")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the uploaded photo is not the student's photo file (%v)", err)
	}

	// Do poprawy: assign the photo that matched nobody to Mazur Jan.
	step(t, ctx, "fix page",
		chromedp.Click(chromedp.CSS(`nav a[href$="/do-poprawy"]`)),
		chromedp.WaitVisible(chromedp.CSS("form.thumb")))
	screenshot(t, ctx, "do-poprawy")
	mazur := value(t, ctx, "pick student", chromedp.Evaluate[string](`(() => {
		const sel = document.querySelector("form.thumb select[name=uczen]");
		const o = [...sel.options].find(o => o.text.includes("Kowalczyk"));
		sel.value = o.value; return o.value; })()`))
	if mazur == "" {
		t.Fatal("no student to assign the photo to")
	}
	step(t, ctx, "assign",
		chromedp.Click(chromedp.CSS("form.thumb button")),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="flash" and contains(., "przypisane")]`)))
	if _, err := os.Stat(filepath.Join(photos, "Nieznany Uczeń 9z.jpg")); err == nil {
		t.Error("the unmatched photo is still under its old name")
	}
	if _, err := os.Stat(filepath.Join(photos, "17271712844.jpg")); err != nil {
		t.Errorf("the photo was not given the student's PESEL as its name: %v", err)
	}
	// The e-mailed photo goes through mlegit photos assign.
	step(t, ctx, "assign the mailed photo",
		chromedp.WaitVisible(chromedp.Search(`//form[contains(@class, "thumb") and contains(., "z poczty")]`)))
	value(t, ctx, "pick student", chromedp.Evaluate[bool](`(() => {
		const f = [...document.querySelectorAll("form.thumb")].find(f => f.textContent.includes("z poczty"));
		const sel = f.querySelector("select[name=uczen]");
		sel.value = [...sel.options].find(o => o.text.includes("Kamiński")).value;
		f.querySelector("button").click(); return true; })()`))
	step(t, ctx, "assigned", chromedp.WaitVisible(chromedp.Search(`//p[@class="flash" and contains(., "IMG_2031")]`)))
	if _, err := os.Stat(mailed); err == nil {
		t.Error("the mailed photo is still kept as unassigned")
	}
	if _, err := os.Stat(filepath.Join(photos, "18230410005.jpg")); err != nil {
		t.Errorf("the mailed photo was not written under the student's PESEL: %v", err)
	}

	step(t, ctx, "register",
		chromedp.Click(chromedp.CSS(`nav a[href$="/rejestr"]`)),
		chromedp.WaitVisible(chromedp.CSS("#odswiez")),
		chromedp.Click(chromedp.CSS("#odswiez")),
		chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Rejestr kodów (Excel)")]`)))
	screenshot(t, ctx, "rejestr")
	for _, f := range []string{"register/rejestr.xlsx", "register/rejestr.pdf", "status.xlsx"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("after 'Utwórz rejestr': %v", err)
		}
	}
	xlsx := value(t, ctx, "download", chromedp.Evaluate[string](`fetch(document.querySelector('a[href$="/pliki/rejestr.xlsx"]').href).then(r => r.status + " " + r.headers.get("Content-Disposition"))`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(xlsx, "200 attachment") {
		t.Errorf("downloading rejestr.xlsx: %s", xlsx)
	}

	urls.mu.Lock()
	defer urls.mu.Unlock()
	if len(urls.urls) < 10 {
		t.Fatalf("only %d URLs logged", len(urls.urls))
	}
	for _, u := range urls.urls {
		if elevenDigits.MatchString(u) {
			t.Errorf("URL with 11 digits (a PESEL?): %s", u)
		}
		if strings.Contains(u, "Dudek") || strings.Contains(u, "Kowalczyk") {
			t.Errorf("URL with a student's name: %s", u)
		}
	}
}

// TestServeLoginInBrowser: with a user, the page asks for a login first;
// serve refuses a LAN address while no user exists.
func TestServeLoginInBrowser(t *testing.T) {
	_, _, out := school(t)
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	var opts serveOptions
	opts.AddFlags(fs)
	fs.Parse([]string{"--listen", "0.0.0.0:0", "--out", out})
	g := &globalOptions{configFile: filepath.Join(samples, "..", "config.yaml"), stdout: io.Discard, stderr: io.Discard,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, _, err := prepareServe(opts, g, fs); exitCode(err) != exitUsage || !strings.Contains(err.Error(), "mlegit users add") {
		t.Fatalf("serve on 0.0.0.0 with no users: %v, want a usage error naming mlegit users add", err)
	}

	users := &web.Users{}
	if err := users.Add("ania", "dobre-haslo-123", false); err != nil {
		t.Fatal(err)
	}
	if err := users.Save(web.UsersPath(filepath.Join(out, "state"))); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	var urls urlLog
	base := startServe(t, &urls, "--out", out)
	step(t, ctx, "open", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name="haslo"]`)))
	if title := value(t, ctx, "title", chromedp.Title()); !strings.HasPrefix(title, "Logowanie") {
		t.Fatalf("first page %q, want the login", title)
	}
	screenshot(t, ctx, "logowanie")
	step(t, ctx, "wrong password",
		chromedp.SendKeys(chromedp.CSS(`input[name="uzytkownik"]`), "ania"),
		chromedp.SendKeys(chromedp.CSS(`input[name="haslo"]`), "zle-haslo-000"),
		chromedp.Submit(chromedp.CSS(`input[name="haslo"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="error" and contains(., "Nieprawidłowa")]`)))
	step(t, ctx, "login",
		chromedp.SendKeys(chromedp.CSS(`input[name="uzytkownik"]`), "ania"),
		chromedp.SendKeys(chromedp.CSS(`input[name="haslo"]`), "dobre-haslo-123"),
		chromedp.Submit(chromedp.CSS(`input[name="haslo"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Pulpit")]`)))
	if who := value(t, ctx, "operator", chromedp.Text(chromedp.CSS(".who span"))); who != "ania" {
		t.Errorf("operator shown as %q", who)
	}
}

// storeRecord reads one student's record from the sample school's store.
func storeRecord(t *testing.T, out, p string) state.Record {
	t.Helper()
	st, err := state.Open(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := st.Get(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pdfText extracts a PDF's text with pdftotext; "" (check skipped) when
// poppler-utils is missing outside CI.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing: .ci/run installs poppler-utils")
		}
		return ""
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(b)
}
