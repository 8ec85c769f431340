package officer

import (
	"encoding/json"
	"fmt"
)

// workerScript puts the version and the paths to cache in front of
// static/js/oficial/sw.js: a new version changes the worker's bytes, which
// is what makes the browser install it.
func workerScript(version string, shell []string, source []byte) ([]byte, error) {
	paths, err := json.Marshal(shell)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("const VERSION = %q;\nconst SHELL = %s;\n", version, paths)
	return append([]byte(head), source...), nil
}
