// Package heldtest holds a file open the way Excel holds an open workbook
// on Windows — read sharing only, so nobody may replace, rename or delete
// it — for tests of what mlegit does then. Test support only.
package heldtest
