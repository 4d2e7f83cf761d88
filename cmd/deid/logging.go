package main

import (
	"flag"
	"fmt"
	"io"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// logFlags are the logging flags every long-running command shares.
type logFlags struct {
	level  string
	format string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.level, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&l.format, "log-format", "console", "log format: console or json")
}

// logger builds a zap logger writing to w (stderr). deid logs counts,
// paths, field names and reasons only; record values never reach it.
func (l *logFlags) logger(w io.Writer) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(l.level)
	if err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	var e zapcore.Encoder
	switch l.format {
	case "json":
		e = zapcore.NewJSONEncoder(enc)
	case "console":
		enc.EncodeLevel = zapcore.CapitalLevelEncoder
		e = zapcore.NewConsoleEncoder(enc)
	default:
		return nil, fmt.Errorf("--log-format: want console or json")
	}
	return zap.New(zapcore.NewCore(e, zapcore.AddSync(w), lvl)), nil
}
