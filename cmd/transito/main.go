// Command transito is the Tránsito server and its administration tool.
//
//	transito serve [--addr :8000] [--demo]
//	transito migrate
//	transito admin create --username U [--role R] [--password-stdin]
//	transito officer create --name N --badge B
//	transito officer token --badge B
//	transito officer revoke --badge B
//	transito import FILE
//	transito seed --persons N --infractions M [--seed S]
//	transito catalog import FILE
//	transito units set --from YYYY-MM-DD --value 1234.50
//	transito backup OUT
//	transito healthcheck [--url URL]
//
// Every command takes --db (env TRANSITO_DB, default transito.db): a SQLite
// file path or a postgres:// URL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	_ "time/tzdata" // time zones work on images without /usr/share/zoneinfo

	"transito/models"
	"transito/models/rules"
)

const usage = `Uso: transito <comando> [opciones]

Comandos:
  serve [--addr :8000] [--demo]        migra la base y sirve la aplicación
  migrate                              aplica las migraciones pendientes
  admin create --username U            crea un administrador (--password-stdin o pregunta)
  officer create --name N --badge B    crea un oficial e imprime su id
  officer token --badge B              emite un token nuevo (revoca el anterior) y lo imprime
  officer revoke --badge B             revoca el token del oficial
  import ARCHIVO                       importa personas y vehículos (CSV o JSON), todo o nada
  seed --persons N --infractions M     genera datos sintéticos deterministas
  catalog import ARCHIVO               actualiza el catálogo legal desde un CSV, todo o nada
  units set --from FECHA --value V     valor de la unidad fija desde esa fecha (AAAA-MM-DD, 1234.50)
  backup SALIDA                        copia consistente de la base en línea (solo SQLite)
  healthcheck [--url URL]              sale con 0 si el servidor responde /readyz
  version                              muestra la versión y el commit

Todas las órdenes aceptan --db (variable TRANSITO_DB, por defecto transito.db):
la ruta de un archivo SQLite o una URL postgres://usuario:clave@servidor/base.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "transito: "+oneLine(err))
		}
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// oneLine keeps an error message on one line, as the CLI promises.
func oneLine(err error) string {
	var inv *models.ImportInvalidError
	if errors.As(err, &inv) {
		parts := make([]string, 0, len(inv.Errors))
		for _, e := range inv.Errors {
			parts = append(parts, e.String())
		}
		return "importación rechazada, no se escribió nada: " + strings.Join(parts, "; ")
	}
	var fe rules.FieldErrors
	if errors.As(err, &fe) {
		return "datos inválidos: " + fe.Error()
	}
	var ce *models.ConflictError
	if errors.As(err, &ce) {
		return ce.Message
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// run dispatches a command line; it is main without the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"falta el comando"}
	}
	// A --db before the command applies to it too.
	var db []string
	if len(args) >= 2 && (args[0] == "--db" || args[0] == "-db") {
		db, args = args[:2], args[2:]
	} else if len(args) >= 1 && (strings.HasPrefix(args[0], "--db=") || strings.HasPrefix(args[0], "-db=")) {
		db, args = args[:1], args[1:]
	}
	if len(args) == 0 {
		return usageError{"falta el comando"}
	}
	cmd, rest := args[0], withFlags(args[0], args[1:], db)
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr)
	case "admin":
		return cmdAdmin(ctx, rest, stdin, stdout, stderr)
	case "officer":
		return cmdOfficer(ctx, rest, stdout, stderr)
	case "import":
		return cmdImport(ctx, rest, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, rest, stdout, stderr)
	case "catalog":
		return cmdCatalog(ctx, rest, stdout, stderr)
	case "units":
		return cmdUnits(ctx, rest, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("comando desconocido %q", cmd)}
}

// withFlags passes flags given before the command down to it: they go
// first among the command's own flags (after its subcommand, for admin,
// officer, catalog and units), so that the same flag after the command
// still wins.
func withFlags(cmd string, rest, flags []string) []string {
	if len(flags) == 0 {
		return rest
	}
	at := 0
	if (cmd == "admin" || cmd == "officer" || cmd == "catalog" || cmd == "units") && len(rest) > 0 {
		at = 1
	}
	out := append([]string{}, rest[:at]...)
	out = append(out, flags...)
	return append(out, rest[at:]...)
}

// parse parses flags that may come before or after the positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	fs.SetOutput(stderr)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string) (*models.Store, error) {
	store, err := models.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// version names the build: the module version and, when built from a git
// checkout, the commit.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "transito (unknown build)"
	}
	v := "transito " + info.Main.Version
	for _, kv := range info.Settings {
		if kv.Key == "vcs.revision" {
			v += " " + kv.Value
		}
	}
	return v
}
