// Package lifecycle is the one place that decides what happens to a
// student's mLegitymacja: the nightly run, the CLI commands (invalidate,
// reissue, pickup, codes import, codes activations) and the web page all
// call it, and only it moves students between the states of package
// state.
//
// # Rules
//
// They follow the schools' procedure (the 2019 regulation on school
// documents). An issued card (codes received, slip printed, picked up,
// activated) is invalidated during the school year only at the parents'
// request (in particular a lost, broken or malfunctioning device), when
// the first name(s) or surname change, when the paper/plastic card lost
// validity, or when the student moved to another school. It is issued
// again when the card's validity is confirmed, when errors are found in
// it, or after an invalidation at the parents' request.
//
//	event                                   what happens to the card
//	row gone from a complete roster         invalidated (Transfer)
//	card validity date before --as-of       invalidated (CardExpired)
//	name changed in the roster              invalidated and reissued the same night
//	                                        (NameChange) with the photo on file
//	printed field corrected (birth date,    invalidated and reissued the same night
//	  card number, issue/validity date)     (DataCorrection) with the photo on file
//	photo on file already purged            as above, but the new issue waits for
//	                                        a new photo (report line)
//	class or other unprinted field changed  updated quietly, card stays
//	photo missing, unmatched or changed     card stays (a new photo: warning;
//	                                        sent after `mlegit reissue`, or at once
//	                                        with reissue_on_new_photo)
//	row now has a data error                reported, card stays valid
//	run without --photos                    validation only: nothing changes
//	a roster file unreadable, or the roster nobody is treated as having left
//	  empty / header only
//	more invalidations than                 the night is held: nothing changes,
//	  max_invalidations                     no package, exit code 6
//	codes not activated in time             expired; reissued on request only
//	`mlegit invalidate --reason R`          invalidated; reissued by the nightly
//	                                        run when R.AutoReissue()
//	`mlegit reissue`                        back to new (one more issue); the next
//	                                        run sends it
//	`mlegit pickup`                         picked up, only for a printed slip of
//	                                        a valid issue
//
// # Reasons
//
// A Reason is typed; the history stores Reason.Text and ReasonOf reads it
// back (also from texts older versions wrote). AutoReissue tells whether
// the nightly run reissues a card invalidated for that reason by itself.
//
// # State sets
//
// Sent, Issued, InFlight, Printable, Pending and AwaitingActivation name
// the groups of states the rules speak of; commands judge by them instead
// of listing states.
//
// # Issues
//
// Every reissue counts one more issue of the card (state.Record.Issue).
// A pickup belongs to the issue it was recorded for, so after a reissue
// the new slip can be picked up and the register shows each issue with
// its own pickup.
package lifecycle
