package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/mail"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/photos"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/rules"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/student"
)

const mailLong = `Take the photos parents sent by e-mail and save them where the nightly run
reads photos (--photos, default the config's 'photos'), each as <PESEL>.<ext>
(JPEG, PNG, HEIC or WebP, as sent), with its provenance (message-id, date
received, sender, SHA-256 of the photo) in the school's state store.

  mlegit mail fetch     from the school's mailbox over IMAP (TLS)
  mlegit mail import    from exported mail: an .mbox file, an .eml, or a
                        folder of .eml files (Thunderbird, Outlook)

Whose photo it is comes, in order, from the attachment's file name (PESEL, or
names and class, exactly as run --photos matches), the subject, the first
lines of the message ("mLegitymacja / Jan Kowalski / 2a", "Kowalski Jan kl.
2a"). Nothing is guessed: photos fitting nobody or several students are kept
in OUT/nieprzypisane/ and listed in OUT/nieprzypisane.csv and .xlsx (Polish)
for 'mlegit photos assign'. Signature logos and icons are ignored.

Messages already taken are skipped, so running it again (e.g. from cron before
'mlegit run') changes nothing. Mail is never deleted.

Exit codes: 0 every photo found assigned, 3 some photos not assigned (listed),
2 usage/config error, 1 fatal (mailbox, folder or store unusable), 4 locked.`

// mailOptions are the flags mail import and fetch share that are not
// configuration keys.
type mailOptions struct {
	file string
}

func newMailCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mail",
		Short: "Take the photos parents sent by e-mail (IMAP mailbox or exported mail)",
		Long:  mailLong,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newMailImportCommand(g), newMailFetchCommand(g))
	return cmd
}

// addMailTargetFlags declares where photos go and who they are matched
// against (configuration keys).
func addMailTargetFlags(f *pflag.FlagSet) {
	f.String("photos", "", "folder the photos go to, as <PESEL>.<ext> (default: the config's photos)")
	f.StringSlice("roster", nil, "roster file(s) to match against (default: the school's state store)")
	f.String("out", "out", "output folder (nieprzypisane.csv/.xlsx, nieprzypisane/, default state store)")
	f.String("school", "szkola", "school identifier")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
}

func newMailImportCommand(g *globalOptions) *cobra.Command {
	var opts mailOptions
	cmd := &cobra.Command{
		Use:     "import --file F [--photos DIR] [--roster FILE...]",
		Short:   "Take photos from exported mail (.mbox, .eml, or a folder of .eml)",
		Long:    mailLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit mail import --file Inbox.mbox --photos zdjecia\n  mlegit mail import --file wyeksportowane/ --roster uczniowie.xlsx",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMail(cmd.Context(), g, cmd, func(*viper.Viper) (takeFunc, error) {
				if opts.file == "" {
					return nil, usageErrorf("--file is required")
				}
				return func(ctx context.Context, t *mail.Taker, tally *mail.Tally) error {
					return t.ImportFile(ctx, opts.file, tally)
				}, nil
			})
		},
	}
	cmd.Flags().StringVar(&opts.file, "file", "", "exported mail: .mbox file, .eml file, or a folder of .eml files")
	addMailTargetFlags(cmd.Flags())
	return cmd
}

// mailServerFlags are the IMAP settings also given as flags; they override
// the config's 'mail:' section. There is deliberately no password flag.
type mailServerFlags struct {
	server, user, folder, passwordFile, caFile, tokenFile string
	starttls                                              bool
}

