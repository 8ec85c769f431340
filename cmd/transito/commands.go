package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"transito/models"
	"transito/models/rules"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := dbFlag(fs)
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	store, err := models.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	applied, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "La base está al día: no hay migraciones pendientes.")
		return nil
	}
	for _, name := range applied {
		fmt.Fprintln(stdout, "aplicada:", name)
	}
	return nil
}

func cmdAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"uso: transito admin create --username U [--role administrador|supervisor|operador] [--password-stdin]"}
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	db := dbFlag(fs)
	username := fs.String("username", "", "the new administrator's user name")
	roleName := fs.String("role", "", "administrador, supervisor or operador (default operador; the first account is always administrador)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if _, err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	if *username == "" {
		return usageError{"falta --username"}
	}
	var role rules.Role
	if *roleName != "" {
		var msg string
		if role, msg = rules.ParseRole(*roleName); msg != "" {
			return usageError{"--role " + msg}
		}
	}
	password, err := readPassword(stdin, stderr, *fromStdin)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	a, err := store.CreateAdmin(ctx, rules.AdminInput{Username: *username, Password: password, Role: role}, models.CLIActor)
	if err != nil {
		return err
	}
	note := ""
	if role != "" && a.Role != role {
		note = ": es la primera cuenta, que siempre lo es"
	}
	fmt.Fprintf(stdout, "Administrador %q creado (id %d, rol %s%s).\n", a.Username, a.ID, a.Role, note)
	return nil
}

// readPassword reads a password from stdin (the first line), or asks for it
// twice on the terminal without echo.
func readPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usageError{"la entrada no es una terminal: use --password-stdin"}
	}
	fmt.Fprint(stderr, "Contraseña: ")
	p1, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(stderr, "Repita la contraseña: ")
	p2, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(p1) != string(p2) {
		return "", errors.New("las contraseñas no coinciden")
	}
	return string(p1), nil
}

func cmdOfficer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const help = "uso: transito officer create --name N --badge B | token --badge B | revoke --badge B"
	if len(args) == 0 {
		return usageError{help}
	}
	sub := args[0]
	fs := flag.NewFlagSet("officer "+sub, flag.ContinueOnError)
	db := dbFlag(fs)
	badge := fs.String("badge", "", "the officer's badge number")
	name := fs.String("name", "", "the officer's name (create)")
	if _, err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	if *badge == "" {
		return usageError{"falta --badge"}
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "create":
		o, err := store.CreateOfficer(ctx, rules.OfficerInput{Name: *name, Badge: *badge, Active: true}, models.CLIActor)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, o.ID)
		return nil
	case "token", "revoke":
		o, err := store.OfficerByBadge(ctx, *badge)
		if errors.Is(err, models.ErrNotFound) {
			return fmt.Errorf("no existe un oficial con el número %s", *badge)
		}
		if err != nil {
			return err
		}
		if sub == "revoke" {
			err := store.RevokeToken(ctx, o.ID, models.CLIActor)
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("el oficial %s no tiene un token vigente", o.Badge)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Token del oficial %s revocado.\n", o.Badge)
			return nil
		}
		token, err := store.IssueToken(ctx, o.ID, models.CLIActor)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, token)
		return nil
	}
	return usageError{help}
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := dbFlag(fs)
	dryRun := fs.Bool("dry-run", false, "report what would change and write nothing")
	pos, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"uso: transito import ARCHIVO (CSV o JSON)"}
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return fmt.Errorf("no se puede abrir %s: %w", pos[0], err)
	}
	defer f.Close()
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := store.Import(ctx, f, models.CLIActor, *dryRun)
	if err != nil {
		return err
	}
	verb := "Importado"
	if *dryRun {
		verb = "Vista previa (no se escribió nada)"
	}
	p := rules.Plural
	fmt.Fprintf(stdout, "%s: %s, %s; %s, %s, %s; %s sin cambios.\n", verb,
		p(res.PersonsCreated, "persona creada", "personas creadas"), p(res.PersonsUpdated, "actualizada", "actualizadas"),
		p(res.VehiclesCreated, "vehículo creado", "vehículos creados"), p(res.VehiclesUpdated, "actualizado", "actualizados"),
		p(res.VehiclesMoved, "transferido de titular", "transferidos de titular"), rules.Thousands(res.Unchanged))
	return nil
}

func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	db := dbFlag(fs)
	persons := fs.Int("persons", 1000, "number of persons (each with 1–3 vehicles)")
	infractions := fs.Int("infractions", 10000, "number of infractions over the last year")
	officers := fs.Int("officers", 300, "number of officers")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *persons < 1 || *infractions < 0 || *officers < 1 {
		return usageError{"--persons y --officers deben ser ≥ 1 y --infractions ≥ 0"}
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	res, err := store.Seed(ctx, models.SeedOptions{Persons: *persons, Infractions: *infractions, Officers: *officers, Seed: *seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Generados %d personas, %d vehículos, %d oficiales y %d infracciones en %s.\n",
		res.Persons, res.Vehicles, res.Officers, res.Infractions, time.Since(start).Round(time.Millisecond))
	return nil
}

// errBackupPostgres is transito backup's answer on PostgreSQL: the server's
// own tools make consistent copies there.
var errBackupPostgres = errors.New("transito backup copia bases SQLite; en PostgreSQL use pg_dump " +
	"(por ejemplo: pg_dump --format=custom --file=transito.dump \"$TRANSITO_DB\") " +
	"o las instantáneas del servicio (RDS)")

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := dbFlag(fs)
	pos, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"uso: transito backup SALIDA"}
	}
	if models.IsPostgresDSN(*db) {
		return errBackupPostgres
	}
	store, err := models.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Copia de seguridad escrita en %s.\n", pos[0])
	return nil
}

func cmdHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	addr := env("TRANSITO_ADDR", ":8000")
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	url := fs.String("url", "http://"+addr+"/readyz", "the readiness URL to ask")
	_ = dbFlag(fs)
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usageError{"URL inválida: " + *url}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("no responde %s: %w", *url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s respondió %d", *url, resp.StatusCode)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
