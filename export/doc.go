// Package export writes what mlegit hands to other systems: the upload
// package for the national mLegitymacja portal and the SIO import file, and
// re-checks an upload package the way the portal would (VerifyPackage).
// docs/formats.md describes every format in full; in short:
//
// Upload package — OUT/package/mlegitymacja-<school>-<RRRRMMDD>.zip, where
// RRRRMMDD is the run's as-of date. A zip holding exactly:
//
//   - photos/<PESEL>.jpg for every accepted student (stored, not deflated),
//     in PESEL order;
//   - manifest.csv, last: UTF-8 without BOM, ';'-separated, LF line ends,
//     one header row
//     pesel;nazwisko;imie;drugie_imie;data_urodzenia;oddzial;numer_legitymacji;data_wydania;data_waznosci;zdjecie;sha256
//     then one row per student in PESEL order. Dates are RRRR-MM-DD, empty
//     when unknown; zdjecie is the photo's path inside the zip; sha256 is
//     the lower-case hex SHA-256 of that photo. Any cell starting with '=',
//     '+', '-', '@', tab or CR is prefixed with an apostrophe
//     (formula.Neutralize).
//
// Every entry carries the as-of date (00:00 UTC) as its modification time,
// so the same input always gives the same bytes.
//
// SIO file — OUT/sio/legitymacje.csv, the layout of SIO's "import
// istniejących legitymacji": UTF-8 without BOM, ';', LF, header row
//
//	pesel;numer legitymacji;data wydania;czy niepełnosprawność
//
// then one row per student in PESEL order, data wydania RRRR-MM-DD (empty
// when unknown) and the flag 0 or 1.
//
// Everything is written through safefile: atomically, files 0600, folders
// 0700. Leftover temporary files of a killed run are removed by the next
// successful write of the same file.
package export
