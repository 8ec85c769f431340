package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"transito/internal/testdb"
)

// TestDemoStartSaysWhatItDid: the first `serve --demo` loads the demo data
// and creates the admin; a second start on the same database says the data
// was there already and where the admin's password came from.
func TestDemoStartSaysWhatItDid(t *testing.T) {
	db := testdb.DSN(t)
	start := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, binPath, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", db)
		cmd.Env = append(os.Environ(), "TRANSITO_LOG_LEVEL=warn", "TRANSITO_ADMIN_PASSWORD=una-clave-larga-de-demo")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 4096)
		for !strings.Contains(b.String(), "Tránsito escuchando") {
			n, err := out.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		return b.String()
	}
	first := start()
	for _, want := range []string{"Administrador inicial creado", "Datos de demostración cargados", "Token nuevo del oficial DEMO-001"} {
		if !strings.Contains(first, want) {
			t.Errorf("first start does not say %q:\n%s", want, first)
		}
	}
	second := start()
	for _, want := range []string{"ya tenía los datos de demostración", "«admin» ya existía", "TRANSITO_ADMIN_PASSWORD", "Token nuevo del oficial DEMO-001"} {
		if !strings.Contains(second, want) {
			t.Errorf("second start does not say %q:\n%s", want, second)
		}
	}
	if strings.Contains(second, "Datos de demostración cargados") || strings.Contains(second, "Administrador inicial creado") {
		t.Errorf("second start claims it loaded or created again:\n%s", second)
	}
}