func newMailFetchCommand(g *globalOptions) *cobra.Command {
	var sf mailServerFlags
	cmd := &cobra.Command{
		Use:   "fetch [--server HOST:PORT --user U --password-file F] [--folder F] [--photos DIR]",
		Short: "Take photos from the school's mailbox over IMAP (TLS)",
		Long: mailLong + `

Settings come from the config's 'mail:' section (server, user, folder,
password_file or password_env, token_file for XOAUTH2, tls: implicit or
starttls, ca_file, after: flag or move, move_to); the flags below override
them. The password is never taken from the command line and never logged.`,
		Args:    cobra.NoArgs,
		Example: "  mlegit mail fetch --server imap.gmail.com:993 --user sekretariat@sp7.edu.pl --password-file /etc/mlegit/haslo-poczty",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMail(cmd.Context(), g, cmd, func(v *viper.Viper) (takeFunc, error) {
				mc, err := mailConfig(v, cmd.Flags(), sf)
				if err != nil {
					return nil, err
				}
				return func(ctx context.Context, t *mail.Taker, tally *mail.Tally) error {
					return t.FetchMailbox(ctx, mc, tally)
				}, nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&sf.server, "server", "", "IMAP server host:port (993: implicit TLS; 143 with --starttls)")
	f.StringVar(&sf.user, "user", "", "mailbox user")
	f.StringVar(&sf.folder, "folder", "", "folder to read (default INBOX)")
	f.StringVar(&sf.passwordFile, "password-file", "", "file holding the mailbox password (first line)")
	f.StringVar(&sf.tokenFile, "token-file", "", "file holding an OAuth 2.0 access token: log in with XOAUTH2")
	f.StringVar(&sf.caFile, "ca-file", "", "PEM certificate(s) to trust besides the system's")
	f.BoolVar(&sf.starttls, "starttls", false, "connect in plain text and upgrade with STARTTLS before login")
	addMailTargetFlags(f)
	return cmd
}

// mailConfig is the config's 'mail:' section with the flags on top.
func mailConfig(v *viper.Viper, flags *pflag.FlagSet, sf mailServerFlags) (mail.Config, error) {
	var mc mail.Config
	if err := v.UnmarshalKey("mail", &mc); err != nil {
		return mc, usageErrorf("mail: %v", err)
	}
	set := func(name string, dst *string, val string) {
		if flags.Changed(name) {
			*dst = val
		}
	}
	set("server", &mc.Server, sf.server)
	set("user", &mc.User, sf.user)
	set("folder", &mc.Folder, sf.folder)
	set("ca-file", &mc.CAFile, sf.caFile)
	if flags.Changed("password-file") {
		mc.PasswordFile, mc.PasswordEnv, mc.TokenFile = sf.passwordFile, "", ""
	}
	if flags.Changed("token-file") {
		mc.TokenFile = sf.tokenFile
	}
	if sf.starttls {
		mc.TLS = "starttls"
	}
	if err := mc.Check(); err != nil {
		return mc, usageErrorf("%v", err)
	}
	return mc, nil
}

// takeFunc takes the messages of one source (a file, a mailbox).
type takeFunc func(context.Context, *mail.Taker, *mail.Tally) error

// runMail checks the settings (prepare gives the source to read), opens the
// school's store, builds the Taker, takes the messages and writes the
// unassigned list.
func runMail(ctx context.Context, g *globalOptions, cmd *cobra.Command, prepare func(*viper.Viper) (takeFunc, error)) error {
	cfg, v, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return err
	}
	take, err := prepare(v)
	if err != nil {
		return err
	}
	store, students, closeState, err := openPhotoTarget(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeState()
	t := &mail.Taker{Students: students, PhotoDir: cfg.Photos, OutDir: cfg.Out, Store: store,
		Issued: issuedCard(store), Log: g.log}
	var tally mail.Tally
	takeErr := take(ctx, t, &tally)
	// What was taken before a failure is recorded: list it all the same.
	n, err := mail.WriteUnassigned(ctx, store, cfg.Out)
	if err := errors.Join(takeErr, err); err != nil {
		return err
	}
	g.log.Info("mail taken", "messages", tally.Messages, "read_before", tally.Skipped, "photos", tally.Photos,
		"assigned", tally.Assigned, "unassigned", tally.Unassigned, "older", tally.Older, "already_taken", tally.Seen,
		"refused", tally.Refused, "unreadable", tally.Unreadable)
	fmt.Fprintf(g.stdout, "messages: %d (read before, skipped: %d), photos: %d, assigned: %d, not assigned: %d, older than the photo on file: %d, already taken: %d\n",
		tally.Messages, tally.Skipped, tally.Photos, tally.Assigned, tally.Unassigned+tally.Refused, tally.Older, tally.Seen)
	for _, w := range tally.Warnings {
		fmt.Fprintln(g.stdout, "UWAGA:", w)
	}
	if n > 0 {
		fmt.Fprintf(g.stdout, "waiting to be assigned: %d; see %s\n", n, filepath.Join(cfg.Out, mail.UnassignedCSV))
	}
	if tally.Unassigned+tally.Refused > 0 {
		return errRejected
	}
	return nil
}

// openPhotoTarget checks the photos folder is set, takes the school's lock,
// opens its store and reads the students photos are matched against.
func openPhotoTarget(ctx context.Context, cfg *config.Config) (*state.Store, []student.Student, func(), error) {
	if cfg.Photos == "" {
		return nil, nil, nil, usageErrorf("no photos folder: give --photos DIR or 'photos:' in the config")
	}
	store, closeState, err := openState(cfg, cfg.Out, cfg.School)
	if err != nil {
		return nil, nil, nil, err
	}
	students, err := mailStudents(ctx, cfg, store)
	if err != nil {
		closeState()
		return nil, nil, nil, err
	}
	return store, students, closeState, nil
}

// mailStudents is the roster photos are matched against: the --roster
// files (rows with a valid PESEL), else the students in the state store.
func mailStudents(ctx context.Context, cfg *config.Config, store *state.Store) ([]student.Student, error) {
	var out []student.Student
	if len(cfg.Rosters) > 0 {
		for _, path := range cfg.Rosters {
			_, err := roster.ReadFile(ctx, path, rosterOptions(cfg), func(r roster.Record) error {
				p, err := pesel.Parse(rules.CleanPESEL(r.PESEL))
				if r.Unreadable != "" || err != nil {
					return nil
				}
				out = append(out, student.Student{PESEL: p, Surname: r.Surname, FirstName: r.FirstName,
					SecondName: r.SecondName, Class: r.Class, File: r.File, Row: r.Row})
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("reading roster %s: %w", filepath.Base(path), err)
			}
		}
		return out, nil
	}
	recs, err := store.Students(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		out = append(out, student.Student{PESEL: pesel.PESEL(r.PESEL), Surname: r.Surname, FirstName: r.FirstName,
			SecondName: r.SecondName, Class: r.Class})
	}
	if len(out) == 0 {
		return nil, usageErrorf("no students to match photos against: give --roster FILE, or run 'mlegit run' once first")
	}
	return out, nil
}

// issuedCard tells the mail import whether a student's card is already
// issued (lifecycle.Issued), so that a new photo for it comes with a
// warning: the lifecycle keeps the card and sends the photo only after a
// reissue.
func issuedCard(st *state.Store) func(context.Context, string) (bool, error) {
	return func(ctx context.Context, p string) (bool, error) {
		rec, err := st.Get(ctx, p)
		if errors.Is(err, state.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return lifecycle.Issued.Has(rec.State), nil
	}
}

const assignLong = `Assign a photo by hand: copy --file into the photos folder as <PESEL>.<ext>
(replacing the student's earlier photo named by the PESEL), for a photo that
came by e-mail but could not be matched (see nieprzypisane.csv; the kept copy
is then removed from nieprzypisane/ and from the list), or any other photo.
The file must be a photo (JPEG, PNG, HEIC or WebP) and the PESEL a student's
of the roster (--roster) or the school's state store.

Exit codes: 0 assigned, 2 usage error (bad PESEL, unknown student, not a
photo), 1 fatal, 4 locked.`

type assignOptions struct {
	file, pesel string
}

func newPhotosAssignCommand(g *globalOptions) *cobra.Command {
	var opts assignOptions
	cmd := &cobra.Command{
		Use:     "assign --file F --pesel P [--photos DIR]",
		Short:   "Assign a photo (e.g. one from e-mail nobody matched) to a student",
		Long:    assignLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit photos assign --file out/nieprzypisane/20260903-1a2b3c4d5e-IMG_2031.JPG --pesel 15211218425",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPhotosAssign(cmd.Context(), opts, g, cmd)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.file, "file", "", "the photo to assign")
	f.StringVar(&opts.pesel, "pesel", "", "the student's PESEL")
	addMailTargetFlags(f)
	return cmd
}

func runPhotosAssign(ctx context.Context, opts assignOptions, g *globalOptions, cmd *cobra.Command) error {
	if opts.file == "" || opts.pesel == "" {
		return usageErrorf("--file and --pesel are required")
	}
	parsed, err := pesel.Parse(rules.CleanPESEL(opts.pesel))
	if err != nil {
		return usageErrorf("--pesel %s: %v", pesel.Masked(opts.pesel), err)
	}
	p := string(parsed)
	cfg, _, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return err
	}
	data, err := os.ReadFile(opts.file)
	if err != nil {
		return usageErrorf("--file: %v", err)
	}
	_, ext, _, _, err := photos.Probe(data)
	if err != nil {
		return usageErrorf("--file %s is not a photo mlegit reads: %v", filepath.Base(opts.file), err)
	}
	store, students, closeState, err := openPhotoTarget(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeState()
	var who *student.Student
	for i := range students {
		if string(students[i].PESEL) == p {
			who = &students[i]
			break
		}
	}
	if who == nil {
		return usageErrorf("PESEL %s is not a student of the roster or the state store", pesel.Masked(p))
	}
	dst, err := mail.WritePhoto(cfg.Photos, p, ext, data)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(opts.file)
	if err != nil {
		return err
	}
	switch err := store.AssignMailPhoto(ctx, abs, p, dst, time.Now()); {
	case err == nil:
		// The copy kept for the secretariat has done its job.
		if err := os.Remove(abs); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing the assigned copy: %w", err)
		}
	case !errors.Is(err, state.ErrNoMailPhoto):
		return err
	}
	if _, err := mail.WriteUnassigned(ctx, store, cfg.Out); err != nil {
		return err
	}
	g.log.Info("photo assigned", "pesel", pesel.Masked(p), "file", pesel.MaskIn(filepath.Base(dst)))
	fmt.Fprintf(g.stdout, "assigned to %s (%s): %s\n", who.FullName(), who.Class, pesel.MaskIn(dst))
	if issued, err := issuedCard(store)(ctx, p); err != nil {
		return err
	} else if issued {
		fmt.Fprintln(g.stdout, "UWAGA: legitymacja jest już wydana — nowe zdjęcie zostanie wysłane dopiero po ponownym wydaniu (mlegit reissue).")
	}
	return nil
}
