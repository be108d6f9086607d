// Package slips prints the per-student pickup slips that carry a student's
// mLegitymacja QR code and activation code, from the entries of a
// codes.Store.
//
// Terms:
//   - slip: one student's A6 portrait card (105 × 148.5 mm): school (its
//     full name), student, and beside the QR code (33–40 mm wide by
//     version, error correction M, vector rectangles in a fixed 46 mm box
//     with the 4-module quiet zone) the oddział, masked PESEL, card
//     number, the activation code grouped by four in monospace and "Kod
//     ważny do" (the codes' validity, not the card's). Under the QR its
//     payload as text in groups of four, for typing by hand. Then "Jak
//     dodać mLegitymację do aplikacji mObywatel": the steps of the classic
//     way these codes belong to (mObywatel, "+", "Legitymacja szkolna",
//     "Akceptuję", "Dalej", scan or type the QR, the activation code,
//     "Aktywuj"), that the codes work once, on one phone, for the days
//     until their date, what to do after (new codes from the
//     secretariat), one line on mObywatel Junior for a student with a ZPE
//     account, and a tear-off strip with the neutral pickup line
//     ("Potwierdzam odbiór kodów mLegitymacji", date, a parent's or legal
//     guardian's signature) that the secretariat keeps.
//   - print sheet: OUT/slips/wszystkie.pdf (wybrane.pdf when limited to a
//     class or to students), every selected slip on A4 with
//     dashed cut lines and crop marks, 4 per page (A4 portrait, slips at A6)
//     or 2 per page (A4 landscape, the same slip enlarged by √2 to A5),
//     sorted by class then surname in Polish collation (Sort), each class
//     starting on a new page.
//   - slip file: OUT/slips/<class>/<Surname>_<FirstName>_<PESEL>.pdf, one
//     A6 page, with the PESEL masked as 1121xxxxx89 (see FileName).
//   - watermark: codes from the portal simulator (Entry.Simulated) print
//     "WZÓR — NIEWAŻNY" diagonally, light and translucent, across the slip.
//
// Dates print as DD.MM.RRRR in the time's own location: the codes store
// keeps wall-clock times as UTC, so they print as the portal gave them.
//
// Every document embeds Go's own fonts (Go Regular, Go Bold, Go Mono Bold,
// from golang.org/x/image/font/gofont) once, as subsets, so Polish letters
// print on any machine. The full PESEL never appears in a PDF or a file
// name, and no activation code is ever logged.
package slips
