package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/status"
	"github.com/mlegit/mlegit/texts"
)

func contextWithSession(r *http.Request, ss *session) context.Context {
	return context.WithValue(r.Context(), ctxKey{}, ss)
}

func sessionOf(r *http.Request) *session {
	ss, _ := r.Context().Value(ctxKey{}).(*session)
	return ss
}

// routes registers the handlers.
func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /logowanie", s.loginForm)
	m.HandleFunc("POST /logowanie", s.login)
	m.HandleFunc("POST /wyloguj", s.logout)
	m.HandleFunc("GET /szkola/{sid}/{$}", s.withSchool(s.dashboard))
	m.HandleFunc("GET /szkola/{sid}/uczniowie", s.withSchool(s.studentList))
	m.HandleFunc("GET /szkola/{sid}/uczen/{id}", s.withSchool(s.studentPage))
	m.HandleFunc("GET /szkola/{sid}/uczen/{id}/zdjecie", s.withSchool(s.studentPhoto))
	m.HandleFunc("POST /szkola/{sid}/uczen/{id}/pesel", s.withSchool(s.showPESEL))
	m.HandleFunc("POST /szkola/{sid}/uczen/{id}/{action}", s.withSchool(s.studentAction))
	m.HandleFunc("POST /szkola/{sid}/klasa/wydruk", s.withSchool(s.printClass))
	m.HandleFunc("GET /szkola/{sid}/do-poprawy", s.withSchool(s.fixPage))
	m.HandleFunc("GET /szkola/{sid}/do-poprawy/zdjecie/{fid}", s.withSchool(s.unmatchedPhoto))
	m.HandleFunc("POST /szkola/{sid}/do-poprawy/przypisz", s.withSchool(s.assignPhoto))
	m.HandleFunc("GET /szkola/{sid}/kody", s.withSchool(s.codesPage))
	m.HandleFunc("POST /szkola/{sid}/kody", s.withSchool(s.codesUpload))
	m.HandleFunc("GET /szkola/{sid}/rejestr", s.withSchool(s.registerPage))
	m.HandleFunc("POST /szkola/{sid}/rejestr", s.withSchool(s.writeReports))
	m.HandleFunc("GET /szkola/{sid}/pliki/{name}", s.withSchool(s.download))
	s.mux = m
}

type schoolHandler func(w http.ResponseWriter, r *http.Request, sc *school, p *page)

// withSchool resolves {sid} and prepares the page.
func (s *Server) withSchool(h schoolHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sc := s.bySID[r.PathValue("sid")]
		if sc == nil {
			s.notFound(w, "Nie ma takiej szkoły.")
			return
		}
		ss := sessionOf(r)
		p := &page{School: sc, Operator: ss.user, CSRF: ss.csrf, Login: s.needsLogin()}
		if r.Method == http.MethodGet && r.URL.Query().Get("fragment") == "" {
			p.Flash = s.sessions.popFlash(ss)
		}
		h(w, r, sc, p)
	}
}

func (s *Server) notFound(w http.ResponseWriter, msg string) {
	s.render(w, http.StatusNotFound, "error", &page{Title: "Nie znaleziono", Error: msg})
}

func (s *Server) fail(w http.ResponseWriter, p *page, err error) {
	s.log.Error("page failed", "err", pesel.MaskIn(err.Error()))
	p.Title, p.Error = "Błąd", "Wystąpił błąd wewnętrzny; szczegóły są w dzienniku serwera."
	s.render(w, http.StatusInternalServerError, "error", p)
}

// home shows the one school's dashboard, or the district's.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if len(s.schools) == 1 {
		http.Redirect(w, r, "/szkola/"+url.PathEscape(s.schools[0].ID)+"/", http.StatusSeeOther)
		return
	}
	ss := sessionOf(r)
	d, err := s.district(r.Context())
	p := &page{Title: "Powiat", Nav: "powiat", Operator: ss.user, CSRF: ss.csrf, Login: s.needsLogin()}
	if err != nil {
		s.fail(w, p, err)
		return
	}
	p.Data = d
	s.render(w, http.StatusOK, "district", p)
}

