/*
 * orgunit.h - organisation units: the administrative tree province → city →
 * county → township → village, its import from CSV and its listing.
 *
 * A unit has a code ("410102"), a Chinese name, a level (1 province ..
 * 5 village) and a parent one level above it (only a province has none).
 * The table keeps each unit's path of codes from the root
 * ("/41/4101/410102/"), so a subtree is a prefix match.
 *
 * Import (orgunit_import_*) reads rows "code,name,level,parent_code", checks
 * the whole set (fields, duplicates, parents in the file or already in the
 * database, cycles, levels) and writes it in one transaction: either every
 * row goes in or none does. Parents may come after their children in the
 * file. A row whose code already exists in the database is accepted only
 * when it is identical (same name, level and parent): re-importing the same
 * file is a no-op; renaming or moving a unit is refused.
 */
#ifndef MINSHENG_TRACKER_ORGUNIT_H
#define MINSHENG_TRACKER_ORGUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct error;

enum orgunit_level {
	ORGUNIT_PROVINCE = 1,
	ORGUNIT_CITY = 2,
	ORGUNIT_COUNTY = 3,
	ORGUNIT_TOWNSHIP = 4,
	ORGUNIT_VILLAGE = 5,
};

/* Longest code accepted, in bytes (codes are [0-9A-Za-z_.-]). */
#define ORGUNIT_CODE_MAX 32
/* Longest name accepted, in bytes of UTF-8. */
#define ORGUNIT_NAME_MAX 200

/*
 * Called for each problem found (errors and, when warning is true,
 * warnings), in addition to the first error being returned through err.
 * At most 100 problems are reported per import.
 */
typedef void (*tracker_note_fn)(void *ctx, const struct error *e, bool warning);

/* "province".."village" -> 1..5; 0 for anything else. */
int orgunit_level_parse(const char *s);

/* 1..5 -> "province".."village"; "" otherwise. */
const char *orgunit_level_name(int level);

/* 1..5 -> "省级", "市级", "县级", "乡级", "村级"; "" otherwise. */
const char *orgunit_level_zh(int level);

/*
 * A unit's short name, the way bulletins name cities: the trailing 市, 地区,
 * 自治州, 盟 or 省 is dropped ("焦作市" -> "焦作", "济源市" -> "济源", "河南省"
 * -> "河南"); a name that would become empty or a single character is kept
 * whole ("沙市" stays). Writes into out (n bytes, truncated at a character
 * boundary when too small) and returns out.
 */
char *orgunit_short_name(const char *name, char *out, size_t n);

/* One unit as read from a file or generated. Strings are owned by the caller. */
struct orgunit_row {
	const char *code;
	const char *name;
	int level;	    /* 1..5 */
	const char *parent; /* parent code, "" or NULL for a root */
	long line;	    /* line in the source file, 0 when generated */
};

/* What an import did. */
struct orgunit_import_stats {
	long rows;     /* rows read */
	long added;    /* new units written */
	long existing; /* identical units already present */
};

/*
 * Import a CSV file with the exact header code,name,level,parent_code.
 * name is used in messages (may be NULL: path is used). Returns 0,
 * ERR_INPUT for bad content (err names file, line, column), ERR_IO.
 * note may be NULL.
 *
 * encoding is the file's (csv_options.encoding: NULL or "" detects; else
 * "UTF-8", "GBK", "GB18030", ...). An encoding the reader does not know
 * fails with ERR_USAGE, reason "unknown_encoding", and a legacy one given
 * for a file that is plainly UTF-8 with ERR_INPUT, reason
 * "encoding_mismatch" (csv.h), before anything is written.
 */
int orgunit_import_file(struct db *db, const char *path, const char *encoding,
			struct orgunit_import_stats *st, tracker_note_fn note, void *ctx,
			struct error *err);

/* The same from memory; name is the file name used in messages. */
int orgunit_import_mem(struct db *db, const char *name, const char *data, size_t len,
		       struct orgunit_import_stats *st, tracker_note_fn note, void *ctx,
		       struct error *err);

/*
 * Import rows already split into fields (used by the CSV paths and by the
 * generated villages). name is the source name for messages. Checks and
 * writes as described at the top; one transaction unless the caller already
 * has one open (in_tx true: then nothing is committed or rolled back here).
 */
int orgunit_import_rows(struct db *db, const char *name, const struct orgunit_row *rows, size_t n,
			bool in_tx, struct orgunit_import_stats *st, tracker_note_fn note,
			void *ctx, struct error *err);

/* A unit as listed. Strings point into the listing's storage. */
struct orgunit {
	int64_t id;
	const char *code;
	const char *name;
	int level;
	const char *parent; /* "" for a root */
	const char *path;
};

/* Filter for orgunit_list: level 0 = any; parent NULL = any. */
struct orgunit_filter {
	int level;
	const char *parent; /* only units below this unit (any depth) */
	bool direct;	    /* with parent: only its direct children */
};

/*
 * Call fn for every unit matching f, ordered by code. fn returning non-zero
 * stops the listing and that value is returned. ERR_INPUT when f->parent is
 * not a known unit.
 */
