// Package register keeps the pickup register: who collected which
// student's slip, and the per-student register of codes the secretariat
// prints or opens in a spreadsheet.
//
// # Pickups file
//
// Until the state store (package state) is wired in, pickups live in
// OUT/register/odbiory.json, written 0600 and atomically through safefile:
//
//	{
//	  "version": 1,
//	  "pickups": [
//	    {"pesel": "11020312345", "by": "Anna Nowak (matka)",
//	     "at": "2026-09-16T00:00:00Z", "recorded": "2026-09-16T10:42:07Z"}
//	  ]
//	}
//
// pesel is the full number (the file is as private as the codes store),
// by who collected the slip, at the pickup date as a wall-clock time stored
// as UTC (like the codes store), recorded when mlegit wrote the entry. The
// elements unmarshal directly into state.Pickup for state.ImportPickups.
// A student is picked up once: a second pickup is refused (ErrPickedUp), the
// same rule the state store applies.
//
// # Register
//
// OUT/register/rejestr.xlsx and rejestr.pdf list every student of the codes
// store, sorted by class then surname (Polish collation): names, class,
// masked PESEL, card number, code generated, valid until, picked up when and
// by whom, and a status judged on an as-of date:
//
//	unieważniony      the code was invalidated (Sources.Invalidated)
//	aktywny           the student activated the card (Sources.Activated)
//	wygasły           not activated and valid until is before the as-of date
//	odebrano          the slip was picked up, the code is still valid
//	oczekuje odbioru  none of the above
//
// Activation and invalidation come from the portal through the state store;
// until it is wired they are empty and only the last three statuses occur.
// No activation code is ever written to the register. Spreadsheet cells that
// would read as formulas are neutralised (package formula).
package register