// districtRow is one school on the district dashboard.
type districtRow struct {
	School    *school
	Total     int
	ByState   map[state.State]int
	Overdue   int
	Near      int
	Rejected  int
	LastRun   string
	Unhealthy string
}

// district gathers one row per school, the schools in parallel; a school
// whose store fails shows the failure and the others go on. A school's row
// is kept until its store, its codes or its summary.json change, or the
// day does.
func (s *Server) district(ctx context.Context) ([]districtRow, error) {
	rows := make([]districtRow, len(s.schools))
	today := civilDay(s.now())
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, sc := range s.schools {
		g.Go(func() error {
			rows[i] = sc.districtRow(ctx, today, s.log)
			return nil
		})
	}
	return rows, g.Wait()
}

// districtRow builds (or returns the kept) row of one school.
func (sc *school) districtRow(ctx context.Context, today time.Time, log *slog.Logger) districtRow {
	summary := filepath.Join(sc.Out, report.SummaryFile)
	key := sc.version() + today.Format(time.DateOnly)
	if fi, err := os.Stat(summary); err == nil {
		key += fmt.Sprintf(";%d/%d", fi.ModTime().UnixNano(), fi.Size())
	}
	sc.mu.Lock()
	if sc.rowKey == key {
		row := sc.row
		sc.mu.Unlock()
		return row
	}
	sc.mu.Unlock()
	row := districtRow{School: sc}
	ov, err := status.BuildOverview(ctx, sc.store, today, sc.Deadlines, summary)
	if err != nil {
		row.Unhealthy = "nie udało się odczytać stanu szkoły"
		log.Error("district row", "school", sc.ID, "err", pesel.MaskIn(err.Error()))
		return row
	}
	row.Total, row.ByState = ov.Total.Total, ov.Total.ByState
	row.Overdue, row.Near, row.Rejected = ov.Overdue, ov.Near, ov.Rejections
	if t, err := time.Parse(time.DateOnly, ov.RejectionsAsOf); err == nil {
		row.LastRun = polishDate(t)
	}
	sc.mu.Lock()
	sc.rowKey, sc.row = key, row
	sc.mu.Unlock()
	return row
}

// lastRun is what the dashboard says about the last nightly run.
type lastRun struct {
	Found    bool
	When     time.Time // summary.json written
	AsOf     string    // DD.MM.RRRR
	Summary  report.Summary
	Problems int
	HasExit  bool   // summary.json carries the run's exit code
	Exit     int    // the exit code of mlegit run
	ExitText string // its meaning in Polish
}

// exitMeanings are, in Polish, the exit codes a school's night can end
// with (the README's table, codes 0, 3 and 6).
var exitMeanings = map[int]string{
	0: "bez uwag — wszyscy uczniowie przyjęci",
	3: "część uczniów odrzucona — zobacz, co poprawić",
	6: "noc wstrzymana — zbyt wiele unieważnień; niczego nie zmieniono",
}

// exitMeaning is the Polish meaning of a run's exit code.
func exitMeaning(code int) string {
	if m, ok := exitMeanings[code]; ok {
		return m
	}
	return "przetwarzanie zakończone błędem"
}

