package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
)

func cmdCatalog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const help = "uso: transito catalog import ARCHIVO (CSV: " +
		"codigo,descripcion,referencia_legal,gravedad,unidades,puntos)"
	if len(args) == 0 || args[0] != "import" {
		return usageError{help}
	}
	fs := flag.NewFlagSet("catalog import", flag.ContinueOnError)
	db := dbFlag(fs)
	pos, err := parse(fs, args[1:], stderr)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{help}
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
	before, err := store.Tariff(ctx)
	if err != nil {
		return err
	}
	res, err := store.ImportCatalog(ctx, f, models.CLIActor)
	if err != nil {
		return err
	}
	after, err := store.Tariff(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Catálogo importado: %d tipos creados, %d actualizados, %d sin cambios.\n",
		res.Created, res.Updated, res.Unchanged)
	created, updated := catalogChanges(before, after)
	if len(created) > 0 {
		fmt.Fprintln(stdout, "creados:", strings.Join(created, " "))
	}
	if len(updated) > 0 {
		fmt.Fprintln(stdout, "actualizados:", strings.Join(updated, " "))
	}
	return nil
}

// catalogChanges names the types after has that before lacks, and those
// whose data differ.
func catalogChanges(before, after *models.Tariff) (created, updated []string) {
	for _, it := range after.Types {
		old, ok := before.TypeByCode(it.Code)
		switch {
		case !ok:
			created = append(created, it.Code)
		case old.Description != it.Description || old.LegalRef != it.LegalRef || old.Severity != it.Severity ||
			old.Units != it.Units || old.Points != it.Points || old.Active != it.Active:
			updated = append(updated, it.Code)
		}
	}
	return created, updated
}

func cmdUnits(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const help = "uso: transito units set --from AAAA-MM-DD --value 1234.50"
	if len(args) == 0 || args[0] != "set" {
		return usageError{help}
	}
	fs := flag.NewFlagSet("units set", flag.ContinueOnError)
	db := dbFlag(fs)
	from := fs.String("from", "", "the date from which the value applies (YYYY-MM-DD)")
	value := fs.String("value", "", "the money value of one fixed unit (1234.50)")
	pos, err := parse(fs, args[1:], stderr)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *from == "" || *value == "" {
		return usageError{help}
	}
	date, err := fines.ParseDate(*from)
	if err != nil {
		return usageError{"--from " + err.Error()}
	}
	cents, err := fines.ParseAmount(*value)
	if err != nil {
		return usageError{"--value " + err.Error()}
	}
	in := rules.UnitValueInput{From: date, Cents: cents}
	fe := in.Clean()
	if msg := fe[rules.FieldFrom]; msg != "" {
		return usageError{"--from " + msg}
	}
	if msg := fe[rules.FieldValue]; msg != "" {
		return usageError{"--value " + msg}
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	v, err := store.SetUnitValue(ctx, in, models.CLIActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Valor de la unidad fija desde %s: %s (las multas emitidas antes conservan el suyo).\n",
		v.ValidFrom, fines.FormatAmount(v.Cents))
	return nil
}
