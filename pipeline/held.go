package pipeline

import (
	"fmt"
	"slices"

	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/texts"
)

// hold ends a night the mass-invalidation guard held: nothing was written
// to the state store and no package is built; the reports list the held
// invalidations (masked PESEL, class, why) and the log says how to let
// them through.
func hold(cfg Config, res *Result, plan *lifecycle.Plan) error {
	res.Held, res.Sent = true, nil
	h := &report.Held{Limit: plan.Max, Invalidations: len(plan.Withdrawals)}
	for _, w := range plan.Withdrawals {
		h.Students = append(h.Students, report.HeldStudent{PESEL: pesel.Masked(w.PESEL), Class: w.Class,
			Reason: w.Detail, Powod: w.Reason.Polish()})
		res.Summary.Rejections = append(res.Summary.Rejections, reject.Rejection{
			File: "state", PESEL: pesel.Masked(w.PESEL), Name: w.Name, Class: w.Class,
			Code: reject.InvalidationHeld, Message: reject.InvalidationHeld.Message(), Detail: w.Detail,
			Szczegoly: reject.InvalidationHeld.Detail("", texts.Args{"reason": w.Reason.Polish()}),
		})
	}
	res.Summary.Held = h
	if err := report.Write(cfg.OutDir, &res.Summary); err != nil {
		return fmt.Errorf("writing reports: %w", err)
	}
	cfg.Log.Error("night held by the mass-invalidation guard: nothing changed, no package written; check that the roster export is complete",
		"invalidations", h.Invalidations, "limit", h.Limit,
		"let_through", fmt.Sprintf("run again with --max-invalidations %d (or a percentage such as 100%%)", h.Invalidations))
	return nil
}

// forgivePhotos drops the PHOTO_MISSING rejection of students whose card
// is issued and stays (lifecycle: PhotoNotNeeded): after the school
// deleted the parents' photos, or when a photo no longer matches after a
// class change, such a student needs no photo and is not rejected.
func forgivePhotos(res *Result, notNeeded map[string]bool) {
	if len(notNeeded) == 0 {
		return
	}
	for _, v := range res.verdicts {
		if v.Accepted() || !v.dataOK || !notNeeded[string(v.Student.PESEL)] ||
			slices.ContainsFunc(v.Rejections, func(r reject.Rejection) bool { return r.Code != reject.PhotoMissing }) {
			continue
		}
		res.Summary.Rejections = slices.DeleteFunc(res.Summary.Rejections, func(r reject.Rejection) bool {
			return slices.Contains(v.Rejections, r)
		})
		v.Rejections = nil
		res.Summary.Rejected--
		res.Summary.Accepted++
		res.Accepted = append(res.Accepted, v.Student)
	}
}

// noteWarnings turns the lifecycle's notes into summary warnings: the
// code's Polish text from the catalogue, the PESEL masked.
func noteWarnings(notes []lifecycle.Note) []report.Warning {
	var out []report.Warning
	for _, n := range notes {
		w := report.NewWarning(n.Code, n.Message, "", texts.Args{"class": n.Class})
		w.File = "state"
		if n.PESEL != "" {
			w.PESEL = pesel.Masked(n.PESEL)
		}
		out = append(out, w)
	}
	return out
}
