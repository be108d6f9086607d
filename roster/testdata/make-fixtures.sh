#!/bin/sh
# Regenerates the LibreOffice-saved fixtures. Needs soffice (Debian:
# libreoffice-calc-nogui). Run from roster/testdata.
#
# szkola.*: samples/roster/uczniowie.xlsx (PESELs stored as numbers, dates
# as date cells) saved as .ods, .xls and CSV.
# tekst.*: samples/roster/uczniowie-utf8.csv opened with the PESEL and card
# number columns as text and the dates as DD.MM.RRRR dates, saved as .xlsx,
# then that workbook saved as .ods, .xls and CSV: one school, four formats,
# nothing lost on the way.
set -e
csv='csv:Text - txt - csv (StarCalc):59,34,76,1,,1045,false,true,false,false' # ';', '"', UTF-8, Polish
cp ../../samples/roster/uczniowie.xlsx szkola.xlsx
soffice --headless --convert-to ods szkola.xlsx
soffice --headless --convert-to xls szkola.xlsx
LANG=pl_PL.UTF-8 LC_ALL=pl_PL.UTF-8 soffice --headless --convert-to "$csv" szkola.xlsx

tmp=$(mktemp -d)
cp ../../samples/roster/uczniowie-utf8.csv "$tmp/tekst.csv"
soffice --headless --infilter='Text - txt - csv (StarCalc):59,34,76,1,1/1/2/1/3/1/4/4/5/2/6/1/7/2/8/4/9/4' \
	--convert-to xlsx --outdir . "$tmp/tekst.csv"
rm -r "$tmp"
soffice --headless --convert-to ods tekst.xlsx
soffice --headless --convert-to xls tekst.xlsx
LANG=pl_PL.UTF-8 LC_ALL=pl_PL.UTF-8 soffice --headless --convert-to "$csv" tekst.xlsx
