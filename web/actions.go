package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/state"
)

// busy reports whether a nightly run (or another command) holds the
// school's run lock. The lock is taken and released at once, never waited
// for; the action then takes it again through the CLI's code, and a run
// that starts in between makes the action fail the same way.
func (sc *school) busy() bool {
	lock, err := state.Lock(sc.StateDir, sc.ID)
	if err != nil {
		return isLocked(err)
	}
	lock.Release()
	return false
}

// act runs one write action: refused at once while a nightly run holds
// the school, journaled with the operator on success. It reports whether
// the action succeeded; on failure the answer is written.
func (s *Server) act(w http.ResponseWriter, sc *school, p *page, st *student, action, detail string, run func() (string, error)) (string, bool) {
	if sc.Actions == nil {
		s.refuse(w, p, http.StatusForbidden, "Ta szkoła jest tylko do odczytu.")
		return "", false
	}
	if sc.busy() {
		s.refuse(w, p, http.StatusConflict, busyMessage)
		return "", false
	}
	msg, err := run()
	var rf *Refusal
	switch {
	case isLocked(err):
		s.refuse(w, p, http.StatusConflict, busyMessage)
		return "", false
	case errors.As(err, &rf):
		s.refuse(w, p, http.StatusUnprocessableEntity, rf.Message)
		return "", false
	case err != nil:
		s.fail(w, p, err)
		return "", false
	}
	sid := ""
	if st != nil {
		sid = st.ID
		if err := sc.journal.add(Entry{At: s.now(), PESEL: st.PESEL, Operator: p.Operator, Action: action, Detail: detail}); err != nil {
			s.log.Error("journal", "err", err)
		}
	}
	s.log.Info("action", "school", sc.ID, "action", action, "student", sid, "operator", p.Operator)
	return msg, true
}

func (s *Server) refuse(w http.ResponseWriter, p *page, code int, msg string) {
	p.Title, p.Error = "Nie wykonano", msg
	s.render(w, code, "error", p)
}

// redirect answers a POST with a redirect to path, the message kept in
// the session for the page there (a URL holds no names and no PESEL).
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, sc *school, path, msg string) {
	s.sessions.setFlash(sessionOf(r), msg)
	http.Redirect(w, r, "/szkola/"+url.PathEscape(sc.ID)+path, http.StatusSeeOther)
}

// backTo redirects to the student's page with a message.
func (s *Server) backTo(w http.ResponseWriter, r *http.Request, sc *school, st *student, msg string) {
	s.redirect(w, r, sc, "/uczen/"+st.ID, msg)
}

// sendPDF answers with a PDF shown inline for printing.
func sendPDF(w http.ResponseWriter, name string, pdf []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Write(pdf)
}

func (s *Server) studentAction(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	st, ok := s.lookup(w, r, sc)
	if !ok {
		return
	}
	ctx := r.Context()
	a := sc.Actions
	switch r.PathValue("action") {
	case "wydruk":
		var pdf []byte
		_, ok := s.act(w, sc, p, st, "wydrukowano kartkę z kodem", "", func() (string, error) {
			var err error
			pdf, err = a.PrintSlips(ctx, []string{st.PESEL}, "")
			return "", err
		})
		if ok {
			sendPDF(w, "kartka.pdf", pdf)
		}
	case "odbior":
		role, name := r.PostFormValue("kto"), strings.TrimSpace(r.PostFormValue("nazwisko"))
		if !validRole(role) || name == "" {
			s.refuse(w, p, http.StatusUnprocessableEntity, "Wybierz, kto odebrał kartkę, i wpisz jego imię i nazwisko.")
			return
		}
		if digitRun(name) {
			s.refuse(w, p, http.StatusUnprocessableEntity, "Nie wpisuj numeru PESEL w polu z nazwiskiem.")
			return
		}
		date := s.now()
		if v := r.PostFormValue("data"); v != "" {
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				s.refuse(w, p, http.StatusUnprocessableEntity, "Nieprawidłowa data odbioru.")
				return
			}
			date = state.At(d, s.now()) // the day chosen, at the time it is recorded
		}
		by := name + " (" + role + ")"
		msg, ok := s.act(w, sc, p, st, "zapisano odbiór", by+", "+polishDate(date), func() (string, error) {
			return a.RecordPickup(ctx, st.PESEL, by, date)
		})
		if ok {
			s.backTo(w, r, sc, st, orDefault(msg, "Odbiór zapisany."))
		}
	case "uniewaznij":
		reason, text := r.PostFormValue("powod"), strings.TrimSpace(r.PostFormValue("opis"))
		label, ok := reasonLabel(InvalidationReasons, reason, text)
		if !ok {
			s.refuse(w, p, http.StatusUnprocessableEntity, label)
			return
		}
		msg, ok := s.act(w, sc, p, st, "unieważniono legitymację", label, func() (string, error) {
			return a.Invalidate(ctx, st.PESEL, reason, text)
		})
		if ok {
			s.backTo(w, r, sc, st, orDefault(msg, "Legitymacja unieważniona."))
		}
	case "wydaj-ponownie":
		reason, text := r.PostFormValue("powod"), strings.TrimSpace(r.PostFormValue("opis"))
		label, ok := reasonLabel(ReissueReasons, reason, text)
		if !ok {
			s.refuse(w, p, http.StatusUnprocessableEntity, label)
			return
		}
		msg, ok := s.act(w, sc, p, st, "zlecono ponowne wydanie", label, func() (string, error) {
			return a.Reissue(ctx, st.PESEL, reason, text)
		})
		if ok {
			s.backTo(w, r, sc, st, orDefault(msg, "Legitymacja zostanie wydana ponownie po najbliższym nocnym przetwarzaniu."))
		}
	case "zdjecie":
		f, _, err := r.FormFile("zdjecie")
		if err != nil {
			s.refuse(w, p, http.StatusUnprocessableEntity, "Wybierz plik ze zdjęciem (JPG).")
			return
		}
		defer f.Close()
		msg, ok := s.act(w, sc, p, st, "przesłano nowe zdjęcie", "", func() (string, error) {
			return a.SetPhoto(ctx, st.PESEL, io.LimitReader(f, maxUpload))
		})
		if ok {
			s.backTo(w, r, sc, st, orDefault(msg, "Zdjęcie zapisane; użyje go najbliższe nocne przetwarzanie."))
		}
	default:
		s.notFound(w, "Nie ma takiej czynności.")
	}
}