func readLastRun(out string) (lastRun, error) {
	path := filepath.Join(out, report.SummaryFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return lastRun{}, nil
	}
	if err != nil {
		return lastRun{}, err
	}
	var lr lastRun
	if err := json.Unmarshal(b, &lr.Summary); err != nil {
		return lastRun{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil {
		lr.When = fi.ModTime()
	}
	if t, err := time.Parse(time.DateOnly, lr.Summary.AsOf); err == nil {
		lr.AsOf = polishDate(t)
	}
	lr.Found = true
	lr.Problems = len(lr.Summary.Rejections)
	if c := lr.Summary.ExitCode; c != nil {
		lr.HasExit, lr.Exit, lr.ExitText = true, *c, exitMeaning(*c)
	}
	return lr, nil
}

// dashboardData is the Pulpit.
type dashboardData struct {
	Report  *status.Report
	Run     lastRun
	Today   time.Time
	Kinds   map[state.DeadlineKind]string
	Overdue int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	p.Title, p.Nav = "Pulpit", "pulpit"
	today := civilDay(s.now())
	rep, err := status.Build(r.Context(), sc.store, today, sc.Deadlines, filepath.Join(sc.Out, report.SummaryFile))
	if err != nil {
		s.fail(w, p, err)
		return
	}
	run, err := readLastRun(sc.Out)
	if err != nil {
		s.fail(w, p, err)
		return
	}
	d := dashboardData{Report: rep, Run: run, Today: today, Kinds: map[state.DeadlineKind]string{}}
	for _, k := range []state.DeadlineKind{state.CodesDue, state.Activation, state.CardValidity, state.PhotoPurge} {
		d.Kinds[k] = status.KindPolish(k)
	}
	for _, dl := range rep.Deadlines {
		if dl.Overdue {
			d.Overdue++
		}
	}
	p.Data = d
	s.render(w, http.StatusOK, "dashboard", p)
}

// listData is the Uczniowie page.
type listData struct {
	Query    string
	Students []student
	Total    int // matches in all
	All      int // students of the school
	Limit    int
}

// searchLimit bounds the rows a search shows.
const searchLimit = 100

func (s *Server) studentList(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	p.Title, p.Nav = "Uczniowie", "uczniowie"
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	ix, err := sc.students(r.Context())
	if err != nil {
		s.fail(w, p, err)
		return
	}
	d := listData{Query: q, All: len(ix.students), Limit: searchLimit}
	d.Students, d.Total = ix.search(q, searchLimit)
	p.Data = d
	if r.URL.Query().Get("fragment") == "1" {
		s.render(w, http.StatusOK, "results_part", p)
		return
	}
	s.render(w, http.StatusOK, "students", p)
}

// timelineItem is one line of a student's history.
type timelineItem struct {
	At       time.Time
	What     string
	Detail   string
	Operator string
}

// issue is one issue of the card: its history from the move into new.
type issue struct {
	N     int
	From  time.Time
	Items []timelineItem
}

// studentData is a student's page.
type studentData struct {
	ID          string
	Rec         state.Record
	Masked      string
	FullPESEL   string // only after "pokaż PESEL"
	CardNumber  string
	Issues      []issue
	HasPhoto    bool
	Reasons     []choice
	Reissues    []choice
	ReissueAs   string // the reason preselected in the reissue form
	Today       string // YYYY-MM-DD for the date input
	CanPrint    bool
	CanPickup   bool
	CanReissue  bool
	CanInvalid  bool
	ReadOnly    bool
	PickupRoles []string
}

// pickupRoles are who may collect a slip.
var pickupRoles = []string{"matka", "ojciec", "opiekun prawny", "uczeń"}

// lookup finds the student of {id}.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, sc *school) (*student, bool) {
	ix, err := sc.students(r.Context())
	if err != nil {
		s.fail(w, &page{School: sc}, err)
		return nil, false
	}
	st := ix.byID[r.PathValue("id")]
	if st == nil {
		s.notFound(w, "Nie ma takiego ucznia (mógł zostać usunięty z rejestru).")
		return nil, false
	}
	cp := *st
	return &cp, true
}

func (s *Server) studentPage(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	st, ok := s.lookup(w, r, sc)
	if !ok {
		return
	}
	s.renderStudent(w, r, sc, p, st, "", http.StatusOK)
}

func (s *Server) renderStudent(w http.ResponseWriter, r *http.Request, sc *school, p *page, st *student, full string, code int) {
	ctx := r.Context()
	rec, err := sc.store.Get(ctx, st.PESEL)
	if err != nil {
		s.fail(w, p, err)
		return
	}
	hist, err := sc.store.History(ctx, st.PESEL)
	if err != nil {
		s.fail(w, p, err)
		return
	}
	notes, err := sc.journal.of(st.PESEL)
	if err != nil {
		s.fail(w, p, err)
		return
	}
	d := studentData{ID: st.ID, Rec: rec, Masked: pesel.Masked(rec.PESEL), FullPESEL: full,
		CardNumber: st.CardNumber, Issues: timeline(hist, notes), Reasons: InvalidationReasons, Reissues: ReissueReasons,
		Today: s.now().Format(time.DateOnly), ReadOnly: sc.Actions == nil, PickupRoles: pickupRoles}
	d.CanPrint = lifecycle.Printable.Has(rec.State)
	d.CanPickup = rec.State == state.SlipPrinted
	d.CanReissue = !lifecycle.Pending.Has(rec.State)
	d.CanInvalid = rec.State != state.Invalidated
	d.ReissueAs = lifecycle.ParentRequest.Flag()
	switch {
	case rec.State == state.Expired:
		d.ReissueAs = lifecycle.CodesExpired.Flag()
	case rec.State == state.Invalidated && len(hist) > 0:
		if r := lifecycle.ReasonOf(hist[len(hist)-1].Reason); r != 0 {
			d.ReissueAs = r.Flag()
		}
	}
	if rec.PhotoPurgedAt.IsZero() {
		_, err := os.Stat(sc.photoPath(rec.PESEL))
		d.HasPhoto = err == nil
	}
	p.Title, p.Nav, p.Data = rec.Surname+" "+rec.FirstName+" ("+rec.Class+")", "uczniowie", d
	s.render(w, code, "student", p)
}

// photoPath is the student's produced photo in the output folder.
func (sc *school) photoPath(p string) string {
	return filepath.Join(sc.Out, "photos", p+".jpg")
}

// timeline merges the store's history and the journal, oldest first, and
// splits it into issues of the card: each move into new starts one.
func timeline(hist []state.Event, notes []Entry) []issue {
	var items []struct {
		timelineItem
		newIssue bool
	}
	for _, e := range hist {
		what := texts.State(e.To.String())
		if e.From != 0 {
			what = texts.State(e.From.String()) + " → " + what
		}
		items = append(items, struct {
			timelineItem
			newIssue bool
		}{timelineItem{At: e.At, What: what, Detail: reasonPolish(e.Reason)}, e.To == state.New})
	}
	for _, n := range notes {
		items = append(items, struct {
			timelineItem
			newIssue bool
		}{timelineItem{At: n.At, What: n.Action, Detail: n.Detail, Operator: n.Operator}, false})
	}
	slices.SortStableFunc(items, func(a, b struct {
		timelineItem
		newIssue bool
	}) int {
		return a.At.Compare(b.At)
	})
	var out []issue
	for _, it := range items {
		if it.newIssue || len(out) == 0 {
			out = append(out, issue{N: len(out) + 1, From: it.At})
		}
		last := &out[len(out)-1]
		last.Items = append(last.Items, it.timelineItem)
	}
	return out
}

// pipelineReasons are the history texts the nightly run and the commands
// write for ordinary moves, in Polish.
var pipelineReasons = map[string]string{
	"roster": "z arkusza uczniów", "accepted": "dane i zdjęcie przyjęte",
	"upload package written": "wysłano w paczce do portalu", "codes imported": "kody z portalu zaimportowane",
	"slip printed": "kartka wydrukowana", "slip handed over": "kartka wydana", "pickup": "odbiór",
}

// reasonPolish gives a history reason in Polish: the run's own texts, else
// the lifecycle reason with its detail.
func reasonPolish(text string) string {
	if p, ok := pipelineReasons[text]; ok {
		return p
	}
	r := lifecycle.ReasonOf(text)
	if r == 0 {
		return text
	}
	out := r.Polish()
	if strings.HasPrefix(text, "reissue: ") {
		out = "ponowne wydanie: " + out
	}
	if _, detail, ok := strings.Cut(strings.TrimPrefix(text, "reissue: "), ": "); ok && r == lifecycle.Other {
		out += ": " + detail
	}
	return out
}

func (s *Server) studentPhoto(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	st, ok := s.lookup(w, r, sc)
	if !ok {
		return
	}
	rec, err := sc.store.Get(r.Context(), st.PESEL)
	if err != nil || !rec.PhotoPurgedAt.IsZero() {
		s.notFound(w, "Zdjęcie nie jest już przechowywane.")
		return
	}
	f, err := os.Open(sc.photoPath(st.PESEL))
	if err != nil {
		s.notFound(w, "Zdjęcie nie jest już przechowywane.")
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	io.Copy(w, f)
}

// showPESEL shows the full PESEL on the student's page and keeps the
// request in the journal.
func (s *Server) showPESEL(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	st, ok := s.lookup(w, r, sc)
	if !ok {
		return
	}
	if err := sc.journal.add(Entry{At: s.now(), PESEL: st.PESEL, Operator: p.Operator,
		Action: "wyświetlono pełny PESEL"}); err != nil {
		s.fail(w, p, err)
		return
	}
	s.log.Info("full PESEL shown", "school", sc.ID, "student", st.ID, "operator", p.Operator)
	s.renderStudent(w, r, sc, p, st, st.PESEL, http.StatusOK)
}

// fixData is the Do poprawy page.
type fixData struct {
	Found     bool
	AsOf      string
	Classes   []fixClass
	Unmatched []unmatched
	Students  []student // for "przypisz do ucznia"
}

type fixClass struct {
	Class      string
	Rejections []fixRow
}

type fixRow struct {
	reject.Rejection
	StudentID string // "" when the student is not in the store
}

type unmatched struct {
	ID       string
	Name     string
	Path     string
	FromMail bool
}

// unmatchedPhotos lists the last run's photos that fit nobody and are
// still in the photos folder, then the photos from e-mail nobody matched.
func (sc *school) unmatchedPhotos(run lastRun) []unmatched {
	var out []unmatched
	if sc.Photos != "" {
		for _, name := range run.Summary.UnmatchedPhotos {
			if name != filepath.Base(name) || imageType(name) == "" {
				continue
			}
			path := filepath.Join(sc.Photos, name)
			if _, err := os.Stat(path); err == nil {
				out = append(out, unmatched{ID: idOf(sc.key, "photo:"+path), Name: name, Path: path})
			}
		}
	}
	if sc.MailPhotos != "" {
		ents, _ := os.ReadDir(sc.MailPhotos)
		for _, e := range ents {
			if e.Type().IsRegular() && imageType(e.Name()) != "" {
				path := filepath.Join(sc.MailPhotos, e.Name())
				out = append(out, unmatched{ID: idOf(sc.key, "photo:"+path), Name: e.Name(), Path: path, FromMail: true})
			}
		}
	}
	return out
}

// imageType is the content type of a photo a browser shows, by its name,
// or "" (HEIC and others are not shown as thumbnails).
func imageType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".webp":
		return "image/webp"
	}
	return ""
}

