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

# tekst-1904.xls: tekst.ods with the document's null date set to 1904-01-01
# (Tools > Options > Calc > Calculate > Date, Excel for Mac's "1904 date
# system"; ODS stores dates as ISO text, so they stay the same dates), then
# saved as .xls: LibreOffice writes the DATEMODE record set to 1 and date
# serials counted from 1904 itself.
tmp=$(mktemp -d)
unzip -q tekst.ods -d "$tmp/ods"
sed -i 's#<table:calculation-settings \([^>]*\)/>#<table:calculation-settings \1><table:null-date table:date-value="1904-01-01"/></table:calculation-settings>#' "$tmp/ods/content.xml"
grep -q 'table:null-date table:date-value="1904-01-01"' "$tmp/ods/content.xml"
(cd "$tmp/ods" && zip -q -X -0 ../tekst-1904.ods mimetype && zip -q -X -r ../tekst-1904.ods . -x mimetype)
soffice --headless --convert-to xls --outdir . "$tmp/tekst-1904.ods"
rm -r "$tmp"
