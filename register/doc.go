// Package register writes the per-student register of codes the secretariat
// prints or opens in a spreadsheet.
//
// # Pickups
//
// Pickups are recorded by mlegit pickup in the school's state store
// (package state, through package lifecycle), the only pickup ledger, one
// per issue of the card. The register reads them from there.
//
// # Register
//
// OUT/register/rejestr.xlsx and rejestr.pdf list every student of the codes
// store, sorted by class then surname (Polish collation): names, class,
// masked PESEL, card number, code generated, valid until, picked up when and
// by whom, and a status judged on an as-of date:
//
//	unieważniona  the code was invalidated (Sources.Invalidated)
//	aktywowana    the student activated the card (Sources.Activated)
//	wygasła       not activated and valid until is before the as-of date
//	odebrana      the slip was picked up, the code is still valid
//	do odbioru    none of the above
//
// The words are the one vocabulary of package texts (the state of the
// mLegitymacja, as everywhere else), and so are the column headers
// ("Oddział", "Data wygenerowania kodu", "Kod ważny do", "Data odbioru",
// "Osoba odbierająca", "Stan mLegitymacji").
//
// Activation and invalidation come from the state store. A card issued
// again (mlegit reissue, a name change) has a row per earlier issue that
// was picked up, after the current one, with its own pickup, the status
// unieważniona and "wydanie N, zastąpione nowym" in Uwagi. No activation code is ever written to the register. Spreadsheet cells that
// would read as formulas are neutralised (package formula).
package register
