package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/district"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/mail"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/photos"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/web"
)

const serveLong = `Serve the secretariat's web page (in Polish): the school's dashboard,
students search, a student's history, slips to print, pickups, invalidation
and reissue, the portal's codes upload, what to fix, and the register files.

It serves one school (--out, --school) or, when the config lists schools
(a district config), every school with a picker. Open the address it prints
in a browser: http://127.0.0.1:8080 by default.

On 127.0.0.1 (the default) no login is needed. Any other --listen address
needs users: add them first with "mlegit users add NAME"; serve refuses to
start on a LAN address while no user exists. Use --tls-cert and --tls-key to
serve HTTPS on a LAN.

Every action goes through the same code as the matching command (pickup,
invalidate, slips, codes import). While a nightly run holds a school's lock,
its write actions are refused at once; reading works.

Exit codes: 0 stopped, 2 usage error (no users off loopback, bad address),
1 fatal.`

// serveOptions are the flags of mlegit serve.
type serveOptions struct {
	Listen      string
	TLSCert     string
	TLSKey      string
	IdleTimeout time.Duration
}

func (o *serveOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Listen, "listen", "127.0.0.1:8080", "address to listen on (host:port)")
	f.StringVar(&o.TLSCert, "tls-cert", "", "TLS certificate (PEM) to serve HTTPS")
	f.StringVar(&o.TLSKey, "tls-key", "", "TLS private key (PEM) to serve HTTPS")
	f.DurationVar(&o.IdleTimeout, "idle-timeout", 30*time.Minute, "log a user out after this long without a request")
	f.String("out", "out", "output folder")
	f.String("school", "szkola", "school identifier (default: the one school whose state is in --out)")
	f.String("photos", "", "folder of the students' photos (for photo uploads and assignment)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
	f.String("as-of", "", "date the page works on, YYYY-MM-DD (default today; for trying it on old data)")
}

func newServeCommand(g *globalOptions) *cobra.Command {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:     "serve [--listen 127.0.0.1:8080] [--out DIR]",
		Short:   "Serve the secretariat's web page",
		Long:    serveLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit serve --out wynik\n  mlegit serve --config powiat.yaml --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), opts, g, cmd.Flags())
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runServe(ctx context.Context, opts serveOptions, g *globalOptions, flags *pflag.FlagSet) error {
	srv, ln, err := prepareServe(opts, g, flags)
	if err != nil {
		return err
	}
	defer srv.Close()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(g.log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if opts.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(g.stdout, "mlegit serve: open %s://%s in a browser (Ctrl+C stops)\n", scheme, ln.Addr())
	done := make(chan error, 1)
	go func() {
		if opts.TLSCert != "" {
			done <- hs.ServeTLS(ln, opts.TLSCert, opts.TLSKey)
			return
		}
		done <- hs.Serve(ln)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return hs.Shutdown(shut)
	}
}

// prepareServe checks the options, builds the web server and opens the
// listener.
func prepareServe(opts serveOptions, g *globalOptions, flags *pflag.FlagSet) (*web.Server, net.Listener, error) {
	if (opts.TLSCert == "") != (opts.TLSKey == "") {
		return nil, nil, usageErrorf("--tls-cert and --tls-key go together")
	}
	cfg, v, err := g.loadConfig(flags)
	if err != nil {
		return nil, nil, err
	}
	clock := time.Now
	if cfg.AsOf != "" {
		asOf, err := parseAsOf(cfg.AsOf)
		if err != nil {
			return nil, nil, err
		}
		clock = func() time.Time { return state.At(asOf, time.Now()) }
	}
	users, err := web.LoadUsers(web.UsersPath(stateDir(cfg, cfg.Out)))
	if err != nil {
		return nil, nil, err
	}
	if !web.IsLoopback(opts.Listen) && len(users.Users) == 0 {
		return nil, nil, usageErrorf("--listen %s is reachable from other computers and no user exists: add one first with\n  mlegit users add NAME --out %s\n(or listen on 127.0.0.1)", opts.Listen, cfg.Out)
	}
	var schools []district.School
	if err := v.UnmarshalKey("schools", &schools); err != nil {
		return nil, nil, usageErrorf("config schools: %v", err)
	}
	if len(schools) == 0 {
		if err := resolveSchool(cfg, v, flags); err != nil {
			return nil, nil, err
		}
		schools = []district.School{{ID: cfg.School, Name: cfg.SchoolName, Photos: cfg.Photos, Out: cfg.Out}}
	}
	var list []web.School
	for i, s := range schools {
		if err := config.CheckSchoolID(s.ID); err != nil {
			return nil, nil, usageErrorf("schools[%d]: unusable id %q", i, s.ID)
		}
		if s.Out == "" {
			s.Out = filepath.Join(cfg.Out, s.ID)
		}
		sc := *cfg
		sc.School, sc.SchoolName, sc.Out, sc.Photos = s.ID, s.Name, s.Out, s.Photos
		dir := stateDir(&sc, s.Out)
		list = append(list, web.School{ID: s.ID, Name: s.Name, Out: s.Out, StateDir: dir, Photos: s.Photos,
			MailPhotos: filepath.Join(s.Out, mail.UnassignedDir),
			Deadlines:  deadlines(cfg), Actions: &serveActions{g: g, cfg: &sc, stateDir: dir, now: clock}})
	}
	srv, err := web.New(web.Options{Schools: list, Users: users, Secure: opts.TLSCert != "",
		IdleTimeout: opts.IdleTimeout, Log: g.log, Now: clock})
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		srv.Close()
		return nil, nil, usageErrorf("--listen %s: %v", opts.Listen, err)
	}
	return srv, ln, nil
}

