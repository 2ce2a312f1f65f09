// The shape every command module exports: add a subcommand to the program.
import type { Command } from 'commander';
import type { CliIO, ExitCode } from '../io.js';

/** Adds one subcommand (with its flags, help and action) to `program`. The action reports its code via setExit. */
export type Register = (program: Command, io: CliIO, setExit: (code: ExitCode) => void) => void;
