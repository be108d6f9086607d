package safefile

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// protect gives dir, a folder mlegit has just created, a protected DACL:
// full control for the current user, SYSTEM and the Administrators, no
// permissions inherited from the parent, and inherited by everything
// created inside (files and folders). chmod cannot do this on Windows,
// where it only toggles the read-only attribute.
func protect(dir string) error {
	sddl, err := privateSDDL()
	if err != nil {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return fmt.Errorf("restricting folder %s: %w", dir, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("restricting folder %s: %w", dir, err)
	}
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION,
		nil, nil, dacl, nil); err != nil {
		return fmt.Errorf("restricting folder %s: %w", dir, err)
	}
	return nil
}

// privateSDDL is the private DACL in SDDL: P protected; OICI inherited by
// files and subfolders; FA full access; the user's SID, SY SYSTEM, BA
// the built-in Administrators.
func privateSDDL() (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("finding the current user: %w", err)
	}
	return "D:P(A;OICI;FA;;;" + u.User.Sid.String() + ")(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", nil
}