// serveActions are the web page's write actions for one school. Pickup,
// invalidation and reissue call package lifecycle under the school's run
// lock, as mlegit pickup, invalidate and reissue do; printing slips and
// importing codes run those commands themselves, in-process, with the
// school's settings as flags. Actions on one school run one at a time.
type serveActions struct {
	g        *globalOptions
	cfg      *config.Config
	stateDir string
	now      func() time.Time // the clock, on --as-of's date when given
	mu       sync.Mutex
}

// command runs one CLI command built by newCmd with args and the school's
// settings, and returns what it printed.
func (a *serveActions) command(ctx context.Context, newCmd func(*globalOptions) *cobra.Command, args ...string) (string, error) {
	var out bytes.Buffer
	g := *a.g
	g.stdout, g.stderr = &out, io.Discard
	cmd := newCmd(&g)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

// withStore takes the school's run lock, opens its store and calls fn.
func (a *serveActions) withStore(fn func(st *state.Store) error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	st, closeState, err := openState(a.cfg, a.cfg.Out, a.cfg.School)
	if err != nil {
		return err
	}
	defer closeState()
	return refusal(fn(st))
}

// asOf is today's date, as the CLI takes it.
func (a *serveActions) asOf() string { return a.now().Format(time.DateOnly) }

// refusal turns the errors the operator can act on into a *web.Refusal
// in Polish.
func refusal(err error) error {
	var ee *exitError
	var re *lifecycle.RefusedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		return &web.Refusal{Message: re.Polish}
	case errors.Is(err, state.ErrNotFound):
		return &web.Refusal{Message: "Tego ucznia nie ma już w rejestrze szkoły."}
	case errors.As(err, new(*state.TransitionError)):
		return &web.Refusal{Message: "W obecnym stanie ucznia tej czynności nie można wykonać."}
	case errors.As(err, &ee) && ee.code == exitUsage:
		return &web.Refusal{Message: "Nie można wykonać: " + pesel.MaskIn(ee.err.Error())}
	}
	return err
}

func (a *serveActions) PrintSlips(ctx context.Context, pesels []string, class string) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	args := []string{"--out", a.cfg.Out, "--state-dir", a.stateDir, "--as-of", a.asOf()}
	if class != "" {
		args = append(args, "--class", class)
	}
	for _, p := range pesels {
		args = append(args, "--pesel", p)
	}
	sheet := filepath.Join(a.cfg.Out, "slips", "wybrane.pdf")
	if err := os.Remove(sheet); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	out, err := a.command(ctx, newSlipsCommand, args...)
	if err != nil {
		return nil, refusal(err)
	}
	pdf, err := os.ReadFile(sheet)
	if errors.Is(err, os.ErrNotExist) || strings.Contains(out, "none to print") {
		return nil, &web.Refusal{Message: "Nie ma kartek do wydruku: kod jest unieważniony, wygasł, został już aktywowany albo oddział nie ma kodów."}
	}
	return pdf, err
}

