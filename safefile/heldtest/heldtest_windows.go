package heldtest

import (
	"golang.org/x/sys/windows"
)

// Hold opens path with FILE_SHARE_READ only, as Excel opens a workbook,
// until the returned release is called.
func Hold(path string) (release func() error, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.FILE_SHARE_READ,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, err
	}
	return func() error { return windows.CloseHandle(h) }, nil
}