func (s *Server) fixPage(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	p.Title, p.Nav = "Do poprawy", "poprawy"
	run, err := readLastRun(sc.Out)
	if err != nil {
		s.fail(w, p, err)
		return
	}
	ix, err := sc.students(r.Context())
	if err != nil {
		s.fail(w, p, err)
		return
	}
	d := fixData{Found: run.Found, AsOf: run.AsOf, Unmatched: sc.unmatchedPhotos(run), Students: ix.students}
	byClass := map[string]int{}
	for _, rj := range run.Summary.Rejections {
		i, ok := byClass[rj.Class]
		if !ok {
			i = len(d.Classes)
			byClass[rj.Class] = i
			d.Classes = append(d.Classes, fixClass{Class: rj.Class})
		}
		d.Classes[i].Rejections = append(d.Classes[i].Rejections, fixRow{Rejection: rj, StudentID: ix.find(rj)})
	}
	slices.SortFunc(d.Classes, func(a, b fixClass) int { return compareClass(a.Class, b.Class) })
	p.Data = d
	s.render(w, http.StatusOK, "fix", p)
}

// find returns the id of the student a rejection (masked PESEL, name
// "Surname First", class) is about, or "".
func (ix *index) find(rj reject.Rejection) string {
	for _, st := range ix.students {
		if st.Class == rj.Class && pesel.Masked(st.PESEL) == rj.PESEL && strings.HasPrefix(rj.Name, st.Surname) {
			return st.ID
		}
	}
	return ""
}

