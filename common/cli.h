/* The command line every daemon shares (--config, --foreground,
 * --check-config, --set, -v, --version, --help) plus each daemon's own flags,
 * which set config keys so that flags override the file. */
#ifndef PXE_CLI_H
#define PXE_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

struct cli_flag {
	int short_name;		/* 0: long form only */
	const char *long_name;	/* NULL: short form only */
	const char *arg;	/* the argument's name in --help; NULL: none */
	const char *section;	/* the key the flag sets */
	const char *key;
	const char *value;	/* what a flag without argument sets the key to */
	const char *help;
	int alias;		/* instead of a key: acts as this common flag ('f') */
	bool usec;		/* the argument is microseconds, for a duration key */
};

struct cli_spec {
	const char *prog;		/* "pxe-tftpd" */
	const char *summary;		/* one line for --help */
	const struct cli_flag *flags;	/* the daemon's own; ends with a zeroed entry */
	/* One optional operand, setting a key (tftp-hpa's "in.tftpd -s DIR");
	 * operand NULL: none taken. */
	const char *operand;		/* its name in --help: "DIR" */
	const char *operand_section;
	const char *operand_key;
	const struct conf_section_def *const *schema;
	/* What this daemon needs of a config that the shared schema cannot
	 * ask of every daemon (pxe-dhcpd: a [subnet] to serve), checked on
	 * every load: --check-config, start and reload.  0, or -1 with a
	 * message in err (the file's name is put before it). */
	int (*check)(const struct conf *conf, char *err, size_t errlen);
	/* check's messages start with their own "FILE:LINE: " (pxe-nfsd's
	 * exports live in more than one file): nothing is put before them. */
	bool check_says_where;
};

/* A key set on the command line, in argv order. */
struct cli_setting {
	const char *section;
	const char *key;
	const char *value;
	const char *origin;	/* the flag as written, for messages */
};

struct cli {
	const char *config_path;
	bool config_given;	/* a missing file is an error only when given */
	bool foreground;
	bool check_config;
	int verbose;		/* each -v */
	size_t nsettings;
	struct cli_setting *settings;
	char **owned;		/* strings split from --set SECTION.KEY=VALUE */
	size_t nowned;
};

/* Parses argv.  --help and --version print and exit 0; a bad flag prints a
 * usage message and exits 64 (EX_USAGE). */
void cli_parse(struct cli *cli, const struct cli_spec *spec, int argc, char **argv);
/* Defaults < file < flags, then the schema's checks.  On error returns -1
 * with "FILE:LINE: message" in err and conf freed. */
int cli_load_config(const struct cli *cli, const struct cli_spec *spec,
		    struct conf *conf, struct conf_error *err);
void cli_free(struct cli *cli);

#endif