int orgunit_list(struct db *db, const struct orgunit_filter *f,
		 int (*fn)(void *ctx, const struct orgunit *u), void *ctx, struct error *err);

struct orgunit_info {
	int64_t id;
	int level;
	char code[ORGUNIT_CODE_MAX + 1];
	char name[ORGUNIT_NAME_MAX + 1];
	char parent[ORGUNIT_CODE_MAX + 1];
	char path[512];
};

/* Look up one unit by code into *u (copied). Returns 0, ERR_INPUT when unknown. */
int orgunit_find(struct db *db, const char *code, struct orgunit_info *u, struct error *err);

/*
 * The name used for a unit in a bulletin's list of units: its city's short
 * name followed by its own name ("焦作博爱县"); a unit whose city is a
 * container of province-administered units (name starting 省直辖) or that has
 * no city above it is named by its own short name ("济源"). Units at city
 * level are named by their short name, except a 省直辖… container with a
 * single unit, which is named as that unit ("济源"). Writes into out and
 * returns out.
 */
char *orgunit_bulletin_name(struct db *db, const struct orgunit_info *u, char *out, size_t n);

/*
 * The same from names alone (no database): city is the name of the unit's
 * city-level ancestor, NULL when it has none. For a unit at city level or
 * above this is its short name (the 省直辖 single-unit rule needs the
 * database).
 */
char *orgunit_bulletin_name_of(int level, const char *name, const char *city, char *out, size_t n);

/*
 * The longer name a lagging list gives a unit whose bulletin name would read
 * the same as another unit's of the list (docs/bulletin.md): its city's short
 * name, its county, for a village also its township, then its own name
 * ("新乡封丘县城关镇", "郑州中牟县刘集镇刘营村"). city, county and township are
 * the names of its ancestors at those levels (NULL when it has none); a
 * 省直辖 city is left out, as in orgunit_bulletin_name_of, and so is any part
 * the next part begins with ("济源市" before "济源市沁园街道"). A unit at
 * county level or above has nothing to add: this is then
 * orgunit_bulletin_name_of. Writes into out (truncated at a character
 * boundary) and returns out.
 */
char *orgunit_bulletin_name_full(int level, const char *name, const char *city, const char *county,
				 const char *township, char *out, size_t n);

/* Room for any name orgunit_bulletin_name_full writes, with its NUL and a
 * code in brackets after it. */
#define ORGUNIT_BULLETIN_NAME_MAX (4 * ORGUNIT_NAME_MAX + ORGUNIT_CODE_MAX + 8)

/*
 * The scope word a bulletin's sentences (and a lagging list's 全省…) start
 * with for a unit, after what the unit is, read from the end of its name:
 * …省 全省, …自治区 全区, …市 全市 (cities and county-level cities alike),
 * …自治州 全州, …地区 全地区, …盟 全盟, …区 全区 (a district, 新区, 示范区),
 * …县 / …自治县 全县, …旗 全旗, …镇 全镇, …乡 全乡, …苏木 全苏木, …街道 全街道,
 * …社区 全社区, …村 全村, …嘎查 全嘎查. A name that ends otherwise (or is
 * only the suffix) goes by level: 1 全省, 2 全市, 3 全县, 4 全乡, 5 全村,
 * anything else 全部. name may be NULL (level alone). Pure.
 */
const char *orgunit_scope(int level, const char *name);

/*
 * How a unit's own bulletin names it in its first line, and its scope word
 * (docs/bulletin.md, A unit's bulletin). The name identifies the unit, by
 * the rule of lagging lists:
 *   - the root of a database with a single root: "" (not named); with
 *     several roots, every root by its own name ("湖北省");
 *   - a city-level unit by its own name ("郑州市"); the 省直辖 container of a
 *     single unit as that unit ("济源市"), and so is a county-level unit with
 *     no city above it or under a 省直辖 container ("济源市");
 *   - a county, township or village by orgunit_bulletin_name_full: its
 *     city's short name, county and township ("郑州中原区",
 *     "郑州新密市城关镇", "洛阳孟津区城关镇");
 *   - with several roots, a unit below a root is preceded by its root's
 *     short name ("湖北武汉市"), unless the name already starts with it;
 *   - a name that another unit of the same own name would also get is
 *     followed by its code in brackets ("新乡新区（410781）").
 * scope is orgunit_scope of the unit (of the single unit, for a 省直辖
 * container of one). name of ORGUNIT_TITLE_MAX bytes holds any name whole
 * (a smaller one is cut at a character boundary). Returns 0, ERR_INPUT for
 * an unknown code, ERR_IO.
 */
#define ORGUNIT_TITLE_MAX (5 * ORGUNIT_NAME_MAX + ORGUNIT_CODE_MAX + 8)
int orgunit_title(struct db *db, const char *code, char *name, size_t n, const char **scope,
		  struct error *err);

/* Number of units in the database (all levels). */
int orgunit_count(struct db *db, int64_t *out, struct error *err);

#endif