func (s *Server) unmatchedPhoto(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	run, err := readLastRun(sc.Out)
	if err != nil {
		s.fail(w, p, err)
		return
	}
	for _, u := range sc.unmatchedPhotos(run) {
		if u.ID == r.PathValue("fid") {
			w.Header().Set("Content-Type", imageType(u.Name))
			http.ServeFile(w, r, u.Path)
			return
		}
	}
	s.notFound(w, "Nie ma takiego zdjęcia.")
}

// codesData is the Kody page.
type codesData struct {
	Result  string
	Entries int
}

func (s *Server) codesPage(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	p.Title, p.Nav = "Kody z portalu", "kody"
	p.Data = codesData{}
	s.render(w, http.StatusOK, "codes", p)
}

// registerFile is a file the Rejestr page offers.
type registerFile struct {
	Name, Label string
	Rel         string // path under OUT
	Modified    time.Time
	Present     bool
}

// downloads are the files offered, by the name in their URL.
var downloads = []registerFile{
	{Name: "rejestr.xlsx", Label: "Rejestr kodów (Excel)", Rel: "register/rejestr.xlsx"},
	{Name: "rejestr.pdf", Label: "Rejestr kodów do druku (PDF)", Rel: "register/rejestr.pdf"},
	{Name: "status.xlsx", Label: "Stan szkoły (Excel)", Rel: status.FileName},
	{Name: "odrzuceni.xlsx", Label: "Odrzuceni uczniowie ostatniej nocy (Excel)", Rel: report.RejectionsXLSX},
}

