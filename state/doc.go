// Package state remembers, between nightly runs, where each student of one
// school stands in the mLegitymacja lifecycle, so that a run works only on
// what changed and on what is due.
//
// # Files
//
// Each school has its own SQLite database, <dir>/<school>.sqlite (0600, in
// a 0700 folder), opened in WAL mode with a 5 s busy timeout and migrated on
// Open. A command that changes the store first takes the operating-system
// lock on <dir>/<school>.lock (see [Lock]) so that two processes never work
// on one school at once.
//
// # States
//
// The Polish labels come from package texts (texts.State), the one
// vocabulary of the secretariat's documents: what happened to the
// student's mLegitymacja.
//
//	new            nowa                on the roster, not yet validated
//	validated      zweryfikowana       row and photo accepted
//	packaged       wysłana do portalu  sent to the portal in an upload package
//	codes_received wygenerowana        the portal returned a QR and activation code
//	slip_printed   wydrukowana         the pickup slip was printed
//	picked_up      odebrana            the slip was handed over
//	activated      aktywowana          the student activated the card in the app
//	expired        wygasła             the code was not activated in time
//	invalidated    unieważniona        withdrawn: left the school, name changed,
//	                                   card no longer valid, ...
//
// # Transitions
//
//	new ─► validated ─► packaged ─► codes_received ─► slip_printed ─► picked_up ─► activated
//	 ▲                                    │                 │              │
//	 │                                    └─────────────────┴──────────────┴─► expired
//	 │                                                                          │
//	 ├──────────────────────────────── reissue ────────────────────────────────┘
//	 │
//	 └──── reissue ──── invalidated ◄── (from every state)
//
// The same as a table (any state may also move to invalidated):
//
//	from            to
//	new             validated
//	validated       packaged
//	packaged        codes_received
//	codes_received  slip_printed, activated, expired
//	slip_printed    picked_up, activated, expired
//	picked_up       activated, expired
//	activated       -
//	expired         new (reissue)
//	invalidated     new (reissue)
//
// activated is also reachable from codes_received and slip_printed: the
// portal's report of an activation proves the slip reached the student even
// when its printing or pickup was not recorded.
//
// A student enters the store in state new (history row from "none"). Every
// state may move to invalidated. invalidated and expired move back to new
// when the card is issued again (one more issue). Which moves happen, and
// why, is decided by package lifecycle; this package only stores them and
// refuses the illegal ones. Moving a student to the state it is
// already in is a no-op, not an error, so a re-run after a crash repeats
// its steps harmlessly. Any other move is refused with a [*TransitionError].
//
// # Schema (user_version 5)
//
//	students(
//	  pesel TEXT PRIMARY KEY,
//	  state TEXT,             -- State.String()
//	  since TEXT,             -- RFC 3339 time it entered state
//	  surname, first_name, second_name, class TEXT,
//	  card_valid TEXT,        -- YYYY-MM-DD or ''
//	  row_hash TEXT,          -- RowHash of the roster row
//	  photo_hash TEXT,        -- sha256 of the source photo bytes, hex
//	  output_photo_hash TEXT, -- sha256 of the produced photo, hex
//	  packaged_at TEXT,       -- RFC 3339, when the request+photo was packaged
//	  codes_generated TEXT,   -- YYYY-MM-DD
//	  codes_valid_until TEXT, -- YYYY-MM-DD
//	  codes_simulated INTEGER,-- 1 when the codes came from portal-sim
//	  picked_up_by TEXT,
//	  picked_up_at TEXT,      -- RFC 3339
//	  photo_purged_at TEXT,   -- RFC 3339
//	  photo_stat TEXT,        -- v2: name, size and mtime of the hashed source photo
//	  issue INTEGER,          -- v3: the card's issue, 1 + one per reissue
//	  card_hash TEXT)         -- v3: CardHash, the fields printed on the card
//	pickups(                  -- v3: the only pickup ledger, one per issue
//	  pesel TEXT, issue INTEGER, by TEXT,
//	  at TEXT,                -- RFC 3339
//	  PRIMARY KEY (pesel, issue))
//	history(
//	  id INTEGER PRIMARY KEY,
//	  pesel TEXT, from_state TEXT, to_state TEXT,
//	  at TEXT,                -- RFC 3339: the run's as-of date + wall time
//	  reason TEXT)
//	packages(                 -- v4: every upload package written (Package)
//	  name TEXT PRIMARY KEY,  -- base name in OUT/package
//	  sha256 TEXT,            -- of the zip, hex
//	  created TEXT,           -- RFC 3339
//	  confirmed TEXT,         -- RFC 3339, '' while it waits for the portal
//	  confirmed_by TEXT)      -- codes import, uploaded, adopted
//	package_students(         -- v4: the students in each package
//	  package TEXT, pesel TEXT,
//	  issue INTEGER,          -- the card issue the package asks for
//	  PRIMARY KEY (package, pesel))
//	mail_photos(              -- v5: photos taken from e-mail (MailPhoto)
//	  id INTEGER PRIMARY KEY,
//	  message_id TEXT, hash TEXT, -- Message-ID and the photo's sha256; UNIQUE together
//	  name TEXT,              -- attachment file name as sent
//	  received TEXT,          -- RFC 3339
//	  sender, subject TEXT,
//	  status TEXT,            -- assigned, unassigned, older, assigned_by_hand, purged
//	  pesel TEXT,             -- '' while unassigned
//	  file TEXT,              -- the photo written, or the unassigned copy kept
//	  why TEXT,               -- why unassigned (mail.Why)
//	  recorded_at TEXT)       -- RFC 3339
//	mail_messages(            -- v5: messages read to the end, so a fetch skips them
//	  message_id TEXT PRIMARY KEY, received TEXT, photos INTEGER, recorded_at TEXT)
//
// Unset values are the empty string. The activation code itself is never stored: the
// codes file holds the secrets, the store only dates and a flag. Schema
// changes are appended to a list of SQL steps applied in one transaction;
// PRAGMA user_version counts the steps applied.
//
// # Crash safety
//
// Times in the history are the run's as-of date with the wall time (see
// [At]); deadlines are judged on whole calendar days of the as-of date.
//
// Every method that changes more than one row does so in one transaction:
// a run killed at any point leaves the store as it was before the call or
// as it is after, and running the same steps again reaches the same state.
package state