// reasonLabel checks a form's reason and returns its label for the
// journal, or (when ok is false) the Polish message refusing it.
func reasonLabel(list []choice, reason, text string) (label string, ok bool) {
	for _, x := range list {
		if x.Key == reason {
			label = x.Label
		}
	}
	switch {
	case label == "":
		return "Wybierz powód z listy.", false
	case reason == "other" && text == "":
		return "Wpisz, jaki jest inny powód.", false
	case digitRun(text):
		return "Nie wpisuj numeru PESEL w opisie powodu.", false
	case reason == "other":
		return "inny powód: " + text, true
	}
	return label, true
}

func orDefault(msg, def string) string {
	if msg == "" {
		return def
	}
	return msg
}

func validRole(role string) bool {
	for _, r := range pickupRoles {
		if r == role {
			return true
		}
	}
	return false
}

// digitRun reports whether s holds 11 digits in a row (a PESEL, maybe).
func digitRun(s string) bool {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
			if n >= 11 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}

func (s *Server) printClass(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	class := strings.TrimSpace(r.PostFormValue("klasa"))
	if class == "" {
		s.refuse(w, p, http.StatusUnprocessableEntity, "Wybierz oddział.")
		return
	}
	var pdf []byte
	_, ok := s.act(w, sc, p, nil, "wydruk oddziału "+class, "", func() (string, error) {
		var err error
		pdf, err = sc.Actions.PrintSlips(r.Context(), nil, class)
		return "", err
	})
	if ok {
		sendPDF(w, "kartki-"+class+".pdf", pdf)
	}
}

func (s *Server) assignPhoto(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	run, err := readLastRun(sc.Out)
	if err != nil {
		s.fail(w, p, err)
		return
	}
	var name, path string
	for _, u := range sc.unmatchedPhotos(run) {
		if u.ID == r.PostFormValue("zdjecie") {
			name, path = u.Name, u.Path
		}
	}
	ix, err := sc.students(r.Context())
	if err != nil {
		s.fail(w, p, err)
		return
	}
	st := ix.byID[r.PostFormValue("uczen")]
	if name == "" || st == nil {
		s.refuse(w, p, http.StatusUnprocessableEntity, "Wybierz zdjęcie i ucznia.")
		return
	}
	cp := *st
	msg, ok := s.act(w, sc, p, &cp, "przypisano zdjęcie", name, func() (string, error) {
		return sc.Actions.AssignPhoto(r.Context(), path, cp.PESEL)
	})
	if ok {
		flash := fmt.Sprintf("Zdjęcie „%s” przypisane: %s %s. %s", name, cp.Surname, cp.FirstName, msg)
		s.redirect(w, r, sc, "/do-poprawy", pesel.MaskIn(flash))
	}
}

func (s *Server) codesUpload(w http.ResponseWriter, r *http.Request, sc *school, p *page) {
	p.Title, p.Nav = "Kody z portalu", "kody"
	f, hdr, err := r.FormFile("plik")
	if err != nil {
		s.refuse(w, p, http.StatusUnprocessableEntity, "Wybierz plik z kodami pobrany z portalu.")
		return
	}
	defer f.Close()
	tmp, err := os.CreateTemp("", "mlegit-kody-*.csv")
	if err != nil {
		s.fail(w, p, err)
		return
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, io.LimitReader(f, maxUpload))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.fail(w, p, err)
		return
	}
	msg, ok := s.act(w, sc, p, nil, "import kodów", "", func() (string, error) {
		return sc.Actions.ImportCodes(r.Context(), tmp.Name())
	})
	if !ok {
		return
	}
	s.log.Info("codes file imported", "school", sc.ID, "size", hdr.Size)
	p.Data = codesData{Result: msg}
	s.render(w, http.StatusOK, "codes", p)
}