func (a *serveActions) RecordPickup(ctx context.Context, p, by string, date time.Time) (string, error) {
	msg := "Odbiór zapisany."
	err := a.withStore(func(st *state.Store) error {
		if _, err := lifecycle.Pickup(ctx, st, p, by, date); err != nil {
			return err
		}
		rec, err := st.Get(ctx, p)
		if err == nil && !rec.CodesValidUntil.IsZero() && rec.CodesValidUntil.Before(date) {
			msg += " Uwaga: kod z tej kartki wygasł " + rec.CodesValidUntil.Format("02.01.2006") +
				" i nie da się go już aktywować — wydaj legitymację ponownie."
		}
		return err
	})
	return msg, err
}

// reason reads the web form's reason (a lifecycle flag) and free text.
func reason(flag, text string, free bool) (lifecycle.Reason, string, error) {
	if flag == lifecycle.Other.Flag() {
		flag = "other:" + text
	}
	r, detail, err := lifecycle.ParseFlag(flag, free)
	if err != nil {
		return 0, "", &web.Refusal{Message: "Wybierz powód z listy (przy „inny powód” wpisz jaki, bez numeru PESEL)."}
	}
	return r, detail, nil
}

func (a *serveActions) Invalidate(ctx context.Context, p, flag, text string) (string, error) {
	r, detail, err := reason(flag, text, false)
	if err != nil {
		return "", err
	}
	var msg string
	err = a.withStore(func(st *state.Store) error {
		out, err := lifecycle.Invalidate(ctx, st, p, r, detail, a.now())
		switch {
		case err != nil:
			return err
		case !out.Changed:
			msg = "Legitymacja była już unieważniona (" + out.Reason.Polish() + "); nic nie zmieniono."
		case r.AutoReissue():
			msg = "Legitymacja unieważniona. Najbliższe nocne przetwarzanie wyda nową."
		default:
			msg = "Legitymacja unieważniona. Nową wydasz przyciskiem „Wydaj legitymację ponownie”."
		}
		return nil
	})
	return msg, err
}

func (a *serveActions) Reissue(ctx context.Context, p, flag, text string) (string, error) {
	r, detail, err := reason(flag, text, true)
	if err != nil {
		return "", err
	}
	var msg string
	err = a.withStore(func(st *state.Store) error {
		out, err := lifecycle.Reissue(ctx, st, p, r, detail, a.now())
		switch {
		case err != nil:
			return err
		case !out.Changed:
			msg = "Legitymacja czeka już na wysłanie w najbliższym nocnym przetwarzaniu; nic nie zmieniono."
		default:
			msg = fmt.Sprintf("Legitymacja zostanie wydana ponownie (wydanie %d): najbliższe nocne przetwarzanie wyśle ją do portalu.", out.Issue)
		}
		return nil
	})
	return msg, err
}

// WriteReports runs mlegit register and mlegit status for the school.
func (a *serveActions) WriteReports(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.command(ctx, newRegisterCommand, "--out", a.cfg.Out, "--state-dir", a.stateDir, "--as-of", a.asOf()); err != nil {
		return "", refusal(err)
	}
	if _, err := a.command(ctx, newStatusCommand, "--out", a.cfg.Out, "--school", a.cfg.School, "--state-dir", a.stateDir,
		"--as-of", a.asOf()); err != nil {
		return "", refusal(err)
	}
	return "Rejestr kodów i stan szkoły utworzone na dzień " + a.now().Format("02.01.2006") + ".", nil
}

func (a *serveActions) ImportCodes(ctx context.Context, path string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := a.command(ctx, newCodesCommand, "import", "--file", path, "--out", a.cfg.Out, "--as-of", a.asOf())
	var ee *exitError
	if err != nil && !(errors.As(err, &ee) && ee.code == exitRejected) {
		if errors.As(err, &ee) && ee.code == exitUsage {
			return "", &web.Refusal{Message: "Tego pliku nie da się zaimportować: " + pesel.MaskIn(ee.err.Error())}
		}
		return "", refusal(err)
	}
	return codesImportReport(a.cfg.Out)
}

// codesImportReport tells, in Polish, what the last codes import did: the
// codes stored and each rejected row (from odrzucone_kody.csv).
func codesImportReport(out string) (string, error) {
	store, err := codes.Load(codes.StorePath(out))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	f, err := os.Open(filepath.Join(out, "codes", codesRejectsFile))
	var rows [][]string
	if err == nil {
		r := csv.NewReader(f)
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = ';', -1, true
		rows, err = r.ReadAll()
		f.Close()
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", codesRejectsFile, err)
		}
	}
	rejected := max(len(rows)-1, 0)
	fmt.Fprintf(&b, "Kody zaimportowane. Uczniów z kodami: %d. Odrzucone wiersze pliku: %d.\n", len(store.Entries), rejected)
	for _, row := range rows[min(1, len(rows)):] {
		if len(row) >= 7 {
			// Plik;Wiersz;PESEL;Uczeń;Oddział;Kod;Powód
			fmt.Fprintf(&b, "wiersz %s: %s %s — %s\n", row[1], pesel.MaskIn(row[2]), row[3], row[6])
		}
	}
	return b.String(), nil
}

