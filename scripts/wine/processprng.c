/* Test scaffolding for scripts/test-windows.sh, never shipped: Wine 8 lacks
   ProcessPrng in bcryptprimitives.dll, which Go >= 1.24 binaries call for
   random bytes. This stand-in forwards to BCryptGenRandom, which Wine has. */
#include <windows.h>
#include <bcrypt.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
		data += n; len -= n;
	}
	return TRUE;
}