func (s *Server) writeReports(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	msg, ok := s.act(w, sc, p, nil, "utworzono rejestr i stan szkoły", "", func() (string, error) {
		return sc.Actions.WriteReports(r.Context())
	})
	if ok {
		s.redirect(w, r, sc, "/rejestr", orDefault(msg, "Pliki utworzone."))
	}
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	p.Title, p.Nav = "Rejestr", "rejestr"
	files := slices.Clone(downloads)
	for i := range files {
		if fi, err := os.Stat(filepath.Join(sc.Out, files[i].Rel)); err == nil {
			files[i].Present, files[i].Modified = true, fi.ModTime()
		}
	}
	p.Data = files
	s.render(w, http.StatusOK, "register", p)
}

func (s *Server) download(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	i := slices.IndexFunc(downloads, func(f registerFile) bool { return f.Name == r.PathValue("name") })
	if i < 0 {
		s.notFound(w, "Nie ma takiego pliku.")
		return
	}
	f, err := os.Open(filepath.Join(sc.Out, downloads[i].Rel))
	if err != nil {
		s.notFound(w, "Ten plik jeszcze nie powstał.")
		return
	}
	defer f.Close()
	w.Header().Set("Content-Disposition", `attachment; filename="`+downloads[i].Name+`"`)
	fi, _ := f.Stat()
	http.ServeContent(w, r, downloads[i].Name, fi.ModTime(), f)
}

// loginForm shows the login page.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if !s.needsLogin() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, http.StatusOK, "login", &page{Title: "Logowanie", Data: safeNext(r.URL.Query().Get("dalej"))})
}

// safeNext keeps a post-login target on this server.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

// login checks the password, with a rate limit per client address.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("dalej"))
	if !s.needsLogin() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	addr := clientAddr(r)
	if !s.limiter.allowed(addr) {
		s.log.Warn("login refused: too many failures", "addr", addr)
		s.render(w, http.StatusTooManyRequests, "login", &page{Title: "Logowanie", Data: next,
			Error: "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za kwadrans."})
		return
	}
	name := r.PostFormValue("uzytkownik")
	if !s.opts.Users.Check(name, r.PostFormValue("haslo")) {
		s.limiter.fail(addr)
		s.log.Warn("login failed", "addr", addr)
		s.render(w, http.StatusUnauthorized, "login", &page{Title: "Logowanie", Data: next,
			Error: "Nieprawidłowa nazwa użytkownika lub hasło."})
		return
	}
	s.sessions.end(w, s.sessions.get(r), s.opts.Secure)
	s.sessions.start(w, name, s.opts.Secure)
	s.log.Info("login", "user", name, "addr", addr)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.sessions.end(w, sessionOf(r), s.opts.Secure)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