// photosDir is the school's photos folder, where a student's photo is
// named by the PESEL (the matcher takes that before any name).
func (a *serveActions) photosDir() (string, error) {
	if a.cfg.Photos == "" {
		return "", &web.Refusal{Message: "Folder zdjęć nie jest ustawiony (photos w config.yaml); poproś informatyka."}
	}
	return a.cfg.Photos, nil
}

// writePhoto checks that data is a photo mlegit reads and writes it as
// the student's, as mlegit photos assign does (mail.WritePhoto), under
// the school's run lock; then calls done (may be nil).
func (a *serveActions) writePhoto(ctx context.Context, p string, data []byte, done func() error) (string, error) {
	dir, err := a.photosDir()
	if err != nil {
		return "", err
	}
	_, ext, _, _, err := photos.Probe(data)
	if err != nil {
		return "", &web.Refusal{Message: "To nie jest zdjęcie, które da się odczytać (JPG, PNG, HEIC lub WebP)."}
	}
	var msg string
	err = a.withStore(func(st *state.Store) error {
		if _, err := mail.WritePhoto(dir, p, ext, data); err != nil {
			return err
		}
		if done != nil {
			if err := done(); err != nil {
				return err
			}
		}
		msg, err = photoMessage(ctx, st, p)
		return err
	})
	return msg, err
}

// SetPhoto makes r the student's photo for the next nightly run.
func (a *serveActions) SetPhoto(ctx context.Context, p string, r io.Reader) (string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	return a.writePhoto(ctx, p, data, nil)
}

// AssignPhoto makes the photo at path the student's: one of the photos
// folder that matched nobody (written under the PESEL, removed under its
// old name), or one from e-mail nobody matched, which mlegit photos
// assign takes (it also clears it from nieprzypisane.csv).
func (a *serveActions) AssignPhoto(ctx context.Context, path, p string) (string, error) {
	dir, err := a.photosDir()
	if err != nil {
		return "", err
	}
	switch filepath.Dir(path) {
	case filepath.Clean(dir):
		data, err := os.ReadFile(path)
		if err != nil {
			return "", &web.Refusal{Message: "Tego zdjęcia nie ma już w folderze zdjęć."}
		}
		return a.writePhoto(ctx, p, data, func() error {
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("removing the assigned photo's old name: %w", err)
			}
			return nil
		})
	case filepath.Join(a.cfg.Out, mail.UnassignedDir):
		a.mu.Lock()
		_, err := a.command(ctx, newPhotosAssignCommand, "--file", path, "--pesel", p, "--photos", dir,
			"--out", a.cfg.Out, "--school", a.cfg.School, "--state-dir", a.stateDir)
		a.mu.Unlock()
		if err != nil {
			return "", refusal(err)
		}
		var msg string
		err = a.withStore(func(st *state.Store) error {
			msg, err = photoMessage(ctx, st, p)
			return err
		})
		return msg, err
	}
	return "", &web.Refusal{Message: "Tego zdjęcia nie można przypisać."}
}

// photoMessage tells what happens to a student's new photo: the next
// nightly run sends it, unless the card is already issued (then only a
// reissue for a new photo sends it).
func photoMessage(ctx context.Context, st *state.Store, p string) (string, error) {
	rec, err := st.Get(ctx, p)
	if errors.Is(err, state.ErrNotFound) {
		return "Zdjęcie zapisane; użyje go najbliższe nocne przetwarzanie.", nil
	}
	if err != nil {
		return "", err
	}
	if lifecycle.Issued.Has(rec.State) {
		return "Zdjęcie zapisane. Legitymacja jest już wydana: nowe zdjęcie trafi do portalu dopiero po ponownym wydaniu (powód „" +
			lifecycle.NewPhoto.Polish() + "”).", nil
	}
	return "Zdjęcie zapisane " + rec.Surname + " " + rec.FirstName + "; użyje go najbliższe nocne przetwarzanie.", nil
}
